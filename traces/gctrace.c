/* gctrace.c: gctrace.log, one line per collection in the manner of Go's
 * GODEBUG=gctrace=1, adapted to microcontrollers (microseconds and KB). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/utf8.h"
#include "traces/traces.h"

/* Bytes as KB (1024) with one decimal, rounded, or "?" when unknown. Any int64 (a
 * guest's 8-byte counter may hold anything): the tenths are computed without overflow. */
static void put_kb(FILE *f, int64_t bytes)
{
    if (bytes < 0) {
        fputc('?', f);
        return;
    }
    int64_t tenths = bytes / 1024 * 10 + (bytes % 1024 * 10 + 512) / 1024;
    fprintf(f, "%" PRId64 ".%" PRId64, tenths / 10, tenths % 10);
}

/* Cycles as us with three decimals; exactly zero prints "0". */
static void put_us(FILE *f, uint64_t cycles, uint64_t hz)
{
    uint64_t ns = stats_cycles_to_ns(cycles, hz);
    if (ns == 0 && cycles == 0)
        fputc('0', f);
    else
        fprintf(f, "%" PRIu64 ".%03" PRIu64, ns / 1000, ns % 1000);
}

static const char *trigger_name(RecTrigger t)
{
    switch (t) {
    case REC_TRIGGER_EXPLICIT: return "explicit";
    case REC_TRIGGER_ALLOC: return "alloc";
    default: return "unknown";
    }
}

int gctrace_write(const Recording *r, FILE *f)
{
    const RecRunInfo *ri = &r->run;
    uint64_t hz = ri->clock_hz;
    fputs("# baregc gctrace: one line per collection, in the manner of Go's GODEBUG=gctrace=1,\n"
          "# in microseconds (us) and KB (1024 bytes) of simulated time and target memory.\n"
          "# gc N @T s P%: A+B+C us clock, H0->H1->H2 KB, S KB heap, F KB freed (R KB requested), O objects freed,"
          " trigger W[, incremental][, Q irqs held back (max D us)]\n"
          "#   N   collection number, from 1\n"
          "#   T   start, seconds since reset\n"
          "#   P   GC CPU fraction so far: time in collections / time at the end of this one (integer percent)\n"
          "#   A   stop-the-world time, us (0 for one step of an incremental collector)\n"
          "#   B   incremental step time, us (0 for a stop-the-world collection)\n"
          "#   C   always 0 (no separate stop-the-world termination)\n"
          "#   H0  heap in use at the start; H1 at the end; H2 live heap (H1 after a full\n"
          "#       collection; ? after an incremental step)\n"
          "#   S   heap size after the collection (in use + free)\n"
          "#   F   heap freed by the collection (H0 - H1, when the heap did not grow)\n"
          "#   R   bytes requested by the objects it freed (their allocations' sizes)\n"
          "#   O   objects reclaimed\n"
          "#   W   what started it: alloc (an allocation found the heap full), explicit, unknown\n"
          "#   Q,D interrupts whose entry the collection held back, and the longest such delay\n"
          "#   ?   not observed by the runtime adapter\n",
          f);
    /* the names as valid UTF-8, whatever bytes they came in */
    char *image = utf8_clean(ri->image ? ri->image : "?"), *board = utf8_clean(ri->board ? ri->board : "?"),
         *runtime = utf8_clean(ri->runtime ? ri->runtime : "?");
    fprintf(f, "# image %s, board %s, runtime %s, clock %" PRIu64 " Hz\n", image, board, runtime, hz);
    free(image);
    free(board);
    free(runtime);
    char basis[128];
    fprintf(f, "# H0, H1, H2, S and F count %s; R counts bytes requested\n",
            stats_heap_basis_text(r, basis, sizeof basis));

    uint64_t in_gc = 0; /* cycles */
    for (size_t i = 0; i < r->npauses; i++) {
        const RecPause *p = &r->pauses[i];
        uint64_t end = p->end;
        if (i == r->npauses - 1 && r->priv_pause_open)
            end = ri->cycles;
        if (end < p->start)
            end = p->start;
        uint64_t d = end - p->start;
        in_gc += d;
        unsigned pct = end ? (unsigned)(in_gc * 100 / end) : 0;
        uint64_t s_ns = stats_cycles_to_ns(p->start, hz);
        fprintf(f, "gc %zu @%" PRIu64 ".%06" PRIu64 "s %u%%: ", i + 1, s_ns / 1000000000u,
                (s_ns / 1000) % 1000000, pct);
        put_us(f, p->incremental ? 0 : d, hz);
        fputc('+', f);
        put_us(f, p->incremental ? d : 0, hz);
        fputs("+0 us clock, ", f);
        put_kb(f, p->heap_before);
        fputs("->", f);
        put_kb(f, p->heap_after);
        fputs("->", f);
        put_kb(f, p->incremental ? REC_UNKNOWN : p->heap_after);
        fputs(" KB, ", f);
        int64_t size;
        put_kb(f, p->heap_after >= 0 && p->free_after >= 0 && !__builtin_add_overflow(p->heap_after, p->free_after, &size)
                      ? size
                      : REC_UNKNOWN);
        fputs(" KB heap, ", f);
        put_kb(f, p->freed_bytes);
        fputs(" KB freed (", f);
        put_kb(f, p->freed_requested);
        fputs(" KB requested), ", f);
        if (p->freed_objects >= 0)
            fprintf(f, "%" PRId64, p->freed_objects);
        else
            fputc('?', f);
        fprintf(f, " objects freed, trigger %s", trigger_name(p->trigger));
        if (p->incremental)
            fputs(", incremental", f);
        if (p->irq_delayed) {
            fprintf(f, ", %" PRIu32 " irqs held back (max ", p->irq_delayed);
            put_us(f, p->irq_delay_max, hz);
            fputs(" us)", f);
        }
        fputc('\n', f);
    }
    return ferror(f) ? -1 : 0;
}
