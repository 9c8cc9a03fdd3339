/* diff.h: two runs side by side (`baregc diff A B`, the baseline section of `baregc
 * report --baseline`): the figures of each, their change and whether it is for the
 * worse, and the allocation sites and collection triggers that grew. Deterministic. */
#ifndef BAREGC_TRACES_DIFF_H
#define BAREGC_TRACES_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gc/record.h"
#include "base/image.h"
#include "traces/stats.h"
#include "traces/traces.h"

/* What the second list of sites is. */
#define DIFF_TRIGGERS "collection triggers (the collector's caller" TRACES_FRAME_SEP "its caller)"

/* How a figure reads. */
typedef enum DiffUnit {
    DIFF_UNIT_US,       /* microseconds */
    DIFF_UNIT_SECONDS,  /* seconds */
    DIFF_UNIT_FRACTION, /* 0..1 */
    DIFF_UNIT_BYTES,    /* whole bytes (a headroom may be negative) */
    DIFF_UNIT_COUNT,    /* whole number */
} DiffUnit;

/* Which way a change is for the worse. */
typedef enum DiffWorse {
    DIFF_WORSE_NEITHER, /* a fact of the run, not better or worse (its length) */
    DIFF_WORSE_HIGHER,  /* longer pauses, more GC time, a larger heap ... */
    DIFF_WORSE_LOWER,   /* less MMU, less headroom */
} DiffWorse;

/* One figure of both runs: [0] the first (baseline) run, [1] the second. */
typedef struct DiffRow {
    const char *name;  /* "p99 pause", "MMU 10 ms" (static) */
    DiffUnit unit;
    DiffWorse worse;
    bool known[2];     /* false: that run could not observe it */
    double v[2];       /* in the unit */
} DiffRow;

/* What became of a figure from the first run to the second. */
typedef enum DiffVerdict {
    DIFF_UNKNOWN, /* a run did not observe it */
    DIFF_SAME,
    DIFF_WORSE,
    DIFF_BETTER,
    DIFF_CHANGED, /* changed, neither better nor worse (DIFF_WORSE_NEITHER) */
} DiffVerdict;

/* A site of both runs, matched by its name (the runs may be different builds, so not
 * by address): an allocation site (amount in bytes, count in objects) or a collection
 * trigger (amount in us of pause time, count in pauses). */
typedef struct DiffSite {
    char *name;        /* owned */
    double amount[2];
    uint64_t count[2];
} DiffSite;

#define DIFF_MAX_ROWS 32

typedef struct RunDiff {
    /* The runs' facts, from their recordings (borrowed: valid while they are). */
    const RecRunInfo *run[2];
    DiffRow rows[DIFF_MAX_ROWS];
    size_t nrows;
    /* Sites that grew (more bytes or more objects; more pause time or more pauses),
     * the largest growth first; those that did not are left out and counted. */
    DiffSite *alloc_sites;
    size_t nalloc_sites, alloc_sites_total;
    DiffSite *triggers;
    size_t ntriggers, triggers_total;
    /* The pause histograms (buckets as Stats.hist) and MMU curves of both runs. */
    uint64_t hist[2][STATS_HIST_BUCKETS];
    size_t nhist;                        /* buckets up to the last non-empty of either */
    StatsMmuPoint curve[2][STATS_MMU_MAX_POINTS];
    size_t ncurve[2];
} RunDiff;

/* Compares run b with run a (the baseline). img names b's frames when given (a live
 * run); a's come from the names its loaded recording carries, as do b's without img.
 * Allocation sites are named as the report's top sites (report_alloc_sites); a
 * collection trigger by the collector's caller and its caller. Free with diff_free. */
void diff_compute(const Recording *a, const Recording *b, const Image *img, RunDiff *d);
void diff_free(RunDiff *d);

/* A row's verdict, and its change in percent of |A| (false when A is 0 or either is
 * unknown). */
DiffVerdict diff_row_verdict(const DiffRow *row);
bool diff_row_pct(const DiffRow *row, double *pct);
const char *diff_verdict_name(DiffVerdict v); /* "worse", "better", "same", "changed", "n/a" */
const char *diff_worse_name(DiffWorse w);     /* "higher", "lower", "-" */
/* The value v of a row in its unit ("3125.000 us", "4096 B", "0.873100"); sign: a leading
 * '+' on positive values (for deltas). */
void diff_fmt_value(const DiffRow *row, double v, bool sign, char *buf, size_t n);
/* "+93.33%", "-4.00%", "0.00%", or "n/a" (A is 0 or unknown). */
void diff_fmt_pct(const DiffRow *row, char *buf, size_t n);

/* A row as the tables show it: each value in its unit ("unknown" when not observed), the
 * difference ("-" unless both are known), the change and the verdict. */
typedef struct DiffCells {
    char a[40], b[40], delta[40], pct[24];
    DiffVerdict verdict;
} DiffCells;
void diff_row_cells(const DiffRow *row, DiffCells *c);

/* A site as the tables show it: its amount in each run in `unit`, and how much it grew
 * in percent of the first run's ("+25.00%"; "new" when it had none there). */
typedef struct DiffSiteCells {
    char a[40], b[40], pct[24];
} DiffSiteCells;
void diff_site_cells(const DiffSite *s, DiffUnit unit, DiffSiteCells *c);

/* The comparison for a terminal: both runs named (name_a, name_b: how the user gave
 * them), the table (figure, A, B, delta, change, which way is worse, verdict), the
 * sites that grew. */
void diff_print(const RunDiff *d, const char *name_a, const char *name_b, FILE *f);

#endif
