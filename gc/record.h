/* record.h: the recording of one run: GC pauses with their phases, allocations and
 * frees, heap samples, interrupt latencies, CPU samples, UART lines and instants, and
 * the run's facts. Written by gc/ while the firmware runs (append-only arrays, so a
 * UI can read a prefix while it grows); read by traces/ (statistics and writers) and
 * ui/. Times are simulated cycles from reset; convert with run.clock_hz. */
#ifndef BAREGC_RECORD_H
#define BAREGC_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An interned call stack: index into Recording.stacks; 0 is the empty stack. */
typedef uint32_t StackId;

#define REC_UNKNOWN (-1) /* an int64_t quantity the adapter could not observe */

typedef enum RecTrigger {
    REC_TRIGGER_UNKNOWN,
    REC_TRIGGER_EXPLICIT, /* the program asked for a collection (gc_collect(), runtime.GC()) */
    REC_TRIGGER_ALLOC,    /* an allocation found the heap full or over its threshold */
} RecTrigger;

typedef struct RecPhase {
    uint32_t name;        /* index into Recording.phase_names */
    uint64_t start, end;  /* cycles */
} RecPhase;

typedef struct RecPause {
    uint64_t start, end;           /* cycles: entry of the collector .. its return */
    uint32_t first_phase, nphases; /* slice of Recording.phases, in start order */
    /* Heap figures count what the runtime reports: charged bytes when RecRunInfo.alloc_unit
     * is known (else as the firmware counts them, or the requested bytes replayed from
     * the allocations and frees when nothing reports). */
    int64_t heap_before;           /* bytes in use at the start (REC_UNKNOWN if not known) */
    int64_t heap_after;            /* bytes in use at the end */
    int64_t free_after;            /* bytes free in the heap at the end */
    int64_t largest_free_after;    /* bytes: largest free block at the end */
    int64_t freed_bytes;           /* bytes reclaimed by this collection (heap_before - heap_after) */
    int64_t freed_requested;       /* bytes requested by the objects it freed (their allocations'
                                      sizes); REC_UNKNOWN when frees are not observed */
    int64_t freed_objects;         /* objects reclaimed */
    RecTrigger trigger;
    StackId stack;                 /* call stack at the trigger (the collector's caller first) */
    bool incremental;              /* one bounded step of an incremental collector */
    uint32_t irq_delayed;          /* interrupts whose entry this pause held back */
    uint64_t irq_delay_max;        /* cycles: the longest of those delays */
} RecPause;

typedef struct RecAlloc {
    uint64_t time;     /* cycles */
    uint32_t addr;     /* 0: the allocation failed */
    uint32_t size;     /* bytes requested */
    StackId stack;
    uint32_t free_idx; /* index+1 of the RecFree that released it, 0 = still live */
} RecAlloc;

/* 16 bytes (there are as many as allocations): the size is the allocation's,
 * rec_free_size. */
typedef struct RecFree {
    uint64_t time;          /* cycles */
    uint32_t addr;          /* the allocation's address (alloc_idx != 0), else the one freed */
    uint32_t alloc_idx : 31;/* index+1 of the RecAlloc it releases, 0 = unknown */
    uint32_t by_gc : 1;     /* swept by the collector (rather than freed by the program) */
} RecFree;
#define REC_FREE_ALLOC_MAX 0x7FFFFFFFu /* the most allocations a RecFree can name */

typedef struct RecHeapSample {
    uint64_t time;          /* cycles */
    int64_t used;           /* bytes in use */
    int64_t free;           /* bytes free */
    int64_t largest_free;   /* bytes */
    bool after_pause;       /* taken at the end of a pause (else periodic) */
} RecHeapSample;

typedef struct RecIrq {
    uint64_t pending;  /* cycles: when the interrupt became pending */
    uint64_t entered;  /* cycles: its handler's first instruction */
    uint16_t irq;      /* Cortex-M exception number (16+n = IRQn); RISC-V mcause code */
    int32_t pause;     /* index of the pause that held it back, -1 = none */
} RecIrq;

typedef struct RecInstant {
    uint64_t time;     /* cycles */
    char kind[16];     /* "uart", "fault", "alloc-fail", "oom" ... */
    char *text;        /* owned */
} RecInstant;

/* Per-block state for the heap map, captured at the end of a pause. */
enum { REC_BLOCK_FREE, REC_BLOCK_HEAD, REC_BLOCK_TAIL, REC_BLOCK_MARK };
typedef struct RecHeapMap {
    uint32_t pause;        /* index of the pause it was captured after */
    uint32_t base;         /* address of block 0 */
    uint32_t block_size;   /* bytes */
    uint32_t nblocks;
    uint8_t *state;        /* nblocks REC_BLOCK_* values, owned */
} RecHeapMap;

/* Facts of the run. Strings are owned. */
typedef struct RecRunInfo {
    char *image;           /* path of the ELF */
    char *board;
    char *core;            /* "cortex-m3" ... */
    char *runtime;         /* the GC adapter in use ("gcrt", "micropython", ...) */
    uint64_t clock_hz;
    uint64_t cycles;       /* simulated time at the end */
    uint64_t instructions;
    char *exit_reason;     /* "exit", "timeout", "unmapped access" ... */
    int exit_code;         /* baregc's exit status */
    bool partial;          /* the run was interrupted: the recording is what there was */
    uint32_t sram_base, sram_size;   /* bytes (as limited by --sram) */
    uint32_t static_bytes;           /* .data + .bss in SRAM, bytes */
    uint32_t heap_start, heap_end;   /* the GC heap, when known (0, 0 otherwise) */
    uint32_t stack_top, stack_limit; /* the main stack's extent (0 if unknown) */
    uint32_t stack_low;              /* lowest SP seen (high-water mark) */
    uint32_t stack_floor;            /* the end of the highest static data or code in SRAM
                                        below stack_top (sram_base if none) */
    /* What the allocator charges for a request (bytes charged, as against bytes requested):
     * whole units of alloc_unit bytes (its block size; 1: the bytes requested, as the
     * runtime's own count has them), at least alloc_min_units of them; alloc_unit 0: not
     * known (the charged bytes are n/a). When known, the heap figures the runtime reports
     * (heap samples, a pause's heap before and after) count charged bytes too. */
    uint32_t alloc_unit;             /* bytes, 0 = not known */
    uint32_t alloc_min_units;        /* units charged for a request of 0 bytes */
} RecRunInfo;

typedef struct Recording {
    RecRunInfo run;

    RecPause *pauses;         size_t npauses, cap_pauses;
    RecPhase *phases;         size_t nphases, cap_phases;
    char **phase_names;       size_t nphase_names;
    RecAlloc *allocs;         size_t nallocs, cap_allocs;
    RecFree *frees;           size_t nfrees, cap_frees;
    RecHeapSample *samples;   size_t nsamples, cap_samples;
    RecIrq *irqs;             size_t nirqs, cap_irqs;
    RecInstant *instants;     size_t ninstants, cap_instants;
    RecHeapMap *maps;         size_t nmaps, cap_maps;
    uint64_t alloc_failures;

    /* Interned stacks: stack i's frames (leaf first, return addresses / PCs) are
     * frames[stack_off[i] .. stack_off[i+1]). Stack 0 is empty. */
    uint32_t *frames;         size_t nframes, cap_frames;
    uint32_t *stack_off;      size_t nstacks, cap_stacks; /* nstacks+1 offsets */
    void *stack_index;        /* private: hash for interning */

    /* Allocations that are stacks (a goroutine's, a thread's), in the heap: indices into
     * allocs, ascending. */
    uint32_t *stack_allocs;   size_t nstack_allocs, cap_stack_allocs;

    /* CPU samples: one StackId per sample, every cpu_sample_cycles cycles. */
    uint64_t cpu_sample_cycles;
    StackId *cpu_samples;     size_t ncpu_samples, cap_cpu_samples;

    /* Private to record.c. */
    void *priv_addr_index;    /* address -> index of the most recent live RecAlloc there */
    int64_t priv_live_bytes;  /* bytes: sum of the sizes of live allocations */
    bool priv_pause_open;     /* the last pause has begun but not ended */
    uint32_t *priv_open_phases; size_t priv_nopen_phases, priv_cap_open_phases; /* indices, innermost last */

    /* Frame names of a recording loaded from record.json (record_json_load): name_addrs
     * ascending, names[i] = "func (file.c:12)" for name_addrs[i]; owned. Empty for a
     * live recording (names then come from the Image). */
    uint32_t *name_addrs;
    char **names;
    size_t nnames;
} Recording;

/* Bytes a free released: its allocation's size, 0 when it matched none. */
static inline uint32_t rec_free_size(const Recording *r, const RecFree *f)
{
    return f->alloc_idx ? r->allocs[f->alloc_idx - 1].size : 0;
}

Recording *rec_new(void);
void rec_free(Recording *r);

/* Intern a stack (frames leaf first); returns its id (0 for n == 0). */
StackId rec_stack(Recording *r, const uint32_t *frames, size_t n);
/* Frames of a stack: *n set, pointer into r->frames (valid until the next rec_stack). */
const uint32_t *rec_stack_frames(const Recording *r, StackId id, size_t *n);
uint32_t rec_phase_name(Recording *r, const char *name);

RecPause *rec_pause_begin(Recording *r, uint64_t now, RecTrigger trig, StackId stack, bool incremental);
void rec_pause_end(Recording *r, uint64_t now);
void rec_phase_begin(Recording *r, const char *name, uint64_t now);
void rec_phase_end(Recording *r, uint64_t now);
void rec_alloc(Recording *r, uint64_t now, uint32_t addr, uint32_t size, StackId stack);
void rec_free_block(Recording *r, uint64_t now, uint32_t addr, bool by_gc);
/* Allocation alloc_idx (an index into allocs) is a stack: a goroutine's or a thread's. */
void rec_stack_alloc(Recording *r, uint32_t alloc_idx);
/* Bytes charged for a request of `size` bytes (RecRunInfo.alloc_unit); REC_UNKNOWN when
 * the unit is not known. */
int64_t rec_charged(const RecRunInfo *ri, uint32_t size);
void rec_heap_sample(Recording *r, uint64_t now, int64_t used, int64_t free_bytes, int64_t largest, bool after_pause);
void rec_irq(Recording *r, uint16_t irq, uint64_t pending, uint64_t entered);
void rec_instant(Recording *r, uint64_t now, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void rec_cpu_sample(Recording *r, StackId stack);
RecHeapMap *rec_heap_map(Recording *r, uint32_t base, uint32_t block_size, uint32_t nblocks);

/* Bytes live (allocated, not freed) according to the alloc/free records. */
int64_t rec_live_bytes(const Recording *r);
/* Index of the pause open at `now` (start <= now < end), or -1. */
long rec_pause_at(const Recording *r, uint64_t now);

#endif
