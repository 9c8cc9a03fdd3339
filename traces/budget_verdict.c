/* budget_verdict.c: the verdicts of `baregc check`: each measured value against its
 * limit, and against a baseline run within a tolerance. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "traces/budget.h"

static const char *kind_unit(BudgetKind k)
{
    switch (k) {
    case BUDGET_KIND_US: return "us";
    case BUDGET_KIND_BYTES: return "bytes";
    default: return "";
    }
}

/* How much worse `cur` is than `base`, in percent of |base| (negative: better). A worse
 * value against a base of 0 counts as infinitely worse. */
static double worse_pct(double cur, double base, bool is_min)
{
    double worse = is_min ? base - cur : cur - base;
    if (worse == 0)
        return 0;
    if (base == 0)
        return worse > 0 ? INFINITY : -INFINITY;
    return worse / fabs(base) * 100.0;
}

static void add_result(BudgetReport *rep, const char *name, BudgetKind kind, bool is_min, bool known, double measured,
                       double limit, bool base_known, double base, bool compare, double tol)
{
    BudgetResult *res = &rep->items[rep->nitems++];
    snprintf(res->name, sizeof res->name, "%s", name);
    res->unit = kind_unit(kind);
    res->is_min = is_min;
    res->known = known;
    res->measured = known ? measured : 0;
    res->limit = limit;
    if (known) {
        res->margin = is_min ? measured - limit : limit - measured;
        if (res->margin == 0)
            res->margin = 0; /* no "-0" */
        res->pass = res->margin >= 0;
    }
    if (!res->pass)
        rep->failures++;
    if (compare && known && base_known) {
        res->has_base = true;
        res->base = base;
        res->worse_pct = worse_pct(measured, base, is_min);
        res->regressed = res->worse_pct > tol;
        if (res->regressed)
            rep->regressions++;
    }
}

/* "mmu_10000us", "mmu_2.5us". */
static void mmu_name(char *buf, size_t n, double w)
{
    if (w == floor(w) && w < 1e15)
        snprintf(buf, n, "mmu_%.0fus", w);
    else
        snprintf(buf, n, "mmu_%gus", w);
}

/* The scalar item k, when the budget has it. */
static void add_key(BudgetReport *rep, const Budget *b, const Measured *m, const Measured *base, BudgetKey k,
                    double tol)
{
    if (!b->has[k])
        return;
    const BudgetKeyInfo *ki = budget_key_info(k);
    add_result(rep, ki->name, ki->kind, ki->is_min, m->known[k], m->value[k], b->limit[k], base && base->known[k],
               base ? base->value[k] : 0, ki->compare, tol);
    if (!m->known[k] && m->why[k])
        snprintf(rep->items[rep->nitems - 1].why, sizeof rep->items[0].why, "%s", m->why[k]);
}

void budget_evaluate(const Budget *b, const Measured *m, const Measured *base, double tolerance_pct, BudgetReport *rep)
{
    memset(rep, 0, sizeof *rep);
    rep->items = xcalloc(BUDGET__COUNT + b->nmmu + 1, sizeof *rep->items);
    rep->baseline = base != NULL;
    rep->tolerance = tolerance_pct;
    for (BudgetKey k = 0; k <= BUDGET_GC_CPU_FRACTION; k++)
        add_key(rep, b, m, base, k, tolerance_pct);
    for (size_t i = 0; i < b->nmmu; i++) {
        char name[40];
        mmu_name(name, sizeof name, b->mmu[i].window_us);
        bool known = i < m->nmmu && m->mmu[i] >= 0;
        bool bknown = base && i < base->nmmu && base->mmu[i] >= 0;
        add_result(rep, name, BUDGET_KIND_FRACTION, true, known, known ? m->mmu[i] : 0, b->mmu[i].min, bknown,
                   bknown ? base->mmu[i] : 0, true, tolerance_pct);
    }
    for (BudgetKey k = BUDGET_GC_CPU_FRACTION + 1; k < BUDGET__COUNT; k++)
        add_key(rep, b, m, base, k, tolerance_pct);
}

void budget_report_free(BudgetReport *rep)
{
    if (!rep)
        return;
    free(rep->items);
    memset(rep, 0, sizeof *rep);
}
