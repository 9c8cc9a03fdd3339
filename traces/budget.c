/* budget.c: the GC budget file of `baregc check`: its items (key, unit, direction) and
 * the parser that checks every key. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/util.h"
#include "traces/budget.h"

static const BudgetKeyInfo keys[BUDGET__COUNT] = {
    [BUDGET_MAX_PAUSE] = {"max_pause_us", BUDGET_KIND_US, false, true},
    [BUDGET_P99_PAUSE] = {"p99_pause_us", BUDGET_KIND_US, false, true},
    [BUDGET_P999_PAUSE] = {"p999_pause_us", BUDGET_KIND_US, false, true},
    [BUDGET_MEAN_PAUSE] = {"mean_pause_us", BUDGET_KIND_US, false, true},
    [BUDGET_GC_CPU_FRACTION] = {"gc_cpu_fraction_max", BUDGET_KIND_FRACTION, false, true},
    [BUDGET_PEAK_HEAP] = {"peak_heap_bytes_max", BUDGET_KIND_BYTES, false, true},
    [BUDGET_SRAM_HEADROOM] = {"min_sram_headroom_bytes", BUDGET_KIND_BYTES, true, true},
    [BUDGET_STACK_HEADROOM] = {"min_stack_headroom_bytes", BUDGET_KIND_BYTES, true, true},
    [BUDGET_FRAGMENTATION] = {"max_fragmentation", BUDGET_KIND_FRACTION, false, true},
    [BUDGET_ALLOC_FAILURES] = {"max_alloc_failures", BUDGET_KIND_COUNT, false, true},
    /* A sanity check that the collector ran at all; fewer pauses is no regression. */
    [BUDGET_MIN_PAUSES] = {"min_pauses", BUDGET_KIND_COUNT, true, false},
};

const BudgetKeyInfo *budget_key_info(BudgetKey k)
{
    return &keys[k];
}

const char *budget_key_name(BudgetKey k)
{
    return (unsigned)k < BUDGET__COUNT ? keys[k].name : "?";
}

static bool is_whole(double v)
{
    return v == floor(v) && fabs(v) <= 9007199254740992.0; /* 2^53 */
}

/* A number for key `what` of kind k, checked. */
static int budget_number(const cJSON *it, const char *src, const char *what, BudgetKind k, double *out, char **err)
{
    if (!cJSON_IsNumber(it)) {
        set_err(err, "%s: %s: expected a number", src, what);
        return -1;
    }
    double v = it->valuedouble;
    if (!isfinite(v) || v < 0) {
        set_err(err, "%s: %s: expected a number >= 0, got %g", src, what, v);
        return -1;
    }
    if (k == BUDGET_KIND_FRACTION && v > 1) {
        set_err(err, "%s: %s: expected a fraction between 0 and 1, got %g", src, what, v);
        return -1;
    }
    if ((k == BUDGET_KIND_BYTES || k == BUDGET_KIND_COUNT) && !is_whole(v)) {
        set_err(err, "%s: %s: expected a whole number, got %g", src, what, v);
        return -1;
    }
    *out = v;
    return 0;
}

static int budget_parse_mmu(Budget *b, const cJSON *arr, const char *src, char **err)
{
    if (!cJSON_IsArray(arr)) {
        set_err(err, "%s: mmu: expected a list of {\"window_us\": W, \"min\": U}", src);
        return -1;
    }
    size_t n = (size_t)cJSON_GetArraySize(arr);
    b->mmu = n ? xcalloc(n, sizeof *b->mmu) : NULL;
    size_t i = 0;
    for (const cJSON *e = arr->child; e; e = e->next, i++) {
        if (!cJSON_IsObject(e)) {
            set_err(err, "%s: mmu[%zu]: expected an object {\"window_us\": W, \"min\": U}", src, i);
            return -1;
        }
        bool have_w = false, have_min = false;
        BudgetMmu *m = &b->mmu[i];
        for (const cJSON *f = e->child; f; f = f->next) {
            char what[64];
            snprintf(what, sizeof what, "mmu[%zu].%s", i, f->string);
            if (!strcmp(f->string, "window_us")) {
                if (have_w) {
                    set_err(err, "%s: %s: given twice", src, what);
                    return -1;
                }
                if (budget_number(f, src, what, BUDGET_KIND_US, &m->window_us, err) < 0)
                    return -1;
                if (m->window_us <= 0) {
                    set_err(err, "%s: %s: expected a window longer than 0 us", src, what);
                    return -1;
                }
                have_w = true;
            } else if (!strcmp(f->string, "min")) {
                if (have_min) {
                    set_err(err, "%s: %s: given twice", src, what);
                    return -1;
                }
                if (budget_number(f, src, what, BUDGET_KIND_FRACTION, &m->min, err) < 0)
                    return -1;
                have_min = true;
            } else {
                set_err(err, "%s: %s: unknown key (an MMU item has window_us and min)", src, what);
                return -1;
            }
        }
        if (!have_w || !have_min) {
            set_err(err, "%s: mmu[%zu]: %s missing", src, i, have_w ? "min" : "window_us");
            return -1;
        }
        for (size_t j = 0; j < i; j++)
            if (b->mmu[j].window_us == m->window_us) {
                set_err(err, "%s: mmu[%zu].window_us: window %g us given twice", src, i, m->window_us);
                return -1;
            }
        b->nmmu = i + 1;
    }
    return 0;
}

Budget *budget_parse(const char *json, const char *what, char **err)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(json ? json : "", &end, true); /* nothing may follow */
    if (!root) {
        char why[96];
        set_err(err, "%s: %s", what, json_error_text(json, end ? end : cJSON_GetErrorPtr(), why, sizeof why));
        return NULL;
    }
    Budget *b = xcalloc(1, sizeof *b);
    bool seen_mmu = false;
    if (!cJSON_IsObject(root)) {
        set_err(err, "%s: expected a JSON object of limits", what);
        goto fail;
    }
    for (const cJSON *it = root->child; it; it = it->next) {
        const char *k = it->string;
        if (!strcmp(k, "mmu")) {
            if (seen_mmu) {
                set_err(err, "%s: mmu: given twice", what);
                goto fail;
            }
            seen_mmu = true;
            if (budget_parse_mmu(b, it, what, err) < 0)
                goto fail;
            continue;
        }
        size_t i;
        for (i = 0; i < BUDGET__COUNT; i++)
            if (!strcmp(k, keys[i].name))
                break;
        if (i == BUDGET__COUNT) {
            set_err(err, "%s: %s: unknown key (known: max_pause_us, p99_pause_us, p999_pause_us, "
                         "mean_pause_us, mmu, gc_cpu_fraction_max, peak_heap_bytes_max, "
                         "min_sram_headroom_bytes, min_stack_headroom_bytes, max_fragmentation, "
                         "max_alloc_failures, min_pauses)",
                    what, k);
            goto fail;
        }
        if (b->has[i]) {
            set_err(err, "%s: %s: given twice", what, k);
            goto fail;
        }
        if (budget_number(it, what, k, keys[i].kind, &b->limit[i], err) < 0)
            goto fail;
        b->has[i] = true;
    }
    bool any = b->nmmu > 0;
    for (size_t i = 0; i < BUDGET__COUNT; i++)
        any = any || b->has[i];
    if (!any) {
        set_err(err, "%s: no limits given", what);
        goto fail;
    }
    cJSON_Delete(root);
    return b;
fail:
    cJSON_Delete(root);
    budget_free(b);
    return NULL;
}

Budget *budget_load(const char *path, char **err)
{
    char *text = read_text_file(path, NULL, err);
    if (!text)
        return NULL;
    Budget *b = budget_parse(text, path, err);
    free(text);
    return b;
}

void budget_free(Budget *b)
{
    if (!b)
        return;
    free(b->mmu);
    free(b);
}
