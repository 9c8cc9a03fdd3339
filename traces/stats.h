/* stats.h: numbers over a Recording: pause statistics and percentiles, GC CPU
 * fraction, minimum mutator utilization, heap, SRAM and stack figures, interrupt
 * latency. Pure functions of the recording; no I/O. */
#ifndef BAREGC_TRACES_STATS_H
#define BAREGC_TRACES_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gc/record.h"

/* A time span [start, end) in cycles; arrays of them are sorted by start and do not
 * overlap. */
typedef struct StatsSpan {
    uint64_t start, end; /* cycles */
} StatsSpan;

/* The MMU curve: window lengths log-spaced from 10 us to 1 s in 1-2-5 steps
 * (10, 20, 50, 100 us ... 1 s); windows longer than the run are left out. */
#define STATS_MMU_PER_DECADE 3
#define STATS_MMU_MAX_POINTS (5 * STATS_MMU_PER_DECADE + 1)

typedef struct StatsMmuPoint {
    double window_us;  /* us */
    uint64_t window;   /* cycles */
    double mmu;        /* 0..1 */
} StatsMmuPoint;

/* Pause histogram: bucket 0 holds pauses shorter than 1 us, bucket k >= 1 those in
 * [2^(k-1), 2^k) us. */
#define STATS_HIST_BUCKETS 40

#define STATS_IRQ_HIST_BUCKETS 33

typedef struct StatsIrq {
    uint16_t irq;        /* exception number / mcause code */
    size_t count;
    uint64_t max;        /* cycles: longest pending -> entry latency */
    uint64_t p99;        /* cycles (nearest rank) */
    long worst_pause;    /* the pause that held back the slowest entry of this IRQ that
                          * a pause held back at all, -1 = none */
    uint64_t worst_pause_delay; /* cycles: that entry's latency */
    /* Latency histogram: bucket 0 holds 0 cycles, bucket k >= 1 [2^(k-1), 2^k) cycles. */
    uint64_t hist[STATS_IRQ_HIST_BUCKETS];
    size_t nhist;        /* buckets up to the last non-empty one */
} StatsIrq;

/* What a heap figure counts: bytes requested (the allocations' sizes), bytes the allocator
 * charged (RecRunInfo.alloc_unit: blocks, or the runtime's own count), or whatever the
 * firmware reports (the event channel, a profile's counters). */
typedef enum StatsBasis { STATS_BASIS_REQUESTED, STATS_BASIS_CHARGED, STATS_BASIS_REPORTED } StatsBasis;

typedef struct Stats {
    /* Pauses (incremental steps included); times in cycles. */
    size_t npauses;
    size_t nincremental;
    uint64_t pause_total, pause_min, pause_max; /* cycles */
    double pause_mean;                          /* cycles */
    uint64_t p50, p90, p99, p999;               /* cycles (nearest rank) */
    long longest_pause;                         /* index, -1 if none */
    double gc_cpu_fraction;                     /* pause_total / run.cycles; 0 if no time */

    /* MMU at 100 us, 1 ms, 10 ms, 100 ms; < 0 when the window is longer than the run
     * or the clock is unknown. */
    double mmu_100us, mmu_1ms, mmu_10ms, mmu_100ms;
    StatsMmuPoint curve[STATS_MMU_MAX_POINTS];
    size_t ncurve;

    uint64_t hist[STATS_HIST_BUCKETS];
    size_t nhist;               /* buckets up to the last non-empty one */

    /* Allocation. */
    uint64_t nallocs;           /* successful allocations */
    uint64_t alloc_bytes;       /* bytes requested by them */
    int64_t alloc_charged;      /* bytes the allocator charged for them; REC_UNKNOWN (n/a) */
    uint64_t nfrees_matched;    /* frees paired with an allocation */
    double alloc_rate;          /* bytes per simulated second; 0 if no time */

    int64_t peak_heap;          /* bytes; REC_UNKNOWN if nothing says */
    StatsBasis peak_basis;      /* what peak_heap counts */
    /* Stacks allocated in the heap (goroutines', threads': Recording.stack_allocs). */
    uint64_t nheap_stacks;      /* how many */
    uint64_t heap_stack_bytes;  /* bytes requested for them */
    int64_t heap_stack_peak;    /* bytes requested, the most live at once */
    double worst_frag;          /* 1 - largest_free/free, worst sample; < 0 if none */
    uint64_t worst_frag_time;   /* cycles */
    /* SRAM headroom: bytes of SRAM between the lowest SP and the highest static data,
     * code or heap below the stack's top (run.stack_floor, the heap when it lies
     * below the stack), wherever the stack sits: free SRAM neither grew into.
     * Negative only when they met. Stack headroom: lowest SP - the image's stack
     * limit. REC_UNKNOWN when not a figure, the matching *_why saying why (a lowest
     * SP outside SRAM is none, as after a fault of a wild SP: then the high-water
     * mark is REC_UNKNOWN too). */
    int64_t min_sram_headroom;  /* bytes */
    int64_t stack_headroom;     /* bytes */
    char sram_headroom_why[160];
    char stack_headroom_why[160];
    int64_t stack_high_water;   /* bytes: stack_top - stack_low; REC_UNKNOWN */

    StatsIrq *irqs;             /* one per IRQ number seen, ascending */
    size_t nirqs;
    uint64_t irq_max;           /* cycles over all IRQs */
    long irq_worst;             /* index into irqs of the IRQ with irq_max, -1 */
} Stats;

/* The name the architecture gives interrupt `irq` of r (RecIrq.irq, StatsIrq.irq),
 * from r->run.core: Cortex-M "SysTick", "PendSV", "SVCall", "HardFault" ..., and
 * "IRQ n" for NVIC external interrupt n (exception 16 + n); RISC-V mcause codes
 * "machine timer", "machine software", "machine external" ...; otherwise
 * "interrupt N". Returns buf. */
const char *stats_irq_name(const Recording *r, unsigned irq, char *buf, size_t n);
/* "requested", "charged", "reported" (for files); stats_basis_text: the same in prose
 * after a figure ("47.8 KB charged", "8 KB as reported"). */
const char *stats_basis_name(StatsBasis b);
const char *stats_basis_text(StatsBasis b);
/* What the run's heap figures (heap samples, pauses' heap before and after) count: charged
 * bytes when the runtime reported its heap and alloc_unit is known, what the firmware
 * reports when the unit is not, requested bytes (replayed) when nothing reported. */
StatsBasis stats_heap_basis(const Recording *r);
/* What the run's heap figures count, for a reader: "bytes the allocator charged (16-byte
 * blocks)", "bytes as the firmware reports them (...)", "bytes requested (...)". */
const char *stats_heap_basis_text(const Recording *r, char *buf, size_t n);
/* How the run's allocator charges, for a reader: "16-byte blocks", "the runtime's own
 * count" (alloc_unit 1), "n/a" (not known). Returns buf. */
const char *stats_charge_text(const RecRunInfo *ri, char *buf, size_t n);

/* Computes everything (O(n log n)); free with stats_free. */
void stats_compute(const Recording *r, Stats *s);
void stats_free(Stats *s);

/* Nearest-rank percentile of an ascending array: the smallest value v such that at
 * least p percent of the values are <= v, i.e. sorted[ceil(p/100 * n) - 1] (index
 * clamped to [0, n-1]); 0 for n == 0. */
uint64_t stats_percentile(const uint64_t *sorted, size_t n, double p);

/* The pauses of r as spans: clipped to [0, run.cycles] (an open pause ends at
 * run.cycles), overlaps merged. *n set; malloc'd (NULL when none). */
StatsSpan *stats_pause_spans(const Recording *r, size_t *n);

/* Minimum mutator utilization over windows of `window` cycles inside [0, total]:
 * 1 - max over window positions of the paused time in the window / window. Exact,
 * O(n) two-pointer sweep: a worst window starts at a pause start or at 0 or at
 * total - window. Returns -1 when window is 0 or longer than total. */
double stats_mmu(const StatsSpan *spans, size_t n, uint64_t total, uint64_t window);
/* The same by trying every integer window start (O(total * n)): for tests. */
double stats_mmu_brute(const StatsSpan *spans, size_t n, uint64_t total, uint64_t window);

/* Conversions at clock hz (hz 0 is taken as 1 MHz, so a cycle reads as 1 us). */
uint64_t stats_cycles_to_ns(uint64_t cycles, uint64_t hz);
double stats_cycles_to_us(uint64_t cycles, uint64_t hz);
uint64_t stats_us_to_cycles(double us, uint64_t hz);

#endif
