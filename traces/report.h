/* report.h: self-contained HTML reports (inline CSS and SVG, nothing fetched): one run
 * (`baregc report`) and a parameter sweep (`baregc sweep`). Deterministic: the same
 * inputs give the same bytes. */
#ifndef BAREGC_TRACES_REPORT_H
#define BAREGC_TRACES_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gc/record.h"
#include "base/image.h"
#include "traces/budget.h"

/* The report of one run: the run facts, the budget table (when rep is not NULL; b and
 * m are the budget and the measured values it was evaluated from), the pause timeline
 * (with the max_pause_us / p99_pause_us budget lines), the pause histogram, the MMU
 * curve (with the budget's MMU points), heap use and the largest free block over time
 * against the heap and SRAM limits, the top allocation sites and the gctrace lines.
 * img names frames (NULL: the names record.json carries). -1 on a stream error. */
int report_write_html(const Recording *r, const Image *img, const Budget *b, const Measured *m,
                      const BudgetReport *rep, FILE *f);
/* The same with a baseline section after the budget (when baseline is not NULL): r
 * against an earlier run (a loaded recording; base_name says where it came from): the
 * table of `baregc diff`, the allocation sites and collection triggers that grew, the
 * two pause histograms side by side and the two MMU curves on one chart. */
int report_write_html_baseline(const Recording *r, const Image *img, const Budget *b, const Measured *m,
                               const BudgetReport *rep, const Recording *baseline, const char *base_name, FILE *f);

/* An allocation site: the frame of the allocation stacks that names where they
 * allocate (past the leaf frames every allocation stack shares), named with the
 * functions inlined there; sites the compiler put at several addresses are one. */
typedef struct ReportSite {
    uint32_t addr;       /* the frame's address (0 with no stack) */
    char *name;          /* owned: "xalloc (workloads.c:31) [inlined] ← tree_make (workloads.c:46)" */
    bool no_stack;       /* "(no stack)": allocations recorded without one */
    StackId stack;       /* the first stack seen at this site */
    uint64_t bytes;      /* bytes, successful allocations */
    uint64_t count;      /* successful allocations */
    uint64_t failed;     /* failed allocations */
} ReportSite;

/* The allocation sites of r as the report's table lists them, the most bytes first
 * (then the most objects, then by name). *nskip: how many leaf frames every stack
 * shares (left out of the names). img names frames as in report_write_html. NULL
 * when r has no allocations. Free with report_sites_free. */
ReportSite *report_alloc_sites(const Recording *r, const Image *img, size_t *nsites, size_t *nskip);
void report_sites_free(ReportSite *sites, size_t n);

/* One run of a sweep. Numbers with their `has_` flag false are unknown (no
 * summary.json, or the run could not observe them). */
typedef struct SweepRow {
    char *params;            /* "--sram 32K --clock 48MHz" (owned) */
    char *dir;               /* its output directory, relative to the sweep's (owned) */
    double x;                /* its value of the chart's parameter (bytes, Hz, a --set value) */
    char *x_text;            /* that value as given: "32K" (owned) */
    char *series;            /* its other swept parameters: "--clock 48MHz", "" (owned) */
    bool ran;                /* false: not run (the sweep was interrupted first) */
    int status;              /* exit status of `baregc run` (-1: ended by a signal) */
    bool has_exit_status;
    long long exit_status;   /* the run's whole exit status (summary.json run.exit_code) */
    char *exit_reason;       /* from summary.json (owned; NULL unknown) */
    bool has_summary;
    double pauses;
    bool has_max_pause, has_p99, has_peak, has_headroom;
    double max_pause_us, p99_us;     /* us */
    double gc_cpu_fraction;          /* 0..1 */
    double peak_heap;                /* bytes */
    double min_headroom;             /* bytes */
    double alloc_failures;
    bool oom;                /* allocation failures, or a fault ended the run */
    int verdict;             /* -1 no budget, 0 FAIL, 1 PASS */
} SweepRow;

typedef struct SweepPage {
    const SweepRow *rows;    /* every run of the matrix, in matrix order */
    size_t n;
    const char *image;       /* as the sweep was given it */
    bool budget;             /* a Budget column */
    const char *x_name;      /* the chart's parameter: "SRAM", "clock", a --set variable */
    bool partial;            /* interrupted: some rows did not run or end */
} SweepPage;

/* The sweep's page: a table of the rows and a chart of max pause and p99 against the
 * chart's parameter (one pair of lines per series: the rows with the same other
 * parameters), out-of-memory runs marked. -1 on a stream error. */
int report_write_sweep_html(const SweepPage *p, FILE *f);

#endif
