/* budget.h: GC budgets for `baregc check`: the budget file (budget.c), the measured
 * values of a run, from its Recording whether live or loaded from a recorded run's
 * record.json (budget_measure.c), the verdicts against the limits and a baseline
 * (budget_verdict.c), and the table for people and JUnit XML for CI (budget_out.c). */
#ifndef BAREGC_TRACES_BUDGET_H
#define BAREGC_TRACES_BUDGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "gc/record.h"
#include "base/image.h"
#include "traces/stats.h"

/* The scalar budget items, in the order they are evaluated and printed (the MMU
 * windows come after BUDGET_GC_CPU_FRACTION). */
typedef enum BudgetKey {
    BUDGET_MAX_PAUSE,           /* max_pause_us: longest pause <= limit (us) */
    BUDGET_P99_PAUSE,           /* p99_pause_us (nearest rank, us) */
    BUDGET_P999_PAUSE,          /* p999_pause_us (us) */
    BUDGET_MEAN_PAUSE,          /* mean_pause_us (us) */
    BUDGET_GC_CPU_FRACTION,     /* gc_cpu_fraction_max: time in pauses / run time <= limit */
    BUDGET_PEAK_HEAP,           /* peak_heap_bytes_max (bytes) */
    BUDGET_SRAM_HEADROOM,       /* min_sram_headroom_bytes: >= limit (bytes) */
    BUDGET_STACK_HEADROOM,      /* min_stack_headroom_bytes: >= limit (bytes) */
    BUDGET_FRAGMENTATION,       /* max_fragmentation: worst 1 - largest free / free */
    BUDGET_ALLOC_FAILURES,      /* max_alloc_failures */
    BUDGET_MIN_PAUSES,          /* min_pauses: the collector ran at least this often */
    BUDGET__COUNT
} BudgetKey;

/* How an item's values read. */
typedef enum BudgetKind {
    BUDGET_KIND_US,       /* microseconds */
    BUDGET_KIND_FRACTION, /* 0..1 (the MMU windows too) */
    BUDGET_KIND_BYTES,    /* whole bytes (headrooms may be negative when measured) */
    BUDGET_KIND_COUNT,    /* whole number */
} BudgetKind;

/* What a scalar item is. */
typedef struct BudgetKeyInfo {
    const char *name; /* the key in the budget file ("max_pause_us") */
    BudgetKind kind;
    bool is_min;      /* the limit is a minimum: measured >= limit */
    bool compare;     /* compared with a baseline */
} BudgetKeyInfo;

/* The item k (k < BUDGET__COUNT). */
const BudgetKeyInfo *budget_key_info(BudgetKey k);
/* The key of a scalar item in the budget file ("max_pause_us"); "?" for no item. */
const char *budget_key_name(BudgetKey k);

typedef struct BudgetMmu {
    double window_us; /* us, > 0 */
    double min;       /* 0..1: MMU at that window >= min */
} BudgetMmu;

typedef struct Budget {
    bool has[BUDGET__COUNT];
    double limit[BUDGET__COUNT]; /* units as above */
    BudgetMmu *mmu;              /* in file order; windows distinct */
    size_t nmmu;
} Budget;

/* Reads a budget file. Every key is optional but at least one limit must be given;
 * unknown keys, wrong types, negative values, fractions outside 0..1 and non-integer
 * counts or byte sizes are errors whose message names the file and the key. NULL
 * with *err on failure. budget_parse does the same on JSON text (`what` names it in
 * messages). */
Budget *budget_load(const char *path, char **err);
Budget *budget_parse(const char *json, const char *what, char **err);
void budget_free(Budget *b);

/* What a run measured, for the items a budget asks about, from its Recording: the
 * live run's, or a recorded run's loaded from its record.json and events.bin, through
 * the same code so both give the same verdicts. Values are doubles in the budget's
 * units; `known` is false when the run could not observe the quantity (an unknown
 * value fails its item). */
#define MEASURED_MAX_FRAMES 16
typedef struct Measured {
    bool known[BUDGET__COUNT];
    double value[BUDGET__COUNT];
    char *why[BUDGET__COUNT];  /* why an unknown value is not a figure (owned; NULL: no reason) */
    double *mmu;               /* MMU at budget->mmu[i].window_us; < 0 unknown (window
                                * longer than the run) */
    size_t nmmu;

    /* How the run ended. */
    int exit_code;             /* baregc's exit status of the run */
    char *exit_reason;         /* "exit", "timeout", "hard fault" ... (owned) */
    bool partial;              /* interrupted */
    char *image;               /* owned; NULL if unknown */
    char *board;               /* owned */
    char *runtime;             /* owned */
    double seconds;            /* s of simulated time */

    /* The longest pause: 1-based index (0: none), start and length. */
    uint64_t worst_pause;
    bool worst_pause_time_known;
    uint64_t worst_pause_start_ns; /* ns of simulated time */
    double worst_pause_us;         /* us */
    char *worst_trigger;           /* "alloc" / "explicit" / "unknown" (owned; NULL unknown) */
    char *frames[MEASURED_MAX_FRAMES]; /* trigger stack, the collector's caller first (owned) */
    size_t nframes;
    const char *stack_note;        /* why there is no stack, when there is none */
} Measured;

/* From a recording: s = stats_compute(r). MMU at the budget's windows by stats_mmu over
 * stats_pause_spans (exact at any window). The trigger stack's frames are named by
 * traces_frame_name(r, img, ...): from img when given, else by the names a loaded
 * recording carries (record.json's, written from the same image: the same names),
 * else by address. */
void measured_from_recording(Measured *m, const Recording *r, const Stats *s, const Image *img,
                             const Budget *b);
/* From a recorded run's directory: DIR/record.json and DIR/events.bin loaded by
 * record_json_load, then as measured_from_recording (no image). The other files of
 * the directory are not read. -1 with *err naming the file and the problem (a
 * directory without record.json says so). */
int measured_from_dir(Measured *m, const char *dir, const Budget *b, char **err);
/* A recorded run's directory loaded (record_json_load), with a message for a directory
 * that has no record.json that says what is read. NULL with *err. */
Recording *recorded_run_load(const char *dir, char **err);
void measured_free(Measured *m);
/* Whether the run ended as a checkable run: the firmware exited with status 0 (or
 * asked for a reset), or --max-cycles / --max-time ended it, and it was not
 * interrupted. When not, a reason goes into why. */
bool measured_run_ok(const Measured *m, char *why, size_t n);

/* One verdict. */
typedef struct BudgetResult {
    char name[40];     /* "max_pause_us", "mmu_10000us" */
    const char *unit;  /* "us", "bytes", "" ... */
    bool is_min;       /* the limit is a minimum (higher is better) */
    bool known;
    char why[160];     /* unknown: why the run has no figure ("" if not said) */
    double measured;
    double limit;
    double margin;     /* how far inside the limit (negative: beyond it) */
    bool pass;
    /* Against the baseline (has_base false when there is none or it did not measure
     * the value): base value, change in the worse direction in percent of |base|
     * (negative: better), and whether that is beyond the tolerance. */
    bool has_base;
    double base;
    double worse_pct;
    bool regressed;
} BudgetResult;

typedef struct BudgetReport {
    BudgetResult *items;
    size_t nitems;
    bool baseline;       /* a baseline was compared */
    double tolerance;    /* percent */
    size_t failures;     /* items beyond their limit */
    size_t regressions;  /* items worse than the baseline by more than the tolerance */
} BudgetReport;

/* Holds m against b (and, when base is not NULL, against base with tolerance_pct).
 * base must have been filled for the same budget. Free with budget_report_free. */
void budget_evaluate(const Budget *b, const Measured *m, const Measured *base, double tolerance_pct,
                     BudgetReport *rep);
void budget_report_free(BudgetReport *rep);

/* The table on f: a header line naming the run, one line per item (measured, limit,
 * margin, PASS/FAIL), the baseline deltas when compared, the worst pause with its
 * time and trigger stack, and a verdict line. Deterministic. */
void budget_print_table(const BudgetReport *rep, const Measured *m, FILE *f);
/* JUnit XML (testsuites / testsuite name="baregc" / testcase classname="baregc.budget",
 * and "baregc.baseline" when compared, with <failure> on the failing ones). -1 when
 * the stream reports an error. */
int budget_write_junit(const BudgetReport *rep, const Measured *m, FILE *f);
/* JUnit XML for a run that could not be checked (it faulted, was interrupted, or an
 * input could not be read): one failing testcase (classname "baregc.run", name "run")
 * whose failure is why; the run's properties and exit_code when m is not NULL. -1 when
 * the stream reports an error. */
int budget_write_junit_failed(const Measured *m, const char *why, FILE *f);

#endif
