/* record_scale.c: how big a recording gets and how fast it is analysed: 1 million
 * pauses (two phases each) and 10 million allocations (most freed), recorded through
 * the same rec_* calls the observer makes, then stats_compute. Prints memory (peak
 * RSS) and times; asserts nothing (host figures belong in bench/, not in tests). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "gc/record.h"
#include "traces/stats.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long peak_rss_kib(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
    size_t npauses = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000;
    size_t nallocs = argc > 2 ? strtoul(argv[2], NULL, 0) : 10000000;
    long rss0 = peak_rss_kib();
    double t0 = now_s();
    Recording *r = rec_new();
    r->run.clock_hz = 64000000;
    uint64_t t = 0;
    uint32_t frames[4] = {0x1000, 0x2000, 0x3000, 0x4000};
    size_t allocs_per_pause = nallocs / (npauses ? npauses : 1);
    uint32_t seed = 1;
    for (size_t p = 0, a = 0; p < npauses || a < nallocs;) {
        for (size_t k = 0; k < allocs_per_pause + 1 && a < nallocs; k++, a++) {
            seed = seed * 1103515245u + 12345u;
            frames[0] = 0x1000 + (seed >> 20) % 64; /* 64 allocation sites */
            StackId st = rec_stack(r, frames, 4);
            uint32_t addr = 0x20000000u + (uint32_t)(a % 65536) * 16;
            rec_alloc(r, t += 50, addr, 16 + (seed >> 28) * 8, st);
            if (a >= 1000)
                rec_free_block(r, t, 0x20000000u + (uint32_t)((a - 1000) % 65536) * 16, true);
        }
        if (p < npauses) {
            RecPause *pp = rec_pause_begin(r, t += 100, REC_TRIGGER_ALLOC, 0, false);
            pp->heap_before = 40000;
            rec_phase_begin(r, "mark", t);
            rec_phase_end(r, t += 300 + (p % 97));
            rec_phase_begin(r, "sweep", t);
            rec_phase_end(r, t += 200 + (p % 13));
            rec_pause_end(r, t += 5);
            rec_heap_sample(r, t, 30000, 30000, 20000, true);
            p++;
        }
    }
    r->run.cycles = t + 1;
    double t1 = now_s();
    long rss1 = peak_rss_kib();
    Stats s;
    stats_compute(r, &s);
    double t2 = now_s();
    printf("recorded %zu pauses, %zu phases, %zu allocations, %zu frees, %zu stacks\n", r->npauses, r->nphases,
           r->nallocs, r->nfrees, r->nstacks);
    printf("recording: %.2f s host, peak RSS %.1f MiB (%.1f MiB above the start)\n", t1 - t0, rss1 / 1024.0,
           (rss1 - rss0) / 1024.0);
    printf("analysis (stats_compute: percentiles, MMU curve, heap, IRQs): %.3f s host\n", t2 - t1);
    printf("check: p99 %llu cycles, MMU(1 ms) %.3f, GC CPU %.1f%%\n", (unsigned long long)s.p99, s.mmu_1ms,
           100 * s.gc_cpu_fraction);
    stats_free(&s);
    rec_free(r);
    return 0;
}
