/* heapmap.h: the heap map as pixels: SRAM drawn as a grid of cells in address order
 * (.data/.bss, the stack with its high-water mark, the GC heap block by block coloured
 * by state), a timeline strip of pauses and heap use with the selected collection
 * marked, and the legend's colour swatches. Pure: renders a Recording into an RGBA
 * buffer (no SDL), so the window (ui/view.c) and the PNG export share it.
 *
 * Grid: cell k covers [first + k*cell_bytes, first + (k+1)*cell_bytes), laid out left
 * to right, top to bottom, `cols` cells a row (a power of two, so each row covers an
 * aligned span; chosen for the largest cells, at most twice as wide as high). cell_bytes is the heap's block size when that fits the grid area
 * (one cell per block), else the smallest power-of-two multiple of it that fits. The
 * grid shows SRAM from its base up to the end of the last region in use (static data,
 * stack, heap); the unclaimed rest of a large SRAM is not drawn (the legend says how
 * much). A cell covering several heap blocks shows the highest state among them in
 * the order free < allocated < freed-by-last < marked. */
#ifndef BAREGC_HEAPMAP_H
#define BAREGC_HEAPMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gc/record.h"

/* What a cell shows, and the colour of everything drawn (heapmap_color). */
typedef enum HeapMapColor {
    HM_BACKGROUND,   /* outside the grid and past the last cell */
    HM_UNUSED,       /* SRAM in the shown range that no region claims */
    HM_STATIC,       /* .data/.bss: sram_base .. sram_base + static_bytes */
    HM_STACK,        /* the stack's reserve never reached: stack_limit .. stack_low */
    HM_STACK_USED,   /* stack used at its deepest: stack_low .. stack_top */
    HM_STACK_MARK,   /* the high-water mark line, at the left edge of stack_low's cell */
    HM_HEAP,         /* heap with no block map (runtime did not report one) */
    HM_FREE,         /* heap block free */
    HM_ALLOCATED,    /* heap block in an object (head or tail), not marked */
    HM_MARKED,       /* heap block marked in the current (unfinished) collection */
    HM_FREED,        /* freed by this collection: allocated in the map before and free
                      * now, or covered by an object the collector swept in this pause */
    HM_OBJECT_EDGE,  /* 1-px line at the left of an object's first cell (cells >= 4 px) */
    HM_TIMELINE,     /* the timeline strip's background */
    HM_TL_HEAP,      /* heap in use over time (filled graph) */
    HM_TL_PAUSE,     /* a pause */
    HM_TL_SELECTED,  /* the selected collection's pause and the scrubber line */
    HM_NCOLORS
} HeapMapColor;

/* 0xRRGGBB of a colour; its name for the legend ("allocated", ...). */
uint32_t heapmap_color(HeapMapColor c);
const char *heapmap_color_name(HeapMapColor c);

typedef struct HeapMapRect {
    int x, y, w, h; /* pixels */
} HeapMapRect;

/* The legend: its items in order, and the swatch rectangle of item i (false past the
 * last, or when the legend area is too small); the window writes the names beside. */
size_t heapmap_legend_count(void);
HeapMapColor heapmap_legend_item(size_t i);
struct HeapMapLayout;
bool heapmap_legend_swatch(const struct HeapMapLayout *l, size_t i, HeapMapRect *out);

typedef struct HeapMapLayout {
    /* In: the image and its areas (heapmap_layout_default fills them for a size). */
    int width, height;       /* pixels */
    HeapMapRect grid;        /* the SRAM grid's area */
    HeapMapRect timeline;    /* the timeline strip (w or h 0: none) */
    HeapMapRect legend;      /* the legend swatches (w or h 0: none) */
    /* Out: computed by heapmap_layout. */
    uint32_t first, end;     /* addresses shown: [first, end) */
    uint32_t cell_bytes;     /* bytes a cell covers */
    int cell_w, cell_h;      /* pixels: a cell's pitch (w <= 2 h) */
    int gap_px;              /* pixels of gap right/below each cell (0 or 1) */
    int cols, rows;
    uint32_t sram_hidden;    /* bytes of SRAM past `end` not drawn */
} HeapMapLayout;

/* Areas for an image of width x height: grid top left, legend at the right, the
 * timeline strip below (the window draws its text in the space they leave). */
void heapmap_layout_default(HeapMapLayout *l, int width, int height);

/* Fit the grid to the recording (its run facts and heap maps). -1 with *err when the
 * areas are unusable or the recording describes no memory at all. */
int heapmap_layout(HeapMapLayout *l, const Recording *r, char **err);

/* The pixel rectangle of the cell holding addr (its full pitch minus the gap); false
 * when addr is not in the shown range. */
bool heapmap_addr_rect(const HeapMapLayout *l, uint32_t addr, HeapMapRect *out);
/* Pixels: the width of the stack's high-water line (at the left of its cell). */
int heapmap_mark_width(const HeapMapLayout *l);
/* The first address of the cell under pixel (x, y); false outside every cell. */
bool heapmap_addr_at(const HeapMapLayout *l, int x, int y, uint32_t *addr);

/* Index into r->maps of the map shown for pause `pause`: the one captured after it,
 * else the latest captured before it; -1 when there is none. */
long heapmap_map_for(const Recording *r, size_t pause);

/* State of the heap block holding addr in map `map` (index into r->maps), with
 * freed-by-last detection (the map before it, and the frees by the collector recorded
 * during that map's pause): HM_FREE, HM_ALLOCATED,
 * HM_MARKED, HM_FREED; HM_HEAP when addr is not in that map or map < 0. */
HeapMapColor heapmap_block_state(const Recording *r, long map, uint32_t addr);

/* What the view shows besides the recording. */
typedef struct HeapMapView {
    long pause;              /* selected pause (index), -1 = none yet */
    uint32_t stack_low;      /* lowest SP seen; 0 = r->run.stack_low (live: pass the current) */
    uint64_t now;            /* cycles: right end of the timeline; 0 = end of the run */
} HeapMapView;

/* Draw everything into rgba (l->width * l->height * 4 bytes, R G B A order, rows top
 * first). l must have been fitted by heapmap_layout. */
void heapmap_render(const HeapMapLayout *l, const Recording *r, const HeapMapView *v, uint8_t *rgba);

/* Every cell of the grid in address order: its first address, colour (as
 * heapmap_cell_color), rectangle and whether an object starts in it. One pass over
 * the view's heap map: time linear in the number of cells and blocks. */
typedef void HeapMapCellFn(void *opaque, uint32_t addr, HeapMapColor col, HeapMapRect rc, bool head);
void heapmap_each_cell(const HeapMapLayout *l, const Recording *r, const HeapMapView *v, HeapMapCellFn *fn,
                       void *opaque);

/* The region colour the grid uses for addr (the cell's colour without edges or the
 * high-water line) under view v. Builds the view's map state for the one cell: for
 * many cells, heapmap_each_cell. */
HeapMapColor heapmap_cell_color(const HeapMapLayout *l, const Recording *r, const HeapMapView *v, uint32_t addr);

/* ---- text ---- */

/* "812 B", "12.3 KiB", "1.5 MiB". */
void heapmap_fmt_bytes(char *buf, size_t n, double bytes);
/* cycles of r as "850.0 us", "12.345 ms", "1.050 s" ("N cycles" when the clock is not
 * known). */
void heapmap_fmt_time(const Recording *r, char *buf, size_t n, uint64_t cycles);
/* The status line of view v: "collection 3 of 45 at 12.345 ms: pause 4.600 ms, heap
 * 30.1 KiB -> 8.3 KiB" (with " (no heap map)" when there is none for it), or "no
 * collection yet". */
void heapmap_status_text(const Recording *r, const HeapMapView *v, char *buf, size_t n);
/* The run: "gc-demo.elf on mps2-an385 (gcrt), 1.050 s simulated". */
void heapmap_run_text(const Recording *r, char *buf, size_t n);
/* Note i under the legend's swatches (0: the cell and row size, 1: the address range,
 * 2: the SRAM not shown, when some is not); false past the last. */
bool heapmap_legend_note(const HeapMapLayout *l, size_t i, char *buf, size_t n);

/* The text of an image made without a window (the PNG export), in the built-in bitmap
 * font (ui/bitfont.h), where the window writes its own (TrueType): the legend's names
 * beside the swatches and its notes below them, the status line under the timeline and
 * the run below it. At the largest integer scale (1 or 2) at which each group fits its
 * area. Deterministic. */
void heapmap_render_text(const HeapMapLayout *l, const Recording *r, const HeapMapView *v, uint8_t *rgba);

/* Timeline: x of time t (cycles) and the pause nearest to pixel x (-1 if none). */
int heapmap_timeline_x(const HeapMapLayout *l, const Recording *r, const HeapMapView *v, uint64_t t);
long heapmap_timeline_pause_at(const HeapMapLayout *l, const Recording *r, const HeapMapView *v, int x);

/* The allocation behind the heap block at addr in map `map` (the object holding it at
 * the end of that map's pause, or the one that collection freed): index into
 * r->allocs, -1 if none is known. */
long heapmap_alloc_at(const Recording *r, long map, uint32_t addr);

#endif
