/* test_tui_model.c: the TUI model: cached pauses, statistics, console lines, allocation sites and time-axis columns from a synthetic Recording. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cunit_main.h"
#include "gc/record.h"
#include "base/util.h"
#include "ui/tui_model.h"

#define HZ 1000000 /* 1 MHz: a cycle is 1 us */

static const char *name_fn(void *opaque, uint32_t addr, char *buf, size_t n)
{
    (void)opaque;
    snprintf(buf, n, "%s", addr < 0x100 ? "alloc_small" : "alloc_big");
    return buf;
}

static Recording *make_rec(void)
{
    Recording *r = rec_new();
    r->run.image = xstrdup("fw.elf");
    r->run.board = xstrdup("board");
    r->run.core = xstrdup("cortex-m3");
    r->run.clock_hz = HZ;
    r->run.sram_size = 64 * 1024;
    return r;
}

static void test_pauses_and_stats(void)
{
    Recording *r = make_rec();
    TuiModel m;
    tui_model_init(&m, 150, NULL, NULL);
    /* pauses of 100, 200, 300 us at 1000, 2000, 3000 */
    for (int i = 1; i <= 3; i++) {
        rec_pause_begin(r, 1000u * i, REC_TRIGGER_ALLOC, 0, false);
        rec_pause_end(r, 1000u * i + 100u * i);
    }
    TuiLive lv = {.state = TUI_RUNNING, .now = 10000, .speed = 1.5};
    tui_model_update(&m, r, &lv);
    CU_ASSERT_EQUAL(m.npauses, 3);
    CU_ASSERT_EQUAL(m.count, 3);
    CU_ASSERT_EQUAL(m.pause_max, 300);
    CU_ASSERT_EQUAL(m.p99, 300);
    CU_ASSERT_DOUBLE_EQUAL(m.gc_cpu, 600.0 / 10000.0, 1e-9);
    CU_ASSERT_EQUAL(m.over_budget, 2);
    CU_ASSERT_EQUAL(m.now, 10000);
    CU_ASSERT_STRING_EQUAL(m.board, "board");
    CU_ASSERT_EQUAL(m.state, TUI_RUNNING);
    /* an open pause counts up to now, and is copied again once closed */
    rec_pause_begin(r, 11000, REC_TRIGGER_ALLOC, 0, false);
    lv.now = 11050;
    tui_model_update(&m, r, &lv);
    CU_ASSERT_EQUAL(m.npauses, 4);
    CU_ASSERT_TRUE(m.last_open);
    CU_ASSERT_EQUAL(m.pauses[3].end - m.pauses[3].start, 50);
    rec_pause_end(r, 11400);
    lv.now = 12000;
    tui_model_update(&m, r, &lv);
    CU_ASSERT_FALSE(m.last_open);
    CU_ASSERT_EQUAL(m.pauses[3].end, 11400);
    CU_ASSERT_EQUAL(m.pause_max, 400);
    CU_ASSERT_EQUAL(m.over_budget, 3);
    tui_model_free(&m);
    rec_free(r);
}

static void test_columns(void)
{
    Recording *r = make_rec();
    TuiModel m;
    tui_model_init(&m, 0, NULL, NULL);
    rec_pause_begin(r, 100, REC_TRIGGER_ALLOC, 0, false);
    rec_pause_end(r, 150);   /* 50, column 1 */
    rec_pause_begin(r, 170, REC_TRIGGER_ALLOC, 0, false);
    rec_pause_end(r, 180);   /* 10, column 1 too: the longest wins */
    rec_pause_begin(r, 950, REC_TRIGGER_ALLOC, 0, false);
    rec_pause_end(r, 1000);  /* beyond 10 columns of 90 */
    rec_heap_sample(r, 50, 1000, 500, 400, false);
    rec_heap_sample(r, 250, 3000, 200, 100, false);
    TuiLive lv = {.state = TUI_RUNNING, .now = 1000};
    tui_model_update(&m, r, &lv);
    uint64_t col[10];
    uint64_t top = tui_model_columns(&m, 0, 90, 10, col);
    CU_ASSERT_EQUAL(top, 50);
    CU_ASSERT_EQUAL(col[0], 0);
    CU_ASSERT_EQUAL(col[1], 50);
    CU_ASSERT_EQUAL(col[2], 0);
    /* a window starting after the first pauses */
    top = tui_model_columns(&m, 900, 10, 10, col);
    CU_ASSERT_EQUAL(top, 50);
    CU_ASSERT_EQUAL(col[5], 50);
    int64_t used[4], lf[4];
    tui_model_heap_columns(&m, 0, 100, 4, used, lf);
    CU_ASSERT_EQUAL(used[0], 1000);
    CU_ASSERT_EQUAL(used[1], 1000);
    CU_ASSERT_EQUAL(used[2], 3000);
    CU_ASSERT_EQUAL(lf[2], 100);
    CU_ASSERT_EQUAL(m.heap_max, 3000);
    tui_model_free(&m);
    rec_free(r);
}

static void test_uart_and_sites(void)
{
    Recording *r = make_rec();
    TuiModel m;
    tui_model_init(&m, 0, name_fn, NULL);
    rec_instant(r, 1, "uart", "hello");
    rec_instant(r, 2, "fault", "not a console line");
    rec_instant(r, 3, "uart", "world");
    uint32_t small1[] = {0x10, 0x500}, small2[] = {0x20, 0x600}, big[] = {0x1000};
    StackId s1 = rec_stack(r, small1, 2), s2 = rec_stack(r, small2, 2), s3 = rec_stack(r, big, 1);
    rec_alloc(r, 5, 0x20000000, 16, s1);
    rec_alloc(r, 6, 0x20000010, 16, s2); /* same function as s1 */
    rec_alloc(r, 7, 0x20000020, 64, s3);
    rec_alloc(r, 8, 0, 1000, s3);        /* failed: not counted */
    TuiLive lv = {.state = TUI_PAUSED, .now = 10, .uart_partial = "part"};
    tui_model_update(&m, r, &lv);
    CU_ASSERT_EQUAL(tui_model_uart_count(&m), 2);
    CU_ASSERT_STRING_EQUAL(tui_model_uart_line(&m, 0), "hello");
    CU_ASSERT_STRING_EQUAL(tui_model_uart_line(&m, 1), "world");
    CU_ASSERT_PTR_NULL(tui_model_uart_line(&m, 2));
    CU_ASSERT_STRING_EQUAL(m.uart_partial, "part");
    CU_ASSERT_EQUAL(m.nsites, 2);
    CU_ASSERT_STRING_EQUAL(m.sites[0].name, "alloc_big");
    CU_ASSERT_EQUAL(m.sites[0].bytes, 64);
    CU_ASSERT_STRING_EQUAL(m.sites[1].name, "alloc_small");
    CU_ASSERT_EQUAL(m.sites[1].count, 2);
    CU_ASSERT_EQUAL(m.sites[1].bytes, 32);
    CU_ASSERT_EQUAL(m.total_allocs, 3);
    /* more lines than are kept: the oldest go */
    for (int i = 0; i < TUI_UART_KEEP + 5; i++)
        rec_instant(r, 20 + (uint64_t)i, "uart", "line %d", i);
    rec_alloc(r, 30, 0x20000100, 100, s1);
    tui_model_update(&m, r, &lv);
    CU_ASSERT_EQUAL(tui_model_uart_count(&m), TUI_UART_KEEP);
    CU_ASSERT_STRING_EQUAL(tui_model_uart_line(&m, TUI_UART_KEEP - 1), "line 1004");
    CU_ASSERT_STRING_EQUAL(tui_model_uart_line(&m, 0), "line 5");
    CU_ASSERT_STRING_EQUAL(m.sites[0].name, "alloc_small");
    CU_ASSERT_EQUAL(m.sites[0].bytes, 132);
    tui_model_free(&m);
    rec_free(r);
}

static const char *name_fn2(void *opaque, uint32_t addr, char *buf, size_t n)
{
    (void)opaque;
    snprintf(buf, n, "%s", addr < 0x100 ? "gc_alloc" : addr < 0x1000 ? "make_tree" : "make_list");
    return buf;
}

/* When one function is the leaf of every allocation, the sites are its callers. */
static void test_allocator_skipped(void)
{
    Recording *r = make_rec();
    TuiModel m;
    tui_model_init(&m, 0, name_fn2, NULL);
    uint32_t a[] = {0x10, 0x14, 0x500}, b[] = {0x18, 0x2000}, c[] = {0x10, 0x600};
    StackId sa = rec_stack(r, a, 3), sb = rec_stack(r, b, 2), sc = rec_stack(r, c, 2);
    rec_alloc(r, 1, 0x20000000, 8, sa);
    rec_alloc(r, 2, 0x20000010, 100, sb);
    rec_alloc(r, 3, 0x20000080, 8, sc);
    TuiLive lv = {.state = TUI_RUNNING, .now = 10};
    tui_model_update(&m, r, &lv);
    CU_ASSERT_EQUAL(m.nsites, 2);
    CU_ASSERT_STRING_EQUAL(m.sites[0].name, "make_list");
    CU_ASSERT_STRING_EQUAL(m.sites[1].name, "make_tree");
    CU_ASSERT_EQUAL(m.sites[1].count, 2);
    tui_model_free(&m);
    rec_free(r);
}

/* Frames with inlined functions, one a line, as traces_frame_text gives them. */
static const char *name_fn_inline(void *opaque, uint32_t addr, char *buf, size_t n)
{
    (void)opaque;
    snprintf(buf, n, "%s",
             addr == 0x10   ? "xalloc (w.c:31) [inlined]\nstr_new (w.c:151) [inlined]\nwl_strings (w.c:204)"
             : addr == 0x20 ? "xalloc (w.c:31) [inlined]\ntree_make (w.c:46)"
             : addr == 0x30 ? "xalloc (w.c:31) [inlined]\nstr_new (w.c:151) [inlined]\nstr_split (w.c:189) [inlined]\n"
                              "wl_strings (w.c:222)"
                            : "main (m.c:9)");
    return buf;
}

/* xalloc, inlined at every allocation, is the allocator: the sites are the functions it
 * was inlined into, marked as inlined where they were inlined in turn. */
static void test_inlined_sites(void)
{
    Recording *r = make_rec();
    TuiModel m;
    tui_model_init(&m, 0, name_fn_inline, NULL);
    uint32_t a[] = {0x10, 0x500}, b[] = {0x20, 0x600}, c[] = {0x30, 0x500};
    rec_alloc(r, 1, 0x20000000, 8, rec_stack(r, a, 2));
    rec_alloc(r, 2, 0x20000010, 100, rec_stack(r, b, 2));
    rec_alloc(r, 3, 0x20000080, 16, rec_stack(r, c, 2));
    TuiLive lv = {.state = TUI_RUNNING, .now = 10};
    tui_model_update(&m, r, &lv);
    CU_ASSERT_EQUAL_FATAL(m.nsites, 2);
    CU_ASSERT_STRING_EQUAL(m.sites[0].name, "tree_make");
    CU_ASSERT_STRING_EQUAL(m.sites[1].name, "str_new [inlined]"); /* both copies of str_new */
    CU_ASSERT_EQUAL(m.sites[1].count, 2);
    CU_ASSERT_EQUAL(m.sites[1].bytes, 24);
    tui_model_free(&m);
    rec_free(r);
}

static void test_format(void)
{
    TuiModel m;
    tui_model_init(&m, 0, NULL, NULL);
    m.clock_hz = 25000000;
    char b[32];
    CU_ASSERT_STRING_EQUAL(tui_fmt_cycles(&m, 25, b, sizeof b), "1.0 us");
    CU_ASSERT_STRING_EQUAL(tui_fmt_cycles(&m, 227684, b, sizeof b), "9.11 ms");
    CU_ASSERT_STRING_EQUAL(tui_fmt_cycles(&m, 26271376, b, sizeof b), "1.051 s");
    CU_ASSERT_STRING_EQUAL(tui_fmt_bytes(3440, b, sizeof b), "3440 B");
    CU_ASSERT_STRING_EQUAL(tui_fmt_bytes(48912, b, sizeof b), "47.8 KiB");
    CU_ASSERT_STRING_EQUAL(tui_fmt_bytes(-100, b, sizeof b), "-100 B");
    CU_ASSERT_STRING_EQUAL(tui_state_name(TUI_FINISHED), "finished");
    tui_model_free(&m);
}

int main(void)
{
    static const TestCase model[] = {
        {"pauses and statistics (open pause, budget)", test_pauses_and_stats},
        {"time-axis columns (pauses, heap)", test_columns},
        {"console lines and allocation sites", test_uart_and_sites},
        {"allocation sites skip the allocator", test_allocator_skipped},
        {"allocation sites of inlined code", test_inlined_sites},
        {"formatting", test_format},
        {NULL, NULL},
    };
    static const TestSuite suites[] = {{"tui_model", model}, {NULL, NULL}};
    return cunit_run(suites);
}
