/* record_events.c: events.bin, the allocations and frees of a recording in a compact
 * binary form (LEB128 varints of deltas; docs/formats.md): a long run has millions of
 * them, too many for JSON rows. record.json names the file with its size and CRC-32. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crc.h"
#include "base/util.h"
#include "traces/traces.h"

#define EVENTS_MAGIC "baregc-events/1\n"
#define EVENTS_MAGIC_LEN 16

/* Free records: the low bits of the alloc-index word. */
#define FREE_BY_GC 1u    /* swept by the collector */
#define FREE_EXPLICIT 2u /* addr and size follow (no allocation: size 0) */

typedef struct Buf {
    uint8_t *p;
    size_t n, cap;
} Buf;

static void buf_reserve(Buf *b, size_t more)
{
    if (b->n + more <= b->cap)
        return;
    size_t cap = b->cap;
    while (b->n + more > cap)
        cap = cap ? cap * 2 : 4096;
    b->p = xbig_grow(b->p, b->cap, cap);
    b->cap = cap;
}

#define RECORD_MAX 30 /* bytes: the longest record (two 64-bit varints, two 32-bit ones) */
#define CHUNK 1024     /* records between two checks of the room left */

/* Room for at least 10 bytes must have been reserved. */
static inline void put_varint(Buf *b, uint64_t v)
{
    while (v >= 0x80) {
        b->p[b->n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    b->p[b->n++] = (uint8_t)v;
}

/* A wrapping difference as a zigzag varint: small either way, and any pair of 64-bit
 * values round-trips (the decoder adds it back modulo 2^64). */
static inline uint64_t zigzag(uint64_t diff)
{
    return (diff << 1) ^ (0 - (diff >> 63));
}

static inline uint64_t unzigzag(uint64_t z)
{
    return (z >> 1) ^ (0 - (z & 1));
}

void record_events_encode(const Recording *r, RecordEvents *ev)
{
    Buf b = {0};
    buf_reserve(&b, EVENTS_MAGIC_LEN + 20 + r->nallocs * 4 + r->nfrees * 3);
    memcpy(b.p, EVENTS_MAGIC, EVENTS_MAGIC_LEN);
    b.n = EVENTS_MAGIC_LEN;
    put_varint(&b, r->nallocs);
    put_varint(&b, r->nfrees);
    uint64_t t = 0, addr = 0;
    for (size_t i = 0; i < r->nallocs; i++) {
        const RecAlloc *a = &r->allocs[i];
        if (i % CHUNK == 0)
            buf_reserve(&b, CHUNK * RECORD_MAX);
        put_varint(&b, zigzag(a->time - t));
        put_varint(&b, zigzag((uint64_t)a->addr - addr));
        put_varint(&b, a->size);
        put_varint(&b, a->stack);
        t = a->time;
        addr = a->addr;
    }
    t = 0;
    uint64_t idx = 0;
    for (size_t i = 0; i < r->nfrees; i++) {
        const RecFree *f = &r->frees[i];
        const RecAlloc *a = f->alloc_idx && f->alloc_idx <= r->nallocs ? &r->allocs[f->alloc_idx - 1] : NULL;
        bool explicit_ = !a; /* a free that matched an allocation has its address and size */
        if (i % CHUNK == 0)
            buf_reserve(&b, CHUNK * RECORD_MAX);
        put_varint(&b, zigzag(f->time - t));
        uint64_t w = zigzag((uint64_t)f->alloc_idx - idx) << 2;
        put_varint(&b, w | (f->by_gc ? FREE_BY_GC : 0) | (explicit_ ? FREE_EXPLICIT : 0));
        if (explicit_) {
            put_varint(&b, f->addr);
            put_varint(&b, 0);
        }
        t = f->time;
        idx = f->alloc_idx;
    }
    ev->data = b.p;
    ev->len = b.n;
    ev->cap = b.cap;
    ev->crc = crc32_of(0, b.p, b.n);
}

void record_events_free(RecordEvents *ev)
{
    xbig_free(ev->data, ev->cap);
    ev->data = NULL;
    ev->len = ev->cap = 0;
}

/* ---- decoding ---- */

typedef struct Reader {
    const uint8_t *p, *end;
    bool bad;
} Reader;

static uint64_t get_varint(Reader *rd)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (rd->p == rd->end) {
            rd->bad = true;
            return 0;
        }
        uint8_t byte = *rd->p++;
        v |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            if (shift == 63 && byte > 1) /* more than 64 bits */
                rd->bad = true;
            return v;
        }
    }
    rd->bad = true;
    return 0;
}

static bool get_u32v(Reader *rd, uint32_t *out)
{
    uint64_t v = get_varint(rd);
    *out = (uint32_t)v;
    return !rd->bad && v <= UINT32_MAX;
}

int record_events_decode(Recording *r, const uint8_t *data, size_t len, size_t nallocs, size_t nfrees, char **err)
{
    if (len < EVENTS_MAGIC_LEN || memcmp(data, EVENTS_MAGIC, EVENTS_MAGIC_LEN)) {
        set_err(err, "not a baregc events file (it does not begin with \"baregc-events/1\")");
        return -1;
    }
    Reader rd = {.p = data + EVENTS_MAGIC_LEN, .end = data + len};
    uint64_t na = get_varint(&rd), nf = get_varint(&rd);
    if (rd.bad) {
        set_err(err, "truncated header");
        return -1;
    }
    if (na != nallocs || nf != nfrees) {
        set_err(err, "holds %llu allocations and %llu frees, record.json says %zu and %zu",
                (unsigned long long)na, (unsigned long long)nf, nallocs, nfrees);
        return -1;
    }
    /* Each record takes at least 4 (allocation) or 2 (free) bytes: a count beyond
     * what the file can hold is caught before anything is allocated for it. */
    if (na > len / 4 || nf > len / 2 || na > REC_FREE_ALLOC_MAX) {
        set_err(err, "counts larger than the file can hold");
        return -1;
    }
    r->allocs = xbig_grow(NULL, 0, (na ? na : 1) * sizeof *r->allocs);
    r->cap_allocs = na ? na : 1;
    r->frees = xbig_grow(NULL, 0, (nf ? nf : 1) * sizeof *r->frees);
    r->cap_frees = nf ? nf : 1;
    uint64_t t = 0, addr = 0;
    for (size_t i = 0; i < na; i++) {
        RecAlloc *a = &r->allocs[i];
        t += unzigzag(get_varint(&rd));
        addr += unzigzag(get_varint(&rd));
        uint32_t stack;
        bool ok = get_u32v(&rd, &a->size) && get_u32v(&rd, &stack);
        if (!ok) {
            set_err(err, "allocs[%zu]: %s", i, rd.bad ? "truncated or malformed" : "value out of range");
            return -1;
        }
        if (addr > UINT32_MAX || t > (1ull << 53)) {
            set_err(err, "allocs[%zu]: %s out of range", i, addr > UINT32_MAX ? "address" : "time");
            return -1;
        }
        if (stack >= r->nstacks) {
            set_err(err, "allocs[%zu]: stack %u does not exist (%zu stacks)", i, (unsigned)stack, r->nstacks - 1);
            return -1;
        }
        a->time = t;
        a->addr = (uint32_t)addr;
        a->stack = stack;
        r->nallocs++;
    }
    t = 0;
    uint64_t idx = 0;
    for (size_t i = 0; i < nf; i++) {
        RecFree *f = &r->frees[i];
        t += unzigzag(get_varint(&rd));
        uint64_t w = get_varint(&rd);
        idx += unzigzag(w >> 2);
        bool explicit_ = w & FREE_EXPLICIT;
        uint32_t addr_x = 0, size_x = 0; /* explicit address and size */
        if (!rd.bad && explicit_ && !(get_u32v(&rd, &addr_x) && get_u32v(&rd, &size_x))) {
            set_err(err, "frees[%zu]: %s", i, rd.bad ? "truncated or malformed" : "value out of range");
            return -1;
        }
        if (rd.bad) {
            set_err(err, "frees[%zu]: truncated or malformed", i);
            return -1;
        }
        if (t > (1ull << 53)) {
            set_err(err, "frees[%zu]: time out of range", i);
            return -1;
        }
        if (idx > na) {
            set_err(err, "frees[%zu]: allocation %llu does not exist (%zu allocations)", i,
                    (unsigned long long)idx, (size_t)na);
            return -1;
        }
        if (!idx && !explicit_) {
            set_err(err, "frees[%zu]: neither an allocation nor an address", i);
            return -1;
        }
        f->time = t;
        f->addr = addr_x;
        f->alloc_idx = (uint32_t)idx;
        f->by_gc = (w & FREE_BY_GC) != 0;
        if (idx) {
            RecAlloc *a = &r->allocs[idx - 1];
            if (a->free_idx) {
                set_err(err, "frees[%zu]: allocs[%llu] was already freed by frees[%u]", i,
                        (unsigned long long)idx - 1, (unsigned)a->free_idx - 1);
                return -1;
            }
            a->free_idx = (uint32_t)i + 1;
            f->addr = a->addr;
        }
        /* A free's size is its allocation's (RecFree keeps none): explicit values
         * that say otherwise cannot be kept (baregc never writes them). */
        if (explicit_ && !idx && size_x) {
            set_err(err, "frees[%zu]: size %u for a free of no allocation (its size is 0)", i, size_x);
            return -1;
        }
        if (explicit_ && idx && (addr_x != f->addr || size_x != r->allocs[idx - 1].size)) {
            set_err(err, "frees[%zu]: address 0x%x and size %u are not those of allocs[%llu]", i, addr_x, size_x,
                    (unsigned long long)idx - 1);
            return -1;
        }
        r->nfrees++;
    }
    if (rd.p != rd.end) {
        set_err(err, "%zu bytes after the last free", (size_t)(rd.end - rd.p));
        return -1;
    }
    return 0;
}
