/* test_budget.c: budget files (every key, wrong types, unknown keys), verdicts and
 * margins on a hand-built recording, baseline comparison, the JUnit XML shape, and the
 * recorded-run path (record.json + events.bin, nothing else) agreeing with the live
 * one. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include "base/util.h"
#include "tests/cunit_main.h"
#include "traces/budget.h"
#include "traces/traces.h"

/* ---- helpers -------------------------------------------------------------------- */

/* Parses json; expects failure with an error that contains `needle`. */
static void expect_parse_error(const char *json, const char *needle)
{
    char *err = NULL;
    Budget *b = budget_parse(json, "b.json", &err);
    CU_ASSERT_PTR_NULL(b);
    CU_ASSERT_PTR_NOT_NULL(err);
    if (err && !strstr(err, needle)) {
        fprintf(stderr, "\n  error for %s: '%s' lacks '%s'\n", json, err, needle);
        CU_FAIL("error message does not name the key");
    }
    budget_free(b);
    free(err);
}

static Budget *parse_ok(const char *json)
{
    char *err = NULL;
    Budget *b = budget_parse(json, "b.json", &err);
    if (!b)
        fprintf(stderr, "\n  unexpected error: %s\n", err ? err : "?");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_PTR_NULL(err);
    return b;
}

/* A run at 1 MHz (1 cycle = 1 us) of 10000 us with pauses of 100, 300 and 50 us at
 * 1000, 3000 and 6000 us; the 300 us one triggered by an allocation with a 2-frame
 * stack. Heap sample: 500 used, 1000 free, 250 largest free (fragmentation 0.75).
 * Stack top 0x20002000, limit 0x20001000, lowest SP 0x20001c00: 3072 bytes of stack
 * headroom; the statics end at 0x20000800: 5120 bytes of SRAM headroom.
 * Two failed allocations. */
static Recording *make_recording(void)
{
    Recording *r = rec_new();
    r->run.image = xstrdup("fw.elf");
    r->run.board = xstrdup("test-board");
    r->run.core = xstrdup("cortex-m3");
    r->run.runtime = xstrdup("gcrt");
    r->run.exit_reason = xstrdup("exit");
    r->run.clock_hz = 1000000;
    r->run.cycles = 10000;
    r->run.sram_base = 0x20000000;
    r->run.sram_size = 0x4000;
    r->run.static_bytes = 0x800;
    r->run.stack_top = 0x20002000;
    r->run.stack_limit = 0x20001000;
    r->run.stack_low = 0x20001c00;
    r->run.stack_floor = 0x20000800;
    static const uint32_t frames[] = {0x1000, 0x2001};
    StackId st = rec_stack(r, frames, 2);
    rec_pause_begin(r, 1000, REC_TRIGGER_EXPLICIT, 0, false);
    rec_pause_end(r, 1100);
    rec_pause_begin(r, 3000, REC_TRIGGER_ALLOC, st, false);
    rec_pause_end(r, 3300);
    rec_pause_begin(r, 6000, REC_TRIGGER_ALLOC, 0, false);
    rec_pause_end(r, 6050);
    rec_heap_sample(r, 5000, 500, 1000, 250, false);
    r->alloc_failures = 2;
    return r;
}

static void measure(const Recording *r, const Budget *b, Measured *m)
{
    Stats s;
    stats_compute(r, &s);
    measured_from_recording(m, r, &s, NULL, b);
    stats_free(&s);
}

static const BudgetResult *find(const BudgetReport *rep, const char *name)
{
    for (size_t i = 0; i < rep->nitems; i++)
        if (!strcmp(rep->items[i].name, name))
            return &rep->items[i];
    return NULL;
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* ---- parsing -------------------------------------------------------------------- */

static void test_parse_every_key(void)
{
    Budget *b = parse_ok("{\"max_pause_us\": 5000, \"p99_pause_us\": 4000, \"p999_pause_us\": 4500,"
                         " \"mean_pause_us\": 1000.5, \"mmu\": [{\"window_us\": 10000, \"min\": 0.5},"
                         " {\"window_us\": 1000, \"min\": 0}], \"gc_cpu_fraction_max\": 0.25,"
                         " \"peak_heap_bytes_max\": 65536, \"min_sram_headroom_bytes\": 1024,"
                         " \"min_stack_headroom_bytes\": 512, \"max_fragmentation\": 0.7,"
                         " \"max_alloc_failures\": 0, \"min_pauses\": 1}");
    static const double want[BUDGET__COUNT] = {
        [BUDGET_MAX_PAUSE] = 5000, [BUDGET_P99_PAUSE] = 4000, [BUDGET_P999_PAUSE] = 4500,
        [BUDGET_MEAN_PAUSE] = 1000.5, [BUDGET_GC_CPU_FRACTION] = 0.25, [BUDGET_PEAK_HEAP] = 65536,
        [BUDGET_SRAM_HEADROOM] = 1024, [BUDGET_STACK_HEADROOM] = 512, [BUDGET_FRAGMENTATION] = 0.7,
        [BUDGET_ALLOC_FAILURES] = 0, [BUDGET_MIN_PAUSES] = 1,
    };
    for (int k = 0; k < BUDGET__COUNT; k++) {
        CU_ASSERT(b->has[k]);
        CU_ASSERT_DOUBLE_EQUAL(b->limit[k], want[k], 1e-12);
    }
    CU_ASSERT_EQUAL_FATAL(b->nmmu, 2);
    CU_ASSERT_DOUBLE_EQUAL(b->mmu[0].window_us, 10000, 0);
    CU_ASSERT_DOUBLE_EQUAL(b->mmu[0].min, 0.5, 0);
    CU_ASSERT_DOUBLE_EQUAL(b->mmu[1].window_us, 1000, 0);
    CU_ASSERT_DOUBLE_EQUAL(b->mmu[1].min, 0, 0);
    budget_free(b);

    /* Keys are optional: only the ones given are set. */
    b = parse_ok("{\"min_pauses\": 3}");
    for (int k = 0; k < BUDGET__COUNT; k++)
        CU_ASSERT_EQUAL(b->has[k], k == BUDGET_MIN_PAUSES);
    CU_ASSERT_EQUAL(b->nmmu, 0);
    budget_free(b);
    b = parse_ok("{\"mmu\": [{\"min\": 0.9, \"window_us\": 2.5}]}");
    CU_ASSERT_EQUAL(b->nmmu, 1);
    CU_ASSERT_DOUBLE_EQUAL(b->mmu[0].window_us, 2.5, 0);
    budget_free(b);
}

static void test_parse_wrong_types(void)
{
    static const char *const bad_values[] = {"\"10\"", "true", "null", "[1]", "{}"};
    for (int k = 0; k < BUDGET__COUNT; k++)
        for (size_t v = 0; v < ARRAY_SIZE(bad_values); v++) {
            char json[128];
            snprintf(json, sizeof json, "{\"%s\": %s}", budget_key_name((BudgetKey)k), bad_values[v]);
            expect_parse_error(json, budget_key_name((BudgetKey)k));
        }
    expect_parse_error("{\"mmu\": 5}", "mmu");
    expect_parse_error("{\"mmu\": {\"window_us\": 1, \"min\": 0.5}}", "mmu");
    expect_parse_error("{\"mmu\": [5]}", "mmu[0]");
    expect_parse_error("{\"mmu\": [{\"window_us\": 1000, \"min\": 0.5}, {\"window_us\": \"1ms\", \"min\": 0.5}]}",
                       "mmu[1].window_us");
    expect_parse_error("{\"mmu\": [{\"window_us\": 1000, \"min\": \"high\"}]}", "mmu[0].min");
}

static void test_parse_bad_values(void)
{
    expect_parse_error("{\"max_pause_us\": -1}", "max_pause_us");
    expect_parse_error("{\"gc_cpu_fraction_max\": 1.5}", "gc_cpu_fraction_max");
    expect_parse_error("{\"max_fragmentation\": 2}", "max_fragmentation");
    expect_parse_error("{\"peak_heap_bytes_max\": 100.5}", "peak_heap_bytes_max");
    expect_parse_error("{\"min_pauses\": 0.5}", "min_pauses");
    expect_parse_error("{\"max_alloc_failures\": 1e300}", "max_alloc_failures");
    expect_parse_error("{\"mmu\": [{\"window_us\": 0, \"min\": 0.5}]}", "mmu[0].window_us");
    expect_parse_error("{\"mmu\": [{\"window_us\": 100, \"min\": 1.01}]}", "mmu[0].min");
    expect_parse_error("{\"mmu\": [{\"window_us\": 100}]}", "mmu[0]: min missing");
    expect_parse_error("{\"mmu\": [{\"min\": 0.5}]}", "mmu[0]: window_us missing");
    expect_parse_error("{\"mmu\": [{\"window_us\": 100, \"min\": 0.5}, {\"window_us\": 100, \"min\": 0.2}]}",
                       "mmu[1].window_us");
    expect_parse_error("{\"max_pause_us\": 1, \"max_pause_us\": 2}", "max_pause_us: given twice");
    expect_parse_error("{}", "no limits");
    expect_parse_error("{\"mmu\": []}", "no limits");
    expect_parse_error("[{\"max_pause_us\": 1}]", "object");
    expect_parse_error("{\"max_pause_us\": 1,", "not valid JSON");
    expect_parse_error("", "not valid JSON");
    expect_parse_error("{\"max_pause_us\": 1} {\"min_pauses\": 1}", "not valid JSON");
}

/* A syntax error names its line and column (where the parser stopped) and what follows
 * there on that line. */
static void test_parse_error_position(void)
{
    /* a trailing comma: the parser stops after the '}' that follows it */
    expect_parse_error("{\n  \"max_pause_us\": 100,\n}\n", "b.json: not valid JSON at line 3, column 2");
    expect_parse_error("{\"max_pause_us\": 100 \"p99_pause_us\": 5}",
                       "b.json: not valid JSON at line 1, column 22 near '\"p99_pause_us\": 5}'");
    expect_parse_error("{\"max_pause_us\": 1}\n\n  {\"min_pauses\": 1}", "at line 3, column 3 near '{\"min_pauses\": 1}'");
    expect_parse_error("", "b.json: not valid JSON at line 1, column 1");
    expect_parse_error("{\"max_pause_us\": 1,", "not valid JSON at line 1, column 20");
    /* at most 20 bytes of the line are quoted, control characters as '?' */
    expect_parse_error("{\"a\": 1 x\tyyyyyyyyyyyyyyyyyyyyyyyy\n", "near 'x?yyyyyyyyyyyyyyyyyy'");
}

static void test_parse_unknown_keys(void)
{
    expect_parse_error("{\"max_pause_us\": 1, \"max_pause\": 5}", "max_pause:");
    expect_parse_error("{\"comment\": \"x\"}", "comment: unknown key");
    expect_parse_error("{\"mmu\": [{\"window_us\": 100, \"min\": 0.5, \"max\": 1}]}", "mmu[0].max: unknown key");
}

static void test_load_file(void)
{
    char path[] = "/tmp/test_budget.XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("{\"max_pause_us\": 250}\n", f);
    fclose(f);
    char *err = NULL;
    Budget *b = budget_load(path, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT(b->has[BUDGET_MAX_PAUSE]);
    CU_ASSERT_DOUBLE_EQUAL(b->limit[BUDGET_MAX_PAUSE], 250, 0);
    budget_free(b);
    f = fopen(path, "w");
    fputs("{\"max_pause_us\": \"250us\"}\n", f);
    fclose(f);
    CU_ASSERT_PTR_NULL(budget_load(path, &err));
    CU_ASSERT(err && strstr(err, path) && strstr(err, "max_pause_us"));
    free(err);
    err = NULL;
    unlink(path);
    CU_ASSERT_PTR_NULL(budget_load(path, &err));
    CU_ASSERT(err && strstr(err, path));
    free(err);
}

/* ---- evaluation ----------------------------------------------------------------- */

static void test_measured_values(void)
{
    Recording *r = make_recording();
    Budget *b = parse_ok("{\"mmu\": [{\"window_us\": 1000, \"min\": 0.5}, {\"window_us\": 100, \"min\": 0},"
                         " {\"window_us\": 20000, \"min\": 0}, {\"window_us\": 400, \"min\": 0}]}");
    Measured m;
    measure(r, b, &m);
    for (int k = 0; k < BUDGET__COUNT; k++)
        CU_ASSERT(m.known[k]);
    CU_ASSERT_DOUBLE_EQUAL(m.value[BUDGET_MAX_PAUSE], 300, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(m.value[BUDGET_P99_PAUSE], 300, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(m.value[BUDGET_P999_PAUSE], 300, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(m.value[BUDGET_MEAN_PAUSE], 150, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(m.value[BUDGET_GC_CPU_FRACTION], 0.045, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(m.value[BUDGET_PEAK_HEAP], 500, 0);
    CU_ASSERT_DOUBLE_EQUAL(m.value[BUDGET_SRAM_HEADROOM], 5120, 0); /* down to the statics */
    CU_ASSERT_DOUBLE_EQUAL(m.value[BUDGET_STACK_HEADROOM], 3072, 0);
    CU_ASSERT_DOUBLE_EQUAL(m.value[BUDGET_FRAGMENTATION], 0.75, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(m.value[BUDGET_ALLOC_FAILURES], 2, 0);
    CU_ASSERT_DOUBLE_EQUAL(m.value[BUDGET_MIN_PAUSES], 3, 0);
    CU_ASSERT_EQUAL_FATAL(m.nmmu, 4);
    CU_ASSERT_DOUBLE_EQUAL(m.mmu[0], 0.7, 1e-12);  /* 300 us of 1000 */
    CU_ASSERT_DOUBLE_EQUAL(m.mmu[1], 0, 1e-12);    /* inside the 300 us pause */
    CU_ASSERT(m.mmu[2] < 0);                       /* longer than the run */
    CU_ASSERT_DOUBLE_EQUAL(m.mmu[3], 0.25, 1e-12); /* 300 of 400 */
    /* The worst pause: the 300 us one, 2nd, its stack by address (no image). */
    CU_ASSERT_EQUAL(m.worst_pause, 2);
    CU_ASSERT(m.worst_pause_time_known);
    CU_ASSERT_EQUAL(m.worst_pause_start_ns, 3000000);
    CU_ASSERT_STRING_EQUAL(m.worst_trigger, "alloc");
    CU_ASSERT_EQUAL_FATAL(m.nframes, 2);
    CU_ASSERT_STRING_EQUAL(m.frames[0], "0x00001000");
    CU_ASSERT_STRING_EQUAL(m.frames[1], "0x00002001");
    char why[128];
    CU_ASSERT(measured_run_ok(&m, why, sizeof why));
    measured_free(&m);

    /* No stack limit: stack headroom unknown; SRAM headroom then stops at the data. */
    r->run.stack_limit = 0;
    measure(r, b, &m);
    CU_ASSERT(!m.known[BUDGET_STACK_HEADROOM]);
    CU_ASSERT(m.known[BUDGET_SRAM_HEADROOM]);
    CU_ASSERT_DOUBLE_EQUAL(m.value[BUDGET_SRAM_HEADROOM], 0x1c00 - 0x800, 0);
    measured_free(&m);
    budget_free(b);
    rec_free(r);
}

static void test_margins(void)
{
    Recording *r = make_recording();
    /* Limits exactly at the measured values pass with margin 0. */
    Budget *b = parse_ok("{\"max_pause_us\": 300, \"p99_pause_us\": 300, \"p999_pause_us\": 300,"
                         " \"mean_pause_us\": 150, \"gc_cpu_fraction_max\": 0.045, \"peak_heap_bytes_max\": 500,"
                         " \"min_sram_headroom_bytes\": 5120, \"min_stack_headroom_bytes\": 3072,"
                         " \"max_fragmentation\": 0.75, \"max_alloc_failures\": 2, \"min_pauses\": 3,"
                         " \"mmu\": [{\"window_us\": 1000, \"min\": 0.7}]}");
    Measured m;
    measure(r, b, &m);
    BudgetReport rep;
    budget_evaluate(b, &m, NULL, 0, &rep);
    CU_ASSERT_EQUAL(rep.nitems, BUDGET__COUNT + 1);
    CU_ASSERT_EQUAL(rep.failures, 0);
    for (size_t i = 0; i < rep.nitems; i++) {
        CU_ASSERT(rep.items[i].pass);
        CU_ASSERT(rep.items[i].known);
        CU_ASSERT_DOUBLE_EQUAL(rep.items[i].margin, 0, 1e-12);
    }
    /* Order: the pause items, gc_cpu_fraction_max, the MMU windows, then the rest. */
    CU_ASSERT_STRING_EQUAL(rep.items[0].name, "max_pause_us");
    CU_ASSERT_STRING_EQUAL(rep.items[4].name, "gc_cpu_fraction_max");
    CU_ASSERT_STRING_EQUAL(rep.items[5].name, "mmu_1000us");
    CU_ASSERT_STRING_EQUAL(rep.items[rep.nitems - 1].name, "min_pauses");
    budget_report_free(&rep);
    measured_free(&m);
    budget_free(b);

    /* Tighter by a little: every item fails, margins negative by that much. */
    b = parse_ok("{\"max_pause_us\": 299, \"mean_pause_us\": 160, \"min_pauses\": 4,"
                 " \"min_stack_headroom_bytes\": 3000, \"min_sram_headroom_bytes\": 6000,"
                 " \"max_alloc_failures\": 1, \"mmu\": [{\"window_us\": 1000, \"min\": 0.75}]}");
    measure(r, b, &m);
    budget_evaluate(b, &m, NULL, 0, &rep);
    const BudgetResult *it = find(&rep, "max_pause_us");
    CU_ASSERT_FATAL(it != NULL);
    CU_ASSERT(!it->pass);
    CU_ASSERT(!it->is_min);
    CU_ASSERT_DOUBLE_EQUAL(it->margin, -1, 1e-9);
    CU_ASSERT_STRING_EQUAL(it->unit, "us");
    it = find(&rep, "mean_pause_us");
    CU_ASSERT(it && it->pass && fabs(it->margin - 10) < 1e-9);
    it = find(&rep, "min_pauses");
    CU_ASSERT(it && !it->pass && it->is_min && it->margin == -1);
    it = find(&rep, "min_stack_headroom_bytes");
    CU_ASSERT(it && it->pass && it->margin == 72 && !strcmp(it->unit, "bytes"));
    it = find(&rep, "min_sram_headroom_bytes");
    CU_ASSERT(it && !it->pass && it->margin == -880);
    it = find(&rep, "max_alloc_failures");
    CU_ASSERT(it && !it->pass && it->margin == -1);
    it = find(&rep, "mmu_1000us");
    CU_ASSERT(it && !it->pass && it->is_min && fabs(it->margin + 0.05) < 1e-12);
    CU_ASSERT_EQUAL(rep.failures, 5);
    budget_report_free(&rep);
    measured_free(&m);
    budget_free(b);
    rec_free(r);
}

static void test_unknown_fails(void)
{
    Recording *r = make_recording();
    r->run.stack_limit = 0;
    Budget *b = parse_ok("{\"min_stack_headroom_bytes\": 0, \"mmu\": [{\"window_us\": 20000, \"min\": 0}]}");
    Measured m;
    measure(r, b, &m);
    BudgetReport rep;
    budget_evaluate(b, &m, NULL, 0, &rep);
    CU_ASSERT_EQUAL(rep.nitems, 2);
    CU_ASSERT_EQUAL(rep.failures, 2);
    for (size_t i = 0; i < rep.nitems; i++)
        CU_ASSERT(!rep.items[i].known && !rep.items[i].pass);
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    budget_print_table(&rep, &m, f);
    fclose(f);
    CU_ASSERT(count_of(text, "unknown") >= 1);                                 /* the MMU window */
    CU_ASSERT(strstr(text, "(n/a: the image names no stack limit") != NULL); /* the stack headroom */
    CU_ASSERT(strstr(text, "FAIL: 2 of 2") != NULL);
    free(text);
    budget_report_free(&rep);
    measured_free(&m);
    budget_free(b);
    rec_free(r);
}

static void test_no_pauses(void)
{
    Recording *r = rec_new();
    r->run.clock_hz = 1000000;
    r->run.cycles = 5000;
    r->run.exit_reason = xstrdup("exit");
    Budget *b = parse_ok("{\"max_pause_us\": 0, \"min_pauses\": 1, \"mmu\": [{\"window_us\": 100, \"min\": 1}]}");
    Measured m;
    measure(r, b, &m);
    BudgetReport rep;
    budget_evaluate(b, &m, NULL, 0, &rep);
    CU_ASSERT(find(&rep, "max_pause_us")->pass);  /* no pause is longer than 0 */
    CU_ASSERT(!find(&rep, "min_pauses")->pass);   /* but the collector never ran */
    CU_ASSERT(find(&rep, "mmu_100us")->pass);     /* MMU 1 */
    CU_ASSERT_EQUAL(m.worst_pause, 0);
    budget_report_free(&rep);
    measured_free(&m);
    budget_free(b);
    rec_free(r);
}

static void test_run_ok(void)
{
    Measured m = {0};
    char why[128];
    m.exit_reason = "exit";
    CU_ASSERT(measured_run_ok(&m, why, sizeof why));
    m.exit_code = 3;
    CU_ASSERT(!measured_run_ok(&m, why, sizeof why));
    CU_ASSERT(strstr(why, "status 3") != NULL);
    m.exit_reason = "timeout";
    m.exit_code = 84;
    CU_ASSERT(measured_run_ok(&m, why, sizeof why));
    m.exit_reason = "hard fault";
    m.exit_code = 82;
    CU_ASSERT(!measured_run_ok(&m, why, sizeof why));
    CU_ASSERT(strstr(why, "hard fault") != NULL);
    m.exit_reason = "exit";
    m.exit_code = 0;
    m.partial = true;
    CU_ASSERT(!measured_run_ok(&m, why, sizeof why));
}

static void test_baseline(void)
{
    Recording *r = make_recording();
    Budget *b = parse_ok("{\"max_pause_us\": 1000, \"min_sram_headroom_bytes\": 0, \"min_pauses\": 1,"
                         " \"mmu\": [{\"window_us\": 1000, \"min\": 0.1}]}");
    Measured base, m;
    measure(r, b, &base);
    /* The same run: nothing regressed at 0 % tolerance. */
    measure(r, b, &m);
    BudgetReport rep;
    budget_evaluate(b, &m, &base, 0, &rep);
    CU_ASSERT(rep.baseline);
    CU_ASSERT_EQUAL(rep.regressions, 0);
    CU_ASSERT_EQUAL(rep.failures, 0);
    CU_ASSERT(find(&rep, "max_pause_us")->has_base);
    CU_ASSERT(!find(&rep, "min_pauses")->has_base); /* a sanity check, not compared */
    budget_report_free(&rep);
    measured_free(&m);

    /* The longest pause 10 % longer, the headroom 10 % smaller: regressions at 5 %,
     * not at 15 %, while still inside the budget. */
    r->pauses[1].end = 3330;
    r->run.stack_low -= 512;
    measure(r, b, &m);
    budget_evaluate(b, &m, &base, 5, &rep);
    CU_ASSERT_EQUAL(rep.failures, 0);
    const BudgetResult *it = find(&rep, "max_pause_us");
    CU_ASSERT(it && it->regressed && fabs(it->worse_pct - 10) < 1e-9 && it->base == 300);
    it = find(&rep, "min_sram_headroom_bytes");
    CU_ASSERT(it && it->regressed && fabs(it->worse_pct - 512.0 / 5120 * 100) < 1e-9);
    it = find(&rep, "mmu_1000us");
    CU_ASSERT(it && !it->regressed && fabs(it->worse_pct - 0.03 / 0.7 * 100) < 1e-9); /* 0.67 from 0.7 */
    CU_ASSERT_EQUAL(rep.regressions, 2);
    budget_report_free(&rep);
    budget_evaluate(b, &m, &base, 15, &rep);
    CU_ASSERT_EQUAL(rep.regressions, 0);
    budget_report_free(&rep);
    /* Better than the baseline is never a regression. */
    budget_evaluate(b, &base, &m, 0, &rep);
    CU_ASSERT_EQUAL(rep.regressions, 0);
    CU_ASSERT(find(&rep, "max_pause_us")->worse_pct < 0);
    budget_report_free(&rep);
    measured_free(&m);
    measured_free(&base);
    budget_free(b);
    rec_free(r);
}

/* ---- JUnit ---------------------------------------------------------------------- */

static void test_junit_shape(void)
{
    Recording *r = make_recording();
    Budget *b = parse_ok("{\"max_pause_us\": 250, \"mean_pause_us\": 200, \"min_pauses\": 1,"
                         " \"mmu\": [{\"window_us\": 1000, \"min\": 0.9}]}");
    Measured m, base;
    measure(r, b, &base);
    r->pauses[0].end = 1200; /* mean 183.3: worse than the baseline, inside the budget */
    measure(r, b, &m);
    /* A frame name with markup characters is escaped. */
    free(m.frames[0]);
    m.frames[0] = xstrdup("operator<<&\"x\"");
    BudgetReport rep;
    budget_evaluate(b, &m, &base, 1, &rep);
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    CU_ASSERT_EQUAL(budget_write_junit(&rep, &m, f), 0);
    fclose(f);
    /* 4 budget cases + 3 baseline cases (min_pauses is not compared); failures:
     * max_pause_us and mmu beyond the budget, mean_pause_us regressed (the others are
     * unchanged). */
    CU_ASSERT(strncmp(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", 49) == 0);
    CU_ASSERT(strstr(text, "<testsuite name=\"baregc\" tests=\"7\" failures=\"3\"") != NULL);
    CU_ASSERT(strstr(text, "<testsuites name=\"baregc check\" tests=\"7\" failures=\"3\"") != NULL);
    CU_ASSERT_EQUAL(count_of(text, "<testcase "), 7);
    CU_ASSERT_EQUAL(count_of(text, "<failure "), 3);
    CU_ASSERT_EQUAL(count_of(text, "</failure>"), 3);
    CU_ASSERT(strstr(text, "<testcase classname=\"baregc.baseline\" name=\"mean_pause_us\">\n      <properties>") !=
              NULL);
    CU_ASSERT_EQUAL(count_of(text, "classname=\"baregc.budget\""), 4);
    CU_ASSERT_EQUAL(count_of(text, "classname=\"baregc.baseline\""), 3);
    /* every case carries its values, a passing one as text too */
    CU_ASSERT_EQUAL(count_of(text, "      <properties>\n"), 7);
    CU_ASSERT_EQUAL(count_of(text, "<system-out>"), 4);
    CU_ASSERT(strstr(text, "<testcase classname=\"baregc.budget\" name=\"min_pauses\">\n      <properties>\n"
                           "        <property name=\"measured\" value=\"3\"/>\n"
                           "        <property name=\"limit\" value=\"1\"/>\n"
                           "        <property name=\"comparison\" value=\"&gt;=\"/>\n"
                           "        <property name=\"margin\" value=\"2\"/>\n"
                           "        <property name=\"unit\" value=\"\"/>\n      </properties>\n"
                           "      <system-out>measured 3, limit &gt;= 1, margin 2</system-out>\n    </testcase>") != NULL);
    CU_ASSERT(strstr(text, "<testcase classname=\"baregc.budget\" name=\"max_pause_us\">\n      <properties>\n"
                           "        <property name=\"measured\" value=\"300.000\"/>\n"
                           "        <property name=\"limit\" value=\"250.000\"/>\n") != NULL);
    CU_ASSERT(strstr(text, "      <failure message=\"max_pause_us = 300.000 us, beyond the limit &lt;= 250.000 us\"") !=
              NULL);
    /* the worst pause goes with the pause items' failures alone: max_pause_us and the
     * mean's regression, not the MMU's failure */
    CU_ASSERT_EQUAL(count_of(text, "worst pause: #"), 2);
    const char *mmu = strstr(text, "name=\"mmu_1000us\"");
    CU_ASSERT(mmu && strstr(mmu, "<failure ") && strstr(mmu, "</testcase>") &&
              strstr(mmu, "worst pause") > strstr(mmu, "</testcase>"));
    CU_ASSERT(strstr(text, "operator&lt;&lt;&amp;&quot;x&quot;") != NULL);
    CU_ASSERT(strstr(text, "operator<<") == NULL);
    CU_ASSERT(strstr(text, "</testsuite>\n</testsuites>\n") != NULL);
    free(text);
    budget_report_free(&rep);
    measured_free(&m);
    measured_free(&base);
    budget_free(b);
    rec_free(r);
}

/* ---- recorded runs -------------------------------------------------------------- */

/* Every file of a run, as `baregc run --out DIR` writes them, in a new directory. */
static char *write_run_dir(const Recording *r)
{
    char tmpl[] = "/tmp/test_budget_dir.XXXXXX";
    char *dir = mkdtemp(tmpl);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    dir = xstrdup(dir);
    char *err = NULL;
    CU_ASSERT_EQUAL(traces_write_all(r, NULL, NULL, dir, &err), 0);
    free(err);
    return dir;
}

static void remove_file(const char *dir, const char *name)
{
    char *p = xasprintf("%s/%s", dir, name);
    unlink(p);
    free(p);
}

static void remove_run_dir(char *dir)
{
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            remove_file(dir, e->d_name);
    if (d)
        closedir(d);
    rmdir(dir);
    free(dir);
}

/* The table and the JUnit XML of m against b (and base), as one string. */
static char *check_output(const Budget *b, const Measured *m, const Measured *base)
{
    BudgetReport rep;
    budget_evaluate(b, m, base, 0, &rep);
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    budget_print_table(&rep, m, f);
    CU_ASSERT_EQUAL(budget_write_junit(&rep, m, f), 0);
    fclose(f);
    budget_report_free(&rep);
    return text;
}

/* m and live agree on every value, bit for bit, and on the worst pause. */
static void expect_same_measured(const Measured *live, const Measured *m)
{
    for (int k = 0; k < BUDGET__COUNT; k++) {
        CU_ASSERT_EQUAL(live->known[k], m->known[k]);
        CU_ASSERT_EQUAL(live->value[k], m->value[k]);
        CU_ASSERT_STRING_EQUAL(live->why[k] ? live->why[k] : "", m->why[k] ? m->why[k] : "");
    }
    CU_ASSERT_EQUAL_FATAL(m->nmmu, live->nmmu);
    for (size_t i = 0; i < m->nmmu; i++)
        CU_ASSERT_EQUAL(live->mmu[i], m->mmu[i]);
    CU_ASSERT_EQUAL(m->worst_pause, live->worst_pause);
    CU_ASSERT_EQUAL(m->worst_pause_time_known, live->worst_pause_time_known);
    CU_ASSERT_EQUAL(m->worst_pause_start_ns, live->worst_pause_start_ns);
    CU_ASSERT_STRING_EQUAL(m->worst_trigger, live->worst_trigger);
    CU_ASSERT_EQUAL_FATAL(m->nframes, live->nframes);
    for (size_t i = 0; i < m->nframes; i++)
        CU_ASSERT_STRING_EQUAL(m->frames[i], live->frames[i]);
    CU_ASSERT_EQUAL(m->exit_code, live->exit_code);
    CU_ASSERT_STRING_EQUAL(m->exit_reason, live->exit_reason);
    CU_ASSERT_STRING_EQUAL(m->image, live->image);
    CU_ASSERT_EQUAL(m->seconds, live->seconds);
}

static void test_from_dir_same_as_live(void)
{
    Recording *r = make_recording();
    char *dir = write_run_dir(r);
    /* Every item; MMU windows summary.json has (100, 1000 us), does not have (400,
     * 1500 us), and one longer than the run. */
    Budget *b = parse_ok("{\"max_pause_us\": 1, \"p99_pause_us\": 1, \"p999_pause_us\": 1, \"mean_pause_us\": 1,"
                         " \"gc_cpu_fraction_max\": 0.1, \"peak_heap_bytes_max\": 1000,"
                         " \"min_sram_headroom_bytes\": 0, \"min_stack_headroom_bytes\": 0,"
                         " \"max_fragmentation\": 0.5, \"max_alloc_failures\": 0, \"min_pauses\": 1,"
                         " \"mmu\": [{\"window_us\": 100, \"min\": 0}, {\"window_us\": 1000, \"min\": 0},"
                         " {\"window_us\": 400, \"min\": 0}, {\"window_us\": 1500, \"min\": 0},"
                         " {\"window_us\": 20000, \"min\": 0}]}");
    Measured live, rec;
    measure(r, b, &live);
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(measured_from_dir(&rec, dir, b, &err), 0);
    expect_same_measured(&live, &rec);
    CU_ASSERT_EQUAL(rec.value[BUDGET_STACK_HEADROOM], 3072);
    CU_ASSERT_DOUBLE_EQUAL(rec.mmu[2], 0.25, 1e-12);
    CU_ASSERT(rec.mmu[4] < 0);
    CU_ASSERT_STRING_EQUAL(rec.frames[0], "0x00001000");

    /* The same table and JUnit XML from both, and against itself as a baseline. */
    char *t_live = check_output(b, &live, NULL), *t_rec = check_output(b, &rec, NULL);
    CU_ASSERT_STRING_EQUAL(t_live, t_rec);
    CU_ASSERT(strstr(t_live, "worst pause: #2 at 3.000000 ms, 300.000 us, trigger alloc\n    0x00001000\n") != NULL);
    free(t_rec);
    char *b_live = check_output(b, &live, &rec), *b_rec = check_output(b, &rec, &rec);
    CU_ASSERT_STRING_EQUAL(b_live, b_rec);
    free(b_live);
    free(b_rec);
    measured_free(&rec);

    /* record.json and events.bin are all it reads: without summary.json and
     * trace.json (and the rest) the same. */
    static const char *const others[] = {"summary.json", "trace.json", "gctrace.log", "heap.pb.gz",
                                         "gc-pauses.pb.gz", "cpu.pb.gz"};
    for (size_t i = 0; i < ARRAY_SIZE(others); i++)
        remove_file(dir, others[i]);
    CU_ASSERT_EQUAL_FATAL(measured_from_dir(&rec, dir, b, &err), 0);
    expect_same_measured(&live, &rec);
    t_rec = check_output(b, &rec, NULL);
    CU_ASSERT_STRING_EQUAL(t_live, t_rec);
    free(t_rec);
    free(t_live);
    measured_free(&rec);
    measured_free(&live);
    budget_free(b);
    remove_run_dir(dir);
    rec_free(r);
}

/* With no image, the trigger stack is named by the names a loaded recording carries
 * (those record.json wrote from the image), not by address. */
static void test_from_dir_frame_names(void)
{
    Recording *r = make_recording();
    char *dir = write_run_dir(r);
    char *err = NULL;
    Recording *loaded = record_json_load(dir, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(loaded);
    /* Names as an image would have given them. */
    for (size_t i = 0; i < loaded->nnames; i++) {
        free(loaded->names[i]);
        loaded->names[i] = xasprintf("fn_%zu (file.c:%zu)", i, 10 + i);
    }
    Budget *b = parse_ok("{\"max_pause_us\": 1000}");
    Measured m;
    measure(loaded, b, &m);
    CU_ASSERT_EQUAL_FATAL(m.nframes, 2);
    CU_ASSERT_STRING_EQUAL(m.frames[0], "fn_0 (file.c:10)");
    CU_ASSERT_STRING_EQUAL(m.frames[1], "fn_1 (file.c:11)");
    measured_free(&m);
    budget_free(b);
    rec_free(loaded);
    remove_run_dir(dir);
    rec_free(r);
}

static void test_from_dir_errors(void)
{
    Budget *b = parse_ok("{\"max_pause_us\": 1}");
    Measured m;
    char *err = NULL;
    CU_ASSERT_EQUAL(measured_from_dir(&m, "/nonexistent/baregc-run", b, &err), -1);
    CU_ASSERT(err && strstr(err, "/nonexistent/baregc-run/record.json: not found"));
    free(err);
    err = NULL;

    /* A directory with summary.json and trace.json but no record.json is refused. */
    Recording *r = make_recording();
    char *dir = write_run_dir(r);
    remove_file(dir, "record.json");
    CU_ASSERT_EQUAL(measured_from_dir(&m, dir, b, &err), -1);
    char *want = xasprintf("%s/record.json: not found", dir);
    if (!err || !strstr(err, want)) {
        fprintf(stderr, "\n  error '%s' lacks '%s'\n", err ? err : "(none)", want);
        CU_FAIL("a directory without record.json is not refused by name");
    }
    free(want);
    free(err);
    err = NULL;
    remove_run_dir(dir);

    /* record.json without its events.bin, and bad record.json files: the loader's
     * message, naming the file. */
    dir = write_run_dir(r);
    remove_file(dir, RECORD_EVENTS_FILE);
    CU_ASSERT_EQUAL(measured_from_dir(&m, dir, b, &err), -1);
    CU_ASSERT(err && strstr(err, RECORD_EVENTS_FILE));
    free(err);
    err = NULL;
    char *p = xasprintf("%s/record.json", dir);
    static const char *const bad[][2] = {
        {"not json", "not valid JSON"},
        {"{\"format\": \"baregc-summary/2\"}", "baregc-record/4"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        FILE *f = fopen(p, "w");
        fputs(bad[i][0], f);
        fclose(f);
        CU_ASSERT_EQUAL(measured_from_dir(&m, dir, b, &err), -1);
        if (!err || !strstr(err, bad[i][1]) || !strstr(err, "record.json")) {
            fprintf(stderr, "\n  error '%s' lacks '%s'\n", err ? err : "(none)", bad[i][1]);
            CU_FAIL("error does not say what is wrong");
        }
        free(err);
        err = NULL;
    }
    free(p);
    remove_run_dir(dir);
    rec_free(r);
    budget_free(b);
}

/* A run that faulted with SP out of bounds has no SRAM or stack headroom: the budget
 * items on them fail with the reason, live and recorded alike, in the table and the
 * JUnit XML. */
static void test_na_headroom_fails_with_reason(void)
{
    Recording *r = make_recording();
    free(r->run.exit_reason);
    r->run.exit_reason = xstrdup("flash write");
    r->run.stack_low = 0x003fffec;
    char *dir = write_run_dir(r);
    Budget *b = parse_ok("{\"min_sram_headroom_bytes\": 0, \"min_stack_headroom_bytes\": 0}");
    Measured live, rec;
    measure(r, b, &live);
    CU_ASSERT(!live.known[BUDGET_SRAM_HEADROOM] && !live.known[BUDGET_STACK_HEADROOM]);
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(measured_from_dir(&rec, dir, b, &err), 0);
    expect_same_measured(&live, &rec);
    char *text = check_output(b, &live, NULL);
    CU_ASSERT_EQUAL(count_of(text, "(n/a: the lowest stack pointer, 0x003fffec, is not in SRAM"), 2);
    CU_ASSERT_EQUAL(count_of(text, "message=\"min_sram_headroom_bytes: n/a: the lowest stack pointer"), 1);
    CU_ASSERT(strstr(text, "FAIL: 2 of 2 items beyond budget") != NULL);
    free(text);
    measured_free(&live);
    measured_free(&rec);
    budget_free(b);
    remove_run_dir(dir);
    rec_free(r);
}

int main(void)
{
    static const TestCase parse_cases[] = {
        {"every key", test_parse_every_key},
        {"wrong types name the key", test_parse_wrong_types},
        {"bad values name the key", test_parse_bad_values},
        {"syntax errors name the line and column", test_parse_error_position},
        {"unknown keys", test_parse_unknown_keys},
        {"budget_load", test_load_file},
        {NULL, NULL},
    };
    static const TestCase eval_cases[] = {
        {"measured values of a recording", test_measured_values},
        {"margins and pass/fail", test_margins},
        {"unknown values fail", test_unknown_fails},
        {"no pauses", test_no_pauses},
        {"run ok", test_run_ok},
        {"baseline", test_baseline},
        {"JUnit XML shape", test_junit_shape},
        {NULL, NULL},
    };
    static const TestCase dir_cases[] = {
        {"--from DIR gives the live values", test_from_dir_same_as_live},
        {"frames named as record.json names them", test_from_dir_frame_names},
        {"bad DIR", test_from_dir_errors},
        {"n/a headroom fails with its reason", test_na_headroom_fails_with_reason},
        {NULL, NULL},
    };
    static const TestSuite suites[] = {
        {"budget files", parse_cases},
        {"verdicts", eval_cases},
        {"recorded runs", dir_cases},
        {NULL, NULL},
    };
    return cunit_run(suites);
}
