/* record_json.c: record.json, the whole Recording as JSON (streamed writer with a fixed
 * key order and integer-only numbers) and its loader (cJSON, every field checked). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/crc.h"
#include "base/utf8.h"
#include "base/util.h"
#include "traces/json_out.h"
#include "traces/traces.h"

#define RECORD_FORMAT "baregc-record/4"
#define JSON_MAX_INT 9007199254740992.0 /* 2^53: integers above it are not exact doubles */

/* ---- frame names ---- */

enum { LEVELS_MAX = 2048 }; /* bytes of a frame's levels as text */

/* The levels of a frame's inline chain from img, innermost first, one a line ('\n'
 * between): "func (file.c:12)", "func" without a line, "0x%08x (file.c:12)" without a
 * function, "0x%08x" when nothing is known. As a caller (a return address) the chain and
 * lines are those of the call instruction, looked up at (addr & ~1) - 1, as in the pprof
 * profiles; a sampled PC is looked up at itself. */
static void frame_levels(const Image *img, uint32_t addr, bool caller, char *buf, size_t n)
{
    uint32_t lookup = caller && addr >= 2 ? (addr & ~1u) - 1 : addr;
    ImageFrame f[IMAGE_MAX_INLINE];
    size_t nf = image_frames_at(img, lookup, f, IMAGE_MAX_INLINE);
    char hex[16];
    snprintf(hex, sizeof hex, "0x%08x", (unsigned)addr);
    snprintf(buf, n, "%s", hex);
    size_t at = 0;
    for (size_t k = 0; k < nf && at < n; k++) {
        const char *name = f[k].function ? f[k].function : hex;
        const char *sep = k ? "\n" : "";
        int w;
        if (f[k].file && f[k].line > 0) {
            const char *base = strrchr(f[k].file, '/');
            w = snprintf(buf + at, n - at, "%s%s (%s:%d)", sep, name, base ? base + 1 : f[k].file, f[k].line);
        } else {
            w = snprintf(buf + at, n - at, "%s%s", sep, name);
        }
        at += w > 0 ? (size_t)w : 0;
    }
}

/* Levels (as frame_levels gives them) as text: every level but the last (the function
 * that holds the code) marked TRACES_INLINED, joined by sep. */
static const char *levels_text(const char *levels, const char *sep, char *buf, size_t n)
{
    size_t at = 0;
    buf[0] = '\0';
    for (const char *p = levels; at < n;) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        int w = snprintf(buf + at, n - at, "%.*s%s", len, p, nl ? TRACES_INLINED : "");
        at += w > 0 ? (size_t)w : 0;
        if (!nl || at >= n)
            break;
        w = snprintf(buf + at, n - at, "%s", sep);
        at += w > 0 ? (size_t)w : 0;
        p = nl + 1;
    }
    return buf;
}

const char *traces_addr_text(const Image *img, uint32_t addr, bool return_address, const char *sep, char *buf,
                             size_t n)
{
    if (!buf || n == 0)
        return buf;
    char levels[LEVELS_MAX];
    frame_levels(img, addr, return_address, levels, sizeof levels);
    return levels_text(levels, sep, buf, n);
}

/* Stacks referenced by CPU samples alone: their leaf is a sampled PC. Every other frame
 * (callers, and the leaves of allocation and pause stacks, which the recorder takes
 * at the callee's entry with the callee left out) is a return address; so is the leaf of
 * a stack that samples and allocations or pauses share (stacks are interned). */
static uint8_t *cpu_leaf_stacks(const Recording *r)
{
    uint8_t *is = xcalloc(r->nstacks ? r->nstacks : 1, 1);
    for (size_t i = 0; i < r->ncpu_samples; i++)
        if (r->cpu_samples[i] < r->nstacks)
            is[r->cpu_samples[i]] = 1;
    for (size_t i = 0; i < r->nallocs; i++)
        if (r->allocs[i].stack < r->nstacks)
            is[r->allocs[i].stack] = 0;
    for (size_t i = 0; i < r->npauses; i++)
        if (r->pauses[i].stack < r->nstacks)
            is[r->pauses[i].stack] = 0;
    return is;
}

/* Whether addr is named as a caller: it occurs somewhere other than the leaf of a
 * CPU-sampled stack (or only as such a leaf: false). */
static bool addr_is_caller(const Recording *r, const uint8_t *cpu_leaf, uint32_t addr)
{
    for (size_t s = 1; s < r->nstacks; s++) {
        size_t n;
        const uint32_t *f = rec_stack_frames(r, (StackId)s, &n);
        for (size_t k = 0; k < n; k++)
            if (f[k] == addr && (k > 0 || !cpu_leaf[s]))
                return true;
    }
    return false;
}

/* Ascending, a byte at a time (LSD radix): a long run's stacks hold hundreds of
 * thousands of frames. */
static void sort_u32(uint32_t *a, size_t n)
{
    uint32_t *tmp = xmalloc((n ? n : 1) * sizeof *tmp);
    for (unsigned shift = 0; shift < 32; shift += 8) {
        size_t pos[257] = {0};
        for (size_t i = 0; i < n; i++)
            pos[((a[i] >> shift) & 0xff) + 1]++;
        for (size_t b = 1; b <= 256; b++)
            pos[b] += pos[b - 1];
        for (size_t i = 0; i < n; i++)
            tmp[pos[(a[i] >> shift) & 0xff]++] = a[i];
        memcpy(a, tmp, n * sizeof *a);
    }
    free(tmp);
}

/* The first index in sorted a[0..n) whose value is >= v. */
static size_t lower_bound_u32(const uint32_t *a, size_t n, uint32_t v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* A loaded recording's levels for addr (record.json's "symbols"), or NULL. */
static const char *loaded_levels(const Recording *r, uint32_t addr)
{
    if (!r || !r->nnames)
        return NULL;
    size_t at = lower_bound_u32(r->name_addrs, r->nnames, addr);
    return at < r->nnames && r->name_addrs[at] == addr ? r->names[at] : NULL;
}

const char *traces_frame_text(const Recording *r, const Image *img, uint32_t addr, const char *sep, char *buf,
                              size_t n)
{
    if (!buf || n == 0)
        return buf;
    if (img) {
        uint8_t *cl = r ? cpu_leaf_stacks(r) : NULL;
        bool caller = r ? addr_is_caller(r, cl, addr) : true;
        free(cl);
        return traces_addr_text(img, addr, caller, sep, buf, n);
    }
    const char *levels = loaded_levels(r, addr);
    if (levels)
        return levels_text(levels, sep, buf, n);
    snprintf(buf, n, "0x%08x", (unsigned)addr);
    return buf;
}

const char *traces_frame_name(const Recording *r, const Image *img, uint32_t addr, char *buf, size_t n)
{
    return traces_frame_text(r, img, addr, TRACES_FRAME_SEP, buf, n);
}

/* ---- writer ---- */

static const char *trigger_name(RecTrigger t)
{
    switch (t) {
    case REC_TRIGGER_EXPLICIT: return "explicit";
    case REC_TRIGGER_ALLOC: return "alloc";
    default: return "unknown";
    }
}

static void write_run(const RecRunInfo *ri, FILE *f)
{
    fputs("  \"run\": {\n    \"image\": ", f);
    json_put_string(f, ri->image);
    fputs(",\n    \"board\": ", f);
    json_put_string(f, ri->board);
    fputs(",\n    \"core\": ", f);
    json_put_string(f, ri->core);
    fputs(",\n    \"runtime\": ", f);
    json_put_string(f, ri->runtime);
    fprintf(f, ",\n    \"clock_hz\": %" PRIu64 ",\n    \"cycles\": %" PRIu64 ",\n    \"instructions\": %" PRIu64
               ",\n    \"exit_reason\": ",
            ri->clock_hz, ri->cycles, ri->instructions);
    json_put_string(f, ri->exit_reason);
    fprintf(f, ",\n    \"exit_code\": %d,\n    \"partial\": %s", ri->exit_code, ri->partial ? "true" : "false");
    fprintf(f, ",\n    \"sram_base\": %" PRIu32 ",\n    \"sram_size\": %" PRIu32 ",\n    \"static_bytes\": %" PRIu32,
            ri->sram_base, ri->sram_size, ri->static_bytes);
    fprintf(f, ",\n    \"heap_start\": %" PRIu32 ",\n    \"heap_end\": %" PRIu32, ri->heap_start, ri->heap_end);
    fprintf(f, ",\n    \"stack_top\": %" PRIu32 ",\n    \"stack_limit\": %" PRIu32 ",\n    \"stack_low\": %" PRIu32,
            ri->stack_top, ri->stack_limit, ri->stack_low);
    fprintf(f, ",\n    \"stack_floor\": %" PRIu32, ri->stack_floor);
    fprintf(f, ",\n    \"alloc_unit\": %" PRIu32 ",\n    \"alloc_min_units\": %" PRIu32 "\n  },\n", ri->alloc_unit,
            ri->alloc_min_units);
}

static void write_pauses(const Recording *r, FILE *f)
{
    fputs("  \"pauses\": [", f);
    for (size_t i = 0; i < r->npauses; i++) {
        const RecPause *p = &r->pauses[i];
        fprintf(f, "%s\n    {\"start\": %" PRIu64 ", \"end\": %" PRIu64 ", \"trigger\": \"%s\", \"stack\": %" PRIu32
                   ", \"incremental\": %s, \"heap_before\": %" PRId64 ", \"heap_after\": %" PRId64
                   ", \"free_after\": %" PRId64 ", \"largest_free_after\": %" PRId64 ", \"freed_bytes\": %" PRId64
                   ", \"freed_requested\": %" PRId64 ", \"freed_objects\": %" PRId64 ", \"irq_delayed\": %" PRIu32
                   ", \"irq_delay_max\": %" PRIu64 ", \"phases\": [",
                i ? "," : "", p->start, p->end, trigger_name(p->trigger), p->stack, p->incremental ? "true" : "false",
                p->heap_before, p->heap_after, p->free_after, p->largest_free_after, p->freed_bytes,
                p->freed_requested, p->freed_objects, p->irq_delayed, p->irq_delay_max);
        for (uint32_t k = 0; k < p->nphases && (size_t)p->first_phase + k < r->nphases; k++) {
            const RecPhase *ph = &r->phases[p->first_phase + k];
            fprintf(f, "%s[%" PRIu32 ", %" PRIu64 ", %" PRIu64 "]", k ? ", " : "", ph->name, ph->start, ph->end);
        }
        fputs("]}", f);
    }
    fputs(r->npauses ? "\n  ],\n" : "],\n", f);
}

/* One "[a, b, ...]" row of integers (or a run of them), formatted without printf:
 * there are hundreds of thousands of stack frames and heap samples in a long run. */
typedef struct Row {
    char b[8 * 24];
    size_t n;
    int fields;
} Row;

static void put_sep(Row *w, const char *sep)
{
    size_t n = strlen(sep);
    memcpy(w->b + w->n, sep, n);
    w->n += n;
}

/* A row begins: the separator from the previous one, then '['. */
static void row_start(Row *w, bool first)
{
    w->n = 0;
    w->fields = 0;
    put_sep(w, first ? "\n    [" : ",\n    [");
}

static void row_next(Row *w)
{
    if (w->fields++) {
        w->b[w->n++] = ',';
        w->b[w->n++] = ' ';
    }
}

static void row_digits(Row *w, uint64_t v)
{
    char d[20];
    int k = 0;
    do {
        d[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (k)
        w->b[w->n++] = d[--k];
}

static void row_u64(Row *w, uint64_t v)
{
    row_next(w);
    row_digits(w, v);
}

static void row_i64(Row *w, int64_t v)
{
    row_next(w);
    if (v < 0)
        w->b[w->n++] = '-';
    row_digits(w, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
}

static void row_end(Row *w, FILE *f)
{
    w->b[w->n++] = ']';
    fwrite(w->b, 1, w->n, f);
}

/* An array of rows of integers, FILL(i) adding row i's fields to w. */
#define ROW_ARRAY(f, key, n, FILL)                                 \
    do {                                                           \
        fputs("  \"" key "\": [", (f));                            \
        for (size_t i_ = 0; i_ < (n); i_++) {                      \
            row_start(&w, i_ == 0);                                \
            FILL(i_);                                              \
            row_end(&w, (f));                                      \
        }                                                          \
        fputs((n) ? "\n  ],\n" : "],\n", (f));                     \
    } while (0)

#define WRITE_ARRAY(f, key, n, fn)                                 \
    do {                                                           \
        fputs("  \"" key "\": [", (f));                            \
        for (size_t i_ = 0; i_ < (n); i_++) {                      \
            fputs(i_ ? ",\n    " : "\n    ", (f));                 \
            fn(i_);                                                \
        }                                                          \
        fputs((n) ? "\n  ],\n" : "],\n", (f));                     \
    } while (0)

static void write_symbols(const Recording *r, const Image *img, FILE *f)
{
    /* Every distinct frame address, ascending. */
    uint32_t *addrs = xmalloc((r->nframes ? r->nframes : 1) * sizeof *addrs);
    if (r->nframes)
        memcpy(addrs, r->frames, r->nframes * sizeof *addrs);
    sort_u32(addrs, r->nframes);
    size_t n = 0;
    for (size_t i = 0; i < r->nframes; i++)
        if (n == 0 || addrs[n - 1] != addrs[i])
            addrs[n++] = addrs[i];
    /* Which of them are callers somewhere (see cpu_leaf_stacks). */
    uint8_t *cl = cpu_leaf_stacks(r);
    uint8_t *caller = xcalloc(n ? n : 1, 1);
    for (size_t s = 1; s < r->nstacks; s++) {
        size_t len;
        const uint32_t *fr = rec_stack_frames(r, (StackId)s, &len);
        for (size_t k = 0; k < len; k++) {
            if (k == 0 && cl[s])
                continue;
            size_t at = lower_bound_u32(addrs, n, fr[k]);
            if (at < n && addrs[at] == fr[k])
                caller[at] = 1;
        }
    }
    fputs("  \"symbols\": {", f);
    char levels[LEVELS_MAX];
    for (size_t i = 0; i < n; i++) {
        const char *l = img ? NULL : loaded_levels(r, addrs[i]);
        if (img)
            frame_levels(img, addrs[i], caller[i], levels, sizeof levels);
        else if (l)
            snprintf(levels, sizeof levels, "%s", l);
        else
            snprintf(levels, sizeof levels, "0x%08" PRIx32, addrs[i]);
        fprintf(f, "%s\n    \"0x%08" PRIx32 "\": [", i ? "," : "", addrs[i]);
        for (char *p = levels, *nl;; p = nl + 1) {
            nl = strchr(p, '\n');
            if (nl)
                *nl = '\0';
            fputs(p == levels ? "" : ", ", f);
            json_put_string(f, p);
            if (!nl)
                break;
        }
        fputc(']', f);
    }
    fputs(n ? "\n  }\n" : "}\n", f);
    free(caller);
    free(cl);
    free(addrs);
}

int record_json_write(const Recording *r, const Image *img, const RecordEvents *ev, FILE *f)
{
    fputs("{\n  \"format\": \"" RECORD_FORMAT "\",\n", f);
    write_run(&r->run, f);
    fprintf(f, "  \"alloc_failures\": %" PRIu64 ",\n  \"pause_open\": %s,\n  \"cpu_sample_cycles\": %" PRIu64 ",\n",
            r->alloc_failures, r->priv_pause_open ? "true" : "false", r->cpu_sample_cycles);

    fputs("  \"phase_names\": [", f);
    for (size_t i = 0; i < r->nphase_names; i++) {
        fputs(i ? ", " : "", f);
        json_put_string(f, r->phase_names[i]);
    }
    fputs("],\n", f);

    write_pauses(r, f);

    Row w = {.n = 0, .fields = 0};
#define SAMPLE(i)                                                                                         \
    (row_u64(&w, r->samples[i].time), row_i64(&w, r->samples[i].used), row_i64(&w, r->samples[i].free),   \
     row_i64(&w, r->samples[i].largest_free), row_u64(&w, r->samples[i].after_pause))
    ROW_ARRAY(f, "heap_samples", r->nsamples, SAMPLE);
#undef SAMPLE

    fputs("  \"heap_maps\": [", f);
    for (size_t i = 0; i < r->nmaps; i++) {
        const RecHeapMap *m = &r->maps[i];
        fprintf(f, "%s\n    {\"pause\": %" PRIu32 ", \"base\": %" PRIu32 ", \"block_size\": %" PRIu32
                   ", \"nblocks\": %" PRIu32 ", \"state\": \"",
                i ? "," : "", m->pause, m->base, m->block_size, m->nblocks);
        char digits[4096];
        for (uint32_t b = 0; b < m->nblocks;) {
            uint32_t k = 0;
            for (; k < sizeof digits && b < m->nblocks; k++, b++)
                digits[k] = (char)('0' + (m->state[b] < 10 ? m->state[b] : 9));
            fwrite(digits, 1, k, f);
        }
        fputs("\"}", f);
    }
    fputs(r->nmaps ? "\n  ],\n" : "],\n", f);

    RecordEvents own = {0};
    if (!ev) {
        record_events_encode(r, &own);
        ev = &own;
    }
    fprintf(f, "  \"events\": {\"file\": \"" RECORD_EVENTS_FILE "\", \"allocs\": %zu, \"frees\": %zu, \"bytes\": %zu, "
               "\"crc32\": %" PRIu32 "},\n",
            r->nallocs, r->nfrees, ev->len, ev->crc);
    record_events_free(&own);
    fputs("  \"stack_allocs\": [", f);
    for (size_t i = 0; i < r->nstack_allocs; i++)
        fprintf(f, "%s%" PRIu32, i ? ", " : "", r->stack_allocs[i]);
    fputs("],\n", f);

#define IRQ(i)                                                                                   \
    (row_u64(&w, r->irqs[i].pending), row_u64(&w, r->irqs[i].entered), row_u64(&w, r->irqs[i].irq), \
     row_i64(&w, r->irqs[i].pause))
    ROW_ARRAY(f, "irqs", r->nirqs, IRQ);
#undef IRQ

#define INSTANT(i)                                                     \
    do {                                                               \
        fprintf(f, "[%" PRIu64 ", ", r->instants[i].time);             \
        json_put_string(f, r->instants[i].kind);                               \
        fputs(", ", f);                                                \
        json_put_string(f, r->instants[i].text ? r->instants[i].text : "");    \
        fputc(']', f);                                                 \
    } while (0)
    WRITE_ARRAY(f, "instants", r->ninstants, INSTANT);
#undef INSTANT

    fputs("  \"cpu_samples\": [", f);
    for (size_t i = 0; i < r->ncpu_samples; i++) {
        w.n = 0;
        w.fields = 0;
        if (i)
            put_sep(&w, i % 32 ? ", " : ",\n    ");
        row_digits(&w, r->cpu_samples[i]);
        fwrite(w.b, 1, w.n, f);
    }
    fputs("],\n", f);

    /* Stack i (i >= 1) is element i - 1. */
    fputs("  \"stacks\": [", f);
    for (size_t s = 1; s < r->nstacks; s++) {
        size_t n;
        const uint32_t *fr = rec_stack_frames(r, (StackId)s, &n);
        fputs(s > 1 ? ",\n    [" : "\n    [", f);
        for (size_t k = 0; k < n; k++) {
            w.n = 0;
            w.fields = k > 0;
            row_u64(&w, fr[k]);
            fwrite(w.b, 1, w.n, f);
        }
        fputc(']', f);
    }
    fputs(r->nstacks > 1 ? "\n  ],\n" : "],\n", f);

    write_symbols(r, img, f);
    fputs("}\n", f);
    return ferror(f) ? -1 : 0;
}

/* ---- loader ---- */

typedef struct Loader {
    const char *path; /* of record.json */
    const char *dir;
    char **err;
    bool failed;
} Loader;

static void fail(Loader *ld, const char *fmt, ...) BG_PRINTF(2, 3);
static void fail(Loader *ld, const char *fmt, ...)
{
    if (ld->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    set_err(ld->err, "%s: %s", ld->path, msg);
    free(msg);
    ld->failed = true;
}

static const cJSON *member(Loader *ld, const cJSON *o, const char *where, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v)
        fail(ld, "%s: missing \"%s\"", where, key);
    return v;
}

/* An integer in [min, max] (within 2^53). */
static bool int_in(Loader *ld, const cJSON *v, double min, double max, const char *where, const char *what, double *out)
{
    *out = 0;
    if (!v)
        return false;
    if (!cJSON_IsNumber(v)) {
        fail(ld, "%s: %s is not a number", where, what);
        return false;
    }
    double d = v->valuedouble;
    if (!isfinite(d) || d != floor(d)) {
        fail(ld, "%s: %s is not an integer", where, what);
        return false;
    }
    if (d < min || d > max || d > JSON_MAX_INT || d < -JSON_MAX_INT) {
        fail(ld, "%s: %s out of range (%.17g)", where, what, d);
        return false;
    }
    *out = d;
    return true;
}

static uint64_t get_u64(Loader *ld, const cJSON *o, const char *where, const char *key)
{
    double d;
    int_in(ld, member(ld, o, where, key), 0, JSON_MAX_INT, where, key, &d);
    return (uint64_t)d;
}

static uint32_t get_u32(Loader *ld, const cJSON *o, const char *where, const char *key)
{
    double d;
    int_in(ld, member(ld, o, where, key), 0, UINT32_MAX, where, key, &d);
    return (uint32_t)d;
}

static int64_t get_i64(Loader *ld, const cJSON *o, const char *where, const char *key)
{
    double d;
    int_in(ld, member(ld, o, where, key), -JSON_MAX_INT, JSON_MAX_INT, where, key, &d);
    return (int64_t)d;
}

static bool get_bool(Loader *ld, const cJSON *o, const char *where, const char *key)
{
    const cJSON *v = member(ld, o, where, key);
    if (v && !cJSON_IsBool(v))
        fail(ld, "%s: \"%s\" is not true or false", where, key);
    return v && cJSON_IsTrue(v);
}

/* A string or null (-> NULL); *ok false on a wrong type. */
static char *get_str(Loader *ld, const cJSON *o, const char *where, const char *key)
{
    const cJSON *v = member(ld, o, where, key);
    if (!v || cJSON_IsNull(v))
        return NULL;
    if (!cJSON_IsString(v)) {
        fail(ld, "%s: \"%s\" is not a string", where, key);
        return NULL;
    }
    return utf8_clean(v->valuestring); /* cJSON takes any bytes: the outputs want UTF-8 */
}

static const cJSON *get_object(Loader *ld, const cJSON *o, const char *where, const char *key)
{
    const cJSON *v = member(ld, o, where, key);
    if (v && !cJSON_IsObject(v)) {
        fail(ld, "\"%s\" is not an object", key);
        return NULL;
    }
    return v;
}

static const cJSON *get_array(Loader *ld, const cJSON *o, const char *where, const char *key)
{
    const cJSON *v = member(ld, o, where, key);
    if (v && !cJSON_IsArray(v)) {
        fail(ld, "%s: \"%s\" is not an array", where, key);
        return NULL;
    }
    return v;
}

/* Element i of a tuple array: an array of exactly n elements. */
static const cJSON *tuple(Loader *ld, const cJSON *e, const char *key, size_t i, int n)
{
    if (!cJSON_IsArray(e) || cJSON_GetArraySize(e) != n) {
        fail(ld, "%s[%zu]: not an array of %d values", key, i, n);
        return NULL;
    }
    return e->child;
}

/* Field k of a tuple as an integer in [min, max]. */
static double tfield(Loader *ld, const cJSON *first, int k, double min, double max, const char *key, size_t i)
{
    const cJSON *v = first;
    for (int j = 0; j < k && v; j++)
        v = v->next;
    char where[64], what[32];
    snprintf(where, sizeof where, "%s[%zu]", key, i);
    snprintf(what, sizeof what, "value %d", k + 1);
    double d;
    int_in(ld, v, min, max, where, what, &d);
    return d;
}

static void load_run(Loader *ld, const cJSON *root, RecRunInfo *ri)
{
    const cJSON *run = get_object(ld, root, "top level", "run");
    if (!run)
        return;
    const char *w = "run";
    ri->image = get_str(ld, run, w, "image");
    ri->board = get_str(ld, run, w, "board");
    ri->core = get_str(ld, run, w, "core");
    ri->runtime = get_str(ld, run, w, "runtime");
    ri->clock_hz = get_u64(ld, run, w, "clock_hz");
    ri->cycles = get_u64(ld, run, w, "cycles");
    ri->instructions = get_u64(ld, run, w, "instructions");
    ri->exit_reason = get_str(ld, run, w, "exit_reason");
    double d;
    int_in(ld, member(ld, run, w, "exit_code"), INT32_MIN, INT32_MAX, w, "exit_code", &d);
    ri->exit_code = (int)d;
    ri->partial = get_bool(ld, run, w, "partial");
    ri->sram_base = get_u32(ld, run, w, "sram_base");
    ri->sram_size = get_u32(ld, run, w, "sram_size");
    ri->static_bytes = get_u32(ld, run, w, "static_bytes");
    ri->heap_start = get_u32(ld, run, w, "heap_start");
    ri->heap_end = get_u32(ld, run, w, "heap_end");
    ri->stack_top = get_u32(ld, run, w, "stack_top");
    ri->stack_limit = get_u32(ld, run, w, "stack_limit");
    ri->stack_low = get_u32(ld, run, w, "stack_low");
    if (cJSON_HasObjectItem(run, "stack_floor")) /* absent from older recordings: 0, unknown */
        ri->stack_floor = get_u32(ld, run, w, "stack_floor");
    ri->alloc_unit = get_u32(ld, run, w, "alloc_unit");
    ri->alloc_min_units = get_u32(ld, run, w, "alloc_min_units");
}

/* Stacks first: everything else refers to them by id. */
static void load_stacks(Loader *ld, const cJSON *root, Recording *r)
{
    const cJSON *a = get_array(ld, root, "top level", "stacks");
    if (!a)
        return;
    size_t i = 0;
    uint32_t *buf = NULL;
    size_t cap = 0;
    for (const cJSON *e = a->child; e && !ld->failed; e = e->next, i++) {
        if (!cJSON_IsArray(e)) {
            fail(ld, "stacks[%zu]: not an array of addresses", i);
            break;
        }
        size_t n = (size_t)cJSON_GetArraySize(e);
        if (n == 0) {
            fail(ld, "stacks[%zu]: empty (the empty stack is id 0 and is not listed)", i);
            break;
        }
        if (n > cap) {
            cap = n;
            buf = xrealloc(buf, cap * sizeof *buf);
        }
        size_t k = 0;
        for (const cJSON *v = e->child; v; v = v->next, k++)
            buf[k] = (uint32_t)tfield(ld, v, 0, 0, UINT32_MAX, "stacks", i);
        if (ld->failed)
            break;
        StackId id = rec_stack(r, buf, n);
        if (id != i + 1)
            fail(ld, "stacks[%zu]: the same frames as stacks[%u]", i, (unsigned)id - 1);
    }
    free(buf);
}

static bool stack_ok(Loader *ld, const Recording *r, double id, const char *key, size_t i)
{
    if (id >= (double)r->nstacks) {
        fail(ld, "%s[%zu]: stack %.0f does not exist (%zu stacks)", key, i, id, r->nstacks - 1);
        return false;
    }
    return true;
}

static void load_pauses(Loader *ld, const cJSON *root, Recording *r)
{
    const cJSON *a = get_array(ld, root, "top level", "pauses");
    if (!a)
        return;
    size_t n = (size_t)cJSON_GetArraySize(a), i = 0;
    r->pauses = xcalloc(n ? n : 1, sizeof *r->pauses);
    r->cap_pauses = n ? n : 1;
    for (const cJSON *e = a->child; e && !ld->failed; e = e->next, i++) {
        char w[48];
        snprintf(w, sizeof w, "pauses[%zu]", i);
        if (!cJSON_IsObject(e)) {
            fail(ld, "%s: not an object", w);
            break;
        }
        RecPause *p = &r->pauses[r->npauses++];
        p->start = get_u64(ld, e, w, "start");
        p->end = get_u64(ld, e, w, "end");
        const cJSON *t = member(ld, e, w, "trigger");
        if (t && cJSON_IsString(t) && !strcmp(t->valuestring, "alloc"))
            p->trigger = REC_TRIGGER_ALLOC;
        else if (t && cJSON_IsString(t) && !strcmp(t->valuestring, "explicit"))
            p->trigger = REC_TRIGGER_EXPLICIT;
        else if (t && cJSON_IsString(t) && !strcmp(t->valuestring, "unknown"))
            p->trigger = REC_TRIGGER_UNKNOWN;
        else if (t)
            fail(ld, "%s: \"trigger\" is not \"alloc\", \"explicit\" or \"unknown\"", w);
        p->stack = get_u32(ld, e, w, "stack");
        if (!ld->failed)
            stack_ok(ld, r, p->stack, "pauses", i);
        p->incremental = get_bool(ld, e, w, "incremental");
        p->heap_before = get_i64(ld, e, w, "heap_before");
        p->heap_after = get_i64(ld, e, w, "heap_after");
        p->free_after = get_i64(ld, e, w, "free_after");
        p->largest_free_after = get_i64(ld, e, w, "largest_free_after");
        p->freed_bytes = get_i64(ld, e, w, "freed_bytes");
        p->freed_requested = get_i64(ld, e, w, "freed_requested");
        p->freed_objects = get_i64(ld, e, w, "freed_objects");
        p->irq_delayed = get_u32(ld, e, w, "irq_delayed");
        p->irq_delay_max = get_u64(ld, e, w, "irq_delay_max");
        const cJSON *ph = get_array(ld, e, w, "phases");
        if (!ph || ld->failed)
            break;
        p->first_phase = (uint32_t)r->nphases;
        size_t k = 0;
        for (const cJSON *q = ph->child; q && !ld->failed; q = q->next, k++) {
            char key[48];
            snprintf(key, sizeof key, "pauses[%zu].phases", i);
            const cJSON *f0 = tuple(ld, q, key, k, 3);
            if (!f0)
                break;
            RecPhase x;
            x.name = (uint32_t)tfield(ld, f0, 0, 0, UINT32_MAX, key, k);
            x.start = (uint64_t)tfield(ld, f0, 1, 0, JSON_MAX_INT, key, k);
            x.end = (uint64_t)tfield(ld, f0, 2, 0, JSON_MAX_INT, key, k);
            if (!ld->failed && x.name >= r->nphase_names)
                fail(ld, "%s[%zu]: phase name %u does not exist (%zu names)", key, k, (unsigned)x.name,
                     r->nphase_names);
            if (ld->failed)
                break;
            if (r->nphases == r->cap_phases) {
                r->cap_phases = r->cap_phases ? r->cap_phases * 2 : 64;
                r->phases = xrealloc(r->phases, r->cap_phases * sizeof *r->phases);
            }
            r->phases[r->nphases++] = x;
            p->nphases++;
        }
    }
}

static void load_maps(Loader *ld, const cJSON *root, Recording *r)
{
    const cJSON *a = get_array(ld, root, "top level", "heap_maps");
    if (!a)
        return;
    size_t n = (size_t)cJSON_GetArraySize(a), i = 0;
    r->maps = xcalloc(n ? n : 1, sizeof *r->maps);
    r->cap_maps = n ? n : 1;
    for (const cJSON *e = a->child; e && !ld->failed; e = e->next, i++) {
        char w[48];
        snprintf(w, sizeof w, "heap_maps[%zu]", i);
        if (!cJSON_IsObject(e)) {
            fail(ld, "%s: not an object", w);
            break;
        }
        RecHeapMap *m = &r->maps[r->nmaps++];
        m->pause = get_u32(ld, e, w, "pause");
        m->base = get_u32(ld, e, w, "base");
        m->block_size = get_u32(ld, e, w, "block_size");
        m->nblocks = get_u32(ld, e, w, "nblocks");
        const cJSON *s = member(ld, e, w, "state");
        if (ld->failed)
            break;
        if (r->npauses ? m->pause >= r->npauses : m->pause != 0) {
            fail(ld, "%s: pause %u does not exist (%zu pauses)", w, (unsigned)m->pause, r->npauses);
            break;
        }
        if (!cJSON_IsString(s)) {
            fail(ld, "%s: \"state\" is not a string", w);
            break;
        }
        size_t len = strlen(s->valuestring);
        if (len != m->nblocks) {
            fail(ld, "%s: \"state\" has %zu digits for %u blocks", w, len, (unsigned)m->nblocks);
            break;
        }
        m->state = xmalloc(len ? len : 1);
        for (size_t b = 0; b < len; b++) {
            char c = s->valuestring[b];
            if (c < '0' || c > '9') {
                fail(ld, "%s: \"state\" has '%c' at block %zu (digits only)", w, c >= 0x20 && c < 0x7f ? c : '?', b);
                break;
            }
            m->state[b] = (uint8_t)(c - '0');
        }
    }
}

/* "events": the allocations and frees, from the events file it names (checked
 * against its size and CRC-32, so a pair of files from two runs is caught). */
static void load_events(Loader *ld, const cJSON *root, Recording *r)
{
    const cJSON *ev = get_object(ld, root, "top level", "events");
    if (!ev)
        return;
    const cJSON *file = member(ld, ev, "events", "file");
    if (file && (!cJSON_IsString(file) || strcmp(file->valuestring, RECORD_EVENTS_FILE))) {
        fail(ld, "events: \"file\" is not \"" RECORD_EVENTS_FILE "\"");
        return;
    }
    size_t na = (size_t)get_u64(ld, ev, "events", "allocs");
    size_t nf = (size_t)get_u64(ld, ev, "events", "frees");
    uint64_t bytes = get_u64(ld, ev, "events", "bytes");
    uint32_t crc = get_u32(ld, ev, "events", "crc32");
    if (ld->failed)
        return;
    char *path = xasprintf("%s/" RECORD_EVENTS_FILE, ld->dir);
    uint8_t *data = NULL;
    size_t len = 0;
    char *e = NULL;
    if (read_whole_file(path, &data, &len, &e) < 0) {
        fail(ld, "events: %s", e);
    } else if (len != bytes || crc32_of(0, data, len) != crc) {
        fail(ld, "events: %s is not the one written with it (%zu bytes%s; record.json says %llu bytes, CRC-32 %u)",
             path, len, len == bytes ? ", another CRC-32" : "", (unsigned long long)bytes, (unsigned)crc);
    } else if (record_events_decode(r, data, len, na, nf, &e) < 0) {
        fail(ld, "events: %s: %s", path, e);
    }
    free(e);
    free(data);
    free(path);
}

static void load_tuples(Loader *ld, const cJSON *root, Recording *r)
{
    const cJSON *a;
    size_t i;

    if ((a = get_array(ld, root, "top level", "heap_samples"))) {
        size_t n = (size_t)cJSON_GetArraySize(a);
        r->samples = xcalloc(n ? n : 1, sizeof *r->samples);
        r->cap_samples = n ? n : 1;
        i = 0;
        for (const cJSON *e = a->child; e && !ld->failed; e = e->next, i++) {
            const cJSON *f = tuple(ld, e, "heap_samples", i, 5);
            if (!f)
                break;
            RecHeapSample *s = &r->samples[r->nsamples++];
            s->time = (uint64_t)tfield(ld, f, 0, 0, JSON_MAX_INT, "heap_samples", i);
            s->used = (int64_t)tfield(ld, f, 1, -JSON_MAX_INT, JSON_MAX_INT, "heap_samples", i);
            s->free = (int64_t)tfield(ld, f, 2, -JSON_MAX_INT, JSON_MAX_INT, "heap_samples", i);
            s->largest_free = (int64_t)tfield(ld, f, 3, -JSON_MAX_INT, JSON_MAX_INT, "heap_samples", i);
            s->after_pause = tfield(ld, f, 4, 0, 1, "heap_samples", i) != 0;
        }
    }
    if (ld->failed)
        return;

    load_events(ld, root, r);
    if (ld->failed)
        return;

    if ((a = get_array(ld, root, "top level", "stack_allocs"))) {
        i = 0;
        for (const cJSON *e = a->child; e && !ld->failed; e = e->next, i++) {
            double ai = tfield(ld, e, 0, 0, (double)r->nallocs - 1, "stack_allocs", i);
            if (ld->failed)
                break;
            if (r->nstack_allocs && ai <= r->stack_allocs[r->nstack_allocs - 1])
                fail(ld, "stack_allocs[%zu]: not ascending", i);
            else if (!r->allocs[(size_t)ai].addr)
                fail(ld, "stack_allocs[%zu]: allocation %.0f failed", i, ai);
            else
                rec_stack_alloc(r, (uint32_t)ai);
        }
    }
    if (ld->failed)
        return;

    if ((a = get_array(ld, root, "top level", "irqs"))) {
        size_t n = (size_t)cJSON_GetArraySize(a);
        r->irqs = xcalloc(n ? n : 1, sizeof *r->irqs);
        r->cap_irqs = n ? n : 1;
        i = 0;
        for (const cJSON *e = a->child; e && !ld->failed; e = e->next, i++) {
            const cJSON *f = tuple(ld, e, "irqs", i, 4);
            if (!f)
                break;
            RecIrq *x = &r->irqs[r->nirqs++];
            x->pending = (uint64_t)tfield(ld, f, 0, 0, JSON_MAX_INT, "irqs", i);
            x->entered = (uint64_t)tfield(ld, f, 1, 0, JSON_MAX_INT, "irqs", i);
            x->irq = (uint16_t)tfield(ld, f, 2, 0, UINT16_MAX, "irqs", i);
            x->pause = (int32_t)tfield(ld, f, 3, -1, (double)r->npauses - 1, "irqs", i);
        }
    }
    if (ld->failed)
        return;

    if ((a = get_array(ld, root, "top level", "instants"))) {
        size_t n = (size_t)cJSON_GetArraySize(a);
        r->instants = xcalloc(n ? n : 1, sizeof *r->instants);
        r->cap_instants = n ? n : 1;
        i = 0;
        for (const cJSON *e = a->child; e && !ld->failed; e = e->next, i++) {
            const cJSON *f = tuple(ld, e, "instants", i, 3);
            if (!f)
                break;
            uint64_t t = (uint64_t)tfield(ld, f, 0, 0, JSON_MAX_INT, "instants", i);
            if (ld->failed)
                break;
            const cJSON *k = f->next, *x = k->next;
            if (!cJSON_IsString(k) || !cJSON_IsString(x)) {
                fail(ld, "instants[%zu]: kind and text must be strings", i);
                break;
            }
            if (strlen(k->valuestring) >= sizeof r->instants[0].kind) {
                fail(ld, "instants[%zu]: kind longer than %zu bytes", i, sizeof r->instants[0].kind - 1);
                break;
            }
            RecInstant *in = &r->instants[r->ninstants++];
            in->time = t;
            snprintf(in->kind, sizeof in->kind, "%s", k->valuestring);
            in->text = xstrdup(x->valuestring);
        }
    }
    if (ld->failed)
        return;

    if ((a = get_array(ld, root, "top level", "cpu_samples"))) {
        size_t n = (size_t)cJSON_GetArraySize(a);
        r->cpu_samples = xcalloc(n ? n : 1, sizeof *r->cpu_samples);
        r->cap_cpu_samples = n ? n : 1;
        i = 0;
        for (const cJSON *e = a->child; e && !ld->failed; e = e->next, i++) {
            double st = tfield(ld, e, 0, 0, UINT32_MAX, "cpu_samples", i);
            if (!ld->failed && stack_ok(ld, r, st, "cpu_samples", i))
                r->cpu_samples[r->ncpu_samples++] = (StackId)st;
        }
    }
}

/* One "symbols" entry: its inline chain, 1 to IMAGE_MAX_INLINE non-empty one-line
 * strings, as the levels frame_levels gives ('\n' between; owned), or NULL. */
static char *load_levels(Loader *ld, const cJSON *e)
{
    int n = cJSON_IsArray(e) ? cJSON_GetArraySize(e) : 0;
    if (n < 1 || n > IMAGE_MAX_INLINE) {
        fail(ld, "symbols[\"%s\"]: not an array of 1 to %d frame names", e->string, IMAGE_MAX_INLINE);
        return NULL;
    }
    size_t len = 0;
    for (const cJSON *x = e->child; x; x = x->next) {
        if (!cJSON_IsString(x) || !x->valuestring[0] || strchr(x->valuestring, '\n')) {
            fail(ld, "symbols[\"%s\"]: a frame name that is not a non-empty one-line string", e->string);
            return NULL;
        }
        len += strlen(x->valuestring) + 1;
    }
    char *levels = xmalloc(len), *p = levels;
    for (const cJSON *x = e->child; x; x = x->next)
        p += sprintf(p, "%s%s", p == levels ? "" : "\n", x->valuestring);
    return levels;
}

static void load_names(Loader *ld, const cJSON *root, Recording *r)
{
    const cJSON *o = get_object(ld, root, "top level", "symbols");
    if (!o)
        return;
    size_t n = (size_t)cJSON_GetArraySize(o);
    r->name_addrs = xcalloc(n ? n : 1, sizeof *r->name_addrs);
    r->names = xcalloc(n ? n : 1, sizeof *r->names);
    for (const cJSON *e = o->child; e; e = e->next) {
        char *end;
        errno = 0;
        unsigned long long a = e->string ? strtoull(e->string, &end, 16) : 0;
        if (!e->string || strncmp(e->string, "0x", 2) || *end || errno || a > UINT32_MAX) {
            fail(ld, "symbols: key \"%s\" is not an address like \"0x000012a4\"", e->string ? e->string : "");
            return;
        }
        if (r->nnames && a <= r->name_addrs[r->nnames - 1]) {
            fail(ld, "symbols: \"%s\" is out of ascending address order", e->string);
            return;
        }
        char *levels = load_levels(ld, e);
        if (!levels)
            return;
        r->name_addrs[r->nnames] = (uint32_t)a;
        r->names[r->nnames++] = levels;
    }
}

/* 1-based line of the byte at `at` in text. */
static size_t line_of(const char *text, const char *at)
{
    size_t line = 1;
    for (const char *p = text; p < at && *p; p++)
        line += *p == '\n';
    return line;
}

Recording *record_json_load(const char *dir, char **err)
{
    char *path = xasprintf("%s/record.json", dir ? dir : ".");
    size_t len;
    char *text = read_text_file(path, &len, err);
    if (!text) {
        free(path);
        return NULL;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, true);
    if (!root) {
        const char *at = end ? end : cJSON_GetErrorPtr();
        if (at && at >= text && at <= text + len)
            set_err(err, "%s: not valid JSON (line %zu)", path, line_of(text, at));
        else
            set_err(err, "%s: not valid JSON", path);
        free(text);
        free(path);
        return NULL;
    }
    free(text);
    Loader ld = {.path = path, .dir = dir ? dir : ".", .err = err};
    Recording *r = rec_new();
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!cJSON_IsObject(root))
        fail(&ld, "not a JSON object");
    else if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, RECORD_FORMAT))
        fail(&ld, "\"format\" is not \"%s\"", RECORD_FORMAT);
    if (!ld.failed)
        load_run(&ld, root, &r->run);
    if (!ld.failed) {
        r->alloc_failures = get_u64(&ld, root, "top level", "alloc_failures");
        r->cpu_sample_cycles = get_u64(&ld, root, "top level", "cpu_sample_cycles");
        r->priv_pause_open = get_bool(&ld, root, "top level", "pause_open");
    }
    if (!ld.failed) {
        const cJSON *pn = get_array(&ld, root, "top level", "phase_names");
        size_t i = 0;
        for (const cJSON *e = pn ? pn->child : NULL; e && !ld.failed; e = e->next, i++) {
            if (!cJSON_IsString(e))
                fail(&ld, "phase_names[%zu]: not a string", i);
            else if (rec_phase_name(r, e->valuestring) != i)
                fail(&ld, "phase_names[%zu]: \"%s\" is listed twice", i, e->valuestring);
        }
    }
    if (!ld.failed)
        load_stacks(&ld, root, r);
    if (!ld.failed)
        load_pauses(&ld, root, r);
    if (!ld.failed && r->priv_pause_open && r->npauses == 0)
        fail(&ld, "\"pause_open\" is true but there are no pauses");
    if (!ld.failed)
        load_maps(&ld, root, r);
    if (!ld.failed)
        load_tuples(&ld, root, r);
    if (!ld.failed)
        load_names(&ld, root, r);
    cJSON_Delete(root);
    free(path);
    if (ld.failed) {
        rec_free(r);
        return NULL;
    }
    /* What rec_live_bytes reports: the sizes of the allocations never freed. (The
     * address index stays empty: a loaded recording is read, not appended to.) */
    for (size_t i = 0; i < r->nallocs; i++)
        if (r->allocs[i].addr && !r->allocs[i].free_idx)
            r->priv_live_bytes += r->allocs[i].size;
    return r;
}
