/* gcrt.c: adapter for gcrt, the reference firmware's collector (firmware/gcrt/gc.h):
 * gc_collect is a pause (gc_mark_phase, gc_sweep_phase its phases), the incremental
 * build's gc_incremental_start/step are short pauses; the heap is described by the
 * globals gc_heap_start, gc_block_count and gc_alloc_table (2 bits per block). */
#include "config.h"

#include <stdlib.h>

#include "gc/runtime.h"
#include "base/util.h"

#define GCRT_BLOCK_BYTES 16u

static bool gcrt_probe(const Image *img)
{
    return image_symbol_by_name(img, "gc_collect") && image_symbol_by_name(img, "gc_alloc") &&
           image_symbol_by_name(img, "gc_alloc_table") && image_symbol_by_name(img, "gc_block_count");
}

typedef struct GcrtPriv {
    uint32_t heap_start_var, table_var, count_var; /* addresses of the globals */
} GcrtPriv;

static int read_u32(GcReadFn read, void *opaque, uint32_t addr, uint32_t *v)
{
    return read(opaque, addr, v, 4); /* little-endian guest and host */
}

static int gcrt_heap_state(GcRuntime *rt, GcReadFn read, void *opaque, bool want_blocks, GcHeapState *out)
{
    const GcrtPriv *p = rt->priv;
    uint32_t start, table, count;
    if (read_u32(read, opaque, p->heap_start_var, &start) || read_u32(read, opaque, p->table_var, &table) ||
        read_u32(read, opaque, p->count_var, &count))
        return -1;
    if (!table || !count || count > (1u << 24))
        return -1; /* gc_init has not run yet */
    return gc_read_block_table(read, opaque, table, count, start, GCRT_BLOCK_BYTES, want_blocks, out);
}

static void gcrt_free_priv(GcRuntime *rt) { free(rt->priv); }

static GcRuntime *gcrt_open(const Image *img, char **err)
{
    GcRuntime *rt = gc_runtime_new("gcrt", img);
    gc_runtime_add_hook(rt, GC_HOOK_PAUSE, "gc_collect");
    GcHook *h = gc_runtime_add_hook(rt, GC_HOOK_PHASE, "gc_mark_phase");
    h->phase = xstrdup("mark");
    h->optional = true;
    h = gc_runtime_add_hook(rt, GC_HOOK_PHASE, "gc_sweep_phase");
    h->phase = xstrdup("sweep");
    h->optional = true;
    h = gc_runtime_add_hook(rt, GC_HOOK_PAUSE, "gc_incremental_start");
    h->incremental = true;
    h->optional = true;
    h = gc_runtime_add_hook(rt, GC_HOOK_PAUSE, "gc_incremental_step");
    h->incremental = true;
    h->optional = true;
    gc_runtime_add_hook(rt, GC_HOOK_ALLOC, "gc_alloc");
    gc_runtime_add_hook(rt, GC_HOOK_TRIGGER, "gc_alloc");
    h = gc_runtime_add_hook(rt, GC_HOOK_FREE, "gc_free");
    h->optional = true;
    if (gc_runtime_resolve(rt, err) < 0) {
        gc_runtime_free(rt);
        return NULL;
    }
    const ImageSymbol *s1 = image_symbol_by_name(img, "gc_heap_start");
    const ImageSymbol *s2 = image_symbol_by_name(img, "gc_alloc_table");
    const ImageSymbol *s3 = image_symbol_by_name(img, "gc_block_count");
    if (s1 && s2 && s3) {
        GcrtPriv *p = xcalloc(1, sizeof *p);
        *p = (GcrtPriv){.heap_start_var = s1->addr, .table_var = s2->addr, .count_var = s3->addr};
        rt->priv = p;
        rt->free_priv = gcrt_free_priv;
        rt->heap_state = gcrt_heap_state;
        rt->layout_source = xstrdup("gcrt's globals (firmware/gcrt/gc.h)");
    } else {
        gc_runtime_note(rt, "heap globals missing: heap use, free space and the heap map are not observable");
    }
    return rt;
}

const GcAdapterClass gc_adapter_gcrt = {
    .name = "gcrt",
    .description = "baregc's reference collector (firmware/gcrt): mark-sweep, optionally incremental",
    .probe = gcrt_probe,
    .open = gcrt_open,
};
