/* runtime.c: helpers shared by the GC runtime adapters: building the hook list, notes,
 * resolving hooks by symbol, and summarizing a decoded block table. */
#include "config.h"

#include <elf.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "gc/runtime.h"
#include "base/util.h"

GcRuntime *gc_runtime_new(const char *name, const Image *img)
{
    GcRuntime *rt = xcalloc(1, sizeof *rt);
    rt->name = xstrdup(name);
    rt->img = img;
    return rt;
}

GcHook *gc_runtime_add_hook(GcRuntime *rt, GcHookKind kind, const char *symbol)
{
    rt->hooks = xrealloc(rt->hooks, (rt->nhooks + 1) * sizeof *rt->hooks);
    GcHook *h = &rt->hooks[rt->nhooks++];
    *h = (GcHook){.kind = kind, .symbol = xstrdup(symbol ? symbol : ""), .trigger_arg = -1,
                  .trigger = kind == GC_HOOK_TRIGGER ? REC_TRIGGER_ALLOC : REC_TRIGGER_EXPLICIT};
    return h;
}

void gc_runtime_note(GcRuntime *rt, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    rt->notes = xrealloc(rt->notes, (rt->nnotes + 1) * sizeof *rt->notes);
    rt->notes[rt->nnotes++] = msg;
}

/* What is lost when a hook's symbol is absent, for the note. */
static const char *hook_role(const GcHook *h)
{
    switch (h->kind) {
    case GC_HOOK_PAUSE: return h->incremental ? "incremental steps" : "pauses";
    case GC_HOOK_PAUSE_BEGIN: return "pause starts";
    case GC_HOOK_PAUSE_END: return "pause ends";
    case GC_HOOK_PHASE: return "phase";
    case GC_HOOK_ALLOC: return "allocations";
    case GC_HOOK_FREE: return "frees";
    case GC_HOOK_REALLOC: return "reallocations";
    case GC_HOOK_TRIGGER:
        return h->trigger == REC_TRIGGER_ALLOC ? "allocation-triggered collections"
                                               : "explicit collections (told apart from the others)";
    case GC_HOOK_STATE: return "runtime states (the heap counters hang off them)";
    }
    return "events";
}

/* Whether another hook of phase `phase` resolved (by symbol or inline ranges); the
 * names of those that did into *names (malloc'd, ", "-separated). */
static bool phase_resolved(const GcRuntime *rt, const char *phase, char **names)
{
    *names = NULL;
    for (size_t k = 0; k < rt->nhooks; k++) {
        const GcHook *o = &rt->hooks[k];
        if (o->kind != GC_HOOK_PHASE || !o->phase || strcmp(o->phase, phase) || (!o->addr && !o->nranges))
            continue;
        char *m = *names ? xasprintf("%s, %s", *names, o->symbol) : xstrdup(o->symbol);
        free(*names);
        *names = m;
    }
    return *names != NULL;
}

/* A phase hook whose function has no symbol: the ranges where it was inlined, those in a
 * function of known size up to GC_INLINE_SITE_MAX bytes (the observer follows them). */
static void inline_phase(GcRuntime *rt, GcHook *h)
{
    h->nranges = image_inline_ranges(rt->img, h->symbol, &h->ranges);
    size_t k = 0;
    for (size_t i = 0; i < h->nranges; i++) {
        const ImageSymbol *f = image_function_at(rt->img, h->ranges[i].lo);
        uint32_t lo = f ? (image_machine(rt->img) == EM_ARM ? f->addr & ~1u : f->addr) : 0;
        if (f && f->size && f->size <= GC_INLINE_SITE_MAX && h->ranges[i].hi <= lo + f->size)
            h->ranges[k++] = h->ranges[i];
    }
    h->nranges = k;
    if (!k) {
        free(h->ranges);
        h->ranges = NULL;
    }
}

/* The note for an optional hook that resolved neither by symbol nor inline ranges. */
static void note_missing(GcRuntime *rt, const GcHook *h)
{
    if (h->kind != GC_HOOK_PHASE) {
        gc_runtime_note(rt, "%s is not in the image: its %s are not observed", h->symbol, hook_role(h));
        return;
    }
    const char *phase = h->phase ? h->phase : "?";
    ImageRange *r;
    size_t inlined = image_inline_ranges(rt->img, h->symbol, &r);
    free(r);
    const char *why = inlined ? "is inlined only in functions too large to follow (or of unknown size)"
                              : "is neither in the image nor inlined in it";
    char *others;
    if (phase_resolved(rt, phase, &others))
        gc_runtime_note(rt, "%s %s: phase \"%s\" is recorded from %s only", h->symbol, why, phase, others);
    else
        gc_runtime_note(rt, "%s %s: phase \"%s\" not recorded", h->symbol, why, phase);
    free(others);
}

int gc_runtime_resolve(GcRuntime *rt, char **err)
{
    if (!rt->img) {
        set_err(err, "%s: no image to resolve hooks in", rt->name);
        return -1;
    }
    bool arm = image_machine(rt->img) == EM_ARM;
    char *missing = NULL;
    for (size_t i = 0; i < rt->nhooks; i++) {
        GcHook *h = &rt->hooks[i];
        const ImageSymbol *s = h->symbol[0] ? image_symbol_by_name(rt->img, h->symbol) : NULL;
        if (s) {
            h->addr = arm ? s->addr & ~1u : s->addr;
            continue;
        }
        h->addr = 0;
        if (h->optional && h->kind == GC_HOOK_PHASE && h->symbol[0])
            inline_phase(rt, h);
        if (h->optional)
            continue;
        /* Each missing symbol once, in hook order. */
        bool dup = false;
        for (size_t k = 0; k < i; k++)
            if (!rt->hooks[k].optional && rt->hooks[k].addr == 0 && strcmp(rt->hooks[k].symbol, h->symbol) == 0)
                dup = true;
        if (dup)
            continue;
        char *m = missing ? xasprintf("%s, %s", missing, h->symbol) : xstrdup(h->symbol);
        free(missing);
        missing = m;
    }
    if (missing) {
        set_err(err, "%s: required symbol%s missing from %s: %s", rt->name, strchr(missing, ',') ? "s" : "",
                image_path(rt->img) ? image_path(rt->img) : "the image", missing);
        free(missing);
        return -1;
    }
    for (size_t i = 0; i < rt->nhooks; i++)
        if (rt->hooks[i].optional && !rt->hooks[i].addr && !rt->hooks[i].nranges)
            note_missing(rt, &rt->hooks[i]);
    return 0;
}

size_t gc_runtime_stack_site(GcRuntime *rt, const char *function)
{
    ImageRange *r;
    size_t n = image_inline_ranges(rt->img, function, &r);
    const ImageSymbol *s = image_symbol_by_name(rt->img, function);
    if (s && s->is_func && s->size) {
        r = xrealloc(r, (n + 1) * sizeof *r);
        uint32_t lo = image_machine(rt->img) == EM_ARM ? s->addr & ~1u : s->addr;
        r[n++] = (ImageRange){lo, lo + s->size};
    }
    if (n) {
        rt->stack_sites = xrealloc(rt->stack_sites, (rt->nstack_sites + n) * sizeof *r);
        memcpy(rt->stack_sites + rt->nstack_sites, r, n * sizeof *r);
        rt->nstack_sites += n;
    }
    free(r);
    return n;
}

void gc_runtime_free(GcRuntime *rt)
{
    if (!rt)
        return;
    if (rt->free_priv)
        rt->free_priv(rt);
    for (size_t i = 0; i < rt->nhooks; i++) {
        free(rt->hooks[i].symbol);
        free(rt->hooks[i].phase);
        free(rt->hooks[i].ranges);
    }
    free(rt->stack_sites);
    free(rt->hooks);
    for (size_t i = 0; i < rt->nnotes; i++)
        free(rt->notes[i]);
    free(rt->notes);
    free(rt->layout_source);
    free(rt->name);
    free(rt);
}

/* What a byte of a 2-bit block table says of its four blocks (block 0 in the low
 * bits): free blocks, free blocks at its start and at its end, the longest free run
 * inside it, and the four states as the bytes of a word (little-endian). */
typedef struct AtbByte {
    uint8_t nfree, lead, trail, inner;
    uint8_t st[4];
} AtbByte;

static const AtbByte *atb_table(void)
{
    static AtbByte t[256];
    static bool ready;
    if (ready)
        return t;
    for (unsigned b = 0; b < 256; b++) {
        AtbByte *e = &t[b];
        unsigned run = 0;
        bool lead = true;
        for (unsigned k = 0; k < 4; k++) {
            e->st[k] = (uint8_t)((b >> (2 * k)) & 3);
            if (e->st[k] == REC_BLOCK_FREE) {
                e->nfree++;
                run++;
                if (lead)
                    e->lead++;
                if (run > e->inner)
                    e->inner = (uint8_t)run;
            } else {
                lead = false;
                run = 0;
            }
        }
        e->trail = (uint8_t)run;
    }
    ready = true;
    return t;
}

int gc_read_block_table(GcReadFn read, void *opaque, uint32_t table, uint32_t nblocks, uint32_t base,
                        uint32_t block_size, bool want_blocks, GcHeapState *out)
{
    uint32_t len = (nblocks + 3) / 4;
    uint8_t *atb = xmalloc(len ? len : 1);
    if (len && read(opaque, table, atb, len) != 0) {
        free(atb);
        return -1;
    }
    out->base = base;
    out->block_size = block_size;
    out->nblocks = nblocks;
    out->blocks = want_blocks ? xmalloc(nblocks ? nblocks : 1) : NULL;
    const AtbByte *t = atb_table();
    uint64_t nfree = 0, run = 0, longest = 0;
    uint32_t whole = nblocks / 4; /* bytes of four blocks; the rest one block at a time */
    for (uint32_t i = 0; i < whole; i++) {
        if (!out->blocks && i + 8 <= whole) { /* eight bytes of free blocks: at once */
            uint64_t w;
            memcpy(&w, atb + i, sizeof w);
            if (!w) {
                nfree += 32;
                run += 32;
                if (run > longest)
                    longest = run;
                i += 7;
                continue;
            }
        }
        const AtbByte *e = &t[atb[i]];
        if (out->blocks)
            memcpy(out->blocks + 4 * (size_t)i, e->st, 4);
        nfree += e->nfree;
        if (e->nfree == 4) {
            run += 4;
        } else {
            if (run + e->lead > longest)
                longest = run + e->lead;
            if (e->inner > longest)
                longest = e->inner;
            run = e->trail;
        }
        if (run > longest)
            longest = run;
    }
    for (uint32_t i = 4 * whole; i < nblocks; i++) {
        uint8_t st = (atb[i / 4] >> (2 * (i % 4))) & 3;
        if (out->blocks)
            out->blocks[i] = st;
        if (st == REC_BLOCK_FREE) {
            nfree++;
            if (++run > longest)
                longest = run;
        } else {
            run = 0;
        }
    }
    free(atb);
    out->free = (int64_t)(nfree * block_size);
    out->used = (int64_t)((nblocks - nfree) * block_size);
    out->largest_free = (int64_t)(longest * block_size);
    return 0;
}
