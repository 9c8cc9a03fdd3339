/* diff.c: two runs side by side: their figures, what changed and which way, and the
 * allocation sites and collection triggers that grew. */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "traces/budget.h"
#include "traces/diff.h"
#include "traces/report.h"
#include "traces/traces.h"

#define PRINT_MAX_SITES 20

/* ---- figures ---- */

static DiffRow *add_row(RunDiff *d, const char *name, DiffUnit unit, DiffWorse worse)
{
    DiffRow *row = &d->rows[d->nrows++];
    *row = (DiffRow){.name = name, .unit = unit, .worse = worse};
    return row;
}

static void set_v(DiffRow *row, int side, bool known, double v)
{
    row->known[side] = known;
    row->v[side] = known ? v : 0;
}

static double us_of(uint64_t cycles, uint64_t hz)
{
    /* The same conversion as summary.json and the budget's. */
    return (double)stats_cycles_to_ns(cycles, hz) / 1000.0;
}

/* The rows, in the order they are shown, with side's values from r and s. */
static void fill_rows(RunDiff *d, int side, const Recording *r, const Stats *s)
{
    const RecRunInfo *ri = &r->run;
    uint64_t hz = ri->clock_hz;
    bool p = s->npauses > 0;
    /* Interrupts whose entry a pause held back (each pause counts them). */
    double held = 0;
    for (size_t i = 0; i < r->npauses; i++)
        held += r->pauses[i].irq_delayed;
    const struct {
        const char *name;
        DiffUnit unit;
        DiffWorse worse;
        bool known;
        double v;
    } figures[] = {
        {"simulated time", DIFF_UNIT_SECONDS, DIFF_WORSE_NEITHER, true, (double)stats_cycles_to_ns(ri->cycles, hz) / 1e9},
        {"pauses", DIFF_UNIT_COUNT, DIFF_WORSE_HIGHER, true, (double)s->npauses},
        {"pause time in total", DIFF_UNIT_US, DIFF_WORSE_HIGHER, true, us_of(s->pause_total, hz)},
        {"max pause", DIFF_UNIT_US, DIFF_WORSE_HIGHER, true, p ? us_of(s->pause_max, hz) : 0},
        {"p99.9 pause", DIFF_UNIT_US, DIFF_WORSE_HIGHER, true, p ? us_of(s->p999, hz) : 0},
        {"p99 pause", DIFF_UNIT_US, DIFF_WORSE_HIGHER, true, p ? us_of(s->p99, hz) : 0},
        {"p90 pause", DIFF_UNIT_US, DIFF_WORSE_HIGHER, true, p ? us_of(s->p90, hz) : 0},
        {"p50 pause", DIFF_UNIT_US, DIFF_WORSE_HIGHER, true, p ? us_of(s->p50, hz) : 0},
        {"mean pause", DIFF_UNIT_US, DIFF_WORSE_HIGHER, true, p ? s->pause_mean * 1e6 / (double)(hz ? hz : 1000000) : 0},
        {"GC CPU fraction", DIFF_UNIT_FRACTION, DIFF_WORSE_HIGHER, true, s->gc_cpu_fraction},
        {"MMU 100 us", DIFF_UNIT_FRACTION, DIFF_WORSE_LOWER, s->mmu_100us >= 0, s->mmu_100us},
        {"MMU 1 ms", DIFF_UNIT_FRACTION, DIFF_WORSE_LOWER, s->mmu_1ms >= 0, s->mmu_1ms},
        {"MMU 10 ms", DIFF_UNIT_FRACTION, DIFF_WORSE_LOWER, s->mmu_10ms >= 0, s->mmu_10ms},
        {"MMU 100 ms", DIFF_UNIT_FRACTION, DIFF_WORSE_LOWER, s->mmu_100ms >= 0, s->mmu_100ms},
        {"allocated", DIFF_UNIT_BYTES, DIFF_WORSE_HIGHER, true, (double)s->alloc_bytes},
        {"allocations", DIFF_UNIT_COUNT, DIFF_WORSE_HIGHER, true, (double)s->nallocs},
        {"allocation failures", DIFF_UNIT_COUNT, DIFF_WORSE_HIGHER, true, (double)r->alloc_failures},
        {"peak heap", DIFF_UNIT_BYTES, DIFF_WORSE_HIGHER, s->peak_heap >= 0, (double)s->peak_heap},
        {"worst fragmentation", DIFF_UNIT_FRACTION, DIFF_WORSE_HIGHER, s->worst_frag >= 0, s->worst_frag},
        {"min SRAM headroom", DIFF_UNIT_BYTES, DIFF_WORSE_LOWER, s->min_sram_headroom != REC_UNKNOWN,
         (double)s->min_sram_headroom},
        {"min stack headroom", DIFF_UNIT_BYTES, DIFF_WORSE_LOWER, s->stack_headroom != REC_UNKNOWN,
         (double)s->stack_headroom},
        {"stack high-water", DIFF_UNIT_BYTES, DIFF_WORSE_HIGHER, s->stack_high_water != REC_UNKNOWN,
         (double)s->stack_high_water},
        {"worst interrupt latency", DIFF_UNIT_US, DIFF_WORSE_HIGHER, s->irq_worst >= 0, us_of(s->irq_max, hz)},
        {"interrupts held back", DIFF_UNIT_COUNT, DIFF_WORSE_HIGHER, r->nirqs > 0, held},
    };
    _Static_assert(ARRAY_SIZE(figures) <= DIFF_MAX_ROWS, "DIFF_MAX_ROWS too small");
    for (size_t i = 0; i < ARRAY_SIZE(figures); i++) {
        if (side == 0)
            add_row(d, figures[i].name, figures[i].unit, figures[i].worse);
        set_v(&d->rows[i], side, figures[i].known, figures[i].v);
    }
}

DiffVerdict diff_row_verdict(const DiffRow *row)
{
    if (!row->known[0] || !row->known[1])
        return DIFF_UNKNOWN;
    if (row->v[0] == row->v[1])
        return DIFF_SAME;
    if (row->worse == DIFF_WORSE_NEITHER)
        return DIFF_CHANGED;
    bool higher = row->v[1] > row->v[0];
    return higher == (row->worse == DIFF_WORSE_HIGHER) ? DIFF_WORSE : DIFF_BETTER;
}

bool diff_row_pct(const DiffRow *row, double *pct)
{
    if (!row->known[0] || !row->known[1] || (row->v[0] == 0 && row->v[1] != 0))
        return false;
    *pct = row->v[0] == row->v[1] ? 0 : (row->v[1] - row->v[0]) / fabs(row->v[0]) * 100;
    return true;
}

const char *diff_verdict_name(DiffVerdict v)
{
    switch (v) {
    case DIFF_SAME: return "same";
    case DIFF_WORSE: return "worse";
    case DIFF_BETTER: return "better";
    case DIFF_CHANGED: return "changed";
    default: return "n/a";
    }
}

const char *diff_worse_name(DiffWorse w)
{
    switch (w) {
    case DIFF_WORSE_HIGHER: return "higher";
    case DIFF_WORSE_LOWER: return "lower";
    default: return "-";
    }
}

void diff_fmt_value(const DiffRow *row, double v, bool sign, char *buf, size_t n)
{
    const char *plus = sign && v > 0 ? "+" : "";
    switch (row->unit) {
    case DIFF_UNIT_US: snprintf(buf, n, "%s%.3f us", plus, v); break; /* as `baregc check` */
    case DIFF_UNIT_SECONDS: snprintf(buf, n, "%s%.6f s", plus, v); break;
    case DIFF_UNIT_FRACTION: snprintf(buf, n, "%s%.6f", plus, v); break;
    case DIFF_UNIT_BYTES: snprintf(buf, n, "%s%.0f B", plus, v); break;
    default: snprintf(buf, n, "%s%.0f", plus, v); break;
    }
}

void diff_fmt_pct(const DiffRow *row, char *buf, size_t n)
{
    double pct;
    if (!diff_row_pct(row, &pct))
        snprintf(buf, n, "n/a");
    else if (pct == 0)
        snprintf(buf, n, "0.00%%");
    else
        snprintf(buf, n, "%+.2f%%", pct);
}

void diff_row_cells(const DiffRow *row, DiffCells *c)
{
    snprintf(c->a, sizeof c->a, "unknown");
    snprintf(c->b, sizeof c->b, "unknown");
    snprintf(c->delta, sizeof c->delta, "-");
    if (row->known[0])
        diff_fmt_value(row, row->v[0], false, c->a, sizeof c->a);
    if (row->known[1])
        diff_fmt_value(row, row->v[1], false, c->b, sizeof c->b);
    if (row->known[0] && row->known[1])
        diff_fmt_value(row, row->v[1] - row->v[0], true, c->delta, sizeof c->delta);
    diff_fmt_pct(row, c->pct, sizeof c->pct);
    c->verdict = diff_row_verdict(row);
}

/* ---- sites ---- */

typedef struct SiteList {
    DiffSite *v;
    size_t n, cap;
} SiteList;

static void site_add(SiteList *l, const char *name, int side, double amount, uint64_t count)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    DiffSite *s = &l->v[l->n++];
    *s = (DiffSite){.name = xstrdup(name)};
    s->amount[side] = amount;
    s->count[side] = count;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const DiffSite *)a)->name, ((const DiffSite *)b)->name);
}

static double growth(const DiffSite *s)
{
    return s->amount[1] - s->amount[0];
}

static int cmp_growth(const void *a, const void *b)
{
    const DiffSite *x = a, *y = b;
    double gx = growth(x), gy = growth(y);
    if (gx != gy)
        return gx > gy ? -1 : 1;
    int64_t cx = (int64_t)(x->count[1] - x->count[0]), cy = (int64_t)(y->count[1] - y->count[0]);
    if (cx != cy)
        return cx > cy ? -1 : 1;
    return cmp_name(a, b);
}

/* One site per name (both runs' figures summed), then only those that grew, the
 * largest growth first. *total: the sites there were. */
static DiffSite *sites_grown(SiteList *l, size_t *n, size_t *total)
{
    if (l->n)
        qsort(l->v, l->n, sizeof *l->v, cmp_name);
    size_t w = 0;
    for (size_t i = 0; i < l->n; i++) {
        DiffSite *s = &l->v[i];
        if (w && !strcmp(l->v[w - 1].name, s->name)) {
            DiffSite *t = &l->v[w - 1];
            for (int k = 0; k < 2; k++) {
                t->amount[k] += s->amount[k];
                t->count[k] += s->count[k];
            }
            free(s->name);
        } else {
            l->v[w++] = *s;
        }
    }
    *total = w;
    size_t g = 0;
    for (size_t i = 0; i < w; i++) {
        DiffSite *s = &l->v[i];
        if (s->amount[1] > s->amount[0] || s->count[1] > s->count[0])
            l->v[g++] = *s;
        else
            free(s->name);
    }
    if (g)
        qsort(l->v, g, sizeof *l->v, cmp_growth);
    *n = g;
    return l->v;
}

static void add_alloc_sites(SiteList *l, int side, const Recording *r, const Image *img)
{
    size_t n, skip;
    ReportSite *sites = report_alloc_sites(r, img, &n, &skip);
    for (size_t i = 0; i < n; i++)
        site_add(l, sites[i].name, side, (double)sites[i].bytes, sites[i].count);
    report_sites_free(sites, n);
}

/* A pause's trigger: the collector's caller and its caller. */
static void trigger_name(const Recording *r, const Image *img, StackId stack, char *buf, size_t n)
{
    size_t nf;
    const uint32_t *fr = rec_stack_frames(r, stack, &nf);
    if (!nf) {
        snprintf(buf, n, "(no stack)");
        return;
    }
    traces_frame_name(r, img, fr[0], buf, n);
    if (nf > 1) {
        size_t at = strlen(buf);
        snprintf(buf + at, n - at, "%s", TRACES_FRAME_SEP);
        at = strlen(buf);
        traces_frame_name(r, img, fr[1], buf + at, n - at);
    }
}

static void add_triggers(SiteList *l, int side, const Recording *r, const Image *img)
{
    /* Named once a stack: naming from an image looks at every stack. */
    char **names = xcalloc(r->nstacks ? r->nstacks : 1, sizeof *names);
    uint64_t hz = r->run.clock_hz;
    for (size_t i = 0; i < r->npauses; i++) {
        const RecPause *p = &r->pauses[i];
        size_t k = p->stack < r->nstacks ? p->stack : 0;
        if (!names[k]) {
            char buf[2048];
            trigger_name(r, img, (StackId)k, buf, sizeof buf);
            names[k] = xstrdup(buf);
        }
        uint64_t end = p->end < p->start ? p->start : p->end;
        if (i == r->npauses - 1 && r->priv_pause_open && r->run.cycles > p->start)
            end = r->run.cycles;
        site_add(l, names[k], side, us_of(end - p->start, hz), 1);
    }
    for (size_t k = 0; k < (r->nstacks ? r->nstacks : 1); k++)
        free(names[k]);
    free(names);
}

void diff_compute(const Recording *a, const Recording *b, const Image *img, RunDiff *d)
{
    memset(d, 0, sizeof *d);
    const Recording *r[2] = {a, b};
    SiteList sites = {0}, triggers = {0};
    for (int side = 0; side < 2; side++) {
        const Image *im = side ? img : NULL;
        Stats s;
        stats_compute(r[side], &s);
        d->run[side] = &r[side]->run;
        fill_rows(d, side, r[side], &s);
        memcpy(d->hist[side], s.hist, sizeof s.hist);
        if (s.nhist > d->nhist)
            d->nhist = s.nhist;
        memcpy(d->curve[side], s.curve, sizeof s.curve);
        d->ncurve[side] = s.ncurve;
        stats_free(&s);
        add_alloc_sites(&sites, side, r[side], im);
        add_triggers(&triggers, side, r[side], im);
    }
    d->alloc_sites = sites_grown(&sites, &d->nalloc_sites, &d->alloc_sites_total);
    d->triggers = sites_grown(&triggers, &d->ntriggers, &d->triggers_total);
}

void diff_free(RunDiff *d)
{
    for (size_t i = 0; i < d->nalloc_sites; i++)
        free(d->alloc_sites[i].name);
    for (size_t i = 0; i < d->ntriggers; i++)
        free(d->triggers[i].name);
    free(d->alloc_sites);
    free(d->triggers);
    memset(d, 0, sizeof *d);
}

/* ---- the terminal's table ---- */

static void print_run(const char *label, const char *name, const RecRunInfo *ri, FILE *f)
{
    const char *img = ri->image ? ri->image : "?";
    const char *base = strrchr(img, '/');
    fprintf(f, "%s %s: %s on %s (%s, %.3f MHz), %s, %.6f s simulated, ended by %s%s\n", label, name,
            base ? base + 1 : img, ri->board ? ri->board : "?", ri->core ? ri->core : "?",
            (double)ri->clock_hz / 1e6, ri->runtime ? ri->runtime : "no GC runtime",
            (double)stats_cycles_to_ns(ri->cycles, ri->clock_hz) / 1e9, ri->exit_reason ? ri->exit_reason : "?",
            ri->partial ? " (partial)" : "");
}

void diff_site_cells(const DiffSite *s, DiffUnit unit, DiffSiteCells *c)
{
    DiffRow fmt = {.unit = unit};
    diff_fmt_value(&fmt, s->amount[0], false, c->a, sizeof c->a);
    diff_fmt_value(&fmt, s->amount[1], false, c->b, sizeof c->b);
    if (s->amount[0] > 0)
        snprintf(c->pct, sizeof c->pct, "%+.2f%%", growth(s) / s->amount[0] * 100);
    else
        snprintf(c->pct, sizeof c->pct, "new");
}

/* what: "allocation sites"; amount, count: the columns ("bytes", "objects"). */
static void print_sites(const DiffSite *v, size_t n, size_t total, const char *what, const char *amount,
                        DiffUnit unit, const char *count, FILE *f)
{
    if (!n) {
        fprintf(f, "none of the %zu %s grew\n", total, what);
        return;
    }
    fprintf(f, "%zu of the %zu %s grew, the largest growth first:\n", n, total, what);
    char h[4][32];
    snprintf(h[0], sizeof h[0], "%s A", amount);
    snprintf(h[1], sizeof h[1], "%s B", amount);
    snprintf(h[2], sizeof h[2], "%s A", count);
    snprintf(h[3], sizeof h[3], "%s B", count);
    fprintf(f, "  %15s %15s %9s %10s %10s  %s\n", h[0], h[1], "change", h[2], h[3], "site");
    for (size_t i = 0; i < n && i < PRINT_MAX_SITES; i++) {
        DiffSiteCells c;
        diff_site_cells(&v[i], unit, &c);
        fprintf(f, "  %15s %15s %9s %10" PRIu64 " %10" PRIu64 "  %s\n", c.a, c.b, c.pct, v[i].count[0],
                v[i].count[1], v[i].name);
    }
    if (n > PRINT_MAX_SITES)
        fprintf(f, "  (%zu more)\n", n - PRINT_MAX_SITES);
}

void diff_print(const RunDiff *d, const char *name_a, const char *name_b, FILE *f)
{
    print_run("A", name_a, d->run[0], f);
    print_run("B", name_b, d->run[1], f);
    fprintf(f, "  %-24s %15s %15s %15s %9s  %-10s %s\n", "figure", "A", "B", "B - A", "change", "worse when", "B is");
    size_t worse = 0, better = 0;
    for (size_t i = 0; i < d->nrows; i++) {
        const DiffRow *row = &d->rows[i];
        DiffCells c;
        diff_row_cells(row, &c);
        worse += c.verdict == DIFF_WORSE;
        better += c.verdict == DIFF_BETTER;
        fprintf(f, "  %-24s %15s %15s %15s %9s  %-10s %s\n", row->name, c.a, c.b, c.delta, c.pct,
                diff_worse_name(row->worse), diff_verdict_name(c.verdict));
    }
    fprintf(f, "B is worse than A in %zu figure%s, better in %zu\n", worse, worse == 1 ? "" : "s", better);
    print_sites(d->alloc_sites, d->nalloc_sites, d->alloc_sites_total, "allocation sites", "bytes",
                DIFF_UNIT_BYTES, "objects", f);
    print_sites(d->triggers, d->ntriggers, d->triggers_total, DIFF_TRIGGERS, "pause time", DIFF_UNIT_US, "pauses",
                f);
}
