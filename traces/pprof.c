/* pprof.c: a minimal protobuf encoder (varints, length-delimited fields, packed
 * repeated) and the three profiles baregc writes, gzip'd with zlib. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/utf8.h"
#include "base/util.h"
#include "traces/pprof.h"
#include "traces/stats.h"

/* ---- protobuf encoding ---- */

enum { PB_VARINT = 0, PB_LEN = 2 };

typedef struct PbBuf {
    uint8_t *p;
    size_t n, cap;
} PbBuf;

static void pb_reserve(PbBuf *b, size_t more)
{
    if (b->n + more > b->cap) {
        b->cap = (b->n + more) * 2 + 256;
        b->p = xrealloc(b->p, b->cap);
    }
}

static void pb_raw(PbBuf *b, const void *data, size_t n)
{
    if (!n)
        return;
    pb_reserve(b, n);
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

static void pb_varint(PbBuf *b, uint64_t v)
{
    pb_reserve(b, 10);
    while (v >= 0x80) {
        b->p[b->n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    b->p[b->n++] = (uint8_t)v;
}

static size_t pb_varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static void pb_key(PbBuf *b, unsigned field, unsigned wire)
{
    pb_varint(b, (uint64_t)field << 3 | wire);
}

/* A varint field; zero values are left out (the proto3 default). */
static void pb_uint(PbBuf *b, unsigned field, uint64_t v)
{
    if (!v)
        return;
    pb_key(b, field, PB_VARINT);
    pb_varint(b, v);
}

static void pb_int(PbBuf *b, unsigned field, int64_t v)
{
    pb_uint(b, field, (uint64_t)v);
}

static void pb_bool(PbBuf *b, unsigned field, bool v)
{
    pb_uint(b, field, v ? 1 : 0);
}

static void pb_bytes(PbBuf *b, unsigned field, const void *data, size_t n)
{
    pb_key(b, field, PB_LEN);
    pb_varint(b, n);
    pb_raw(b, data, n);
}

/* An embedded message, then the scratch buffer is emptied for reuse. */
static void pb_msg(PbBuf *b, unsigned field, PbBuf *sub)
{
    pb_bytes(b, field, sub->p, sub->n);
    sub->n = 0;
}

static void pb_packed(PbBuf *b, unsigned field, const uint64_t *v, size_t n)
{
    if (!n)
        return;
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += pb_varint_len(v[i]);
    pb_key(b, field, PB_LEN);
    pb_varint(b, len);
    for (size_t i = 0; i < n; i++)
        pb_varint(b, v[i]);
}

/* ---- maps: uint64 key -> uint32 value, and the string table ---- */

typedef struct U64Map {
    uint64_t *keys; /* key + 1; 0 = empty */
    uint32_t *vals;
    size_t cap, count;
} U64Map;

static size_t u64_home(uint64_t k, size_t mask)
{
    k *= 0x9e3779b97f4a7c15ull;
    return (size_t)(k >> 29) & mask;
}

static void u64_put(U64Map *m, uint64_t key, uint32_t val);

static void u64_grow(U64Map *m)
{
    uint64_t *ok = m->keys;
    uint32_t *ov = m->vals;
    size_t oc = m->cap;
    m->cap = oc ? oc * 2 : 256;
    m->keys = xcalloc(m->cap, sizeof *m->keys);
    m->vals = xcalloc(m->cap, sizeof *m->vals);
    m->count = 0;
    for (size_t i = 0; i < oc; i++)
        if (ok[i])
            u64_put(m, ok[i] - 1, ov[i]);
    free(ok);
    free(ov);
}

static bool u64_get(const U64Map *m, uint64_t key, uint32_t *val)
{
    if (!m->cap)
        return false;
    size_t mask = m->cap - 1;
    for (size_t i = u64_home(key, mask); m->keys[i]; i = (i + 1) & mask)
        if (m->keys[i] == key + 1) {
            *val = m->vals[i];
            return true;
        }
    return false;
}

static void u64_put(U64Map *m, uint64_t key, uint32_t val)
{
    if ((m->count + 1) * 2 > m->cap)
        u64_grow(m);
    size_t mask = m->cap - 1;
    size_t i = u64_home(key, mask);
    while (m->keys[i] && m->keys[i] != key + 1)
        i = (i + 1) & mask;
    if (!m->keys[i])
        m->count++;
    m->keys[i] = key + 1;
    m->vals[i] = val;
}

static void u64_free(U64Map *m)
{
    free(m->keys);
    free(m->vals);
}

typedef struct StrTab {
    char **s;
    size_t n, cap;
    uint32_t *slots; /* index + 1; 0 = empty */
    size_t nslots;
} StrTab;

static uint64_t str_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
    return h;
}

static void strtab_rehash(StrTab *t)
{
    free(t->slots);
    t->nslots = t->nslots ? t->nslots * 2 : 256;
    t->slots = xcalloc(t->nslots, sizeof *t->slots);
    for (size_t k = 0; k < t->n; k++) {
        size_t i = str_hash(t->s[k]) & (t->nslots - 1);
        while (t->slots[i])
            i = (i + 1) & (t->nslots - 1);
        t->slots[i] = (uint32_t)k + 1;
    }
}

/* The index of s in the table, added if new. profile.proto's string_table is proto3
 * `string`, which must be UTF-8: a name or a file name with bytes that are not (a
 * Latin-1 file name, a symbol in another encoding) goes in with U+FFFD for them, as
 * baregc's other outputs write it. */
static int64_t strtab_intern(StrTab *t, const char *s)
{
    if (!s)
        s = "";
    const char *q = s;
    while (*q) {
        size_t n = utf8_seq_len(q);
        if (!n)
            break;
        q += n;
    }
    if (*q) {
        char *clean = utf8_clean(s);
        int64_t id = strtab_intern(t, clean);
        free(clean);
        return id;
    }
    if ((t->n + 1) * 2 > t->nslots)
        strtab_rehash(t);
    size_t mask = t->nslots - 1;
    size_t i = str_hash(s) & mask;
    for (; t->slots[i]; i = (i + 1) & mask)
        if (!strcmp(t->s[t->slots[i] - 1], s))
            return t->slots[i] - 1;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->s = xrealloc(t->s, t->cap * sizeof *t->s);
    }
    t->s[t->n] = xstrdup(s);
    t->slots[i] = (uint32_t)t->n + 1;
    return (int64_t)t->n++;
}

static void strtab_free(StrTab *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->s[i]);
    free(t->s);
    free(t->slots);
}

/* ---- the profile under construction ---- */

/* One Line of a Location: a function and a line in it. */
typedef struct ProfLine {
    uint64_t func;     /* function id */
    int64_t line;
} ProfLine;

typedef struct ProfLoc {
    uint32_t addr;
    uint64_t mapping;  /* 0 or 1 */
    size_t first, n;   /* its lines: Prof.lines[first, first + n), innermost first */
} ProfLoc;

typedef struct ProfFunc {
    int64_t name, file; /* string indices */
    int64_t start_line;
} ProfFunc;

typedef struct Prof {
    const Recording *r;
    const Image *img;
    StrTab str;
    U64Map locmap, funcmap;  /* key -> id */
    ProfLoc *locs;
    size_t nlocs, caplocs;
    ProfLine *lines;
    size_t nlines, caplines;
    ProfFunc *funcs;
    size_t nfuncs, capfuncs;
    uint32_t map_lo, map_hi; /* the mapping's [start, limit) */
    PbBuf samples;           /* encoded Sample fields */
    PbBuf scratch, scratch2;
    uint64_t *ids;
    size_t capids;
} Prof;

#define KEY_NO_STACK (1ull << 40)

/* The function id of (name, file): one Function per function and source file, so that a
 * Line's file is always the one its line is in. */
static uint64_t prof_func(Prof *p, const char *name, const char *file, int start_line)
{
    int64_t n = strtab_intern(&p->str, name), f = strtab_intern(&p->str, file);
    uint64_t key = (uint64_t)n << 32 | (uint64_t)f;
    uint32_t id;
    if (u64_get(&p->funcmap, key, &id))
        return id;
    if (p->nfuncs == p->capfuncs) {
        p->capfuncs = p->capfuncs ? p->capfuncs * 2 : 64;
        p->funcs = xrealloc(p->funcs, p->capfuncs * sizeof *p->funcs);
    }
    p->funcs[p->nfuncs++] = (ProfFunc){.name = n, .file = f, .start_line = start_line};
    id = (uint32_t)p->nfuncs;
    u64_put(&p->funcmap, key, id);
    return id;
}

static void prof_line(Prof *p, uint64_t func, int64_t line)
{
    if (p->nlines == p->caplines) {
        p->caplines = p->caplines ? p->caplines * 2 : 256;
        p->lines = xrealloc(p->lines, p->caplines * sizeof *p->lines);
    }
    p->lines[p->nlines++] = (ProfLine){func, line};
}

/* The location id of a frame, with one Line per level of its inline chain (innermost
 * first, as pprof wants them). Frames other than a sampled PC (`leaf`) are return
 * addresses: their chain and lines are those of the call, looked up at (addr & ~1) - 1,
 * so the same address as a sampled PC and as a caller are two locations. A frame that no
 * symbol or DWARF names is a function named after its address. */
static uint64_t prof_loc(Prof *p, uint32_t addr, bool leaf, bool no_stack)
{
    uint64_t key = no_stack ? KEY_NO_STACK : ((uint64_t)addr << 1 | (leaf ? 1 : 0));
    uint32_t id;
    if (u64_get(&p->locmap, key, &id))
        return id;
    ProfLoc l = {.addr = addr, .first = p->nlines};
    if (no_stack) {
        prof_line(p, prof_func(p, "(no stack)", NULL, 0), 0);
    } else {
        uint32_t lookup = leaf ? addr : (addr >= 2 ? (addr & ~1u) - 1 : addr);
        ImageFrame f[IMAGE_MAX_INLINE];
        size_t n = p->img ? image_frames_at(p->img, lookup, f, IMAGE_MAX_INLINE) : 0;
        char hex[16];
        snprintf(hex, sizeof hex, "0x%08x", (unsigned)addr);
        char path[4096];
        for (size_t k = 0; k < n; k++) {
            /* absolute, so that pprof -list finds the source without -source_path */
            const char *file = image_source_path(&f[k], path, sizeof path);
            prof_line(p, prof_func(p, f[k].function ? f[k].function : hex, file, f[k].start_line), f[k].line);
        }
        if (!n)
            prof_line(p, prof_func(p, hex, NULL, 0), 0);
        l.mapping = (addr >= p->map_lo && addr < p->map_hi) ? 1 : 0;
    }
    l.n = p->nlines - l.first;
    if (p->nlocs == p->caplocs) {
        p->caplocs = p->caplocs ? p->caplocs * 2 : 256;
        p->locs = xrealloc(p->locs, p->caplocs * sizeof *p->locs);
    }
    p->locs[p->nlocs++] = l;
    id = (uint32_t)p->nlocs;
    u64_put(&p->locmap, key, id);
    return id;
}

/* One Sample: the stack's locations (leaf first), values, and an optional string label.
 * leaf_is_pc: the leaf is a sampled PC (CPU profile); otherwise every frame is a return
 * address (allocation and pause stacks are taken at the callee's entry, callee left out). */
static void prof_sample(Prof *p, StackId stack, bool leaf_is_pc, const int64_t *vals, size_t nvals,
                        const char *label_key, const char *label_val)
{
    size_t n;
    const uint32_t *f = rec_stack_frames(p->r, stack, &n);
    if (n + 1 > p->capids) {
        p->capids = n + 16;
        p->ids = xrealloc(p->ids, p->capids * sizeof *p->ids);
    }
    if (n == 0) {
        p->ids[0] = prof_loc(p, 0, true, true);
        n = 1;
    } else {
        for (size_t i = 0; i < n; i++)
            p->ids[i] = prof_loc(p, f[i], i == 0 && leaf_is_pc, false);
    }
    PbBuf *s = &p->scratch;
    pb_packed(s, 1, p->ids, n);
    uint64_t v[8];
    for (size_t i = 0; i < nvals && i < ARRAY_SIZE(v); i++)
        v[i] = (uint64_t)vals[i];
    /* Values are packed even when zero: every sample has len(sample_type) values. */
    size_t len = 0;
    for (size_t i = 0; i < nvals; i++)
        len += pb_varint_len(v[i]);
    pb_key(s, 2, PB_LEN);
    pb_varint(s, len);
    for (size_t i = 0; i < nvals; i++)
        pb_varint(s, v[i]);
    if (label_key) {
        PbBuf *l = &p->scratch2;
        pb_int(l, 1, strtab_intern(&p->str, label_key));
        pb_int(l, 2, strtab_intern(&p->str, label_val));
        pb_msg(s, 3, l);
    }
    pb_msg(&p->samples, 2, s);
}

static void prof_mapping_range(Prof *p)
{
    uint64_t lo = UINT64_MAX, hi = 0;
    if (p->img) {
        for (size_t i = 0; i < image_segment_count(p->img); i++) {
            const ImageSegment *sg = image_segment(p->img, i);
            if (!sg->memsz)
                continue;
            if (sg->vaddr < lo)
                lo = sg->vaddr;
            if ((uint64_t)sg->vaddr + sg->memsz > hi)
                hi = (uint64_t)sg->vaddr + sg->memsz;
        }
    } else {
        for (size_t i = 0; i < p->r->nframes; i++) {
            if (p->r->frames[i] < lo)
                lo = p->r->frames[i];
            if ((uint64_t)p->r->frames[i] + 1 > hi)
                hi = (uint64_t)p->r->frames[i] + 1;
        }
    }
    if (lo >= hi) {
        lo = 0;
        hi = 1;
    }
    if (hi > UINT32_MAX)
        hi = UINT32_MAX;
    p->map_lo = (uint32_t)lo;
    p->map_hi = (uint32_t)hi;
}

static void value_type(Prof *p, PbBuf *out, unsigned field, const char *type, const char *unit)
{
    PbBuf *v = &p->scratch;
    pb_int(v, 1, strtab_intern(&p->str, type));
    pb_int(v, 2, strtab_intern(&p->str, unit));
    pb_msg(out, field, v);
}

static const char *const trigger_names[] = {
    [REC_TRIGGER_UNKNOWN] = "unknown", [REC_TRIGGER_EXPLICIT] = "explicit", [REC_TRIGGER_ALLOC] = "alloc",
};

static void heap_samples(Prof *p)
{
    const Recording *r = p->r;
    int64_t *v = xcalloc(r->nstacks * 4, sizeof *v);
    for (size_t i = 0; i < r->nallocs; i++) {
        const RecAlloc *a = &r->allocs[i];
        if (!a->addr || a->stack >= r->nstacks)
            continue;
        int64_t *s = v + (size_t)a->stack * 4;
        s[0]++;
        s[1] += a->size;
        if (!a->free_idx) {
            s[2]++;
            s[3] += a->size;
        }
    }
    for (size_t i = 0; i < r->nstacks; i++)
        if (v[i * 4])
            prof_sample(p, (StackId)i, false, v + i * 4, 4, NULL, NULL);
    free(v);
}

static void pause_samples(Prof *p)
{
    const Recording *r = p->r;
    enum { NT = 3 };
    int64_t *v = xcalloc(r->nstacks * NT * 2, sizeof *v);
    uint64_t total = r->run.cycles;
    for (size_t i = 0; i < r->npauses; i++) {
        const RecPause *ps = &r->pauses[i];
        if (ps->stack >= r->nstacks)
            continue;
        uint64_t end = ps->end; /* an open pause lasts to the run's end, as in stats */
        if (i == r->npauses - 1 && r->priv_pause_open)
            end = total > ps->start ? total : ps->start;
        uint64_t d = end > ps->start ? end - ps->start : 0;
        unsigned t = (unsigned)ps->trigger < NT ? (unsigned)ps->trigger : REC_TRIGGER_UNKNOWN;
        int64_t *s = v + ((size_t)ps->stack * NT + t) * 2;
        s[0]++;
        s[1] += (int64_t)stats_cycles_to_ns(d, r->run.clock_hz);
    }
    for (size_t i = 0; i < r->nstacks; i++)
        for (unsigned t = 0; t < NT; t++) {
            int64_t *s = v + (i * NT + t) * 2;
            if (s[0])
                prof_sample(p, (StackId)i, false, s, 2, "trigger", trigger_names[t]);
        }
    free(v);
}

static void cpu_samples(Prof *p, int64_t period_ns)
{
    const Recording *r = p->r;
    int64_t *v = xcalloc(r->nstacks, sizeof *v);
    for (size_t i = 0; i < r->ncpu_samples; i++)
        if (r->cpu_samples[i] < r->nstacks)
            v[r->cpu_samples[i]]++;
    for (size_t i = 0; i < r->nstacks; i++)
        if (v[i]) {
            int64_t s[2] = {v[i], v[i] * period_ns};
            prof_sample(p, (StackId)i, true, s, 2, NULL, NULL);
        }
    free(v);
}

void pprof_encode(const Recording *r, const Image *img, PprofKind kind, uint8_t **out, size_t *len)
{
    Prof p = {.r = r, .img = img};
    PbBuf body = {0};
    strtab_intern(&p.str, ""); /* string_table[0] must be "" */
    prof_mapping_range(&p);
    uint64_t hz = r->run.clock_hz;
    int64_t period_ns = (int64_t)stats_cycles_to_ns(r->cpu_sample_cycles, hz);

    /* sample_type (1), period_type (11), period (12), default_sample_type (14) */
    int64_t default_type = 0;
    const char *comment = NULL;
    switch (kind) {
    case PPROF_HEAP:
        value_type(&p, &body, 1, "alloc_objects", "count");
        value_type(&p, &body, 1, "alloc_space", "bytes");
        value_type(&p, &body, 1, "inuse_objects", "count");
        value_type(&p, &body, 1, "inuse_space", "bytes");
        value_type(&p, &body, 11, "space", "bytes");
        pb_int(&body, 12, 1);
        default_type = strtab_intern(&p.str, "alloc_space");
        comment = "baregc heap profile: every allocation, exact (unsampled); inuse = not freed at the end";
        break;
    case PPROF_GC_PAUSES:
        value_type(&p, &body, 1, "pauses", "count");
        value_type(&p, &body, 1, "pause", "nanoseconds");
        value_type(&p, &body, 11, "pauses", "count");
        pb_int(&body, 12, 1);
        default_type = strtab_intern(&p.str, "pause");
        comment = "baregc GC pause profile: collections by the call stack that triggered them";
        break;
    case PPROF_CPU:
        value_type(&p, &body, 1, "samples", "count");
        value_type(&p, &body, 1, "cpu", "nanoseconds");
        value_type(&p, &body, 11, "cpu", "nanoseconds");
        pb_int(&body, 12, period_ns);
        default_type = strtab_intern(&p.str, "cpu");
        comment = "baregc CPU profile: simulated time, one sample every period";
        break;
    }
    pb_int(&body, 13, strtab_intern(&p.str, comment));
    if (r->run.image) {
        char *c = xasprintf("image: %s", r->run.image);
        pb_int(&body, 13, strtab_intern(&p.str, c));
        free(c);
    }
    pb_int(&body, 14, default_type);
    pb_int(&body, 10, (int64_t)stats_cycles_to_ns(r->run.cycles, hz));

    switch (kind) {
    case PPROF_HEAP: heap_samples(&p); break;
    case PPROF_GC_PAUSES: pause_samples(&p); break;
    case PPROF_CPU: cpu_samples(&p, period_ns); break;
    }
    pb_raw(&body, p.samples.p, p.samples.n);

    /* mapping (3) */
    PbBuf *m = &p.scratch;
    const char *file = img ? image_path(img) : r->run.image;
    pb_uint(m, 1, 1);
    pb_uint(m, 2, p.map_lo);
    pb_uint(m, 3, p.map_hi);
    pb_int(m, 5, strtab_intern(&p.str, file));
    pb_bool(m, 7, true);
    pb_bool(m, 8, true);
    pb_bool(m, 9, true);
    pb_bool(m, 10, img != NULL); /* has_inline_frames: every level DWARF gives */
    pb_msg(&body, 3, m);

    /* location (4): a Line per level of its inline chain */
    for (size_t i = 0; i < p.nlocs; i++) {
        const ProfLoc *l = &p.locs[i];
        PbBuf *lb = &p.scratch, *ln = &p.scratch2;
        pb_uint(lb, 1, i + 1);
        pb_uint(lb, 2, l->mapping);
        pb_uint(lb, 3, l->addr);
        for (size_t k = l->first; k < l->first + l->n; k++) {
            pb_uint(ln, 1, p.lines[k].func);
            pb_int(ln, 2, p.lines[k].line);
            pb_msg(lb, 4, ln);
        }
        pb_msg(&body, 4, lb);
    }
    /* function (5) */
    for (size_t i = 0; i < p.nfuncs; i++) {
        const ProfFunc *f = &p.funcs[i];
        PbBuf *fb = &p.scratch;
        pb_uint(fb, 1, i + 1);
        pb_int(fb, 2, f->name);
        pb_int(fb, 3, f->name);
        pb_int(fb, 4, f->file);
        pb_int(fb, 5, f->start_line);
        pb_msg(&body, 5, fb);
    }
    /* string_table (6) */
    for (size_t i = 0; i < p.str.n; i++)
        pb_bytes(&body, 6, p.str.s[i], strlen(p.str.s[i]));

    *out = body.p ? body.p : xmalloc(1);
    *len = body.n;
    strtab_free(&p.str);
    u64_free(&p.locmap);
    u64_free(&p.funcmap);
    free(p.locs);
    free(p.lines);
    free(p.funcs);
    free(p.samples.p);
    free(p.scratch.p);
    free(p.scratch2.p);
    free(p.ids);
}

int pprof_gzip(const uint8_t *in, size_t n, uint8_t **out, size_t *outlen, char **err)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        set_err(err, "gzip: deflateInit2 failed");
        return -1;
    }
    gz_header h;
    memset(&h, 0, sizeof h);
    h.os = 255; /* unknown: the same bytes on every host */
    if (deflateSetHeader(&z, &h) != Z_OK) {
        deflateEnd(&z);
        set_err(err, "gzip: deflateSetHeader failed");
        return -1;
    }
    size_t cap = deflateBound(&z, (uLong)n) + 64;
    uint8_t *buf = xmalloc(cap);
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)n;
    z.next_out = buf;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    if (rc != Z_STREAM_END) {
        deflateEnd(&z);
        free(buf);
        set_err(err, "gzip: deflate failed (%d)", rc);
        return -1;
    }
    *outlen = z.total_out;
    deflateEnd(&z);
    *out = buf;
    return 0;
}

int pprof_build(const Recording *r, const Image *img, PprofKind kind, uint8_t **out, size_t *len, char **err)
{
    uint8_t *raw;
    size_t n;
    pprof_encode(r, img, kind, &raw, &n);
    int rc = pprof_gzip(raw, n, out, len, err);
    free(raw);
    return rc;
}
