/* lua.c: the Lua 5.4 (lgc.c, lmem.c, lapi.c) adapter: luaC_fullgc is one long pause,
 * luaC_step one incremental step; allocations and frees through luaM_malloc_ / luaM_free_
 * (and luaM_realloc_) when the build kept them as functions; the heap in use from the
 * global_State that the collector's lua_State argument leads to.
 *
 * Facts from Lua 5.4's sources (5.4.0 .. 5.4.8 agree):
 * - void luaC_fullgc(lua_State *L, int isemergency); void luaC_step(lua_State *L);
 * - what starts a collection: lua_gc (collectgarbage) calls luaC_fullgc(L, 0) for
 *   "collect" and luaC_step, or luaC_checkGC, for "step": explicit; luaC_checkGC, the
 *   macro after allocations (lgc.h), calls luaC_step when GCdebt > 0: allocation debt;
 *   lmem.c's tryagain and lstring.c's growstrtab call luaC_fullgc(L, 1) when an
 *   allocation failed: an emergency collection, also an allocation's;
 * - void *luaM_malloc_(lua_State *L, size_t size, int tag);
 *   void luaM_free_(lua_State *L, void *block, size_t osize);
 *   void *luaM_realloc_(lua_State *L, void *block, size_t osize, size_t nsize);
 * - lstate.h: the heap in use is gettotalbytes(g) = g->totalbytes + g->GCdebt with
 *   g = L->l_G, counting the bytes Lua asked its lua_Alloc for (its own accounting: the
 *   allocator underneath may charge more); the sweep frees through luaM_free_;
 * - lua_close frees every object and the state itself.
 * Field offsets come from DWARF when the image has it, else from lstate.h's documented
 * layout for 32-bit targets (LUA_STATE_LAYOUT below). Not observable here: allocations
 * made by inlined callers of the per-state lua_Alloc function; the objects a pause frees
 * (Lua keeps no such count); the full collection luaC_changemode runs on switching to
 * generational mode (not a pause here). */
#include "config.h"

#include <stdlib.h>

#include "gc/runtime.h"
#include "base/util.h"

/* lstate.h (5.4.0 .. 5.4.8) on a 32-bit target: struct lua_State { CommonHeader (next,
 * tt, marked); lu_byte status, allowhook; unsigned short nci; StkIdRel top; global_State
 * *l_G; ... } and struct global_State { lua_Alloc frealloc; void *ud; l_mem totalbytes;
 * l_mem GCdebt; ... } with l_mem a 32-bit ptrdiff_t. */
#define LUA_STATE_LAYOUT "Lua 5.4 lstate.h, 32-bit: lua_State.l_G at 16, global_State.totalbytes at 8, GCdebt at 12"
enum { LUA_OFF_L_G = 16, LUA_OFF_TOTALBYTES = 8, LUA_OFF_GCDEBT = 12 };

typedef struct LuaPriv {
    uint32_t off_l_g, off_totalbytes, off_gcdebt; /* bytes */
    uint32_t state;  /* the lua_State last seen at a collector's entry (0: none, or closed) */
    uint32_t global; /* its global_State (0: not known) */
} LuaPriv;

static bool has(const Image *img, const char *name) { return image_symbol_by_name(img, name) != NULL; }

static bool lua_probe(const Image *img) { return img && has(img, "luaC_fullgc") && has(img, "luaC_step"); }

static int read_u32(GcReadFn read, void *opaque, uint32_t addr, uint32_t *v)
{
    uint8_t b[4];
    if (read(opaque, addr, b, 4) != 0)
        return -1;
    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return 0;
}

/* A collector was entered with L (every lua_State of one Lua state shares its global_State:
 * read it again only when L changes), or lua_close ended the state (L = 0). */
static void lua_set_state(GcRuntime *rt, GcReadFn read, void *opaque, uint32_t L)
{
    LuaPriv *p = rt->priv;
    if (L && L == p->state && p->global)
        return;
    p->state = L;
    p->global = 0;
    uint32_t g;
    if (L && read_u32(read, opaque, L + p->off_l_g, &g) == 0)
        p->global = g;
}

static int lua_heap_state(GcRuntime *rt, GcReadFn read, void *opaque, bool want_blocks, GcHeapState *out)
{
    LuaPriv *p = rt->priv;
    (void)want_blocks;
    *out = (GcHeapState){.used = REC_UNKNOWN, .free = REC_UNKNOWN, .largest_free = REC_UNKNOWN};
    if (!p->global)
        return 0; /* no collection seen yet, or the state is closed */
    uint32_t total, debt;
    if (read_u32(read, opaque, p->global + p->off_totalbytes, &total) ||
        read_u32(read, opaque, p->global + p->off_gcdebt, &debt))
        return -1;
    int64_t used = (int64_t)(int32_t)total + (int64_t)(int32_t)debt; /* l_mem: signed */
    if (used < 0)
        return -1;
    out->used = used;
    return 0;
}

static void lua_free_priv(GcRuntime *rt)
{
    free(rt->priv);
    rt->priv = NULL;
}

/* The field offsets from DWARF (all three), else the documented layout. */
static void lua_layout(GcRuntime *rt, LuaPriv *p)
{
    const Image *img = rt->img;
    if (image_member_offset(img, "lua_State", "l_G", &p->off_l_g) &&
        image_member_offset(img, "global_State", "totalbytes", &p->off_totalbytes) &&
        image_member_offset(img, "global_State", "GCdebt", &p->off_gcdebt)) {
        rt->layout_source = xstrdup("DWARF (lua_State.l_G, global_State.totalbytes + GCdebt)");
        return;
    }
    *p = (LuaPriv){.off_l_g = LUA_OFF_L_G, .off_totalbytes = LUA_OFF_TOTALBYTES, .off_gcdebt = LUA_OFF_GCDEBT};
    rt->layout_source = xstrdup("documented layout (" LUA_STATE_LAYOUT ")");
}

static GcRuntime *lua_open(const Image *img, char **err)
{
    GcRuntime *rt = gc_runtime_new("lua", img);
    GcHook *h;
    /* The state first: the pause hooks at the same entries read the heap through it. */
    gc_runtime_add_hook(rt, GC_HOOK_STATE, "luaC_fullgc");
    gc_runtime_add_hook(rt, GC_HOOK_STATE, "luaC_step");
    h = gc_runtime_add_hook(rt, GC_HOOK_STATE, "lua_close");
    h->closes = true;
    h->optional = true;
    /* luaC_fullgc(L, isemergency): explicit, unless an allocation failed. */
    gc_runtime_add_hook(rt, GC_HOOK_PAUSE, "luaC_fullgc")->trigger_arg = 1;
    /* luaC_step: allocation debt (luaC_checkGC), unless lua_gc asked for it. */
    h = gc_runtime_add_hook(rt, GC_HOOK_PAUSE, "luaC_step");
    h->incremental = true;
    h->trigger = REC_TRIGGER_ALLOC;
    h = gc_runtime_add_hook(rt, GC_HOOK_TRIGGER, "lua_gc");
    h->trigger = REC_TRIGGER_EXPLICIT;
    h->optional = true;

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

    if (gc_runtime_resolve(rt, err) < 0) {
        gc_runtime_free(rt);
        return NULL;
    }
    if (have_malloc)
        gc_runtime_note(rt, "allocations go through the per-state lua_Alloc function: those made by callers "
                            "that inline it rather than calling luaM_malloc_/luaM_realloc_ are not seen");
    gc_runtime_note(rt, "the heap (global_State totalbytes + GCdebt) is read once a collection has shown "
                        "its lua_State; Lua has no free-space or block figures, nor a count of the objects "
                        "a collection frees");
    gc_runtime_note(rt, "luaC_changemode's full collection on entering generational mode is not a pause here");
    LuaPriv *p = xcalloc(1, sizeof *p);
    rt->priv = p;
    rt->free_priv = lua_free_priv;
    lua_layout(rt, p);
    rt->set_state = lua_set_state;
    rt->heap_state = lua_heap_state;
    rt->alloc_unit = 1; /* Lua counts the bytes it asks lua_Alloc for */
    return rt;
}

const GcAdapterClass gc_adapter_lua = {
    .name = "lua",
    .description = "Lua 5.4: luaC_fullgc pauses, luaC_step incremental steps, luaM_malloc_/luaM_free_, "
                   "global_State's byte count",
    .probe = lua_probe,
    .open = lua_open,
};
