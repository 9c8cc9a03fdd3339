/* observe.h: watching a collector while the firmware runs: places a runtime
 * adapter's hooks in the CPU, turns their entries and returns into pauses, phases,
 * allocations and frees in a Recording, samples the heap and the CPU on simulated-
 * time events, and records interrupt latencies. */
#ifndef BAREGC_OBSERVE_H
#define BAREGC_OBSERVE_H

#include <stdint.h>

#include "cpu/cpu.h"
#include "gc/record.h"
#include "gc/runtime.h"
#include "base/image.h"
#include "base/sched.h"

typedef struct GcObserverConfig {
    Cpu *cpu;
    Sched *sched;
    const Image *img;
    GcRuntime *rt;              /* NULL: no collector hooks (interrupts and CPU samples only) */
    Recording *rec;
    uint64_t heap_sample_cycles; /* cycles between periodic heap samples (0 = none) */
    uint64_t cpu_sample_cycles;  /* cycles between CPU profile samples (0 = none) */
    bool heap_maps;             /* capture per-block states after every pause (heap map) */
} GcObserverConfig;

typedef struct GcObserver GcObserver;

GcObserver *gc_observer_new(const GcObserverConfig *cfg, char **err);
/* The run is over (or interrupted): close an open pause, take a last sample, fill
 * the stack high-water mark. */
void gc_observer_finish(GcObserver *o);
/* Allocations and frees reach the Recording in batches: this applies those still
 * waiting. Anything that reads them during the run syncs first (session_recording
 * does). */
void gc_observer_sync(GcObserver *o);
void gc_observer_free(GcObserver *o);

/* Called at the end of every pause, with its index in the recording (a front end
 * may stop there: it runs at a block boundary, before the next instruction). */
void gc_observer_on_pause_end(GcObserver *o, void (*fn)(void *opaque, size_t pause), void *opaque);

/* Explicit event channel (gc/events.h): the trace port's writes, decoded into
 * the same recording. */
void gc_observer_trace_write(void *opaque, unsigned port, uint32_t value, unsigned size);

#endif
