/* fuzz_budget.c: libFuzzer harness of the budget file parser (traces/budget.c): any
 * bytes as a budget file, and a parsed budget held against a fixed measured run. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "fuzz/fuzz_util.h"
#include "traces/budget.h"

/* The promises of budget.h about a parsed budget. */
static void check_budget(const Budget *b)
{
    bool any = b->nmmu > 0;
    for (size_t i = 0; i < BUDGET__COUNT; i++) {
        any = any || b->has[i];
        if (b->has[i])
            FUZZ_CHECK(isfinite(b->limit[i]) && b->limit[i] >= 0);
    }
    FUZZ_CHECK(any);
    for (size_t i = 0; i < b->nmmu; i++) {
        FUZZ_CHECK(b->mmu[i].window_us > 0 && b->mmu[i].min >= 0 && b->mmu[i].min <= 1);
        for (size_t j = 0; j < i; j++)
            FUZZ_CHECK(b->mmu[j].window_us != b->mmu[i].window_us);
    }
}

/* Verdicts against a run that measured everything (and an MMU at every window). */
static void evaluate(const Budget *b)
{
    Measured m = {0};
    for (size_t i = 0; i < BUDGET__COUNT; i++) {
        m.known[i] = i % 3 != 0;
        m.value[i] = (double)i * 1000.5;
    }
    m.nmmu = b->nmmu;
    m.mmu = xcalloc(b->nmmu ? b->nmmu : 1, sizeof *m.mmu);
    for (size_t i = 0; i < b->nmmu; i++)
        m.mmu[i] = i % 2 ? 0.5 : -1;
    BudgetReport rep;
    budget_evaluate(b, &m, &m, 5.0, &rep);
    FUZZ_CHECK(rep.failures <= rep.nitems && rep.regressions <= rep.nitems);
    budget_report_free(&rep);
    free(m.mmu);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstring(data, size);
    char *err = NULL;
    Budget *b = budget_parse(text, "fuzz-budget.json", &err);
    free(text);
    if (!fuzz_outcome(b != NULL, err))
        return 0;
    check_budget(b);
    evaluate(b);
    budget_free(b);
    return 0;
}
