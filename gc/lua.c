/* lua.c: the Lua 5.4 (lgc.c, lmem.c) adapter: luaC_fullgc is one long pause, luaC_step one
 * incremental step; allocations and frees through luaM_malloc_ / luaM_free_ (and
 * luaM_realloc_) when the build kept them as functions.
 *
 * Facts from Lua 5.4's sources:
 * - void luaC_fullgc(lua_State *L, int isemergency); void luaC_step(lua_State *L);
 * - void *luaM_malloc_(lua_State *L, size_t size, int tag);
 *   void luaM_free_(lua_State *L, void *block, size_t osize);
 *   void *luaM_realloc_(lua_State *L, void *block, size_t osize, size_t nsize);
 * - the heap in use is g->totalbytes + g->GCdebt with g = L->l_G (global_State).
 * Not observable here: the heap size, because every global_State hangs off a lua_State
 * that lives in the program's own variables (no standard global symbol names one); and
 * allocations made by inlined callers of the per-state lua_Alloc function. */
#include "config.h"

#include <stdlib.h>

#include "gc/runtime.h"
#include "base/util.h"

static bool has(const Image *img, const char *name) { return image_symbol_by_name(img, name) != NULL; }

static bool lua_probe(const Image *img) { return img && has(img, "luaC_fullgc") && has(img, "luaC_step"); }

static GcRuntime *lua_open(const Image *img, char **err)
{
    GcRuntime *rt = gc_runtime_new("lua", img);
    GcHook *h;
    gc_runtime_add_hook(rt, GC_HOOK_PAUSE, "luaC_fullgc");
    gc_runtime_add_hook(rt, GC_HOOK_PAUSE, "luaC_step")->incremental = true;

    bool have_malloc = img && has(img, "luaM_malloc_");
    h = gc_runtime_add_hook(rt, GC_HOOK_ALLOC, "luaM_malloc_");
    h->size_arg = 1;
    h->optional = true;
    h = gc_runtime_add_hook(rt, GC_HOOK_FREE, "luaM_free_");
    h->ptr_arg = 1;
    h->optional = true;
    /* luaM_realloc_(L, block, osize, nsize): vectors and strings grow through it. */
    h = gc_runtime_add_hook(rt, GC_HOOK_REALLOC, "luaM_realloc_");
    h->ptr_arg = 1;
    h->size_arg = 3;
    h->optional = true;
    /* A collection that starts inside an allocation is allocation pressure (the
     * emergency collection of luaM_malloc_'s tryagain). */
    gc_runtime_add_hook(rt, GC_HOOK_TRIGGER, "luaM_malloc_")->optional = true;

    if (gc_runtime_resolve(rt, err) < 0) {
        gc_runtime_free(rt);
        return NULL;
    }
    if (have_malloc)
        gc_runtime_note(rt, "allocations go through the per-state lua_Alloc function: those made by callers "
                            "that inline it rather than calling luaM_malloc_/luaM_realloc_ are not seen");
    gc_runtime_note(rt, "the heap in use (global_State totalbytes + GCdebt) needs a lua_State pointer, which "
                        "no standard symbol holds: heap size and fragmentation are not observed");
    /* No heap_state: Lua has no block table and its counters are out of reach. */
    return rt;
}

const GcAdapterClass gc_adapter_lua = {
    .name = "lua",
    .description = "Lua 5.4: luaC_fullgc pauses, luaC_step incremental steps, luaM_malloc_/luaM_free_",
    .probe = lua_probe,
    .open = lua_open,
};
