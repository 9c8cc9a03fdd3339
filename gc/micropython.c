/* micropython.c: the MicroPython (v1.2x, py/gc.c) adapter: pauses from gc_collect_start
 * to gc_collect_end, allocations through gc_alloc/gc_free/gc_realloc, and the heap map
 * from the allocation table that mp_state_ctx.mem describes.
 *
 * Facts from MicroPython's py/gc.c and py/mpstate.h (v1.19 .. v1.24 agree):
 * - the allocation table (ATB) holds 2 bits per block, 4 blocks per byte, block b in
 *   bits 2*(b%4) .. 2*(b%4)+1 of byte b/4 (BLOCK_SHIFT); FREE 0, HEAD 1, TAIL 2, MARK 3;
 * - gc_init gives the pool exactly gc_alloc_table_byte_len * 4 blocks, ending at
 *   gc_pool_end, so block size = (gc_pool_end - gc_pool_start) / (byte_len * 4)
 *   (MICROPY_BYTES_PER_GC_BLOCK, 16 bytes by default on 32-bit);
 * - v1.20+ keeps those fields in mp_state_ctx.mem.area (mp_state_mem_area_t), older
 *   versions directly in mp_state_ctx.mem; gc_finaliser_table_start (and, in newer
 *   versions, gc_weakref_table_start) may sit between byte_len and gc_pool_start.
 * Not modelled: MICROPY_GC_SPLIT_HEAP beyond the first area. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gc/runtime.h"
#include "base/util.h"

#define MP_BLOCKS_PER_ATB 4
#define MP_MAX_TABLE_BYTES (16u << 20) /* bytes: a sanity bound on the allocation table */
#define MP_SCAN_DEFAULT 2048           /* bytes of mp_state_ctx scanned when its size is unknown */
#define MP_SCAN_MAX (64u << 10)        /* bytes */

typedef struct MpPriv {
    uint32_t ctx_addr;     /* &mp_state_ctx */
    uint32_t ctx_size;     /* bytes (from the symbol; 0 if unknown) */
    bool dwarf;            /* field offsets below come from DWARF */
    uint32_t off_table, off_len, off_pool_start, off_pool_end; /* bytes from &mp_state_ctx */
    bool located;          /* without DWARF: the fields were found by the gc_init invariant */
} MpPriv;

/* The four fields as read from guest memory. */
typedef struct MpArea {
    uint32_t table, len, pool_start, pool_end;
} MpArea;

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static bool is_pow2(uint32_t v) { return v && !(v & (v - 1)); }

/* Do the fields describe a heap gc_init could have laid out? On success the block size. */
static bool area_valid(const MpArea *a, uint32_t *block_size)
{
    if (a->len == 0 || a->len > MP_MAX_TABLE_BYTES || a->pool_end <= a->pool_start || a->table == 0)
        return false;
    if ((uint64_t)a->table + a->len > a->pool_start) /* the table lies below the pool */
        return false;
    uint64_t blocks = (uint64_t)a->len * MP_BLOCKS_PER_ATB;
    uint32_t pool = a->pool_end - a->pool_start;
    if (pool % blocks)
        return false;
    uint64_t bs = pool / blocks;
    if (bs < 4 || bs > 1024 || !is_pow2((uint32_t)bs))
        return false;
    *block_size = (uint32_t)bs;
    return true;
}

/* Without DWARF: the fields in documented order (table, byte_len, up to two other table
 * pointers, pool start, pool end), found in mp_state_ctx by gc_init's exact invariant
 * pool_end - pool_start = byte_len * 4 * block size, with the tables just below the
 * pool. Stricter than area_valid: block size 16 (the default) and the tables' extent
 * bounded as gc_init leaves it. */
static bool locate_fields(MpPriv *p, GcReadFn read, void *opaque)
{
    uint32_t size = p->ctx_size ? p->ctx_size : MP_SCAN_DEFAULT;
    if (size > MP_SCAN_MAX)
        size = MP_SCAN_MAX;
    size &= ~3u;
    if (size < 16)
        return false;
    uint8_t *buf = xmalloc(size);
    if (read(opaque, p->ctx_addr, buf, size) != 0) {
        free(buf);
        return false;
    }
    uint32_t nw = size / 4;
    bool found = false;
    for (uint32_t i = 0; i + 3 < nw && !found; i++) {
        for (uint32_t extra = 0; extra <= 2 && i + 3 + extra < nw; extra++) {
            MpArea a = {le32(buf + 4 * i), le32(buf + 4 * (i + 1)), le32(buf + 4 * (i + 2 + extra)),
                        le32(buf + 4 * (i + 3 + extra))};
            uint32_t bs;
            if (!area_valid(&a, &bs) || bs != 16)
                continue;
            /* alloc table + gap byte + finaliser/weakref tables (4 blocks per 8 bits each)
             * + gc_init's rounding: at most 2 * byte_len + 256 bytes below the pool. */
            if ((uint64_t)a.pool_start - a.table > 2 * (uint64_t)a.len + 256)
                continue;
            /* the extra words are table pointers between the ATB and the pool */
            bool ok = true;
            for (uint32_t k = 0; k < extra; k++) {
                uint32_t t = le32(buf + 4 * (i + 2 + k));
                if (t < a.table + a.len || t >= a.pool_start)
                    ok = false;
            }
            if (!ok)
                continue;
            p->off_table = 4 * i;
            p->off_len = 4 * (i + 1);
            p->off_pool_start = 4 * (i + 2 + extra);
            p->off_pool_end = 4 * (i + 3 + extra);
            found = true;
            break;
        }
    }
    free(buf);
    return found;
}

static int read_u32(GcReadFn read, void *opaque, uint32_t addr, uint32_t *v)
{
    uint8_t b[4];
    if (read(opaque, addr, b, 4) != 0)
        return -1;
    *v = le32(b);
    return 0;
}

static void set_unknown(GcHeapState *out)
{
    *out = (GcHeapState){.used = REC_UNKNOWN, .free = REC_UNKNOWN, .largest_free = REC_UNKNOWN};
}

static int mp_heap_state(GcRuntime *rt, GcReadFn read, void *opaque, bool want_blocks, GcHeapState *out)
{
    MpPriv *p = rt->priv;
    set_unknown(out);
    if (!p->dwarf && !p->located) {
        if (!locate_fields(p, read, opaque))
            return 0; /* not initialised yet (gc_init not run): nothing to report */
        p->located = true;
    }
    MpArea a;
    if (read_u32(read, opaque, p->ctx_addr + p->off_table, &a.table) ||
        read_u32(read, opaque, p->ctx_addr + p->off_len, &a.len) ||
        read_u32(read, opaque, p->ctx_addr + p->off_pool_start, &a.pool_start) ||
        read_u32(read, opaque, p->ctx_addr + p->off_pool_end, &a.pool_end))
        return -1;
    if (a.table == 0 && a.len == 0 && a.pool_start == 0)
        return 0; /* before gc_init, or after gc_deinit */
    uint32_t bs;
    if (!area_valid(&a, &bs))
        return -1;
    /* REC_BLOCK_* share MicroPython's numbering (FREE 0, HEAD 1, TAIL 2, MARK 3). */
    if (gc_read_block_table(read, opaque, a.table, a.len * MP_BLOCKS_PER_ATB, a.pool_start, bs, want_blocks, out))
        return -1;
    rt->heap_start = a.pool_start;
    rt->heap_end = a.pool_end;
    return 0;
}

static void mp_free_priv(GcRuntime *rt)
{
    free(rt->priv);
    rt->priv = NULL;
}

static bool has(const Image *img, const char *name) { return image_symbol_by_name(img, name) != NULL; }

static bool mp_probe(const Image *img)
{
    return img && has(img, "gc_collect_start") && has(img, "gc_collect_end") && has(img, "gc_alloc") &&
           has(img, "mp_state_ctx");
}

/* Field offsets inside mp_state_ctx_t from DWARF: the v1.20+ path through mem.area,
 * then the older one directly in mem. */
static bool dwarf_offsets(const Image *img, MpPriv *p, const char **which)
{
    static const char *const types[] = {"mp_state_ctx_t", "_mp_state_ctx_t"};
    static const char *const prefixes[] = {"mem.area.", "mem."};
    for (size_t t = 0; t < ARRAY_SIZE(types); t++) {
        for (size_t k = 0; k < ARRAY_SIZE(prefixes); k++) {
            char *f[4] = {xasprintf("%sgc_alloc_table_start", prefixes[k]),
                          xasprintf("%sgc_alloc_table_byte_len", prefixes[k]),
                          xasprintf("%sgc_pool_start", prefixes[k]), xasprintf("%sgc_pool_end", prefixes[k])};
            bool ok = image_member_offset(img, types[t], f[0], &p->off_table) &&
                      image_member_offset(img, types[t], f[1], &p->off_len) &&
                      image_member_offset(img, types[t], f[2], &p->off_pool_start) &&
                      image_member_offset(img, types[t], f[3], &p->off_pool_end);
            for (size_t i = 0; i < 4; i++)
                free(f[i]);
            if (ok) {
                *which = prefixes[k];
                return true;
            }
        }
    }
    return false;
}

static GcRuntime *mp_open(const Image *img, char **err)
{
    GcRuntime *rt = gc_runtime_new("micropython", img);
    GcHook *h;
    gc_runtime_add_hook(rt, GC_HOOK_PAUSE_BEGIN, "gc_collect_start");
    gc_runtime_add_hook(rt, GC_HOOK_PAUSE_END, "gc_collect_end");
    gc_runtime_add_hook(rt, GC_HOOK_ALLOC, "gc_alloc")->size_arg = 0;
    h = gc_runtime_add_hook(rt, GC_HOOK_FREE, "gc_free");
    h->ptr_arg = 0;
    h = gc_runtime_add_hook(rt, GC_HOOK_REALLOC, "gc_realloc");
    h->ptr_arg = 0;
    h->size_arg = 1;
    /* A collection that begins inside gc_alloc is allocation pressure (out of blocks or
     * past gc_alloc_threshold). */
    gc_runtime_add_hook(rt, GC_HOOK_TRIGGER, "gc_alloc");

    /* Phases: gc_collect_root (public; the roots and everything marked from them) and
     * gc_sweep (static). gc_mark_subtree runs inside gc_collect_root, so it is a phase
     * of its own only when gc_collect_root was inlined away. */
    const char *mark_fn = has(img, "gc_collect_root") ? "gc_collect_root"
                          : has(img, "gc_mark_subtree") ? "gc_mark_subtree" : NULL;
    if (mark_fn) {
        h = gc_runtime_add_hook(rt, GC_HOOK_PHASE, mark_fn);
        h->phase = xstrdup("mark");
        h->optional = true;
    } else {
        gc_runtime_note(rt, "gc_collect_root and gc_mark_subtree are not in the image (static or inlined): "
                            "the mark phase is not recorded");
    }
    if (has(img, "gc_sweep")) {
        h = gc_runtime_add_hook(rt, GC_HOOK_PHASE, "gc_sweep");
        h->phase = xstrdup("sweep");
        h->optional = true;
    } else {
        gc_runtime_note(rt, "gc_sweep is not in the image (static or inlined): the sweep phase is not recorded");
    }
    if (has(img, "gc_sweep_all"))
        gc_runtime_note(rt, "gc_sweep_all (soft reset) calls gc_collect_end without gc_collect_start: "
                            "that end has no pause to close");

    if (gc_runtime_resolve(rt, err) < 0) {
        gc_runtime_free(rt);
        return NULL;
    }

    const ImageSymbol *ctx = image_symbol_by_name(img, "mp_state_ctx");
    if (!ctx) { /* probe passed, but open may be forced by name */
        gc_runtime_note(rt, "mp_state_ctx is not in the image: the heap's state is not observed");
        return rt;
    }
    MpPriv *p = xcalloc(1, sizeof *p);
    p->ctx_addr = ctx->addr;
    p->ctx_size = ctx->size;
    rt->priv = p;
    rt->free_priv = mp_free_priv;
    rt->heap_state = mp_heap_state;
    const char *which;
    if (dwarf_offsets(img, p, &which)) {
        p->dwarf = true;
        rt->layout_source = xasprintf("DWARF (mp_state_ctx_t.%sgc_*)", which);
        if (image_member_offset(img, "mp_state_ctx_t", "mem.area.next", &(uint32_t){0}) ||
            image_member_offset(img, "_mp_state_ctx_t", "mem.area.next", &(uint32_t){0}))
            gc_runtime_note(rt, "MICROPY_GC_SPLIT_HEAP: only the first heap area is decoded");
    } else {
        rt->layout_source = xstrdup("documented layout (MicroPython v1.22 mp_state_mem_area_t: gc_alloc_table_start, "
                                    "gc_alloc_table_byte_len, [table pointers], gc_pool_start, gc_pool_end; "
                                    "16-byte blocks), located in mp_state_ctx by gc_init's invariant");
        gc_runtime_note(rt, "no DWARF for mp_state_ctx_t: the heap fields are located by gc_init's layout "
                            "invariant and only 16-byte blocks are recognised");
    }
    return rt;
}

const GcAdapterClass gc_adapter_micropython = {
    .name = "micropython",
    .description = "MicroPython (v1.2x) py/gc.c: gc_collect_start..gc_collect_end, gc_alloc/gc_free, "
                   "the allocation table",
    .probe = mp_probe,
    .open = mp_open,
};
