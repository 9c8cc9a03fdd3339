/* gc.c: gcrt's mark-sweep collector over a 16-byte block heap: stop-the-world, or
 * (GC_INCREMENTAL) with incremental marking behind a write barrier (see gc.h). */
#include <string.h>

#include "board.h"
#include "gc.h"
#include "semihost.h"

/* Collector state lives in .gcstate: zeroed at reset like .bss, but outside the root
 * range [__data_start, __bss_end), so the collector's own pointers (heap bounds, the
 * mark stack) never keep objects alive. */
#define GC_STATE __attribute__((section(".gcstate")))

#ifndef GC_MARK_STACK_SIZE
#define GC_MARK_STACK_SIZE 64 /* entries (block indices) */
#endif
#define GC_REPORT_QUEUE 8     /* pause reports waiting for gc_flush_reports */

GC_STATE uintptr_t gc_heap_start;
GC_STATE uintptr_t gc_heap_end;
GC_STATE uint8_t *gc_alloc_table;
GC_STATE uint32_t gc_alloc_table_bytes;
GC_STATE uint32_t gc_block_count;
GC_STATE uint32_t gc_threshold;
GC_STATE uint32_t gc_allocated_since;
GC_STATE uint32_t gc_report_pauses;
GC_STATE GcStats gc_stats;
GC_STATE uint32_t gc_phase;
GC_STATE uint32_t gc_step_bytes;

GC_STATE static uint32_t first_free;   /* no free block below this index */
GC_STATE static uint32_t alloc_cursor; /* next-fit: where the last allocation ended */
GC_STATE static uint32_t mark_stack[GC_MARK_STACK_SIZE];
GC_STATE static uint32_t mark_sp;
GC_STATE static uint32_t mark_overflow;

GC_STATE static uint32_t cycle_steps;  /* incremental steps in the current cycle */

typedef struct PauseReport {
    uint32_t number;   /* collection number, from 1 */
    uint32_t cycles;   /* cycles */
    uint32_t freed;    /* bytes */
    uint32_t steps;    /* incremental steps before this final pause */
} PauseReport;
GC_STATE static PauseReport reports[GC_REPORT_QUEUE];
GC_STATE static uint32_t nreports;
GC_STATE static uint32_t reports_dropped;

extern uint32_t __data_start[], __bss_end[], __StackTop[];

/* ---- allocation table ---- */

static inline uint32_t at_get(uint32_t blk)
{
    return (gc_alloc_table[blk >> 2] >> ((blk & 3u) * 2)) & 3u;
}

static inline void at_set(uint32_t blk, uint32_t st)
{
    uint8_t *p = &gc_alloc_table[blk >> 2];
    uint32_t shift = (blk & 3u) * 2;
    *p = (uint8_t)((*p & ~(3u << shift)) | (st << shift));
}

static inline uintptr_t blk_addr(uint32_t blk)
{
    return gc_heap_start + (uintptr_t)blk * GC_BLOCK_BYTES;
}

/* Blocks in the object whose head is `blk`. */
static uint32_t obj_blocks(uint32_t blk)
{
    uint32_t n = 1;
    while (blk + n < gc_block_count && at_get(blk + n) == GC_AT_TAIL)
        n++;
    return n;
}

void gc_init(void *start, void *end)
{
    uintptr_t s = ((uintptr_t)start + 3u) & ~(uintptr_t)3u;
    uintptr_t e = (uintptr_t)end & ~(uintptr_t)(GC_BLOCK_BYTES - 1);
    uint32_t total = e > s ? (uint32_t)(e - s) : 0;
    /* Each block costs 16 bytes plus a quarter byte of table. */
    uint32_t n = total * 4u / (GC_BLOCK_BYTES * 4u + 1u);

    for (;;) {
        uint32_t tbytes = (n + 3u) / 4u;
        uintptr_t pool = (s + tbytes + GC_BLOCK_BYTES - 1) & ~(uintptr_t)(GC_BLOCK_BYTES - 1);
        if (n == 0 || pool + (uintptr_t)n * GC_BLOCK_BYTES <= e) {
            gc_alloc_table = (uint8_t *)s;
            gc_alloc_table_bytes = tbytes;
            gc_heap_start = pool;
            gc_heap_end = pool + (uintptr_t)n * GC_BLOCK_BYTES;
            gc_block_count = n;
            break;
        }
        n--;
    }
    memset(gc_alloc_table, 0, gc_alloc_table_bytes);
    memset(&gc_stats, 0, sizeof gc_stats);
    gc_threshold = gc_block_count * GC_BLOCK_BYTES / 2;
    gc_allocated_since = 0;
    gc_phase = GC_PHASE_IDLE;
    gc_step_bytes = 256;
    cycle_steps = 0;
    mark_sp = 0;
    mark_overflow = 0;
    first_free = 0;
    alloc_cursor = 0;
    nreports = 0;
    reports_dropped = 0;
}

/* ---- allocation ---- */

/* The head index of the first run of `n` free blocks in [from, to), or -1. */
static int32_t find_run(uint32_t from, uint32_t to, uint32_t n)
{
    uint32_t run = 0;
    uint32_t blk = from;

    while (blk < to) {
        /* At a table byte boundary, look at four blocks at once. */
        if ((blk & 3u) == 0 && blk + 4 <= to) {
            uint8_t b = gc_alloc_table[blk >> 2];
            if (b == 0) {                       /* four free blocks */
                run += 4;
                blk += 4;
                if (run >= n)
                    return (int32_t)(blk - run);
                continue;
            }
            if ((b & 0x03) && (b & 0x0C) && (b & 0x30) && (b & 0xC0)) {
                run = 0;                        /* four allocated blocks */
                blk += 4;
                continue;
            }
        }
        if (at_get(blk) == GC_AT_FREE) {
            if (++run == n)
                return (int32_t)(blk + 1 - n);
        } else {
            run = 0;
        }
        blk++;
    }
    return -1;
}

/* Next fit: from where the last allocation ended to the end of the heap, then from
 * the lowest free block up to there. */
static int32_t find_free(uint32_t n)
{
    int32_t head = find_run(alloc_cursor, gc_block_count, n);
    uint32_t to;

    if (head < 0 && first_free < alloc_cursor) {
        to = alloc_cursor + n - 1 < gc_block_count ? alloc_cursor + n - 1 : gc_block_count;
        head = find_run(first_free, to, n);
    }
    return head;
}

/* Zero whole blocks with word stores (no call into the C library). */
__attribute__((optimize("no-tree-loop-distribute-patterns")))
static void zero_blocks(void *p, uint32_t n)
{
    uint32_t *w = p;

    for (uint32_t i = 0; i < n; i++, w += 4) {
        w[0] = 0;
        w[1] = 0;
        w[2] = 0;
        w[3] = 0;
    }
}

__attribute__((noinline)) void *gc_alloc(size_t size)
{
    uint32_t n;
    int32_t head;
    int collected = 0;
    void *p;

    if (size > (size_t)gc_block_count * GC_BLOCK_BYTES || gc_block_count == 0) {
        gc_stats.alloc_failures++;
        return NULL;
    }
    n = size == 0 ? 1u : (uint32_t)((size + GC_BLOCK_BYTES - 1) / GC_BLOCK_BYTES);
#ifdef GC_INCREMENTAL
    if (gc_phase == GC_PHASE_MARK) {
        if (gc_incremental_step()) {    /* nothing left to mark: finish the cycle */
            gc_collect();
            collected = 1;
        }
    } else if (gc_allocated_since >= gc_threshold) {
        gc_incremental_start();
    }
#else
    if (gc_allocated_since >= gc_threshold) {
        gc_collect();
        collected = 1;
    }
#endif
    head = find_free(n);
    if (head < 0 && !collected) {
        gc_collect();
        collected = 1;
        head = find_free(n);
    }
    if (collected)
        gc_flush_reports();
    if (head < 0) {
        gc_stats.alloc_failures++;
        return NULL;
    }

    /* Born marked while a marking cycle runs: it holds nothing yet, and whatever is
     * stored into it later passes the write barrier. */
    at_set((uint32_t)head, gc_phase == GC_PHASE_MARK ? GC_AT_MARK : GC_AT_HEAD);
    for (uint32_t i = 1; i < n; i++)
        at_set((uint32_t)head + i, GC_AT_TAIL);
    if ((uint32_t)head == first_free)
        first_free = (uint32_t)head + n;
    alloc_cursor = (uint32_t)head + n;

    gc_stats.objects_allocated++;
    gc_stats.bytes_allocated += n * GC_BLOCK_BYTES;
    gc_stats.used_bytes += n * GC_BLOCK_BYTES;
    if (gc_stats.used_bytes > gc_stats.peak_used_bytes)
        gc_stats.peak_used_bytes = gc_stats.used_bytes;
    gc_allocated_since += n * GC_BLOCK_BYTES;

    p = (void *)blk_addr((uint32_t)head);
    zero_blocks(p, n);
    return p;
}

__attribute__((noinline)) void gc_free(void *ptr)
{
    uintptr_t a = (uintptr_t)ptr;
    uint32_t blk, n;

    if (a < gc_heap_start || a >= gc_heap_end || (a - gc_heap_start) % GC_BLOCK_BYTES)
        return;
    blk = (uint32_t)((a - gc_heap_start) / GC_BLOCK_BYTES);
    if (at_get(blk) != GC_AT_HEAD && at_get(blk) != GC_AT_MARK)
        return;
    n = obj_blocks(blk);
    for (uint32_t i = 0; i < n; i++)
        at_set(blk + i, GC_AT_FREE);
    if (blk < first_free)
        first_free = blk;
    if (blk + n == alloc_cursor)
        alloc_cursor = blk;             /* undo the most recent allocation */
    gc_stats.objects_freed++;
    gc_stats.bytes_freed += n * GC_BLOCK_BYTES;
    gc_stats.used_bytes -= n * GC_BLOCK_BYTES;
}

/* ---- marking ---- */

/* If `w` points into an allocated object (anywhere inside it), mark the object and
 * queue it for scanning. */
static inline void mark_word(uintptr_t w)
{
    uint32_t blk, st;

    if (w - gc_heap_start >= gc_heap_end - gc_heap_start)
        return;
    blk = (uint32_t)((w - gc_heap_start) / GC_BLOCK_BYTES);
    st = at_get(blk);
    if (st == GC_AT_FREE || st == GC_AT_MARK)
        return;
    while (st == GC_AT_TAIL && blk > 0) { /* an interior pointer: find the head */
        blk--;
        st = at_get(blk);
    }
    if (st != GC_AT_HEAD)
        return;
    at_set(blk, GC_AT_MARK);
    if (mark_sp < GC_MARK_STACK_SIZE)
        mark_stack[mark_sp++] = blk;
    else
        mark_overflow = 1;              /* marked but not scanned: found again later */
}

static void scan_range(const uintptr_t *lo, const uintptr_t *hi)
{
    for (const uintptr_t *p = lo; p < hi; p++)
        mark_word(*p);
}

static void scan_object(uint32_t blk)
{
    uint32_t n = obj_blocks(blk);
    const uintptr_t *p = (const uintptr_t *)blk_addr(blk);

    scan_range(p, p + n * (GC_BLOCK_BYTES / sizeof(uintptr_t)));
}

static void drain(void)
{
    while (mark_sp > 0)
        scan_object(mark_stack[--mark_sp]);
}

__attribute__((noinline)) void gc_mark_phase(void *stack_low)
{
    uintptr_t lo = (uintptr_t)stack_low & ~(uintptr_t)3u;

    if (gc_phase != GC_PHASE_MARK) {    /* else: finishing an incremental cycle */
        mark_sp = 0;
        mark_overflow = 0;
    }
    scan_range((const uintptr_t *)__data_start, (const uintptr_t *)__bss_end);
    drain();
    scan_range((const uintptr_t *)lo, (const uintptr_t *)__StackTop);
    drain();
    if (mark_overflow)
        gc_stats.mark_stack_overflows++;
    /* Objects marked while the mark stack was full were not scanned: rescan every
     * marked object until no overflow happens (scanning again is harmless). */
    while (mark_overflow) {
        mark_overflow = 0;
        for (uint32_t blk = 0; blk < gc_block_count; blk++) {
            if (at_get(blk) == GC_AT_MARK) {
                scan_object(blk);
                drain();
            }
        }
    }
}

/* ---- sweeping ---- */

__attribute__((noinline)) void gc_sweep_phase(void)
{
    uint32_t freed_bytes = 0, freed_objs = 0, used = 0;
    uint32_t lowest_free = gc_block_count;
    int freeing = 0;

    for (uint32_t i = 0; i < gc_alloc_table_bytes; i++) {
        uint8_t b = gc_alloc_table[i];
        uint8_t nb = 0;

        /* Fast paths for the commonest bytes in a heap of small objects. */
        if (b == 0) {                      /* four free blocks */
            freeing = 0;
            if (lowest_free == gc_block_count)
                lowest_free = i * 4;
            continue;
        }
        if (b == 0xFF && i * 4 + 4 <= gc_block_count) { /* four reached one-block objects */
            gc_alloc_table[i] = 0x55;
            freeing = 0;
            used += 4 * GC_BLOCK_BYTES;
            continue;
        }
        if (b == 0x55 && i * 4 + 4 <= gc_block_count) { /* four unreached one-block objects */
            gc_alloc_table[i] = 0;
            freeing = 1;
            freed_objs += 4;
            freed_bytes += 4 * GC_BLOCK_BYTES;
            if (lowest_free == gc_block_count)
                lowest_free = i * 4;
            continue;
        }
        if (b == 0xAA) {                   /* four tail blocks */
            if (freeing) {
                gc_alloc_table[i] = 0;
                freed_bytes += 4 * GC_BLOCK_BYTES;
                if (lowest_free == gc_block_count)
                    lowest_free = i * 4;
            } else {
                used += 4 * GC_BLOCK_BYTES;
            }
            continue;
        }
        for (uint32_t j = 0; j < 4; j++) {
            uint32_t st = (b >> (2 * j)) & 3u;
            uint32_t blk = i * 4 + j;

            if (blk >= gc_block_count)
                break;
            switch (st) {
            case GC_AT_HEAD:               /* unreached: free it and its tail */
                st = GC_AT_FREE;
                freeing = 1;
                freed_objs++;
                freed_bytes += GC_BLOCK_BYTES;
                break;
            case GC_AT_TAIL:
                if (freeing) {
                    st = GC_AT_FREE;
                    freed_bytes += GC_BLOCK_BYTES;
                } else {
                    used += GC_BLOCK_BYTES;
                }
                break;
            case GC_AT_MARK:               /* reached: keep, unmark */
                st = GC_AT_HEAD;
                freeing = 0;
                used += GC_BLOCK_BYTES;
                break;
            default:
                freeing = 0;
                break;
            }
            if (st == GC_AT_FREE && lowest_free == gc_block_count)
                lowest_free = blk;
            nb |= (uint8_t)(st << (2 * j));
        }
        gc_alloc_table[i] = nb;
    }
    first_free = lowest_free;
    alloc_cursor = lowest_free;
    gc_stats.objects_freed += freed_objs;
    gc_stats.bytes_freed += freed_bytes;
    gc_stats.used_bytes = used;
    gc_stats.last_freed_bytes = freed_bytes;
}

/* ---- the pauses ---- */

/* Spill the callee-saved registers into `regs` (an array on the caller's frame, so
 * inside the scanned stack range): the mutator may hold its only pointer to an object
 * in one of them. */
#if defined(__arm__)
#define SPILL_REGS(regs)                                                                  \
    __asm volatile("str r4, [%0, #0]\n\t"                                                  \
                   "str r5, [%0, #4]\n\t"                                                  \
                   "str r6, [%0, #8]\n\t"                                                  \
                   "str r7, [%0, #12]\n\t"                                                 \
                   "mov r3, r8\n\t"                                                        \
                   "str r3, [%0, #16]\n\t"                                                 \
                   "mov r3, r9\n\t"                                                        \
                   "str r3, [%0, #20]\n\t"                                                 \
                   "mov r3, r10\n\t"                                                       \
                   "str r3, [%0, #24]\n\t"                                                 \
                   "mov r3, r11\n\t"                                                       \
                   "str r3, [%0, #28]\n\t"                                                 \
                   :                                                                      \
                   : "l"(regs)                                                            \
                   : "r3", "memory")
#elif defined(__riscv)
#define SPILL_REGS(regs)                                                                  \
    __asm volatile("sw s0, 0(%0)\n\t"                                                      \
                   "sw s1, 4(%0)\n\t"                                                      \
                   "sw s2, 8(%0)\n\t"                                                      \
                   "sw s3, 12(%0)\n\t"                                                     \
                   "sw s4, 16(%0)\n\t"                                                     \
                   "sw s5, 20(%0)\n\t"                                                     \
                   "sw s6, 24(%0)\n\t"                                                     \
                   "sw s7, 28(%0)\n\t"                                                     \
                   "sw s8, 32(%0)\n\t"                                                     \
                   "sw s9, 36(%0)\n\t"                                                     \
                   "sw s10, 40(%0)\n\t"                                                    \
                   "sw s11, 44(%0)\n\t"                                                    \
                   :                                                                      \
                   : "r"(regs)                                                            \
                   : "memory")
#else
#error "unsupported architecture"
#endif

__attribute__((noinline)) void gc_collect(void)
{
#ifdef GC_ATOMIC
    board_irq_disable(); /* a collector that may not be interrupted: IRQs wait for it */
#endif
    uint32_t t0 = board_cycles();
    uintptr_t regs[12];
    uint32_t cycles;

    SPILL_REGS(regs);
    gc_mark_phase(regs);
    gc_sweep_phase();
    gc_phase = GC_PHASE_IDLE;
    gc_allocated_since = 0;
    gc_stats.collections++;

    cycles = board_cycles() - t0;
    gc_stats.last_pause_cycles = cycles;
    if (cycles > gc_stats.max_pause_cycles)
        gc_stats.max_pause_cycles = cycles;
    gc_stats.total_pause_cycles += cycles;
    if (nreports < GC_REPORT_QUEUE) {
        reports[nreports].number = gc_stats.collections;
        reports[nreports].cycles = cycles;
        reports[nreports].freed = gc_stats.last_freed_bytes;
        reports[nreports].steps = cycle_steps;
        nreports++;
    } else {
        reports_dropped++;
    }
    cycle_steps = 0;
#ifdef GC_ATOMIC
    board_irq_enable();
#endif
}

#ifdef GC_INCREMENTAL
static void step_done(uint32_t t0)
{
    uint32_t cycles = board_cycles() - t0;

    gc_stats.steps++;
    cycle_steps++;
    gc_stats.total_pause_cycles += cycles;
    if (cycles > gc_stats.max_step_cycles)
        gc_stats.max_step_cycles = cycles;
}
#endif

/* Incremental cycle start: shade what the roots reach (no scanning yet). */
__attribute__((noinline)) void gc_incremental_start(void)
{
#ifdef GC_INCREMENTAL
    uint32_t t0 = board_cycles();
    uintptr_t regs[12];

    if (gc_phase == GC_PHASE_MARK)
        return;
    SPILL_REGS(regs);
    mark_sp = 0;
    mark_overflow = 0;
    cycle_steps = 0;
    gc_phase = GC_PHASE_MARK;
    scan_range((const uintptr_t *)__data_start, (const uintptr_t *)__bss_end);
    scan_range((const uintptr_t *)regs, (const uintptr_t *)__StackTop);
    step_done(t0);
#endif
}

/* One bounded piece of marking: at least gc_step_bytes of objects scanned, or all
 * that is queued. */
__attribute__((noinline)) int gc_incremental_step(void)
{
#ifdef GC_INCREMENTAL
    uint32_t t0, scanned = 0;

    if (gc_phase != GC_PHASE_MARK)
        return 0;
    t0 = board_cycles();
    while (mark_sp > 0 && scanned < gc_step_bytes) {
        uint32_t blk = mark_stack[--mark_sp];
        scanned += obj_blocks(blk) * GC_BLOCK_BYTES;
        scan_object(blk);
    }
    step_done(t0);
    return mark_sp == 0;
#else
    return 0;
#endif
}

/* Dijkstra's insertion barrier: while marking, a pointer stored into the heap shades
 * its target, so a marked object never points to an unmarked one unseen. */
__attribute__((noinline)) void gc_write_barrier(const void *stored)
{
    if (gc_phase == GC_PHASE_MARK)
        mark_word((uintptr_t)stored);
}

/* ---- reporting (semihosting side channel, never inside a pause) ---- */

void gc_flush_reports(void)
{
    if (gc_report_pauses) {
        for (uint32_t i = 0; i < nreports; i++)
#ifdef GC_INCREMENTAL
            sh_printf("gc-pause %lu cycles %lu freed %lu steps %lu\n",
                      (unsigned long)reports[i].number, (unsigned long)reports[i].cycles,
                      (unsigned long)reports[i].freed, (unsigned long)reports[i].steps);
#else
            sh_printf("gc-pause %lu cycles %lu freed %lu\n", (unsigned long)reports[i].number,
                      (unsigned long)reports[i].cycles, (unsigned long)reports[i].freed);
#endif
        if (reports_dropped)
            sh_printf("gc-pause reports dropped %lu\n", (unsigned long)reports_dropped);
    }
    nreports = 0;
    reports_dropped = 0;
}

uint32_t gc_free_bytes(void)
{
    uint32_t n = 0;

    for (uint32_t blk = 0; blk < gc_block_count; blk++)
        if (at_get(blk) == GC_AT_FREE)
            n++;
    return n * GC_BLOCK_BYTES;
}

uint32_t gc_largest_free(void)
{
    uint32_t best = 0, run = 0;

    for (uint32_t blk = 0; blk < gc_block_count; blk++) {
        if (at_get(blk) == GC_AT_FREE) {
            if (++run > best)
                best = run;
        } else {
            run = 0;
        }
    }
    return best * GC_BLOCK_BYTES;
}

void gc_print_stats(void)
{
    gc_flush_reports();
    sh_printf("gc-stats collections %lu allocated %lu freed %lu objects %lu objects-freed %lu\n",
              (unsigned long)gc_stats.collections, (unsigned long)gc_stats.bytes_allocated,
              (unsigned long)gc_stats.bytes_freed, (unsigned long)gc_stats.objects_allocated,
              (unsigned long)gc_stats.objects_freed);
    sh_printf("gc-stats used %lu peak %lu failures %lu mark-overflows %lu\n",
              (unsigned long)gc_stats.used_bytes, (unsigned long)gc_stats.peak_used_bytes,
              (unsigned long)gc_stats.alloc_failures,
              (unsigned long)gc_stats.mark_stack_overflows);
    sh_printf("gc-stats pause-max %lu pause-total %lu cycles\n",
              (unsigned long)gc_stats.max_pause_cycles,
              (unsigned long)gc_stats.total_pause_cycles);
#ifdef GC_INCREMENTAL
    sh_printf("gc-stats incremental steps %lu step-max %lu cycles\n",
              (unsigned long)gc_stats.steps, (unsigned long)gc_stats.max_step_cycles);
#endif
    sh_printf("gc-heap blocks %lu block-bytes %lu free %lu largest-free %lu\n",
              (unsigned long)gc_block_count, (unsigned long)GC_BLOCK_BYTES,
              (unsigned long)gc_free_bytes(), (unsigned long)gc_largest_free());
}
