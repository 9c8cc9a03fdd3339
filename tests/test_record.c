/* test_record.c: the Recording: stack interning, allocation/free pairing (against a
 * reference model on a seeded random workload), pauses, nested phases, lookups. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "gc/record.h"
#include "base/util.h"
#include "tests/cunit_main.h"

/* A small seeded PRNG (xorshift64*) so the runs are reproducible. */
static uint64_t rng_state;
static uint32_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static void test_stack_intern(void)
{
    Recording *r = rec_new();
    uint32_t a[] = {0x100, 0x205, 0x301};
    uint32_t b[] = {0x100, 0x205};
    size_t n;
    CU_ASSERT_EQUAL(rec_stack(r, a, 0), 0);
    rec_stack_frames(r, 0, &n);
    CU_ASSERT_EQUAL(n, 0);
    StackId ia = rec_stack(r, a, 3), ib = rec_stack(r, b, 2);
    CU_ASSERT(ia != 0 && ib != 0 && ia != ib);
    CU_ASSERT_EQUAL(rec_stack(r, a, 3), ia);
    CU_ASSERT_EQUAL(rec_stack(r, b, 2), ib);
    const uint32_t *f = rec_stack_frames(r, ia, &n);
    CU_ASSERT_EQUAL(n, 3);
    CU_ASSERT(memcmp(f, a, sizeof a) == 0);
    rec_stack_frames(r, 9999, &n); /* out of range: empty, no crash */
    CU_ASSERT_EQUAL(n, 0);
    rec_free(r);
}

/* Thousands of stacks: growth of every array and of the hash keeps ids stable. */
static void test_stack_many(void)
{
    Recording *r = rec_new();
    enum { N = 20000 };
    StackId *ids = xmalloc(N * sizeof *ids);
    for (uint32_t i = 0; i < N; i++) {
        uint32_t f[4] = {i, i * 7u, 0x1000u + i % 13u, 42};
        ids[i] = rec_stack(r, f, 1 + i % 4);
        CU_ASSERT_EQUAL(ids[i], i + 1);
    }
    CU_ASSERT_EQUAL(r->nstacks, N + 1);
    for (uint32_t i = 0; i < N; i++) {
        uint32_t f[4] = {i, i * 7u, 0x1000u + i % 13u, 42};
        CU_ASSERT_EQUAL_FATAL(rec_stack(r, f, 1 + i % 4), ids[i]);
        size_t n;
        const uint32_t *g = rec_stack_frames(r, ids[i], &n);
        CU_ASSERT_EQUAL_FATAL(n, 1 + i % 4);
        CU_ASSERT_FATAL(memcmp(f, g, n * sizeof *g) == 0);
    }
    CU_ASSERT_EQUAL(r->nstacks, N + 1);
    free(ids);
    rec_free(r);
}

static void test_alloc_free_pairing(void)
{
    Recording *r = rec_new();
    rec_alloc(r, 10, 0x20000100, 16, 0);
    rec_alloc(r, 11, 0x20000200, 32, 0);
    rec_alloc(r, 12, 0, 64, 0); /* failed */
    CU_ASSERT_EQUAL(r->alloc_failures, 1);
    CU_ASSERT_EQUAL(rec_live_bytes(r), 48);
    rec_free_block(r, 20, 0x20000100, false);
    CU_ASSERT_EQUAL(r->nfrees, 1);
    CU_ASSERT_EQUAL(r->frees[0].alloc_idx, 1);
    CU_ASSERT_EQUAL(rec_free_size(r, &r->frees[0]), 16);
    CU_ASSERT_EQUAL(r->frees[0].by_gc, false);
    CU_ASSERT_EQUAL(r->allocs[0].free_idx, 1);
    CU_ASSERT_EQUAL(r->allocs[1].free_idx, 0);
    CU_ASSERT_EQUAL(rec_live_bytes(r), 32);
    /* a second free of the same address, and of an unknown one: unmatched */
    rec_free_block(r, 21, 0x20000100, true);
    rec_free_block(r, 22, 0x12345678, true);
    CU_ASSERT_EQUAL(r->nfrees, 3);
    CU_ASSERT_EQUAL(r->frees[1].alloc_idx, 0);
    CU_ASSERT_EQUAL(rec_free_size(r, &r->frees[1]), 0);
    CU_ASSERT_EQUAL(r->frees[2].by_gc, true);
    CU_ASSERT_EQUAL(rec_live_bytes(r), 32);
    /* the address reused: the new allocation is the one a free matches */
    rec_alloc(r, 30, 0x20000100, 8, 0);
    rec_free_block(r, 31, 0x20000100, false);
    CU_ASSERT_EQUAL(r->frees[3].alloc_idx, 4);
    CU_ASSERT_EQUAL(r->allocs[3].free_idx, 4);
    CU_ASSERT_EQUAL(rec_live_bytes(r), 32);
    /* an allocation over a block still live: that block was reclaimed unobserved */
    rec_alloc(r, 40, 0x20000200, 24, 0);
    CU_ASSERT_EQUAL(r->nfrees, 5);
    CU_ASSERT_EQUAL(r->frees[4].alloc_idx, 2);
    CU_ASSERT_EQUAL(r->frees[4].by_gc, true);
    CU_ASSERT_EQUAL(r->frees[4].time, 40);
    CU_ASSERT_EQUAL(r->allocs[1].free_idx, 5);
    CU_ASSERT_EQUAL(rec_live_bytes(r), 24);
    rec_free_block(r, 41, 0, false); /* free(NULL) */
    CU_ASSERT_EQUAL(r->frees[5].alloc_idx, 0);
    rec_free(r);
}

/* A random workload against a plain reference: which allocation each address holds. */
static void test_alloc_random_vs_model(void)
{
    rng_state = 0x1234567887654321ull;
    Recording *r = rec_new();
    enum { SLOTS = 3000, OPS = 200000 };
    uint32_t *model = xcalloc(SLOTS, sizeof *model); /* slot -> alloc index + 1 (0 = free) */
    int64_t live = 0;
    for (uint32_t t = 1; t <= OPS; t++) {
        uint32_t slot = rng() % SLOTS;
        uint32_t addr = 0x20000000u + slot * 8;
        if (model[slot] && rng() % 2) {
            uint32_t ai = model[slot] - 1;
            rec_free_block(r, t, addr, rng() % 2);
            CU_ASSERT_EQUAL_FATAL(r->frees[r->nfrees - 1].alloc_idx, ai + 1);
            CU_ASSERT_EQUAL_FATAL(r->allocs[ai].free_idx, r->nfrees);
            live -= r->allocs[ai].size;
            model[slot] = 0;
        } else if (!model[slot]) {
            uint32_t size = 1 + rng() % 100;
            rec_alloc(r, t, addr, size, 0);
            model[slot] = (uint32_t)r->nallocs;
            live += size;
        } else {
            rec_free_block(r, t, addr + 4, false); /* never allocated: unmatched */
            CU_ASSERT_EQUAL_FATAL(r->frees[r->nfrees - 1].alloc_idx, 0);
        }
        CU_ASSERT_EQUAL_FATAL(rec_live_bytes(r), live);
    }
    /* every allocation still live in the model is unfreed in the recording */
    for (uint32_t s = 0; s < SLOTS; s++)
        if (model[s])
            CU_ASSERT_EQUAL_FATAL(r->allocs[model[s] - 1].free_idx, 0);
    free(model);
    rec_free(r);
}

static void test_pauses_phases(void)
{
    Recording *r = rec_new();
    rec_phase_begin(r, "mark", 5); /* outside a pause: ignored */
    CU_ASSERT_EQUAL(r->nphases, 0);
    CU_ASSERT_EQUAL(rec_pause_at(r, 5), -1);

    RecPause *p = rec_pause_begin(r, 100, REC_TRIGGER_ALLOC, 0, false);
    CU_ASSERT_EQUAL(p->heap_before, REC_UNKNOWN);
    CU_ASSERT_EQUAL(p->heap_after, REC_UNKNOWN);
    CU_ASSERT_EQUAL(p->freed_objects, REC_UNKNOWN);
    CU_ASSERT_EQUAL(rec_pause_at(r, 100), 0);
    CU_ASSERT_EQUAL(rec_pause_at(r, 1000000), 0); /* open: contains every later time */
    rec_phase_begin(r, "mark", 110);
    rec_phase_begin(r, "mark-roots", 115); /* nested */
    rec_phase_end(r, 120);
    rec_phase_end(r, 150);
    rec_phase_begin(r, "sweep", 150);
    rec_pause_end(r, 200); /* closes sweep too */
    CU_ASSERT_EQUAL(r->npauses, 1);
    CU_ASSERT_EQUAL(r->pauses[0].end, 200);
    CU_ASSERT_EQUAL(r->pauses[0].first_phase, 0);
    CU_ASSERT_EQUAL(r->pauses[0].nphases, 3);
    CU_ASSERT_EQUAL(r->nphase_names, 3);
    CU_ASSERT_STRING_EQUAL(r->phase_names[r->phases[1].name], "mark-roots");
    CU_ASSERT_EQUAL(r->phases[0].start, 110);
    CU_ASSERT_EQUAL(r->phases[0].end, 150);
    CU_ASSERT_EQUAL(r->phases[1].end, 120);
    CU_ASSERT_EQUAL(r->phases[2].end, 200);
    CU_ASSERT_EQUAL(r->phases[2].name, r->phases[0].name + 2);
    rec_pause_end(r, 300); /* no pause open: nothing */
    CU_ASSERT_EQUAL(r->pauses[0].end, 200);
    rec_phase_end(r, 300);

    rec_pause_begin(r, 400, REC_TRIGGER_EXPLICIT, 0, true);
    rec_phase_begin(r, "mark", 410);
    CU_ASSERT_EQUAL(r->phases[3].name, r->phases[0].name); /* interned */
    /* a pause begun while one is open ends it first */
    rec_pause_begin(r, 500, REC_TRIGGER_UNKNOWN, 0, false);
    CU_ASSERT_EQUAL(r->pauses[1].end, 500);
    CU_ASSERT_EQUAL(r->phases[3].end, 500);
    CU_ASSERT_EQUAL(r->pauses[2].first_phase, 4);
    rec_pause_end(r, 600);

    CU_ASSERT_EQUAL(rec_pause_at(r, 99), -1);
    CU_ASSERT_EQUAL(rec_pause_at(r, 199), 0);
    CU_ASSERT_EQUAL(rec_pause_at(r, 200), -1); /* end is exclusive */
    CU_ASSERT_EQUAL(rec_pause_at(r, 450), 1);
    CU_ASSERT_EQUAL(rec_pause_at(r, 500), 2);
    CU_ASSERT_EQUAL(rec_pause_at(r, 600), -1);
    rec_free(r);
}

static void test_pause_at_many(void)
{
    Recording *r = rec_new();
    for (uint64_t i = 0; i < 1000; i++) {
        rec_pause_begin(r, i * 100 + 10, REC_TRIGGER_ALLOC, 0, false);
        rec_pause_end(r, i * 100 + 10 + i % 50);
    }
    for (uint64_t t = 0; t < 100000; t += 7) {
        uint64_t i = t / 100, off = t % 100;
        long want = (off >= 10 && off < 10 + i % 50) ? (long)i : -1;
        CU_ASSERT_EQUAL_FATAL(rec_pause_at(r, t), want);
    }
    rec_free(r);
}

static void test_events(void)
{
    Recording *r = rec_new();
    rec_instant(r, 7, "a-kind-longer-than-sixteen", "line %d: %s", 3, "hello");
    CU_ASSERT_EQUAL(r->ninstants, 1);
    CU_ASSERT_STRING_EQUAL(r->instants[0].kind, "a-kind-longer-t");
    CU_ASSERT_STRING_EQUAL(r->instants[0].text, "line 3: hello");
    rec_irq(r, 17, 100, 130);
    CU_ASSERT_EQUAL(r->irqs[0].pause, -1);
    CU_ASSERT_EQUAL(r->irqs[0].entered, 130);
    rec_heap_sample(r, 5, 100, 200, 150, true);
    CU_ASSERT_EQUAL(r->samples[0].largest_free, 150);
    CU_ASSERT(r->samples[0].after_pause);
    for (int i = 0; i < 1000; i++)
        rec_cpu_sample(r, (StackId)(i % 3));
    CU_ASSERT_EQUAL(r->ncpu_samples, 1000);
    CU_ASSERT_EQUAL(r->cpu_samples[998], 2);
    rec_pause_begin(r, 10, REC_TRIGGER_ALLOC, 0, false);
    rec_pause_end(r, 20);
    RecHeapMap *m = rec_heap_map(r, 0x20001000, 16, 64);
    CU_ASSERT_EQUAL(m->pause, 0);
    CU_ASSERT_EQUAL(m->state[63], REC_BLOCK_FREE);
    m->state[63] = REC_BLOCK_HEAD;
    r->run.image = xstrdup("x.elf"); /* owned strings are freed by rec_free */
    r->run.exit_reason = xstrdup("exit");
    rec_free(r);
    rec_free(NULL);
}

/* xbig_grow (base/util.h), which holds allocs and frees: from the C heap into a mapping
 * and through mremap growth, every byte kept and every new byte zero. */
static void test_xbig_grow(void)
{
    static const size_t sizes[] = {100, 4096, XBIG_MIN - 1, XBIG_MIN, XBIG_MIN + 1, 3u << 20, 3u << 20,
                                   (4u << 20) - 8, 9u << 20, 64u << 20};
    uint8_t *p = NULL;
    size_t cap = 0;
    for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
        size_t n = sizes[k];
        p = xbig_grow(p, cap, n);
        CU_ASSERT_PTR_NOT_NULL_FATAL(p);
        size_t bad = 0;
        for (size_t i = 0; i < cap; i++) /* kept: byte i holds (i * 7 + i / 4096) & 0xff */
            bad += p[i] != (uint8_t)(i * 7 + i / 4096);
        for (size_t i = cap; i < n; i++)
            bad += p[i] != 0;
        CU_ASSERT_EQUAL(bad, 0);
        for (size_t i = cap; i < n; i++)
            p[i] = (uint8_t)(i * 7 + i / 4096);
        cap = n;
    }
    xbig_free(p, cap);
    xbig_free(NULL, 0);
    p = xbig_grow(NULL, 0, 5u << 20); /* a mapping from the start */
    CU_ASSERT(p[0] == 0 && p[(5u << 20) - 1] == 0);
    xbig_free(p, 5u << 20);
}

static const TestCase record_cases[] = {
    {"xbig_grow across the heap/mapping boundary", test_xbig_grow},
    {"stack interning", test_stack_intern},
    {"many stacks", test_stack_many},
    {"alloc/free pairing", test_alloc_free_pairing},
    {"random alloc/free vs model", test_alloc_random_vs_model},
    {"pauses and nested phases", test_pauses_phases},
    {"rec_pause_at on many pauses", test_pause_at_many},
    {"instants, irqs, samples, maps", test_events},
    {NULL, NULL},
};

static const TestSuite suites[] = {{"record", record_cases}, {NULL, NULL}};

int main(void)
{
    return cunit_run(suites);
}
