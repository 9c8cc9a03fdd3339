/* budget.c: GC budget files, the measured values of a run (live or recorded), verdicts,
 * the table and JUnit XML of `baregc check`. */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/util.h"
#include "traces/budget.h"
#include "traces/traces.h"

/* ---- the items ------------------------------------------------------------------ */

typedef enum ValueKind {
    KIND_US,       /* microseconds */
    KIND_FRACTION, /* 0..1 */
    KIND_BYTES,    /* whole bytes (headrooms may be negative when measured) */
    KIND_COUNT,    /* whole number */
} ValueKind;

typedef struct KeyInfo {
    const char *name;
    ValueKind kind;
    bool is_min;  /* limit is a minimum: measured >= limit */
    bool compare; /* compared with a baseline */
} KeyInfo;

static const KeyInfo keys[BUDGET__COUNT] = {
    [BUDGET_MAX_PAUSE] = {"max_pause_us", KIND_US, false, true},
    [BUDGET_P99_PAUSE] = {"p99_pause_us", KIND_US, false, true},
    [BUDGET_P999_PAUSE] = {"p999_pause_us", KIND_US, false, true},
    [BUDGET_MEAN_PAUSE] = {"mean_pause_us", KIND_US, false, true},
    [BUDGET_GC_CPU_FRACTION] = {"gc_cpu_fraction_max", KIND_FRACTION, false, true},
    [BUDGET_PEAK_HEAP] = {"peak_heap_bytes_max", KIND_BYTES, false, true},
    [BUDGET_SRAM_HEADROOM] = {"min_sram_headroom_bytes", KIND_BYTES, true, true},
    [BUDGET_STACK_HEADROOM] = {"min_stack_headroom_bytes", KIND_BYTES, true, true},
    [BUDGET_FRAGMENTATION] = {"max_fragmentation", KIND_FRACTION, false, true},
    [BUDGET_ALLOC_FAILURES] = {"max_alloc_failures", KIND_COUNT, false, true},
    /* A sanity check that the collector ran at all; fewer pauses is no regression. */
    [BUDGET_MIN_PAUSES] = {"min_pauses", KIND_COUNT, true, false},
};

const char *budget_key_name(BudgetKey k)
{
    return (unsigned)k < BUDGET__COUNT ? keys[k].name : "?";
}

static const char *kind_unit(ValueKind k)
{
    switch (k) {
    case KIND_US: return "us";
    case KIND_BYTES: return "bytes";
    default: return "";
    }
}

/* ---- budget files --------------------------------------------------------------- */

static bool is_whole(double v)
{
    return v == floor(v) && fabs(v) <= 9007199254740992.0; /* 2^53 */
}

/* A number for key `what` of kind k, checked. */
static int budget_number(const cJSON *it, const char *src, const char *what, ValueKind k, double *out, char **err)
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
    if (k == KIND_FRACTION && v > 1) {
        set_err(err, "%s: %s: expected a fraction between 0 and 1, got %g", src, what, v);
        return -1;
    }
    if ((k == KIND_BYTES || k == KIND_COUNT) && !is_whole(v)) {
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
                if (budget_number(f, src, what, KIND_US, &m->window_us, err) < 0)
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
                if (budget_number(f, src, what, KIND_FRACTION, &m->min, err) < 0)
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
        const char *at = end ? end : cJSON_GetErrorPtr();
        set_err(err, "%s: not valid JSON%s%.20s", what, at && *at ? " near: " : "", at && *at ? at : "");
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

/* ---- measured values ------------------------------------------------------------ */

bool budget_stack_headroom(const RecRunInfo *ri, int64_t *bytes)
{
    if (!ri->stack_limit || !ri->stack_low)
        return false;
    *bytes = (int64_t)ri->stack_low - (int64_t)ri->stack_limit;
    return true;
}

static void set_value(Measured *m, BudgetKey k, double v)
{
    m->known[k] = true;
    m->value[k] = v;
}

static double us_of(uint64_t cycles, uint64_t hz)
{
    /* The same conversion as summary.json, so both sources give identical numbers. */
    return (double)stats_cycles_to_ns(cycles, hz) / 1000.0;
}

static const char *trigger_name(RecTrigger t)
{
    switch (t) {
    case REC_TRIGGER_EXPLICIT: return "explicit";
    case REC_TRIGGER_ALLOC: return "alloc";
    default: return "unknown";
    }
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

void measured_from_recording(Measured *m, const Recording *r, const Stats *s, const Image *img, const Budget *b)
{
    memset(m, 0, sizeof *m);
    const RecRunInfo *ri = &r->run;
    uint64_t hz = ri->clock_hz;
    m->exit_code = ri->exit_code;
    m->exit_reason = dup_or_null(ri->exit_reason);
    m->partial = ri->partial;
    m->image = dup_or_null(ri->image);
    m->board = dup_or_null(ri->board);
    m->runtime = dup_or_null(ri->runtime);
    m->seconds = (double)stats_cycles_to_ns(ri->cycles, hz) / 1e9;

    set_value(m, BUDGET_MAX_PAUSE, s->npauses ? us_of(s->pause_max, hz) : 0);
    set_value(m, BUDGET_P99_PAUSE, s->npauses ? us_of(s->p99, hz) : 0);
    set_value(m, BUDGET_P999_PAUSE, s->npauses ? us_of(s->p999, hz) : 0);
    set_value(m, BUDGET_MEAN_PAUSE, s->npauses ? s->pause_mean * 1e6 / (double)(hz ? hz : 1000000) : 0);
    set_value(m, BUDGET_GC_CPU_FRACTION, s->gc_cpu_fraction);
    if (s->peak_heap >= 0)
        set_value(m, BUDGET_PEAK_HEAP, (double)s->peak_heap);
    if (s->min_sram_headroom != REC_UNKNOWN)
        set_value(m, BUDGET_SRAM_HEADROOM, (double)s->min_sram_headroom);
    int64_t sh;
    if (budget_stack_headroom(ri, &sh))
        set_value(m, BUDGET_STACK_HEADROOM, (double)sh);
    if (s->worst_frag >= 0)
        set_value(m, BUDGET_FRAGMENTATION, s->worst_frag);
    set_value(m, BUDGET_ALLOC_FAILURES, (double)r->alloc_failures);
    set_value(m, BUDGET_MIN_PAUSES, (double)s->npauses);

    m->nmmu = b ? b->nmmu : 0;
    m->mmu = m->nmmu ? xcalloc(m->nmmu, sizeof *m->mmu) : NULL;
    if (m->nmmu) {
        size_t nspans;
        StatsSpan *spans = stats_pause_spans(r, &nspans);
        for (size_t i = 0; i < m->nmmu; i++)
            m->mmu[i] = stats_mmu(spans, nspans, ri->cycles, stats_us_to_cycles(b->mmu[i].window_us, hz));
        free(spans);
    }

    if (s->longest_pause >= 0 && (size_t)s->longest_pause < r->npauses) {
        const RecPause *p = &r->pauses[s->longest_pause];
        m->worst_pause = (uint64_t)s->longest_pause + 1;
        m->worst_pause_time_known = true;
        m->worst_pause_start_ns = stats_cycles_to_ns(p->start, hz);
        m->worst_pause_us = m->value[BUDGET_MAX_PAUSE];
        m->worst_trigger = xstrdup(trigger_name(p->trigger));
        size_t n;
        const uint32_t *fr = rec_stack_frames(r, p->stack, &n);
        for (size_t k = 0; k < n && k < MEASURED_MAX_FRAMES; k++) {
            char buf[256];
            /* Every frame of a pause stack is a return address (the leaf too: the
             * recorder takes it at the collector's entry, the collector left out);
             * named by the call instruction, (addr & ~1) - 1, as in trace.json. */
            if (img)
                image_describe_addr(img, fr[k] >= 2 ? (fr[k] & ~1u) - 1 : fr[k], buf, sizeof buf);
            else
                snprintf(buf, sizeof buf, "0x%08" PRIx32, fr[k]);
            m->frames[m->nframes++] = xstrdup(buf);
        }
        if (!n)
            m->stack_note = "no trigger stack recorded";
    }
}

/* ---- measured values from a recorded run's directory ---------------------------- */

/* obj.key, which must be present; *it NULL when it is JSON null. */
static int json_field(const cJSON *obj, const char *key, const char *file, const char *path, const cJSON **it,
                      char **err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v) {
        set_err(err, "%s: %s missing", file, path);
        return -1;
    }
    if (cJSON_IsNull(v)) {
        *it = NULL;
        return 0;
    }
    *it = v;
    return 0;
}

/* A number or null at obj.key: 1 number, 0 null, -1 missing or not a number. */
static int json_num(const cJSON *obj, const char *key, const char *file, const char *path, double *out, char **err)
{
    const cJSON *v;
    if (json_field(obj, key, file, path, &v, err) < 0)
        return -1;
    if (!v)
        return 0;
    if (!cJSON_IsNumber(v)) {
        set_err(err, "%s: %s: expected a number", file, path);
        return -1;
    }
    *out = v->valuedouble;
    return 1;
}

static int json_obj(const cJSON *obj, const char *key, const char *file, const cJSON **out, char **err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsObject(v)) {
        set_err(err, "%s: %s: %s", file, key, v ? "expected an object" : "missing");
        return -1;
    }
    *out = v;
    return 0;
}

static char *json_strdup(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

static bool same_window(double a, double b)
{
    return fabs(a - b) <= 1e-9 * (a > b ? a : b);
}

/* MMU at window w from summary.json: the fixed windows, then the curve; a window
 * longer than the run is unknown (-1). 0 found, -1 not recorded. */
static int summary_mmu(const cJSON *root, double w, uint64_t run_cycles, uint64_t hz, double *out)
{
    static const struct {
        const char *key;
        double us;
    } fixed[] = {{"100us", 100}, {"1ms", 1000}, {"10ms", 10000}, {"100ms", 100000}};
    const cJSON *mmu = cJSON_GetObjectItemCaseSensitive(root, "mmu");
    for (size_t i = 0; i < ARRAY_SIZE(fixed); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(mmu, fixed[i].key);
        if (same_window(w, fixed[i].us) && cJSON_IsNumber(v)) {
            *out = v->valuedouble;
            return 0;
        }
    }
    const cJSON *curve = cJSON_GetObjectItemCaseSensitive(root, "mmu_curve");
    for (const cJSON *pt = cJSON_IsArray(curve) ? curve->child : NULL; pt; pt = pt->next) {
        const cJSON *pw = cJSON_GetObjectItemCaseSensitive(pt, "window_us");
        const cJSON *pv = cJSON_GetObjectItemCaseSensitive(pt, "mmu");
        if (cJSON_IsNumber(pw) && cJSON_IsNumber(pv) && same_window(w, pw->valuedouble)) {
            *out = pv->valuedouble;
            return 0;
        }
    }
    uint64_t wc = stats_us_to_cycles(w, hz);
    if (wc == 0 || wc > run_cycles) {
        *out = -1; /* as stats_mmu: the window does not fit in the run */
        return 0;
    }
    return -1;
}

/* DIR/record.json, loaded the first time an item summary.json lacks needs it. */
typedef struct LazyRecord {
    const char *dir;
    bool tried;
    Recording *r;     /* NULL: not there or bad (err says why) */
    char *err;
    StatsSpan *spans; /* its pauses, for stats_mmu */
    size_t nspans;
} LazyRecord;

static Recording *lazy_record(LazyRecord *lr)
{
    if (!lr->tried) {
        lr->tried = true;
        lr->r = record_json_load(lr->dir, &lr->err);
        if (lr->r)
            lr->spans = stats_pause_spans(lr->r, &lr->nspans);
        else if (!lr->err)
            lr->err = xasprintf("%s/record.json: cannot be read", lr->dir);
    }
    return lr->r;
}

static void lazy_record_free(LazyRecord *lr)
{
    rec_free(lr->r);
    free(lr->spans);
    free(lr->err);
}

/* The worst pause's trigger stack from record.json when trace.json has none. */
static void worst_pause_from_record(Measured *m, LazyRecord *lr)
{
    Recording *r = lazy_record(lr);
    if (!r || m->worst_pause > r->npauses)
        return;
    const RecPause *p = &r->pauses[m->worst_pause - 1];
    if (!m->worst_pause_time_known) {
        m->worst_pause_time_known = true;
        m->worst_pause_start_ns = stats_cycles_to_ns(p->start, r->run.clock_hz);
    }
    if (!m->worst_trigger)
        m->worst_trigger = xstrdup(trigger_name(p->trigger));
    size_t n;
    const uint32_t *fr = rec_stack_frames(r, p->stack, &n);
    for (size_t k = 0; k < n && m->nframes < MEASURED_MAX_FRAMES; k++) {
        char buf[256];
        m->frames[m->nframes++] = xstrdup(traces_frame_name(r, NULL, fr[k], buf, sizeof buf));
    }
    m->stack_note = m->nframes ? NULL : "no trigger stack recorded";
}

/* The worst pause's start and trigger stack from DIR/trace.json (the "GC pause" event
 * with args.n == the pause). Best effort: a missing or unreadable trace only leaves
 * them out (stack_note says why). */
static bool worst_pause_from_trace(Measured *m, const char *dir)
{
    char *path = xasprintf("%s/trace.json", dir);
    char *text = read_text_file(path, NULL, NULL);
    free(path);
    if (!text) {
        m->stack_note = "trace.json not found: no trigger stack";
        return false;
    }
    bool found = false;
    cJSON *root = cJSON_Parse(text);
    free(text);
    const cJSON *evs = cJSON_GetObjectItemCaseSensitive(root, "traceEvents");
    m->stack_note = "the pause is not in trace.json: no trigger stack";
    for (const cJSON *e = cJSON_IsArray(evs) ? evs->child : NULL; e; e = e->next) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
        const cJSON *args = cJSON_GetObjectItemCaseSensitive(e, "args");
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(args, "n");
        if (!cJSON_IsString(name) || strcmp(name->valuestring, "GC pause") || !cJSON_IsNumber(n) ||
            n->valuedouble != (double)m->worst_pause)
            continue;
        const cJSON *ts = cJSON_GetObjectItemCaseSensitive(e, "ts");
        if (cJSON_IsNumber(ts) && ts->valuedouble >= 0 && ts->valuedouble < 1e15) {
            m->worst_pause_time_known = true;
            m->worst_pause_start_ns = (uint64_t)llround(ts->valuedouble * 1000.0); /* ts: us, 3 decimals */
        }
        const cJSON *trig = cJSON_GetObjectItemCaseSensitive(args, "trigger");
        if (cJSON_IsString(trig)) {
            free(m->worst_trigger);
            m->worst_trigger = xstrdup(trig->valuestring);
        }
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(args, "stack");
        for (const cJSON *f = cJSON_IsArray(st) ? st->child : NULL; f && m->nframes < MEASURED_MAX_FRAMES;
             f = f->next)
            if (cJSON_IsString(f))
                m->frames[m->nframes++] = xstrdup(f->valuestring);
        m->stack_note = m->nframes ? NULL : "no trigger stack recorded";
        found = true;
        break;
    }
    cJSON_Delete(root);
    return found;
}

static int measured_read_dir(Measured *m, const char *dir, const Budget *b, bool strict, char **err)
{
    memset(m, 0, sizeof *m);
    char *file = xasprintf("%s/summary.json", dir);
    char *text = read_text_file(file, NULL, err);
    cJSON *root = NULL;
    LazyRecord lr = {.dir = dir};
    int rc = -1;
    if (!text)
        goto out;
    root = cJSON_Parse(text);
    if (!root) {
        set_err(err, "%s: not valid JSON", file);
        goto out;
    }
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, "baregc-summary/1")) {
        set_err(err, "%s: not a baregc summary (format is not \"baregc-summary/1\")", file);
        goto out;
    }
    const cJSON *run, *pauses, *heap, *sram, *stack;
    if (json_obj(root, "run", file, &run, err) < 0 || json_obj(root, "pauses", file, &pauses, err) < 0 ||
        json_obj(root, "heap", file, &heap, err) < 0 || json_obj(root, "sram", file, &sram, err) < 0 ||
        json_obj(root, "stack", file, &stack, err) < 0)
        goto out;

    double hz = 0, cycles = 0, exit_code = 0, count = 0, v;
    if (json_num(run, "clock_hz", file, "run.clock_hz", &hz, err) < 0 ||
        json_num(run, "cycles", file, "run.cycles", &cycles, err) < 0 ||
        json_num(run, "exit_code", file, "run.exit_code", &exit_code, err) < 0 ||
        json_num(pauses, "count", file, "pauses.count", &count, err) < 0)
        goto out;
    /* Counts that become integers must be whole and in range. */
    static const double u64_max = 18446744073709549568.0; /* largest double below 2^64 */
    const char *bad = !(hz >= 0 && hz <= u64_max && hz == floor(hz))               ? "run.clock_hz"
                      : !(cycles >= 0 && cycles <= u64_max && cycles == floor(cycles)) ? "run.cycles"
                      : !(fabs(exit_code) <= 1e9 && exit_code == floor(exit_code))     ? "run.exit_code"
                      : !(count >= 0 && count <= 1e15 && count == floor(count))        ? "pauses.count"
                                                                                        : NULL;
    if (bad) {
        set_err(err, "%s: %s: expected a whole number >= 0", file, bad);
        goto out;
    }
    m->exit_code = (int)exit_code;
    m->exit_reason = json_strdup(run, "exit_reason");
    m->image = json_strdup(run, "image");
    m->board = json_strdup(run, "board");
    m->runtime = json_strdup(run, "runtime");
    const cJSON *partial = cJSON_GetObjectItemCaseSensitive(root, "partial");
    m->partial = cJSON_IsTrue(partial);
    m->seconds = 0;
    if (json_num(run, "seconds", file, "run.seconds", &m->seconds, err) < 0)
        goto out;

    /* Pause figures: null (no pauses) reads as 0, as in a live run. */
    static const struct {
        BudgetKey k;
        const char *key, *path;
    } pause_keys[] = {
        {BUDGET_MAX_PAUSE, "max_us", "pauses.max_us"},
        {BUDGET_P99_PAUSE, "p99_us", "pauses.p99_us"},
        {BUDGET_P999_PAUSE, "p99_9_us", "pauses.p99_9_us"},
        {BUDGET_MEAN_PAUSE, "mean_us", "pauses.mean_us"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(pause_keys); i++) {
        int r = json_num(pauses, pause_keys[i].key, file, pause_keys[i].path, &v, err);
        if (r < 0)
            goto out;
        if (r > 0 || count == 0)
            set_value(m, pause_keys[i].k, r > 0 ? v : 0);
    }
    set_value(m, BUDGET_MIN_PAUSES, count);
    int r;
    if ((r = json_num(root, "gc_cpu_fraction", file, "gc_cpu_fraction", &v, err)) < 0)
        goto out;
    if (r)
        set_value(m, BUDGET_GC_CPU_FRACTION, v);
    if ((r = json_num(heap, "peak_bytes", file, "heap.peak_bytes", &v, err)) < 0)
        goto out;
    if (r)
        set_value(m, BUDGET_PEAK_HEAP, v);
    if ((r = json_num(heap, "worst_fragmentation", file, "heap.worst_fragmentation", &v, err)) < 0)
        goto out;
    if (r)
        set_value(m, BUDGET_FRAGMENTATION, v);
    if ((r = json_num(sram, "min_headroom_bytes", file, "sram.min_headroom_bytes", &v, err)) < 0)
        goto out;
    if (r)
        set_value(m, BUDGET_SRAM_HEADROOM, v);
    if ((r = json_num(root, "alloc_failures", file, "alloc_failures", &v, err)) < 0)
        goto out;
    if (r)
        set_value(m, BUDGET_ALLOC_FAILURES, v);

    /* Stack headroom needs the stack limit: stack.limit (null when the image names
     * none) when the summary has it, else record.json's run facts. */
    double low = 0, limit = 0;
    int rl = 0, rlim = 0;
    if ((rl = json_num(stack, "lowest_sp", file, "stack.lowest_sp", &low, err)) < 0)
        goto out;
    if (cJSON_GetObjectItemCaseSensitive(stack, "limit")) {
        if ((rlim = json_num(stack, "limit", file, "stack.limit", &limit, err)) < 0)
            goto out;
        if (rl > 0 && rlim > 0 && limit > 0 && low > 0)
            set_value(m, BUDGET_STACK_HEADROOM, low - limit);
    } else if (b && b->has[BUDGET_STACK_HEADROOM]) {
        int64_t sh;
        Recording *rec = lazy_record(&lr);
        if (rec && budget_stack_headroom(&rec->run, &sh)) {
            set_value(m, BUDGET_STACK_HEADROOM, (double)sh);
        } else if (!rec && strict) {
            set_err(err, "%s: min_stack_headroom_bytes: the summary does not record the stack limit, and %s",
                    file, lr.err);
            goto out;
        }
    }

    m->nmmu = b ? b->nmmu : 0;
    m->mmu = m->nmmu ? xcalloc(m->nmmu, sizeof *m->mmu) : NULL;
    for (size_t i = 0; i < m->nmmu; i++)
        if (summary_mmu(root, b->mmu[i].window_us, (uint64_t)cycles, (uint64_t)hz, &m->mmu[i]) < 0) {
            /* Not one of the summary's windows: exactly, from the recording. */
            Recording *rec = lazy_record(&lr);
            m->mmu[i] = -1;
            if (rec)
                m->mmu[i] = stats_mmu(lr.spans, lr.nspans, rec->run.cycles,
                                      stats_us_to_cycles(b->mmu[i].window_us, rec->run.clock_hz));
            else if (strict) {
                set_err(err, "%s: mmu: no MMU at a window of %g us in the summary (it has 100us, 1ms, 10ms, "
                             "100ms and the mmu_curve windows 10, 20, 50 us ... 1 s), and %s",
                        file, b->mmu[i].window_us, lr.err);
                goto out;
            }
        }

    double longest = 0;
    if ((r = json_num(pauses, "longest", file, "pauses.longest", &longest, err)) < 0)
        goto out;
    if (r && longest >= 1 && longest <= count && longest == floor(longest)) {
        m->worst_pause = (uint64_t)longest;
        m->worst_pause_us = m->value[BUDGET_MAX_PAUSE];
        if (!worst_pause_from_trace(m, dir))
            worst_pause_from_record(m, &lr);
    }
    rc = 0;
out:
    lazy_record_free(&lr);
    cJSON_Delete(root);
    free(text);
    free(file);
    if (rc < 0)
        measured_free(m);
    return rc;
}

int measured_from_dir(Measured *m, const char *dir, const Budget *b, char **err)
{
    return measured_read_dir(m, dir, b, true, err);
}

int measured_baseline_from_dir(Measured *m, const char *dir, const Budget *b, char **err)
{
    return measured_read_dir(m, dir, b, false, err);
}

void measured_free(Measured *m)
{
    if (!m)
        return;
    free(m->mmu);
    free(m->exit_reason);
    free(m->image);
    free(m->board);
    free(m->runtime);
    free(m->worst_trigger);
    for (size_t i = 0; i < m->nframes; i++)
        free(m->frames[i]);
    memset(m, 0, sizeof *m);
}

bool measured_run_ok(const Measured *m, char *why, size_t n)
{
    const char *r = m->exit_reason ? m->exit_reason : "?";
    if (m->partial)
        snprintf(why, n, "the run was interrupted (the recording is partial)");
    else if (!strcmp(r, "timeout"))
        return true;
    else if (strcmp(r, "exit") && strcmp(r, "reset"))
        snprintf(why, n, "the firmware stopped: %s (exit status %d)", r, m->exit_code);
    else if (m->exit_code != 0)
        snprintf(why, n, "the firmware exited with status %d", m->exit_code);
    else
        return true;
    return false;
}

/* ---- verdicts ------------------------------------------------------------------- */

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

static void add_result(BudgetReport *rep, const char *name, ValueKind kind, bool is_min, bool known, double measured,
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

void budget_evaluate(const Budget *b, const Measured *m, const Measured *base, double tolerance_pct, BudgetReport *rep)
{
    memset(rep, 0, sizeof *rep);
    rep->items = xcalloc(BUDGET__COUNT + b->nmmu + 1, sizeof *rep->items);
    rep->baseline = base != NULL;
    rep->tolerance = tolerance_pct;
    for (size_t k = 0; k <= BUDGET_GC_CPU_FRACTION; k++)
        if (b->has[k])
            add_result(rep, keys[k].name, keys[k].kind, keys[k].is_min, m->known[k], m->value[k], b->limit[k],
                       base && base->known[k], base ? base->value[k] : 0, keys[k].compare, tolerance_pct);
    for (size_t i = 0; i < b->nmmu; i++) {
        char name[40];
        mmu_name(name, sizeof name, b->mmu[i].window_us);
        bool known = i < m->nmmu && m->mmu[i] >= 0;
        bool bknown = base && i < base->nmmu && base->mmu[i] >= 0;
        add_result(rep, name, KIND_FRACTION, true, known, known ? m->mmu[i] : 0, b->mmu[i].min, bknown,
                   bknown ? base->mmu[i] : 0, true, tolerance_pct);
    }
    for (size_t k = BUDGET_GC_CPU_FRACTION + 1; k < BUDGET__COUNT; k++)
        if (b->has[k])
            add_result(rep, keys[k].name, keys[k].kind, keys[k].is_min, m->known[k], m->value[k], b->limit[k],
                       base && base->known[k], base ? base->value[k] : 0, keys[k].compare, tolerance_pct);
}

void budget_report_free(BudgetReport *rep)
{
    if (!rep)
        return;
    free(rep->items);
    memset(rep, 0, sizeof *rep);
}

/* ---- the table ------------------------------------------------------------------ */

static void fmt_value(char *buf, size_t n, const BudgetResult *r, double v)
{
    if (!strcmp(r->unit, "us"))
        snprintf(buf, n, "%.3f us", v);
    else if (!strcmp(r->unit, "bytes"))
        snprintf(buf, n, "%.0f B", v);
    else if (r->name[0] == 'm' && !strncmp(r->name, "mmu_", 4))
        snprintf(buf, n, "%.6f", v);
    else if (!strcmp(r->name, "max_alloc_failures") || !strcmp(r->name, "min_pauses"))
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, "%.6f", v);
}

/* "1031.793560 ms" from ns, in integers. */
static void fmt_ms(char *buf, size_t n, uint64_t ns)
{
    snprintf(buf, n, "%" PRIu64 ".%06" PRIu64 " ms", ns / 1000000u, ns % 1000000u);
}

static void fmt_pct(char *buf, size_t n, double pct)
{
    if (isinf(pct))
        snprintf(buf, n, "%s", pct > 0 ? "worse (was 0)" : "better (was 0)");
    else if (pct == 0)
        snprintf(buf, n, "unchanged");
    else
        snprintf(buf, n, "%.2f%% %s", fabs(pct), pct > 0 ? "worse" : "better");
}

void budget_print_table(const BudgetReport *rep, const Measured *m, FILE *f)
{
    fprintf(f, "baregc check: %s on %s (%s), %.6f s simulated, ended by %s\n", m->image ? m->image : "?",
            m->board ? m->board : "?", m->runtime ? m->runtime : "?", m->seconds,
            m->exit_reason ? m->exit_reason : "?");
    fprintf(f, "  %-26s %16s    %16s %16s  %s\n", "item", "measured", "limit", "margin", "result");
    for (size_t i = 0; i < rep->nitems; i++) {
        const BudgetResult *r = &rep->items[i];
        char mv[48], lv[48], mg[48];
        if (r->known) {
            fmt_value(mv, sizeof mv, r, r->measured);
            fmt_value(mg, sizeof mg, r, r->margin);
        } else {
            snprintf(mv, sizeof mv, "unknown");
            snprintf(mg, sizeof mg, "-");
        }
        fmt_value(lv, sizeof lv, r, r->limit);
        fprintf(f, "  %-26s %16s %s %16s %16s  %s\n", r->name, mv, r->is_min ? ">=" : "<=", lv, mg,
                r->pass ? "PASS" : "FAIL");
    }
    if (rep->baseline) {
        fprintf(f, "against the baseline (tolerance %.2f%%):\n", rep->tolerance);
        for (size_t i = 0; i < rep->nitems; i++) {
            const BudgetResult *r = &rep->items[i];
            char bv[48], mv[48], pc[48];
            if (!r->has_base) {
                fprintf(f, "  %-26s %s\n", r->name,
                        !strcmp(r->name, "min_pauses") ? "not compared"
                        : r->known ? "not in the baseline" : "not measured");
                continue;
            }
            fmt_value(bv, sizeof bv, r, r->base);
            fmt_value(mv, sizeof mv, r, r->measured);
            fmt_pct(pc, sizeof pc, r->worse_pct);
            fprintf(f, "  %-26s %16s -> %16s  %-20s  %s\n", r->name, bv, mv, pc, r->regressed ? "REGRESSED" : "ok");
        }
    }
    if (m->worst_pause) {
        char t[48] = "an unknown time";
        if (m->worst_pause_time_known)
            fmt_ms(t, sizeof t, m->worst_pause_start_ns);
        fprintf(f, "worst pause: #%" PRIu64 " at %s, %.3f us, trigger %s\n", m->worst_pause, t, m->worst_pause_us,
                m->worst_trigger ? m->worst_trigger : "unknown");
        for (size_t i = 0; i < m->nframes; i++)
            fprintf(f, "    %s\n", m->frames[i]);
        if (!m->nframes && m->stack_note)
            fprintf(f, "    (%s)\n", m->stack_note);
    } else {
        fprintf(f, "worst pause: none (no collections)\n");
    }
    if (!rep->failures && !rep->regressions)
        fprintf(f, "PASS: %zu of %zu items within budget%s\n", rep->nitems, rep->nitems,
                rep->baseline ? ", no regression against the baseline" : "");
    else if (rep->baseline)
        fprintf(f, "FAIL: %zu of %zu items beyond budget, %zu regressed against the baseline\n", rep->failures,
                rep->nitems, rep->regressions);
    else
        fprintf(f, "FAIL: %zu of %zu items beyond budget\n", rep->failures, rep->nitems);
}

/* ---- JUnit XML ------------------------------------------------------------------ */

/* Text or attribute value: markup characters escaped; control characters XML 1.0 does
 * not allow become '?'. */
static void xml_escaped(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        case '\n': fputs("&#10;", f); break;
        case '\t': fputs("&#9;", f); break;
        default: fputc(*p < 0x20 ? '?' : *p, f); break;
        }
    }
}

static void junit_case(FILE *f, const char *cls, const char *name, const char *failure, const char *body)
{
    fputs("    <testcase classname=\"", f);
    xml_escaped(f, cls);
    fputs("\" name=\"", f);
    xml_escaped(f, name);
    if (!failure) {
        fputs("\"/>\n", f);
        return;
    }
    fputs("\">\n      <failure message=\"", f);
    xml_escaped(f, failure);
    fputs("\" type=\"", f);
    xml_escaped(f, cls);
    fputs("\">", f);
    xml_escaped(f, body);
    fputs("</failure>\n    </testcase>\n", f);
}

int budget_write_junit(const BudgetReport *rep, const Measured *m, FILE *f)
{
    size_t ncompared = 0;
    for (size_t i = 0; i < rep->nitems; i++)
        ncompared += rep->items[i].has_base;
    size_t tests = rep->nitems + ncompared;
    size_t failures = rep->failures + rep->regressions;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fprintf(f, "<testsuites name=\"baregc check\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", tests, failures);
    fprintf(f, "  <testsuite name=\"baregc\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n", tests,
            failures);
    fputs("    <properties>\n", f);
    const char *props[][2] = {{"image", m->image}, {"board", m->board}, {"runtime", m->runtime},
                              {"exit_reason", m->exit_reason}};
    for (size_t i = 0; i < ARRAY_SIZE(props); i++) {
        fputs("      <property name=\"", f);
        xml_escaped(f, props[i][0]);
        fputs("\" value=\"", f);
        xml_escaped(f, props[i][1] ? props[i][1] : "");
        fputs("\"/>\n", f);
    }
    fputs("    </properties>\n", f);

    /* The worst pause, told with every failing item (a CI page shows only the failure). */
    char *worst = NULL;
    if (m->worst_pause) {
        char t[48] = "an unknown time";
        if (m->worst_pause_time_known)
            fmt_ms(t, sizeof t, m->worst_pause_start_ns);
        size_t len = 0;
        for (size_t i = 0; i < m->nframes; i++)
            len += strlen(m->frames[i]) + 8;
        worst = xmalloc(len + 200);
        int w = snprintf(worst, 200, "\nworst pause: #%" PRIu64 " at %s, %.3f us, trigger %s", m->worst_pause, t,
                         m->worst_pause_us, m->worst_trigger ? m->worst_trigger : "unknown");
        char *p = worst + (w > 0 && w < 200 ? w : 199);
        for (size_t i = 0; i < m->nframes; i++)
            p += sprintf(p, "\n    %s", m->frames[i]);
    }

    for (size_t i = 0; i < rep->nitems; i++) {
        const BudgetResult *r = &rep->items[i];
        char mv[48], lv[48], mg[48], msg[320], *body = NULL;
        fmt_value(lv, sizeof lv, r, r->limit);
        if (r->known) {
            fmt_value(mv, sizeof mv, r, r->measured);
            fmt_value(mg, sizeof mg, r, r->margin);
        } else {
            snprintf(mv, sizeof mv, "unknown");
            snprintf(mg, sizeof mg, "-");
        }
        if (!r->pass) {
            if (r->known)
                snprintf(msg, sizeof msg, "%s = %s, beyond the limit %s %s", r->name, mv, r->is_min ? ">=" : "<=", lv);
            else
                snprintf(msg, sizeof msg, "%s: not measured by this run (limit %s %s)", r->name,
                         r->is_min ? ">=" : "<=", lv);
            body = xasprintf("measured %s, limit %s %s, margin %s%s", mv, r->is_min ? ">=" : "<=", lv, mg,
                             worst ? worst : "");
        }
        junit_case(f, "baregc.budget", r->name, r->pass ? NULL : msg, body);
        free(body);
    }
    for (size_t i = 0; i < rep->nitems; i++) {
        const BudgetResult *r = &rep->items[i];
        if (!r->has_base)
            continue;
        char bv[48], mv[48], pc[48], msg[320], *body = NULL;
        fmt_value(bv, sizeof bv, r, r->base);
        fmt_value(mv, sizeof mv, r, r->measured);
        fmt_pct(pc, sizeof pc, r->worse_pct);
        if (r->regressed) {
            snprintf(msg, sizeof msg, "%s regressed: %s -> %s (%s, tolerance %.2f%%)", r->name, bv, mv, pc,
                     rep->tolerance);
            body = xasprintf("baseline %s, now %s: %s%s", bv, mv, pc, worst ? worst : "");
        }
        junit_case(f, "baregc.baseline", r->name, r->regressed ? msg : NULL, body);
        free(body);
    }
    free(worst);
    fputs("  </testsuite>\n</testsuites>\n", f);
    return ferror(f) ? -1 : 0;
}
