/* observe.c: the engine between a runtime adapter and the CPU: function-entry hooks
 * and shadow-stack return watches become pauses, phases, allocations and frees;
 * sampling ticks (background scheduler events) read the heap and the call stack. */
#include "config.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "gc/events.h"
#include "gc/observe.h"
#include "base/util.h"

#define MAX_FRAMES 32 /* frames kept per recorded stack */

/* An allocation call between its entry and its return. */
typedef struct PendingAlloc {
    uint32_t size;    /* bytes requested */
    uint32_t old;     /* realloc: the block it replaces */
    uint32_t nframes; /* its call stack, leaf first */
    uint32_t frames[MAX_FRAMES];
} PendingAlloc;

/* Allocations and frees wait here and reach the Recording in batches (gc_observer_sync):
 * interning a stack and pairing a free with its allocation are hash-table look-ups,
 * slow one at a time between guest blocks (Unicorn has evicted the tables) and fast
 * in a run of thousands. Everything that reads allocations syncs first. */
enum { BATCH_ALLOC, BATCH_FREE, BATCH_FREE_GC };
typedef struct BatchEv {
    uint64_t time;    /* cycles */
    uint32_t addr;
    uint32_t size;    /* allocation: bytes requested */
    uint32_t frames;  /* allocation: its stack is batch_frames[frames .. frames + nframes) */
    uint8_t nframes;
    uint8_t kind;     /* BATCH_* */
    bool stack_obj;   /* allocation: a stack (GcRuntime.stack_sites) */
} BatchEv;
#define BATCH_MAX 8192 /* events held before a sync */

struct GcObserver {
    GcObserverConfig cfg;
    Cpu *cpu;
    Recording *rec;
    GcRuntime *rt;
    int pause_hooks_open;    /* PAUSE / PAUSE_END calls in progress (recursion, nesting) */
    bool heap_seen;          /* a heap read succeeded once */
    bool heap_lost_said;     /* ... and a later one failed: said once on stderr */
    RecTrigger *trig_open;   /* the triggers of the TRIGGER functions in progress, innermost last */
    size_t ntrig_open, captrig_open;
    int phase_depth;         /* PHASE functions (and an inlined phase) in progress (a phase
                                inside a phase is part of it) */
    /* Phases of inlined code (below): entry hooks in each function holding such code give
     * the blocks that start there the phase of their address. */
    int16_t *inline_at;      /* per such hook (its cookie): index into inline_names, -1 none */
    size_t ninline_at;
    const char **inline_names; /* phase names, distinct (owned by the runtime's hooks) */
    size_t ninline_names;
    int inline_open;         /* the inlined phase in progress, -1 none */
    uint64_t inline_outside; /* cycles: the last hooked block outside the ranges (or the entry
                                of their function) */
    bool pause_open;
    bool frees_hooked;       /* the runtime's free function is hooked */
    PendingAlloc *pending;   /* allocation calls in progress, innermost last */
    size_t npending, cappending;
    uint32_t *live;          /* indices of RecAllocs still live (for sweep detection) */
    size_t nlive, caplive;
    SchedEvent heap_tick, cpu_tick;
    void (*pause_cb)(void *opaque, size_t pause);
    void *pause_cb_opaque;
    GcEventDecoder *events;
    int *folded_trigger;     /* per hook: for an allocation hook, the TRIGGER hook on the same
                                function that it also stands for (one entry hook and one
                                return watch where there would be two), -1 none */
    BatchEv *batch;          /* not yet in the Recording, oldest first */
    size_t nbatch;
    uint32_t *batch_frames;  /* their stacks' frames */
    size_t nbatch_frames;
};

static uint64_t now(const GcObserver *o) { return cpu_now(o->cpu); }

/* The call stack now, leaf first, into f (MAX_FRAMES at most); skip_leaf at a hooked
 * entry, where the caller's frames are what matters. Returns the count. */
static size_t current_frames(GcObserver *o, bool skip_leaf, uint32_t *f)
{
    return skip_leaf ? cpu_callers(o->cpu, f, MAX_FRAMES) : cpu_backtrace(o->cpu, f, MAX_FRAMES);
}

static StackId current_stack(GcObserver *o, bool skip_leaf)
{
    uint32_t f[MAX_FRAMES];
    size_t n = current_frames(o, skip_leaf, f);
    return rec_stack(o->rec, f, n);
}

static int guest_read(void *opaque, uint32_t addr, void *buf, size_t len)
{
    return cpu_mem_read(opaque, addr, buf, len);
}

/* What the allocator charges, as far as the adapter knows it (it may learn it from the
 * heap it reads); else, for a runtime with a block table (st), whole blocks of its size
 * (a request of 0 bytes taken to charge none). */
static void note_unit(GcObserver *o, const GcHeapState *st)
{
    if (o->rt->alloc_unit) {
        o->rec->run.alloc_unit = o->rt->alloc_unit;
        o->rec->run.alloc_min_units = o->rt->alloc_min_units;
    } else if (st && st->block_size) {
        o->rec->run.alloc_unit = st->block_size;
        o->rec->run.alloc_min_units = 0;
    }
}

/* Read the heap; false when the adapter cannot. */
static bool heap_read(GcObserver *o, bool want_blocks, GcHeapState *st)
{
    memset(st, 0, sizeof *st);
    st->used = st->free = st->largest_free = REC_UNKNOWN;
    if (!o->rt || !o->rt->heap_state)
        return false;
    if (o->rt->heap_state(o->rt, guest_read, o->cpu, want_blocks, st) < 0) {
        free(st->blocks);
        st->blocks = NULL;
        if (o->heap_seen && !o->heap_lost_said) { /* not before the runtime set its heap up */
            o->heap_lost_said = true;
            log_warn("GC heap: at %llu cycles the %s heap's description no longer reads as a heap (its table "
                     "outside memory, or more blocks than any heap has): heap figures unknown while it stays so",
                     (unsigned long long)o->cfg.sched->now, o->rt->name);
        }
        return false;
    }
    o->heap_seen = true;
    note_unit(o, st);
    return true;
}

/* Live bytes when the runtime cannot tell: what the alloc/free records say. */
static int64_t used_now(GcObserver *o)
{
    GcHeapState st;
    if (heap_read(o, false, &st) && st.used != REC_UNKNOWN)
        return st.used;
    gc_observer_sync(o);
    return o->rec->nallocs ? rec_live_bytes(o->rec) : REC_UNKNOWN;
}

/* ---- allocations ---- */

static void live_add(GcObserver *o, uint32_t idx)
{
    if (o->nlive == o->caplive) {
        o->caplive = o->caplive ? o->caplive * 2 : 1024;
        o->live = xrealloc(o->live, o->caplive * sizeof *o->live);
    }
    o->live[o->nlive++] = idx;
}

static BatchEv *batch_add(GcObserver *o, uint8_t kind, uint32_t addr)
{
    if (o->nbatch == BATCH_MAX)
        gc_observer_sync(o);
    BatchEv *e = &o->batch[o->nbatch++];
    *e = (BatchEv){.time = now(o), .addr = addr, .kind = kind};
    return e;
}

/* Is a call from return address ret a stack's allocation (GcRuntime.stack_sites)? */
static bool stack_site(const GcRuntime *rt, uint32_t ret)
{
    uint32_t at = (ret & ~1u) - 1; /* in the call instruction */
    for (size_t i = 0; i < rt->nstack_sites; i++)
        if (at - rt->stack_sites[i].lo < rt->stack_sites[i].hi - rt->stack_sites[i].lo)
            return true;
    return false;
}

static void record_alloc(GcObserver *o, uint32_t addr, uint32_t size, const uint32_t *frames, size_t nframes)
{
    if (!addr) /* an instant now, in time order with the others */
        rec_instant(o->rec, now(o), "alloc-fail", "allocation of %u bytes failed", size);
    BatchEv *e = batch_add(o, BATCH_ALLOC, addr);
    e->size = size;
    e->stack_obj = o->rt && o->rt->nstack_sites && nframes && stack_site(o->rt, frames[0]);
    e->frames = (uint32_t)o->nbatch_frames;
    e->nframes = (uint8_t)nframes;
    memcpy(o->batch_frames + o->nbatch_frames, frames, nframes * sizeof *frames);
    o->nbatch_frames += nframes;
}

static void record_free(GcObserver *o, uint32_t addr, bool by_gc)
{
    batch_add(o, by_gc ? BATCH_FREE_GC : BATCH_FREE, addr);
}

void gc_observer_sync(GcObserver *o)
{
    const BatchEv *prev = NULL; /* the last allocation: a loop allocates from one site */
    StackId st = 0;
    for (size_t i = 0; i < o->nbatch; i++) {
        const BatchEv *e = &o->batch[i];
        if (e->kind != BATCH_ALLOC) {
            rec_free_block(o->rec, e->time, e->addr, e->kind == BATCH_FREE_GC);
            continue;
        }
        const uint32_t *f = o->batch_frames + e->frames;
        if (!prev || prev->nframes != e->nframes || memcmp(o->batch_frames + prev->frames, f, e->nframes * sizeof *f))
            st = rec_stack(o->rec, f, e->nframes);
        prev = e;
        rec_alloc(o->rec, e->time, e->addr, e->size, st);
        if (e->addr)
            live_add(o, (uint32_t)o->rec->nallocs - 1);
        if (e->addr && e->stack_obj)
            rec_stack_alloc(o->rec, (uint32_t)o->rec->nallocs - 1);
    }
    o->nbatch = 0;
    o->nbatch_frames = 0;
}

/* After a collection: allocations whose first block is no longer an object head
 * were swept. */
static void sweep_detect(GcObserver *o, const GcHeapState *st)
{
    size_t j = 0;
    for (size_t i = 0; i < o->nlive; i++) {
        const RecAlloc *a = &o->rec->allocs[o->live[i]];
        if (a->free_idx)
            continue; /* freed explicitly */
        uint32_t off = a->addr - st->base;
        if (off / st->block_size < st->nblocks && st->blocks[off / st->block_size] != REC_BLOCK_HEAD &&
            st->blocks[off / st->block_size] != REC_BLOCK_MARK) {
            rec_free_block(o->rec, now(o), a->addr, true);
            continue;
        }
        o->live[j++] = o->live[i];
    }
    o->nlive = j;
}

/* ---- pauses ---- */

/* What started a pause that hook h (NULL: none) begins: an allocation, when its
 * trigger_arg says so; else the innermost TRIGGER function in progress; else h's own. */
static RecTrigger pause_trigger(GcObserver *o, const GcHook *h)
{
    if (h && h->trigger_arg >= 0 && cpu_arg(o->cpu, h->trigger_arg))
        return REC_TRIGGER_ALLOC;
    if (o->ntrig_open)
        return o->trig_open[o->ntrig_open - 1];
    return h ? h->trigger : REC_TRIGGER_EXPLICIT;
}

static void trigger_push(GcObserver *o, RecTrigger t)
{
    if (o->ntrig_open == o->captrig_open) {
        o->captrig_open = o->captrig_open ? o->captrig_open * 2 : 8;
        o->trig_open = xrealloc(o->trig_open, o->captrig_open * sizeof *o->trig_open);
    }
    o->trig_open[o->ntrig_open++] = t;
}

static void trigger_pop(GcObserver *o)
{
    if (o->ntrig_open)
        o->ntrig_open--;
}

static void inline_switch(GcObserver *o, int phase, uint64_t since);
static void inline_caller(GcObserver *o, Cpu *c);

static void pause_begin(GcObserver *o, const GcHook *h, bool incremental, StackId stack)
{
    RecTrigger trig = pause_trigger(o, h);
    int64_t before = used_now(o);
    RecPause *p = rec_pause_begin(o->rec, now(o), trig, stack, incremental);
    p->heap_before = before;
    o->pause_open = true;
}

/* The bytes requested by what the pause freed: its frees by the collector (the last
 * frees, in time order, from its start on). Known where frees are seen (a block table, a
 * hooked free function) or some were. */
static void freed_requested(GcObserver *o, RecPause *p, bool swept)
{
    int64_t sum = 0;
    bool any = false;
    for (size_t k = o->rec->nfrees; k > 0 && o->rec->frees[k - 1].time >= p->start; k--)
        if (o->rec->frees[k - 1].by_gc) {
            sum += rec_free_size(o->rec, &o->rec->frees[k - 1]);
            any = true;
        }
    if (any || swept || o->frees_hooked)
        p->freed_requested = sum;
}

static void pause_end(GcObserver *o)
{
    if (!o->pause_open)
        return;
    uint64_t t = now(o);
    gc_observer_sync(o);
    if (o->inline_open >= 0)
        inline_switch(o, -1, t);
    rec_pause_end(o->rec, t);
    o->pause_open = false;
    RecPause *p = &o->rec->pauses[o->rec->npauses - 1];
    GcHeapState st;
    bool swept = false;
    if (heap_read(o, true, &st)) {
        p->heap_after = st.used;
        p->free_after = st.free;
        p->largest_free_after = st.largest_free;
        if (st.blocks) {
            swept = true;
            size_t before_frees = o->rec->nfrees;
            sweep_detect(o, &st);
            p->freed_objects = (int64_t)(o->rec->nfrees - before_frees);
            if (o->cfg.heap_maps) {
                RecHeapMap *m = rec_heap_map(o->rec, st.base, st.block_size, st.nblocks);
                memcpy(m->state, st.blocks, st.nblocks);
            }
        }
        free(st.blocks);
    } else {
        p->heap_after = o->rec->nallocs ? rec_live_bytes(o->rec) : REC_UNKNOWN;
    }
    freed_requested(o, p, swept);
    if (p->heap_before != REC_UNKNOWN && p->heap_after != REC_UNKNOWN && p->heap_before >= p->heap_after)
        p->freed_bytes = p->heap_before - p->heap_after;
    rec_heap_sample(o->rec, t, p->heap_after, p->free_after, p->largest_free_after, true);
    if (o->pause_cb)
        o->pause_cb(o->pause_cb_opaque, o->rec->npauses - 1);
}

void gc_observer_on_pause_end(GcObserver *o, void (*fn)(void *opaque, size_t pause), void *opaque)
{
    o->pause_cb = fn;
    o->pause_cb_opaque = opaque;
}

/* ---- hooks ---- */

static void on_entry(Cpu *c, void *opaque, uint32_t i)
{
    GcObserver *o = opaque;
    const GcHook *h = &o->rt->hooks[i];
    switch (h->kind) {
    case GC_HOOK_PAUSE:
        if (!o->pause_open && o->pause_hooks_open == 0)
            pause_begin(o, h, h->incremental, current_stack(o, true));
        o->pause_hooks_open++;
        cpu_watch_return(c, i);
        break;
    case GC_HOOK_PAUSE_BEGIN:
        if (!o->pause_open)
            pause_begin(o, h, h->incremental, current_stack(o, true));
        break;
    case GC_HOOK_PAUSE_END:
        o->pause_hooks_open++;
        cpu_watch_return(c, i);
        break;
    case GC_HOOK_PHASE:
        if (o->ninline_at)
            inline_caller(o, c);
        if (o->phase_depth++ == 0 && o->pause_open)
            rec_phase_begin(o->rec, h->phase, now(o));
        cpu_watch_return(c, i);
        break;
    case GC_HOOK_TRIGGER:
        trigger_push(o, h->trigger);
        cpu_watch_return(c, i);
        break;
    case GC_HOOK_STATE:
        if (o->rt->set_state)
            o->rt->set_state(o->rt, guest_read, c, h->closes ? 0 : cpu_arg(c, h->ptr_arg));
        break;
    case GC_HOOK_ALLOC:
    case GC_HOOK_REALLOC:
        if (o->folded_trigger[i] >= 0)
            trigger_push(o, o->rt->hooks[o->folded_trigger[i]].trigger);
        if (o->npending == o->cappending) {
            o->cappending = o->cappending ? o->cappending * 2 : 8;
            o->pending = xrealloc(o->pending, o->cappending * sizeof *o->pending);
        }
        PendingAlloc *a = &o->pending[o->npending++];
        a->size = cpu_arg(c, h->size_arg);
        a->old = h->kind == GC_HOOK_REALLOC ? cpu_arg(c, h->ptr_arg) : 0;
        a->nframes = (uint32_t)current_frames(o, true, a->frames);
        cpu_watch_return(c, i);
        break;
    case GC_HOOK_FREE: { /* inside a collection: the collector frees what it swept */
        uint32_t p = cpu_arg(c, h->ptr_arg);
        if (p)
            record_free(o, p, o->pause_open);
        break;
    }
    }
}

static void on_return(void *opaque, uint32_t i, uint32_t retval)
{
    GcObserver *o = opaque;
    if (i >= o->rt->nhooks) { /* a function holding inlined phases returned */
        if (o->inline_open >= 0)
            inline_switch(o, -1, 0);
        return;
    }
    const GcHook *h = &o->rt->hooks[i];
    switch (h->kind) {
    case GC_HOOK_PAUSE:
    case GC_HOOK_PAUSE_END:
        if (--o->pause_hooks_open == 0)
            pause_end(o);
        break;
    case GC_HOOK_PHASE:
        if (--o->phase_depth == 0 && o->pause_open)
            rec_phase_end(o->rec, now(o));
        break;
    case GC_HOOK_TRIGGER:
        trigger_pop(o);
        break;
    case GC_HOOK_ALLOC:
    case GC_HOOK_REALLOC:
        if (o->folded_trigger[i] >= 0)
            trigger_pop(o);
        if (o->npending) {
            const PendingAlloc *a = &o->pending[--o->npending];
            if (h->kind == GC_HOOK_REALLOC && a->old && retval)
                record_free(o, a->old, false);
            if (h->kind == GC_HOOK_ALLOC || retval || a->size)
                record_alloc(o, retval, a->size, a->frames, a->nframes);
        }
        break;
    default:
        break;
    }
}

/* An interrupt that waited this long inside a collection was held back by it (the
 * collector masked it, or ran at a higher priority): an unmasked core enters a
 * handler within a block or two plus the entry latency (12 cycles on Cortex-M). */
#define HOLD_BACK_CYCLES 64

static void on_irq(void *opaque, uint16_t irq, uint64_t pending)
{
    GcObserver *o = opaque;
    uint64_t t = now(o);
    rec_irq(o->rec, irq, pending, t);
    long p = rec_pause_at(o->rec, pending);
    if (p < 0)
        return;
    RecPause *rp = &o->rec->pauses[p];
    uint64_t until = rp->end && rp->end < t ? rp->end : t; /* waited inside the pause until */
    if (until - pending < HOLD_BACK_CYCLES)
        return;
    o->rec->irqs[o->rec->nirqs - 1].pause = (int32_t)p;
    rp->irq_delayed++;
    if (t - pending > rp->irq_delay_max)
        rp->irq_delay_max = t - pending;
}

/* ---- sampling ticks ---- */

static void heap_tick(void *opaque, uint64_t due)
{
    GcObserver *o = opaque;
    GcHeapState st;
    if (heap_read(o, false, &st)) /* at the time it is read: the tick runs at a block boundary past `due` */
        rec_heap_sample(o->rec, now(o), st.used, st.free, st.largest_free, false);
    free(st.blocks);
    sched_at(o->cfg.sched, &o->heap_tick, due + o->cfg.heap_sample_cycles);
}

static void cpu_tick(void *opaque, uint64_t due)
{
    GcObserver *o = opaque;
    rec_cpu_sample(o->rec, current_stack(o, false));
    sched_at(o->cfg.sched, &o->cpu_tick, due + o->cfg.cpu_sample_cycles);
}

/* ---- the explicit event channel ---- */

static void ev_pause_begin(void *op, int trigger, bool incremental)
{
    GcObserver *o = op;
    if (o->pause_open)
        return;
    pause_begin(o, NULL, incremental, current_stack(o, false));
    o->rec->pauses[o->rec->npauses - 1].trigger = (RecTrigger)trigger;
}
static void ev_pause_end(void *op) { pause_end(op); }
static void ev_phase_begin(void *op, const char *name)
{
    GcObserver *o = op;
    if (o->pause_open)
        rec_phase_begin(o->rec, name, now(o));
}
static void ev_phase_end(void *op)
{
    GcObserver *o = op;
    if (o->pause_open)
        rec_phase_end(o->rec, now(o));
}
static void ev_alloc(void *op, uint32_t addr, uint32_t size)
{
    GcObserver *o = op;
    uint32_t f[MAX_FRAMES];
    size_t n = current_frames(o, false, f);
    record_alloc(o, addr, size, f, n);
}
static void ev_free(void *op, uint32_t addr)
{
    GcObserver *o = op;
    record_free(o, addr, o->pause_open);
}
static void ev_heap(void *op, uint32_t used, uint32_t free_bytes, uint32_t largest)
{
    GcObserver *o = op;
    if (o->pause_open) {
        RecPause *p = &o->rec->pauses[o->rec->npauses - 1];
        if (p->heap_before == REC_UNKNOWN)
            p->heap_before = used;
        return;
    }
    if (o->rec->npauses) { /* the first heap report after a pause describes its result */
        RecPause *p = &o->rec->pauses[o->rec->npauses - 1];
        if (p->heap_after == REC_UNKNOWN) {
            p->heap_after = used;
            p->free_after = free_bytes;
            p->largest_free_after = largest;
            if (p->heap_before != REC_UNKNOWN && p->heap_before >= p->heap_after)
                p->freed_bytes = p->heap_before - p->heap_after;
        }
    }
    rec_heap_sample(o->rec, now(o), used, free_bytes, largest, false);
}
static void ev_error(void *op, const char *msg)
{
    GcObserver *o = op;
    rec_instant(o->rec, now(o), "trace-error", "%s", msg);
    log_warn("GC event channel: %s", msg);
}

void gc_observer_trace_write(void *opaque, unsigned port, uint32_t value, unsigned size)
{
    GcObserver *o = opaque;
    if (o->events)
        gcev_decoder_write(o->events, port, value, size);
}

/* ---- life cycle ---- */

/* Each TRIGGER hook on a function that an allocation hook hooks too is folded into that
 * one (o->folded_trigger). */
static void fold_triggers(GcObserver *o)
{
    size_t n = o->rt->nhooks;
    o->folded_trigger = xmalloc((n ? n : 1) * sizeof *o->folded_trigger);
    for (size_t a = 0; a < n; a++)
        o->folded_trigger[a] = -1;
    for (size_t t = 0; t < n; t++) {
        const GcHook *ht = &o->rt->hooks[t];
        for (size_t a = 0; a < n && ht->kind == GC_HOOK_TRIGGER && ht->addr; a++) {
            const GcHook *ha = &o->rt->hooks[a];
            if ((ha->kind == GC_HOOK_ALLOC || ha->kind == GC_HOOK_REALLOC) && ha->addr == ht->addr &&
                o->folded_trigger[a] < 0) {
                o->folded_trigger[a] = (int)t;
                break;
            }
        }
    }
}

/* Whether TRIGGER hook t was folded into an allocation hook. */
static bool folded(const GcObserver *o, size_t t)
{
    for (size_t a = 0; a < o->rt->nhooks; a++)
        if (o->folded_trigger[a] == (int)t)
            return true;
    return false;
}

/* ---- phases of inlined code ----
 * A function with no symbol of its own, inlined into a function F, is a phase while F
 * runs its code (at F's level: what F calls from there is part of it). Blocks are seen
 * by entry hooks in F: one at every 2 bytes outside the inlined ranges, where a block
 * may start (code there is the little that runs between phases: the ends are exact),
 * and inside a range at its start and every GC_INLINE_STRIDE bytes (its loops are where
 * the collector spends its time: hooks there are few); a phase hook's function called
 * from a range shows it too. A phase begins with the last block seen outside its range
 * at F's level (the block that leads into it) or, when a phase or F's entry came later,
 * there; it ends with the first block seen outside it, or F's return. A visit that runs
 * no hooked block in the range and calls no phase function goes unseen. */

#define GC_INLINE_STRIDE 64 /* bytes between hooks inside an inlined range: TinyGo 0.26's sweep
                               of a 1 MiB heap runs 1.7 times as long on the host with them
                               (2.2 at 16 bytes), its 64 KiB heap on Cortex-M 1.1 times */

static int inline_phase_at(GcObserver *o, uint32_t addr, bool *start);

/* Ends the inlined phase in progress (if any) now, then begins `phase` (if >= 0) at
 * `since` (cycles; not before the last phase of the pause, nor the pause). */
static void inline_switch(GcObserver *o, int phase, uint64_t since)
{
    if (o->inline_open >= 0 && --o->phase_depth == 0 && o->pause_open)
        rec_phase_end(o->rec, now(o));
    o->inline_open = phase;
    if (phase < 0 || o->phase_depth++ != 0 || !o->pause_open)
        return;
    const RecPause *p = &o->rec->pauses[o->rec->npauses - 1];
    if (since < p->start)
        since = p->start;
    if (p->nphases && since < o->rec->phases[p->first_phase + p->nphases - 1].end)
        since = o->rec->phases[p->first_phase + p->nphases - 1].end;
    rec_phase_begin(o->rec, o->inline_names[phase], since);
}

/* A hooked block of a function holding inlined phases starts: its address's phase. */
static void on_inline_block(Cpu *c, void *opaque, uint32_t cookie)
{
    GcObserver *o = opaque;
    int phase = o->inline_at[cookie];
    (void)c;
    if (phase == o->inline_open) {
        if (phase < 0)
            o->inline_outside = now(o);
        return;
    }
    inline_switch(o, phase, o->inline_open >= 0 ? now(o) : o->inline_outside);
    if (phase < 0)
        o->inline_outside = now(o);
}

/* A phase hook's function is entered: if from an inlined range, that range runs. */
static void inline_caller(GcObserver *o, Cpu *c)
{
    uint32_t ret;
    bool start;
    if (cpu_callers(c, &ret, 1) != 1)
        return;
    int phase = inline_phase_at(o, (ret & ~1u) - 1, &start);
    if (phase >= 0 && phase != o->inline_open)
        inline_switch(o, phase, o->inline_open >= 0 ? now(o) : o->inline_outside);
}

/* Such a function is entered: its return ends the phase its code was in. */
static void on_inline_site(Cpu *c, void *opaque, uint32_t site)
{
    GcObserver *o = opaque;
    o->inline_outside = now(o);
    cpu_watch_return(c, (uint32_t)o->rt->nhooks + site);
}

/* The phase index of name (added when new). */
static int inline_name(GcObserver *o, const char *name)
{
    for (size_t i = 0; i < o->ninline_names; i++)
        if (!strcmp(o->inline_names[i], name))
            return (int)i;
    o->inline_names = xrealloc(o->inline_names, (o->ninline_names + 1) * sizeof *o->inline_names);
    o->inline_names[o->ninline_names] = name;
    return (int)o->ninline_names++;
}

/* The phase of the code at addr (an inlined phase hook's range holds it), -1 none; *start
 * set when addr begins a range. */
static int inline_phase_at(GcObserver *o, uint32_t addr, bool *start)
{
    *start = false;
    for (size_t i = 0; i < o->rt->nhooks; i++) {
        const GcHook *h = &o->rt->hooks[i];
        for (size_t k = 0; h->kind == GC_HOOK_PHASE && k < h->nranges; k++)
            if (addr >= h->ranges[k].lo && addr < h->ranges[k].hi) {
                *start = addr == h->ranges[k].lo;
                return inline_name(o, h->phase ? h->phase : "phase");
            }
    }
    return -1;
}

/* Hooks every function that holds a range of an inlined phase (gc_runtime_resolve keeps
 * only ranges inside a function of at most GC_INLINE_SITE_MAX bytes), as above, and its
 * entry, to watch its return. Nothing is hooked when no phase was inlined. */
static void inline_sites(GcObserver *o, const Image *img)
{
    const ImageSymbol **sites = NULL;
    size_t nsites = 0, total = 0;
    for (size_t i = 0; i < o->rt->nhooks; i++) {
        const GcHook *h = &o->rt->hooks[i];
        for (size_t k = 0; h->kind == GC_HOOK_PHASE && k < h->nranges; k++) {
            const ImageSymbol *f = image_function_at(img, h->ranges[k].lo);
            bool seen = false;
            for (size_t j = 0; j < nsites; j++)
                seen |= sites[j] == f;
            if (!f || seen)
                continue;
            sites = xrealloc(sites, (nsites + 1) * sizeof *sites);
            sites[nsites++] = f;
            total += (f->size + 1) / 2;
        }
    }
    o->inline_at = xmalloc((total ? total : 1) * sizeof *o->inline_at);
    bool arm = image_machine(img) == EM_ARM;
    for (size_t j = 0; j < nsites; j++) {
        uint32_t lo = arm ? sites[j]->addr & ~1u : sites[j]->addr;
        for (uint32_t a = lo; a < lo + sites[j]->size; a += 2) {
            bool start;
            int phase = inline_phase_at(o, a, &start);
            if (phase >= 0 && !start && (a - lo) % GC_INLINE_STRIDE)
                continue;
            o->inline_at[o->ninline_at] = (int16_t)phase;
            cpu_hook_entry(o->cpu, a, 0, on_inline_block, o, (uint32_t)o->ninline_at++);
        }
        cpu_hook_entry(o->cpu, lo, sites[j]->size, on_inline_site, o, (uint32_t)j);
    }
    free(sites);
}

GcObserver *gc_observer_new(const GcObserverConfig *cfg, char **err)
{
    GcObserver *o = xcalloc(1, sizeof *o);
    o->cfg = *cfg;
    o->cpu = cfg->cpu;
    o->rec = cfg->rec;
    o->rt = cfg->rt;
    o->batch = xmalloc(BATCH_MAX * sizeof *o->batch);
    o->batch_frames = xmalloc(BATCH_MAX * MAX_FRAMES * sizeof *o->batch_frames);
    o->inline_open = -1;
    CpuObserver obs = {.returned = on_return, .irq_entry = on_irq, .opaque = o};
    cpu_set_observer(o->cpu, &obs);
    if (o->rt) {
        fold_triggers(o);
        note_unit(o, NULL);
        for (size_t i = 0; i < o->rt->nhooks; i++) {
            const GcHook *h = &o->rt->hooks[i];
            o->frees_hooked |= h->kind == GC_HOOK_FREE && h->addr;
            if (!h->addr || (h->kind == GC_HOOK_TRIGGER && folded(o, i)))
                continue;
            const ImageSymbol *sym = image_symbol_by_name(cfg->img, h->symbol);
            cpu_hook_entry(o->cpu, h->addr, sym ? sym->size : 0, on_entry, o, (uint32_t)i);
        }
        inline_sites(o, cfg->img);
        if (!strcmp(o->rt->name, gc_adapter_events.name)) {
            GcEventSink sink = {
                .pause_begin = ev_pause_begin, .pause_end = ev_pause_end, .phase_begin = ev_phase_begin,
                .phase_end = ev_phase_end, .alloc = ev_alloc, .free = ev_free, .heap = ev_heap,
                .error = ev_error, .opaque = o,
            };
            o->events = gcev_decoder_new(&sink);
        }
    }
    if (cfg->heap_sample_cycles && o->rt && o->rt->heap_state) {
        sched_event_init(&o->heap_tick, "heap-sample", heap_tick, o);
        o->heap_tick.background = true;
        sched_at(cfg->sched, &o->heap_tick, cfg->heap_sample_cycles);
    }
    if (cfg->cpu_sample_cycles) {
        o->rec->cpu_sample_cycles = cfg->cpu_sample_cycles;
        sched_event_init(&o->cpu_tick, "cpu-sample", cpu_tick, o);
        o->cpu_tick.background = true;
        sched_at(cfg->sched, &o->cpu_tick, cfg->cpu_sample_cycles);
    }
    (void)err;
    return o;
}

void gc_observer_finish(GcObserver *o)
{
    gc_observer_sync(o);
    if (o->pause_open) {
        rec_instant(o->rec, now(o), "partial", "the run ended inside a collection");
        pause_end(o);
    }
    GcHeapState st;
    if (heap_read(o, false, &st))
        rec_heap_sample(o->rec, now(o), st.used, st.free, st.largest_free, false);
    free(st.blocks);
    uint32_t low = cpu_min_sp(o->cpu);
    o->rec->run.stack_low = low == UINT32_MAX ? 0 : low; /* UINT32_MAX: SP never moved */
}

void gc_observer_free(GcObserver *o)
{
    if (!o)
        return;
    if (o->heap_tick.queued)
        sched_cancel(o->cfg.sched, &o->heap_tick);
    if (o->cpu_tick.queued)
        sched_cancel(o->cfg.sched, &o->cpu_tick);
    gcev_decoder_free(o->events);
    free(o->folded_trigger);
    free(o->trig_open);
    free(o->inline_at);
    free(o->inline_names);
    free(o->batch);
    free(o->batch_frames);
    free(o->pending);
    free(o->live);
    free(o);
}
