/* test_heapmap.c: the heap map renderer on a synthetic recording (pixel colours at
 * known block addresses for every state, the regions, freed-by-last detection, cell
 * aggregation, the timeline scrubber) and the PNG encoder (decoded here with zlib). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "gc/record.h"
#include "base/util.h"
#include "tests/cunit_main.h"
#include "ui/bitfont.h"
#include "ui/heapmap.h"
#include "ui/png.h"

#define SRAM 0x20000000u
#define HEAP 0x20001400u /* heap map base: 512 blocks of 16 bytes */
#define BLK(i) (HEAP + 16u * (i))

/* SRAM 64 KiB: .data/.bss 1 KiB, a gap, the stack 0x20000800..0x20001400 (deepest
 * 0x20001000), the heap 0x20001400..0x20003400. Three collections:
 *   A blocks 0-1 (live throughout), B block 4 (marked after pause 1: an incremental
 *   collector's unfinished mark), C blocks 10-12 (swept by pause 1), D block 20
 *   (allocated between pauses 0 and 1), E blocks 30-32 (allocated after pause 1 and
 *   swept by pause 2: in no map, freed according to the records). */
static Recording *synth(void)
{
    Recording *r = rec_new();
    r->run.sram_base = SRAM;
    r->run.sram_size = 0x10000;
    r->run.static_bytes = 0x400;
    r->run.stack_limit = 0x20000800;
    r->run.stack_top = 0x20001400;
    r->run.stack_low = 0x20001000;
    r->run.cycles = 10000;
    r->run.clock_hz = 1000000;
    uint32_t site[] = {0x1234};
    StackId st = rec_stack(r, site, 1);
    rec_alloc(r, 100, BLK(0), 32, st);
    rec_alloc(r, 200, BLK(4), 16, st);
    rec_alloc(r, 300, BLK(10), 48, st);
    rec_heap_sample(r, 500, 96, 8096, 8096, false);

    rec_pause_begin(r, 1000, REC_TRIGGER_ALLOC, 0, false);
    rec_pause_end(r, 2000);
    RecHeapMap *m = rec_heap_map(r, HEAP, 16, 512);
    m->state[0] = REC_BLOCK_HEAD, m->state[1] = REC_BLOCK_TAIL;
    m->state[4] = REC_BLOCK_HEAD;
    m->state[10] = REC_BLOCK_HEAD, m->state[11] = m->state[12] = REC_BLOCK_TAIL;
    rec_heap_sample(r, 2000, 96, 8096, 8000, true);

    rec_alloc(r, 3000, BLK(20), 16, st);
    rec_heap_sample(r, 3500, 112, 8080, 8000, false);
    rec_pause_begin(r, 5000, REC_TRIGGER_ALLOC, 0, false);
    rec_pause_end(r, 6000);
    rec_free_block(r, 6000, BLK(10), true);
    m = rec_heap_map(r, HEAP, 16, 512);
    m->state[0] = REC_BLOCK_HEAD, m->state[1] = REC_BLOCK_TAIL;
    m->state[4] = REC_BLOCK_MARK;
    m->state[20] = REC_BLOCK_HEAD;
    rec_heap_sample(r, 6000, 64, 8128, 8000, true);

    rec_alloc(r, 7000, BLK(30), 40, st);
    rec_pause_begin(r, 9000, REC_TRIGGER_EXPLICIT, 0, false);
    rec_pause_end(r, 9500);
    rec_free_block(r, 9500, BLK(30), true);
    m = rec_heap_map(r, HEAP, 16, 512);
    m->state[0] = REC_BLOCK_HEAD, m->state[1] = REC_BLOCK_TAIL;
    m->state[4] = REC_BLOCK_HEAD;
    m->state[20] = REC_BLOCK_HEAD;
    return r;
}

static uint32_t pixel(const HeapMapLayout *l, const uint8_t *rgba, int x, int y)
{
    const uint8_t *p = rgba + ((size_t)y * (size_t)l->width + (size_t)x) * 4;
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

/* The colour at the centre of the cell holding addr. */
static uint32_t at(const HeapMapLayout *l, const uint8_t *rgba, uint32_t addr)
{
    HeapMapRect rc;
    if (!heapmap_addr_rect(l, addr, &rc))
        return 0xdeadbeef;
    return pixel(l, rgba, rc.x + rc.w / 2, rc.y + rc.h / 2);
}

static uint8_t *render(HeapMapLayout *l, const Recording *r, long pause, uint32_t stack_low)
{
    HeapMapView v = {.pause = pause, .stack_low = stack_low};
    uint8_t *buf = xmalloc((size_t)l->width * (size_t)l->height * 4);
    heapmap_render(l, r, &v, buf);
    return buf;
}

static void test_layout(void)
{
    Recording *r = synth();
    HeapMapLayout l;
    heapmap_layout_default(&l, 1280, 800);
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(heapmap_layout(&l, r, &err), 0);
    CU_ASSERT_EQUAL(l.first, SRAM);
    CU_ASSERT_EQUAL(l.end, HEAP + 512 * 16);
    CU_ASSERT_EQUAL(l.cell_bytes, 16);        /* one cell per heap block */
    CU_ASSERT_EQUAL(l.sram_hidden, 0x10000 - 0x3400);
    CU_ASSERT((l.cols & (l.cols - 1)) == 0);  /* a power of two */
    CU_ASSERT(l.cols * l.cell_w <= l.grid.w && l.rows * l.cell_h <= l.grid.h);
    CU_ASSERT(l.cell_h >= 4 && l.cell_w >= l.cell_h && l.cell_w <= 2 * l.cell_h);
    /* address -> rectangle -> address */
    uint32_t probe[] = {SRAM, SRAM + 16, BLK(0), BLK(11) + 5, HEAP + 512 * 16 - 1};
    for (size_t i = 0; i < ARRAY_SIZE(probe); i++) {
        HeapMapRect rc;
        uint32_t a = 0;
        CU_ASSERT_FATAL(heapmap_addr_rect(&l, probe[i], &rc));
        CU_ASSERT(heapmap_addr_at(&l, rc.x + rc.w - 1, rc.y + rc.h - 1, &a));
        CU_ASSERT_EQUAL(a, probe[i] & ~15u);
    }
    HeapMapRect rc;
    CU_ASSERT(!heapmap_addr_rect(&l, SRAM - 1, &rc));
    CU_ASSERT(!heapmap_addr_rect(&l, HEAP + 512 * 16, &rc));
    uint32_t a;
    CU_ASSERT(!heapmap_addr_at(&l, 0, 0, &a)); /* the margin */
    /* distinct cells do not overlap */
    HeapMapRect r0, r1;
    heapmap_addr_rect(&l, BLK(0), &r0);
    heapmap_addr_rect(&l, BLK(1), &r1);
    CU_ASSERT(r1.x >= r0.x + r0.w || r1.y >= r0.y + r0.h);
    rec_free(r);
}

static void test_layout_errors(void)
{
    Recording *r = rec_new();
    HeapMapLayout l;
    char *err = NULL;
    heapmap_layout_default(&l, 640, 480);
    CU_ASSERT_EQUAL(heapmap_layout(&l, r, &err), -1); /* nothing known */
    CU_ASSERT_PTR_NOT_NULL(err);
    free(err);
    err = NULL;
    rec_free(r);
    r = synth();
    heapmap_layout_default(&l, 640, 480);
    l.grid.w = 10000; /* beyond the image */
    CU_ASSERT_EQUAL(heapmap_layout(&l, r, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(err);
    free(err);
    err = NULL;
    heapmap_layout_default(&l, 0, 0);
    CU_ASSERT_EQUAL(heapmap_layout(&l, r, &err), -1);
    free(err);
    rec_free(r);
}

static void test_states(void)
{
    Recording *r = synth();
    CU_ASSERT_EQUAL(heapmap_map_for(r, 0), 0);
    CU_ASSERT_EQUAL(heapmap_map_for(r, 1), 1);
    CU_ASSERT_EQUAL(heapmap_map_for(r, 7), 2); /* past the end: the latest */
    /* freed by the last collection: allocated in map 0, free in map 1 */
    CU_ASSERT_EQUAL(heapmap_block_state(r, 0, BLK(10)), HM_ALLOCATED);
    CU_ASSERT_EQUAL(heapmap_block_state(r, 1, BLK(10)), HM_FREED);
    CU_ASSERT_EQUAL(heapmap_block_state(r, 1, BLK(12) + 15), HM_FREED);
    CU_ASSERT_EQUAL(heapmap_block_state(r, 2, BLK(10)), HM_FREE); /* two collections later: just free */
    /* E: free in maps 1 and 2, but swept by pause 2 according to the records */
    CU_ASSERT_EQUAL(heapmap_block_state(r, 1, BLK(30)), HM_FREE);
    CU_ASSERT_EQUAL(heapmap_block_state(r, 2, BLK(30)), HM_FREED);
    CU_ASSERT_EQUAL(heapmap_block_state(r, 2, BLK(32)), HM_FREED);
    CU_ASSERT_EQUAL(heapmap_block_state(r, 2, BLK(33)), HM_FREE);
    CU_ASSERT_EQUAL(heapmap_alloc_at(r, 2, BLK(31)), 4);
    CU_ASSERT_EQUAL(heapmap_block_state(r, 1, BLK(4)), HM_MARKED);
    CU_ASSERT_EQUAL(heapmap_block_state(r, 0, BLK(20)), HM_FREE);  /* no map before: never "freed" */
    CU_ASSERT_EQUAL(heapmap_block_state(r, 1, BLK(20)), HM_ALLOCATED);
    CU_ASSERT_EQUAL(heapmap_block_state(r, 1, BLK(1)), HM_ALLOCATED);
    CU_ASSERT_EQUAL(heapmap_block_state(r, 1, BLK(13)), HM_FREE);
    CU_ASSERT_EQUAL(heapmap_block_state(r, 1, HEAP - 1), HM_HEAP);
    CU_ASSERT_EQUAL(heapmap_block_state(r, -1, BLK(0)), HM_HEAP);
    CU_ASSERT_EQUAL(heapmap_block_state(r, 3, BLK(0)), HM_HEAP);
    /* the allocation behind a block */
    CU_ASSERT_EQUAL(heapmap_alloc_at(r, 1, BLK(1)), 0);  /* A, through its tail */
    CU_ASSERT_EQUAL(heapmap_alloc_at(r, 1, BLK(11)), 2); /* C, freed by this collection */
    CU_ASSERT_EQUAL(heapmap_alloc_at(r, 2, BLK(11)), -1);
    CU_ASSERT_EQUAL(heapmap_alloc_at(r, 1, BLK(20)), 3);
    CU_ASSERT_EQUAL(heapmap_alloc_at(r, 0, BLK(20)), -1);
    CU_ASSERT_EQUAL(heapmap_alloc_at(r, 1, BLK(30)), -1);
    rec_free(r);
}

static void test_render_pixels(void)
{
    Recording *r = synth();
    HeapMapLayout l;
    heapmap_layout_default(&l, 1280, 800);
    CU_ASSERT_EQUAL_FATAL(heapmap_layout(&l, r, NULL), 0);

    uint8_t *img = render(&l, r, 1, 0);
    CU_ASSERT_EQUAL(at(&l, img, SRAM + 0x100), heapmap_color(HM_STATIC));
    CU_ASSERT_EQUAL(at(&l, img, SRAM + 0x500), heapmap_color(HM_UNUSED));
    CU_ASSERT_EQUAL(at(&l, img, 0x20000900), heapmap_color(HM_STACK));
    CU_ASSERT_EQUAL(at(&l, img, 0x20001200), heapmap_color(HM_STACK_USED));
    CU_ASSERT_EQUAL(at(&l, img, BLK(0)), heapmap_color(HM_ALLOCATED));
    CU_ASSERT_EQUAL(at(&l, img, BLK(1)), heapmap_color(HM_ALLOCATED));
    CU_ASSERT_EQUAL(at(&l, img, BLK(4)), heapmap_color(HM_MARKED));
    CU_ASSERT_EQUAL(at(&l, img, BLK(10)), heapmap_color(HM_FREED));
    CU_ASSERT_EQUAL(at(&l, img, BLK(12)), heapmap_color(HM_FREED));
    CU_ASSERT_EQUAL(at(&l, img, BLK(13)), heapmap_color(HM_FREE));
    CU_ASSERT_EQUAL(at(&l, img, BLK(20)), heapmap_color(HM_ALLOCATED));
    CU_ASSERT_EQUAL(at(&l, img, BLK(511)), heapmap_color(HM_FREE));
    CU_ASSERT_EQUAL(at(&l, img, BLK(30)), heapmap_color(HM_FREE));
    CU_ASSERT_EQUAL(heapmap_cell_color(&l, r, &(HeapMapView){.pause = 1}, BLK(10)), HM_FREED);
    CU_ASSERT_EQUAL(heapmap_cell_color(&l, r, &(HeapMapView){.pause = 2}, BLK(31)), HM_FREED);
    /* the high-water mark: a line at the left edge of stack_low's cell */
    HeapMapRect rc;
    CU_ASSERT_FATAL(heapmap_addr_rect(&l, 0x20001000, &rc));
    CU_ASSERT_EQUAL(pixel(&l, img, rc.x, rc.y + rc.h / 2), heapmap_color(HM_STACK_MARK));
    CU_ASSERT_EQUAL(pixel(&l, img, rc.x + rc.w - 1, rc.y + rc.h / 2), heapmap_color(HM_STACK_USED));
    /* object starts are edged, tails are not */
    heapmap_addr_rect(&l, BLK(0), &rc);
    CU_ASSERT_EQUAL(pixel(&l, img, rc.x, rc.y + 1), heapmap_color(HM_OBJECT_EDGE));
    heapmap_addr_rect(&l, BLK(1), &rc);
    CU_ASSERT_EQUAL(pixel(&l, img, rc.x, rc.y + 1), heapmap_color(HM_ALLOCATED));
    /* the gap between cells and the margin are background */
    heapmap_addr_rect(&l, BLK(13), &rc);
    CU_ASSERT_EQUAL(pixel(&l, img, rc.x + rc.w, rc.y), heapmap_color(HM_BACKGROUND));
    CU_ASSERT_EQUAL(pixel(&l, img, 0, 0), heapmap_color(HM_BACKGROUND));
    /* legend swatches carry their colours */
    for (size_t i = 0; i < heapmap_legend_count(); i++) {
        CU_ASSERT_FATAL(heapmap_legend_swatch(&l, i, &rc));
        CU_ASSERT_EQUAL(pixel(&l, img, rc.x + rc.w / 2, rc.y + rc.h / 2), heapmap_color(heapmap_legend_item(i)));
    }
    free(img);

    /* collection 0: C still allocated, D not yet, nothing "freed" */
    img = render(&l, r, 0, 0);
    CU_ASSERT_EQUAL(at(&l, img, BLK(10)), heapmap_color(HM_ALLOCATED));
    CU_ASSERT_EQUAL(at(&l, img, BLK(20)), heapmap_color(HM_FREE));
    CU_ASSERT_EQUAL(at(&l, img, BLK(4)), heapmap_color(HM_ALLOCATED));
    free(img);

    /* no collection yet (live, before the first pause): heap without a map */
    img = render(&l, r, -1, 0);
    CU_ASSERT_EQUAL(at(&l, img, BLK(0)), heapmap_color(HM_HEAP));
    CU_ASSERT_EQUAL(at(&l, img, SRAM + 0x100), heapmap_color(HM_STATIC));
    free(img);

    /* live: the view's stack_low overrides the recording's */
    img = render(&l, r, 2, 0x20000c00);
    CU_ASSERT_EQUAL(at(&l, img, 0x20000e00), heapmap_color(HM_STACK_USED));
    heapmap_addr_rect(&l, 0x20000c00, &rc);
    CU_ASSERT_EQUAL(pixel(&l, img, rc.x, rc.y + rc.h / 2), heapmap_color(HM_STACK_MARK));
    heapmap_addr_rect(&l, 0x20001000, &rc);
    CU_ASSERT_EQUAL(pixel(&l, img, rc.x, rc.y + rc.h / 2), heapmap_color(HM_STACK_USED));
    free(img);
    rec_free(r);
}

/* heapmap_each_cell: every cell once, in address order, each as heapmap_cell_color
 * and heapmap_addr_rect give it (what --dump-map writes, in one pass). */
typedef struct CellSeen {
    const HeapMapLayout *l;
    const Recording *r;
    const HeapMapView *v;
    size_t n, wrong;
    uint64_t next; /* the address the next cell must have */
} CellSeen;

static void see_cell(void *opaque, uint32_t addr, HeapMapColor col, HeapMapRect rc, bool head)
{
    CellSeen *s = opaque;
    HeapMapRect want;
    (void)head;
    bool same = addr == s->next && heapmap_addr_rect(s->l, addr, &want) && !memcmp(&want, &rc, sizeof rc) &&
                col == heapmap_cell_color(s->l, s->r, s->v, addr);
    s->wrong += !same;
    s->n++;
    s->next = (uint64_t)addr + s->l->cell_bytes;
}

static void test_each_cell(void)
{
    Recording *r = synth();
    HeapMapLayout l;
    heapmap_layout_default(&l, 1280, 800);
    CU_ASSERT_EQUAL_FATAL(heapmap_layout(&l, r, NULL), 0);
    for (long pause = -1; pause < 3; pause++) {
        HeapMapView v = {.pause = pause};
        CellSeen s = {.l = &l, .r = r, .v = &v, .next = l.first};
        heapmap_each_cell(&l, r, &v, see_cell, &s);
        CU_ASSERT_EQUAL(s.n, (l.end - l.first + l.cell_bytes - 1) / l.cell_bytes);
        CU_ASSERT_EQUAL(s.wrong, 0);
        CU_ASSERT(s.next >= l.end);
    }
    rec_free(r);
}

static void test_aggregate(void)
{
    /* a grid too small for one cell per block: cells cover several blocks and show
     * the highest state among them */
    Recording *r = synth();
    HeapMapLayout l = {.width = 40, .height = 20, .grid = {0, 0, 8, 16}};
    CU_ASSERT_EQUAL_FATAL(heapmap_layout(&l, r, NULL), 0);
    CU_ASSERT_EQUAL(l.cell_bytes, 128); /* 8 blocks a cell */
    CU_ASSERT((l.cell_bytes & (l.cell_bytes - 1)) == 0);
    CU_ASSERT((uint64_t)l.cols * (uint64_t)l.rows * l.cell_bytes >= 0x3400);
    uint8_t *img = render(&l, r, 1, 0);
    /* block 4 (marked) shares its cell with blocks 0-1 (allocated): marked wins */
    CU_ASSERT_EQUAL(heapmap_cell_color(&l, r, &(HeapMapView){.pause = 1}, BLK(0)), HM_MARKED);
    CU_ASSERT_EQUAL(at(&l, img, BLK(0)), heapmap_color(HM_MARKED));
    CU_ASSERT_EQUAL(at(&l, img, BLK(511)), heapmap_color(HM_FREE));
    free(img);
    rec_free(r);
}

static void test_timeline(void)
{
    Recording *r = synth();
    HeapMapLayout l;
    heapmap_layout_default(&l, 1000, 600);
    CU_ASSERT_EQUAL_FATAL(heapmap_layout(&l, r, NULL), 0);
    HeapMapView v = {.pause = 1};
    uint8_t *img = xmalloc((size_t)l.width * (size_t)l.height * 4);
    heapmap_render(&l, r, &v, img);
    int lane_y = l.timeline.y + l.timeline.h / 8;
    /* pause 0 spans 1000..2000 of 10000 cycles: its bar is a pause; pause 1 selected */
    int x0 = heapmap_timeline_x(&l, r, &v, 1500);
    CU_ASSERT_EQUAL(pixel(&l, img, x0, lane_y), heapmap_color(HM_TL_PAUSE));
    int x1 = heapmap_timeline_x(&l, r, &v, 5500);
    CU_ASSERT_EQUAL(pixel(&l, img, x1, lane_y), heapmap_color(HM_TL_SELECTED));
    /* the scrubber crosses the heap graph at the selected pause's start */
    int xs = heapmap_timeline_x(&l, r, &v, 5000);
    CU_ASSERT_EQUAL(pixel(&l, img, xs, l.timeline.y + l.timeline.h - 2), heapmap_color(HM_TL_SELECTED));
    /* between pauses: no pause in the lane; heap in use at the bottom of the graph */
    int xg = heapmap_timeline_x(&l, r, &v, 4000);
    CU_ASSERT_EQUAL(pixel(&l, img, xg, lane_y), heapmap_color(HM_TIMELINE));
    CU_ASSERT_EQUAL(pixel(&l, img, xg, l.timeline.y + l.timeline.h - 1), heapmap_color(HM_TL_HEAP));
    CU_ASSERT_EQUAL(pixel(&l, img, xg, l.timeline.y + l.timeline.h / 3), heapmap_color(HM_TIMELINE));
    /* picking a pause by x */
    CU_ASSERT_EQUAL(heapmap_timeline_pause_at(&l, r, &v, x0), 0);
    CU_ASSERT_EQUAL(heapmap_timeline_pause_at(&l, r, &v, xs + 3), 1);
    CU_ASSERT_EQUAL(heapmap_timeline_pause_at(&l, r, &v, l.timeline.x + l.timeline.w - 1), 2);
    free(img);
    rec_free(r);
}

/* ---- text ---- */

/* Pixels of colour rgb in the rectangle. */
static size_t count_colour(const HeapMapLayout *l, const uint8_t *rgba, HeapMapRect rc, uint32_t rgb)
{
    size_t n = 0;
    for (int y = rc.y; y < rc.y + rc.h && y < l->height; y++)
        for (int x = rc.x; x < rc.x + rc.w && x < l->width; x++)
            n += pixel(l, rgba, x, y) == rgb;
    return n;
}

static void test_bitfont(void)
{
    /* every printable character but the space has a glyph of its own */
    for (int c = 0x21; c < 0x7f; c++) {
        const uint8_t *g = bitfont_glyph((unsigned char)c);
        int on = 0;
        for (int row = 0; row < BITFONT_H; row++) {
            on |= g[row];
            CU_ASSERT_EQUAL(g[row] & ~0x1f, 0);
        }
        CU_ASSERT(on != 0);
        for (int d = 0x21; d < c; d++)
            CU_ASSERT(memcmp(g, bitfont_glyph((unsigned char)d), BITFONT_H) != 0);
    }
    CU_ASSERT_PTR_EQUAL(bitfont_glyph(0x80), bitfont_glyph('?'));
    CU_ASSERT_PTR_EQUAL(bitfont_glyph('\n'), bitfont_glyph('?'));
    CU_ASSERT_EQUAL(bitfont_width("", 1), 0);
    CU_ASSERT_EQUAL(bitfont_width("ab", 1), BITFONT_ADVANCE + BITFONT_W);
    CU_ASSERT_EQUAL(bitfont_width("ab", 2), 2 * (BITFONT_ADVANCE + BITFONT_W));

    /* at scale 2, each bit of the glyph is a 2x2 block; nothing drawn outside */
    enum { W = 40, H = 30 };
    uint8_t img[W * H * 4];
    memset(img, 0, sizeof img);
    bitfont_draw(img, W, H, 3, 4, 2, 0x123456, "A", W);
    const uint8_t *g = bitfont_glyph('A');
    HeapMapLayout l = {.width = W, .height = H};
    int bad = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            int gx = (x - 3) / 2, gy = (y - 4) / 2;
            bool in = x >= 3 && y >= 4 && gx < BITFONT_W && gy < BITFONT_H && (g[gy] & (0x10 >> gx));
            bad += (pixel(&l, img, x, y) == 0x123456) != in;
        }
    CU_ASSERT_EQUAL(bad, 0);
    /* clipped to max_w and to the image */
    memset(img, 0, sizeof img);
    bitfont_draw(img, W, H, 0, 0, 1, 0xffffff, "MMMMMMMMMM", 8);
    CU_ASSERT_EQUAL(count_colour(&l, img, (HeapMapRect){8, 0, W - 8, H}, 0xffffff), 0);
    CU_ASSERT(count_colour(&l, img, (HeapMapRect){0, 0, 8, H}, 0xffffff) > 0);
    bitfont_draw(img, W, H, W - 3, H - 3, 3, 0xffffff, "W", 100); /* runs off the edges: no crash */
}

/* The PNG's text: the legend's names beside the swatches, its notes, the status line
 * and the run under the timeline; the window's status line says the same. */
static void test_render_text(void)
{
    Recording *r = synth();
    r->run.image = xstrdup("/build/firmware/demo.elf");
    r->run.board = xstrdup("mps2-an385");
    r->run.runtime = xstrdup("gcrt");
    HeapMapLayout l;
    heapmap_layout_default(&l, 1280, 800);
    CU_ASSERT_EQUAL_FATAL(heapmap_layout(&l, r, NULL), 0);
    HeapMapView v = {.pause = 1};
    size_t npx = (size_t)l.width * (size_t)l.height * 4;
    uint8_t *plain = xmalloc(npx), *img = xmalloc(npx);
    heapmap_render(&l, r, &v, plain);
    memcpy(img, plain, npx);
    heapmap_render_text(&l, r, &v, img);

    char line[400];
    heapmap_status_text(r, &v, line, sizeof line);
    CU_ASSERT_STRING_EQUAL(line, "collection 2 of 3 at 5.000 ms: pause 1.000 ms, heap 0 B -> 0 B");
    heapmap_run_text(r, line, sizeof line);
    CU_ASSERT_STRING_EQUAL(line, "demo.elf on mps2-an385 (gcrt), 10.000 ms simulated");
    CU_ASSERT(heapmap_legend_note(&l, 0, line, sizeof line));
    CU_ASSERT(strncmp(line, "cell 16 B, row ", 15) == 0);
    HeapMapView none = {.pause = -1};
    heapmap_status_text(r, &none, line, sizeof line);
    CU_ASSERT_STRING_EQUAL(line, "no collection yet");

    /* a label beside every swatch, in the label colour; the swatches unchanged */
    HeapMapRect sw;
    for (size_t i = 0; heapmap_legend_swatch(&l, i, &sw); i++) {
        HeapMapRect beside = {sw.x + sw.w + 1, sw.y - 2, l.legend.x + l.legend.w - sw.x - sw.w - 1, sw.h + 4};
        CU_ASSERT(count_colour(&l, img, beside, 0xdddddd) > 10);
        CU_ASSERT_EQUAL(count_colour(&l, img, sw, heapmap_color(heapmap_legend_item(i))), (size_t)(sw.w * sw.h));
    }
    /* the notes below the swatches */
    HeapMapRect notes = {l.legend.x, sw.y + sw.h, l.legend.w, 60};
    CU_ASSERT(count_colour(&l, img, notes, 0xaaaaaa) > 50);
    /* the status line and the run below the timeline */
    HeapMapRect status = {0, l.timeline.y + l.timeline.h, l.width, l.height - l.timeline.y - l.timeline.h};
    CU_ASSERT(count_colour(&l, img, status, 0xffffff) > 200);
    CU_ASSERT(count_colour(&l, img, status, 0x999999) > 200);
    /* the grid and the timeline are left as heapmap_render drew them */
    int diff = 0;
    for (int y = 0; y < l.timeline.y + l.timeline.h; y++)
        for (int x = 0; x < l.legend.x; x++)
            diff += pixel(&l, img, x, y) != pixel(&l, plain, x, y);
    CU_ASSERT_EQUAL(diff, 0);
    free(plain);
    free(img);
    rec_free(r);
}

/* ---- PNG ---- */

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

/* Decode what png_encode_rgba makes (8-bit RGBA, filter 0): checks the signature,
 * chunk order and every CRC. Returns the pixels or NULL. */
static uint8_t *png_decode(const uint8_t *buf, size_t len, int *w, int *h)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (len < 8 || memcmp(buf, sig, 8))
        return NULL;
    size_t pos = 8;
    uint8_t *z = NULL;
    size_t zlen = 0;
    bool ihdr = false, iend = false;
    while (pos + 12 <= len && !iend) {
        uint32_t n = be32(buf + pos);
        if (pos + 12 + n > len)
            break;
        const uint8_t *type = buf + pos + 4, *data = buf + pos + 8;
        uLong crc = crc32(crc32(0L, Z_NULL, 0), type, n + 4);
        if (crc != be32(data + n))
            break;
        if (!memcmp(type, "IHDR", 4) && n == 13) {
            *w = (int)be32(data);
            *h = (int)be32(data + 4);
            ihdr = data[8] == 8 && data[9] == 6 && data[12] == 0;
        } else if (!memcmp(type, "IDAT", 4)) {
            z = xrealloc(z, zlen + n + 1);
            memcpy(z + zlen, data, n);
            zlen += n;
        } else if (!memcmp(type, "IEND", 4)) {
            iend = true;
        }
        pos += 12 + n;
    }
    uint8_t *out = NULL;
    if (ihdr && iend && z && *w > 0 && *h > 0) {
        size_t row = (size_t)*w * 4 + 1;
        uLongf rawlen = (uLongf)(row * (size_t)*h);
        uint8_t *raw = xmalloc(rawlen);
        if (uncompress(raw, &rawlen, z, (uLong)zlen) == Z_OK && rawlen == row * (size_t)*h) {
            out = xmalloc((size_t)*w * (size_t)*h * 4);
            for (int y = 0; y < *h; y++) {
                if (raw[(size_t)y * row] != 0) {
                    free(out);
                    out = NULL;
                    break;
                }
                memcpy(out + (size_t)y * (size_t)*w * 4, raw + (size_t)y * row + 1, (size_t)*w * 4);
            }
        }
        free(raw);
    }
    free(z);
    return out;
}

static void test_png_roundtrip(void)
{
    Recording *r = synth();
    HeapMapLayout l;
    heapmap_layout_default(&l, 320, 200);
    CU_ASSERT_EQUAL_FATAL(heapmap_layout(&l, r, NULL), 0);
    uint8_t *img = render(&l, r, 1, 0);
    uint8_t *png;
    size_t len;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(png_encode_rgba(img, l.width, l.height, (size_t)l.width * 4, &png, &len, &err), 0);
    int w = 0, h = 0;
    uint8_t *back = png_decode(png, len, &w, &h);
    CU_ASSERT_PTR_NOT_NULL_FATAL(back);
    CU_ASSERT_EQUAL(w, 320);
    CU_ASSERT_EQUAL(h, 200);
    CU_ASSERT(memcmp(back, img, (size_t)w * (size_t)h * 4) == 0);
    free(back);
    /* a corrupted byte fails the CRC */
    png[40] ^= 1;
    CU_ASSERT_PTR_NULL(png_decode(png, len, &w, &h));
    free(png);

    /* through a file; with a stride wider than the row */
    char path[] = "/tmp/test_heapmap.XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    close(fd);
    uint8_t *wide = xcalloc((size_t)l.height, (size_t)l.width * 4 + 12);
    for (int y = 0; y < l.height; y++)
        memcpy(wide + (size_t)y * ((size_t)l.width * 4 + 12), img + (size_t)y * (size_t)l.width * 4,
               (size_t)l.width * 4);
    CU_ASSERT_EQUAL(png_write_rgba(path, wide, l.width, l.height, (size_t)l.width * 4 + 12, &err), 0);
    FILE *f = fopen(path, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    uint8_t *fbuf = xmalloc(1 << 20);
    size_t n = fread(fbuf, 1, 1 << 20, f);
    fclose(f);
    unlink(path);
    back = png_decode(fbuf, n, &w, &h);
    CU_ASSERT_PTR_NOT_NULL(back);
    if (back)
        CU_ASSERT(memcmp(back, img, (size_t)w * (size_t)h * 4) == 0);
    /* the decoded file has the right colour at a known block */
    HeapMapRect rc;
    heapmap_addr_rect(&l, BLK(10), &rc);
    if (back)
        CU_ASSERT_EQUAL(pixel(&l, back, rc.x + rc.w / 2, rc.y + rc.h / 2), heapmap_color(HM_FREED));
    free(back);
    free(fbuf);
    free(wide);

    /* bad input and unwritable paths are errors, not crashes */
    CU_ASSERT_EQUAL(png_encode_rgba(img, 0, 10, 0, &png, &len, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(err);
    free(err);
    err = NULL;
    CU_ASSERT_EQUAL(png_write_rgba("/nonexistent-dir/x.png", img, l.width, l.height, (size_t)l.width * 4, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(err);
    free(err);
    free(img);
    rec_free(r);
}

static const TestCase heapmap_tests[] = {
    {"layout", test_layout},
    {"layout errors", test_layout_errors},
    {"block states and freed-by-last", test_states},
    {"pixels at known addresses", test_render_pixels},
    {"cells over several blocks", test_aggregate},
    {"every cell once, as drawn (--dump-map)", test_each_cell},
    {"timeline and scrubber", test_timeline},
    {"the bitmap font", test_bitfont},
    {"legend names, notes and status line in the image", test_render_text},
    {NULL, NULL},
};
static const TestCase png_tests[] = {
    {"round trip through zlib", test_png_roundtrip},
    {NULL, NULL},
};
static const TestSuite suites[] = {
    {"heapmap", heapmap_tests},
    {"png", png_tests},
    {NULL, NULL},
};

int main(void) { return cunit_run(suites); }
