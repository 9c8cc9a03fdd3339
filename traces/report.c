/* report.c: the HTML reports: one run (facts, budget, pause timeline, histogram, MMU,
 * heap over time, allocation sites, gctrace) and a sweep (table and chart), as single
 * self-contained pages with inline CSS and SVG. */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "traces/diff.h"
#include "traces/report.h"
#include "traces/stats.h"
#include "traces/svg.h"
#include "traces/traces.h"

/* Chart colours (the e2e test looks for the first three in a screenshot). */
#define COL_PAUSE "#1f77b4"
#define COL_HIST "#17becf"
#define COL_HEAP "#ff7f0e"
#define COL_LARGEST "#9467bd"
#define COL_MMU "#2ca02c"
#define COL_BUDGET "#d62728"
#define COL_P99 "#e377c2"
#define COL_BASE "#7f7f7f" /* the baseline run's bars and curve */

#define CHART_W 1000
#define CHART_H 300
#define MAX_SITES 20
#define MAX_GCTRACE_LINES 2000

static const char css[] =
    "body{font-family:sans-serif;margin:24px;color:#222;background:#fafafa;max-width:1060px}"
    "h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;font-size:13px}td,th{padding:3px 10px;border-bottom:1px solid #e4e4e4;"
    "text-align:left;vertical-align:top}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    ".pass{color:#1a7f37;font-weight:bold}.fail{color:#c62828;font-weight:bold}"
    ".note{color:#666;font-size:13px}pre{font-size:12px;background:#fff;border:1px solid #ddd;padding:8px;"
    "overflow-x:auto}svg.chart{display:block;margin:8px 0;border:1px solid #ddd}"
    "svg text{font-family:sans-serif}.ct{font-size:14px;font-weight:bold}.al{font-size:12px;fill:#444}"
    ".tk{font-size:11px;fill:#555}.grid{stroke:#e6e6e6;stroke-width:1}"
    ".frame{fill:none;stroke:#999;stroke-width:1}.lg{font-size:12px}.sweep td{white-space:nowrap}";

static double us_of(uint64_t cycles, uint64_t hz)
{
    return (double)stats_cycles_to_ns(cycles, hz) / 1000.0;
}

static double ms_of(uint64_t cycles, uint64_t hz)
{
    return (double)stats_cycles_to_ns(cycles, hz) / 1e6;
}

/* "812 B", "12.3 KB", "1.50 MB". */
static void fmt_bytes(double b, char *buf, size_t n)
{
    double a = fabs(b);
    if (a < 1024)
        snprintf(buf, n, "%.0f B", b);
    else if (a < 1024 * 1024)
        snprintf(buf, n, "%.1f KB", b / 1024);
    else
        snprintf(buf, n, "%.2f MB", b / (1024 * 1024));
}

/* "850.0 us", "12.345 ms", "1.050 s" */
static void fmt_us(double us, char *buf, size_t n)
{
    if (us < 1000)
        snprintf(buf, n, "%.1f us", us);
    else if (us < 1e6)
        snprintf(buf, n, "%.3f ms", us / 1000);
    else
        snprintf(buf, n, "%.3f s", us / 1e6);
}

static void tick_us(double v, char *buf, size_t n)
{
    if (v >= 1e6)
        snprintf(buf, n, "%gs", v / 1e6);
    else if (v >= 1000)
        snprintf(buf, n, "%gms", v / 1000);
    else
        snprintf(buf, n, "%gus", v);
}

/* ---- facts ---- */

static void row(FILE *f, const char *k, const char *v)
{
    fputs("<tr><th>", f);
    html_escape(f, k);
    fputs("</th><td>", f);
    html_escape(f, v);
    fputs("</td></tr>\n", f);
}

/* A row of bytes, or "n/a (why)" when the figure is REC_UNKNOWN with a reason. */
static void bytes_row(FILE *f, const char *k, int64_t v, const char *why)
{
    char b[200];
    if (v != REC_UNKNOWN)
        fmt_bytes((double)v, b, sizeof b);
    else if (why[0])
        snprintf(b, sizeof b, "n/a (%s)", why);
    else
        return;
    row(f, k, b);
}

static void write_facts(const Recording *r, const Stats *s, FILE *f)
{
    const RecRunInfo *ri = &r->run;
    uint64_t hz = ri->clock_hz;
    char b[256], x[64], y[64], z[64];
    fputs("<h2 id=\"facts\">Run</h2>\n<table class=\"facts\">\n", f);
    row(f, "Image", ri->image ? ri->image : "?");
    snprintf(b, sizeof b, "%s (%s)", ri->board ? ri->board : "?", ri->core ? ri->core : "?");
    row(f, "Board", b);
    row(f, "GC runtime", ri->runtime ? ri->runtime : "?");
    snprintf(b, sizeof b, "%.3f MHz", (double)hz / 1e6);
    row(f, "Clock", b);
    snprintf(b, sizeof b, "%.6f s (%" PRIu64 " cycles, %" PRIu64 " instructions)", ms_of(ri->cycles, hz) / 1000,
             ri->cycles, ri->instructions);
    row(f, "Simulated time", b);
    snprintf(b, sizeof b, "%s, exit status %d%s", ri->exit_reason ? ri->exit_reason : "?", ri->exit_code,
             ri->partial ? " (partial: the run was interrupted)" : "");
    row(f, "End", b);
    fmt_bytes(ri->sram_size, x, sizeof x);
    fmt_bytes(ri->static_bytes, y, sizeof y);
    snprintf(b, sizeof b, "%s at 0x%08" PRIx32 ", %s static (.data + .bss)", x, ri->sram_base, y);
    row(f, "SRAM", b);
    if (ri->heap_start || ri->heap_end) {
        fmt_bytes((double)ri->heap_end - ri->heap_start, x, sizeof x);
        snprintf(b, sizeof b, "%s at 0x%08" PRIx32 "..0x%08" PRIx32, x, ri->heap_start, ri->heap_end);
        row(f, "GC heap", b);
    }
    if (s->npauses) {
        fmt_us(us_of(s->pause_total, hz), x, sizeof x);
        snprintf(b, sizeof b, "%zu%s, %s in total, GC CPU fraction %.2f%%", s->npauses,
                 s->nincremental ? " (incremental steps included)" : "", x, s->gc_cpu_fraction * 100);
        row(f, "Pauses", b);
        fmt_us(us_of(s->pause_max, hz), x, sizeof x);
        fmt_us(us_of(s->p99, hz), y, sizeof y);
        fmt_us(us_of(s->p50, hz), z, sizeof z);
        snprintf(b, sizeof b, "max %s, p99 %s, p50 %s", x, y, z);
        row(f, "Pause lengths", b);
    } else {
        row(f, "Pauses", "none");
    }
    b[0] = '\0';
    static const char *const mmu_names[] = {"100 us", "1 ms", "10 ms", "100 ms"};
    double mmu[] = {s->mmu_100us, s->mmu_1ms, s->mmu_10ms, s->mmu_100ms};
    for (size_t i = 0; i < ARRAY_SIZE(mmu); i++)
        if (mmu[i] >= 0) {
            size_t l = strlen(b);
            snprintf(b + l, sizeof b - l, "%s%s %.3f", l ? ", " : "", mmu_names[i], mmu[i]);
        }
    row(f, "MMU", b[0] ? b : "n/a (run too short)");
    fmt_bytes((double)s->alloc_bytes, x, sizeof x);
    fmt_bytes(s->alloc_rate, y, sizeof y);
    snprintf(b, sizeof b, "%" PRIu64 " objects, %s requested (%s/s), %" PRIu64 " failed", s->nallocs, x, y,
             r->alloc_failures);
    row(f, "Allocations", b);
    if (s->alloc_charged >= 0) {
        fmt_bytes((double)s->alloc_charged, x, sizeof x);
        snprintf(b, sizeof b, "%s (%s)", x, stats_charge_text(ri, z, sizeof z));
    } else {
        snprintf(b, sizeof b, "n/a (the runtime adapter does not know what its allocator charges)");
    }
    row(f, "Allocations charged", b);
    if (s->peak_heap >= 0) {
        fmt_bytes((double)s->peak_heap, x, sizeof x);
        snprintf(b, sizeof b, "%s %s", x, stats_basis_text(s->peak_basis));
        row(f, "Peak heap", b);
    }
    if (s->nheap_stacks) {
        fmt_bytes((double)s->heap_stack_bytes, x, sizeof x);
        fmt_bytes((double)s->heap_stack_peak, y, sizeof y);
        snprintf(b, sizeof b, "%" PRIu64 ", %s requested, at most %s live", s->nheap_stacks, x, y);
        row(f, "Stacks in the heap", b);
    }
    if (s->worst_frag >= 0) {
        snprintf(b, sizeof b, "%.0f%% at %.3f ms", s->worst_frag * 100, ms_of(s->worst_frag_time, hz));
        row(f, "Worst fragmentation", b);
    }
    bytes_row(f, "Min SRAM headroom", s->min_sram_headroom, s->sram_headroom_why);
    if (s->stack_high_water != REC_UNKNOWN) {
        fmt_bytes((double)s->stack_high_water, x, sizeof x);
        row(f, "Stack high-water", x);
    }
    bytes_row(f, "Stack headroom", s->stack_headroom, s->stack_headroom_why);
    if (s->irq_worst >= 0) {
        const StatsIrq *q = &s->irqs[s->irq_worst];
        snprintf(b, sizeof b, "%.2f us (%s) over %zu interrupts", us_of(q->max, hz),
                 stats_irq_name(r, q->irq, x, sizeof x), r->nirqs);
        row(f, "Worst interrupt latency", b);
    }
    fputs("</table>\n", f);
}

/* ---- budget ---- */

static void write_budget(const Budget *b, const Measured *m, const BudgetReport *rep, FILE *f)
{
    fputs("<h2 id=\"budget\">Budget</h2>\n", f);
    char why[256] = "";
    bool run_ok = m ? measured_run_ok(m, why, sizeof why) : true;
    bool pass = run_ok && rep->failures == 0;
    fprintf(f, "<p>Verdict: <span class=\"%s\">%s</span>: %zu of %zu items beyond their limit", pass ? "pass" : "fail",
            pass ? "PASS" : "FAIL", rep->failures, rep->nitems);
    if (!run_ok) {
        fputs("; the run is not checkable: ", f);
        html_escape(f, why);
    }
    fputs(".</p>\n<table class=\"budget\"><tr><th>Item</th><th class=\"n\">Measured</th><th class=\"n\">Limit</th>"
          "<th class=\"n\">Margin</th><th>Verdict</th></tr>\n",
          f);
    for (size_t i = 0; i < rep->nitems; i++) {
        const BudgetResult *it = &rep->items[i];
        fputs("<tr><td>", f);
        html_escape(f, it->name);
        fputs("</td><td class=\"n\">", f);
        if (it->known)
            fprintf(f, "%.6g %s", it->measured, it->unit ? it->unit : "");
        else
            fputs("unknown", f);
        fprintf(f, "</td><td class=\"n\">%s %.6g %s</td><td class=\"n\">", it->is_min ? "&ge;" : "&le;", it->limit,
                it->unit ? it->unit : "");
        if (it->known)
            fprintf(f, "%.6g", it->margin);
        fprintf(f, "</td><td class=\"%s\">%s</td></tr>\n", it->pass ? "pass" : "fail", it->pass ? "PASS" : "FAIL");
    }
    fputs("</table>\n", f);
    (void)b;
}

/* ---- charts ---- */

static void legend(FILE *f, double x, double y, const char *colour, bool dashed, const char *text)
{
    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"%s/>", x, y - 4,
            x + 18, y - 4, colour, dashed ? " stroke-dasharray=\"5,3\"" : "");
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"lg\">", x + 22, y);
    html_escape(f, text);
    fputs("</text>\n", f);
}

/* A dashed horizontal line at v, labelled at the right end (or the left). */
static void hline(const SvgChart *c, double v, const char *colour, const char *label, bool left)
{
    double y = svg_y(c, v);
    fprintf(c->f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\" "
                  "stroke-dasharray=\"6,4\"/>\n",
            c->left, y, c->right, y, colour);
    fprintf(c->f, "<text x=\"%.1f\" y=\"%.1f\" class=\"lg\" text-anchor=\"%s\" fill=\"%s\">",
            left ? c->left + 4 : c->right - 4, y - 4, left ? "start" : "end", colour);
    html_escape(c->f, label);
    fputs("</text>\n", c->f);
}

static void write_timeline(const Recording *r, const Stats *s, const Budget *b, FILE *f)
{
    uint64_t hz = r->run.clock_hz;
    fputs("<h2 id=\"timeline\">Pause timeline</h2>\n", f);
    if (!s->npauses) {
        fputs("<p class=\"note\">No collections in this run.</p>\n", f);
        return;
    }
    double ymax = us_of(s->pause_max, hz);
    bool bmax = b && b->has[BUDGET_MAX_PAUSE], bp99 = b && b->has[BUDGET_P99_PAUSE];
    if (bmax && b->limit[BUDGET_MAX_PAUSE] > ymax)
        ymax = b->limit[BUDGET_MAX_PAUSE];
    if (bp99 && b->limit[BUDGET_P99_PAUSE] > ymax)
        ymax = b->limit[BUDGET_P99_PAUSE];
    ymax = svg_nice_ceil(ymax * 1.05);
    double run_ms = ms_of(r->run.cycles, hz);
    SvgChart c;
    svg_chart_begin(&c, f, CHART_W, CHART_H, 0, run_ms > 0 ? run_ms : 1, false, 0, ymax,
                    "Each pause at its time; height = its length", "simulated time (ms)", "pause length");
    svg_chart_axes(&c, NULL, tick_us);
    fprintf(f, "<g fill=\"%s\" shape-rendering=\"crispEdges\">\n", COL_PAUSE);
    for (size_t i = 0; i < r->npauses; i++) {
        const RecPause *p = &r->pauses[i];
        uint64_t end = p->end;
        if ((i == r->npauses - 1 && r->priv_pause_open) || end < p->start)
            end = r->run.cycles > p->start ? r->run.cycles : p->start;
        double x0 = svg_x(&c, ms_of(p->start, hz)), x1 = svg_x(&c, ms_of(end, hz));
        double w = x1 - x0 < 2 ? 2 : x1 - x0;
        double y = svg_y(&c, us_of(end - p->start, hz));
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>pause %zu at %.3f ms: %.1f us",
                x0, y, w, c.bottom - y, i + 1, ms_of(p->start, hz), us_of(end - p->start, hz));
        fputs("</title></rect>\n", f);
    }
    fputs("</g>\n", f);
    char lab[96];
    if (bmax) {
        snprintf(lab, sizeof lab, "budget max_pause_us %g", b->limit[BUDGET_MAX_PAUSE]);
        hline(&c, b->limit[BUDGET_MAX_PAUSE], COL_BUDGET, lab, false);
    }
    if (bp99) {
        snprintf(lab, sizeof lab, "budget p99_pause_us %g", b->limit[BUDGET_P99_PAUSE]);
        hline(&c, b->limit[BUDGET_P99_PAUSE], COL_P99, lab, true);
    }
    svg_chart_end(&c);
}

/* The frame of a pause histogram of nb buckets, up to maxc pauses; returns a bucket's
 * width in px. */
static double hist_chart_begin(SvgChart *c, FILE *f, size_t nb, uint64_t maxc, const char *title)
{
    svg_chart_begin(c, f, CHART_W, CHART_H, 0, (double)nb, false, 0, svg_nice_ceil((double)maxc * 1.05), title,
                    "pause length", "pauses");
    c->no_xticks = true;
    svg_chart_axes(c, NULL, NULL);
    return (c->right - c->left) / (double)nb;
}

static void write_histogram(const Stats *s, FILE *f)
{
    fputs("<h2 id=\"histogram\">Pause histogram</h2>\n", f);
    if (!s->npauses) {
        fputs("<p class=\"note\">No collections in this run.</p>\n", f);
        return;
    }
    /* From the first non-empty bucket to the last. */
    size_t lo = 0;
    while (lo < s->nhist && !s->hist[lo])
        lo++;
    size_t nb = s->nhist - lo;
    uint64_t maxc = 0;
    for (size_t i = lo; i < s->nhist; i++)
        if (s->hist[i] > maxc)
            maxc = s->hist[i];
    SvgChart c;
    double bw = hist_chart_begin(&c, f, nb, maxc, "Pauses by length (log2 buckets)");
    fprintf(f, "<g shape-rendering=\"crispEdges\">\n");
    for (size_t k = 0; k < nb; k++) {
        size_t i = lo + k;
        double x = c.left + bw * (double)k;
        double y = svg_y(&c, (double)s->hist[i]);
        char a[24], bb[24];
        tick_us(i ? (double)(1ull << (i - 1)) : 0, a, sizeof a);
        tick_us((double)(1ull << i), bb, sizeof bb);
        if (s->hist[i])
            fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s..%s: %" PRIu64
                       "</title></rect>\n",
                    x + 2, y, bw - 4 > 1 ? bw - 4 : 1, c.bottom - y, COL_HIST, a, bb, s->hist[i]);
        if (s->hist[i])
            fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"tk\" text-anchor=\"middle\">%" PRIu64 "</text>\n",
                    x + bw / 2, y - 4, s->hist[i]);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"tk\" text-anchor=\"middle\">%s-%s</text>\n", x + bw / 2,
                c.bottom + 16, a, bb);
    }
    fputs("</g>\n", f);
    svg_chart_end(&c);
}

static void write_mmu(const Stats *s, const Budget *b, FILE *f)
{
    fputs("<h2 id=\"mmu\">Minimum mutator utilization</h2>\n", f);
    if (!s->ncurve) {
        fputs("<p class=\"note\">The run is shorter than the smallest window (10 us).</p>\n", f);
        return;
    }
    double x0 = s->curve[0].window_us, x1 = s->curve[s->ncurve - 1].window_us;
    for (size_t i = 0; b && i < b->nmmu; i++) {
        if (b->mmu[i].window_us < x0)
            x0 = b->mmu[i].window_us;
        if (b->mmu[i].window_us > x1)
            x1 = b->mmu[i].window_us;
    }
    SvgChart c;
    svg_chart_begin(&c, f, CHART_W, CHART_H, x0, x1, true, 0, 1,
                    "MMU: the least fraction of any window of this length left to the program",
                    "window (log scale)", "MMU");
    svg_chart_axes(&c, tick_us, NULL);
    fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"3\" points=\"", COL_MMU);
    for (size_t i = 0; i < s->ncurve; i++)
        fprintf(f, "%s%.1f,%.1f", i ? " " : "", svg_x(&c, s->curve[i].window_us), svg_y(&c, s->curve[i].mmu));
    fputs("\"/>\n", f);
    for (size_t i = 0; i < s->ncurve; i++)
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"><title>%g us: %.4f</title></circle>\n",
                svg_x(&c, s->curve[i].window_us), svg_y(&c, s->curve[i].mmu), COL_MMU, s->curve[i].window_us,
                s->curve[i].mmu);
    for (size_t i = 0; b && i < b->nmmu; i++) {
        double x = svg_x(&c, b->mmu[i].window_us), y = svg_y(&c, b->mmu[i].min);
        fprintf(f, "<path d=\"M%.1f %.1fl6 6l-6 6l-6 -6z\" fill=\"%s\"><title>budget: MMU at %g us &ge; %g</title>"
                   "</path>\n",
                x, y - 6, COL_BUDGET, b->mmu[i].window_us, b->mmu[i].min);
    }
    legend(f, c.left + 10, c.top + 18, COL_MMU, false, "MMU");
    if (b && b->nmmu) {
        fprintf(f, "<path d=\"M%.1f %.1fl6 6l-6 6l-6 -6z\" fill=\"%s\"/>", c.left + 16, c.top + 26, COL_BUDGET);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"lg\">budget minimum</text>\n", c.left + 32, c.top + 36);
    }
    svg_chart_end(&c);
}

static void write_heap(const Recording *r, const Stats *s, FILE *f)
{
    uint64_t hz = r->run.clock_hz;
    fputs("<h2 id=\"heap\">Heap over time</h2>\n", f);
    if (!r->nsamples) {
        fputs("<p class=\"note\">The GC runtime reported no heap samples.</p>\n", f);
        return;
    }
    char basis[128];
    fprintf(f, "<p class=\"note\">Heap figures count %s.</p>\n", stats_heap_basis_text(r, basis, sizeof basis));
    double ymax = 0, cap = 0;
    for (size_t i = 0; i < r->nsamples; i++) {
        const RecHeapSample *h = &r->samples[i];
        if (h->used > ymax)
            ymax = (double)h->used;
        if (h->used >= 0 && h->free >= 0 && (double)(h->used + h->free) > cap)
            cap = (double)(h->used + h->free);
    }
    if (s->peak_heap > ymax)
        ymax = (double)s->peak_heap;
    if (cap > ymax)
        ymax = cap;
    double sram = r->run.sram_size;
    bool sram_on = sram > 0 && sram <= ymax * 4;
    if (sram_on && sram > ymax)
        ymax = sram;
    ymax = svg_nice_ceil(ymax * 1.05 / 1024); /* KB from here on */
    double run_ms = ms_of(r->run.cycles, hz);
    SvgChart c;
    svg_chart_begin(&c, f, CHART_W, CHART_H, 0, run_ms > 0 ? run_ms : 1, false, 0, ymax,
                    "Heap in use and largest free block", "simulated time (ms)", "KB (1024 bytes)");
    svg_chart_axes(&c, NULL, NULL);
    static const struct {
        const char *colour;
        int which; /* 0 used, 1 largest free */
    } lines[] = {{COL_HEAP, 0}, {COL_LARGEST, 1}};
    for (size_t l = 0; l < ARRAY_SIZE(lines); l++) {
        fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" points=\"", lines[l].colour);
        bool first = true;
        for (size_t i = 0; i < r->nsamples; i++) {
            const RecHeapSample *h = &r->samples[i];
            int64_t v = lines[l].which ? h->largest_free : h->used;
            if (v < 0)
                continue;
            fprintf(f, "%s%.1f,%.1f", first ? "" : " ", svg_x(&c, ms_of(h->time, hz)), svg_y(&c, (double)v / 1024));
            first = false;
        }
        fputs("\"/>\n", f);
    }
    char lab[96], bb[32];
    if (cap > 0) {
        fmt_bytes(cap, bb, sizeof bb);
        snprintf(lab, sizeof lab, "heap size %s", bb);
        hline(&c, cap / 1024, "#7f7f7f", lab, false);
    }
    if (sram_on) {
        fmt_bytes(sram, bb, sizeof bb);
        snprintf(lab, sizeof lab, "SRAM limit %s", bb);
        hline(&c, sram / 1024, COL_BUDGET, lab, true);
    }
    legend(f, c.left + 10, c.top + 18, COL_HEAP, false, "in use");
    legend(f, c.left + 110, c.top + 18, COL_LARGEST, false, "largest free block");
    svg_chart_end(&c);
    if (!sram_on && sram > 0) {
        fmt_bytes(sram, bb, sizeof bb);
        fmt_bytes((double)r->run.static_bytes, lab, sizeof lab);
        fprintf(f, "<p class=\"note\">SRAM limit %s (off the chart: more than four times the heap); %s static.</p>\n",
                bb, lab);
    }
}

/* ---- allocation sites ---- */

typedef ReportSite Site;

static int cmp_site_key(const void *a, const void *b)
{
    const Site *x = a, *y = b;
    if (x->no_stack != y->no_stack)
        return x->no_stack ? 1 : -1;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int cmp_site_name(const void *a, const void *b)
{
    const Site *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : cmp_site_key(a, b);
}

static int cmp_site_bytes(const void *a, const void *b)
{
    const Site *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes > y->bytes ? -1 : 1;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return cmp_site_name(a, b);
}

/* Neighbours that `same` calls one site become one (sort by the same key first), which
 * keeps the smallest stack id (qsort is not stable: the earliest interned stack keeps
 * the result deterministic). Returns the new count. */
static size_t merge_sites(Site *all, size_t n, bool (*same)(const Site *, const Site *))
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (w && same(&all[w - 1], &all[i])) {
            all[w - 1].bytes += all[i].bytes;
            all[w - 1].count += all[i].count;
            all[w - 1].failed += all[i].failed;
            if (all[i].stack < all[w - 1].stack)
                all[w - 1].stack = all[i].stack;
            free(all[i].name);
        } else {
            all[w++] = all[i];
        }
    }
    return w;
}

static bool same_addr(const Site *a, const Site *b) { return !cmp_site_key(a, b); }
static bool same_name(const Site *a, const Site *b) { return !strcmp(a->name, b->name); }

ReportSite *report_alloc_sites(const Recording *r, const Image *img, size_t *nsites, size_t *nskip)
{
    *nsites = *nskip = 0;
    if (!r->nallocs)
        return NULL;
    /* The leaf frames every allocation stack shares (the allocator's own, e.g. a
     * gc_alloc -> report helper chain) say nothing about the site: skip them, keeping
     * at least one frame of each stack. */
    size_t skip = 0;
    for (bool same = true; same; ) {
        uint32_t addr = 0;
        bool seen = false;
        for (size_t i = 0; i < r->nallocs && same; i++) {
            size_t n;
            const uint32_t *fr = rec_stack_frames(r, r->allocs[i].stack, &n);
            if (n == 0)
                continue;
            if (n <= skip + 1 || (seen && fr[skip] != addr))
                same = false;
            addr = fr[skip];
            seen = true;
        }
        if (!seen)
            same = false;
        if (same)
            skip++;
    }
    Site *all = xmalloc(r->nallocs * sizeof *all);
    for (size_t i = 0; i < r->nallocs; i++) {
        const RecAlloc *a = &r->allocs[i];
        size_t n;
        const uint32_t *fr = rec_stack_frames(r, a->stack, &n);
        all[i] = (Site){.addr = n ? fr[skip] : 0, .no_stack = n == 0, .stack = a->stack,
                        .bytes = a->addr ? a->size : 0, .count = a->addr ? 1 : 0, .failed = a->addr ? 0 : 1};
    }
    /* Group by site address, then by what the site is called: code inlined or
     * duplicated by the compiler puts one source position at several addresses. The
     * sites are return addresses, named at their calls as record.json names them. */
    qsort(all, r->nallocs, sizeof *all, cmp_site_key);
    size_t n = merge_sites(all, r->nallocs, same_addr);
    char name[1024];
    for (size_t i = 0; i < n; i++) {
        if (all[i].no_stack)
            snprintf(name, sizeof name, "(no stack)");
        else if (img)
            traces_addr_text(img, all[i].addr, true, TRACES_FRAME_SEP, name, sizeof name);
        else
            traces_frame_name(r, NULL, all[i].addr, name, sizeof name);
        all[i].name = xstrdup(name);
    }
    qsort(all, n, sizeof *all, cmp_site_name);
    n = merge_sites(all, n, same_name);
    qsort(all, n, sizeof *all, cmp_site_bytes);
    *nsites = n;
    *nskip = skip;
    return all;
}

void report_sites_free(ReportSite *sites, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(sites[i].name);
    free(sites);
}

static void write_sites(const Recording *r, const Image *img, FILE *f)
{
    fputs("<h2 id=\"sites\">Top allocation sites</h2>\n", f);
    if (!r->nallocs) {
        fputs("<p class=\"note\">No allocations were recorded.</p>\n", f);
        return;
    }
    size_t n, skip;
    Site *all = report_alloc_sites(r, img, &n, &skip);
    char name[1024], bb[32];
    if (skip) {
        size_t nf;
        const uint32_t *fr = rec_stack_frames(r, all[0].stack, &nf);
        fputs("<p class=\"note\">Sites by the bytes requested there. Left out, as common to every allocation: ", f);
        for (size_t k = 0; k < skip && k < nf; k++) {
            if (k)
                fputs(" &larr; ", f);
            html_escape(f, traces_frame_name(r, img, fr[k], name, sizeof name));
        }
        fputs(".</p>\n", f);
    }
    fputs("<table class=\"sites\"><tr><th class=\"n\">#</th><th class=\"n\">Bytes requested</th><th class=\"n\">Objects</th>"
          "<th class=\"n\">Failed</th><th>Site</th><th>Called from</th></tr>\n",
          f);
    for (size_t i = 0; i < n && i < MAX_SITES; i++) {
        const Site *s = &all[i];
        fmt_bytes((double)s->bytes, bb, sizeof bb);
        fprintf(f, "<tr><td class=\"n\">%zu</td><td class=\"n\">%s</td><td class=\"n\">%" PRIu64
                   "</td><td class=\"n\">%" PRIu64 "</td><td>",
                i + 1, bb, s->count, s->failed);
        html_escape(f, s->name);
        fputs("</td><td>", f);
        size_t nf;
        const uint32_t *fr = rec_stack_frames(r, s->stack, &nf);
        for (size_t k = skip + 1; k < nf && k < skip + 4; k++) {
            if (k > skip + 1)
                fputs(" &larr; ", f);
            html_escape(f, traces_frame_name(r, img, fr[k], name, sizeof name));
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
    if (n > MAX_SITES)
        fprintf(f, "<p class=\"note\">%zu more sites not shown.</p>\n", n - MAX_SITES);
    report_sites_free(all, n);
}

/* ---- gctrace ---- */

static void write_gctrace(const Recording *r, FILE *f)
{
    fputs("<h2 id=\"gctrace\">gctrace</h2>\n", f);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m)
        return;
    gctrace_write(r, m);
    fclose(m);
    fputs("<pre class=\"gctrace\">", f);
    size_t lines = 0;
    char *p = buf;
    while (p && *p && lines < MAX_GCTRACE_LINES) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        html_escape(f, p);
        fputc('\n', f);
        lines++;
        p = nl ? nl + 1 : NULL;
    }
    fputs("</pre>\n", f);
    if (p && *p)
        fputs("<p class=\"note\">(more lines in gctrace.log)</p>\n", f);
    free(buf);
}

/* ---- baseline ---- */

static void write_diff_table(const RunDiff *d, FILE *f)
{
    fputs("<table class=\"diff\"><tr><th>Figure</th><th class=\"n\">A (baseline)</th><th class=\"n\">B (this run)"
          "</th><th class=\"n\">B &minus; A</th><th class=\"n\">Change</th><th>Worse when</th><th>B is</th></tr>\n",
          f);
    for (size_t i = 0; i < d->nrows; i++) {
        const DiffRow *row = &d->rows[i];
        DiffCells c;
        diff_row_cells(row, &c);
        fprintf(f, "<tr><td>%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
                   "<td class=\"n\">%s</td><td>%s</td><td class=\"%s\">%s</td></tr>\n",
                row->name, c.a, c.b, c.delta, c.pct, diff_worse_name(row->worse),
                c.verdict == DIFF_WORSE ? "fail" : c.verdict == DIFF_BETTER ? "pass" : "same",
                diff_verdict_name(c.verdict));
    }
    fputs("</table>\n", f);
}

static void write_diff_sites(const DiffSite *v, size_t n, size_t total, const char *what, DiffUnit unit,
                             const char *amount, const char *count, FILE *f)
{
    if (!n) {
        fprintf(f, "<p class=\"note\">None of the %zu %s grew.</p>\n", total, what);
        return;
    }
    fprintf(f, "<p>%zu of the %zu %s grew, the largest growth first:</p>\n", n, total, what);
    fprintf(f, "<table class=\"sites\"><tr><th class=\"n\">%s A</th><th class=\"n\">%s B</th>"
               "<th class=\"n\">Change</th><th class=\"n\">%s A</th><th class=\"n\">%s B</th><th>Site</th></tr>\n",
            amount, amount, count, count);
    for (size_t i = 0; i < n && i < MAX_SITES; i++) {
        DiffSiteCells c;
        diff_site_cells(&v[i], unit, &c);
        fprintf(f, "<tr><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%" PRIu64
                   "</td><td class=\"n\">%" PRIu64 "</td><td>",
                c.a, c.b, c.pct, v[i].count[0], v[i].count[1]);
        html_escape(f, v[i].name);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
    if (n > MAX_SITES)
        fprintf(f, "<p class=\"note\">%zu more not shown.</p>\n", n - MAX_SITES);
}

/* Both runs' pause histograms, a pair of bars a bucket. */
static void write_diff_histogram(const RunDiff *d, FILE *f)
{
    size_t lo = 0;
    while (lo < d->nhist && !d->hist[0][lo] && !d->hist[1][lo])
        lo++;
    if (lo == d->nhist) {
        fputs("<p class=\"note\">No collections in either run.</p>\n", f);
        return;
    }
    size_t nb = d->nhist - lo;
    uint64_t maxc = 0;
    for (size_t i = lo; i < d->nhist; i++)
        for (int k = 0; k < 2; k++)
            if (d->hist[k][i] > maxc)
                maxc = d->hist[k][i];
    SvgChart c;
    double bw = hist_chart_begin(&c, f, nb, maxc, "Pauses by length (log2 buckets): A and B");
    static const char *const colour[2] = {COL_BASE, COL_HIST};
    fputs("<g shape-rendering=\"crispEdges\">\n", f);
    for (size_t j = 0; j < nb; j++) {
        size_t i = lo + j;
        char a[24], bb[24];
        tick_us(i ? (double)(1ull << (i - 1)) : 0, a, sizeof a);
        tick_us((double)(1ull << i), bb, sizeof bb);
        double half = (bw - 4) / 2 > 1 ? (bw - 4) / 2 : 1;
        for (int k = 0; k < 2; k++) {
            if (!d->hist[k][i])
                continue;
            double x = c.left + bw * (double)j + 2 + half * k, y = svg_y(&c, (double)d->hist[k][i]);
            fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s..%s: %" PRIu64
                       "</title></rect>\n",
                    x, y, half, c.bottom - y, colour[k], k ? "B" : "A", a, bb, d->hist[k][i]);
        }
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"tk\" text-anchor=\"middle\">%s-%s</text>\n",
                c.left + bw * (double)j + bw / 2, c.bottom + 16, a, bb);
    }
    fputs("</g>\n", f);
    legend(f, c.right - 220, c.top + 18, COL_BASE, false, "A (baseline)");
    legend(f, c.right - 110, c.top + 18, COL_HIST, false, "B (this run)");
    svg_chart_end(&c);
}

/* Both runs' MMU curves on one chart. */
static void write_diff_mmu(const RunDiff *d, FILE *f)
{
    double x0 = 0, x1 = 0;
    bool any = false;
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < d->ncurve[k]; i++) {
            double w = d->curve[k][i].window_us;
            x0 = any && x0 < w ? x0 : w;
            x1 = any && x1 > w ? x1 : w;
            any = true;
        }
    if (!any) {
        fputs("<p class=\"note\">Both runs are shorter than the smallest window (10 us).</p>\n", f);
        return;
    }
    if (x1 <= x0)
        x1 = x0 * 10;
    SvgChart c;
    svg_chart_begin(&c, f, CHART_W, CHART_H, x0, x1, true, 0, 1, "MMU of A and B", "window (log scale)", "MMU");
    svg_chart_axes(&c, tick_us, NULL);
    static const char *const colour[2] = {COL_BASE, COL_MMU};
    for (int k = 0; k < 2; k++) {
        fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"3\"%s points=\"", colour[k],
                k ? "" : " stroke-dasharray=\"6,4\"");
        for (size_t i = 0; i < d->ncurve[k]; i++)
            fprintf(f, "%s%.1f,%.1f", i ? " " : "", svg_x(&c, d->curve[k][i].window_us),
                    svg_y(&c, d->curve[k][i].mmu));
        fputs("\"/>\n", f);
        for (size_t i = 0; i < d->ncurve[k]; i++)
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"><title>%s %g us: %.4f</title></circle>\n",
                    svg_x(&c, d->curve[k][i].window_us), svg_y(&c, d->curve[k][i].mmu), colour[k], k ? "B" : "A",
                    d->curve[k][i].window_us, d->curve[k][i].mmu);
    }
    legend(f, c.left + 10, c.top + 18, COL_BASE, true, "A (baseline)");
    legend(f, c.left + 130, c.top + 18, COL_MMU, false, "B (this run)");
    svg_chart_end(&c);
}

static void write_baseline(const Recording *r, const Image *img, const Recording *base, const char *base_name,
                           FILE *f)
{
    RunDiff d;
    diff_compute(base, r, img, &d);
    const char *image = base->run.image ? base->run.image : "?";
    const char *slash = strrchr(image, '/');
    fputs("<h2 id=\"baseline\">Against the baseline</h2>\n<p class=\"note\">A: ", f);
    html_escape(f, base_name);
    fputs(" (", f);
    html_escape(f, slash ? slash + 1 : image);
    fprintf(f, ", %.6f s simulated); B: this run. The change is in percent of A.</p>\n",
            (double)stats_cycles_to_ns(base->run.cycles, base->run.clock_hz) / 1e9);
    write_diff_table(&d, f);
    write_diff_sites(d.alloc_sites, d.nalloc_sites, d.alloc_sites_total, "allocation sites", DIFF_UNIT_BYTES, "Bytes",
                     "Objects", f);
    write_diff_sites(d.triggers, d.ntriggers, d.triggers_total, DIFF_TRIGGERS, DIFF_UNIT_US, "Pause time", "Pauses",
                     f);
    write_diff_histogram(&d, f);
    write_diff_mmu(&d, f);
    diff_free(&d);
}

int report_write_html(const Recording *r, const Image *img, const Budget *b, const Measured *m,
                      const BudgetReport *rep, FILE *f)
{
    return report_write_html_baseline(r, img, b, m, rep, NULL, NULL, f);
}

int report_write_html_baseline(const Recording *r, const Image *img, const Budget *b, const Measured *m,
                               const BudgetReport *rep, const Recording *baseline, const char *base_name, FILE *f)
{
    Stats s;
    stats_compute(r, &s);
    const char *image = r->run.image ? r->run.image : "?";
    const char *base = strrchr(image, '/');
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>baregc report: ", f);
    html_escape(f, base ? base + 1 : image);
    fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>baregc report: ", css);
    html_escape(f, base ? base + 1 : image);
    fputs("</h1>\n<p class=\"note\">Garbage collection of a simulated run: times are simulated time at the board's "
          "clock. Sections: run, ",
          f);
    fputs(rep ? "budget, " : "", f);
    fputs(baseline ? "against the baseline, " : "", f);
    fputs("pause timeline, pause histogram, MMU, heap over time, allocation sites, gctrace.</p>\n", f);
    write_facts(r, &s, f);
    if (rep)
        write_budget(b, m, rep, f);
    if (baseline)
        write_baseline(r, img, baseline, base_name ? base_name : "baseline", f);
    write_timeline(r, &s, b, f);
    write_histogram(&s, f);
    write_mmu(&s, b, f);
    write_heap(r, &s, f);
    write_sites(r, img, f);
    write_gctrace(r, f);
    fputs("</body>\n</html>\n", f);
    stats_free(&s);
    return ferror(f) ? -1 : 0;
}

/* ---- sweep ---- */

static void cell_num(FILE *f, bool known, const char *fmt, double v)
{
    fputs("<td class=\"n\">", f);
    if (known)
        fprintf(f, fmt, v);
    fputs("</td>", f);
}

/* Was a row with the same value of key(row) seen before row i? */
static bool seen_before(const SweepRow *rows, size_t i, bool (*same)(const SweepRow *a, const SweepRow *b))
{
    for (size_t k = 0; k < i; k++)
        if (rows[k].ran && same(&rows[k], &rows[i]))
            return true;
    return false;
}

static bool same_x(const SweepRow *a, const SweepRow *b) { return a->x == b->x; }
static bool same_series(const SweepRow *a, const SweepRow *b) { return !strcmp(a->series, b->series); }

/* One series' max pause (solid) and p99 (dashed) lines, its points and its legend. */
static void sweep_series(const SvgChart *c, const SweepRow *rows, size_t n, size_t first, size_t series, FILE *f)
{
    static const char *const palette[] = {COL_PAUSE, COL_HEAP, COL_MMU, COL_LARGEST, COL_HIST};
    const char *col = palette[series % ARRAY_SIZE(palette)];
    const char *key = rows[first].series;
    for (int which = 0; which < 2; which++) {
        fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s points=\"", col, which ? "2" : "3",
                which ? " stroke-dasharray=\"6,4\"" : "");
        bool start = true;
        for (size_t k = first; k < n; k++) {
            const SweepRow *w = &rows[k];
            bool has = which ? w->has_p99 : w->has_max_pause;
            if (!w->ran || strcmp(w->series, key) || !has || w->oom)
                continue;
            fprintf(f, "%s%.1f,%.1f", start ? "" : " ", svg_x(c, w->x), svg_y(c, which ? w->p99_us : w->max_pause_us));
            start = false;
        }
        fputs("\"/>\n", f);
    }
    for (size_t k = first; k < n; k++) {
        const SweepRow *w = &rows[k];
        if (!w->ran || strcmp(w->series, key))
            continue;
        double x = svg_x(c, w->x);
        if (w->oom) {
            double y = c->bottom - 8;
            fprintf(f, "<path d=\"M%.1f %.1fl12 12m0 -12l-12 12\" stroke=\"%s\" stroke-width=\"3\"><title>", x - 6,
                    y - 6, COL_BUDGET);
            html_escape(f, w->params);
            fputs(": out of memory / fault</title></path>\n", f);
        } else if (w->has_max_pause) {
            fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"><title>", x, svg_y(c, w->max_pause_us),
                    col);
            html_escape(f, w->params);
            fprintf(f, ": max %.1f us</title></circle>\n", w->max_pause_us);
        }
    }
    char *lab = xasprintf("max pause%s%s", *key ? ", " : "", key);
    legend(f, c->left + 10 + 230 * (double)series, c->top + 18, col, false, lab);
    legend(f, c->left + 10 + 230 * (double)series, c->top + 36, col, true, "p99");
    free(lab);
}

/* Max pause and p99 against the chart's parameter. */
static void sweep_chart(const SweepPage *p, FILE *f)
{
    const SweepRow *rows = p->rows;
    double xmin = 0, xmax = 0, ymax = 0;
    bool any = false;
    for (size_t i = 0; i < p->n; i++) {
        if (!rows[i].ran)
            continue;
        double x = rows[i].x;
        xmin = !any || x < xmin ? x : xmin;
        xmax = !any || x > xmax ? x : xmax;
        any = true;
        if (rows[i].has_max_pause && rows[i].max_pause_us > ymax)
            ymax = rows[i].max_pause_us;
    }
    fputs("<h2 id=\"chart\">Pauses against ", f);
    html_escape(f, p->x_name);
    fputs("</h2>\n", f);
    if (!any) {
        fputs("<p class=\"note\">No run ended.</p>\n", f);
        return;
    }
    SvgChart c;
    double pad = xmax > xmin ? (xmax - xmin) * 0.05 : fabs(xmin) * 0.1 + 1;
    char *title = xasprintf("Max pause and p99 by %s (x: out of memory / fault)", p->x_name);
    svg_chart_begin(&c, f, CHART_W, CHART_H + 40, xmin - pad, xmax + pad, false, 0, svg_nice_ceil(ymax * 1.05 + 1),
                    title, p->x_name, "pause length");
    free(title);
    c.no_xticks = true;
    svg_chart_axes(&c, NULL, tick_us);
    /* x labels at each distinct value, as given */
    for (size_t i = 0; i < p->n; i++) {
        if (!rows[i].ran || seen_before(rows, i, same_x))
            continue;
        double x = svg_x(&c, rows[i].x);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>\n", x, c.top, x, c.bottom);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"tk\" text-anchor=\"middle\">", x, c.bottom + 16);
        html_escape(f, rows[i].x_text);
        fputs("</text>\n", f);
    }
    size_t series = 0;
    for (size_t i = 0; i < p->n; i++)
        if (rows[i].ran && !seen_before(rows, i, same_series))
            sweep_series(&c, rows, p->n, i, series++, f);
    svg_chart_end(&c);
}

/* The Exit cell: the run's whole exit status, else baregc run's. */
static void exit_cell(const SweepRow *w, FILE *f)
{
    if (w->has_exit_status)
        fprintf(f, "<td class=\"n\">%lld</td>", w->exit_status);
    else if (w->ran && w->status >= 0)
        fprintf(f, "<td class=\"n\">%d</td>", w->status);
    else
        fputs("<td class=\"n\"></td>", f);
}

int report_write_sweep_html(const SweepPage *p, FILE *f)
{
    const SweepRow *rows = p->rows;
    size_t ran = 0;
    for (size_t i = 0; i < p->n; i++)
        ran += rows[i].ran;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>baregc sweep: ", f);
    html_escape(f, p->image);
    fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>baregc sweep: ", css);
    html_escape(f, p->image);
    fprintf(f, "</h1>\n<p class=\"note\">%zu run%s. The pause versus memory trade-off of the collector: the smallest "
               "memory this firmware runs on%s.</p>\n",
            p->n, p->n == 1 ? "" : "s", p->budget ? " within its budget" : "");
    if (p->partial)
        fprintf(f, "<p class=\"note\">Partial: the sweep was interrupted; %zu of %zu runs were started, and the "
                   "last of them may have been stopped before their end.</p>\n",
                ran, p->n);
    sweep_chart(p, f);

    fputs("<h2 id=\"runs\">Runs</h2>\n<table class=\"sweep\"><tr><th>Parameters</th><th class=\"n\">Exit</th>"
          "<th>End</th><th class=\"n\">Pauses</th><th class=\"n\">Max pause (us)</th><th class=\"n\">p99 (us)</th>"
          "<th class=\"n\">GC CPU</th><th class=\"n\">Peak heap (B)</th><th class=\"n\">Min headroom (B)</th>"
          "<th>Out of memory</th>",
          f);
    if (p->budget)
        fputs("<th>Budget</th>", f);
    fputs("<th>Files</th></tr>\n", f);
    for (size_t i = 0; i < p->n; i++) {
        const SweepRow *w = &rows[i];
        fputs("<tr><td>", f);
        html_escape(f, w->params);
        fputs("</td>", f);
        exit_cell(w, f);
        fputs("<td>", f);
        html_escape(f, !w->ran ? "not run" : w->exit_reason ? w->exit_reason : "?");
        fputs("</td>", f);
        cell_num(f, w->has_summary, "%.0f", w->pauses);
        cell_num(f, w->has_max_pause, "%.1f", w->max_pause_us);
        cell_num(f, w->has_p99, "%.1f", w->p99_us);
        cell_num(f, w->has_summary, "%.4f", w->gc_cpu_fraction);
        cell_num(f, w->has_peak, "%.0f", w->peak_heap);
        cell_num(f, w->has_headroom, "%.0f", w->min_headroom);
        if (w->ran)
            fprintf(f, "<td class=\"%s\">%s</td>", w->oom ? "fail" : "pass", w->oom ? "yes" : "no");
        else
            fputs("<td></td>", f);
        if (p->budget && w->ran)
            fprintf(f, "<td class=\"%s\">%s</td>", w->verdict == 1 ? "pass" : "fail",
                    w->verdict == 1 ? "PASS" : "FAIL");
        else if (p->budget)
            fputs("<td></td>", f);
        fputs("<td>", f);
        html_escape(f, w->dir);
        fputs("/</td></tr>\n", f);
    }
    fputs("</table>\n</body>\n</html>\n", f);
    return ferror(f) ? -1 : 0;
}
