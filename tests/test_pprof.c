/* test_pprof.c: the writers on a synthetic recording: the three pprof profiles decoded
 * by a tiny protobuf reader here (validity rules, values, functions and DWARF lines
 * from a test ELF, the return-address rule), gzip round trip and determinism, and
 * traces_write_all's files (trace.json and summary.json parsed back with cJSON). */
#include "config.h"

#include <dirent.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cjson/cJSON.h>

#include "gc/record.h"
#include "base/image.h"
#include "base/utf8.h"
#include "base/util.h"
#include "tests/cunit_main.h"
#include "tests/loader_elf.h"
#include "traces/pprof.h"
#include "traces/traces.h"

/* ---- a tiny protobuf decoder for profile.proto ---- */

#define MAXN 256

typedef struct PLoc {
    uint64_t id, mapping, addr, func; /* func, line: the last Line's (the outermost function) */
    int64_t line;
    int nlines;
    uint64_t lfunc[8];                /* every Line, innermost first */
    int64_t lline[8];
} PLoc;

typedef struct PFunc {
    uint64_t id;
    int64_t name, sys, file, start;
} PFunc;

typedef struct PSample {
    uint64_t locs[32];
    size_t nlocs;
    int64_t vals[8];
    size_t nvals;
    int64_t lkey, lstr;
} PSample;

typedef struct PProf {
    int64_t st_type[8], st_unit[8];
    size_t nst;
    PSample samples[MAXN];
    size_t nsamples;
    uint64_t map_id, map_start, map_limit;
    int64_t map_file;
    bool map_funcs, map_files, map_lines, map_inline;
    size_t nmaps;
    PLoc locs[MAXN];
    size_t nlocs;
    PFunc funcs[MAXN];
    size_t nfuncs;
    char *strs[MAXN];
    size_t nstrs;
    int64_t pt_type, pt_unit, period, dflt, duration;
    size_t ncomments;
    bool bad;  /* malformed input */
} PProf;

typedef struct Dec {
    const uint8_t *p, *end;
} Dec;

static bool dvarint(Dec *d, uint64_t *v)
{
    *v = 0;
    for (int s = 0; s < 64; s += 7) {
        if (d->p >= d->end)
            return false;
        uint8_t b = *d->p++;
        *v |= (uint64_t)(b & 0x7f) << s;
        if (!(b & 0x80))
            return true;
    }
    return false;
}

/* Next field: number, wire type, and the varint value or the sub-buffer. */
static bool dfield(Dec *d, unsigned *f, uint64_t *v, Dec *sub, bool *is_len)
{
    uint64_t k;
    if (!dvarint(d, &k))
        return false;
    *f = (unsigned)(k >> 3);
    unsigned wt = k & 7;
    if (wt == 0) {
        *is_len = false;
        return dvarint(d, v);
    }
    if (wt == 2) {
        uint64_t n;
        if (!dvarint(d, &n) || n > (uint64_t)(d->end - d->p))
            return false;
        sub->p = d->p;
        sub->end = d->p + n;
        d->p += n;
        *is_len = true;
        return true;
    }
    return false;
}

/* A repeated varint field, packed or not. */
static void drepeated(PProf *pp, bool is_len, uint64_t v, Dec *sub, uint64_t *out, size_t *n, size_t max)
{
    if (!is_len) {
        if (*n < max)
            out[(*n)++] = v;
        return;
    }
    while (sub->p < sub->end) {
        uint64_t x;
        if (!dvarint(sub, &x)) {
            pp->bad = true;
            return;
        }
        if (*n < max)
            out[(*n)++] = x;
    }
}

static void decode(const uint8_t *buf, size_t len, PProf *pp)
{
    memset(pp, 0, sizeof *pp);
    Dec d = {buf, buf + len}, s, t;
    unsigned f, g;
    uint64_t v, w;
    bool il, jl;
    while (d.p < d.end) {
        if (!dfield(&d, &f, &v, &s, &il)) {
            pp->bad = true;
            return;
        }
        switch (f) {
        case 1: /* sample_type */
        case 11: { /* period_type */
            int64_t ty = 0, un = 0;
            while (s.p < s.end && dfield(&s, &g, &w, &t, &jl))
                if (g == 1)
                    ty = (int64_t)w;
                else if (g == 2)
                    un = (int64_t)w;
            if (f == 1 && pp->nst < 8) {
                pp->st_type[pp->nst] = ty;
                pp->st_unit[pp->nst++] = un;
            } else if (f == 11) {
                pp->pt_type = ty;
                pp->pt_unit = un;
            }
            break;
        }
        case 2: { /* sample */
            if (pp->nsamples == MAXN)
                break;
            PSample *sm = &pp->samples[pp->nsamples++];
            while (s.p < s.end && dfield(&s, &g, &w, &t, &jl)) {
                if (g == 1)
                    drepeated(pp, jl, w, &t, sm->locs, &sm->nlocs, 32);
                else if (g == 2) {
                    uint64_t vals[8];
                    size_t nv = 0;
                    drepeated(pp, jl, w, &t, vals, &nv, 8);
                    for (size_t i = 0; i < nv; i++)
                        sm->vals[sm->nvals++] = (int64_t)vals[i];
                } else if (g == 3) {
                    Dec u;
                    unsigned h;
                    uint64_t x;
                    bool kl;
                    while (t.p < t.end && dfield(&t, &h, &x, &u, &kl))
                        if (h == 1)
                            sm->lkey = (int64_t)x;
                        else if (h == 2)
                            sm->lstr = (int64_t)x;
                }
            }
            break;
        }
        case 3: /* mapping */
            pp->nmaps++;
            while (s.p < s.end && dfield(&s, &g, &w, &t, &jl)) {
                if (g == 1) pp->map_id = w;
                if (g == 2) pp->map_start = w;
                if (g == 3) pp->map_limit = w;
                if (g == 5) pp->map_file = (int64_t)w;
                if (g == 7) pp->map_funcs = w;
                if (g == 8) pp->map_files = w;
                if (g == 9) pp->map_lines = w;
                if (g == 10) pp->map_inline = w;
            }
            break;
        case 4: { /* location */
            if (pp->nlocs == MAXN)
                break;
            PLoc *l = &pp->locs[pp->nlocs++];
            while (s.p < s.end && dfield(&s, &g, &w, &t, &jl)) {
                if (g == 1) l->id = w;
                if (g == 2) l->mapping = w;
                if (g == 3) l->addr = w;
                if (g == 4) {
                    Dec u;
                    unsigned h;
                    uint64_t x;
                    bool kl;
                    l->func = 0;
                    l->line = 0;
                    while (t.p < t.end && dfield(&t, &h, &x, &u, &kl))
                        if (h == 1)
                            l->func = x;
                        else if (h == 2)
                            l->line = (int64_t)x;
                    if (l->nlines < 8) {
                        l->lfunc[l->nlines] = l->func;
                        l->lline[l->nlines] = l->line;
                    }
                    l->nlines++;
                }
            }
            break;
        }
        case 5: { /* function */
            if (pp->nfuncs == MAXN)
                break;
            PFunc *fn = &pp->funcs[pp->nfuncs++];
            while (s.p < s.end && dfield(&s, &g, &w, &t, &jl)) {
                if (g == 1) fn->id = w;
                if (g == 2) fn->name = (int64_t)w;
                if (g == 3) fn->sys = (int64_t)w;
                if (g == 4) fn->file = (int64_t)w;
                if (g == 5) fn->start = (int64_t)w;
            }
            break;
        }
        case 6:
            if (pp->nstrs < MAXN) {
                size_t n = (size_t)(s.end - s.p);
                char *str = xmalloc(n + 1);
                memcpy(str, s.p, n);
                str[n] = '\0';
                pp->strs[pp->nstrs++] = str;
            }
            break;
        case 10: pp->duration = (int64_t)v; break;
        case 12: pp->period = (int64_t)v; break;
        case 13: pp->ncomments++; break;
        case 14: pp->dflt = (int64_t)v; break;
        default:
            if (f == 0 || f > 14)
                pp->bad = true;
        }
    }
}

static void pp_free(PProf *pp)
{
    for (size_t i = 0; i < pp->nstrs; i++)
        free(pp->strs[i]);
}

static const char *S(const PProf *pp, int64_t i)
{
    return i >= 0 && (size_t)i < pp->nstrs ? pp->strs[i] : "<bad string index>";
}

static const PLoc *loc_by_id(const PProf *pp, uint64_t id)
{
    for (size_t i = 0; i < pp->nlocs; i++)
        if (pp->locs[i].id == id)
            return &pp->locs[i];
    return NULL;
}

static const PFunc *func_by_id(const PProf *pp, uint64_t id)
{
    for (size_t i = 0; i < pp->nfuncs; i++)
        if (pp->funcs[i].id == id)
            return &pp->funcs[i];
    return NULL;
}

/* The rules go tool pprof's CheckValid applies. */
static void check_valid(const PProf *pp)
{
    CU_ASSERT_FATAL(!pp->bad);
    CU_ASSERT_FATAL(pp->nstrs > 0);
    CU_ASSERT_STRING_EQUAL(pp->strs[0], "");
    CU_ASSERT_EQUAL(pp->nmaps, 1);
    CU_ASSERT_EQUAL(pp->map_id, 1);
    CU_ASSERT(pp->map_funcs && pp->map_files && pp->map_lines);
    for (size_t i = 0; i < pp->nsamples; i++) {
        CU_ASSERT_EQUAL(pp->samples[i].nvals, pp->nst);
        CU_ASSERT(pp->samples[i].nlocs > 0);
        for (size_t k = 0; k < pp->samples[i].nlocs; k++)
            CU_ASSERT_PTR_NOT_NULL(loc_by_id(pp, pp->samples[i].locs[k]));
    }
    for (size_t i = 0; i < pp->nlocs; i++) {
        CU_ASSERT(pp->locs[i].id != 0);
        CU_ASSERT(pp->locs[i].mapping == 0 || pp->locs[i].mapping == 1);
        CU_ASSERT(pp->locs[i].nlines >= 1 && pp->locs[i].nlines <= 8);
        for (int k = 0; k < pp->locs[i].nlines && k < 8; k++)
            CU_ASSERT_PTR_NOT_NULL(func_by_id(pp, pp->locs[i].lfunc[k]));
        for (size_t j = 0; j < i; j++)
            CU_ASSERT(pp->locs[j].id != pp->locs[i].id);
    }
    for (size_t i = 0; i < pp->nfuncs; i++) {
        CU_ASSERT(pp->funcs[i].id != 0);
        CU_ASSERT((size_t)pp->funcs[i].name < pp->nstrs && (size_t)pp->funcs[i].file < pp->nstrs);
        for (size_t j = 0; j < i; j++)
            CU_ASSERT(pp->funcs[j].id != pp->funcs[i].id);
    }
}

/* The function name of frame k of sample i (or NULL). */
static const char *frame_func(const PProf *pp, const PSample *s, size_t k, int64_t *line)
{
    if (k >= s->nlocs)
        return NULL;
    const PLoc *l = loc_by_id(pp, s->locs[k]);
    const PFunc *f = l ? func_by_id(pp, l->func) : NULL;
    if (line)
        *line = l ? l->line : -1;
    return f ? S(pp, f->name) : NULL;
}

/* The sample whose leaf and caller functions are these (caller NULL: a 1-frame stack). */
static const PSample *find_sample(const PProf *pp, const char *leaf, const char *caller, const char *label)
{
    for (size_t i = 0; i < pp->nsamples; i++) {
        const PSample *s = &pp->samples[i];
        const char *a = frame_func(pp, s, 0, NULL), *b = frame_func(pp, s, 1, NULL);
        if (!a || strcmp(a, leaf))
            continue;
        if (caller ? (!b || strcmp(b, caller)) : s->nlocs != 1)
            continue;
        if (label && (s->lkey == 0 || strcmp(S(pp, s->lstr), label)))
            continue;
        return s;
    }
    return NULL;
}

/* ---- the fixture: an ARM image with four functions and DWARF for main ---- */

static const TeSeg segs[] = {
    {.paddr = 0, .vaddr = 0, .filesz = 0x100, .memsz = 0x100, .flags = PF_R | PF_X},
};
static const TeSym syms[] = {
    {"main", 0x11, 0x10, STT_FUNC, STB_GLOBAL},      /* 0x10..0x20; DWARF: 0x10 line 10, 0x14 line 12 */
    {"make_node", 0x21, 0x10, STT_FUNC, STB_GLOBAL}, /* 0x20..0x30 */
    {"gc_collect", 0x31, 0x10, STT_FUNC, STB_GLOBAL},
    {"gc_mark", 0x41, 0x10, STT_FUNC, STB_GLOBAL},
};

static Image *fixture_image(void)
{
    TeSpec s = {
        .machine = EM_ARM, .type = ET_EXEC, .entry = 0x11, .seg = segs, .nseg = ARRAY_SIZE(segs),
        .sym = syms, .nsym = ARRAY_SIZE(syms), .dwarf = true, .dwarf_addr = 0x10,
    };
    size_t len;
    uint8_t *buf = te_build(&s, &len);
    char *path = te_path("prof.elf");
    CU_ASSERT_FATAL(te_write(path, buf, len) == 0);
    free(buf);
    int kind;
    char *err = NULL;
    Image *img = image_load(path, &kind, &err);
    free(path);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    return img;
}

/* Stack A: make_node called from main at return address 0x15 (the call is at line 10;
 * 0x15 itself is line 12). Stack B: make_node called from main at 0x1b (line 12). */
static Recording *fixture_recording(void)
{
    Recording *r = rec_new();
    r->run.image = xstrdup("prof.elf");
    r->run.board = xstrdup("test-board");
    r->run.core = xstrdup("cortex-m3"); /* exception 17: NVIC IRQ 1 */
    r->run.runtime = xstrdup("gcrt");
    r->run.clock_hz = 1000000; /* 1 cycle = 1 us */
    r->run.cycles = 100000;
    uint32_t fa[] = {0x24, 0x15}, fb[] = {0x26, 0x1b}, fp[] = {0x35, 0x15}, fm[] = {0x44};
    uint32_t fmain[] = {0x12}, fx[] = {0x9000, 0x15};
    StackId a = rec_stack(r, fa, 2), b = rec_stack(r, fb, 2), p = rec_stack(r, fp, 2);
    StackId m = rec_stack(r, fm, 1), mn = rec_stack(r, fmain, 1), x = rec_stack(r, fx, 2);
    for (uint32_t i = 0; i < 3; i++)
        rec_alloc(r, 100 + i, 0x20000000 + i * 16, 16, a);
    rec_alloc(r, 200, 0x20000100, 100, b);
    rec_alloc(r, 201, 0x20000200, 100, b);
    rec_alloc(r, 202, 0, 64, b); /* failed: not in the profile */
    rec_alloc(r, 203, 0x20000300, 8, x);

    rec_pause_begin(r, 1000, REC_TRIGGER_ALLOC, p, false);
    rec_phase_begin(r, "mark", 1010);
    rec_phase_end(r, 1060);
    rec_phase_begin(r, "sweep", 1060);
    rec_free_block(r, 1070, 0x20000000, true);
    rec_pause_end(r, 1100);
    RecPause *ps = &r->pauses[0];
    ps->heap_before = 264;
    ps->heap_after = 248;
    ps->freed_bytes = 16;
    ps->freed_requested = 16;
    ps->freed_objects = 1;
    ps->free_after = 1000;
    ps->largest_free_after = 600;
    ps->irq_delayed = 1; /* the IRQ below (the observer sets these) */
    ps->irq_delay_max = 50;
    rec_heap_sample(r, 1100, 248, 1000, 600, true);
    rec_pause_begin(r, 5000, REC_TRIGGER_ALLOC, p, false);
    rec_pause_end(r, 5050);
    rec_pause_begin(r, 9000, REC_TRIGGER_EXPLICIT, 0, false);
    rec_pause_end(r, 9010);
    rec_irq(r, 17, 1050, 1100);
    r->irqs[0].pause = 0;
    rec_irq(r, 17, 3000, 3002);
    rec_instant(r, 2000, "uart", "hello \"world\"\t\x01\xff end");

    r->cpu_sample_cycles = 1000; /* 1 ms */
    for (int i = 0; i < 5; i++)
        rec_cpu_sample(r, m);
    for (int i = 0; i < 3; i++)
        rec_cpu_sample(r, mn);
    rec_cpu_sample(r, a);
    rec_cpu_sample(r, a);
    return r;
}

static void decode_kind(const Recording *r, const Image *img, PprofKind k, PProf *pp)
{
    uint8_t *buf;
    size_t len;
    pprof_encode(r, img, k, &buf, &len);
    decode(buf, len, pp);
    free(buf);
    check_valid(pp);
}

static void test_heap_profile(void)
{
    Image *img = fixture_image();
    Recording *r = fixture_recording();
    PProf pp;
    decode_kind(r, img, PPROF_HEAP, &pp);
    CU_ASSERT_EQUAL_FATAL(pp.nst, 4);
    CU_ASSERT_STRING_EQUAL(S(&pp, pp.st_type[0]), "alloc_objects");
    CU_ASSERT_STRING_EQUAL(S(&pp, pp.st_unit[0]), "count");
    CU_ASSERT_STRING_EQUAL(S(&pp, pp.st_type[1]), "alloc_space");
    CU_ASSERT_STRING_EQUAL(S(&pp, pp.st_unit[1]), "bytes");
    CU_ASSERT_STRING_EQUAL(S(&pp, pp.st_type[2]), "inuse_objects");
    CU_ASSERT_STRING_EQUAL(S(&pp, pp.st_type[3]), "inuse_space");
    CU_ASSERT_STRING_EQUAL(S(&pp, pp.pt_type), "space");
    CU_ASSERT_STRING_EQUAL(S(&pp, pp.pt_unit), "bytes");
    CU_ASSERT_EQUAL(pp.period, 1);
    CU_ASSERT_STRING_EQUAL(S(&pp, pp.dflt), "alloc_space");
    CU_ASSERT_EQUAL(pp.duration, 100000000); /* 100000 cycles at 1 MHz, ns */
    CU_ASSERT_EQUAL(pp.nsamples, 3);
    CU_ASSERT_EQUAL(pp.map_start, 0);
    CU_ASSERT_EQUAL(pp.map_limit, 0x100);
    CU_ASSERT(strstr(S(&pp, pp.map_file), "prof.elf") != NULL);

    /* the two make_node stacks differ by the call line in main */
    const PSample *sa = NULL, *sb = NULL;
    for (size_t i = 0; i < pp.nsamples; i++) {
        int64_t line;
        const char *caller = frame_func(&pp, &pp.samples[i], 1, &line);
        if (!caller || strcmp(caller, "main") || strcmp(frame_func(&pp, &pp.samples[i], 0, NULL), "make_node"))
            continue;
        if (line == 10)
            sa = &pp.samples[i];
        else if (line == 12)
            sb = &pp.samples[i];
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sb);
    int64_t want_a[] = {3, 48, 2, 32}, want_b[] = {2, 200, 2, 200};
    CU_ASSERT(memcmp(sa->vals, want_a, sizeof want_a) == 0);
    CU_ASSERT(memcmp(sb->vals, want_b, sizeof want_b) == 0);
    /* the caller's location holds the return address itself */
    CU_ASSERT_EQUAL(loc_by_id(&pp, sa->locs[1])->addr, 0x15);
    CU_ASSERT_EQUAL(loc_by_id(&pp, sa->locs[0])->mapping, 1);
    /* main's Function: file and start line from DWARF */
    const PFunc *fmain = func_by_id(&pp, loc_by_id(&pp, sa->locs[1])->func);
    CU_ASSERT(strstr(S(&pp, fmain->file), "t.c") != NULL);
    CU_ASSERT_EQUAL(fmain->start, 10);
    CU_ASSERT_STRING_EQUAL(S(&pp, fmain->sys), "main");
    /* an address outside every symbol is named by address, outside the mapping */
    const PSample *sx = find_sample(&pp, "0x00009000", "main", NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sx);
    CU_ASSERT_EQUAL(loc_by_id(&pp, sx->locs[0])->mapping, 0);
    CU_ASSERT_EQUAL(sx->vals[1], 8);
    pp_free(&pp);

    /* without an image: hex names, a mapping spanning the frames */
    decode_kind(r, NULL, PPROF_HEAP, &pp);
    CU_ASSERT_PTR_NOT_NULL(find_sample(&pp, "0x00000024", "0x00000015", NULL));
    CU_ASSERT_EQUAL(pp.map_start, 0x12);
    CU_ASSERT_EQUAL(pp.map_limit, 0x9001);
    pp_free(&pp);

    /* an image named in Latin-1: its bytes that are not UTF-8 become U+FFFD, in the
     * mapping's file and the comment; every string stays UTF-8 */
    free(r->run.image);
    r->run.image = xstrdup("caf\xe9-\xc3(.elf");
    decode_kind(r, NULL, PPROF_HEAP, &pp);
    CU_ASSERT_STRING_EQUAL(S(&pp, pp.map_file), "caf\xef\xbf\xbd-\xef\xbf\xbd(.elf");
    bool comment = false;
    for (size_t i = 0; i < pp.nstrs; i++) {
        char *clean = utf8_clean(pp.strs[i]);
        CU_ASSERT_STRING_EQUAL(clean, pp.strs[i]);
        free(clean);
        comment = comment || !strcmp(pp.strs[i], "image: caf\xef\xbf\xbd-\xef\xbf\xbd(.elf");
    }
    CU_ASSERT(comment);
    pp_free(&pp);
    rec_free(r);
    image_free(img);
}

static void test_pause_cpu_profiles(void)
{
    Image *img = fixture_image();
    Recording *r = fixture_recording();
    PProf pp;
    decode_kind(r, img, PPROF_GC_PAUSES, &pp);
    CU_ASSERT_EQUAL_FATAL(pp.nst, 2);
    CU_ASSERT_STRING_EQUAL(S(&pp, pp.st_type[0]), "pauses");
    CU_ASSERT_STRING_EQUAL(S(&pp, pp.st_type[1]), "pause");
    CU_ASSERT_STRING_EQUAL(S(&pp, pp.st_unit[1]), "nanoseconds");
    CU_ASSERT_EQUAL(pp.nsamples, 2);
    const PSample *s = find_sample(&pp, "gc_collect", "main", "alloc");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_STRING_EQUAL(S(&pp, s->lkey), "trigger");
    CU_ASSERT_EQUAL(s->vals[0], 2);
    CU_ASSERT_EQUAL(s->vals[1], 150000); /* 100 + 50 us */
    s = find_sample(&pp, "(no stack)", NULL, "explicit");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->vals[1], 10000);
    pp_free(&pp);

    decode_kind(r, img, PPROF_CPU, &pp);
    CU_ASSERT_EQUAL_FATAL(pp.nst, 2);
    CU_ASSERT_STRING_EQUAL(S(&pp, pp.st_type[1]), "cpu");
    CU_ASSERT_STRING_EQUAL(S(&pp, pp.pt_type), "cpu");
    CU_ASSERT_STRING_EQUAL(S(&pp, pp.pt_unit), "nanoseconds");
    CU_ASSERT_EQUAL(pp.period, 1000000);
    CU_ASSERT_EQUAL(pp.nsamples, 3);
    s = find_sample(&pp, "gc_mark", NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->vals[0], 5);
    CU_ASSERT_EQUAL(s->vals[1], 5000000);
    int64_t line;
    s = find_sample(&pp, "main", NULL, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_STRING_EQUAL(frame_func(&pp, s, 0, &line), "main");
    CU_ASSERT_EQUAL(line, 10); /* a leaf PC is looked up as is */
    CU_ASSERT_EQUAL(s->vals[0], 3);
    pp_free(&pp);

    /* an empty recording still makes a valid profile */
    Recording *e = rec_new();
    decode_kind(e, NULL, PPROF_CPU, &pp);
    CU_ASSERT_EQUAL(pp.nsamples, 0);
    pp_free(&pp);
    rec_free(e);
    rec_free(r);
    image_free(img);
}

static void test_gzip(void)
{
    Image *img = fixture_image();
    Recording *r = fixture_recording();
    uint8_t *raw, *gz, *gz2;
    size_t nraw, ngz, ngz2;
    char *err = NULL;
    pprof_encode(r, img, PPROF_HEAP, &raw, &nraw);
    CU_ASSERT_FATAL(pprof_build(r, img, PPROF_HEAP, &gz, &ngz, &err) == 0);
    CU_ASSERT_FATAL(pprof_build(r, img, PPROF_HEAP, &gz2, &ngz2, &err) == 0);
    CU_ASSERT(ngz == ngz2 && memcmp(gz, gz2, ngz) == 0); /* deterministic */
    CU_ASSERT_FATAL(ngz > 18);
    CU_ASSERT(gz[0] == 0x1f && gz[1] == 0x8b && gz[2] == 8);
    CU_ASSERT(gz[4] == 0 && gz[5] == 0 && gz[6] == 0 && gz[7] == 0); /* no mtime */
    CU_ASSERT_EQUAL(gz[9], 255);
    /* inflate back to the raw protobuf */
    z_stream z;
    memset(&z, 0, sizeof z);
    CU_ASSERT_FATAL(inflateInit2(&z, 31) == Z_OK);
    uint8_t *back = xmalloc(nraw + 16);
    z.next_in = gz;
    z.avail_in = (uInt)ngz;
    z.next_out = back;
    z.avail_out = (uInt)(nraw + 16);
    CU_ASSERT(inflate(&z, Z_FINISH) == Z_STREAM_END);
    CU_ASSERT_EQUAL(z.total_out, nraw);
    CU_ASSERT(memcmp(back, raw, nraw) == 0);
    inflateEnd(&z);
    free(back);
    free(raw);
    free(gz);
    free(gz2);
    rec_free(r);
    image_free(img);
}

/* ---- traces_write_all ---- */

static cJSON *parse_file(const char *dir, const char *name)
{
    char *p = xasprintf("%s/%s", dir, name);
    char *err = NULL;
    char *text = read_text_file(p, NULL, &err);
    free(p);
    CU_ASSERT_PTR_NOT_NULL(text);
    free(err);
    if (!text)
        return NULL;
    cJSON *j = cJSON_Parse(text);
    free(text);
    return j;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *p = xasprintf("%s/%s", dir, e->d_name);
        unlink(p);
        free(p);
    }
    closedir(d);
    rmdir(dir);
}

static void test_write_all(void)
{
    Image *img = fixture_image();
    Recording *r = fixture_recording();
    char *base = te_path("out");
    char *dir = xasprintf("%s/a/b", base);
    char *err = NULL;
    CU_ASSERT_FATAL(traces_write_all(r, NULL, img, dir, &err) == 0);
    static const char *const names[] = {"heap.pb.gz", "gc-pauses.pb.gz", "cpu.pb.gz", "trace.json",
                                        "gctrace.log", "summary.json"};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        char *p = xasprintf("%s/%s", dir, names[i]);
        struct stat st;
        CU_ASSERT(stat(p, &st) == 0 && st.st_size > 0);
        free(p);
        p = xasprintf("%s/.%s.tmp", dir, names[i]);
        CU_ASSERT(access(p, F_OK) != 0); /* no temporary left */
        free(p);
    }

    /* trace.json: valid JSON; the pause and its phases; the escaped UART line */
    cJSON *j = parse_file(dir, "trace.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    cJSON *evs = cJSON_GetObjectItem(j, "traceEvents");
    CU_ASSERT_FATAL(cJSON_IsArray(evs));
    int pauses = 0, phases = 0, irqs = 0, counters = 0, uart = 0;
    cJSON *e;
    cJSON_ArrayForEach(e, evs) {
        const char *ph = cJSON_GetStringValue(cJSON_GetObjectItem(e, "ph"));
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(e, "name"));
        CU_ASSERT_FATAL(ph && name);
        if (!strcmp(ph, "X") && !strcmp(name, "GC pause")) {
            if (pauses++ == 0) {
                CU_ASSERT_DOUBLE_EQUAL(cJSON_GetObjectItem(e, "ts")->valuedouble, 1000.0, 1e-9);
                CU_ASSERT_DOUBLE_EQUAL(cJSON_GetObjectItem(e, "dur")->valuedouble, 100.0, 1e-9);
                cJSON *args = cJSON_GetObjectItem(e, "args");
                CU_ASSERT_EQUAL(cJSON_GetObjectItem(args, "heap_before")->valueint, 264);
                CU_ASSERT_EQUAL(cJSON_GetObjectItem(args, "freed")->valueint, 16);
                CU_ASSERT_STRING_EQUAL(cJSON_GetStringValue(cJSON_GetObjectItem(args, "trigger")), "alloc");
            }
        } else if (!strcmp(ph, "X")) {
            phases++;
            if (!strcmp(name, "sweep")) /* closed by the end of the pause */
                CU_ASSERT_DOUBLE_EQUAL(cJSON_GetObjectItem(e, "dur")->valuedouble, 40.0, 1e-9);
        } else if (!strcmp(ph, "i") && !strcmp(name, "IRQ 1")) {
            irqs++;
        } else if (!strcmp(ph, "C")) {
            counters++;
        } else if (!strcmp(ph, "i") && !strcmp(name, "uart")) {
            uart++;
            const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(e, "args"), "text"));
            CU_ASSERT_STRING_EQUAL(t, "hello \"world\"\t\x01\xef\xbf\xbd end");
        }
    }
    CU_ASSERT_EQUAL(pauses, 3);
    CU_ASSERT_EQUAL(phases, 2);
    CU_ASSERT_EQUAL(irqs, 2);
    CU_ASSERT_EQUAL(counters, 1);
    CU_ASSERT_EQUAL(uart, 1);
    cJSON_Delete(j);

    /* summary.json: the figures and the fixed key order */
    j = parse_file(dir, "summary.json");
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    static const char *const keys[] = {"format", "run", "pauses", "gc_cpu_fraction", "mmu", "mmu_curve",
                                       "pause_histogram", "allocation", "heap", "sram", "stack",
                                       "interrupts", "alloc_failures", "partial"};
    size_t k = 0;
    cJSON_ArrayForEach(e, j) {
        CU_ASSERT_FATAL(k < ARRAY_SIZE(keys));
        CU_ASSERT_STRING_EQUAL(e->string, keys[k]);
        k++;
    }
    CU_ASSERT_EQUAL(k, ARRAY_SIZE(keys));
    cJSON *p = cJSON_GetObjectItem(j, "pauses");
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(p, "count")->valueint, 3);
    CU_ASSERT_DOUBLE_EQUAL(cJSON_GetObjectItem(p, "max_us")->valuedouble, 100.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(cJSON_GetObjectItem(j, "gc_cpu_fraction")->valuedouble, 160.0 / 100000, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "mmu"), "100us")->valuedouble, 0.0, 1e-12);
    /* the run is exactly 100 ms: the 100 ms window is the whole run */
    CU_ASSERT_DOUBLE_EQUAL(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "mmu"), "100ms")->valuedouble,
                           1.0 - 160.0 / 100000, 1e-12);
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(j, "alloc_failures")->valueint, 1);
    cJSON *ir = cJSON_GetObjectItem(j, "interrupts");
    CU_ASSERT_DOUBLE_EQUAL(cJSON_GetObjectItem(ir, "max_latency_us")->valuedouble, 50.0, 1e-9);
    cJSON *per = cJSON_GetArrayItem(cJSON_GetObjectItem(ir, "per_irq"), 0);
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(per, "worst_pause")->valueint, 1);
    cJSON_Delete(j);

    /* gctrace.log: header lines, then one line per pause */
    char *gp = xasprintf("%s/gctrace.log", dir);
    char *log = read_text_file(gp, NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(log);
    CU_ASSERT_PTR_NOT_NULL(strstr(log, "\ngc 1 @0.001000s 9%: 100.000+0+0 us clock, 0.3->0.2->0.2 KB, "
                                       "1.2 KB heap, 0.0 KB freed (0.0 KB requested), 1 objects freed, trigger alloc, "
                                       "1 irqs held back (max 50.000 us)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(log, "\ngc 3 @0.009000s 1%: 10.000+0+0 us clock, ?->?->? KB, ? KB heap, "
                                       "? KB freed (? KB requested), ? objects freed, trigger explicit\n"));
    /* what the byte figures count: the runtime reports its heap, the unit is not known */
    CU_ASSERT_PTR_NOT_NULL(strstr(log, "\n# H0, H1, H2, S and F count bytes as the firmware reports them"));
    size_t lines = 0, comments = 0;
    for (char *s = log; *s; s = strchr(s, '\n') ? strchr(s, '\n') + 1 : s + strlen(s)) {
        lines++;
        comments += *s == '#';
    }
    CU_ASSERT_EQUAL(lines - comments, 3);
    free(log);
    free(gp);

    /* the same recording again: byte-identical files */
    char *dir2 = xasprintf("%s/c", base);
    CU_ASSERT_FATAL(traces_write_all(r, NULL, img, dir2, &err) == 0);
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        char *p1 = xasprintf("%s/%s", dir, names[i]), *p2 = xasprintf("%s/%s", dir2, names[i]);
        uint8_t *b1, *b2;
        size_t n1, n2;
        CU_ASSERT_FATAL(read_whole_file(p1, &b1, &n1, &err) == 0 && read_whole_file(p2, &b2, &n2, &err) == 0);
        CU_ASSERT(n1 == n2 && memcmp(b1, b2, n1) == 0);
        free(b1);
        free(b2);
        free(p1);
        free(p2);
    }

    /* a directory that cannot be made: an error naming it */
    char *bad = xasprintf("%s/gctrace.log/x", dir);
    CU_ASSERT(traces_write_all(r, NULL, img, bad, &err) == -1);
    CU_ASSERT_PTR_NOT_NULL(err);
    CU_ASSERT_PTR_NOT_NULL(err ? strstr(err, "gctrace.log") : NULL);
    free(err);
    free(bad);

    /* the human summary mentions the pauses */
    char *sp = xasprintf("%s/summary.txt", base);
    FILE *f = fopen(sp, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    traces_print_summary(r, NULL, f);
    fclose(f);
    char *txt = read_text_file(sp, NULL, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(txt);
    CU_ASSERT_PTR_NOT_NULL(strstr(txt, "GC: 3 pauses"));
    CU_ASSERT_PTR_NOT_NULL(strstr(txt, "(IRQ 1)"));
    free(txt);
    unlink(sp);
    free(sp);

    remove_tree(dir);
    remove_tree(dir2);
    char *ab = xasprintf("%s/a", base);
    rmdir(ab);
    free(ab);
    rmdir(base);
    free(dir);
    free(dir2);
    free(base);
    rec_free(r);
    image_free(img);
}

/* The bundled gc-demo (FWDIR, set by make check), or NULL when the firmware was not built. */
static Image *gc_demo_image(void)
{
    const char *dir = getenv("FWDIR");
    char *path = dir ? xasprintf("%s/gc-demo-mps2-an385.elf", dir) : NULL;
    int kind = 0;
    char *msg = NULL;
    Image *img = path ? image_load(path, &kind, &msg) : NULL;
    CU_ASSERT(kind != LOAD_ERR_FORMAT); /* there but not loadable */
    if (!img)
        fprintf(stderr, "(gc-demo not built: skipped) ");
    free(msg);
    free(path);
    return img;
}

/* Inlined functions in a profile, as Go writes them: a Location holds a Line per level
 * of its inline chain, innermost first, each with its own Function (name and the file of
 * its line, absolute); the mapping says it has inline frames. gc-demo's xalloc is inlined into
 * str_new, inlined into wl_strings (or deeper). */
static void test_inline_frames(void)
{
    Image *img = gc_demo_image();
    if (!img)
        return;
    const ImageSymbol *ws = image_symbol_by_name(img, "wl_strings");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ws);
    ImageFrame f[IMAGE_MAX_INLINE];
    size_t n = 0;
    uint32_t at = 0;
    for (uint32_t a = ws->addr; a < ws->addr + ws->size && !at; a += 2) {
        n = image_frames_at(img, a, f, IMAGE_MAX_INLINE);
        if (n >= 3 && n <= 8 && !strcmp(f[0].function, "xalloc"))
            at = a;
    }
    CU_ASSERT_FATAL(at != 0);
    Recording *r = rec_new();
    r->run.clock_hz = 1000000;
    r->run.cycles = 1000;
    uint32_t frames[] = {at + 2, 0x20d7}; /* a return address: looked up at its call, at */
    rec_alloc(r, 1, 0x20001000, 16, rec_stack(r, frames, 2));
    PProf pp;
    decode_kind(r, img, PPROF_HEAP, &pp);
    CU_ASSERT(pp.map_inline);
    CU_ASSERT_EQUAL_FATAL(pp.nsamples, 1);
    const PLoc *l = loc_by_id(&pp, pp.samples[0].locs[0]);
    CU_ASSERT_PTR_NOT_NULL_FATAL(l);
    CU_ASSERT_EQUAL(l->addr, at + 2);
    CU_ASSERT_EQUAL_FATAL(l->nlines, (int)n);
    for (size_t k = 0; k < n; k++) {
        const PFunc *fn = func_by_id(&pp, l->lfunc[k]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(fn);
        CU_ASSERT_STRING_EQUAL(S(&pp, fn->name), f[k].function);
        /* the file as a reader opens it: absolute, the unit's directory joined */
        char path[4096];
        CU_ASSERT_STRING_EQUAL(S(&pp, fn->file), image_source_path(&f[k], path, sizeof path));
        CU_ASSERT_EQUAL(S(&pp, fn->file)[0], '/');
        CU_ASSERT_EQUAL(l->lline[k], f[k].line);
        CU_ASSERT_EQUAL(fn->start, f[k].start_line);
    }
    CU_ASSERT_STRING_EQUAL(S(&pp, func_by_id(&pp, l->lfunc[n - 1])->name), "wl_strings");
    pp_free(&pp);
    rec_free(r);
    image_free(img);
}

/* The human summary of r (malloc'd). */
static char *summary_text(const Recording *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    traces_print_summary(r, NULL, f);
    fclose(f);
    return buf;
}

/* summary.json of r, parsed. */
static cJSON *summary_json_of(const Recording *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    Stats st;
    stats_compute(r, &st);
    CU_ASSERT(summary_write_json(r, &st, f) == 0);
    stats_free(&st);
    fclose(f);
    cJSON *j = cJSON_Parse(buf);
    free(buf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    return j;
}

/* Every sentence of the paragraph ends with a period (none with "->"), and each byte
 * figure says what it counts: bytes requested, bytes charged (or n/a), the heap's basis. */
static void test_summary_bases(void)
{
    Recording *r = fixture_recording(); /* 256 B requested; a heap sample says 248 */
    char *t = summary_text(r);
    CU_ASSERT_PTR_NULL(strstr(t, "->"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, " Allocated 256 B requested (charged n/a) in 6 objects (2.5 KB/s requested), 1 failed."));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, " Peak heap 264 B as reported."));
    free(t);
    cJSON *j = summary_json_of(r);
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(j, "format")->valuestring, "baregc-summary/2");
    cJSON *a = cJSON_GetObjectItem(j, "allocation"), *h = cJSON_GetObjectItem(j, "heap");
    CU_ASSERT(cJSON_IsNull(cJSON_GetObjectItem(a, "charged_bytes")));
    CU_ASSERT(cJSON_IsNull(cJSON_GetObjectItem(a, "charge_unit_bytes")));
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(h, "peak_basis")->valuestring, "reported");
    cJSON_Delete(j);

    /* 16-byte blocks: 3 x 16 + 2 x 112 + 16 charged; one of the objects a stack */
    r->run.alloc_unit = 16;
    rec_stack_alloc(r, 3);
    t = summary_text(r);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, " Allocated 256 B requested, 288 B charged (16-byte blocks), in 6 objects"));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, " Peak heap 264 B charged."));
    CU_ASSERT_PTR_NOT_NULL(strstr(t, " Stacks in the heap: 1, 100 B requested, at most 100 B live."));
    free(t);
    j = summary_json_of(r);
    a = cJSON_GetObjectItem(j, "allocation");
    h = cJSON_GetObjectItem(j, "heap");
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(a, "bytes")->valueint, 256);
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(a, "charged_bytes")->valueint, 288);
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(a, "charge_unit_bytes")->valueint, 16);
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(h, "peak_basis")->valuestring, "charged");
    cJSON *so = cJSON_GetObjectItem(h, "stack_objects");
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(so, "count")->valueint, 1);
    CU_ASSERT_EQUAL(cJSON_GetObjectItem(so, "peak_live_bytes")->valueint, 100);
    cJSON_Delete(j);

    /* the runtime's own count (Lua's bytes) */
    r->run.alloc_unit = 1;
    t = summary_text(r);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, " Allocated 256 B requested, 256 B charged (the runtime's own count), in "));
    free(t);

    /* no heap reported: the peak is replayed from the allocations, in bytes requested */
    r->nsamples = 0;
    for (size_t i = 0; i < r->npauses; i++)
        r->pauses[i].heap_before = REC_UNKNOWN;
    t = summary_text(r);
    CU_ASSERT_PTR_NOT_NULL(strstr(t, " Peak heap 256 B requested."));
    free(t);
    rec_free(r);
}

static const TestCase pprof_cases[] = {
    {"heap profile", test_heap_profile},
    {"pause and cpu profiles", test_pause_cpu_profiles},
    {"gzip round trip, determinism", test_gzip},
    {"traces_write_all", test_write_all},
    {"summary: byte bases", test_summary_bases},
    {"inline frames (gc-demo)", test_inline_frames},
    {NULL, NULL},
};

static const TestSuite suites[] = {{"traces", pprof_cases}, {NULL, NULL}};

int main(void)
{
    int rc = cunit_run(suites);
    te_cleanup();
    return rc;
}
