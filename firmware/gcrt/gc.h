/* gc.h: gcrt, the reference firmware's garbage collector: stop-the-world mark-sweep over a
 * block heap (16-byte blocks, a 2-bit-per-block allocation table FREE/HEAD/TAIL/MARK),
 * conservative scanning of registers, stack and .data/.bss, an explicit mark stack with
 * overflow recovery. The hook points a profiler looks for are real, non-inlined
 * functions with stable names: gc_collect (one whole pause), gc_mark_phase,
 * gc_sweep_phase, gc_alloc, gc_free; the heap is described by the globals below.
 *
 * Built with GC_INCREMENTAL, marking is incremental instead: gc_incremental_start (a
 * short pause: the roots) when the threshold is passed, then gc_incremental_step (a
 * bounded pause) on every allocation until nothing is left to mark, then gc_collect
 * (the final pause: the roots again, the rest of the marking, the sweep). A Dijkstra
 * insertion write barrier keeps it correct: every store of a pointer into a heap object
 * goes through GC_WRITE, which shades the stored object; objects allocated while
 * marking are born marked. */
#ifndef GCRT_GC_H
#define GCRT_GC_H

#include <stddef.h>
#include <stdint.h>

#define GC_BLOCK_BYTES 16u
/* Allocation table: block i is 2 bits at byte i / 4, bits 2 * (i % 4) .. + 1. */
enum { GC_AT_FREE = 0, GC_AT_HEAD = 1, GC_AT_TAIL = 2, GC_AT_MARK = 3 };

typedef struct GcStats {
    uint32_t collections;          /* completed gc_collect calls */
    uint32_t bytes_allocated;      /* bytes (block-rounded) handed out since gc_init */
    uint32_t bytes_freed;          /* bytes (block-rounded) given back: sweeps + gc_free */
    uint32_t objects_allocated;
    uint32_t objects_freed;
    uint32_t used_bytes;           /* bytes in allocated blocks now */
    uint32_t peak_used_bytes;      /* high-water mark of used_bytes */
    uint32_t alloc_failures;       /* gc_alloc calls that returned NULL */
    uint32_t mark_stack_overflows; /* collections that had to rescan the heap */
    uint32_t last_pause_cycles;    /* cycles of the last gc_collect (firmware-measured) */
    uint32_t max_pause_cycles;     /* cycles */
    uint32_t total_pause_cycles;   /* cycles, all collections (wraps at 2^32) */
    uint32_t last_freed_bytes;     /* bytes freed by the last sweep */
    uint32_t steps;                /* incremental marking steps (GC_INCREMENTAL) */
    uint32_t max_step_cycles;      /* cycles of the longest step or start pause */
} GcStats;

/* The heap, readable from memory by a host (symbols; all in section .gcstate, which the
 * collector does not scan as roots). */
extern uintptr_t gc_heap_start;        /* first block (16-byte aligned) */
extern uintptr_t gc_heap_end;          /* one past the last block */
extern uint8_t *gc_alloc_table;        /* 2 bits per block */
extern uint32_t gc_alloc_table_bytes;  /* bytes */
extern uint32_t gc_block_count;        /* blocks */
extern uint32_t gc_threshold;          /* bytes allocated between automatic collections */
extern uint32_t gc_allocated_since;    /* bytes allocated since the last collection */
extern uint32_t gc_report_pauses;      /* 1: a "gc-pause" line per collection (semihosting) */
extern GcStats gc_stats;
extern uint32_t gc_phase;              /* GC_PHASE_IDLE, or GC_PHASE_MARK while marking */
extern uint32_t gc_step_bytes;         /* bytes scanned per incremental step (at least) */

enum { GC_PHASE_IDLE = 0, GC_PHASE_MARK = 1 };

/* Use [start, end) for the allocation table and the blocks. Collects automatically
 * when gc_threshold bytes have been allocated since the last collection (default:
 * half the heap) and whenever an allocation does not fit. */
void gc_init(void *start, void *end);

/* Zeroed memory for `size` bytes (at least one block), or NULL when even a
 * collection leaves no room. */
void *gc_alloc(size_t size);
/* Free an object now (ptr must be what gc_alloc returned; anything else is ignored). */
void gc_free(void *ptr);
/* One full stop-the-world collection: spill callee-saved registers, mark, sweep. */
void gc_collect(void);
/* The phases (called by gc_collect; named for profilers). gc_mark_phase scans the
 * statics and the stack from stack_low up to __StackTop. */
void gc_mark_phase(void *stack_low);
void gc_sweep_phase(void);

/* Incremental marking (GC_INCREMENTAL; harmless no-ops otherwise): start a cycle,
 * do one bounded step (returns 1 when marking has run out of work and gc_collect
 * should finish the cycle), and the write barrier behind GC_WRITE. */
void gc_incremental_start(void);
int gc_incremental_step(void);
void gc_write_barrier(const void *stored);
#ifdef GC_INCREMENTAL
#define GC_WRITE(lhs, rhs)                  \
    do {                                    \
        void *gc_w_ = (void *)(rhs);        \
        gc_write_barrier(gc_w_);            \
        (lhs) = gc_w_;                      \
    } while (0)
#else
#define GC_WRITE(lhs, rhs) ((lhs) = (rhs))
#endif

/* Print the pause reports queued by collections (semihosting SYS_WRITE0, outside the
 * pause; gc_alloc does it on its own). */
void gc_flush_reports(void);
/* Print gc_stats and the heap's shape on the semihosting channel. */
void gc_print_stats(void);
/* Heap shape: bytes in free blocks and the largest run of free blocks. */
uint32_t gc_free_bytes(void);
uint32_t gc_largest_free(void);

#endif
