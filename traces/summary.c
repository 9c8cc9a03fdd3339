/* summary.c: summary.json (cJSON, keys in the fixed order of docs/formats.md) and the
 * one-paragraph human summary of a run. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "base/utf8.h"
#include "base/util.h"
#include "traces/traces.h"

static double us_of(uint64_t cycles, uint64_t hz)
{
    return (double)stats_cycles_to_ns(cycles, hz) / 1000.0;
}

/* A string (null for NULL) in valid UTF-8: cJSON writes its bytes as they are. */
static void add_str(cJSON *o, const char *k, const char *v)
{
    char *clean = utf8_clean(v);
    if (clean)
        cJSON_AddStringToObject(o, k, clean);
    else
        cJSON_AddNullToObject(o, k);
    free(clean);
}

static void add_num(cJSON *o, const char *k, double v, bool known)
{
    if (known)
        cJSON_AddNumberToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

static void add_mmu(cJSON *o, const char *k, double v)
{
    add_num(o, k, v, v >= 0);
}

static cJSON *summary_json(const Recording *r, const Stats *s)
{
    const RecRunInfo *ri = &r->run;
    uint64_t hz = ri->clock_hz;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "format", "baregc-summary/2");

    cJSON *run = cJSON_AddObjectToObject(root, "run");
    add_str(run, "image", ri->image);
    add_str(run, "board", ri->board);
    add_str(run, "core", ri->core);
    add_str(run, "runtime", ri->runtime);
    cJSON_AddNumberToObject(run, "clock_hz", (double)hz);
    cJSON_AddNumberToObject(run, "cycles", (double)ri->cycles);
    cJSON_AddNumberToObject(run, "seconds", (double)stats_cycles_to_ns(ri->cycles, hz) / 1e9);
    cJSON_AddNumberToObject(run, "instructions", (double)ri->instructions);
    add_str(run, "exit_reason", ri->exit_reason);
    cJSON_AddNumberToObject(run, "exit_code", ri->exit_code);

    cJSON *p = cJSON_AddObjectToObject(root, "pauses");
    bool any = s->npauses > 0;
    cJSON_AddNumberToObject(p, "count", (double)s->npauses);
    cJSON_AddNumberToObject(p, "incremental", (double)s->nincremental);
    cJSON_AddNumberToObject(p, "total_us", us_of(s->pause_total, hz));
    add_num(p, "min_us", us_of(s->pause_min, hz), any);
    add_num(p, "mean_us", s->pause_mean * 1e6 / (double)(hz ? hz : 1000000), any);
    add_num(p, "max_us", us_of(s->pause_max, hz), any);
    add_num(p, "p50_us", us_of(s->p50, hz), any);
    add_num(p, "p90_us", us_of(s->p90, hz), any);
    add_num(p, "p99_us", us_of(s->p99, hz), any);
    add_num(p, "p99_9_us", us_of(s->p999, hz), any);
    add_num(p, "longest", (double)(s->longest_pause + 1), any);

    cJSON_AddNumberToObject(root, "gc_cpu_fraction", s->gc_cpu_fraction);

    cJSON *m = cJSON_AddObjectToObject(root, "mmu");
    add_mmu(m, "100us", s->mmu_100us);
    add_mmu(m, "1ms", s->mmu_1ms);
    add_mmu(m, "10ms", s->mmu_10ms);
    add_mmu(m, "100ms", s->mmu_100ms);
    cJSON *curve = cJSON_AddArrayToObject(root, "mmu_curve");
    for (size_t i = 0; i < s->ncurve; i++) {
        cJSON *pt = cJSON_CreateObject();
        cJSON_AddNumberToObject(pt, "window_us", s->curve[i].window_us);
        cJSON_AddNumberToObject(pt, "mmu", s->curve[i].mmu);
        cJSON_AddItemToArray(curve, pt);
    }

    cJSON *h = cJSON_AddArrayToObject(root, "pause_histogram");
    for (size_t i = 0; i < s->nhist; i++) {
        cJSON *b = cJSON_CreateObject();
        cJSON_AddNumberToObject(b, "min_us", i ? (double)(1ull << (i - 1)) : 0);
        cJSON_AddNumberToObject(b, "max_us", (double)(1ull << i));
        cJSON_AddNumberToObject(b, "count", (double)s->hist[i]);
        cJSON_AddItemToArray(h, b);
    }

    cJSON *a = cJSON_AddObjectToObject(root, "allocation");
    cJSON_AddNumberToObject(a, "count", (double)s->nallocs);
    cJSON_AddNumberToObject(a, "bytes", (double)s->alloc_bytes);
    add_num(a, "charged_bytes", (double)s->alloc_charged, s->alloc_charged >= 0);
    add_num(a, "charge_unit_bytes", ri->alloc_unit, ri->alloc_unit != 0);
    cJSON_AddNumberToObject(a, "failures", (double)r->alloc_failures);
    cJSON_AddNumberToObject(a, "frees", (double)s->nfrees_matched);
    cJSON_AddNumberToObject(a, "rate_bytes_per_s", s->alloc_rate);

    cJSON *hp = cJSON_AddObjectToObject(root, "heap");
    add_num(hp, "peak_bytes", (double)s->peak_heap, s->peak_heap >= 0);
    add_str(hp, "peak_basis", s->peak_heap >= 0 ? stats_basis_name(s->peak_basis) : NULL);
    add_num(hp, "worst_fragmentation", s->worst_frag, s->worst_frag >= 0);
    add_num(hp, "worst_fragmentation_at_us", us_of(s->worst_frag_time, hz), s->worst_frag >= 0);
    add_num(hp, "start", ri->heap_start, ri->heap_start || ri->heap_end);
    add_num(hp, "end", ri->heap_end, ri->heap_start || ri->heap_end);
    cJSON *so = cJSON_AddObjectToObject(hp, "stack_objects");
    cJSON_AddNumberToObject(so, "count", (double)s->nheap_stacks);
    cJSON_AddNumberToObject(so, "bytes", (double)s->heap_stack_bytes);
    cJSON_AddNumberToObject(so, "peak_live_bytes", (double)s->heap_stack_peak);

    cJSON *sr = cJSON_AddObjectToObject(root, "sram");
    cJSON_AddNumberToObject(sr, "base", ri->sram_base);
    cJSON_AddNumberToObject(sr, "size", ri->sram_size);
    cJSON_AddNumberToObject(sr, "static_bytes", ri->static_bytes);
    add_num(sr, "min_headroom_bytes", (double)s->min_sram_headroom, s->min_sram_headroom != REC_UNKNOWN);
    add_str(sr, "min_headroom_reason", s->min_sram_headroom == REC_UNKNOWN ? s->sram_headroom_why : NULL);

    cJSON *st = cJSON_AddObjectToObject(root, "stack");
    add_num(st, "top", ri->stack_top, ri->stack_top != 0);
    add_num(st, "limit", ri->stack_limit, ri->stack_limit != 0);
    add_num(st, "lowest_sp", ri->stack_low, ri->stack_low != 0);
    add_num(st, "high_water_bytes", (double)s->stack_high_water, s->stack_high_water != REC_UNKNOWN);
    add_num(st, "headroom_bytes", (double)s->stack_headroom, s->stack_headroom != REC_UNKNOWN);
    add_str(st, "headroom_reason", s->stack_headroom == REC_UNKNOWN ? s->stack_headroom_why : NULL);

    cJSON *ir = cJSON_AddObjectToObject(root, "interrupts");
    cJSON_AddNumberToObject(ir, "count", (double)r->nirqs);
    add_num(ir, "max_latency_us", us_of(s->irq_max, hz), s->irq_worst >= 0);
    add_num(ir, "worst_irq", s->irq_worst >= 0 ? s->irqs[s->irq_worst].irq : 0, s->irq_worst >= 0);
    cJSON *per = cJSON_AddArrayToObject(ir, "per_irq");
    for (size_t i = 0; i < s->nirqs; i++) {
        const StatsIrq *q = &s->irqs[i];
        cJSON *e = cJSON_CreateObject();
        char name[32];
        cJSON_AddNumberToObject(e, "irq", q->irq);
        add_str(e, "name", stats_irq_name(r, q->irq, name, sizeof name));
        cJSON_AddNumberToObject(e, "count", (double)q->count);
        cJSON_AddNumberToObject(e, "max_us", us_of(q->max, hz));
        cJSON_AddNumberToObject(e, "p99_us", us_of(q->p99, hz));
        add_num(e, "worst_pause", (double)(q->worst_pause + 1), q->worst_pause >= 0);
        add_num(e, "worst_pause_delay_us", us_of(q->worst_pause_delay, hz), q->worst_pause >= 0);
        cJSON *lh = cJSON_AddArrayToObject(e, "latency_histogram");
        for (size_t b = 0; b < q->nhist; b++) {
            cJSON *bk = cJSON_CreateObject();
            cJSON_AddNumberToObject(bk, "min_cycles", b ? (double)(1ull << (b - 1)) : 0);
            cJSON_AddNumberToObject(bk, "max_cycles", b ? (double)((1ull << b) - 1) : 0);
            cJSON_AddNumberToObject(bk, "count", (double)q->hist[b]);
            cJSON_AddItemToArray(lh, bk);
        }
        cJSON_AddItemToArray(per, e);
    }

    cJSON_AddNumberToObject(root, "alloc_failures", (double)r->alloc_failures);
    cJSON_AddBoolToObject(root, "partial", ri->partial);
    return root;
}

int summary_write_json(const Recording *r, const Stats *s, FILE *f)
{
    cJSON *root = summary_json(r, s);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text)
        return -1;
    fputs(text, f);
    fputc('\n', f);
    cJSON_free(text);
    return ferror(f) ? -1 : 0;
}

/* Bytes for a human: "812 B", "12.3 KB". */
static void human_bytes(char *buf, size_t n, int64_t b)
{
    if (b < 0)
        snprintf(buf, n, "-%" PRId64 " B", -b);
    else if (b < 10240)
        snprintf(buf, n, "%" PRId64 " B", b);
    else
        snprintf(buf, n, "%.1f KB", (double)b / 1024.0);
}

/* "Allocated 793.2 KB requested, 1328.2 KB charged (16-byte blocks), in 69263 objects
 * (754.8 KB/s requested)." */
static void print_allocated(const Recording *r, const Stats *s, FILE *f)
{
    char b1[32], b2[32], how[64];
    human_bytes(b1, sizeof b1, (int64_t)s->alloc_bytes);
    fprintf(f, " Allocated %s requested", b1);
    if (s->alloc_charged >= 0) {
        human_bytes(b2, sizeof b2, s->alloc_charged);
        fprintf(f, ", %s charged (%s),", b2, stats_charge_text(&r->run, how, sizeof how));
    } else {
        fputs(" (charged n/a)", f);
    }
    fprintf(f, " in %" PRIu64 " objects (%.1f KB/s requested)", s->nallocs, s->alloc_rate / 1024);
    if (r->alloc_failures)
        fprintf(f, ", %" PRIu64 " failed", r->alloc_failures);
    fputc('.', f);
}

static void print_summary(const Recording *r, const Stats *s, FILE *f)
{
    uint64_t hz = r->run.clock_hz;
    char b1[32], b2[32];
    if (s->npauses) {
        fprintf(f, "GC: %zu pauses", s->npauses);
        if (s->nincremental)
            fprintf(f, " (%zu incremental steps)", s->nincremental);
        fprintf(f, ", %.3f ms in total = %.2f%% of %.3f ms; max %.1f us, p99 %.1f us, p50 %.1f us.",
                us_of(s->pause_total, hz) / 1000, s->gc_cpu_fraction * 100, us_of(r->run.cycles, hz) / 1000,
                us_of(s->pause_max, hz), us_of(s->p99, hz), us_of(s->p50, hz));
        if (s->mmu_1ms >= 0)
            fprintf(f, " MMU 1 ms %.3f", s->mmu_1ms);
        if (s->mmu_10ms >= 0)
            fprintf(f, ", 10 ms %.3f", s->mmu_10ms);
        if (s->mmu_1ms >= 0)
            fputc('.', f);
    } else {
        fputs("GC: no collections.", f);
    }
    print_allocated(r, s, f);
    if (s->peak_heap >= 0) {
        human_bytes(b1, sizeof b1, s->peak_heap);
        fprintf(f, " Peak heap %s %s.", b1, stats_basis_text(s->peak_basis));
    }
    if (s->nheap_stacks) {
        human_bytes(b1, sizeof b1, (int64_t)s->heap_stack_bytes);
        human_bytes(b2, sizeof b2, s->heap_stack_peak);
        fprintf(f, " Stacks in the heap: %" PRIu64 ", %s requested, at most %s live.", s->nheap_stacks, b1, b2);
    }
    if (s->worst_frag >= 0)
        fprintf(f, " Worst fragmentation %.0f%%.", s->worst_frag * 100);
    if (s->min_sram_headroom != REC_UNKNOWN) {
        human_bytes(b1, sizeof b1, s->min_sram_headroom);
        fprintf(f, " Min SRAM headroom %s.", b1);
    } else if (s->sram_headroom_why[0]) {
        fprintf(f, " Min SRAM headroom n/a (%s).", s->sram_headroom_why);
    }
    if (s->stack_high_water != REC_UNKNOWN) {
        human_bytes(b2, sizeof b2, s->stack_high_water);
        fprintf(f, " Stack high-water %s", b2);
        if (s->stack_headroom != REC_UNKNOWN) {
            human_bytes(b2, sizeof b2, s->stack_headroom);
            fprintf(f, ", headroom %s", b2);
        }
        fputc('.', f);
    }
    if (s->irq_worst >= 0) {
        const StatsIrq *q = &s->irqs[s->irq_worst];
        char name[32];
        fprintf(f, " Worst interrupt latency %.2f us (%s)", us_of(q->max, hz),
                stats_irq_name(r, q->irq, name, sizeof name));
        if (q->worst_pause >= 0)
            fprintf(f, "; pause %ld held one back %.2f us", q->worst_pause + 1, us_of(q->worst_pause_delay, hz));
        fputc('.', f);
    }
    if (r->run.partial)
        fputs(" (Partial: the run was interrupted.)", f);
    fputc('\n', f);
}

void traces_print_summary(const Recording *r, const Stats *s, FILE *f)
{
    if (s) {
        print_summary(r, s, f);
        return;
    }
    Stats own;
    stats_compute(r, &own);
    print_summary(r, &own, f);
    stats_free(&own);
}
