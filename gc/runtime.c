/* runtime.c: helpers shared by the GC runtime adapters: building the hook list, notes,
 * resolving hooks by symbol, and summarizing a decoded block table. */
#include "config.h"

#include <elf.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "gc/runtime.h"
#include "sim/util.h"

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

void gc_blocks_summarize(GcHeapState *st)
{
    if (!st->blocks)
        return;
    uint64_t nfree = 0, run = 0, longest = 0;
    for (uint32_t i = 0; i < st->nblocks; i++) {
        if (st->blocks[i] == REC_BLOCK_FREE) {
            nfree++;
            if (++run > longest)
                longest = run;
        } else {
            run = 0;
        }
    }
    st->free = (int64_t)(nfree * st->block_size);
    st->used = (int64_t)((st->nblocks - nfree) * st->block_size);
    st->largest_free = (int64_t)(longest * st->block_size);
}
