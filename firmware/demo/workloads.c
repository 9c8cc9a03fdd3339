/* workloads.c: allocation-heavy workloads on gcrt (binary trees, list churn, strings, a
 * hash map). Every result is a checksum of the data alone: the same whatever the heap
 * size, the collector's timing or the interrupts. Pointer stores into heap objects go
 * through GC_WRITE (the incremental collector's write barrier; a plain store otherwise). */
#include <string.h>

#include "board.h"
#include "gc.h"
#include "semihost.h"
#include "workloads.h"

/* Statics are GC roots (scanned conservatively with .data/.bss). */
static void *list_keep[WL_MAX_KEEP];
static uint32_t lcg_state;

static uint32_t lcg(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state >> 8;
}

__attribute__((noreturn)) static void oom(const char *where)
{
    uart_printf("gc-demo: out of memory in %s\n", where);
    gc_print_stats();
    sh_exit(2);
}

static void *xalloc(size_t n, const char *where)
{
    void *p = gc_alloc(n);
    if (!p)
        oom(where);
    return p;
}

/* ---- binary trees ---- */

typedef struct Node {
    struct Node *left;
    struct Node *right;
} Node;

static Node *tree_make(int depth)
{
    Node *n = xalloc(sizeof *n, "binary-trees");

    if (depth > 0) {
        GC_WRITE(n->left, tree_make(depth - 1));
        GC_WRITE(n->right, tree_make(depth - 1));
    }
    return n;
}

static uint32_t tree_check(const Node *n)
{
    if (!n->left)
        return 1;
    return 1 + tree_check(n->left) + tree_check(n->right);
}

uint32_t wl_binary_trees(int min_depth, int max_depth, int verbose)
{
    Node *long_lived = tree_make(max_depth - 1);
    uint32_t total = 0;

    for (int d = min_depth; d <= max_depth; d += 2) {
        uint32_t iters = 1u << (max_depth - d + min_depth);
        uint32_t check = 0;

        for (uint32_t i = 0; i < iters; i++)
            check += tree_check(tree_make(d));
        if (verbose)
            uart_printf("binary-trees: %lu trees of depth %d check %lu\n", (unsigned long)iters,
                        d, (unsigned long)check);
        total += check;
    }
    total += tree_check(long_lived);
    if (verbose)
        uart_printf("binary-trees: long lived tree of depth %d check %lu\n", max_depth - 1,
                    (unsigned long)tree_check(long_lived));
    return total;
}

/* ---- list churn ---- */

typedef struct Cell {
    uint32_t value;
    struct Cell *next;
} Cell;

static Cell *list_make(uint32_t len)
{
    Cell *head = NULL;

    for (uint32_t i = 0; i < len; i++) {
        Cell *c = xalloc(sizeof *c, "list-churn");
        c->value = lcg() & 0xFFFF;
        GC_WRITE(c->next, head);
        head = c;
    }
    return head;
}

static Cell *list_reverse(Cell *c)
{
    Cell *prev = NULL;

    while (c) {
        Cell *next = c->next;
        GC_WRITE(c->next, prev);
        prev = c;
        c = next;
    }
    return prev;
}

uint32_t wl_list_churn(int rounds, int keep, int max_len, int verbose)
{
    uint32_t checksum = 0;

    lcg_state = 12345;
    if (keep > WL_MAX_KEEP)
        keep = WL_MAX_KEEP;
    for (int r = 0; r < rounds; r++) {
        uint32_t len = 8 + lcg() % (uint32_t)(max_len - 7);
        Cell *l = list_make(len);
        uint32_t sum = 0, pos = 0;

        if (r % 4 == 3)
            l = list_reverse(l);
        for (Cell *c = l; c; c = c->next)
            sum += c->value * ++pos;
        checksum = checksum * 31u + sum;
        list_keep[r % keep] = l;   /* the list it replaces becomes garbage */
    }
    /* The kept lists must have survived every collection intact. */
    for (int k = 0; k < keep; k++)
        for (Cell *c = list_keep[k]; c; c = c->next)
            checksum += c->value;
    memset(list_keep, 0, sizeof list_keep);
    if (verbose)
        uart_printf("list-churn: %d rounds checksum %08lx\n", rounds, (unsigned long)checksum);
    return checksum;
}

/* ---- strings ---- */

static char *str_new(const char *s, size_t len)
{
    char *p = xalloc(len + 1, "strings");
    memcpy(p, s, len);
    p[len] = 0;
    return p;
}

static char *str_concat(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = xalloc(la + lb + 1, "strings");

    memcpy(p, a, la);
    memcpy(p + la, b, lb + 1);
    return p;
}

static uint32_t fnv1a(uint32_t h, const char *s)
{
    while (*s) {
        h ^= (uint8_t)*s++;
        h *= 16777619u;
    }
    return h;
}

/* Split `s` at `sep` into a GC'd array of GC'd strings; *n = count. */
static char **str_split(const char *s, char sep, uint32_t *n)
{
    uint32_t count = 1, i = 0;
    char **v;

    for (const char *p = s; *p; p++)
        if (*p == sep)
            count++;
    v = xalloc(count * sizeof *v, "strings");
    for (;;) {
        const char *e = strchr(s, sep);
        size_t len = e ? (size_t)(e - s) : strlen(s);
        GC_WRITE(v[i], str_new(s, len));
        i++;
        if (!e)
            break;
        s = e + 1;
    }
    *n = i;
    return v;
}

uint32_t wl_strings(int rounds, int items, int verbose)
{
    uint32_t hash = 2166136261u, tokens = 0;

    for (int r = 0; r < rounds; r++) {
        char *csv = str_new("", 0);
        char item[24];
        uint32_t h_in = 2166136261u, h_out = 2166136261u, n;
        char **v;

        for (int i = 0; i < items; i++) {
            int len = 0;
            uint32_t x = (uint32_t)(r * 7 + i * 13);
            item[len++] = (char)('a' + r % 26);
            do {
                item[len++] = (char)('0' + x % 10);
                x /= 10;
            } while (x);
            item[len] = 0;
            h_in = fnv1a(h_in, item);
            csv = str_concat(csv, i ? "," : "");   /* every step leaves garbage behind */
            csv = str_concat(csv, item);
        }
        v = str_split(csv, ',', &n);
        for (uint32_t i = 0; i < n; i++)
            h_out = fnv1a(h_out, v[i]);
        if (n != (uint32_t)items || h_in != h_out) {
            uart_printf("strings: round %d split mismatch\n", r);
            sh_exit(3);
        }
        tokens += n;
        hash = fnv1a(hash, csv) ^ h_out;
    }
    if (verbose)
        uart_printf("strings: %d rounds tokens %lu hash %08lx\n", rounds, (unsigned long)tokens,
                    (unsigned long)hash);
    return hash;
}

/* ---- hash map ---- */

typedef struct Entry {
    uint32_t key;
    uint32_t value;
    struct Entry *next;
} Entry;

typedef struct Map {
    Entry **buckets;
    uint32_t nbuckets;
    uint32_t count;
} Map;

static void map_put(Map *m, uint32_t key, uint32_t value)
{
    uint32_t b = key % m->nbuckets;
    Entry *e;

    for (e = m->buckets[b]; e; e = e->next) {
        if (e->key == key) {
            e->value = value;
            return;
        }
    }
    if (m->count + 1 > m->nbuckets * 3 / 4) {
        /* Grow: a new bucket array; the old one becomes garbage. */
        uint32_t nb = m->nbuckets * 2;
        Entry **nv = xalloc(nb * sizeof *nv, "hash-map");
        for (uint32_t i = 0; i < m->nbuckets; i++) {
            e = m->buckets[i];
            while (e) {
                Entry *next = e->next;
                GC_WRITE(e->next, nv[e->key % nb]);
                GC_WRITE(nv[e->key % nb], e);
                e = next;
            }
        }
        GC_WRITE(m->buckets, nv);
        m->nbuckets = nb;
        b = key % nb;
    }
    e = xalloc(sizeof *e, "hash-map");
    e->key = key;
    e->value = value;
    GC_WRITE(e->next, m->buckets[b]);
    GC_WRITE(m->buckets[b], e);
    m->count++;
}

static Entry *map_get(const Map *m, uint32_t key)
{
    for (Entry *e = m->buckets[key % m->nbuckets]; e; e = e->next)
        if (e->key == key)
            return e;
    return NULL;
}

static void map_del(Map *m, uint32_t key)
{
    Entry **pp = &m->buckets[key % m->nbuckets];

    for (; *pp; pp = &(*pp)->next) {
        if ((*pp)->key == key) {
            Entry *e = *pp;
            GC_WRITE(*pp, e->next);
            m->count--;
            gc_free(e);           /* unlinked and unused: give it back at once */
            return;
        }
    }
}

uint32_t wl_hash_map(int rounds, int entries, int verbose)
{
    uint32_t checksum = 0;

    for (int r = 0; r < rounds; r++) {
        Map *m = xalloc(sizeof *m, "hash-map");

        m->nbuckets = 8;
        GC_WRITE(m->buckets, xalloc(m->nbuckets * sizeof *m->buckets, "hash-map"));
        lcg_state = 777u + (uint32_t)r;
        for (int i = 0; i < entries; i++) {
            uint32_t k = lcg() % (uint32_t)(entries * 4);
            map_put(m, k, (uint32_t)i);
        }
        lcg_state = 777u + (uint32_t)r;
        for (int i = 0; i < entries; i++) {
            uint32_t k = lcg() % (uint32_t)(entries * 4);
            Entry *e = map_get(m, k);
            if (i % 3 == 0)
                map_del(m, k);
            else if (e)
                checksum = checksum * 33u + e->value + k;
        }
        checksum += m->count;
    }
    if (verbose)
        uart_printf("hash-map: %d rounds of %d entries checksum %08lx\n", rounds, entries,
                    (unsigned long)checksum);
    return checksum;
}
