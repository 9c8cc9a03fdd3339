/* stats.c: pause statistics, percentiles, MMU (exact two-pointer sweep and a brute
 * force for tests), heap/SRAM/stack figures and interrupt latency over a Recording. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "cpu/core.h"
#include "traces/stats.h"

/* ---- conversions ---- */

static uint64_t clock_or_default(uint64_t hz)
{
    return hz ? hz : 1000000;
}

uint64_t stats_cycles_to_ns(uint64_t cycles, uint64_t hz)
{
    unsigned __int128 v = (unsigned __int128)cycles * 1000000000u;
    return (uint64_t)(v / clock_or_default(hz));
}

double stats_cycles_to_us(uint64_t cycles, uint64_t hz)
{
    return (double)cycles * 1e6 / (double)clock_or_default(hz);
}

uint64_t stats_us_to_cycles(double us, uint64_t hz)
{
    double c = us * (double)clock_or_default(hz) / 1e6;
    return c <= 0 ? 0 : (uint64_t)llround(c);
}

/* ---- percentiles ---- */

uint64_t stats_percentile(const uint64_t *sorted, size_t n, double p)
{
    if (n == 0)
        return 0;
    /* p/100 * n in floating point can land a hair above an integer (99.9% of 5000
     * = 4995.000000000001): take off a relative 1e-12, far below any genuine
     * fraction for n < 1e9. */
    double x = p / 100.0 * (double)n;
    double rank = ceil(x - x * 1e-12);
    size_t i = rank < 1 ? 0 : (size_t)rank - 1;
    return sorted[i < n ? i : n - 1];
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* ---- spans and MMU ---- */

static uint64_t run_total(const Recording *r)
{
    if (r->run.cycles)
        return r->run.cycles;
    uint64_t t = 0;
    for (size_t i = 0; i < r->npauses; i++)
        if (r->pauses[i].end > t)
            t = r->pauses[i].end;
    return t;
}

/* End of pause i: an open pause (the last one, not yet ended) runs to `total`. */
static uint64_t pause_end(const Recording *r, size_t i, uint64_t total)
{
    const RecPause *p = &r->pauses[i];
    bool open = i == r->npauses - 1 && r->priv_pause_open;
    uint64_t e = open ? total : p->end;
    return e < p->start ? p->start : e;
}

StatsSpan *stats_pause_spans(const Recording *r, size_t *n)
{
    uint64_t total = run_total(r);
    StatsSpan *s = r->npauses ? xmalloc(r->npauses * sizeof *s) : NULL;
    size_t k = 0;
    for (size_t i = 0; i < r->npauses; i++) {
        uint64_t a = r->pauses[i].start, b = pause_end(r, i, total);
        if (b > total)
            b = total;
        if (a >= b)
            continue;
        if (k && a <= s[k - 1].end) { /* overlapping or touching: merge */
            if (b > s[k - 1].end)
                s[k - 1].end = b;
            continue;
        }
        s[k++] = (StatsSpan){a, b};
    }
    *n = k;
    if (!k) {
        free(s);
        return NULL;
    }
    return s;
}

typedef struct MmuCtx {
    const StatsSpan *s;
    size_t n;
    uint64_t *prefix; /* prefix[k] = total length of spans 0..k-1, cycles */
    uint64_t total;   /* cycles */
} MmuCtx;

static void mmu_init(MmuCtx *m, const StatsSpan *s, size_t n, uint64_t total)
{
    m->s = s;
    m->n = n;
    m->total = total;
    m->prefix = xmalloc((n + 1) * sizeof *m->prefix);
    m->prefix[0] = 0;
    for (size_t i = 0; i < n; i++)
        m->prefix[i + 1] = m->prefix[i] + (s[i].end - s[i].start);
}

/* Paused time in [0, x). *j is a cursor: x must not decrease between calls with the
 * same cursor. */
static uint64_t paused_before(const MmuCtx *m, size_t *j, uint64_t x)
{
    while (*j < m->n && m->s[*j].end <= x)
        (*j)++;
    uint64_t v = m->prefix[*j];
    if (*j < m->n && m->s[*j].start < x)
        v += x - m->s[*j].start;
    return v;
}

static uint64_t paused_in(const MmuCtx *m, uint64_t t, uint64_t w)
{
    size_t a = 0, b = 0;
    return paused_before(m, &b, t + w) - paused_before(m, &a, t);
}

static double mmu_eval(const MmuCtx *m, uint64_t w)
{
    if (w == 0 || w > m->total)
        return -1;
    uint64_t last = m->total - w; /* latest window start */
    uint64_t worst = paused_in(m, 0, w);
    uint64_t v = paused_in(m, last, w);
    if (v > worst)
        worst = v;
    /* The paused time G(t) in [t, t+w) is piecewise linear; its slope only drops
     * where t enters a pause or t+w leaves one, and on a plateau ending where t+w
     * leaves a pause the value carries on (or grows) until t reaches a pause start
     * or the last start. So windows starting at pause starts, plus both ends of the
     * run, reach the maximum. */
    size_t ja = 0, jb = 0;
    for (size_t i = 0; i < m->n && m->s[i].start <= last; i++) {
        uint64_t t = m->s[i].start;
        uint64_t b = paused_before(m, &jb, t + w);
        v = b - paused_before(m, &ja, t);
        if (v > worst)
            worst = v;
    }
    return 1.0 - (double)worst / (double)w;
}

double stats_mmu(const StatsSpan *spans, size_t n, uint64_t total, uint64_t window)
{
    MmuCtx m;
    mmu_init(&m, spans, n, total);
    double v = mmu_eval(&m, window);
    free(m.prefix);
    return v;
}

double stats_mmu_brute(const StatsSpan *spans, size_t n, uint64_t total, uint64_t window)
{
    if (window == 0 || window > total)
        return -1;
    uint64_t worst = 0;
    for (uint64_t t = 0; t + window <= total; t++) {
        uint64_t v = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t a = spans[i].start > t ? spans[i].start : t;
            uint64_t b = spans[i].end < t + window ? spans[i].end : t + window;
            if (b > a)
                v += b - a;
        }
        if (v > worst)
            worst = v;
    }
    return 1.0 - (double)worst / (double)window;
}

/* ---- interrupts ---- */

typedef struct IrqLat {
    uint64_t lat;   /* cycles */
    int32_t pause;
    uint16_t irq;
} IrqLat;

static int cmp_irqlat(const void *a, const void *b)
{
    const IrqLat *x = a, *y = b;
    if (x->irq != y->irq)
        return x->irq < y->irq ? -1 : 1;
    if (x->lat != y->lat)
        return x->lat < y->lat ? -1 : 1;
    return (x->pause > y->pause) - (x->pause < y->pause);
}

/* 0 for 0, k for [2^(k-1), 2^k), capped at max - 1. */
static size_t log2_bucket(uint64_t v, size_t max)
{
    size_t b = v == 0 ? 0 : (size_t)(64 - __builtin_clzll(v));
    return b < max ? b : max - 1;
}

static void irq_stats(const Recording *r, Stats *s)
{
    s->irq_worst = -1;
    if (!r->nirqs)
        return;
    IrqLat *v = xmalloc(r->nirqs * sizeof *v);
    for (size_t i = 0; i < r->nirqs; i++) {
        const RecIrq *q = &r->irqs[i];
        v[i] = (IrqLat){q->entered >= q->pending ? q->entered - q->pending : 0, q->pause, q->irq};
    }
    qsort(v, r->nirqs, sizeof *v, cmp_irqlat);
    uint64_t *lat = xmalloc(r->nirqs * sizeof *lat);
    for (size_t i = 0; i < r->nirqs; i++)
        lat[i] = v[i].lat;
    for (size_t i = 0; i < r->nirqs;) {
        size_t j = i;
        while (j < r->nirqs && v[j].irq == v[i].irq)
            j++;
        s->irqs = xrealloc(s->irqs, (s->nirqs + 1) * sizeof *s->irqs);
        StatsIrq *q = &s->irqs[s->nirqs];
        *q = (StatsIrq){.irq = v[i].irq, .count = j - i, .max = v[j - 1].lat,
                        .p99 = stats_percentile(lat + i, j - i, 99), .worst_pause = -1};
        for (size_t k = i; k < j; k++) {
            size_t b = log2_bucket(v[k].lat, STATS_IRQ_HIST_BUCKETS);
            q->hist[b]++;
            if (b + 1 > q->nhist)
                q->nhist = b + 1;
        }
        for (size_t k = j; k > i; k--)
            if (v[k - 1].pause >= 0) {
                q->worst_pause = v[k - 1].pause;
                q->worst_pause_delay = v[k - 1].lat;
                break;
            }
        if (s->irq_worst < 0 || q->max > s->irq_max) {
            s->irq_max = q->max;
            s->irq_worst = (long)s->nirqs;
        }
        s->nirqs++;
        i = j;
    }
    free(lat);
    free(v);
}

/* ---- heap ---- */

static int64_t peak_live(const Recording *r)
{
    int64_t live = 0, peak = REC_UNKNOWN;
    size_t i = 0, j = 0;
    while (i < r->nallocs || j < r->nfrees) {
        bool take_free = j < r->nfrees && (i >= r->nallocs || r->frees[j].time <= r->allocs[i].time);
        if (take_free && r->frees[j].alloc_idx && (size_t)r->frees[j].alloc_idx - 1 >= i)
            take_free = false; /* its allocation (at the same time) comes first */
        if (take_free) {
            live -= rec_free_size(r, &r->frees[j]);
            j++;
        } else {
            if (r->allocs[i].addr) {
                live += r->allocs[i].size;
                if (live > peak)
                    peak = live;
            }
            i++;
        }
    }
    return peak;
}

const char *stats_basis_name(StatsBasis b)
{
    return b == STATS_BASIS_CHARGED ? "charged" : b == STATS_BASIS_REPORTED ? "reported" : "requested";
}

const char *stats_basis_text(StatsBasis b)
{
    return b == STATS_BASIS_REPORTED ? "as reported" : stats_basis_name(b);
}

StatsBasis stats_heap_basis(const Recording *r)
{
    bool reported = false;
    for (size_t i = 0; i < r->nsamples && !reported; i++)
        reported = r->samples[i].used != REC_UNKNOWN;
    return !reported ? STATS_BASIS_REQUESTED : r->run.alloc_unit ? STATS_BASIS_CHARGED : STATS_BASIS_REPORTED;
}

const char *stats_charge_text(const RecRunInfo *ri, char *buf, size_t n)
{
    if (!ri->alloc_unit)
        snprintf(buf, n, "n/a");
    else if (ri->alloc_unit == 1)
        snprintf(buf, n, "the runtime's own count");
    else
        snprintf(buf, n, "%u-byte blocks", (unsigned)ri->alloc_unit);
    return buf;
}

const char *stats_heap_basis_text(const Recording *r, char *buf, size_t n)
{
    char how[48];
    StatsBasis b = stats_heap_basis(r);
    if (b == STATS_BASIS_CHARGED)
        snprintf(buf, n, "bytes the allocator charged (%s)", stats_charge_text(&r->run, how, sizeof how));
    else if (b == STATS_BASIS_REPORTED)
        snprintf(buf, n, "bytes as the firmware reports them (what its allocator charges: n/a)");
    else
        snprintf(buf, n, "bytes requested (replayed from the allocations and frees: the runtime reports no heap)");
    return buf;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The stacks allocated in the heap: how many, their bytes, and the most live at once:
 * their allocations (in time order) against their frees (in time order: by index). */
static void heap_stack_stats(const Recording *r, Stats *s)
{
    uint32_t *fr = xmalloc((r->nstack_allocs + 1) * sizeof *fr);
    size_t nf = 0;
    for (size_t i = 0; i < r->nstack_allocs; i++) {
        const RecAlloc *a = &r->allocs[r->stack_allocs[i]];
        s->nheap_stacks++;
        s->heap_stack_bytes += a->size;
        if (a->free_idx)
            fr[nf++] = a->free_idx - 1;
    }
    qsort(fr, nf, sizeof *fr, cmp_u32);
    int64_t live = 0, peak = 0;
    for (size_t i = 0, k = 0; i < r->nstack_allocs; i++) {
        const RecAlloc *a = &r->allocs[r->stack_allocs[i]];
        while (k < nf && r->frees[fr[k]].time <= a->time)
            live -= rec_free_size(r, &r->frees[fr[k++]]);
        live += a->size;
        if (live > peak)
            peak = live;
    }
    free(fr);
    s->heap_stack_peak = peak;
}

static void heap_stats(const Recording *r, Stats *s)
{
    /* What the runtime reports (heap samples, use before each pause) is the truth;
     * the alloc/free records stand in only when it reports nothing, as they miss the
     * objects a collector sweeps without telling. */
    s->peak_heap = 0;
    s->peak_basis = stats_heap_basis(r);
    if (s->peak_basis == STATS_BASIS_REQUESTED)
        s->peak_heap = peak_live(r);
    for (size_t i = 0; i < r->nsamples; i++)
        if (r->samples[i].used > s->peak_heap)
            s->peak_heap = r->samples[i].used;
    for (size_t i = 0; i < r->npauses; i++)
        if (r->pauses[i].heap_before > s->peak_heap)
            s->peak_heap = r->pauses[i].heap_before;
    s->worst_frag = -1;
    for (size_t i = 0; i < r->nsamples; i++) {
        const RecHeapSample *h = &r->samples[i];
        if (h->free <= 0 || h->largest_free < 0)
            continue;
        double f = 1.0 - (double)h->largest_free / (double)h->free;
        if (f < 0)
            f = 0;
        if (f > s->worst_frag) {
            s->worst_frag = f;
            s->worst_frag_time = h->time;
        }
    }
    s->alloc_charged = r->run.alloc_unit ? 0 : REC_UNKNOWN;
    for (size_t i = 0; i < r->nallocs; i++)
        if (r->allocs[i].addr) {
            s->nallocs++;
            s->alloc_bytes += r->allocs[i].size;
            if (r->run.alloc_unit)
                s->alloc_charged += rec_charged(&r->run, r->allocs[i].size);
        }
    heap_stack_stats(r, s);
    for (size_t i = 0; i < r->nfrees; i++)
        if (r->frees[i].alloc_idx)
            s->nfrees_matched++;
}

/* Did the run end in a fault (not an exit, reset, limit or interruption)? */
static bool ended_in_fault(const RecRunInfo *ri)
{
    static const char *const clean[] = {"exit", "reset", "timeout", "interrupted"};
    if (!ri->exit_reason || ri->partial)
        return false;
    for (size_t i = 0; i < ARRAY_SIZE(clean); i++)
        if (!strcmp(ri->exit_reason, clean[i]))
            return false;
    return true;
}

/* Why the lowest SP is no stack use, into why ("" when it is one): none was seen, or
 * it lies outside SRAM (SP held garbage, as when a fault came of it). */
static void stack_low_check(const RecRunInfo *ri, char *why, size_t n)
{
    uint64_t end = (uint64_t)ri->sram_base + ri->sram_size;
    why[0] = 0;
    if (!ri->stack_low)
        snprintf(why, n, "no stack pointer was seen");
    else if (ri->sram_size && (ri->stack_low < ri->sram_base || ri->stack_low > end))
        snprintf(why, n, "the lowest stack pointer, 0x%08x, is not in SRAM (0x%08x..0x%08llx)%s%s", ri->stack_low,
                 ri->sram_base, (unsigned long long)end, ended_in_fault(ri) ? ": the run ended in a fault, " : "",
                 ended_in_fault(ri) ? ri->exit_reason : "");
}

static void memory_stats(const Recording *r, Stats *s)
{
    const RecRunInfo *ri = &r->run;
    s->min_sram_headroom = s->stack_headroom = s->stack_high_water = REC_UNKNOWN;
    stack_low_check(ri, s->sram_headroom_why, sizeof s->sram_headroom_why);
    memcpy(s->stack_headroom_why, s->sram_headroom_why, sizeof s->stack_headroom_why);
    if (s->sram_headroom_why[0])
        return;
    if (!ri->sram_size || !ri->stack_floor) {
        snprintf(s->sram_headroom_why, sizeof s->sram_headroom_why,
                 "the recording does not say where SRAM and its static data are");
    } else {
        /* The free SRAM below the stack: down to the highest static data, code or heap
         * below the stack's top (the stack may sit above or below .data/.bss); the
         * heap is its extent when known, and every allocation in any case. */
        uint64_t top = ri->stack_top ? ri->stack_top : (uint64_t)ri->sram_base + ri->sram_size;
        uint64_t floor_ = ri->stack_floor;
        if (ri->heap_end > ri->heap_start && ri->heap_start >= ri->sram_base && ri->heap_start < top &&
            ri->heap_end > floor_)
            floor_ = ri->heap_end;
        for (size_t i = 0; i < r->nallocs; i++) {
            const RecAlloc *a = &r->allocs[i];
            if (a->addr >= ri->sram_base && a->addr < top && (uint64_t)a->addr + a->size > floor_)
                floor_ = (uint64_t)a->addr + a->size;
        }
        s->min_sram_headroom = (int64_t)ri->stack_low - (int64_t)floor_;
    }
    if (ri->stack_limit)
        s->stack_headroom = (int64_t)ri->stack_low - (int64_t)ri->stack_limit;
    else
        snprintf(s->stack_headroom_why, sizeof s->stack_headroom_why,
                 "the image names no stack limit (__StackLimit, _stack_limit, ...)");
    if (ri->stack_top && ri->stack_top >= ri->stack_low)
        s->stack_high_water = (int64_t)(ri->stack_top - ri->stack_low);
}

/* ---- interrupt names ---- */

const char *stats_irq_name(const Recording *r, unsigned irq, char *buf, size_t n)
{
    static const char *const arm[16] = {
        [2] = "NMI", [3] = "HardFault", [4] = "MemManage", [5] = "BusFault", [6] = "UsageFault",
        [11] = "SVCall", [12] = "DebugMonitor", [14] = "PendSV", [15] = "SysTick",
    };
    static const char *const rv[12] = {
        [1] = "supervisor software", [3] = "machine software", [5] = "supervisor timer",
        [7] = "machine timer", [9] = "supervisor external", [11] = "machine external",
    };
    int core = r->run.core ? core_from_name(r->run.core) : -1;
    if (core >= 0 && core_arch((CoreModel)core) == ARCH_ARM_M) {
        if (irq >= 16)
            snprintf(buf, n, "IRQ %u", irq - 16);
        else if (arm[irq])
            snprintf(buf, n, "%s", arm[irq]);
        else
            snprintf(buf, n, "exception %u", irq);
    } else if (core >= 0 && core_arch((CoreModel)core) == ARCH_RISCV32 && irq < ARRAY_SIZE(rv) && rv[irq]) {
        snprintf(buf, n, "%s", rv[irq]);
    } else {
        snprintf(buf, n, "interrupt %u", irq);
    }
    return buf;
}

/* ---- all of it ---- */

void stats_compute(const Recording *r, Stats *s)
{
    memset(s, 0, sizeof *s);
    uint64_t hz = r->run.clock_hz;
    uint64_t total = run_total(r);
    s->npauses = r->npauses;
    s->longest_pause = -1;
    if (r->npauses) {
        uint64_t *d = xmalloc(r->npauses * sizeof *d);
        s->pause_min = UINT64_MAX;
        for (size_t i = 0; i < r->npauses; i++) {
            d[i] = pause_end(r, i, total) - r->pauses[i].start;
            s->pause_total += d[i];
            if (d[i] < s->pause_min)
                s->pause_min = d[i];
            if (s->longest_pause < 0 || d[i] > s->pause_max) {
                s->pause_max = d[i];
                s->longest_pause = (long)i;
            }
            if (r->pauses[i].incremental)
                s->nincremental++;
            size_t b = log2_bucket(stats_cycles_to_ns(d[i], hz) / 1000, STATS_HIST_BUCKETS);
            s->hist[b]++;
            if (b + 1 > s->nhist)
                s->nhist = b + 1;
        }
        s->pause_mean = (double)s->pause_total / (double)r->npauses;
        qsort(d, r->npauses, sizeof *d, cmp_u64);
        s->p50 = stats_percentile(d, r->npauses, 50);
        s->p90 = stats_percentile(d, r->npauses, 90);
        s->p99 = stats_percentile(d, r->npauses, 99);
        s->p999 = stats_percentile(d, r->npauses, 99.9);
        free(d);
    }

    size_t nspans;
    StatsSpan *spans = stats_pause_spans(r, &nspans);
    uint64_t paused = 0;
    for (size_t i = 0; i < nspans; i++)
        paused += spans[i].end - spans[i].start;
    s->gc_cpu_fraction = total ? (double)paused / (double)total : 0;

    MmuCtx m;
    mmu_init(&m, spans, nspans, total);
    s->mmu_100us = mmu_eval(&m, stats_us_to_cycles(100, hz));
    s->mmu_1ms = mmu_eval(&m, stats_us_to_cycles(1000, hz));
    s->mmu_10ms = mmu_eval(&m, stats_us_to_cycles(10000, hz));
    s->mmu_100ms = mmu_eval(&m, stats_us_to_cycles(100000, hz));
    static const double steps[] = {1, 2, 5};
    double decade = 10; /* us */
    for (int k = 0; k < 5 * STATS_MMU_PER_DECADE + 1; k++) {
        double us = decade * steps[k % 3];
        if (k % 3 == 2)
            decade *= 10;
        uint64_t w = stats_us_to_cycles(us, hz);
        double v = mmu_eval(&m, w);
        if (v < 0)
            continue;
        s->curve[s->ncurve++] = (StatsMmuPoint){.window_us = us, .window = w, .mmu = v};
    }
    free(m.prefix);
    free(spans);

    heap_stats(r, s);
    double secs = (double)total / (double)clock_or_default(hz);
    s->alloc_rate = total ? (double)s->alloc_bytes / secs : 0;
    memory_stats(r, s);
    irq_stats(r, s);
}

void stats_free(Stats *s)
{
    free(s->irqs);
    s->irqs = NULL;
    s->nirqs = 0;
}
