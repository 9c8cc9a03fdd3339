/* tui_model.h: the TUI's model: values cached from a Recording and the live run's state, which the views draw from (no curses here). */
#ifndef BAREGC_TUI_MODEL_H
#define BAREGC_TUI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gc/record.h"

typedef enum TuiState {
    TUI_RUNNING,
    TUI_PAUSED,
    TUI_FINISHED,
    TUI_FAULTED,
    TUI_REPLAY,
} TuiState;

/* What the model cannot read from the recording: given by the front end at each update. */
typedef struct TuiLive {
    TuiState state;
    uint64_t now;              /* cycles: simulated time (live runs; replay uses run.cycles) */
    double speed;              /* simulated seconds per host second; < 0 when not known */
    const char *uart_partial;  /* the console's unfinished line, or NULL */
} TuiLive;

typedef struct TuiPause {
    uint64_t start, end;       /* cycles (an open pause ends at `now`) */
    int64_t heap_before;       /* bytes, REC_UNKNOWN */
    int64_t heap_after;        /* bytes, REC_UNKNOWN */
    int64_t freed_bytes;       /* bytes, REC_UNKNOWN */
    bool incremental;
} TuiPause;

typedef struct TuiHeapPoint {
    uint64_t time;             /* cycles */
    int64_t used;              /* bytes */
    int64_t largest_free;      /* bytes */
} TuiHeapPoint;

typedef struct TuiSite {
    char name[128];            /* the allocating function (marked when inlined there) */
    uint64_t count;            /* allocations */
    uint64_t bytes;            /* bytes requested */
} TuiSite;

/* Names a code address (a frame of an allocation's stack: a return address) into buf:
 * the functions there, innermost first, one a line ('\n' between), each optionally
 * followed by " (file.c:12)" and, when inlined into the next, TRACES_INLINED (as
 * traces_frame_text gives them). Returns buf. */
typedef const char *(*TuiNameFn)(void *opaque, uint32_t addr, char *buf, size_t n);

#define TUI_MAX_SITES 32
#define TUI_UART_KEEP 1000   /* UART lines kept for the console view */

typedef struct TuiModel {
    /* Facts of the run. */
    char image[128], board[32], core[32];
    uint64_t clock_hz;         /* Hz */
    uint32_t sram_size;        /* bytes (as limited by --sram) */
    uint32_t heap_size;        /* bytes: the GC heap, 0 if not known */
    TuiState state;
    char exit_reason[64];      /* when finished or faulted */
    uint64_t now;              /* cycles */
    double speed;              /* x real time; < 0 unknown */

    /* Collections and heap samples, in time order. */
    TuiPause *pauses;          size_t npauses, cap_pauses;
    bool last_open;            /* pauses[npauses-1] has not ended yet */
    TuiHeapPoint *heap;        size_t nheap, cap_heap;
    int64_t heap_max;          /* bytes: the largest `used` sample */
    int64_t heap_capacity;     /* bytes: the largest used + free sample (the heap's size) */

    /* Statistics (stats_compute over the recording so far). */
    size_t count;              /* pauses (incremental steps included) */
    uint64_t pause_max, p99;   /* cycles */
    double gc_cpu;             /* 0..1 */
    double mmu_1ms, mmu_10ms;  /* 0..1; < 0 when the run is shorter than the window */
    uint64_t alloc_bytes;      /* bytes requested by the allocations */
    int64_t alloc_charged;     /* bytes the allocator charged for them, REC_UNKNOWN (n/a) */
    int64_t peak_heap;         /* bytes, REC_UNKNOWN */
    char heap_basis[16];       /* what the heap figures count: "charged", "requested", "reported" */
    int64_t headroom;          /* bytes, REC_UNKNOWN */
    uint64_t budget;           /* cycles: the pause budget, 0 = none */
    size_t over_budget;        /* pauses longer than the budget */

    /* The console: the last TUI_UART_KEEP complete lines (ring), and the partial one. */
    char *uart[TUI_UART_KEEP]; size_t nuart; /* lines ever seen; line k is uart[k % KEEP] */
    char uart_partial[256];

    /* Top allocation sites by bytes, descending. */
    TuiSite sites[TUI_MAX_SITES]; size_t nsites;
    uint64_t total_allocs;     /* successful allocations */

    /* Private: incremental state. */
    size_t seen_allocs, seen_instants, seen_samples;
    uint64_t *stack_count, *stack_bytes; size_t nstack_slots;
    TuiNameFn name_fn;
    void *name_opaque;
} TuiModel;

/* budget_cycles: 0 for none. name_fn may be NULL (addresses in hex). */
void tui_model_init(TuiModel *m, uint64_t budget_cycles, TuiNameFn name_fn, void *name_opaque);
void tui_model_free(TuiModel *m);
/* Refresh every cached value from r (which may have grown since the last call). */
void tui_model_update(TuiModel *m, const Recording *r, const TuiLive *live);

/* The longest pause (cycles) of each of ncols columns covering [t0, t0 + ncols * per_col)
 * by start time, into out[ncols] (0: none); returns the largest of them. */
uint64_t tui_model_columns(const TuiModel *m, uint64_t t0, uint64_t per_col, size_t ncols, uint64_t *out);
/* The heap samples per column: out_used / out_largest get the last sample at or before
 * each column's end (-1 before the first sample). */
void tui_model_heap_columns(const TuiModel *m, uint64_t t0, uint64_t per_col, size_t ncols,
                            int64_t *out_used, int64_t *out_largest);
/* Console line k (0 = oldest kept); NULL when out of range. */
const char *tui_model_uart_line(const TuiModel *m, size_t k);
size_t tui_model_uart_count(const TuiModel *m);

/* "12.3 us" / "4.56 ms" / "1.234 s" for a number of cycles at the model's clock. */
const char *tui_fmt_cycles(const TuiModel *m, uint64_t cycles, char *buf, size_t n);
/* "812 B" / "47.8 KiB" / "1.50 MiB" (negative values keep their sign). */
const char *tui_fmt_bytes(int64_t bytes, char *buf, size_t n);
const char *tui_state_name(TuiState s);

#endif
