/* fuzz_record_check.c: the index invariants of a loaded Recording (fuzz_record_check.h). */
#include "config.h"

#include "fuzz/fuzz_record_check.h"
#include "fuzz/fuzz_util.h"

void fuzz_check_recording(const Recording *r)
{
    FUZZ_CHECK(r->nstacks >= 1);
    for (size_t i = 0; i < r->nallocs; i++) {
        const RecAlloc *a = &r->allocs[i];
        FUZZ_CHECK(a->stack < r->nstacks);
        FUZZ_CHECK(a->free_idx <= r->nfrees);
        if (a->free_idx)
            FUZZ_CHECK((size_t)r->frees[a->free_idx - 1].alloc_idx == i + 1);
    }
    for (size_t i = 0; i < r->nfrees; i++) {
        const RecFree *f = &r->frees[i];
        FUZZ_CHECK((size_t)f->alloc_idx <= r->nallocs);
        if (f->alloc_idx)
            FUZZ_CHECK(r->allocs[f->alloc_idx - 1].free_idx == i + 1);
    }
    for (size_t i = 0; i < r->npauses; i++) {
        const RecPause *p = &r->pauses[i];
        FUZZ_CHECK(p->stack < r->nstacks);
        FUZZ_CHECK((uint64_t)p->first_phase + p->nphases <= r->nphases);
    }
    for (size_t i = 0; i < r->nphases; i++)
        FUZZ_CHECK(r->phases[i].name < r->nphase_names);
    for (size_t i = 0; i < r->nmaps; i++)
        FUZZ_CHECK(r->maps[i].pause < (r->npauses ? r->npauses : 1));
    for (size_t i = 0; i < r->ncpu_samples; i++)
        FUZZ_CHECK(r->cpu_samples[i] < r->nstacks);
    for (size_t i = 0; i < r->nirqs; i++)
        FUZZ_CHECK(r->irqs[i].pause < (int64_t)r->npauses);
    for (size_t i = 1; i < r->nnames; i++)
        FUZZ_CHECK(r->name_addrs[i - 1] < r->name_addrs[i]);
}
