/* test_record_json.c: record.json round trip (a synthetic recording written and loaded
 * back equals the original, field by field), determinism, frame names, and malformed
 * files (errors that name the problem; truncated and mutated files never crash). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gc/record.h"
#include "base/util.h"
#include "tests/cunit_main.h"
#include "traces/traces.h"

static char tmpdir[64];

static void make_tmpdir(void)
{
    if (tmpdir[0])
        return;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_record_json.XXXXXX");
    if (!mkdtemp(tmpdir))
        abort();
}

static char *record_path(void)
{
    make_tmpdir();
    return xasprintf("%s/record.json", tmpdir);
}

static void write_text(const char *text, size_t len)
{
    char *p = record_path();
    FILE *f = fopen(p, "wb");
    CU_ASSERT_FATAL(f != NULL);
    fwrite(text, 1, len, f);
    fclose(f);
    free(p);
}

static char *write_rec(const Recording *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT(record_json_write(r, NULL, NULL, f) == 0);
    fclose(f);
    return buf;
}

/* record.json and events.bin of r into tmpdir, as a run writes them. */
static void save(const Recording *r)
{
    make_tmpdir();
    char *err = NULL;
    CU_ASSERT_FATAL(traces_write_record(r, NULL, tmpdir, &err) == 0);
    free(err);
}

static void write_events(const uint8_t *data, size_t len)
{
    make_tmpdir();
    char *p = xasprintf("%s/" RECORD_EVENTS_FILE, tmpdir);
    FILE *f = fopen(p, "wb");
    CU_ASSERT_FATAL(f != NULL);
    fwrite(data, 1, len, f);
    fclose(f);
    free(p);
}

/* A recording that uses every field. */
static Recording *synth(void)
{
    Recording *r = rec_new();
    r->run.image = xstrdup("fw/demo \"q\".elf");
    r->run.board = xstrdup("mps2-an385");
    r->run.core = xstrdup("cortex-m3");
    r->run.runtime = NULL; /* unknown */
    r->run.clock_hz = 25000000;
    r->run.cycles = 9007199254740000ull; /* near 2^53 */
    r->run.instructions = 123456789;
    r->run.exit_reason = xstrdup("timeout");
    r->run.exit_code = -3;
    r->run.partial = true;
    r->run.sram_base = 0x20000000;
    r->run.sram_size = 0xffffffffu;
    r->run.static_bytes = 5184;
    r->run.heap_start = 0x20001830;
    r->run.heap_end = 0x20011830;
    r->run.stack_top = 0x20400000;
    r->run.stack_limit = 0x203ff000;
    r->run.stack_low = 0x203ffd00;
    r->run.stack_floor = 0x20000238;
    r->run.alloc_unit = 16;
    r->run.alloc_min_units = 1;
    r->cpu_sample_cycles = 10000;

    uint32_t f1[] = {0x100, 0x200, 0x300};
    uint32_t f2[] = {0x1a8, 0x200};
    uint32_t f3[] = {0xffffffffu};
    StackId s1 = rec_stack(r, f1, 3), s2 = rec_stack(r, f2, 2), s3 = rec_stack(r, f3, 1);

    rec_alloc(r, 10, 0x20001000, 16, s1);
    rec_alloc(r, 20, 0x20001010, 32, s2);
    rec_stack_alloc(r, 1); /* a goroutine's stack, say */
    rec_alloc(r, 25, 0, 4096, s1); /* failed */
    rec_heap_sample(r, 30, 48, 1000, 900, false);

    RecPause *p = rec_pause_begin(r, 100, REC_TRIGGER_ALLOC, s2, false);
    p->heap_before = 48;
    p->irq_delayed = 2;
    p->irq_delay_max = 77;
    rec_phase_begin(r, "mark", 101);
    rec_phase_begin(r, "roots", 102);
    rec_phase_end(r, 110);
    rec_phase_end(r, 150);
    rec_phase_begin(r, "sweep", 151);
    rec_free_block(r, 160, 0x20001000, true);
    rec_pause_end(r, 200);
    r->pauses[0].heap_after = 32;
    r->pauses[0].free_after = 1016;
    r->pauses[0].largest_free_after = 1000;
    r->pauses[0].freed_bytes = 16;
    r->pauses[0].freed_requested = 13;
    r->pauses[0].freed_objects = 1;
    RecHeapMap *m = rec_heap_map(r, 0x20001000, 16, 7);
    const uint8_t st[7] = {REC_BLOCK_FREE, REC_BLOCK_HEAD, REC_BLOCK_TAIL, REC_BLOCK_MARK, 0, 1, 2};
    memcpy(m->state, st, 7);
    rec_heap_sample(r, 200, 32, 1016, 1000, true);
    rec_irq(r, 15, 120, 200);
    r->irqs[0].pause = 0;
    rec_irq(r, 16 + 3, 300, 301);

    rec_free_block(r, 310, 0xdead0000, false); /* unmatched */
    rec_instant(r, 320, "uart", "line with \"quotes\", \\ and tab\tand é ✓");
    rec_instant(r, 330, "fault", "%s", "");
    rec_cpu_sample(r, s1);
    rec_cpu_sample(r, 0);
    rec_cpu_sample(r, s3);
    rec_pause_begin(r, 400, REC_TRIGGER_EXPLICIT, 0, true); /* left open */
    rec_phase_begin(r, "mark", 401);
    rec_alloc(r, 410, 0x20001020, 8, s3);
    return r;
}

/* memcmp that accepts NULL for zero bytes. */
static bool mem_eq(const void *a, const void *b, size_t n)
{
    return n == 0 || !memcmp(a, b, n);
}

static void check_equal(const Recording *a, const Recording *b)
{
    const RecRunInfo *x = &a->run, *y = &b->run;
#define SEQ(s, t) CU_ASSERT(((s) == NULL && (t) == NULL) || ((s) && (t) && !strcmp((s), (t))))
    SEQ(x->image, y->image);
    SEQ(x->board, y->board);
    SEQ(x->core, y->core);
    SEQ(x->runtime, y->runtime);
    SEQ(x->exit_reason, y->exit_reason);
    CU_ASSERT(x->clock_hz == y->clock_hz);
    CU_ASSERT(x->cycles == y->cycles);
    CU_ASSERT(x->instructions == y->instructions);
    CU_ASSERT(x->exit_code == y->exit_code);
    CU_ASSERT(x->partial == y->partial);
    CU_ASSERT(x->sram_base == y->sram_base);
    CU_ASSERT(x->sram_size == y->sram_size);
    CU_ASSERT(x->static_bytes == y->static_bytes);
    CU_ASSERT(x->heap_start == y->heap_start);
    CU_ASSERT(x->heap_end == y->heap_end);
    CU_ASSERT(x->stack_top == y->stack_top);
    CU_ASSERT(x->stack_limit == y->stack_limit);
    CU_ASSERT(x->stack_low == y->stack_low);
    CU_ASSERT(x->stack_floor == y->stack_floor);
    CU_ASSERT(x->alloc_unit == y->alloc_unit && x->alloc_min_units == y->alloc_min_units);

    CU_ASSERT(a->alloc_failures == b->alloc_failures);
    CU_ASSERT(a->cpu_sample_cycles == b->cpu_sample_cycles);
    CU_ASSERT(a->priv_pause_open == b->priv_pause_open);
    CU_ASSERT(rec_live_bytes(a) == rec_live_bytes(b));

    CU_ASSERT_FATAL(a->nphase_names == b->nphase_names);
    for (size_t i = 0; i < a->nphase_names; i++)
        SEQ(a->phase_names[i], b->phase_names[i]);
    CU_ASSERT_FATAL(a->npauses == b->npauses);
    for (size_t i = 0; i < a->npauses; i++) {
        const RecPause *p = &a->pauses[i], *q = &b->pauses[i];
        CU_ASSERT(p->start == q->start && p->end == q->end);
        CU_ASSERT(p->first_phase == q->first_phase && p->nphases == q->nphases);
        CU_ASSERT(p->heap_before == q->heap_before && p->heap_after == q->heap_after);
        CU_ASSERT(p->free_after == q->free_after && p->largest_free_after == q->largest_free_after);
        CU_ASSERT(p->freed_bytes == q->freed_bytes && p->freed_objects == q->freed_objects);
        CU_ASSERT(p->freed_requested == q->freed_requested);
        CU_ASSERT(p->trigger == q->trigger && p->stack == q->stack && p->incremental == q->incremental);
        CU_ASSERT(p->irq_delayed == q->irq_delayed && p->irq_delay_max == q->irq_delay_max);
    }
    CU_ASSERT_FATAL(a->nphases == b->nphases);
    for (size_t i = 0; i < a->nphases; i++)
        CU_ASSERT(a->phases[i].name == b->phases[i].name && a->phases[i].start == b->phases[i].start &&
                  a->phases[i].end == b->phases[i].end);
    CU_ASSERT_FATAL(a->nallocs == b->nallocs);
    for (size_t i = 0; i < a->nallocs; i++)
        CU_ASSERT(a->allocs[i].time == b->allocs[i].time && a->allocs[i].addr == b->allocs[i].addr &&
                   a->allocs[i].size == b->allocs[i].size && a->allocs[i].stack == b->allocs[i].stack &&
                   a->allocs[i].free_idx == b->allocs[i].free_idx);
    CU_ASSERT_FATAL(a->nstack_allocs == b->nstack_allocs);
    CU_ASSERT(mem_eq(a->stack_allocs, b->stack_allocs, a->nstack_allocs * sizeof *a->stack_allocs));
    CU_ASSERT_FATAL(a->nfrees == b->nfrees);
    for (size_t i = 0; i < a->nfrees; i++)
        CU_ASSERT(a->frees[i].time == b->frees[i].time && a->frees[i].addr == b->frees[i].addr &&
                  rec_free_size(a, &a->frees[i]) == rec_free_size(b, &b->frees[i]) &&
                  a->frees[i].alloc_idx == b->frees[i].alloc_idx &&
                  a->frees[i].by_gc == b->frees[i].by_gc);
    CU_ASSERT_FATAL(a->nsamples == b->nsamples);
    for (size_t i = 0; i < a->nsamples; i++)
        CU_ASSERT(a->samples[i].time == b->samples[i].time && a->samples[i].used == b->samples[i].used &&
                  a->samples[i].free == b->samples[i].free &&
                  a->samples[i].largest_free == b->samples[i].largest_free &&
                  a->samples[i].after_pause == b->samples[i].after_pause);
    CU_ASSERT_FATAL(a->nirqs == b->nirqs);
    for (size_t i = 0; i < a->nirqs; i++)
        CU_ASSERT(a->irqs[i].pending == b->irqs[i].pending && a->irqs[i].entered == b->irqs[i].entered &&
                  a->irqs[i].irq == b->irqs[i].irq && a->irqs[i].pause == b->irqs[i].pause);
    CU_ASSERT_FATAL(a->ninstants == b->ninstants);
    for (size_t i = 0; i < a->ninstants; i++) {
        CU_ASSERT(a->instants[i].time == b->instants[i].time);
        CU_ASSERT(!strcmp(a->instants[i].kind, b->instants[i].kind));
        SEQ(a->instants[i].text, b->instants[i].text);
    }
    CU_ASSERT_FATAL(a->nmaps == b->nmaps);
    for (size_t i = 0; i < a->nmaps; i++) {
        const RecHeapMap *m = &a->maps[i], *n = &b->maps[i];
        CU_ASSERT(m->pause == n->pause && m->base == n->base && m->block_size == n->block_size);
        CU_ASSERT_FATAL(m->nblocks == n->nblocks);
        CU_ASSERT(mem_eq(m->state, n->state, m->nblocks));
    }
    CU_ASSERT_FATAL(a->nstacks == b->nstacks);
    CU_ASSERT_FATAL(a->nframes == b->nframes);
    CU_ASSERT(mem_eq(a->frames, b->frames, a->nframes * sizeof *a->frames));
    CU_ASSERT(mem_eq(a->stack_off, b->stack_off, (a->nstacks + 1) * sizeof *a->stack_off));
    CU_ASSERT_FATAL(a->ncpu_samples == b->ncpu_samples);
    CU_ASSERT(mem_eq(a->cpu_samples, b->cpu_samples, a->ncpu_samples * sizeof *a->cpu_samples));
#undef SEQ
}

static void test_round_trip(void)
{
    Recording *r = synth();
    save(r);
    char *err = NULL;
    Recording *b = record_json_load(tmpdir, &err);
    CU_ASSERT_FATAL(b != NULL);
    CU_ASSERT(err == NULL);
    check_equal(r, b);
    /* Interned stacks still intern to the same ids. */
    uint32_t f2[] = {0x1a8, 0x200};
    CU_ASSERT(rec_stack(b, f2, 2) == 2);
    /* Written again: the same bytes. */
    char *t1 = write_rec(r), *t2 = write_rec(b);
    CU_ASSERT_STRING_EQUAL(t1, t2);
    CU_ASSERT(strstr(t1, "\"0x00000200\": [\"0x00000200\"]") != NULL);
    free(t1);
    free(t2);
    rec_free(b);
    rec_free(r);
}

static void test_empty(void)
{
    Recording *r = rec_new();
    char *t = write_rec(r);
    save(r);
    char *err = NULL;
    Recording *b = record_json_load(tmpdir, &err);
    CU_ASSERT_FATAL(b != NULL);
    check_equal(r, b);
    char *t2 = write_rec(b);
    CU_ASSERT_STRING_EQUAL(t, t2);
    free(t);
    free(t2);
    rec_free(b);
    rec_free(r);
}

static void test_deterministic(void)
{
    Recording *a = synth(), *b = synth();
    char *t1 = write_rec(a), *t2 = write_rec(b);
    CU_ASSERT_STRING_EQUAL(t1, t2);
    free(t1);
    free(t2);
    rec_free(a);
    rec_free(b);
}

static void test_invalid_utf8(void)
{
    Recording *r = rec_new();
    rec_instant(r, 5, "uart", "a\xff" "b\x01");
    char *t = write_rec(r);
    save(r);
    char *err = NULL;
    Recording *b = record_json_load(tmpdir, &err);
    CU_ASSERT_FATAL(b != NULL);
    CU_ASSERT_STRING_EQUAL(b->instants[0].text, "a\xef\xbf\xbd" "b\x01");
    free(t);
    rec_free(b);
    rec_free(r);
}

static void test_frame_names(void)
{
    Recording *none = rec_new();
    RecordEvents ev;
    record_events_encode(none, &ev);
    write_events(ev.data, ev.len);
    rec_free(none);
    char *text = xasprintf(
        "{\"format\": \"baregc-record/4\", \"run\": {\"image\": null, \"board\": null, \"core\": null, "
        "\"runtime\": null, \"clock_hz\": 1, \"cycles\": 2, \"instructions\": 3, \"exit_reason\": null, "
        "\"exit_code\": 0, \"partial\": false, \"sram_base\": 0, \"sram_size\": 0, \"static_bytes\": 0, "
        "\"heap_start\": 0, \"heap_end\": 0, \"stack_top\": 0, \"stack_limit\": 0, \"stack_low\": 0, "
        "\"alloc_unit\": 0, \"alloc_min_units\": 0}, "
        "\"alloc_failures\": 0, \"pause_open\": false, \"cpu_sample_cycles\": 0, \"phase_names\": [], "
        "\"pauses\": [], \"heap_samples\": [], \"heap_maps\": [], "
        "\"events\": {\"file\": \"events.bin\", \"allocs\": 0, \"frees\": 0, \"bytes\": %zu, \"crc32\": %u}, "
        "\"stack_allocs\": [], \"irqs\": [], \"instants\": [], \"cpu_samples\": [1], \"stacks\": [[256, 4096]], "
        "\"symbols\": {\"0x00000100\": [\"xalloc (a.c:3)\", \"leaf (a.c:9)\"], "
        "\"0x00001000\": [\"main (main.c:12)\"]}}",
        ev.len, (unsigned)ev.crc);
    record_events_free(&ev);
    write_text(text, strlen(text));
    free(text);
    char *err = NULL;
    Recording *r = record_json_load(tmpdir, &err);
    CU_ASSERT_FATAL(r != NULL);
    CU_ASSERT_EQUAL(r->run.stack_floor, 0); /* a recording without it (older baregc): unknown */
    char buf[64];
    /* the inline chain, innermost first, every level but the last marked inlined */
    CU_ASSERT_STRING_EQUAL(traces_frame_name(r, NULL, 0x100, buf, sizeof buf),
                           "xalloc (a.c:3) [inlined] \u2190 leaf (a.c:9)");
    CU_ASSERT_STRING_EQUAL(traces_frame_text(r, NULL, 0x100, "\n", buf, sizeof buf),
                           "xalloc (a.c:3) [inlined]\nleaf (a.c:9)");
    CU_ASSERT_STRING_EQUAL(traces_frame_name(r, NULL, 0x1000, buf, sizeof buf), "main (main.c:12)");
    CU_ASSERT_STRING_EQUAL(traces_frame_name(r, NULL, 0x1234, buf, sizeof buf), "0x00001234");
    CU_ASSERT_STRING_EQUAL(traces_frame_name(NULL, NULL, 0x10, buf, sizeof buf), "0x00000010");
    /* a small buffer: cut, still terminated */
    CU_ASSERT_STRING_EQUAL(traces_frame_name(r, NULL, 0x100, buf, 12), "xalloc (a.c");
    /* written again without the image: the same levels */
    char *t = write_rec(r);
    CU_ASSERT(strstr(t, "\"0x00000100\": [\"xalloc (a.c:3)\", \"leaf (a.c:9)\"]") != NULL);
    free(t);
    rec_free(r);
}

/* Replaces the first occurrence of `from` in the synthetic file by `to`, loads it,
 * and expects failure with a message containing `want`. */
static void expect_error(const char *from, const char *to, const char *want)
{
    Recording *r = synth();
    save(r);
    char *t = write_rec(r);
    rec_free(r);
    char *at = strstr(t, from);
    CU_ASSERT_FATAL(at != NULL);
    char *mod = xasprintf("%.*s%s%s", (int)(at - t), t, to, at + strlen(from));
    write_text(mod, strlen(mod));
    char *err = NULL;
    Recording *b = record_json_load(tmpdir, &err);
    CU_ASSERT(b == NULL);
    CU_ASSERT_FATAL(err != NULL);
    if (!strstr(err, want) || !strstr(err, "record.json"))
        fprintf(stderr, "\n  got \"%s\", wanted \"%s\"\n", err, want);
    CU_ASSERT(strstr(err, want) != NULL);
    CU_ASSERT(strstr(err, "record.json") != NULL);
    free(err);
    free(mod);
    free(t);
    rec_free(b);
}

static void test_malformed(void)
{
    expect_error("\"format\": \"baregc-record/4\"", "\"format\": \"baregc-record/3\"", "\"format\" is not");
    expect_error("\"alloc_unit\": 16", "\"alloc_unit\": -16", "alloc_unit out of range");
    expect_error(",\n    \"alloc_min_units\": 1\n", "\n", "run: missing \"alloc_min_units\"");
    expect_error("\"freed_requested\": 13", "\"freed_requested\": \"x\"", "freed_requested is not a number");
    expect_error("\"stack_allocs\": [1]", "\"stack_allocs\": [2]", "stack_allocs[0]: allocation 2 failed");
    expect_error("\"stack_allocs\": [1]", "\"stack_allocs\": [9]", "stack_allocs[0]: value 1 out of range");
    expect_error("\"stack_allocs\": [1]", "\"stack_allocs\": [1, 0]", "stack_allocs[1]: not ascending");
    expect_error("\"clock_hz\": 25000000", "\"clock_hz\": \"fast\"", "run: clock_hz is not a number");
    expect_error("\"clock_hz\": 25000000", "\"clock_hz\": 2.5", "clock_hz is not an integer");
    expect_error("\"clock_hz\": 25000000", "\"clock_hz\": -1", "clock_hz out of range");
    expect_error("\"sram_size\": 4294967295", "\"sram_size\": 4294967296", "sram_size out of range");
    expect_error("\"board\": \"mps2-an385\",", "", "run: missing \"board\"");
    expect_error("\"partial\": true", "\"partial\": 1", "\"partial\" is not true or false");
    expect_error("\"trigger\": \"alloc\"", "\"trigger\": \"moon\"", "pauses[0]: \"trigger\"");
    expect_error("\"stack\": 2", "\"stack\": 99", "pauses[0]: stack 99 does not exist");
    expect_error("[0, 101, 150]", "[7, 101, 150]", "phase name 7 does not exist");
    expect_error("[0, 101, 150]", "[0, 101]", "pauses[0].phases[0]: not an array of 3 values");
    expect_error("\"state\": \"0123012\"", "\"state\": \"012301\"", "\"state\" has 6 digits for 7 blocks");
    expect_error("\"state\": \"0123012\"", "\"state\": \"01x3012\"", "\"state\" has 'x' at block 2");
    expect_error("\"pause\": 0", "\"pause\": 5", "heap_maps[0]: pause 5 does not exist");
    expect_error("\"events\": {", "\"events\": 5, \"x\": {", "\"events\" is not an object");
    expect_error("\"file\": \"events.bin\"", "\"file\": \"../x\"", "events: \"file\" is not \"events.bin\"");
    expect_error("\"allocs\": 4,", "\"allocs\": 5,", "holds 4 allocations and 2 frees, record.json says 5 and 2");
    expect_error("\"frees\": 2,", "", "events: missing \"frees\"");
    expect_error("\"crc32\": ", "\"crc32\": 7, \"x\": ", "is not the one written with it");
    expect_error("\"bytes\": ", "\"bytes\": 1", "is not the one written with it");
    expect_error("[120, 200, 15, 0]", "[120, 200, 15, 3]", "irqs[0]: value 4 out of range");
    expect_error("[120, 200, 15, 0]", "[120, 200, 70000, 0]", "irqs[0]: value 3 out of range");
    expect_error("[330, \"fault\", \"\"]", "[330, \"fault\", 5]", "instants[1]: kind and text must be strings");
    expect_error("[330, \"fault\", \"\"]", "[330, \"faultfaultfaultfault\", \"\"]", "instants[1]: kind longer");
    expect_error("\"cpu_samples\": [1", "\"cpu_samples\": [4", "cpu_samples[0]: stack 4 does not exist");
    expect_error("[256, 512, 768]", "[]", "stacks[0]: empty");
    expect_error("[256, 512, 768]", "[424, 512]", "stacks[1]: the same frames as stacks[0]");
    expect_error("[256, 512, 768]", "[256, -512, 768]", "stacks[0]: value 1 out of range");
    expect_error("\"0x00000100\":", "\"zz\":", "symbols: key \"zz\" is not an address");
    expect_error("\"0x00000100\": [\"0x00000100\"]", "\"0x00000100\": \"0x00000100\"", "not an array of 1 to 32");
    expect_error("\"0x00000100\": [\"0x00000100\"]", "\"0x00000100\": []", "not an array of 1 to 32");
    expect_error("\"0x00000100\": [\"0x00000100\"]", "\"0x00000100\": [\"f\", 7]", "not a non-empty one-line");
    expect_error("\"0x00000100\": [\"0x00000100\"]", "\"0x00000100\": [\"\"]", "not a non-empty one-line");
    expect_error("\"0x00000100\": [\"0x00000100\"]", "\"0x00000100\": [\"a\\nb\"]", "not a non-empty one-line");
    expect_error("\"phase_names\": [\"mark\", \"roots\"", "\"phase_names\": [\"mark\", \"mark\"",
                 "phase_names[1]: \"mark\" is listed twice");
    expect_error("\"pauses\": [", "\"pauses\": 3, \"x\": [", "\"pauses\" is not an array");
    expect_error("\"pause_open\": true", "\"pause_open\": true,", "not valid JSON (line 27)");
    expect_error("{\n  \"format\"", "[\n  \"format\"", "not valid JSON");
    expect_error("\n}\n", "\n} trailing\n", "not valid JSON");
}

static void test_missing_and_empty(void)
{
    char *err = NULL;
    CU_ASSERT(record_json_load("/nonexistent/dir", &err) == NULL);
    CU_ASSERT(err && strstr(err, "/nonexistent/dir/record.json"));
    free(err);
    err = NULL;
    write_text("", 0);
    CU_ASSERT(record_json_load(tmpdir, &err) == NULL);
    CU_ASSERT(err && strstr(err, "not valid JSON"));
    free(err);
    err = NULL;
    write_text("[]", 2);
    CU_ASSERT(record_json_load(tmpdir, &err) == NULL);
    CU_ASSERT(err && strstr(err, "not a JSON object"));
    free(err);
    err = NULL;
    write_text("{\"a\":\0}", 7);
    CU_ASSERT(record_json_load(tmpdir, &err) == NULL);
    CU_ASSERT(err != NULL);
    free(err);
}

/* Every prefix of a valid file, and files with bytes changed by a seeded PRNG: load
 * returns a recording or an error, never crashes (ASan watches). */
static void test_truncated_and_mutated(void)
{
    Recording *r = synth();
    save(r);
    char *t = write_rec(r);
    rec_free(r);
    size_t len = strlen(t);
    size_t ok = 0;
    for (size_t cut = 0; cut + 1 < len; cut += 7) { /* (without its final newline it is whole) */
        write_text(t, cut);
        char *err = NULL;
        Recording *b = record_json_load(tmpdir, &err);
        CU_ASSERT((b == NULL) != (err == NULL));
        ok += b != NULL;
        rec_free(b);
        free(err);
    }
    CU_ASSERT(ok == 0); /* no proper prefix is a whole file */
    uint64_t seed = 0x243f6a8885a308d3ull;
    static const char repl[] = "0123456789-{}[]\",:ntfx .e";
    char *m = xmalloc(len + 1);
    for (int round = 0; round < 400; round++) {
        memcpy(m, t, len + 1);
        for (int k = 0; k < 3; k++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            size_t at = (size_t)(seed >> 33) % len;
            m[at] = repl[(seed >> 20) % (sizeof repl - 1)];
        }
        write_text(m, len);
        char *err = NULL;
        Recording *b = record_json_load(tmpdir, &err);
        CU_ASSERT((b == NULL) != (err == NULL));
        if (b) {
            char *again = write_rec(b); /* whatever loaded is consistent enough to write */
            free(again);
        }
        rec_free(b);
        free(err);
    }
    free(m);
    free(t);
}

#define EVENTS_HDR_LEN 16 /* "baregc-events/1\n" */

/* The events file on its own: decoded into a recording with the same stacks. */
static int decode(const uint8_t *data, size_t len, size_t na, size_t nf, char **err)
{
    Recording *r = rec_new();
    uint32_t f1[] = {0x100};
    rec_stack(r, f1, 1);
    int rc = record_events_decode(r, data, len, na, nf, err);
    rec_free(r);
    return rc;
}

static void expect_decode_error(const uint8_t *data, size_t len, size_t na, size_t nf, const char *want)
{
    char *err = NULL;
    CU_ASSERT(decode(data, len, na, nf, &err) < 0);
    CU_ASSERT_FATAL(err != NULL);
    if (!strstr(err, want))
        fprintf(stderr, "\n  got \"%s\", wanted \"%s\"\n", err, want);
    CU_ASSERT(strstr(err, want) != NULL);
    free(err);
}

static void test_events(void)
{
    /* Values at the edges: times going back and near 2^53, addresses 0 and 2^32-1, a
     * free that names no allocation (its address written explicitly). */
    Recording *r = rec_new();
    uint32_t f1[] = {0x100};
    StackId s1 = rec_stack(r, f1, 1);
    rec_alloc(r, 9007199254740992ull, 0xfffffff0u, UINT32_MAX, s1);
    rec_alloc(r, 3, 0x10, 0, 0);
    rec_alloc(r, 7, 0, 12, s1);
    rec_free_block(r, 8, 0x10, true);
    rec_free_block(r, 2, 0xffffffffu, false);
    RecordEvents ev;
    record_events_encode(r, &ev);
    Recording *b = rec_new();
    rec_stack(b, f1, 1);
    char *err = NULL;
    CU_ASSERT_FATAL(record_events_decode(b, ev.data, ev.len, 3, 2, &err) == 0);
    CU_ASSERT_FATAL(b->nallocs == 3 && b->nfrees == 2);
    for (size_t i = 0; i < 3; i++)
        CU_ASSERT(!memcmp(&r->allocs[i].time, &b->allocs[i].time, sizeof(uint64_t)) &&
                  r->allocs[i].addr == b->allocs[i].addr && r->allocs[i].size == b->allocs[i].size &&
                  r->allocs[i].stack == b->allocs[i].stack && r->allocs[i].free_idx == b->allocs[i].free_idx);
    for (size_t i = 0; i < 2; i++)
        CU_ASSERT(r->frees[i].time == b->frees[i].time && r->frees[i].addr == b->frees[i].addr &&
                  rec_free_size(r, &r->frees[i]) == rec_free_size(b, &b->frees[i]) &&
                  r->frees[i].alloc_idx == b->frees[i].alloc_idx &&
                  r->frees[i].by_gc == b->frees[i].by_gc);
    CU_ASSERT(b->allocs[1].free_idx == 1 && b->frees[0].addr == 0x10 && b->frees[1].addr == 0xffffffffu);
    CU_ASSERT(rec_free_size(b, &b->frees[0]) == 0 && b->frees[1].alloc_idx == 0);
    rec_free(b);

    /* Every proper prefix is an error, and so is a byte more. */
    for (size_t cut = 0; cut < ev.len; cut++) {
        CU_ASSERT(decode(ev.data, cut, 3, 2, &err) < 0);
        CU_ASSERT(err != NULL);
        free(err);
        err = NULL;
    }
    uint8_t *more = xmalloc(ev.len + 1);
    memcpy(more, ev.data, ev.len);
    more[ev.len] = 0;
    expect_decode_error(more, ev.len + 1, 3, 2, "1 bytes after the last free");
    free(more);
    expect_decode_error(ev.data, ev.len, 3, 3, "holds 3 allocations and 2 frees, record.json says 3 and 3");
    uint8_t *bad = xmalloc(ev.len);
    memcpy(bad, ev.data, ev.len);
    bad[3] = 'X';
    expect_decode_error(bad, ev.len, 3, 2, "not a baregc events file");
    /* Bytes changed by a seeded PRNG: an error or a recording, never a crash. */
    uint64_t seed = 0x13198a2e03707344ull;
    for (int round = 0; round < 2000; round++) {
        memcpy(bad, ev.data, ev.len);
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        size_t at = EVENTS_HDR_LEN + (size_t)(seed >> 33) % (ev.len - EVENTS_HDR_LEN);
        bad[at] = (uint8_t)(seed >> 20);
        int rc = decode(bad, ev.len, 3, 2, &err);
        CU_ASSERT((rc == 0) == (err == NULL));
        free(err);
        err = NULL;
    }
    free(bad);
    record_events_free(&ev);
    rec_free(r);

    /* Hand-made records: header, then allocations (dt, daddr, size, stack), then
     * frees (dt, alloc-index delta << 2 | explicit << 1 | by_gc [, addr, size]). */
#define HDR 'b', 'a', 'r', 'e', 'g', 'c', '-', 'e', 'v', 'e', 'n', 't', 's', '/', '1', '\n'
    const uint8_t stack9[] = {HDR, 1, 0, 2, 2, 16, 9};
    expect_decode_error(stack9, sizeof stack9, 1, 0, "allocs[0]: stack 9 does not exist (1 stacks)");
    const uint8_t big[] = {HDR, 1, 0, 2, 2, 0xff, 0xff, 0xff, 0xff, 0x7f, 1};
    expect_decode_error(big, sizeof big, 1, 0, "allocs[0]: value out of range");
    const uint8_t over[] = {HDR, 1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 2, 16, 1};
    expect_decode_error(over, sizeof over, 1, 0, "allocs[0]: truncated or malformed");
    const uint8_t negaddr[] = {HDR, 1, 0, 2, 1, 16, 1};
    expect_decode_error(negaddr, sizeof negaddr, 1, 0, "allocs[0]: address out of range");
    const uint8_t nofree[] = {HDR, 1, 1, 2, 2, 16, 1, 2, 4 << 2};
    expect_decode_error(nofree, sizeof nofree, 1, 1, "frees[0]: allocation 2 does not exist (1 allocations)");
    const uint8_t twice[] = {HDR, 1, 2, 2, 2, 16, 1, 2, 2 << 2, 2, 0};
    expect_decode_error(twice, sizeof twice, 1, 2, "frees[1]: allocs[0] was already freed by frees[0]");
    const uint8_t nothing[] = {HDR, 0, 1, 2, 0};
    expect_decode_error(nothing, sizeof nothing, 0, 1, "frees[0]: neither an allocation nor an address");
    const uint8_t huge[] = {HDR, 0xff, 0xff, 0xff, 0xff, 0x0f, 0};
    expect_decode_error(huge, sizeof huge, 0xffffffffu, 0, "counts larger than the file can hold");
    /* An explicit address and size must be the allocation's (a free's size is its
     * allocation's), and a free of no allocation has size 0. */
    const uint8_t otheraddr[] = {HDR, 1, 1, 2, 2, 16, 1, 2, (2 << 2) | 2, 0x11, 16};
    expect_decode_error(otheraddr, sizeof otheraddr, 1, 1,
                        "frees[0]: address 0x11 and size 16 are not those of allocs[0]");
    const uint8_t othersize[] = {HDR, 1, 1, 2, 2, 16, 1, 2, (2 << 2) | 2, 1, 8};
    expect_decode_error(othersize, sizeof othersize, 1, 1, "frees[0]: address 0x1 and size 8 are not those of allocs[0]");
    const uint8_t sized[] = {HDR, 0, 1, 2, 2, 0x80, 0x80, 0x04, 8};
    expect_decode_error(sized, sizeof sized, 0, 1, "frees[0]: size 8 for a free of no allocation (its size is 0)");
    const uint8_t good[] = {HDR, 1, 2, 2, 2, 16, 1, 2, (2 << 2) | 1, 2, (1 << 2) | 2, 0x80, 0x80, 0x04, 0};
    CU_ASSERT(decode(good, sizeof good, 1, 2, &err) == 0);
    CU_ASSERT(err == NULL);
#undef HDR
}

static void cleanup(void)
{
    if (!tmpdir[0])
        return;
    char *p = record_path();
    unlink(p);
    free(p);
    p = xasprintf("%s/" RECORD_EVENTS_FILE, tmpdir);
    unlink(p);
    free(p);
    rmdir(tmpdir);
}

static const TestCase cases[] = {
    {"round trip", test_round_trip},
    {"empty recording", test_empty},
    {"deterministic", test_deterministic},
    {"invalid utf-8", test_invalid_utf8},
    {"frame names", test_frame_names},
    {"malformed", test_malformed},
    {"missing and empty", test_missing_and_empty},
    {"truncated and mutated", test_truncated_and_mutated},
    {"events.bin", test_events},
    {NULL, NULL},
};

static const TestSuite suites[] = {
    {"record_json", cases},
    {NULL, NULL},
};

int main(void)
{
    int rc = cunit_run(suites);
    cleanup();
    return rc;
}
