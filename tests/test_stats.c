/* test_stats.c: the statistics: exact MMU against brute force on seeded random pause
 * sets, nearest-rank percentiles against a sort, edge cases (no pause, one pause, a
 * pause at the end, an open pause), heap/SRAM/stack figures, interrupt latency. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gc/record.h"
#include "base/util.h"
#include "tests/cunit_main.h"
#include "traces/stats.h"
#include "traces/traces.h"

static uint64_t rng_state;
static uint32_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

#define NEAR(a, b) (fabs((a) - (b)) < 1e-12)

static void test_mmu_hand(void)
{
    /* run 0..100, pauses [10,20) and [30,50) */
    StatsSpan s[] = {{10, 20}, {30, 50}};
    CU_ASSERT(NEAR(stats_mmu(s, 2, 100, 20), 0.0));          /* inside [30,50) */
    CU_ASSERT(NEAR(stats_mmu(s, 2, 100, 40), 1.0 - 30.0 / 40)); /* [10,50) */
    CU_ASSERT(NEAR(stats_mmu(s, 2, 100, 100), 0.7));
    CU_ASSERT(NEAR(stats_mmu(s, 2, 100, 10), 0.0));
    CU_ASSERT(NEAR(stats_mmu(s, 2, 100, 25), 1.0 - 20.0 / 25));
    CU_ASSERT(stats_mmu(s, 2, 100, 101) < 0); /* longer than the run */
    CU_ASSERT(stats_mmu(s, 2, 100, 0) < 0);
    /* no pause: utilization 1 */
    CU_ASSERT(NEAR(stats_mmu(NULL, 0, 100, 10), 1.0));
    /* a pause at the very end, longer than the window */
    StatsSpan e[] = {{90, 100}};
    CU_ASSERT(NEAR(stats_mmu(e, 1, 100, 5), 0.0));
    CU_ASSERT(NEAR(stats_mmu(e, 1, 100, 20), 0.5));
    /* a pause at the very start */
    StatsSpan b[] = {{0, 3}};
    CU_ASSERT(NEAR(stats_mmu(b, 1, 100, 6), 0.5));
}

static void test_mmu_random_vs_brute(void)
{
    rng_state = 0xdeadbeefcafef00dull;
    for (int iter = 0; iter < 400; iter++) {
        uint64_t total = 50 + rng() % 400;
        StatsSpan sp[40];
        size_t n = 0;
        uint64_t t = rng() % 20;
        size_t want = rng() % 40;
        while (n < want && t < total) {
            uint64_t len = 1 + rng() % (iter % 2 ? 30 : 5);
            uint64_t end = t + len > total ? total : t + len;
            sp[n++] = (StatsSpan){t, end};
            t = end + 1 + rng() % (iter % 3 ? 40 : 3);
        }
        for (int k = 0; k < 12; k++) {
            uint64_t w = 1 + rng() % total;
            double fast = stats_mmu(sp, n, total, w), slow = stats_mmu_brute(sp, n, total, w);
            if (!NEAR(fast, slow)) {
                fprintf(stderr, "iter %d total %llu n %zu w %llu: %.12f vs %.12f\n", iter,
                        (unsigned long long)total, n, (unsigned long long)w, fast, slow);
                CU_FAIL_FATAL("MMU mismatch");
            }
        }
    }
    CU_PASS("all random MMU cases agree");
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void test_percentile(void)
{
    uint64_t one[] = {42};
    CU_ASSERT_EQUAL(stats_percentile(one, 1, 50), 42);
    CU_ASSERT_EQUAL(stats_percentile(one, 1, 99.9), 42);
    CU_ASSERT_EQUAL(stats_percentile(NULL, 0, 50), 0);
    uint64_t ten[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    CU_ASSERT_EQUAL(stats_percentile(ten, 10, 50), 5);  /* ceil(5) = 5th */
    CU_ASSERT_EQUAL(stats_percentile(ten, 10, 90), 9);
    CU_ASSERT_EQUAL(stats_percentile(ten, 10, 91), 10);
    CU_ASSERT_EQUAL(stats_percentile(ten, 10, 99), 10);
    CU_ASSERT_EQUAL(stats_percentile(ten, 10, 0), 1);

    /* a recording's p50..p99.9 against sorting the durations here */
    rng_state = 99;
    Recording *r = rec_new();
    enum { N = 5000 };
    uint64_t *d = xmalloc(N * sizeof *d);
    uint64_t t = 0;
    for (int i = 0; i < N; i++) {
        d[i] = 1 + rng() % 100000;
        t += 1 + rng() % 1000;
        rec_pause_begin(r, t, REC_TRIGGER_ALLOC, 0, false);
        t += d[i];
        rec_pause_end(r, t);
    }
    r->run.cycles = t + 10;
    r->run.clock_hz = 1000000;
    qsort(d, N, sizeof *d, cmp_u64);
    Stats s;
    stats_compute(r, &s);
    CU_ASSERT_EQUAL(s.npauses, N);
    CU_ASSERT_EQUAL(s.p50, d[N / 2 - 1]);       /* rank ceil(2500) = 2500 */
    CU_ASSERT_EQUAL(s.p90, d[4500 - 1]);
    CU_ASSERT_EQUAL(s.p99, d[4950 - 1]);
    CU_ASSERT_EQUAL(s.p999, d[4995 - 1]);
    CU_ASSERT_EQUAL(s.pause_min, d[0]);
    CU_ASSERT_EQUAL(s.pause_max, d[N - 1]);
    uint64_t sum = 0;
    for (int i = 0; i < N; i++)
        sum += d[i];
    CU_ASSERT_EQUAL(s.pause_total, sum);
    CU_ASSERT(NEAR(s.gc_cpu_fraction, (double)sum / (double)(t + 10)));
    /* the 1 ms MMU equals the direct computation on the spans */
    size_t n;
    StatsSpan *sp = stats_pause_spans(r, &n);
    CU_ASSERT_EQUAL(n, N);
    CU_ASSERT(NEAR(s.mmu_1ms, stats_mmu(sp, n, t + 10, 1000)));
    /* histogram buckets add up */
    uint64_t hsum = 0;
    for (size_t i = 0; i < s.nhist; i++)
        hsum += s.hist[i];
    CU_ASSERT_EQUAL(hsum, N);
    free(sp);
    stats_free(&s);
    free(d);
    rec_free(r);
}

static void test_no_pauses(void)
{
    Recording *r = rec_new();
    r->run.clock_hz = 25000000;
    r->run.cycles = 25000000; /* 1 s */
    Stats s;
    stats_compute(r, &s);
    CU_ASSERT_EQUAL(s.npauses, 0);
    CU_ASSERT_EQUAL(s.longest_pause, -1);
    CU_ASSERT(NEAR(s.gc_cpu_fraction, 0));
    CU_ASSERT(NEAR(s.mmu_1ms, 1.0));
    CU_ASSERT_EQUAL(s.ncurve, 16); /* 10 us .. 1 s in 1-2-5 steps */
    CU_ASSERT(NEAR(s.curve[0].window_us, 10));
    CU_ASSERT(NEAR(s.curve[15].window_us, 1000000));
    CU_ASSERT_EQUAL(s.curve[15].window, 25000000);
    CU_ASSERT_EQUAL(s.peak_heap, REC_UNKNOWN);
    CU_ASSERT(s.worst_frag < 0);
    CU_ASSERT_EQUAL(s.min_sram_headroom, REC_UNKNOWN);
    CU_ASSERT_EQUAL(s.nirqs, 0);
    CU_ASSERT_EQUAL(s.irq_worst, -1);
    stats_free(&s);

    /* an empty recording with no time at all */
    Recording *z = rec_new();
    stats_compute(z, &s);
    CU_ASSERT_EQUAL(s.ncurve, 0);
    CU_ASSERT(s.mmu_100us < 0);
    stats_free(&s);
    rec_free(z);
    rec_free(r);
}

static void test_one_pause_and_end(void)
{
    Recording *r = rec_new();
    r->run.clock_hz = 1000000; /* 1 cycle = 1 us */
    r->run.cycles = 1000;
    rec_pause_begin(r, 900, REC_TRIGGER_EXPLICIT, 0, false);
    rec_pause_end(r, 1000); /* ends with the run */
    Stats s;
    stats_compute(r, &s);
    CU_ASSERT_EQUAL(s.npauses, 1);
    CU_ASSERT_EQUAL(s.p50, 100);
    CU_ASSERT_EQUAL(s.p999, 100);
    CU_ASSERT_EQUAL(s.pause_min, 100);
    CU_ASSERT(NEAR(s.pause_mean, 100));
    CU_ASSERT(NEAR(s.gc_cpu_fraction, 0.1));
    CU_ASSERT(NEAR(s.mmu_100us, 0.0));
    CU_ASSERT(s.mmu_10ms < 0);
    CU_ASSERT_EQUAL(s.hist[7], 1); /* 100 us in [64, 128) */
    CU_ASSERT_EQUAL(s.nhist, 8);
    /* curve: 10 .. 1000 us fit; 200 us has utilization 0.5 */
    CU_ASSERT_EQUAL(s.ncurve, 7);
    CU_ASSERT(NEAR(s.curve[4].window_us, 200));
    CU_ASSERT(NEAR(s.curve[4].mmu, 0.5));
    stats_free(&s);

    /* the run ended inside a pause: it counts up to the end of the run */
    rec_pause_begin(r, 1000, REC_TRIGGER_ALLOC, 0, false);
    r->run.cycles = 1100;
    stats_compute(r, &s);
    CU_ASSERT_EQUAL(s.npauses, 2);
    CU_ASSERT_EQUAL(s.pause_total, 200);
    CU_ASSERT(NEAR(s.mmu_100us, 0.0));
    CU_ASSERT(NEAR(stats_mmu(NULL, 0, 10, 10), 1.0));
    size_t n;
    StatsSpan *sp = stats_pause_spans(r, &n);
    CU_ASSERT_EQUAL(n, 1); /* touching: merged */
    CU_ASSERT_EQUAL(sp[0].start, 900);
    CU_ASSERT_EQUAL(sp[0].end, 1100);
    free(sp);
    stats_free(&s);
    rec_free(r);
}

static void test_peak_from_records(void)
{
    /* No heap samples with a known use: the peak of the live bytes the records give. */
    Recording *r = rec_new();
    r->run.clock_hz = 1000000;
    r->run.cycles = 1000;
    rec_alloc(r, 10, 0x100, 100, 0);
    rec_alloc(r, 20, 0x200, 200, 0);
    rec_free_block(r, 30, 0x100, false);
    rec_alloc(r, 40, 0x300, 50, 0);
    rec_heap_sample(r, 50, REC_UNKNOWN, REC_UNKNOWN, REC_UNKNOWN, false);
    Stats s;
    stats_compute(r, &s);
    CU_ASSERT_EQUAL(s.peak_heap, 300);
    stats_free(&s);
    rec_free(r);
}

static void test_heap_memory(void)
{
    Recording *r = rec_new();
    r->run.clock_hz = 1000000;
    r->run.cycles = 2000000; /* 2 s */
    rec_alloc(r, 10, 0x100, 100, 0);
    rec_alloc(r, 20, 0x200, 200, 0);
    rec_free_block(r, 30, 0x100, false);
    rec_alloc(r, 30, 0x300, 50, 0); /* same time as the free: the free first */
    rec_alloc(r, 40, 0, 500, 0);    /* failed: not counted */
    rec_heap_sample(r, 50, 250, 750, 300, false); /* frag 0.6 */
    rec_heap_sample(r, 60, 250, 0, 0, false);     /* free 0: skipped */
    rec_heap_sample(r, 70, 280, 720, 500, true);
    Stats s;
    stats_compute(r, &s);
    /* The runtime reports heap use (the samples): that wins over the alloc/free
     * records, which miss what a collector sweeps silently. */
    CU_ASSERT_EQUAL(s.peak_heap, 280);
    CU_ASSERT(NEAR(s.worst_frag, 0.6));
    CU_ASSERT_EQUAL(s.worst_frag_time, 50);
    CU_ASSERT_EQUAL(s.nallocs, 3);
    CU_ASSERT_EQUAL(s.alloc_bytes, 350);
    CU_ASSERT(NEAR(s.alloc_rate, 175.0));
    CU_ASSERT_EQUAL(s.nfrees_matched, 1);
    stats_free(&s);

    /* a sample above the replayed live bytes wins */
    rec_heap_sample(r, 80, 4000, 100, 100, false);
    r->run.sram_base = 0x20000000;
    r->run.sram_size = 0x10000;
    r->run.static_bytes = 0x1000;
    r->run.heap_start = 0x20000800;
    r->run.heap_end = 0x20004000;
    r->run.stack_top = 0x20010000;
    r->run.stack_low = 0x2000f000;
    r->run.stack_floor = 0x20001000;
    stats_compute(r, &s);
    CU_ASSERT_EQUAL(s.peak_heap, 4000);
    CU_ASSERT_EQUAL(s.min_sram_headroom, 0x2000f000 - 0x20004000);
    CU_ASSERT_EQUAL(s.stack_high_water, 0x1000);
    stats_free(&s);
    /* the heap inside .bss: the static data is the floor */
    r->run.heap_end = 0x20000c00;
    stats_compute(r, &s);
    CU_ASSERT_EQUAL(s.min_sram_headroom, 0x2000f000 - 0x20001000);
    stats_free(&s);
    rec_free(r);
}

/* SRAM 0x20000000..0x20010000. */
static Recording *sram_recording(void)
{
    Recording *r = rec_new();
    r->run.clock_hz = 1000000;
    r->run.cycles = 1000;
    r->run.exit_reason = xstrdup("exit");
    r->run.sram_base = 0x20000000;
    r->run.sram_size = 0x10000;
    return r;
}

/* The stack below .data/.bss (TinyGo's layout): nothing of them below it, so the
 * free SRAM under the stack reaches down to the SRAM's base; the heap above the stack
 * does not count. The stack headroom is its own figure, unknown without a limit. */
static void test_headroom_stack_below_data(void)
{
    Recording *r = sram_recording();
    r->run.stack_top = 0x20001000;
    r->run.stack_floor = 0x20000000;
    r->run.static_bytes = 0x1040; /* .data/.bss end at 0x20001040, above the stack */
    r->run.heap_start = 0x20001040;
    r->run.heap_end = 0x20010000;
    r->run.stack_low = 0x20000f70;
    rec_alloc(r, 10, 0x20008000, 100, 0);
    Stats s;
    stats_compute(r, &s);
    CU_ASSERT_EQUAL(s.min_sram_headroom, 0xf70);
    CU_ASSERT_STRING_EQUAL(s.sram_headroom_why, "");
    CU_ASSERT_EQUAL(s.stack_high_water, 0x90);
    CU_ASSERT_EQUAL(s.stack_headroom, REC_UNKNOWN);
    CU_ASSERT_PTR_NOT_NULL(strstr(s.stack_headroom_why, "no stack limit"));
    stats_free(&s);
    rec_free(r);
}

/* The stack above the statics with a named limit and a guard gap below it: the SRAM
 * headroom reaches down to the statics (guard included), the stack headroom to the
 * limit. Allocations below the stack (a heap the adapter cannot size) raise the
 * floor. Only a real collision makes the SRAM headroom negative. */
static void test_headroom_stack_above_data(void)
{
    Recording *r = sram_recording();
    r->run.stack_top = 0x20002000;
    r->run.stack_limit = 0x20001000;
    r->run.stack_floor = 0x20000e00; /* 512 bytes of guard below the limit */
    r->run.stack_low = 0x20001c00;
    Stats s;
    stats_compute(r, &s);
    CU_ASSERT_EQUAL(s.min_sram_headroom, 0x1c00 - 0xe00);
    CU_ASSERT_EQUAL(s.stack_headroom, 0xc00);
    stats_free(&s);
    rec_alloc(r, 10, 0x20000e00, 0x100, 0); /* up to 0x20000f00 */
    rec_alloc(r, 20, 0x20004000, 0x100, 0); /* above the stack: not below it */
    stats_compute(r, &s);
    CU_ASSERT_EQUAL(s.min_sram_headroom, 0x1c00 - 0xf00);
    stats_free(&s);
    r->run.stack_low = 0x20000d00; /* the stack ran into the statics */
    stats_compute(r, &s);
    CU_ASSERT_EQUAL(s.min_sram_headroom, -0x200);
    CU_ASSERT_EQUAL(s.stack_headroom, -0x300);
    stats_free(&s);
    rec_free(r);
}

/* A lowest SP outside SRAM (SP held garbage when the run faulted) is no figure: the
 * headrooms and the high-water mark are unknown, with the reason; so is a recording
 * that does not say where the static data ends. */
static void test_headroom_not_a_figure(void)
{
    Recording *r = sram_recording();
    free(r->run.exit_reason);
    r->run.exit_reason = xstrdup("flash write");
    r->run.stack_top = 0x20002000;
    r->run.stack_limit = 0x20001000;
    r->run.stack_floor = 0x20000e00;
    r->run.stack_low = 0x003fffec;
    Stats s;
    stats_compute(r, &s);
    CU_ASSERT_EQUAL(s.min_sram_headroom, REC_UNKNOWN);
    CU_ASSERT_EQUAL(s.stack_headroom, REC_UNKNOWN);
    CU_ASSERT_EQUAL(s.stack_high_water, REC_UNKNOWN);
    CU_ASSERT_PTR_NOT_NULL(strstr(s.sram_headroom_why, "0x003fffec, is not in SRAM"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s.sram_headroom_why, "fault, flash write"));
    CU_ASSERT_STRING_EQUAL(s.stack_headroom_why, s.sram_headroom_why);
    stats_free(&s);
    r->run.stack_low = 0xfffffff0; /* above SRAM as well */
    stats_compute(r, &s);
    CU_ASSERT_EQUAL(s.min_sram_headroom, REC_UNKNOWN);
    stats_free(&s);
    r->run.stack_low = 0x20001c00;
    r->run.stack_floor = 0; /* an older recording */
    stats_compute(r, &s);
    CU_ASSERT_EQUAL(s.min_sram_headroom, REC_UNKNOWN);
    CU_ASSERT(s.sram_headroom_why[0] != 0);
    CU_ASSERT_EQUAL(s.stack_headroom, 0xc00);
    stats_free(&s);
    rec_free(r);
}

static char *summary_line(const Recording *r)
{
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    traces_print_summary(r, NULL, f);
    fclose(f);
    return text;
}

/* The summary line: sentences end with a period, the headrooms and the worst
 * interrupt by its name, or n/a and why. */
static void test_summary_line(void)
{
    Recording *r = sram_recording();
    r->run.core = xstrdup("cortex-m3");
    r->run.stack_top = 0x20002000;
    r->run.stack_limit = 0x20001000;
    r->run.stack_floor = 0x20000800;
    r->run.stack_low = 0x20001c00;
    rec_heap_sample(r, 10, 4000, 1000, 800, false);
    rec_irq(r, 15, 100, 112);
    char *t = summary_line(r);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, " Peak heap 4000 B as reported. ")); /* no allocator unit known */
    CU_ASSERT_PTR_NOT_NULL(strstr(t, " Min SRAM headroom 5120 B. Stack high-water 1024 B, headroom 3072 B. "));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, " Worst interrupt latency 12.00 us (SysTick)."));
    CU_ASSERT_PTR_NULL(strstr(t, "->"));
    free(t);
    r->run.stack_low = 0x003fffec;
    t = summary_line(r);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, " Min SRAM headroom n/a (the lowest stack pointer, 0x003fffec, is not in SRAM"));
    CU_ASSERT_PTR_NULL(strstr(t, "Stack high-water"));
    free(t);
    rec_free(r);
}

static void expect_irq_name(Recording *r, unsigned irq, const char *want)
{
    char buf[32];
    CU_ASSERT_STRING_EQUAL(stats_irq_name(r, irq, buf, sizeof buf), want);
}

/* Interrupts named as the architecture names them. */
static void test_irq_names(void)
{
    Recording *r = rec_new();
    r->run.core = xstrdup("cortex-m3");
    expect_irq_name(r, 15, "SysTick");
    expect_irq_name(r, 14, "PendSV");
    expect_irq_name(r, 11, "SVCall");
    expect_irq_name(r, 3, "HardFault");
    expect_irq_name(r, 2, "NMI");
    expect_irq_name(r, 16, "IRQ 0");
    expect_irq_name(r, 36, "IRQ 20");
    expect_irq_name(r, 9, "exception 9");
    free(r->run.core);
    r->run.core = xstrdup("rv32imac");
    expect_irq_name(r, 7, "machine timer");
    expect_irq_name(r, 3, "machine software");
    expect_irq_name(r, 11, "machine external");
    expect_irq_name(r, 16, "interrupt 16");
    free(r->run.core);
    r->run.core = NULL;
    expect_irq_name(r, 15, "interrupt 15");
    rec_free(r);
}

static void test_irq_stats(void)
{
    Recording *r = rec_new();
    r->run.clock_hz = 1000000;
    r->run.cycles = 100000;
    rec_pause_begin(r, 1000, REC_TRIGGER_ALLOC, 0, false);
    rec_pause_end(r, 1500);
    for (int i = 0; i < 200; i++) /* IRQ 20: latencies 1..200 */
        rec_irq(r, 20, 10000 + (uint64_t)i * 300, 10000 + (uint64_t)i * 300 + 1 + (uint64_t)i);
    rec_irq(r, 17, 1100, 1500); /* held back by pause 0 for 400 */
    r->irqs[r->nirqs - 1].pause = 0;
    rec_irq(r, 17, 3000, 3005);
    Stats s;
    stats_compute(r, &s);
    CU_ASSERT_EQUAL_FATAL(s.nirqs, 2);
    CU_ASSERT_EQUAL(s.irqs[0].irq, 17);
    CU_ASSERT_EQUAL(s.irqs[0].count, 2);
    CU_ASSERT_EQUAL(s.irqs[0].max, 400);
    CU_ASSERT_EQUAL(s.irqs[0].worst_pause, 0);
    CU_ASSERT_EQUAL(s.irqs[0].worst_pause_delay, 400);
    CU_ASSERT_EQUAL(s.irqs[1].irq, 20);
    CU_ASSERT_EQUAL(s.irqs[1].count, 200);
    CU_ASSERT_EQUAL(s.irqs[1].max, 200);
    CU_ASSERT_EQUAL(s.irqs[1].p99, 198);
    CU_ASSERT_EQUAL(s.irqs[1].worst_pause, -1);
    CU_ASSERT_EQUAL(s.irq_max, 400);
    CU_ASSERT_EQUAL(s.irq_worst, 0);
    stats_free(&s);
    rec_free(r);
}

/* A million pauses: everything computed in O(n log n) (no timing asserted; the
 * test would take minutes if anything were quadratic). */
static void test_million(void)
{
    Recording *r = rec_new();
    r->run.clock_hz = 100000000;
    rng_state = 7;
    uint64_t t = 0;
    for (int i = 0; i < 1000000; i++) {
        t += 100 + rng() % 5000;
        rec_pause_begin(r, t, REC_TRIGGER_ALLOC, 0, false);
        t += 1 + rng() % 2000;
        rec_pause_end(r, t);
    }
    r->run.cycles = t;
    Stats s;
    stats_compute(r, &s);
    CU_ASSERT_EQUAL(s.npauses, 1000000);
    CU_ASSERT(s.ncurve > 0);
    CU_ASSERT(s.p999 <= 2000 && s.p999 >= s.p99);
    stats_free(&s);
    rec_free(r);
}

static const TestCase stats_cases[] = {
    {"MMU by hand", test_mmu_hand},
    {"MMU exact vs brute force (random)", test_mmu_random_vs_brute},
    {"percentiles vs sort", test_percentile},
    {"no pauses", test_no_pauses},
    {"one pause, pause at the end, open pause", test_one_pause_and_end},
    {"heap, SRAM, stack", test_heap_memory},
    {"peak heap from the alloc/free records when nothing else says", test_peak_from_records},
    {"SRAM headroom, the stack below .data/.bss", test_headroom_stack_below_data},
    {"SRAM and stack headroom, the stack above .data/.bss", test_headroom_stack_above_data},
    {"headroom that is not a figure", test_headroom_not_a_figure},
    {"interrupt names", test_irq_names},
    {"the summary line", test_summary_line},
    {"interrupt latency", test_irq_stats},
    {"a million pauses", test_million},
    {NULL, NULL},
};

static const TestSuite suites[] = {{"stats", stats_cases}, {NULL, NULL}};

int main(void)
{
    return cunit_run(suites);
}
