/* record.c: the Recording of a run: growable append-only arrays, stack interning and
 * the address -> allocation index that pairs frees with their allocations. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gc/record.h"
#include "base/util.h"

_Static_assert(sizeof(RecFree) == 16, "a free is 16 bytes: there are as many as allocations");

/* Make room for one more element of arr (n used, cap allocated): doubling. */
#define REC_GROW(arr, n, cap)                                           \
    do {                                                                \
        if ((n) == (cap)) {                                             \
            (cap) = (cap) ? (cap) * 2 : 64;                             \
            (arr) = xrealloc((arr), (cap) * sizeof *(arr));             \
        }                                                               \
    } while (0)
/* The same for allocs and frees, a million or more each: xbig_grow (base/util.h). */
#define REC_GROW_BIG(arr, n, cap)                                         \
    do {                                                                  \
        if ((n) == (cap)) {                                               \
            size_t ncap_ = (cap) ? (cap) * 2 : 64;                        \
            (arr) = xbig_grow((arr), (cap) * sizeof *(arr), ncap_ * sizeof *(arr)); \
            (cap) = ncap_;                                                \
        }                                                                 \
    } while (0)

/* ---- the stack index: open addressing over stack ids, keyed by the frames ---- */

typedef struct StackSlot {
    uint32_t id;   /* 0 = empty (stack 0 is never stored) */
    uint32_t hash;
} StackSlot;

typedef struct StackIndex {
    StackSlot *slots;
    size_t cap;    /* a power of two */
    size_t count;
} StackIndex;

/* Two independent lanes over pairs of frames (a stack is up to 32 of them, hashed
 * for every allocation): half the multiply chain of one lane per frame. */
static uint32_t frames_hash(const uint32_t *f, size_t n)
{
    uint64_t a = 0x9e3779b97f4a7c15ull ^ n, b = 0xc2b2ae3d27d4eb4full;
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
        a = (a ^ f[i]) * 0xff51afd7ed558ccdull;
        b = (b ^ f[i + 1]) * 0xc4ceb9fe1a85ec53ull;
    }
    if (i < n)
        a = (a ^ f[i]) * 0xff51afd7ed558ccdull;
    uint64_t h = a ^ (b >> 29) ^ (b << 35);
    h ^= h >> 32;
    h *= 0xff51afd7ed558ccdull;
    return (uint32_t)(h ^ (h >> 29));
}

static void stack_index_insert(StackIndex *ix, uint32_t id, uint32_t hash)
{
    size_t mask = ix->cap - 1;
    size_t i = hash & mask;
    while (ix->slots[i].id)
        i = (i + 1) & mask;
    ix->slots[i] = (StackSlot){.id = id, .hash = hash};
    ix->count++;
}

static void stack_index_grow(StackIndex *ix)
{
    StackSlot *old = ix->slots;
    size_t oldcap = ix->cap;
    ix->cap = oldcap ? oldcap * 2 : 256;
    ix->slots = xcalloc(ix->cap, sizeof *ix->slots);
    ix->count = 0;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].id)
            stack_index_insert(ix, old[i].id, old[i].hash);
    free(old);
}

/* ---- the address index: open addressing, linear probing, backward-shift delete ---- */

typedef struct AddrSlot {
    uint32_t addr; /* 0 = empty (a failed allocation has address 0 and is not stored) */
    uint32_t idx;  /* index of the RecAlloc */
} AddrSlot;

typedef struct AddrIndex {
    AddrSlot *slots;
    size_t cap;    /* a power of two */
    size_t count;
} AddrIndex;

/* Neighbouring blocks of a heap get neighbouring slots (8-byte granules): a run of
 * small allocations touches a few cache lines of the table, not one line each, and a
 * heap smaller than the table covers (8 bytes a slot, the table at least twice the
 * live count) lands without collisions. The MiB is mixed in so that two heaps do not
 * fold onto the same slots. Objects at a large power-of-two stride spanning more than
 * the table covers share slots, a probe chain as long as the span over the coverage:
 * bounded by what a microcontroller's SRAM can hold. */
static size_t addr_home(uint32_t addr, size_t mask)
{
    return (size_t)((addr >> 3) + (addr >> 20) * 0x9e3779b1u) & mask;
}

/* The slot holding addr, or the empty slot where it would go. */
static size_t addr_find(const AddrIndex *ix, uint32_t addr)
{
    size_t mask = ix->cap - 1;
    size_t i = addr_home(addr, mask);
    while (ix->slots[i].addr && ix->slots[i].addr != addr)
        i = (i + 1) & mask;
    return i;
}

static void addr_put(AddrIndex *ix, uint32_t addr, uint32_t idx);

static void addr_grow(AddrIndex *ix)
{
    AddrSlot *old = ix->slots;
    size_t oldcap = ix->cap;
    ix->cap = oldcap ? oldcap * 2 : 1024;
    ix->slots = xcalloc(ix->cap, sizeof *ix->slots);
    ix->count = 0;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].addr)
            addr_put(ix, old[i].addr, old[i].idx);
    free(old);
}

static void addr_put(AddrIndex *ix, uint32_t addr, uint32_t idx)
{
    if ((ix->count + 1) * 2 > ix->cap)
        addr_grow(ix);
    size_t i = addr_find(ix, addr);
    if (!ix->slots[i].addr)
        ix->count++;
    ix->slots[i] = (AddrSlot){.addr = addr, .idx = idx};
}

static void addr_delete(AddrIndex *ix, size_t i)
{
    size_t mask = ix->cap - 1;
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!ix->slots[j].addr)
            break;
        size_t home = addr_home(ix->slots[j].addr, mask);
        /* Move j into the hole at i unless its home lies cyclically in (i, j]. */
        bool stays = (i <= j) ? (i < home && home <= j) : (i < home || home <= j);
        if (!stays) {
            ix->slots[i] = ix->slots[j];
            i = j;
        }
    }
    ix->slots[i].addr = 0;
    ix->count--;
}

/* ---- life cycle ---- */

Recording *rec_new(void)
{
    Recording *r = xcalloc(1, sizeof *r);
    r->cap_stacks = 64;
    r->stack_off = xmalloc(r->cap_stacks * sizeof *r->stack_off);
    r->stack_off[0] = 0;
    r->stack_off[1] = 0;
    r->nstacks = 1; /* stack 0: empty */
    StackIndex *six = xcalloc(1, sizeof *six);
    stack_index_grow(six);
    r->stack_index = six;
    AddrIndex *aix = xcalloc(1, sizeof *aix);
    addr_grow(aix);
    r->priv_addr_index = aix;
    return r;
}

void rec_free(Recording *r)
{
    if (!r)
        return;
    free(r->run.image);
    free(r->run.board);
    free(r->run.core);
    free(r->run.runtime);
    free(r->run.exit_reason);
    free(r->pauses);
    free(r->phases);
    for (size_t i = 0; i < r->nphase_names; i++)
        free(r->phase_names[i]);
    free(r->phase_names);
    xbig_free(r->allocs, r->cap_allocs * sizeof *r->allocs);
    xbig_free(r->frees, r->cap_frees * sizeof *r->frees);
    free(r->samples);
    free(r->irqs);
    for (size_t i = 0; i < r->ninstants; i++)
        free(r->instants[i].text);
    free(r->instants);
    for (size_t i = 0; i < r->nmaps; i++)
        free(r->maps[i].state);
    free(r->maps);
    free(r->frames);
    free(r->stack_off);
    if (r->stack_index) {
        free(((StackIndex *)r->stack_index)->slots);
        free(r->stack_index);
    }
    if (r->priv_addr_index) {
        free(((AddrIndex *)r->priv_addr_index)->slots);
        free(r->priv_addr_index);
    }
    free(r->priv_open_phases);
    free(r->cpu_samples);
    free(r->stack_allocs);
    for (size_t i = 0; i < r->nnames; i++)
        free(r->names[i]);
    free(r->names);
    free(r->name_addrs);
    free(r);
}

/* ---- stacks ---- */

StackId rec_stack(Recording *r, const uint32_t *frames, size_t n)
{
    if (n == 0)
        return 0;
    StackIndex *ix = r->stack_index;
    uint32_t hash = frames_hash(frames, n);
    size_t mask = ix->cap - 1;
    for (size_t i = hash & mask; ix->slots[i].id; i = (i + 1) & mask) {
        const StackSlot *s = &ix->slots[i];
        if (s->hash != hash)
            continue;
        uint32_t off = r->stack_off[s->id], len = r->stack_off[s->id + 1] - off;
        if (len == n && !memcmp(r->frames + off, frames, n * sizeof *frames))
            return s->id;
    }
    /* New stack: frames, then the offset of its end. */
    while (r->nframes + n > r->cap_frames) {
        r->cap_frames = r->cap_frames ? r->cap_frames * 2 : 1024;
        r->frames = xrealloc(r->frames, r->cap_frames * sizeof *r->frames);
    }
    memcpy(r->frames + r->nframes, frames, n * sizeof *frames);
    r->nframes += n;
    if (r->nstacks + 1 == r->cap_stacks) {
        r->cap_stacks *= 2;
        r->stack_off = xrealloc(r->stack_off, r->cap_stacks * sizeof *r->stack_off);
    }
    StackId id = (StackId)r->nstacks++;
    r->stack_off[r->nstacks] = (uint32_t)r->nframes;
    if ((ix->count + 1) * 2 > ix->cap)
        stack_index_grow(ix);
    stack_index_insert(ix, id, hash);
    return id;
}

const uint32_t *rec_stack_frames(const Recording *r, StackId id, size_t *n)
{
    if (id == 0 || id >= r->nstacks) {
        *n = 0;
        return r->frames;
    }
    *n = r->stack_off[id + 1] - r->stack_off[id];
    return r->frames + r->stack_off[id];
}

uint32_t rec_phase_name(Recording *r, const char *name)
{
    for (size_t i = 0; i < r->nphase_names; i++)
        if (!strcmp(r->phase_names[i], name))
            return (uint32_t)i;
    r->phase_names = xrealloc(r->phase_names, (r->nphase_names + 1) * sizeof *r->phase_names);
    r->phase_names[r->nphase_names] = xstrdup(name);
    return (uint32_t)r->nphase_names++;
}

/* ---- pauses and phases ---- */

/* A pause begun while another is open ends the open one at `now` first, so pauses
 * never overlap. The pointer is valid until the next rec_pause_begin. */
RecPause *rec_pause_begin(Recording *r, uint64_t now, RecTrigger trig, StackId stack, bool incremental)
{
    if (r->priv_pause_open)
        rec_pause_end(r, now);
    REC_GROW(r->pauses, r->npauses, r->cap_pauses);
    RecPause *p = &r->pauses[r->npauses++];
    *p = (RecPause){
        .start = now, .end = 0, .first_phase = (uint32_t)r->nphases, .nphases = 0,
        .heap_before = REC_UNKNOWN, .heap_after = REC_UNKNOWN, .free_after = REC_UNKNOWN,
        .largest_free_after = REC_UNKNOWN, .freed_bytes = REC_UNKNOWN, .freed_requested = REC_UNKNOWN,
        .freed_objects = REC_UNKNOWN, .trigger = trig, .stack = stack,
        .incremental = incremental,
    };
    r->priv_pause_open = true;
    return p;
}

void rec_pause_end(Recording *r, uint64_t now)
{
    if (!r->priv_pause_open)
        return;
    while (r->priv_nopen_phases)
        r->phases[r->priv_open_phases[--r->priv_nopen_phases]].end = now;
    r->pauses[r->npauses - 1].end = now;
    r->priv_pause_open = false;
}

/* Phases exist only inside a pause: outside one this does nothing. */
void rec_phase_begin(Recording *r, const char *name, uint64_t now)
{
    if (!r->priv_pause_open)
        return;
    uint32_t nm = rec_phase_name(r, name);
    REC_GROW(r->phases, r->nphases, r->cap_phases);
    r->phases[r->nphases] = (RecPhase){.name = nm, .start = now, .end = 0};
    REC_GROW(r->priv_open_phases, r->priv_nopen_phases, r->priv_cap_open_phases);
    r->priv_open_phases[r->priv_nopen_phases++] = (uint32_t)r->nphases;
    r->nphases++;
    r->pauses[r->npauses - 1].nphases++;
}

/* Ends the innermost open phase (none open: nothing). */
void rec_phase_end(Recording *r, uint64_t now)
{
    if (r->priv_nopen_phases)
        r->phases[r->priv_open_phases[--r->priv_nopen_phases]].end = now;
}

/* ---- allocations ---- */

static void free_matched(Recording *r, uint64_t now, size_t slot, bool by_gc)
{
    AddrIndex *ix = r->priv_addr_index;
    uint32_t ai = ix->slots[slot].idx;
    RecAlloc *a = &r->allocs[ai];
    REC_GROW_BIG(r->frees, r->nfrees, r->cap_frees);
    r->frees[r->nfrees++] = (RecFree){
        .time = now, .addr = a->addr, .alloc_idx = ai + 1, .by_gc = by_gc,
    };
    a->free_idx = (uint32_t)r->nfrees;
    r->priv_live_bytes -= a->size;
    addr_delete(ix, slot);
}

/* addr 0 records a failed allocation (counted in alloc_failures). An allocation at
 * the address of a block still live means that block was reclaimed unobserved (a
 * collector's sweep the adapter cannot see): a RecFree with by_gc is recorded for it
 * first, at the same time. */
void rec_alloc(Recording *r, uint64_t now, uint32_t addr, uint32_t size, StackId stack)
{
    if (addr) {
        AddrIndex *ix = r->priv_addr_index;
        size_t slot = addr_find(ix, addr);
        if (ix->slots[slot].addr)
            free_matched(r, now, slot, true);
    } else {
        r->alloc_failures++;
    }
    REC_GROW_BIG(r->allocs, r->nallocs, r->cap_allocs);
    r->allocs[r->nallocs] = (RecAlloc){.time = now, .addr = addr, .size = size, .stack = stack};
    if (addr) {
        addr_put(r->priv_addr_index, addr, (uint32_t)r->nallocs);
        r->priv_live_bytes += size;
    }
    r->nallocs++;
}

/* A free of an address no live allocation has is recorded with size 0, alloc_idx 0. */
void rec_free_block(Recording *r, uint64_t now, uint32_t addr, bool by_gc)
{
    AddrIndex *ix = r->priv_addr_index;
    if (addr) {
        size_t slot = addr_find(ix, addr);
        if (ix->slots[slot].addr) {
            free_matched(r, now, slot, by_gc);
            return;
        }
    }
    REC_GROW_BIG(r->frees, r->nfrees, r->cap_frees);
    r->frees[r->nfrees++] = (RecFree){.time = now, .addr = addr, .by_gc = by_gc};
}

void rec_stack_alloc(Recording *r, uint32_t alloc_idx)
{
    REC_GROW(r->stack_allocs, r->nstack_allocs, r->cap_stack_allocs);
    r->stack_allocs[r->nstack_allocs++] = alloc_idx;
}

int64_t rec_charged(const RecRunInfo *ri, uint32_t size)
{
    if (!ri->alloc_unit)
        return REC_UNKNOWN;
    uint64_t units = ((uint64_t)size + ri->alloc_unit - 1) / ri->alloc_unit;
    if (units < ri->alloc_min_units)
        units = ri->alloc_min_units;
    return (int64_t)(units * ri->alloc_unit);
}

int64_t rec_live_bytes(const Recording *r)
{
    return r->priv_live_bytes;
}

/* ---- samples and events ---- */

void rec_heap_sample(Recording *r, uint64_t now, int64_t used, int64_t free_bytes, int64_t largest, bool after_pause)
{
    REC_GROW(r->samples, r->nsamples, r->cap_samples);
    r->samples[r->nsamples++] = (RecHeapSample){
        .time = now, .used = used, .free = free_bytes, .largest_free = largest, .after_pause = after_pause,
    };
}

void rec_irq(Recording *r, uint16_t irq, uint64_t pending, uint64_t entered)
{
    REC_GROW(r->irqs, r->nirqs, r->cap_irqs);
    r->irqs[r->nirqs++] = (RecIrq){.pending = pending, .entered = entered, .irq = irq, .pause = -1};
}

void rec_instant(Recording *r, uint64_t now, const char *kind, const char *fmt, ...)
{
    REC_GROW(r->instants, r->ninstants, r->cap_instants);
    RecInstant *in = &r->instants[r->ninstants++];
    in->time = now;
    snprintf(in->kind, sizeof in->kind, "%s", kind ? kind : "");
    va_list ap;
    va_start(ap, fmt);
    in->text = xvasprintf(fmt, ap);
    va_end(ap);
}

void rec_cpu_sample(Recording *r, StackId stack)
{
    REC_GROW(r->cpu_samples, r->ncpu_samples, r->cap_cpu_samples);
    r->cpu_samples[r->ncpu_samples++] = stack;
}

RecHeapMap *rec_heap_map(Recording *r, uint32_t base, uint32_t block_size, uint32_t nblocks)
{
    REC_GROW(r->maps, r->nmaps, r->cap_maps);
    RecHeapMap *m = &r->maps[r->nmaps++];
    *m = (RecHeapMap){
        .pause = r->npauses ? (uint32_t)(r->npauses - 1) : 0, .base = base, .block_size = block_size,
        .nblocks = nblocks, .state = xcalloc(nblocks ? nblocks : 1, 1),
    };
    return m;
}

typedef struct TimeKey {
    const Recording *r;
    uint64_t t;
} TimeKey;

static bool pause_starts_by(const void *ctx, size_t i)
{
    const TimeKey *k = ctx;
    return k->r->pauses[i].start <= k->t;
}

/* Pauses are in start order and do not overlap: binary search for the last one
 * starting at or before now. The open pause (end not yet known) contains every
 * later time. */
long rec_pause_at(const Recording *r, uint64_t now)
{
    size_t lo = partition_point(r->npauses, pause_starts_by, &(TimeKey){r, now});
    if (lo == 0)
        return -1;
    size_t i = lo - 1;
    bool open = r->priv_pause_open && i == r->npauses - 1;
    if (open || now < r->pauses[i].end)
        return (long)i;
    return -1;
}
