/* runtime.h: GC runtime adapters. An adapter knows one collector (the project's own
 * gcrt, MicroPython, TinyGo, Lua, or one described by a JSON profile): which functions
 * to hook for pauses, phases, allocations and frees, and how to read the heap's state
 * from guest memory. It only describes; gc/observe.c places the hooks and records. */
#ifndef BAREGC_RUNTIME_H
#define BAREGC_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gc/record.h"
#include "base/image.h"

typedef enum GcHookKind {
    GC_HOOK_PAUSE,       /* entry .. return of `symbol` is one pause */
    GC_HOOK_PAUSE_BEGIN, /* entry of `symbol` begins a pause ... */
    GC_HOOK_PAUSE_END,   /* ... the return of `symbol` ends it */
    GC_HOOK_PHASE,       /* entry .. return of `symbol` is phase `phase` of the open pause */
    GC_HOOK_ALLOC,       /* `symbol`(.. size in arg `size_arg` ..) returns the address */
    GC_HOOK_FREE,        /* `symbol`(.. address in arg `ptr_arg` ..) */
    GC_HOOK_REALLOC,     /* `symbol`(ptr in `ptr_arg`, size in `size_arg`) returns the address */
    GC_HOOK_TRIGGER,     /* a pause that begins while `symbol` runs has trigger `trigger` */
    GC_HOOK_STATE,       /* `symbol`(.. the runtime's state in arg `ptr_arg` ..): rt->set_state
                            at its entry, or with 0 when `closes`; hooks at one entry run in
                            the order added, so add it before a pause hook that needs it */
} GcHookKind;

typedef struct GcHook {
    GcHookKind kind;
    char *symbol;        /* owned */
    char *phase;         /* GC_HOOK_PHASE: owned */
    int size_arg;        /* argument register index (0 = r0/a0) */
    int ptr_arg;
    bool incremental;    /* GC_HOOK_PAUSE: each call is one incremental step */
    bool optional;       /* its absence is a note, not an error */
    bool closes;         /* GC_HOOK_STATE: the state ends here (lua_close) */
    RecTrigger trigger;  /* GC_HOOK_TRIGGER: what a pause in its scope is (default ALLOC);
                            PAUSE, PAUSE_BEGIN: what a pause outside every such scope is
                            (default EXPLICIT) */
    int trigger_arg;     /* PAUSE: an argument that, when not 0, makes the pause
                            REC_TRIGGER_ALLOC (Lua's isemergency); -1 (default): none */
    uint32_t addr;       /* resolved entry address (Thumb bit clear); 0 = not in the image */
    ImageRange *ranges;  /* GC_HOOK_PHASE without a symbol: where DWARF says the function was
                            inlined (owned); the phase lasts while the code runs there */
    size_t nranges;
} GcHook;

#define GC_INLINE_SITE_MAX 4096 /* bytes: the largest function whose inlined phases are followed
                                  (gc/observe.c hooks every 2 bytes of it) */

/* The heap's state as read from guest memory. */
typedef struct GcHeapState {
    int64_t used, free, largest_free; /* bytes; REC_UNKNOWN where not observable */
    uint32_t base, block_size, nblocks; /* the block table, when the runtime has one */
    uint8_t *blocks;                  /* nblocks REC_BLOCK_* values (malloc'd) or NULL */
} GcHeapState;

/* Guest memory as an adapter reads it: returns 0 on success. */
typedef int (*GcReadFn)(void *opaque, uint32_t addr, void *buf, size_t len);

typedef struct GcRuntime GcRuntime;
struct GcRuntime {
    char *name;           /* "gcrt", "micropython", "tinygo", "lua", or the profile's name (owned) */
    GcHook *hooks;        /* owned */
    size_t nhooks;
    char **notes;         /* what this adapter cannot observe in this image (owned) */
    size_t nnotes;
    char *layout_source;  /* e.g. "DWARF" or "documented layout (MicroPython v1.22)" */
    uint32_t heap_start, heap_end; /* the heap's extent when known */
    /* What the allocator charges for a request (RecRunInfo.alloc_unit, alloc_min_units):
     * whole units of alloc_unit bytes, at least alloc_min_units; 0: not known (yet). */
    uint32_t alloc_unit, alloc_min_units;
    /* Allocations whose call site (the return address into the allocator's caller, less
     * one) lies in one of these ranges are stacks: a goroutine's, a thread's (owned). */
    ImageRange *stack_sites;
    size_t nstack_sites;
    /* GC_HOOK_STATE: the runtime's state pointer seen at a hooked entry (0: it ended);
     * read guest memory with read(opaque, ...) if needed. NULL: no such hooks. */
    void (*set_state)(GcRuntime *rt, GcReadFn read, void *opaque, uint32_t state);
    /* Read the heap's state (with per-block states if want_blocks); NULL if not
     * observable. 0 on success, -1 when guest memory does not make sense. */
    int (*heap_state)(GcRuntime *rt, GcReadFn read, void *opaque, bool want_blocks, GcHeapState *out);
    void (*free_priv)(GcRuntime *rt);
    void *priv;
    const Image *img;
};

/* Detection and construction, one per adapter file. `probe` says whether the
 * image's symbols look like the runtime; `open` builds the adapter (NULL and *err
 * when required symbols are missing, naming them). */
typedef struct GcAdapterClass {
    const char *name;
    const char *description;
    bool (*probe)(const Image *img);
    GcRuntime *(*open)(const Image *img, char **err);
} GcAdapterClass;

extern const GcAdapterClass gc_adapter_gcrt, gc_adapter_micropython, gc_adapter_tinygo,
    gc_adapter_lua, gc_adapter_events;

/* All adapters, in detection order. */
const GcAdapterClass *const *gc_adapters(size_t *n);
/* By name (--gc-runtime), NULL if unknown. */
const GcAdapterClass *gc_adapter_find(const char *name);
/* Auto-detect: the first adapter whose probe matches; NULL if none. */
const GcAdapterClass *gc_adapter_detect(const Image *img);
/* A runtime from a JSON profile file (--gc-profile); NULL and *err on a malformed
 * file (naming the key) or a missing symbol (naming it). */
GcRuntime *gc_profile_open(const char *path, const Image *img, char **err);

/* Helpers for adapters. */
GcRuntime *gc_runtime_new(const char *name, const Image *img);
GcHook *gc_runtime_add_hook(GcRuntime *rt, GcHookKind kind, const char *symbol);
void gc_runtime_note(GcRuntime *rt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Resolve every hook's address from the image; a missing non-optional hook is an
 * error naming the symbol. A missing optional phase hook takes the ranges where DWARF
 * says its function was inlined, if any (in a function of known size up to
 * GC_INLINE_SITE_MAX bytes); a missing optional hook without them becomes a note (a
 * phase's says whether other hooks of that phase still record it, and which). */
int gc_runtime_resolve(GcRuntime *rt, char **err);
void gc_runtime_free(GcRuntime *rt);
/* Adds the ranges where `function` was inlined (DWARF), and its own code when it is a
 * function symbol, to rt->stack_sites. Returns how many ranges were added. */
size_t gc_runtime_stack_site(GcRuntime *rt, const char *function);
/* The 2-bit-per-block allocation table shared by gcrt, MicroPython and TinyGo (block
 * i in byte i / 4, bits 2 * (i % 4); FREE 0, HEAD 1, TAIL 2, MARK 3 = REC_BLOCK_*):
 * read nblocks entries at `table` from guest memory and fill out's used, free and
 * largest free (and base, block_size, nblocks, and the per-block states when
 * want_blocks). 0, or -1 when the table cannot be read. */
int gc_read_block_table(GcReadFn read, void *opaque, uint32_t table, uint32_t nblocks, uint32_t base,
                        uint32_t block_size, bool want_blocks, GcHeapState *out);

#endif
