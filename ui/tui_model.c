/* tui_model.c: the TUI's cached values, updated from a Recording (append-only, so only what is new is read). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "traces/stats.h"
#include "traces/traces.h"
#include "ui/tui_model.h"

static void copy_str(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

void tui_model_init(TuiModel *m, uint64_t budget_cycles, TuiNameFn name_fn, void *name_opaque)
{
    memset(m, 0, sizeof *m);
    m->budget = budget_cycles;
    m->name_fn = name_fn;
    m->name_opaque = name_opaque;
    m->speed = -1;
    m->mmu_1ms = m->mmu_10ms = -1;
    m->peak_heap = m->headroom = m->alloc_charged = REC_UNKNOWN;
    copy_str(m->heap_basis, sizeof m->heap_basis, stats_basis_name(STATS_BASIS_REQUESTED));
}

void tui_model_free(TuiModel *m)
{
    free(m->pauses);
    free(m->heap);
    for (size_t i = 0; i < TUI_UART_KEEP; i++)
        free(m->uart[i]);
    free(m->stack_count);
    free(m->stack_bytes);
    memset(m, 0, sizeof *m);
}

static void update_pauses(TuiModel *m, const Recording *r, uint64_t now)
{
    /* The last pause copied may have been open: copy it again. */
    size_t from = m->npauses ? m->npauses - 1 : 0;
    if (r->npauses > m->cap_pauses) {
        m->cap_pauses = r->npauses * 2;
        m->pauses = xrealloc(m->pauses, m->cap_pauses * sizeof *m->pauses);
    }
    m->last_open = false;
    for (size_t i = from; i < r->npauses; i++) {
        const RecPause *p = &r->pauses[i];
        TuiPause *t = &m->pauses[i];
        bool open = i + 1 == r->npauses && r->priv_pause_open;
        t->start = p->start;
        t->end = open ? (now > p->start ? now : p->start) : p->end;
        t->heap_before = p->heap_before;
        t->heap_after = open ? REC_UNKNOWN : p->heap_after;
        t->freed_bytes = open ? REC_UNKNOWN : p->freed_bytes;
        t->incremental = p->incremental;
        if (open)
            m->last_open = true;
    }
    m->npauses = r->npauses;
    m->over_budget = 0;
    if (m->budget)
        for (size_t i = 0; i < m->npauses; i++)
            if (m->pauses[i].end - m->pauses[i].start > m->budget)
                m->over_budget++;
}

static void update_heap(TuiModel *m, const Recording *r)
{
    if (r->nsamples > m->cap_heap) {
        m->cap_heap = r->nsamples * 2;
        m->heap = xrealloc(m->heap, m->cap_heap * sizeof *m->heap);
    }
    for (size_t i = m->seen_samples; i < r->nsamples; i++) {
        const RecHeapSample *s = &r->samples[i];
        m->heap[i] = (TuiHeapPoint){.time = s->time, .used = s->used, .largest_free = s->largest_free};
        if (s->used > m->heap_max)
            m->heap_max = s->used;
        if (s->used >= 0 && s->free >= 0 && s->used + s->free > m->heap_capacity)
            m->heap_capacity = s->used + s->free;
    }
    m->nheap = m->seen_samples = r->nsamples;
}

static void update_uart(TuiModel *m, const Recording *r, const char *partial)
{
    for (size_t i = m->seen_instants; i < r->ninstants; i++) {
        const RecInstant *in = &r->instants[i];
        if (strcmp(in->kind, "uart"))
            continue;
        size_t slot = m->nuart % TUI_UART_KEEP;
        free(m->uart[slot]);
        m->uart[slot] = xstrdup(in->text ? in->text : "");
        m->nuart++;
    }
    m->seen_instants = r->ninstants;
    copy_str(m->uart_partial, sizeof m->uart_partial, partial);
}

size_t tui_model_uart_count(const TuiModel *m)
{
    return m->nuart < TUI_UART_KEEP ? m->nuart : TUI_UART_KEEP;
}

const char *tui_model_uart_line(const TuiModel *m, size_t k)
{
    size_t n = tui_model_uart_count(m);
    if (k >= n)
        return NULL;
    size_t first = m->nuart - n;
    return m->uart[(first + k) % TUI_UART_KEEP];
}

static int site_by_name(const void *a, const void *b)
{
    return strcmp(((const TuiSite *)a)->name, ((const TuiSite *)b)->name);
}

static int site_by_bytes(const void *a, const void *b)
{
    const TuiSite *x = a, *y = b;
    if (x->bytes != y->bytes)
        return x->bytes < y->bytes ? 1 : -1;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return strcmp(x->name, y->name);
}

static void frame_name(const TuiModel *m, uint32_t addr, char *buf, size_t n)
{
    if (m->name_fn)
        m->name_fn(m->name_opaque, addr, buf, n);
    else
        snprintf(buf, n, "0x%08x", addr);
}

/* One function of a frame: its name, and whether it was inlined into the next. */
typedef struct SiteLevel {
    char fn[64];
    bool inlined;
} SiteLevel;

enum { SITE_LEVELS = 8 }; /* levels of a frame looked at */

/* A frame's functions, innermost first, from name_fn's levels (one a line, each up to
 * its " (file.c:12)" or TRACES_INLINED mark). Returns how many (at least 1). */
static size_t frame_functions(const TuiModel *m, uint32_t addr, SiteLevel *out)
{
    char buf[1024];
    frame_name(m, addr, buf, sizeof buf);
    size_t n = 0;
    for (char *lv = buf, *nl; lv && n < SITE_LEVELS; lv = nl ? nl + 1 : NULL) {
        nl = strchr(lv, '\n');
        if (nl)
            *nl = '\0';
        out[n].inlined = strstr(lv, TRACES_INLINED) != NULL;
        char *paren = strstr(lv, " ("), *mark = strstr(lv, TRACES_INLINED);
        char *end = paren && (!mark || paren < mark) ? paren : mark;
        if (end)
            *end = '\0';
        size_t len = strlen(lv) < sizeof out[n].fn ? strlen(lv) : sizeof out[n].fn - 1;
        memcpy(out[n].fn, lv, len);
        out[n++].fn[len] = '\0';
    }
    return n;
}

/* The allocator: the function at the leaf of (nearly) every allocation's stack, if one
 * is (and the stack goes on past it), into fn (else ""). */
static void find_allocator(const TuiModel *m, const Recording *r, char *fn, size_t n)
{
    TuiSite *leaf = xcalloc(m->nstack_slots ? m->nstack_slots : 1, sizeof *leaf);
    size_t nl = 0;
    fn[0] = '\0';
    for (size_t s = 0; s < m->nstack_slots && s < r->nstacks; s++) {
        size_t nf = 0;
        const uint32_t *f = m->stack_count[s] ? rec_stack_frames(r, (StackId)s, &nf) : NULL;
        if (!nf)
            continue;
        SiteLevel lv[SITE_LEVELS];
        if (frame_functions(m, f[0], lv) < 2 && nf < 2)
            continue;
        copy_str(leaf[nl].name, sizeof leaf[nl].name, lv[0].fn);
        leaf[nl++].count = m->stack_count[s];
    }
    qsort(leaf, nl, sizeof *leaf, site_by_name);
    for (size_t i = 0; i < nl;) {
        size_t j = i;
        uint64_t c = 0;
        while (j < nl && !strcmp(leaf[j].name, leaf[i].name))
            c += leaf[j++].count;
        if (c * 10 >= m->total_allocs * 9)
            copy_str(fn, n, leaf[i].name);
        i = j;
    }
    free(leaf);
}

/* The site of an allocation stack: its first function that is not the allocator (the
 * innermost, inlined ones included), marked TRACES_INLINED when that code was inlined
 * ("str_new [inlined]"); the allocator itself when the stack holds nothing else. */
static void stack_site(const TuiModel *m, const Recording *r, StackId s, const char *alloc_fn, char *buf, size_t n)
{
    size_t nf = 0;
    const uint32_t *f = s < r->nstacks ? rec_stack_frames(r, s, &nf) : NULL;
    snprintf(buf, n, "%s", nf ? alloc_fn : "(no stack)");
    for (size_t i = 0; i < nf; i++) {
        SiteLevel lv[SITE_LEVELS];
        size_t nl = frame_functions(m, f[i], lv);
        for (size_t k = 0; k < nl; k++) {
            if (alloc_fn[0] && !strcmp(lv[k].fn, alloc_fn))
                continue;
            snprintf(buf, n, "%.*s%s", (int)sizeof lv[k].fn - 1, lv[k].fn, lv[k].inlined ? TRACES_INLINED : "");
            return;
        }
    }
}

static void update_sites(TuiModel *m, const Recording *r)
{
    if (m->seen_allocs == r->nallocs)
        return;
    if (r->nstacks > m->nstack_slots) {
        size_t n = r->nstacks * 2;
        m->stack_count = xrealloc(m->stack_count, n * sizeof *m->stack_count);
        m->stack_bytes = xrealloc(m->stack_bytes, n * sizeof *m->stack_bytes);
        memset(m->stack_count + m->nstack_slots, 0, (n - m->nstack_slots) * sizeof *m->stack_count);
        memset(m->stack_bytes + m->nstack_slots, 0, (n - m->nstack_slots) * sizeof *m->stack_bytes);
        m->nstack_slots = n;
    }
    for (size_t i = m->seen_allocs; i < r->nallocs; i++) {
        const RecAlloc *a = &r->allocs[i];
        if (!a->addr || a->stack >= m->nstack_slots)
            continue;
        m->stack_count[a->stack]++;
        m->stack_bytes[a->stack] += a->size;
        m->total_allocs++;
    }
    m->seen_allocs = r->nallocs;

    char alloc_fn[sizeof m->sites[0].name];
    find_allocator(m, r, alloc_fn, sizeof alloc_fn);

    /* Group the stacks by their site. */
    size_t n = 0;
    for (size_t s = 0; s < m->nstack_slots; s++)
        n += m->stack_count[s] != 0;
    TuiSite *all = xcalloc(n ? n : 1, sizeof *all);
    size_t k = 0;
    for (size_t s = 0; s < m->nstack_slots && k < n; s++) {
        if (!m->stack_count[s])
            continue;
        stack_site(m, r, (StackId)s, alloc_fn, all[k].name, sizeof all[k].name);
        all[k].count = m->stack_count[s];
        all[k].bytes = m->stack_bytes[s];
        k++;
    }
    qsort(all, k, sizeof *all, site_by_name);
    size_t w = 0;
    for (size_t i = 0; i < k; i++) {
        if (w && !strcmp(all[w - 1].name, all[i].name)) {
            all[w - 1].count += all[i].count;
            all[w - 1].bytes += all[i].bytes;
        } else {
            all[w++] = all[i];
        }
    }
    qsort(all, w, sizeof *all, site_by_bytes);
    m->nsites = w < TUI_MAX_SITES ? w : TUI_MAX_SITES;
    memcpy(m->sites, all, m->nsites * sizeof *all);
    free(all);
}

static void update_stats(TuiModel *m, const Recording *r)
{
    /* A shallow copy whose run ends now: the statistics of the run so far. */
    Recording view = *r;
    view.run.cycles = m->now;
    Stats st;
    stats_compute(&view, &st);
    m->count = st.npauses;
    m->pause_max = st.pause_max;
    m->p99 = st.p99;
    m->gc_cpu = st.gc_cpu_fraction;
    m->mmu_1ms = st.mmu_1ms;
    m->mmu_10ms = st.mmu_10ms;
    m->alloc_bytes = st.alloc_bytes;
    m->alloc_charged = st.alloc_charged;
    m->peak_heap = st.peak_heap;
    copy_str(m->heap_basis, sizeof m->heap_basis, stats_basis_name(st.peak_basis));
    m->headroom = st.min_sram_headroom;
    stats_free(&st);
}

void tui_model_update(TuiModel *m, const Recording *r, const TuiLive *live)
{
    const RecRunInfo *ri = &r->run;
    copy_str(m->image, sizeof m->image, ri->image);
    copy_str(m->board, sizeof m->board, ri->board);
    copy_str(m->core, sizeof m->core, ri->core);
    copy_str(m->exit_reason, sizeof m->exit_reason, ri->exit_reason);
    m->clock_hz = ri->clock_hz;
    m->sram_size = ri->sram_size;
    m->heap_size = ri->heap_end > ri->heap_start ? ri->heap_end - ri->heap_start : 0;
    m->state = live->state;
    m->speed = live->speed;
    m->now = live->state == TUI_REPLAY || ri->cycles > live->now ? ri->cycles : live->now;
    update_pauses(m, r, m->now);
    update_heap(m, r);
    update_uart(m, r, live->uart_partial);
    update_sites(m, r);
    update_stats(m, r);
}

typedef struct PauseKey {
    const TuiModel *m;
    uint64_t t;
} PauseKey;

static bool pause_starts_before(const void *ctx, size_t i)
{
    const PauseKey *k = ctx;
    return k->m->pauses[i].start < k->t;
}

uint64_t tui_model_columns(const TuiModel *m, uint64_t t0, uint64_t per_col, size_t ncols, uint64_t *out)
{
    memset(out, 0, ncols * sizeof *out);
    if (!per_col)
        return 0;
    uint64_t top = 0;
    /* Pauses are in start order: skip those before t0 by binary search. */
    for (size_t i = partition_point(m->npauses, pause_starts_before, &(PauseKey){m, t0}); i < m->npauses; i++) {
        uint64_t c = (m->pauses[i].start - t0) / per_col;
        if (c >= ncols)
            break;
        uint64_t d = m->pauses[i].end - m->pauses[i].start;
        if (d > out[c])
            out[c] = d;
        if (d > top)
            top = d;
    }
    return top;
}

void tui_model_heap_columns(const TuiModel *m, uint64_t t0, uint64_t per_col, size_t ncols, int64_t *out_used,
                            int64_t *out_largest)
{
    size_t j = 0;
    int64_t used = -1, largest = -1;
    for (size_t c = 0; c < ncols; c++) {
        uint64_t end = t0 + (c + 1) * per_col;
        while (j < m->nheap && m->heap[j].time < end) {
            used = m->heap[j].used;
            largest = m->heap[j].largest_free;
            j++;
        }
        bool past = t0 + c * per_col > m->now;
        out_used[c] = past ? -1 : used;
        out_largest[c] = past ? -1 : largest;
    }
}

const char *tui_fmt_cycles(const TuiModel *m, uint64_t cycles, char *buf, size_t n)
{
    double us = stats_cycles_to_us(cycles, m->clock_hz);
    if (us >= 1e6)
        snprintf(buf, n, "%.3f s", us / 1e6);
    else if (us >= 1e3)
        snprintf(buf, n, "%.2f ms", us / 1e3);
    else
        snprintf(buf, n, "%.1f us", us);
    return buf;
}

const char *tui_fmt_bytes(int64_t bytes, char *buf, size_t n)
{
    int64_t a = bytes < 0 ? -bytes : bytes;
    if (a >= 1024 * 1024)
        snprintf(buf, n, "%.2f MiB", bytes / 1048576.0);
    else if (a >= 10 * 1024)
        snprintf(buf, n, "%.1f KiB", bytes / 1024.0);
    else
        snprintf(buf, n, "%lld B", (long long)bytes);
    return buf;
}

const char *tui_state_name(TuiState s)
{
    switch (s) {
    case TUI_RUNNING: return "running";
    case TUI_PAUSED: return "paused";
    case TUI_FINISHED: return "finished";
    case TUI_FAULTED: return "faulted";
    case TUI_REPLAY: return "replay";
    }
    return "?";
}
