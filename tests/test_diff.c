/* test_diff.c: two runs compared (traces/diff.c) on synthetic recordings: the figures
 * and their verdicts, the change in percent, sites matched by name across builds, the
 * terminal table, and the baseline section of the HTML report. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gc/record.h"
#include "base/util.h"
#include "tests/cunit_main.h"
#include "traces/diff.h"
#include "traces/report.h"

/* Frame names as a recording loaded from record.json carries them (ascending). */
static void set_names(Recording *r, const uint32_t *addrs, const char *const *names, size_t n)
{
    r->name_addrs = xmalloc(n * sizeof *r->name_addrs);
    r->names = xmalloc(n * sizeof *r->names);
    for (size_t i = 0; i < n; i++) {
        r->name_addrs[i] = addrs[i];
        r->names[i] = xstrdup(names[i]);
    }
    r->nnames = n;
}

static Recording *base_run(const char *image)
{
    Recording *r = rec_new();
    r->run.image = xstrdup(image);
    r->run.board = xstrdup("test-board");
    r->run.core = xstrdup("cortex-m3");
    r->run.runtime = xstrdup("gcrt");
    r->run.exit_reason = xstrdup("exit");
    r->run.clock_hz = 1000000; /* a cycle is a microsecond */
    r->run.cycles = 100000;
    r->run.sram_base = 0x20000000;
    r->run.sram_size = 0x4000;
    r->run.static_bytes = 0x800;
    r->run.stack_top = 0x20002000;
    r->run.stack_limit = 0x20001000;
    return r;
}

/* A: 2 pauses (100 and 300 us), triggered at 0x1100 <- 0x1200, 2 x 16 bytes allocated
 * at 0x1000. */
static Recording *run_a(void)
{
    Recording *r = base_run("/b/a.elf");
    r->run.stack_low = 0x20001c00;
    uint32_t site = 0x1000, trig[] = {0x1100, 0x1200};
    StackId st = rec_stack(r, &site, 1), ts = rec_stack(r, trig, 2);
    rec_alloc(r, 10, 0x20003000, 16, st);
    rec_alloc(r, 20, 0x20003010, 16, st);
    rec_pause_begin(r, 1000, REC_TRIGGER_ALLOC, ts, false);
    rec_pause_end(r, 1100);
    rec_pause_begin(r, 5000, REC_TRIGGER_ALLOC, ts, false);
    rec_pause_end(r, 5300);
    static const uint32_t addrs[] = {0x1000, 0x1100, 0x1200};
    static const char *const names[] = {"xalloc (w.c:31)\ntree_make (w.c:46)", "gc_alloc (gc.c:202)",
                                        "main (m.c:7)"};
    set_names(r, addrs, names, 3);
    return r;
}

/* B, another build (other addresses, the same names): 3 pauses (100, 300, 400 us),
 * 3 x 16 bytes at the same site, 8 bytes at a new one; a lower stack (less headroom). */
static Recording *run_b(void)
{
    Recording *r = base_run("/b/b.elf");
    r->run.stack_low = 0x20001a00;
    uint32_t site = 0x2000, other = 0x2400, trig[] = {0x2100, 0x2200};
    StackId st = rec_stack(r, &site, 1), so = rec_stack(r, &other, 1), ts = rec_stack(r, trig, 2);
    for (int i = 0; i < 3; i++)
        rec_alloc(r, 10 + (uint64_t)i, 0x20003000 + 16u * (uint32_t)i, 16, st);
    rec_alloc(r, 30, 0x20003100, 8, so);
    rec_pause_begin(r, 1000, REC_TRIGGER_ALLOC, ts, false);
    rec_pause_end(r, 1100);
    rec_pause_begin(r, 5000, REC_TRIGGER_ALLOC, ts, false);
    rec_pause_end(r, 5300);
    rec_pause_begin(r, 9000, REC_TRIGGER_ALLOC, ts, false);
    rec_pause_end(r, 9400);
    static const uint32_t addrs[] = {0x2000, 0x2100, 0x2200, 0x2400};
    static const char *const names[] = {"xalloc (w.c:31)\ntree_make (w.c:46)", "gc_alloc (gc.c:202)",
                                        "main (m.c:7)", "str_new (w.c:9)"};
    set_names(r, addrs, names, 4);
    return r;
}

static const DiffRow *row_named(const RunDiff *d, const char *name)
{
    for (size_t i = 0; i < d->nrows; i++)
        if (!strcmp(d->rows[i].name, name))
            return &d->rows[i];
    CU_FAIL("no such row");
    return &d->rows[0];
}

static void test_figures(void)
{
    Recording *a = run_a(), *b = run_b();
    RunDiff d;
    diff_compute(a, b, NULL, &d);
    const DiffRow *p = row_named(&d, "pauses");
    CU_ASSERT(p->known[0] && p->known[1] && p->v[0] == 2 && p->v[1] == 3);
    CU_ASSERT_EQUAL(diff_row_verdict(p), DIFF_WORSE);
    double pct;
    CU_ASSERT(diff_row_pct(p, &pct) && pct == 50);
    const DiffRow *mx = row_named(&d, "max pause");
    CU_ASSERT(mx->v[0] == 300 && mx->v[1] == 400 && diff_row_verdict(mx) == DIFF_WORSE);
    CU_ASSERT_EQUAL(row_named(&d, "pause time in total")->v[1], 800);
    CU_ASSERT_EQUAL(diff_row_verdict(row_named(&d, "allocation failures")), DIFF_SAME);
    /* less headroom is worse; the run's length is neither */
    const DiffRow *sh = row_named(&d, "min stack headroom");
    CU_ASSERT(sh->v[0] == 0xc00 && sh->v[1] == 0xa00 && diff_row_verdict(sh) == DIFF_WORSE);
    CU_ASSERT_EQUAL(diff_row_verdict(row_named(&d, "simulated time")), DIFF_SAME);
    /* the MMU: lower is worse */
    const DiffRow *mmu = row_named(&d, "MMU 1 ms");
    CU_ASSERT(mmu->known[0] && mmu->known[1] && mmu->v[0] == 0.7 && mmu->v[1] == 0.6);
    CU_ASSERT_EQUAL(diff_row_verdict(mmu), DIFF_WORSE);
    /* nothing recorded about fragmentation or interrupts: unknown in both */
    CU_ASSERT_EQUAL(diff_row_verdict(row_named(&d, "worst fragmentation")), DIFF_UNKNOWN);
    CU_ASSERT_EQUAL(diff_row_verdict(row_named(&d, "worst interrupt latency")), DIFF_UNKNOWN);
    /* the histograms and curves of both */
    uint64_t na = 0, nb = 0;
    for (size_t i = 0; i < d.nhist; i++)
        na += d.hist[0][i], nb += d.hist[1][i];
    CU_ASSERT(na == 2 && nb == 3);
    CU_ASSERT(d.ncurve[0] > 0 && d.ncurve[1] == d.ncurve[0]);
    diff_free(&d);

    /* the other way round, B is better */
    diff_compute(b, a, NULL, &d);
    CU_ASSERT_EQUAL(diff_row_verdict(row_named(&d, "pauses")), DIFF_BETTER);
    CU_ASSERT_EQUAL(d.nalloc_sites, 0);
    CU_ASSERT_EQUAL(d.ntriggers, 0);
    CU_ASSERT_EQUAL(d.alloc_sites_total, 2);
    diff_free(&d);
    rec_free(a);
    rec_free(b);
}

static void test_cells(void)
{
    DiffRow r = {.name = "x", .unit = DIFF_UNIT_US, .worse = DIFF_WORSE_HIGHER, .known = {true, true}, .v = {0, 0}};
    DiffCells c;
    diff_row_cells(&r, &c);
    CU_ASSERT_STRING_EQUAL(c.pct, "0.00%");
    CU_ASSERT_STRING_EQUAL(c.delta, "0.000 us");
    CU_ASSERT_EQUAL(c.verdict, DIFF_SAME);
    r.v[1] = 5; /* from nothing: no percentage */
    diff_row_cells(&r, &c);
    CU_ASSERT_STRING_EQUAL(c.pct, "n/a");
    CU_ASSERT_STRING_EQUAL(c.delta, "+5.000 us");
    CU_ASSERT_EQUAL(c.verdict, DIFF_WORSE);
    r.v[0] = 10; /* 10 -> 5: half */
    diff_row_cells(&r, &c);
    CU_ASSERT_STRING_EQUAL(c.pct, "-50.00%");
    CU_ASSERT_STRING_EQUAL(c.delta, "-5.000 us");
    CU_ASSERT_EQUAL(c.verdict, DIFF_BETTER);
    r.known[0] = false;
    diff_row_cells(&r, &c);
    CU_ASSERT_STRING_EQUAL(c.a, "unknown");
    CU_ASSERT_STRING_EQUAL(c.delta, "-");
    CU_ASSERT_STRING_EQUAL(c.pct, "n/a");
    CU_ASSERT_EQUAL(c.verdict, DIFF_UNKNOWN);
    r = (DiffRow){.unit = DIFF_UNIT_BYTES, .worse = DIFF_WORSE_LOWER, .known = {true, true}, .v = {-16, 32}};
    diff_row_cells(&r, &c);
    CU_ASSERT_STRING_EQUAL(c.a, "-16 B");
    CU_ASSERT_STRING_EQUAL(c.pct, "+300.00%"); /* in percent of |A| */
    CU_ASSERT_EQUAL(c.verdict, DIFF_BETTER);
    r.worse = DIFF_WORSE_NEITHER;
    CU_ASSERT_EQUAL(diff_row_verdict(&r), DIFF_CHANGED);
    CU_ASSERT_STRING_EQUAL(diff_worse_name(DIFF_WORSE_LOWER), "lower");
    CU_ASSERT_STRING_EQUAL(diff_worse_name(DIFF_WORSE_NEITHER), "-");
}

/* Sites of two builds are one site when their names are the same. */
static void test_sites_by_name(void)
{
    Recording *a = run_a(), *b = run_b();
    RunDiff d;
    diff_compute(a, b, NULL, &d);
    CU_ASSERT_EQUAL_FATAL(d.nalloc_sites, 2);
    CU_ASSERT_EQUAL(d.alloc_sites_total, 2);
    const DiffSite *s = &d.alloc_sites[0]; /* the largest growth first: 16 bytes */
    CU_ASSERT_STRING_EQUAL(s->name, "xalloc (w.c:31) [inlined] \u2190 tree_make (w.c:46)");
    CU_ASSERT(s->amount[0] == 32 && s->amount[1] == 48 && s->count[0] == 2 && s->count[1] == 3);
    DiffSiteCells c;
    diff_site_cells(s, DIFF_UNIT_BYTES, &c);
    CU_ASSERT_STRING_EQUAL(c.a, "32 B");
    CU_ASSERT_STRING_EQUAL(c.pct, "+50.00%");
    s = &d.alloc_sites[1];
    CU_ASSERT_STRING_EQUAL(s->name, "str_new (w.c:9)");
    CU_ASSERT(s->amount[0] == 0 && s->amount[1] == 8 && s->count[1] == 1);
    diff_site_cells(s, DIFF_UNIT_BYTES, &c);
    CU_ASSERT_STRING_EQUAL(c.pct, "new");
    /* the trigger: the collector's caller and its caller */
    CU_ASSERT_EQUAL_FATAL(d.ntriggers, 1);
    CU_ASSERT_STRING_EQUAL(d.triggers[0].name, "gc_alloc (gc.c:202) \u2190 main (m.c:7)");
    CU_ASSERT(d.triggers[0].count[0] == 2 && d.triggers[0].count[1] == 3 && d.triggers[0].amount[0] == 400 &&
              d.triggers[0].amount[1] == 800);
    diff_free(&d);
    rec_free(a);
    rec_free(b);
}

static char *captured(void (*fn)(const Recording *, const Recording *, FILE *), const Recording *a,
                      const Recording *b)
{
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    fn(a, b, f);
    fclose(f);
    return text;
}

static void print_ab(const Recording *a, const Recording *b, FILE *f)
{
    RunDiff d;
    diff_compute(a, b, NULL, &d);
    diff_print(&d, "runs/a", "runs/b", f);
    diff_free(&d);
}

static void html_ab(const Recording *a, const Recording *b, FILE *f)
{
    CU_ASSERT_EQUAL(report_write_html_baseline(b, NULL, NULL, NULL, NULL, a, "runs/a", f), 0);
}

static void test_print(void)
{
    Recording *a = run_a(), *b = run_b();
    char *t = captured(print_ab, a, b);
    CU_ASSERT(strstr(t, "A runs/a: a.elf on test-board (cortex-m3, 1.000 MHz), gcrt, 0.100000 s simulated, ended by "
                        "exit\nB runs/b: b.elf") != NULL);
    CU_ASSERT(strstr(t, "\n  pauses                                 2               3              +1   +50.00%  "
                        "higher     worse\n") != NULL);
    CU_ASSERT(strstr(t, "\n  max pause                     300.000 us      400.000 us     +100.000 us   +33.33%  "
                        "higher     worse\n") != NULL);
    CU_ASSERT(strstr(t, "\n  worst fragmentation              unknown         unknown               -       n/a  "
                        "higher     n/a\n") != NULL);
    CU_ASSERT(strstr(t, "\nB is worse than A in ") != NULL);
    CU_ASSERT(strstr(t, "\n2 of the 2 allocation sites grew, the largest growth first:\n") != NULL);
    CU_ASSERT(strstr(t, "            32 B            48 B   +50.00%          2          3  xalloc (w.c:31) [inlined] "
                        "\u2190 tree_make (w.c:46)\n") != NULL);
    CU_ASSERT(strstr(t, "\n1 of the 1 " DIFF_TRIGGERS " grew") != NULL);
    free(t);
    t = captured(print_ab, a, a);
    CU_ASSERT(strstr(t, "\nB is worse than A in 0 figures, better in 0\n") != NULL);
    CU_ASSERT(strstr(t, "\nnone of the 1 allocation sites grew\n") != NULL);
    free(t);

    /* the report's baseline section: the same rows, the sites, both histograms */
    t = captured(html_ab, a, b);
    CU_ASSERT(strstr(t, "<h2 id=\"baseline\">Against the baseline</h2>") != NULL);
    CU_ASSERT(strstr(t, "<tr><td>pauses</td><td class=\"n\">2</td><td class=\"n\">3</td><td class=\"n\">+1</td>"
                        "<td class=\"n\">+50.00%</td><td>higher</td><td class=\"fail\">worse</td></tr>") != NULL);
    CU_ASSERT(strstr(t, "<td>str_new (w.c:9)</td>") != NULL);
    CU_ASSERT(strstr(t, "<title>A 256us..512us: 1</title>") != NULL);
    CU_ASSERT(strstr(t, "<title>B 256us..512us: 2</title>") != NULL);
    char *plain;
    size_t len;
    FILE *f = open_memstream(&plain, &len);
    CU_ASSERT_EQUAL(report_write_html(b, NULL, NULL, NULL, NULL, f), 0);
    fclose(f);
    CU_ASSERT(strstr(plain, "id=\"baseline\"") == NULL);
    free(plain);
    free(t);
    rec_free(a);
    rec_free(b);
}

static const TestCase diff_tests[] = {
    {"figures and verdicts", test_figures},
    {"cells: values, differences, percentages", test_cells},
    {"sites matched by name across builds", test_sites_by_name},
    {"the table and the report's section", test_print},
    {NULL, NULL},
};
static const TestSuite suites[] = {
    {"diff", diff_tests},
    {NULL, NULL},
};

int main(void) { return cunit_run(suites); }
