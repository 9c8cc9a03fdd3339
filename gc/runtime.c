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
    *h = (GcHook){.kind = kind, .symbol = xstrdup(symbol ? symbol : "")};
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
    case GC_HOOK_TRIGGER: return "allocation-triggered collections";
    }
    return "events";
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
        if (h->optional) {
            if (h->kind == GC_HOOK_PHASE)
                gc_runtime_note(rt, "%s is not in the image: phase \"%s\" not recorded", h->symbol,
                                h->phase ? h->phase : "?");
            else
                gc_runtime_note(rt, "%s is not in the image: its %s are not observed", h->symbol, hook_role(h));
            continue;
        }
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
    return 0;
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
    }
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
