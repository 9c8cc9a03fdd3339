/* fuzz_record_json.c: libFuzzer harness of the recorded-run loader (record_json_load,
 * traces/record_json.c): the input is record.json, and after its first NUL byte the
 * events.bin beside it (the seeds are such pairs from real runs). A loaded recording is
 * then read the way `baregc check --from`, `report` and `view --from` read it:
 * statistics, budget figures, the HTML report, the heap map. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "fuzz/fuzz_record_check.h"
#include "fuzz/fuzz_util.h"
#include "traces/budget.h"
#include "traces/report.h"
#include "traces/stats.h"
#include "traces/traces.h"
#include "ui/heapmap.h"

#define MAP_W 64  /* pixels: a small heap map is drawn through every path */
#define MAP_H 48

static const char budget_json[] = "{\"max_pause_us\": 1000, \"min_pauses\": 1, \"max_fragmentation\": 0.5,"
                                  " \"mmu\": [{\"window_us\": 100, \"min\": 0.1}, {\"window_us\": 1e6, \"min\": 0.5}]}";

/* An MMU is a fraction, or -1 when the window is longer than the run (stats.h). */
static bool mmu_ok(double v)
{
    return v == -1 || (v >= 0 && v <= 1);
}

static void read_back(const Recording *r)
{
    Stats s;
    stats_compute(r, &s);
    FUZZ_CHECK(mmu_ok(s.mmu_100us) && mmu_ok(s.mmu_1ms) && mmu_ok(s.mmu_10ms) && mmu_ok(s.mmu_100ms));
    for (size_t i = 0; i < s.ncurve; i++)
        FUZZ_CHECK(s.curve[i].mmu >= 0 && s.curve[i].mmu <= 1);
    char *err = NULL;
    Budget *b = budget_parse(budget_json, "fuzz budget", &err);
    FUZZ_CHECK(b);
    Measured m;
    measured_from_recording(&m, r, &s, NULL, b);
    for (size_t i = 0; i < m.nmmu; i++)
        FUZZ_CHECK(mmu_ok(m.mmu[i]));
    BudgetReport rep;
    budget_evaluate(b, &m, NULL, 0, &rep);
    FILE *f = fopen("/dev/null", "w");
    FUZZ_CHECK(f);
    budget_print_table(&rep, &m, f);
    report_write_html(r, NULL, b, &m, &rep, f);
    fclose(f);
    budget_report_free(&rep);
    measured_free(&m);
    budget_free(b);
    stats_free(&s);

    char name[128];
    for (size_t i = 0; i < r->nframes && i < 64; i++)
        traces_frame_name(r, NULL, r->frames[i], name, sizeof name);

    HeapMapLayout l;
    heapmap_layout_default(&l, MAP_W, MAP_H);
    if (!fuzz_outcome(heapmap_layout(&l, r, &err) == 0, err))
        return;
    uint8_t *rgba = xmalloc((size_t)MAP_W * MAP_H * 4);
    HeapMapView v = {.pause = r->npauses ? (long)r->npauses - 1 : -1};
    heapmap_render(&l, r, &v, rgba);
    free(rgba);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t json_len = nul ? (size_t)(nul - data) : size;
    char *dir = fuzz_scratch_dir();
    fuzz_write_file(dir, "record.json", data, json_len);
    if (nul)
        fuzz_write_file(dir, RECORD_EVENTS_FILE, nul + 1, size - json_len - 1);
    char *err = NULL;
    Recording *r = record_json_load(dir, &err);
    fuzz_scratch_remove(dir);
    if (!fuzz_outcome(r != NULL, err))
        return 0;
    fuzz_check_recording(r);
    read_back(r);
    rec_free(r);
    return 0;
}
