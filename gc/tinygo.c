/* tinygo.c: the TinyGo (-gc=conservative, src/runtime/gc_blocks.go) adapter: runtime.runGC
 * is one pause with mark/finish/sweep phases, runtime.alloc allocates, and the heap map
 * comes from the block metadata at the end of the heap.
 *
 * Facts from TinyGo's gc_blocks.go and baremetal.go (v0.3x):
 * - blocks of 4 words (16 bytes on 32-bit targets) from heapStart up to metadataStart;
 *   numBlocks = (metadataStart - heapStart) / 16;
 * - the metadata (metadataStart .. heapEnd) holds 2 bits per block, 4 blocks per byte,
 *   block b in bits 2*(b%4) .. 2*(b%4)+1 of byte b/4; free 0, head 1, tail 2, mark 3;
 * - calculateHeapAddresses: metadataSize = (total + 64) / 65 with total = heapEnd -
 *   heapStart, metadataStart = heapEnd - metadataSize;
 * - on bare metal heapStart = &_heap_start and heapEnd = &_heap_end (the heap never
 *   grows); runtime.metadataStart is a pointer variable set by initHeap;
 * - alloc(size) takes (size + 15) / 16 whole blocks; alloc(0) returns &zeroSizedAlloc
 *   and takes none (gcTotalAlloc counts the bytes requested);
 * - runGC: markStack (scanCurrentStack, markRoots of the system stack), markGlobals,
 *   the run queue's tasks (markRoot), finishMark, sweep; v0.26 at -opt=z inlines
 *   markStack, markGlobals, finishMark and sweep into runGC: their phases are followed
 *   through the ranges DWARF gives for the inlined code;
 * - scheduler.tasks: a goroutine's stack is a heap object, `make([]uintptr, n)` in
 *   (*internal/task.state).initialize (inlined into internal/task.start, itself
 *   inlined where a goroutine is started; main runs on one too).
 * runtime.free is a no-op, so nothing frees explicitly: objects die in runtime.sweep.
 * Not modelled: gc=precise (a layout word ahead of each object), 64-bit targets. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gc/runtime.h"
#include "base/util.h"

#define TG_BYTES_PER_BLOCK 16 /* bytes: 4 words of 4 bytes */
#define TG_BLOCKS_PER_BYTE 4
#define TG_MAX_HEAP (256u << 20) /* bytes: a sanity bound */

typedef struct TgPriv {
    uint32_t heap_start;       /* &_heap_start, or 0: read runtime.heapStart */
    uint32_t heap_start_var;   /* &runtime.heapStart (0 if absent) */
    uint32_t heap_end;         /* &_heap_end, or 0 */
    uint32_t heap_end_var;     /* &runtime.heapEnd (0 if absent) */
    uint32_t metadata_var;     /* &runtime.metadataStart (0 if absent: computed) */
    bool end_known;            /* heap_end or heap_end_var is set */
} TgPriv;

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static int read_u32(GcReadFn read, void *opaque, uint32_t addr, uint32_t *v)
{
    uint8_t b[4];
    if (read(opaque, addr, b, 4) != 0)
        return -1;
    *v = le32(b);
    return 0;
}

static int tg_heap_state(GcRuntime *rt, GcReadFn read, void *opaque, bool want_blocks, GcHeapState *out)
{
    TgPriv *p = rt->priv;
    *out = (GcHeapState){.used = REC_UNKNOWN, .free = REC_UNKNOWN, .largest_free = REC_UNKNOWN};
    uint32_t start = p->heap_start, end = p->heap_end, meta;
    if (p->heap_start_var && read_u32(read, opaque, p->heap_start_var, &start))
        return -1;
    if (p->heap_end_var && read_u32(read, opaque, p->heap_end_var, &end))
        return -1;
    if (start == 0 || (p->end_known && end == 0))
        return 0; /* the variables are not initialised yet */
    if (!p->end_known)
        end = UINT32_MAX; /* only metadataStart bounds the blocks */
    else if (end <= start || end - start > TG_MAX_HEAP)
        return -1;
    if (p->metadata_var) {
        if (read_u32(read, opaque, p->metadata_var, &meta))
            return -1;
        if (meta == 0)
            return 0; /* initHeap has not run yet */
    } else {
        uint32_t total = end - start;
        meta = end - (total + TG_BLOCKS_PER_BYTE * TG_BYTES_PER_BLOCK) / (1 + TG_BLOCKS_PER_BYTE * TG_BYTES_PER_BLOCK);
    }
    if (meta <= start || meta > end || meta - start > TG_MAX_HEAP)
        return -1;
    uint32_t n = (meta - start) / TG_BYTES_PER_BLOCK;
    uint32_t table_len = (n + TG_BLOCKS_PER_BYTE - 1) / TG_BLOCKS_PER_BYTE;
    if (table_len > end - meta)
        return -1; /* the metadata would run past the heap's end */
    /* REC_BLOCK_* share TinyGo's numbering (free 0, head 1, tail 2, mark 3). */
    if (gc_read_block_table(read, opaque, meta, n, start, TG_BYTES_PER_BLOCK, want_blocks, out))
        return -1;
    rt->heap_start = start;
    rt->heap_end = p->end_known ? end : meta;
    return 0;
}

static void tg_free_priv(GcRuntime *rt)
{
    free(rt->priv);
    rt->priv = NULL;
}

static const ImageSymbol *sym(const Image *img, const char *name) { return image_symbol_by_name(img, name); }

static bool tg_probe(const Image *img) { return img && sym(img, "runtime.runGC") && sym(img, "runtime.alloc"); }

static GcHook *add_phase(GcRuntime *rt, const char *symbol, const char *phase)
{
    GcHook *h = gc_runtime_add_hook(rt, GC_HOOK_PHASE, symbol);
    h->phase = xstrdup(phase);
    h->optional = true;
    return h;
}

static GcRuntime *tg_open(const Image *img, char **err)
{
    GcRuntime *rt = gc_runtime_new("tinygo", img);
    gc_runtime_add_hook(rt, GC_HOOK_PAUSE, "runtime.runGC");
    /* markRoots is also called from inside markStack and markGlobals: the same phase. */
    add_phase(rt, "runtime.markStack", "mark");
    add_phase(rt, "runtime.markGlobals", "mark");
    add_phase(rt, "runtime.markRoots", "mark");
    add_phase(rt, "runtime.finishMark", "finish");
    add_phase(rt, "runtime.sweep", "sweep");
    gc_runtime_add_hook(rt, GC_HOOK_ALLOC, "runtime.alloc")->size_arg = 0;
    /* runtime.alloc runs runGC itself when it finds no free run of blocks. */
    gc_runtime_add_hook(rt, GC_HOOK_TRIGGER, "runtime.alloc");
    if (img && sym(img, "runtime.realloc")) {
        GcHook *h = gc_runtime_add_hook(rt, GC_HOOK_REALLOC, "runtime.realloc");
        h->ptr_arg = 0;
        h->size_arg = 1;
    }
    if (gc_runtime_resolve(rt, err) < 0) {
        gc_runtime_free(rt);
        return NULL;
    }
    gc_runtime_note(rt, "runtime.free is a no-op: objects are released only by runtime.sweep");
    rt->alloc_unit = TG_BYTES_PER_BLOCK;
    if (!gc_runtime_stack_site(rt, "(*internal/task.state).initialize"))
        gc_runtime_note(rt, "(*internal/task.state).initialize is not in the image (no scheduler.tasks?): "
                            "goroutine stacks in the heap are not told from other objects");
    else
        gc_runtime_note(rt, "goroutine stacks are heap objects, counted as such; how deep each is used is "
                            "not measured (the stack figures are the system stack's)");

    TgPriv *p = xcalloc(1, sizeof *p);
    const ImageSymbol *s;
    if ((s = sym(img, "_heap_start")))
        p->heap_start = s->addr;
    else if ((s = sym(img, "runtime.heapStart")))
        p->heap_start_var = s->addr;
    if ((s = sym(img, "runtime.heapEnd")))
        p->heap_end_var = s->addr;
    else if ((s = sym(img, "_heap_end")))
        p->heap_end = s->addr;
    if ((s = sym(img, "runtime.metadataStart")))
        p->metadata_var = s->addr;
    bool have_start = p->heap_start || p->heap_start_var, have_end = p->heap_end || p->heap_end_var;
    if (!have_start || (!have_end && !p->metadata_var)) {
        gc_runtime_note(rt, "%s not in the image: the heap's state is not observed",
                        !have_start ? "_heap_start (and runtime.heapStart)" : "_heap_end (and runtime.heapEnd)");
        free(p);
        return rt;
    }
    p->end_known = have_end;
    if (!p->metadata_var)
        gc_runtime_note(rt, "runtime.metadataStart not in the image: computed from the heap's extent "
                            "as calculateHeapAddresses does");
    rt->priv = p;
    rt->free_priv = tg_free_priv;
    rt->heap_state = tg_heap_state;
    rt->layout_source = xstrdup("documented layout (TinyGo gc_blocks.go v0.3x: 16-byte blocks, 2-bit "
                                "states at runtime.metadataStart)");
    if (p->heap_start)
        rt->heap_start = p->heap_start;
    if (p->heap_end)
        rt->heap_end = p->heap_end;
    return rt;
}

const GcAdapterClass gc_adapter_tinygo = {
    .name = "tinygo",
    .description = "TinyGo -gc=conservative (gc_blocks.go): runtime.runGC, runtime.alloc, the block metadata",
    .probe = tg_probe,
    .open = tg_open,
};
