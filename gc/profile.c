/* profile.c: a runtime adapter described by a JSON file (--gc-profile), for any
 * collector that has no adapter of its own. Schema (docs/gc-profile.md):
 *   {"name": "mygc",
 *    "pause": {"function": "gc_collect"}            entry .. return is a pause, or
 *             {"begin": "gc_start", "end": "gc_end"} entry of begin .. return of end,
 *             or a list of those, each optionally with "incremental": true,
 *    "phases": [{"name": "mark", "function": "gc_mark"}, ...],
 *    "alloc": {"function": "gc_alloc", "size_arg": 0},   result register = address
 *    "free": {"function": "gc_free", "ptr_arg": 0},
 *    "realloc": {"function": "gc_realloc", "ptr_arg": 0, "size_arg": 1},
 *    "triggers": ["gc_alloc"],                 a pause inside these is allocation pressure
 *    "heap": {"start": "sym", "end": "sym", "indirect": false},
 *    "counters": {"used_bytes": {"symbol": "heap_used", "offset": 0, "size": 4}, "free_bytes": ...,
 *                 "largest_free_bytes": ...}}
 * Only "name" and "pause" are required. Unknown keys and wrong types are errors naming
 * the key; a symbol missing from the image is an error naming the symbol. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "gc/runtime.h"
#include "base/util.h"

enum { CTR_USED, CTR_FREE, CTR_LARGEST, NCTR };
static const char *const counter_keys[NCTR] = {"used_bytes", "free_bytes", "largest_free_bytes"};

typedef struct Counter {
    uint32_t addr;
    uint32_t size; /* 1, 2, 4 or 8 bytes; 0 = absent */
} Counter;

typedef struct ProfilePriv {
    Counter ctr[NCTR];
} ProfilePriv;

/* Every key of obj must be in allowed (NULL-terminated), and given once. */
static int check_keys(const cJSON *obj, const char *where, const char *const *allowed, char **err)
{
    for (const cJSON *k = obj->child; k; k = k->next) {
        bool ok = false;
        for (size_t i = 0; allowed[i]; i++)
            ok |= !strcmp(k->string, allowed[i]);
        if (!ok) {
            set_err(err, "%s%s\"%s\": unknown key", where, *where ? "." : "", k->string);
            return -1;
        }
        for (const cJSON *e = obj->child; e != k; e = e->next)
            if (!strcmp(e->string, k->string)) {
                set_err(err, "%s%s\"%s\": key given twice", where, *where ? "." : "", k->string);
                return -1;
            }
    }
    return 0;
}

static const char *get_string(const cJSON *obj, const char *key, const char *where, bool required, char **err,
                              int *rc)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v) {
        if (required) {
            set_err(err, "%s.%s: missing (a function or symbol name)", where, key);
            *rc = -1;
        }
        return NULL;
    }
    if (!cJSON_IsString(v) || !*v->valuestring) {
        set_err(err, "%s.%s: expected a symbol name (string)", where, key);
        *rc = -1;
        return NULL;
    }
    return v->valuestring;
}

static int get_int(const cJSON *obj, const char *key, const char *where, int dflt, int max, int *out, char **err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = dflt;
    if (!v)
        return 0;
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > max || v->valuedouble != (int)v->valuedouble) {
        set_err(err, "%s.%s: expected an integer 0..%d", where, key, max);
        return -1;
    }
    *out = (int)v->valuedouble;
    return 0;
}

static int get_bool(const cJSON *obj, const char *key, const char *where, bool *out, char **err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = false;
    if (!v)
        return 0;
    if (!cJSON_IsBool(v)) {
        set_err(err, "%s.%s: expected true or false", where, key);
        return -1;
    }
    *out = cJSON_IsTrue(v);
    return 0;
}

static int parse_pause(GcRuntime *rt, const cJSON *p, const char *where, char **err)
{
    static const char *const keys[] = {"function", "begin", "end", "incremental", NULL};
    if (!cJSON_IsObject(p)) {
        set_err(err, "%s: expected an object {\"function\": ...} or {\"begin\": ..., \"end\": ...}", where);
        return -1;
    }
    int rc = 0;
    bool incr;
    if (check_keys(p, where, keys, err) < 0 || get_bool(p, "incremental", where, &incr, err) < 0)
        return -1;
    const char *fn = get_string(p, "function", where, false, err, &rc);
    const char *b = get_string(p, "begin", where, false, err, &rc);
    const char *e = get_string(p, "end", where, false, err, &rc);
    if (rc < 0)
        return -1;
    if (fn && !b && !e) {
        gc_runtime_add_hook(rt, GC_HOOK_PAUSE, fn)->incremental = incr;
    } else if (!fn && b && e) {
        gc_runtime_add_hook(rt, GC_HOOK_PAUSE_BEGIN, b)->incremental = incr;
        gc_runtime_add_hook(rt, GC_HOOK_PAUSE_END, e);
    } else {
        set_err(err, "%s: give either \"function\", or both \"begin\" and \"end\"", where);
        return -1;
    }
    return 0;
}

static int parse_call(GcRuntime *rt, const cJSON *root, const char *key, GcHookKind kind, char **err)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!o)
        return 0;
    static const char *const keys[] = {"function", "size_arg", "ptr_arg", NULL};
    if (!cJSON_IsObject(o)) {
        set_err(err, "%s: expected an object {\"function\": ...}", key);
        return -1;
    }
    int rc = 0, size_arg, ptr_arg;
    if (check_keys(o, key, keys, err) < 0)
        return -1;
    const char *fn = get_string(o, "function", key, true, err, &rc);
    if (rc < 0 || get_int(o, "size_arg", key, kind == GC_HOOK_REALLOC ? 1 : 0, 7, &size_arg, err) < 0 ||
        get_int(o, "ptr_arg", key, 0, 7, &ptr_arg, err) < 0)
        return -1;
    GcHook *h = gc_runtime_add_hook(rt, kind, fn);
    h->size_arg = size_arg;
    h->ptr_arg = ptr_arg;
    return 0;
}

static uint64_t read_le(const uint8_t *b, uint32_t n)
{
    uint64_t v = 0;
    for (uint32_t i = n; i-- > 0;)
        v = v << 8 | b[i];
    return v;
}

static int profile_heap_state(GcRuntime *rt, GcReadFn read, void *opaque, bool want_blocks, GcHeapState *out)
{
    const ProfilePriv *p = rt->priv;
    int64_t *dst[NCTR] = {&out->used, &out->free, &out->largest_free};
    for (int i = 0; i < NCTR; i++) {
        uint8_t b[8];
        if (!p->ctr[i].size)
            continue;
        if (read(opaque, p->ctr[i].addr, b, p->ctr[i].size))
            return -1;
        *dst[i] = (int64_t)read_le(b, p->ctr[i].size);
    }
    (void)want_blocks;
    return 0;
}

static void profile_free_priv(GcRuntime *rt) { free(rt->priv); }

static int parse_counters(GcRuntime *rt, const cJSON *root, const Image *img, char **err)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(root, "counters");
    if (!c)
        return 0;
    if (!cJSON_IsObject(c)) {
        set_err(err, "counters: expected an object");
        return -1;
    }
    static const char *const keys[] = {"used_bytes", "free_bytes", "largest_free_bytes", NULL};
    if (check_keys(c, "counters", keys, err) < 0)
        return -1;
    ProfilePriv *p = xcalloc(1, sizeof *p);
    rt->priv = p;
    rt->free_priv = profile_free_priv;
    for (int i = 0; i < NCTR; i++) {
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(c, counter_keys[i]);
        if (!o)
            continue;
        char where[48];
        snprintf(where, sizeof where, "counters.%s", counter_keys[i]);
        static const char *const ckeys[] = {"symbol", "offset", "size", NULL};
        int rc = 0, size, offset;
        if (!cJSON_IsObject(o)) {
            set_err(err, "%s: expected an object {\"symbol\": ..., \"size\": 4}", where);
            return -1;
        }
        if (check_keys(o, where, ckeys, err) < 0)
            return -1;
        const char *sym = get_string(o, "symbol", where, true, err, &rc);
        if (rc < 0 || get_int(o, "size", where, 4, 8, &size, err) < 0 ||
            get_int(o, "offset", where, 0, 1 << 20, &offset, err) < 0)
            return -1;
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            set_err(err, "%s.size: expected 1, 2, 4 or 8", where);
            return -1;
        }
        const ImageSymbol *s = image_symbol_by_name(img, sym);
        if (!s) {
            set_err(err, "%s: symbol \"%s\" is not in the image", where, sym);
            return -1;
        }
        p->ctr[i] = (Counter){.addr = s->addr + (uint32_t)offset, .size = (uint32_t)size};
    }
    rt->heap_state = profile_heap_state;
    rt->layout_source = xstrdup("counters named by the profile");
    return 0;
}

static int parse_heap(GcRuntime *rt, const cJSON *root, const Image *img, char **err)
{
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(root, "heap");
    if (!h)
        return 0;
    static const char *const keys[] = {"start", "end", "indirect", NULL};
    if (!cJSON_IsObject(h)) {
        set_err(err, "heap: expected an object {\"start\": ..., \"end\": ...}");
        return -1;
    }
    int rc = 0;
    bool indirect;
    if (check_keys(h, "heap", keys, err) < 0 || get_bool(h, "indirect", "heap", &indirect, err) < 0)
        return -1;
    const char *names[2] = {get_string(h, "start", "heap", true, err, &rc), NULL};
    if (rc < 0)
        return -1;
    names[1] = get_string(h, "end", "heap", true, err, &rc);
    if (rc < 0)
        return -1;
    uint32_t *dst[2] = {&rt->heap_start, &rt->heap_end};
    for (int i = 0; i < 2; i++) {
        const ImageSymbol *s = image_symbol_by_name(img, names[i]);
        if (!s) {
            set_err(err, "heap.%s: symbol \"%s\" is not in the image", i ? "end" : "start", names[i]);
            return -1;
        }
        *dst[i] = s->addr;
    }
    if (indirect) /* pointer variables: their values are read at run time */
        gc_runtime_note(rt, "heap bounds are pointer variables: the heap map shows the region once known");
    return 0;
}

GcRuntime *gc_profile_open(const char *path, const Image *img, char **err)
{
    char *text = read_text_file(path, NULL, err);
    if (!text)
        return NULL;
    const char *end = NULL, *nul = json_nul_escape(text);
    cJSON *root = nul ? NULL : cJSON_ParseWithOpts(text, &end, true); /* nothing may follow */
    if (!root) {
        char why[96];
        set_err(err, "%s: %s", path,
                nul ? json_nul_text(text, nul, why, sizeof why)
                    : json_error_text(text, end ? end : cJSON_GetErrorPtr(), why, sizeof why));
        free(text);
        return NULL;
    }
    free(text);
    GcRuntime *rt = NULL;
    char *why = NULL;
    static const char *const keys[] = {"name", "pause", "phases", "alloc", "free", "realloc",
                                       "triggers", "heap", "counters", NULL};
    if (!cJSON_IsObject(root)) {
        set_err(&why, "expected a JSON object");
        goto fail;
    }
    if (check_keys(root, "", keys, &why) < 0)
        goto fail;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(root, "name");
    if (!cJSON_IsString(name) || !*name->valuestring) {
        set_err(&why, "\"name\": %s", name ? "expected a string" : "missing");
        goto fail;
    }
    rt = gc_runtime_new(name->valuestring, img);
    const cJSON *pause = cJSON_GetObjectItemCaseSensitive(root, "pause");
    if (!pause) {
        set_err(&why, "\"pause\": missing (which function is a collection?)");
        goto fail;
    }
    if (cJSON_IsArray(pause)) {
        int i = 0;
        for (const cJSON *p = pause->child; p; p = p->next, i++) {
            char where[24];
            snprintf(where, sizeof where, "pause[%d]", i);
            if (parse_pause(rt, p, where, &why) < 0)
                goto fail;
        }
        if (!i) {
            set_err(&why, "\"pause\": empty list");
            goto fail;
        }
    } else if (parse_pause(rt, pause, "pause", &why) < 0) {
        goto fail;
    }
    const cJSON *phases = cJSON_GetObjectItemCaseSensitive(root, "phases");
    if (phases) {
        if (!cJSON_IsArray(phases)) {
            set_err(&why, "phases: expected a list of {\"name\": ..., \"function\": ...}");
            goto fail;
        }
        int i = 0;
        for (const cJSON *p = phases->child; p; p = p->next, i++) {
            char where[24];
            snprintf(where, sizeof where, "phases[%d]", i);
            static const char *const pkeys[] = {"name", "function", NULL};
            int rc = 0;
            if (!cJSON_IsObject(p)) {
                set_err(&why, "%s: expected an object", where);
                goto fail;
            }
            if (check_keys(p, where, pkeys, &why) < 0)
                goto fail;
            const char *pn = get_string(p, "name", where, true, &why, &rc);
            const char *fn = rc < 0 ? NULL : get_string(p, "function", where, true, &why, &rc);
            if (rc < 0)
                goto fail;
            gc_runtime_add_hook(rt, GC_HOOK_PHASE, fn)->phase = xstrdup(pn);
        }
    }
    if (parse_call(rt, root, "alloc", GC_HOOK_ALLOC, &why) < 0 || parse_call(rt, root, "free", GC_HOOK_FREE, &why) < 0 ||
        parse_call(rt, root, "realloc", GC_HOOK_REALLOC, &why) < 0)
        goto fail;
    const cJSON *trig = cJSON_GetObjectItemCaseSensitive(root, "triggers");
    if (trig) {
        if (!cJSON_IsArray(trig)) {
            set_err(&why, "triggers: expected a list of function names");
            goto fail;
        }
        for (const cJSON *t = trig->child; t; t = t->next) {
            if (!cJSON_IsString(t) || !*t->valuestring) {
                set_err(&why, "triggers: expected a list of function names");
                goto fail;
            }
            gc_runtime_add_hook(rt, GC_HOOK_TRIGGER, t->valuestring);
        }
    }
    if (parse_heap(rt, root, img, &why) < 0 || parse_counters(rt, root, img, &why) < 0)
        goto fail;
    if (gc_runtime_resolve(rt, &why) < 0)
        goto fail;
    if (!rt->heap_state)
        gc_runtime_note(rt, "no \"counters\": heap use is what the alloc/free hooks account for");
    cJSON_Delete(root);
    return rt;
fail:
    set_err(err, "%s: %s", path, why ? why : "invalid profile");
    free(why);
    gc_runtime_free(rt);
    cJSON_Delete(root);
    return NULL;
}
