/* heapmap.c: renders the heap map (SRAM grid, timeline strip, legend swatches) of a
 * Recording into an RGBA buffer; see heapmap.h for the geometry and the colours. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ui/bitfont.h"
#include "ui/heapmap.h"

static const struct {
    uint32_t rgb;
    const char *name;
} colors[HM_NCOLORS] = {
    [HM_BACKGROUND] = {0x1c1c20, "background"},
    [HM_UNUSED] = {0x34343a, "unused SRAM"},
    [HM_STATIC] = {0x3d6fb4, ".data/.bss"},
    [HM_STACK] = {0x5b3f8c, "stack (never reached)"},
    [HM_STACK_USED] = {0xa86ee0, "stack (used at peak)"},
    [HM_STACK_MARK] = {0xffe14d, "stack high-water mark"},
    [HM_HEAP] = {0x56606a, "heap (no block map)"},
    [HM_FREE] = {0x2f4a3c, "free"},
    [HM_ALLOCATED] = {0xe8a33c, "allocated"},
    [HM_MARKED] = {0x3cd68a, "marked (this collection)"},
    [HM_FREED] = {0xe0443a, "freed by this collection"},
    [HM_OBJECT_EDGE] = {0x7a4a10, "object start"},
    [HM_TIMELINE] = {0x26262c, "timeline"},
    [HM_TL_HEAP] = {0x4f87c6, "heap in use"},
    [HM_TL_PAUSE] = {0xd9534f, "GC pause"},
    [HM_TL_SELECTED] = {0xffffff, "selected collection"},
};

uint32_t heapmap_color(HeapMapColor c) { return (unsigned)c < HM_NCOLORS ? colors[c].rgb : 0; }

const char *heapmap_color_name(HeapMapColor c) { return (unsigned)c < HM_NCOLORS ? colors[c].name : "?"; }

static const HeapMapColor legend_items[] = {
    HM_STATIC, HM_STACK, HM_STACK_USED, HM_STACK_MARK, HM_FREE, HM_ALLOCATED, HM_MARKED,
    HM_FREED, HM_HEAP, HM_UNUSED, HM_TL_HEAP, HM_TL_PAUSE, HM_TL_SELECTED,
};

size_t heapmap_legend_count(void) { return ARRAY_SIZE(legend_items); }

HeapMapColor heapmap_legend_item(size_t i) { return i < ARRAY_SIZE(legend_items) ? legend_items[i] : HM_BACKGROUND; }

bool heapmap_legend_swatch(const HeapMapLayout *l, size_t i, HeapMapRect *out)
{
    if (i >= ARRAY_SIZE(legend_items) || l->legend.w < 8 || l->legend.h < 8)
        return false;
    int row = l->legend.h / (int)ARRAY_SIZE(legend_items);
    if (row > 22)
        row = 22;
    if (row < 4)
        return false;
    int side = row - 6 > 2 ? row - 6 : 2;
    *out = (HeapMapRect){l->legend.x + 4, l->legend.y + 4 + (int)i * row, side, side};
    return out->y + out->h <= l->legend.y + l->legend.h;
}

void heapmap_layout_default(HeapMapLayout *l, int width, int height)
{
    memset(l, 0, sizeof *l);
    l->width = width;
    l->height = height;
    int m = 8;
    int legend_w = width / 4 < 260 ? width / 4 : 260;
    int tl_h = height / 6;
    tl_h = tl_h < 40 ? 40 : tl_h > 140 ? 140 : tl_h;
    int status_h = 48; /* text below the timeline (the window's) */
    l->grid = (HeapMapRect){m, m, width - legend_w - 3 * m, height - tl_h - status_h - 3 * m};
    l->legend = (HeapMapRect){l->grid.x + l->grid.w + m, m, legend_w, l->grid.h};
    l->timeline = (HeapMapRect){m, l->grid.y + l->grid.h + m, width - 2 * m, tl_h};
}

/* ---- geometry ---- */

static uint64_t map_end(const RecHeapMap *m) { return (uint64_t)m->base + (uint64_t)m->nblocks * m->block_size; }

/* The stack's extent and high-water mark under view v (0s when unknown). */
static void stack_bounds(const Recording *r, const HeapMapView *v, uint32_t *limit, uint32_t *low, uint32_t *top)
{
    *top = r->run.stack_top;
    *low = v && v->stack_low ? v->stack_low : r->run.stack_low;
    *limit = r->run.stack_limit;
    if (!*top) {
        *limit = *low = 0;
        return;
    }
    if (*low > *top)
        *low = 0;
    if (*limit >= *top)
        *limit = 0;
    if (!*limit)
        *limit = *low; /* only the used part is known */
    if (*low && *low < *limit)
        *low = *limit; /* overflowed: the whole reserve is used */
}

int heapmap_layout(HeapMapLayout *l, const Recording *r, char **err)
{
    if (l->width <= 0 || l->height <= 0 || l->grid.w < 1 || l->grid.h < 1 || l->grid.x < 0 || l->grid.y < 0 ||
        l->grid.x + l->grid.w > l->width || l->grid.y + l->grid.h > l->height) {
        set_err(err, "heap map: the grid area does not fit a %dx%d image", l->width, l->height);
        return -1;
    }
    const RecRunInfo *ri = &r->run;
    uint64_t lo = UINT64_MAX, hi = 0;
#define SPAN(a, b)                                                                                                   \
    do {                                                                                                             \
        if ((uint64_t)(b) > (uint64_t)(a)) {                                                                         \
            if ((uint64_t)(a) < lo)                                                                                  \
                lo = (a);                                                                                            \
            if ((uint64_t)(b) > hi)                                                                                  \
                hi = (b);                                                                                            \
        }                                                                                                            \
    } while (0)
    if (ri->static_bytes)
        SPAN(ri->sram_base, (uint64_t)ri->sram_base + ri->static_bytes);
    uint32_t slimit, slow, stop;
    stack_bounds(r, NULL, &slimit, &slow, &stop);
    if (stop)
        SPAN(slimit ? slimit : stop, stop);
    uint32_t block = 0, mbase = 0;
    for (size_t i = 0; i < r->nmaps; i++) {
        const RecHeapMap *m = &r->maps[i];
        if (!m->nblocks || !m->block_size)
            continue;
        SPAN(m->base, map_end(m));
        if (!block) {
            block = m->block_size;
            mbase = m->base;
        }
    }
    if (!block && ri->heap_end > ri->heap_start)
        SPAN(ri->heap_start, ri->heap_end);
    uint64_t sram_end = (uint64_t)ri->sram_base + ri->sram_size;
    if (ri->sram_size) {
        if (lo == UINT64_MAX) {
            lo = ri->sram_base; /* nothing known: the whole SRAM */
            hi = sram_end;
        }
        if (lo > ri->sram_base)
            lo = ri->sram_base; /* the grid starts at the SRAM's base */
    }
    if (lo == UINT64_MAX || hi <= lo) {
        set_err(err, "heap map: the recording describes no memory (no SRAM, stack or heap facts)");
        return -1;
    }
#undef SPAN
    if (!block)
        block = 16;
    /* Align the cells to the heap's blocks. */
    if (mbase >= lo && (mbase - lo) % block)
        lo -= block - (mbase - lo) % block;
    l->first = (uint32_t)lo;
    l->end = hi > UINT32_MAX ? UINT32_MAX : (uint32_t)hi;
    l->sram_hidden = ri->sram_size && sram_end > hi ? (uint32_t)(sram_end - hi) : 0;
    uint64_t span = hi - lo;
    for (uint64_t cb = block; cb <= span * 2 + block; cb *= 2) {
        uint64_t ncells = (span + cb - 1) / cb;
        /* the power-of-two row length giving the largest cells (at most 2:1 wide) */
        int best_area = 0;
        for (int cols = 1; cols <= l->grid.w; cols *= 2) {
            uint64_t rows = (ncells + (uint64_t)cols - 1) / (uint64_t)cols;
            int cw = l->grid.w / cols;
            uint64_t ch64 = (uint64_t)l->grid.h / rows;
            int ch = ch64 > 24 ? 24 : (int)ch64;
            if (ch > cw)
                ch = cw;
            if (cw > 2 * ch)
                cw = 2 * ch;
            if (ch < 1 || cw * ch <= best_area)
                continue;
            best_area = cw * ch;
            l->cell_bytes = (uint32_t)cb;
            l->cell_w = cw;
            l->cell_h = ch;
            l->gap_px = cw >= 4 && ch >= 4 ? 1 : 0;
            l->cols = cols;
            l->rows = (int)rows;
        }
        if (best_area)
            return 0;
        if (cb > UINT32_MAX / 2)
            break;
    }
    set_err(err, "heap map: %u bytes of SRAM do not fit a %dx%d grid", (unsigned)span, l->grid.w, l->grid.h);
    return -1;
}

int heapmap_mark_width(const HeapMapLayout *l) { return l->cell_w / 4 > 1 ? l->cell_w / 4 : 1; }

static long cell_of(const HeapMapLayout *l, uint32_t addr)
{
    if (!l->cell_bytes || addr < l->first || addr >= l->end)
        return -1;
    return (long)((addr - l->first) / l->cell_bytes);
}

static HeapMapRect cell_rect(const HeapMapLayout *l, long k)
{
    int col = (int)(k % l->cols), row = (int)(k / l->cols);
    return (HeapMapRect){l->grid.x + col * l->cell_w, l->grid.y + row * l->cell_h, l->cell_w - l->gap_px,
                         l->cell_h - l->gap_px};
}

bool heapmap_addr_rect(const HeapMapLayout *l, uint32_t addr, HeapMapRect *out)
{
    long k = cell_of(l, addr);
    if (k < 0)
        return false;
    *out = cell_rect(l, k);
    return true;
}

bool heapmap_addr_at(const HeapMapLayout *l, int x, int y, uint32_t *addr)
{
    if (!l->cell_w || !l->cell_h || x < l->grid.x || y < l->grid.y)
        return false;
    int col = (x - l->grid.x) / l->cell_w, row = (y - l->grid.y) / l->cell_h;
    if (col >= l->cols || row >= l->rows)
        return false;
    uint64_t a = (uint64_t)l->first + ((uint64_t)row * (uint64_t)l->cols + (uint64_t)col) * l->cell_bytes;
    if (a >= l->end)
        return false;
    *addr = (uint32_t)a;
    return true;
}

/* ---- text ---- */

/* Text colours (as the window's). */
#define TEXT_LABEL 0xdddddd
#define TEXT_NOTE 0xaaaaaa
#define TEXT_STATUS 0xffffff
#define TEXT_RUN 0x999999

void heapmap_fmt_bytes(char *buf, size_t n, double b)
{
    if (b >= 1024.0 * 1024.0)
        snprintf(buf, n, "%.1f MiB", b / (1024.0 * 1024.0));
    else if (b >= 1024.0)
        snprintf(buf, n, "%.1f KiB", b / 1024.0);
    else
        snprintf(buf, n, "%.0f B", b);
}

void heapmap_fmt_time(const Recording *r, char *buf, size_t n, uint64_t c)
{
    if (!r->run.clock_hz) {
        snprintf(buf, n, "%llu cycles", (unsigned long long)c);
        return;
    }
    double us = (double)c * 1e6 / (double)r->run.clock_hz;
    if (us >= 1e6)
        snprintf(buf, n, "%.3f s", us / 1e6);
    else if (us >= 1e3)
        snprintf(buf, n, "%.3f ms", us / 1e3);
    else
        snprintf(buf, n, "%.1f us", us);
}

void heapmap_status_text(const Recording *r, const HeapMapView *v, char *buf, size_t n)
{
    if (!v || v->pause < 0 || (size_t)v->pause >= r->npauses) {
        snprintf(buf, n, "no collection yet");
        return;
    }
    char t[32], d[32], h0[32], h1[32];
    const RecPause *p = &r->pauses[v->pause];
    heapmap_fmt_time(r, t, sizeof t, p->start);
    heapmap_fmt_time(r, d, sizeof d, p->end > p->start ? p->end - p->start : 0);
    heapmap_fmt_bytes(h0, sizeof h0, p->heap_before > 0 ? (double)p->heap_before : 0);
    heapmap_fmt_bytes(h1, sizeof h1, p->heap_after > 0 ? (double)p->heap_after : 0);
    snprintf(buf, n, "collection %ld of %zu at %s: pause %s, heap %s -> %s%s", v->pause + 1, r->npauses, t, d, h0, h1,
             heapmap_map_for(r, (size_t)v->pause) < 0 ? " (no heap map)" : "");
}

void heapmap_run_text(const Recording *r, char *buf, size_t n)
{
    const char *img = r->run.image ? r->run.image : "?";
    const char *base = strrchr(img, '/');
    char t[32];
    heapmap_fmt_time(r, t, sizeof t, r->run.cycles);
    snprintf(buf, n, "%s on %s (%s), %s simulated", base ? base + 1 : img, r->run.board ? r->run.board : "?",
             r->run.runtime ? r->run.runtime : "no GC runtime", t);
}

bool heapmap_legend_note(const HeapMapLayout *l, size_t i, char *buf, size_t n)
{
    char a[32], b[32];
    switch (i) {
    case 0:
        heapmap_fmt_bytes(a, sizeof a, l->cell_bytes);
        heapmap_fmt_bytes(b, sizeof b, (double)l->cell_bytes * l->cols);
        snprintf(buf, n, "cell %s, row %s", a, b);
        return true;
    case 1:
        snprintf(buf, n, "0x%08x .. 0x%08x", l->first, l->end);
        return true;
    case 2:
        if (!l->sram_hidden)
            return false;
        heapmap_fmt_bytes(a, sizeof a, l->sram_hidden);
        snprintf(buf, n, "+%s SRAM (unclaimed) not shown", a);
        return true;
    default:
        return false;
    }
}

/* The larger of scales 2 and 1 at which every one of the n texts fits w pixels and a
 * line fits h (1 when neither does: the text is clipped). */
static int text_scale(const char *const *texts, size_t n, int w, int h)
{
    for (int s = 2; s > 1; s--) {
        bool fits = h >= BITFONT_LINE * s;
        for (size_t i = 0; i < n && fits; i++)
            fits = bitfont_width(texts[i], s) <= w;
        if (fits)
            return s;
    }
    return 1;
}

static void render_legend_text(const HeapMapLayout *l, uint8_t *rgba)
{
    size_t n = ARRAY_SIZE(legend_items);
    const char *names[ARRAY_SIZE(legend_items)];
    HeapMapRect rc = {0}, first;
    if (!heapmap_legend_swatch(l, 0, &first))
        return;
    for (size_t i = 0; i < n; i++)
        names[i] = heapmap_color_name(legend_items[i]);
    int tx = first.x + first.w + 6, tw = l->legend.x + l->legend.w - tx;
    int row = n > 1 && heapmap_legend_swatch(l, 1, &rc) ? rc.y - first.y : first.h;
    int s = text_scale(names, n, tw, row);
    int y = l->legend.y;
    for (size_t i = 0; heapmap_legend_swatch(l, i, &rc); i++) {
        bitfont_draw(rgba, l->width, l->height, tx, rc.y + rc.h / 2 - (BITFONT_H - 1) * s / 2, s, TEXT_LABEL, names[i],
                     tw);
        y = rc.y + rc.h + 8;
    }
    char note[160];
    for (size_t i = 0; heapmap_legend_note(l, i, note, sizeof note); i++)
        bitfont_draw(rgba, l->width, l->height, l->legend.x + 4, y + 8 + (int)i * (BITFONT_LINE * s + 4), s, TEXT_NOTE,
                     note, l->legend.w - 4);
}

void heapmap_render_text(const HeapMapLayout *l, const Recording *r, const HeapMapView *v, uint8_t *rgba)
{
    render_legend_text(l, rgba);
    char status[400], run[400];
    heapmap_status_text(r, v, status, sizeof status);
    heapmap_run_text(r, run, sizeof run);
    const char *lines[] = {status, run};
    int x = l->timeline.x, y = l->timeline.y + l->timeline.h + 6;
    int w = l->width - x, h = (l->height - y) / 2 - 2;
    int s = text_scale(lines, ARRAY_SIZE(lines), w, h);
    bitfont_draw(rgba, l->width, l->height, x, y, s, TEXT_STATUS, status, w);
    bitfont_draw(rgba, l->width, l->height, x, y + BITFONT_LINE * s + 4, s, TEXT_RUN, run, w);
}

/* ---- heap states ---- */

typedef struct IndexKey {
    const Recording *r;
    uint64_t key;
} IndexKey;

static bool map_by_pause(const void *ctx, size_t i)
{
    const IndexKey *k = ctx;
    return k->r->maps[i].pause <= k->key;
}

long heapmap_map_for(const Recording *r, size_t pause)
{
    /* maps are in capture order, so in pause order: the last with .pause <= pause */
    size_t lo = partition_point(r->nmaps, map_by_pause, &(IndexKey){r, pause});
    return lo ? (long)lo - 1 : -1;
}

/* The map before `map` when it has the same geometry (for freed-by-last), else NULL. */
static const RecHeapMap *prev_map(const Recording *r, long map)
{
    if (map <= 0)
        return NULL;
    const RecHeapMap *m = &r->maps[map], *p = &r->maps[map - 1];
    if (p->base != m->base || p->block_size != m->block_size || p->nblocks != m->nblocks || !p->state)
        return NULL;
    return p;
}

/* Index of the first free record at or after time t (frees are in time order). */
static bool free_before(const void *ctx, size_t i)
{
    const IndexKey *k = ctx;
    return k->r->frees[i].time < k->key;
}

static size_t first_free_at(const Recording *r, uint64_t t)
{
    return partition_point(r->nfrees, free_before, &(IndexKey){r, t});
}

/* One map's states for drawing: the map, the one before it, and which blocks the
 * collection freed (2: an object's first block, 1: the rest). Freed = allocated in the
 * map before and free now, or covered by an object the collector swept during this
 * pause (the records: that also catches objects allocated since the last map). */
typedef struct MapCtx {
    const RecHeapMap *m, *p;
    uint8_t *freed; /* m->nblocks entries, or NULL */
} MapCtx;

static void ctx_init(MapCtx *c, const Recording *r, long map)
{
    *c = (MapCtx){0};
    if (map < 0 || (size_t)map >= r->nmaps || !r->maps[map].block_size || !r->maps[map].nblocks)
        return;
    const RecHeapMap *m = c->m = &r->maps[map];
    c->p = prev_map(r, map);
    c->freed = xcalloc(m->nblocks, 1);
    for (uint32_t i = 0; c->p && i < m->nblocks; i++)
        if (m->state[i] == REC_BLOCK_FREE && c->p->state[i] != REC_BLOCK_FREE)
            c->freed[i] = c->p->state[i] == REC_BLOCK_TAIL ? 1 : 2;
    if (m->pause >= r->npauses)
        return;
    const RecPause *pp = &r->pauses[m->pause];
    for (size_t j = first_free_at(r, pp->start); j < r->nfrees && r->frees[j].time <= pp->end; j++) {
        const RecFree *f = &r->frees[j];
        if (!f->by_gc || f->addr < m->base || (uint64_t)f->addr >= map_end(m))
            continue;
        uint32_t i0 = (f->addr - m->base) / m->block_size;
        uint32_t size = rec_free_size(r, f);
        uint32_t n = size ? (size + m->block_size - 1) / m->block_size : 1;
        for (uint32_t i = i0; i < m->nblocks && i - i0 < n; i++)
            if (m->state[i] == REC_BLOCK_FREE && !c->freed[i])
                c->freed[i] = i == i0 ? 2 : 1;
    }
}

static void ctx_free(MapCtx *c) { free(c->freed); }

static HeapMapColor ctx_state(const MapCtx *c, uint32_t i)
{
    switch (c->m->state[i]) {
    case REC_BLOCK_HEAD:
    case REC_BLOCK_TAIL: return HM_ALLOCATED;
    case REC_BLOCK_MARK: return HM_MARKED;
    default: return c->freed[i] ? HM_FREED : HM_FREE;
    }
}

static bool ctx_head(const MapCtx *c, uint32_t i)
{
    uint8_t s = c->m->state[i];
    return s == REC_BLOCK_HEAD || s == REC_BLOCK_MARK || (s == REC_BLOCK_FREE && c->freed[i] == 2);
}

HeapMapColor heapmap_block_state(const Recording *r, long map, uint32_t addr)
{
    MapCtx c;
    ctx_init(&c, r, map);
    HeapMapColor res = HM_HEAP;
    if (c.m && addr >= c.m->base && (uint64_t)addr < map_end(c.m))
        res = ctx_state(&c, (addr - c.m->base) / c.m->block_size);
    ctx_free(&c);
    return res;
}

static int state_rank(HeapMapColor c)
{
    switch (c) {
    case HM_FREE: return 1;
    case HM_ALLOCATED: return 2;
    case HM_FREED: return 3;
    case HM_MARKED: return 4;
    default: return 0;
    }
}

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1) { return a0 < b1 && b0 < a1; }

/* The colour of cell k; *head set when an object starts in it. */
static HeapMapColor cell_color(const HeapMapLayout *l, const Recording *r, const HeapMapView *v, const MapCtx *c,
                               long k, bool *head)
{
    uint64_t a0 = (uint64_t)l->first + (uint64_t)k * l->cell_bytes, a1 = a0 + l->cell_bytes;
    if (a1 > l->end)
        a1 = l->end;
    *head = false;
    const RecHeapMap *m = c->m;
    if (m && overlaps(a0, a1, m->base, map_end(m))) {
        uint64_t i0 = a0 > m->base ? (a0 - m->base) / m->block_size : 0;
        uint64_t i1 = (a1 - m->base + m->block_size - 1) / m->block_size;
        if (i1 > m->nblocks)
            i1 = m->nblocks;
        HeapMapColor best = HM_HEAP;
        for (uint64_t i = i0; i < i1; i++) {
            HeapMapColor s = ctx_state(c, (uint32_t)i);
            if (state_rank(s) > state_rank(best))
                best = s;
            if (ctx_head(c, (uint32_t)i))
                *head = true;
        }
        return best;
    }
    uint32_t slimit, slow, stop;
    stack_bounds(r, v, &slimit, &slow, &stop);
    if (stop && slow && overlaps(a0, a1, slow, stop))
        return HM_STACK_USED;
    if (stop && slimit && overlaps(a0, a1, slimit, stop))
        return HM_STACK;
    const RecRunInfo *ri = &r->run;
    if (ri->static_bytes && overlaps(a0, a1, ri->sram_base, (uint64_t)ri->sram_base + ri->static_bytes))
        return HM_STATIC;
    if (ri->heap_end > ri->heap_start && overlaps(a0, a1, ri->heap_start, ri->heap_end))
        return HM_HEAP;
    if (r->nmaps) {
        /* heap geometry known from another pause's map, but not this one's */
        const RecHeapMap *lm = &r->maps[r->nmaps - 1];
        if (overlaps(a0, a1, lm->base, map_end(lm)))
            return HM_HEAP;
    }
    return HM_UNUSED;
}

static long view_map(const Recording *r, const HeapMapView *v)
{
    if (!v || v->pause < 0)
        return -1;
    return heapmap_map_for(r, (size_t)v->pause);
}

HeapMapColor heapmap_cell_color(const HeapMapLayout *l, const Recording *r, const HeapMapView *v, uint32_t addr)
{
    long k = cell_of(l, addr);
    if (k < 0)
        return HM_BACKGROUND;
    bool head;
    MapCtx c;
    ctx_init(&c, r, view_map(r, v));
    HeapMapColor res = cell_color(l, r, v, &c, k, &head);
    ctx_free(&c);
    return res;
}

long heapmap_alloc_at(const Recording *r, long map, uint32_t addr)
{
    if (map < 0 || (size_t)map >= r->nmaps)
        return -1;
    const RecHeapMap *m = &r->maps[map];
    if (!m->block_size || addr < m->base || (uint64_t)addr >= map_end(m))
        return -1;
    uint64_t start = 0, end = UINT64_MAX;
    if (m->pause < r->npauses) {
        start = r->pauses[m->pause].start;
        end = r->pauses[m->pause].end;
    }
    uint32_t i = (addr - m->base) / m->block_size;
    const uint8_t *st = m->state;
    if (st[i] == REC_BLOCK_FREE) {
        /* swept by this collection: the free record covering it names the object */
        for (size_t j = first_free_at(r, start); j < r->nfrees && r->frees[j].time <= end; j++) {
            const RecFree *f = &r->frees[j];
            uint32_t size = rec_free_size(r, f);
            uint32_t n = size ? (size + m->block_size - 1) / m->block_size * m->block_size : m->block_size;
            if (f->by_gc && f->alloc_idx && addr >= f->addr && addr - f->addr < n)
                return (long)f->alloc_idx - 1;
        }
        const RecHeapMap *p = prev_map(r, map);
        if (!p || p->state[i] == REC_BLOCK_FREE)
            return -1;
        st = p->state; /* else its object in the map before */
    }
    while (i > 0 && st[i] == REC_BLOCK_TAIL)
        i--;
    uint32_t head = m->base + i * m->block_size;
    for (size_t j = r->nallocs; j-- > 0;) {
        const RecAlloc *a = &r->allocs[j];
        if (a->addr != head || a->time > end)
            continue;
        if (a->free_idx && a->free_idx <= r->nfrees && r->frees[a->free_idx - 1].time < start)
            continue; /* freed before this collection: an older object at the same place */
        return (long)j;
    }
    return -1;
}

/* ---- drawing ---- */

static void fill(const HeapMapLayout *l, uint8_t *rgba, HeapMapRect rc, HeapMapColor c)
{
    uint32_t rgb = heapmap_color(c);
    int x0 = rc.x < 0 ? 0 : rc.x, y0 = rc.y < 0 ? 0 : rc.y;
    int x1 = rc.x + rc.w > l->width ? l->width : rc.x + rc.w;
    int y1 = rc.y + rc.h > l->height ? l->height : rc.y + rc.h;
    for (int y = y0; y < y1; y++) {
        uint8_t *p = rgba + ((size_t)y * (size_t)l->width + (size_t)x0) * 4;
        for (int x = x0; x < x1; x++, p += 4) {
            p[0] = (uint8_t)(rgb >> 16);
            p[1] = (uint8_t)(rgb >> 8);
            p[2] = (uint8_t)rgb;
            p[3] = 0xff;
        }
    }
}

static uint64_t timeline_span(const Recording *r, const HeapMapView *v)
{
    uint64_t t = v && v->now ? v->now : r->run.cycles;
    if (!t) {
        if (r->npauses)
            t = r->pauses[r->npauses - 1].end;
        if (r->nsamples && r->samples[r->nsamples - 1].time > t)
            t = r->samples[r->nsamples - 1].time;
    }
    return t ? t : 1;
}

int heapmap_timeline_x(const HeapMapLayout *l, const Recording *r, const HeapMapView *v, uint64_t t)
{
    uint64_t span = timeline_span(r, v);
    if (t > span)
        t = span;
    int w = l->timeline.w > 1 ? l->timeline.w - 1 : 0;
    return l->timeline.x + (int)((unsigned __int128)t * (unsigned)w / span);
}

long heapmap_timeline_pause_at(const HeapMapLayout *l, const Recording *r, const HeapMapView *v, int x)
{
    long best = -1;
    int best_d = 0;
    /* pauses are in time order, so x is monotonic: a linear scan is fine for a UI */
    for (size_t i = 0; i < r->npauses; i++) {
        int px = heapmap_timeline_x(l, r, v, r->pauses[i].start);
        int d = px > x ? px - x : x - px;
        if (best < 0 || d < best_d) {
            best = (long)i;
            best_d = d;
        }
    }
    return best;
}

static void render_timeline(const HeapMapLayout *l, const Recording *r, const HeapMapView *v, uint8_t *rgba)
{
    const HeapMapRect *t = &l->timeline;
    if (t->w < 2 || t->h < 8)
        return;
    fill(l, rgba, *t, HM_TIMELINE);
    int lane = t->h / 4; /* pauses above, heap use below */
    HeapMapRect graph = {t->x, t->y + lane + 1, t->w, t->h - lane - 1};
    /* heap use: a step function through the samples */
    int64_t scale = 0;
    if (r->nmaps)
        scale = (int64_t)r->maps[r->nmaps - 1].nblocks * r->maps[r->nmaps - 1].block_size;
    else if (r->run.heap_end > r->run.heap_start)
        scale = (int64_t)(r->run.heap_end - r->run.heap_start);
    for (size_t i = 0; i < r->nsamples; i++)
        if (r->samples[i].used > scale)
            scale = r->samples[i].used;
    uint64_t span = timeline_span(r, v);
    if (scale > 0 && r->nsamples) {
        size_t j = 0;
        for (int x = 0; x < t->w; x++) {
            uint64_t tx = (uint64_t)((unsigned __int128)span * (unsigned)(x + 1) / (unsigned)t->w);
            while (j < r->nsamples && r->samples[j].time <= tx)
                j++;
            if (j == 0)
                continue;
            int64_t used = r->samples[j - 1].used;
            if (used <= 0)
                continue;
            int h = (int)((__int128)used * graph.h / scale);
            if (h < 1)
                h = 1;
            fill(l, rgba, (HeapMapRect){graph.x + x, graph.y + graph.h - h, 1, h}, HM_TL_HEAP);
        }
    }
    for (size_t i = 0; i < r->npauses; i++) {
        int x0 = heapmap_timeline_x(l, r, v, r->pauses[i].start);
        uint64_t e = r->pauses[i].end > r->pauses[i].start ? r->pauses[i].end : r->pauses[i].start;
        int x1 = heapmap_timeline_x(l, r, v, e);
        HeapMapColor c = v && (long)i == v->pause ? HM_TL_SELECTED : HM_TL_PAUSE;
        fill(l, rgba, (HeapMapRect){x0, t->y + 1, x1 > x0 ? x1 - x0 : 1, lane - 1}, c);
    }
    if (v && v->pause >= 0 && (size_t)v->pause < r->npauses) {
        int x = heapmap_timeline_x(l, r, v, r->pauses[v->pause].start);
        fill(l, rgba, (HeapMapRect){x, t->y, 2, t->h}, HM_TL_SELECTED); /* the scrubber */
    }
}

void heapmap_each_cell(const HeapMapLayout *l, const Recording *r, const HeapMapView *v, HeapMapCellFn *fn,
                       void *opaque)
{
    MapCtx c;
    ctx_init(&c, r, view_map(r, v));
    long ncells = l->cell_bytes ? (long)(((uint64_t)l->end - l->first + l->cell_bytes - 1) / l->cell_bytes) : 0;
    for (long k = 0; k < ncells; k++) {
        bool head;
        HeapMapColor col = cell_color(l, r, v, &c, k, &head);
        fn(opaque, (uint32_t)(l->first + (uint64_t)k * l->cell_bytes), col, cell_rect(l, k), head);
    }
    ctx_free(&c);
}

typedef struct Canvas {
    const HeapMapLayout *l;
    uint8_t *rgba;
} Canvas;

static void draw_cell(void *opaque, uint32_t addr, HeapMapColor col, HeapMapRect rc, bool head)
{
    const Canvas *cv = opaque;
    (void)addr;
    fill(cv->l, cv->rgba, rc, col);
    if (cv->l->cell_w >= 4 && head && col != HM_FREE) /* an object's left edge */
        fill(cv->l, cv->rgba, (HeapMapRect){rc.x, rc.y, 1, rc.h}, HM_OBJECT_EDGE);
}

void heapmap_render(const HeapMapLayout *l, const Recording *r, const HeapMapView *v, uint8_t *rgba)
{
    fill(l, rgba, (HeapMapRect){0, 0, l->width, l->height}, HM_BACKGROUND);
    heapmap_each_cell(l, r, v, draw_cell, &(Canvas){l, rgba});
    uint32_t slimit, slow, stop;
    stack_bounds(r, v, &slimit, &slow, &stop);
    HeapMapRect rc;
    if (stop && slow && heapmap_addr_rect(l, slow, &rc)) {
        int w = heapmap_mark_width(l);
        fill(l, rgba, (HeapMapRect){rc.x, rc.y, w, rc.h}, HM_STACK_MARK);
    }
    render_timeline(l, r, v, rgba);
    for (size_t i = 0; heapmap_legend_swatch(l, i, &rc); i++)
        fill(l, rgba, rc, legend_items[i]);
}
