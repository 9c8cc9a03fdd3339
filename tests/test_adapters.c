/* test_adapters.c: the MicroPython, TinyGo and Lua adapters and the adapter helpers, on
 * ELF images and guest memory built here to each runtime's documented layout. */
#include "config.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "gc/runtime.h"
#include "base/image.h"
#include "base/util.h"
#include "tests/cunit_main.h"
#include "tests/loader_elf.h"

/* ---- fixtures ---- */

#define RAM_BASE 0x20000000u
#define RAM_SIZE 0x4000u

/* Guest memory for heap_state: one RAM window; reads outside it fail. */
typedef struct FakeMem {
    uint8_t bytes[RAM_SIZE];
    unsigned reads_failed;
} FakeMem;

static int fake_read(void *opaque, uint32_t addr, void *buf, size_t len)
{
    FakeMem *m = opaque;
    if (addr < RAM_BASE || (uint64_t)addr - RAM_BASE + len > RAM_SIZE) {
        m->reads_failed++;
        return -1;
    }
    memcpy(buf, m->bytes + (addr - RAM_BASE), len);
    return 0;
}

static void poke32(FakeMem *m, uint32_t addr, uint32_t v)
{
    uint8_t *p = m->bytes + (addr - RAM_BASE);
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void poke(FakeMem *m, uint32_t addr, const uint8_t *b, size_t n) { memcpy(m->bytes + (addr - RAM_BASE), b, n); }

static const TeSeg segs[] = {
    {.paddr = 0x00000000, .vaddr = 0x00000000, .filesz = 0x100, .memsz = 0x1000, .flags = PF_R | PF_X},
    {.paddr = RAM_BASE, .vaddr = RAM_BASE, .filesz = 0, .memsz = RAM_SIZE, .flags = PF_R | PF_W},
};

static Image *build(const char *name, unsigned machine, const TeSym *syms, size_t nsyms, const TeStruct *st,
                    size_t nst)
{
    TeSpec s = {
        .machine = machine, .type = ET_EXEC, .entry = 0x41,
        .seg = segs, .nseg = ARRAY_SIZE(segs),
        .sym = syms, .nsym = nsyms,
        .structs = st, .nstructs = nst,
    };
    size_t len;
    uint8_t *buf = te_build(&s, &len);
    char *path = te_path(name);
    CU_ASSERT_FATAL(te_write(path, buf, len) == 0);
    free(buf);
    int kind = 0;
    char *err = NULL;
    Image *img = image_load(path, &kind, &err);
    if (!img)
        fprintf(stderr, "\n  load failed: %s\n", err ? err : "?");
    free(err);
    free(path);
    return img;
}

/* Sym filters: the fixture minus the names in `drop` (NULL-terminated). */
static size_t filter(const TeSym *in, size_t n, const char *const *drop, TeSym *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool skip = false;
        for (const char *const *d = drop; d && *d; d++)
            if (strcmp(in[i].name, *d) == 0)
                skip = true;
        if (!skip)
            out[k++] = in[i];
    }
    return k;
}

static const GcHook *find_hook(const GcRuntime *rt, GcHookKind kind, const char *symbol)
{
    for (size_t i = 0; i < rt->nhooks; i++)
        if (rt->hooks[i].kind == kind && strcmp(rt->hooks[i].symbol, symbol) == 0)
            return &rt->hooks[i];
    return NULL;
}

static bool has_note(const GcRuntime *rt, const char *a, const char *b)
{
    for (size_t i = 0; i < rt->nnotes; i++)
        if (strstr(rt->notes[i], a) && (!b || strstr(rt->notes[i], b)))
            return true;
    return false;
}

static size_t count_hooks(const GcRuntime *rt, GcHookKind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < rt->nhooks; i++)
        n += rt->hooks[i].kind == kind;
    return n;
}

/* ---- helpers ---- */

static int freed_privs;
static void count_free_priv(GcRuntime *rt)
{
    freed_privs++;
    free(rt->priv);
}

static void test_runtime_helpers(void)
{
    const TeSym syms[] = {
        {"collect", 0x201, 8, STT_FUNC, STB_GLOBAL},
        {"alloc", 0x301, 8, STT_FUNC, STB_GLOBAL},
        {"data_thing", 0x20000011, 4, STT_NOTYPE, STB_GLOBAL}, /* odd on purpose */
    };
    Image *img = build("helpers.elf", EM_ARM, syms, ARRAY_SIZE(syms), NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);

    GcRuntime *rt = gc_runtime_new("test", img);
    CU_ASSERT_STRING_EQUAL(rt->name, "test");
    CU_ASSERT_PTR_EQUAL(rt->img, img);
    GcHook *h = gc_runtime_add_hook(rt, GC_HOOK_ALLOC, "alloc");
    CU_ASSERT_EQUAL(h->size_arg, 0);
    CU_ASSERT_EQUAL(h->ptr_arg, 0);
    CU_ASSERT_FALSE(h->optional);
    CU_ASSERT_FALSE(h->incremental);
    h->size_arg = 2;
    gc_runtime_add_hook(rt, GC_HOOK_PAUSE, "collect");
    gc_runtime_add_hook(rt, GC_HOOK_FREE, "data_thing");
    h = gc_runtime_add_hook(rt, GC_HOOK_PHASE, "absent_phase_fn");
    h->phase = xstrdup("mark");
    h->optional = true;
    gc_runtime_add_hook(rt, GC_HOOK_REALLOC, "absent_realloc")->optional = true;
    CU_ASSERT_EQUAL(rt->nhooks, 5);
    CU_ASSERT_EQUAL(rt->hooks[0].size_arg, 2); /* survives the array growing */

    char *err = NULL;
    CU_ASSERT_EQUAL(gc_runtime_resolve(rt, &err), 0);
    CU_ASSERT_PTR_NULL(err);
    CU_ASSERT_EQUAL(rt->hooks[0].addr, 0x300); /* Thumb bit clear */
    CU_ASSERT_EQUAL(rt->hooks[1].addr, 0x200);
    CU_ASSERT_EQUAL(rt->hooks[2].addr, 0x20000010);
    CU_ASSERT_EQUAL(rt->hooks[3].addr, 0);
    CU_ASSERT_EQUAL(rt->hooks[4].addr, 0);
    CU_ASSERT_EQUAL(rt->nnotes, 2);
    CU_ASSERT_TRUE(has_note(rt, "absent_phase_fn", "\"mark\""));
    CU_ASSERT_TRUE(has_note(rt, "absent_realloc", "reallocations"));
    gc_runtime_note(rt, "x=%d %s", 42, "y");
    CU_ASSERT_STRING_EQUAL(rt->notes[2], "x=42 y");

    /* required ones missing: an error naming each, once */
    gc_runtime_add_hook(rt, GC_HOOK_PAUSE_BEGIN, "nope_one");
    gc_runtime_add_hook(rt, GC_HOOK_TRIGGER, "nope_two");
    gc_runtime_add_hook(rt, GC_HOOK_PAUSE_END, "nope_one");
    CU_ASSERT_EQUAL(gc_runtime_resolve(rt, &err), -1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "test: "));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "nope_one, nope_two"));
    CU_ASSERT_PTR_NULL(strstr(strstr(err, "nope_one") + 1, "nope_one"));
    free(err);

    freed_privs = 0;
    rt->priv = xmalloc(8);
    rt->free_priv = count_free_priv;
    rt->layout_source = xstrdup("x");
    gc_runtime_free(rt);
    CU_ASSERT_EQUAL(freed_privs, 1);
    gc_runtime_free(NULL);
    image_free(img);
}

/* Pack block states 2 bits each, block 0 in the low bits. */
static void pack_states(FakeMem *m, uint32_t addr, const uint8_t *st, size_t n)
{
    for (size_t i = 0; i < n; i++)
        m->bytes[addr - RAM_BASE + i / 4] |= (uint8_t)(st[i] << (2 * (i % 4)));
}

static void test_block_table(void)
{
    /* 13 blocks: a whole free byte (blocks 4-7, the fast path) inside a longer free run. */
    static const uint8_t b[] = {REC_BLOCK_HEAD, REC_BLOCK_TAIL, REC_BLOCK_MARK, REC_BLOCK_FREE,
                                REC_BLOCK_FREE, REC_BLOCK_FREE, REC_BLOCK_FREE, REC_BLOCK_FREE,
                                REC_BLOCK_FREE, REC_BLOCK_HEAD, REC_BLOCK_FREE, REC_BLOCK_FREE, REC_BLOCK_HEAD};
    static FakeMem m;
    memset(&m, 0, sizeof m);
    pack_states(&m, RAM_BASE + 0x100, b, ARRAY_SIZE(b));
    for (int want = 0; want < 2; want++) {
        GcHeapState st = {0};
        CU_ASSERT_EQUAL_FATAL(gc_read_block_table(fake_read, &m, RAM_BASE + 0x100, ARRAY_SIZE(b), 0x20001000, 32,
                                                  want, &st), 0);
        CU_ASSERT_EQUAL(st.used, 5 * 32);
        CU_ASSERT_EQUAL(st.free, 8 * 32);
        CU_ASSERT_EQUAL(st.largest_free, 6 * 32);
        CU_ASSERT_EQUAL(st.base, 0x20001000);
        CU_ASSERT_EQUAL(st.nblocks, ARRAY_SIZE(b));
        if (want) {
            CU_ASSERT_PTR_NOT_NULL_FATAL(st.blocks);
            CU_ASSERT_EQUAL(memcmp(st.blocks, b, ARRAY_SIZE(b)), 0);
        } else {
            CU_ASSERT_PTR_NULL(st.blocks);
        }
        free(st.blocks);
    }
    /* all free, and an empty table */
    memset(&m, 0, sizeof m);
    GcHeapState st = {0};
    CU_ASSERT_EQUAL(gc_read_block_table(fake_read, &m, RAM_BASE, 8, RAM_BASE, 16, false, &st), 0);
    CU_ASSERT_EQUAL(st.used, 0);
    CU_ASSERT_EQUAL(st.largest_free, 128);
    CU_ASSERT_EQUAL(gc_read_block_table(fake_read, &m, RAM_BASE, 0, RAM_BASE, 16, false, &st), 0);
    CU_ASSERT_EQUAL(st.used, 0);
    CU_ASSERT_EQUAL(st.largest_free, 0);
    /* unreadable table */
    CU_ASSERT_EQUAL(gc_read_block_table(fake_read, &m, 0x10, 8, 0, 16, false, &st), -1);

    /* Random tables of every length up to 300 blocks, mostly free or mostly used,
     * against a count of the states one block at a time. */
    uint64_t seed = 0x452821e638d01377ull;
    static uint8_t r[300];
    for (size_t n = 0; n <= ARRAY_SIZE(r); n++) {
        memset(&m, 0, sizeof m);
        unsigned free_pct = n % 3 == 0 ? 90 : n % 3 == 1 ? 50 : 10;
        size_t nfree = 0, run = 0, longest = 0;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            r[i] = (seed >> 33) % 100 < free_pct ? REC_BLOCK_FREE : (uint8_t)(1 + (seed >> 40) % 3);
            run = r[i] == REC_BLOCK_FREE ? run + 1 : 0;
            nfree += r[i] == REC_BLOCK_FREE;
            longest = run > longest ? run : longest;
        }
        pack_states(&m, RAM_BASE, r, n);
        for (int want = 0; want < 2; want++) {
            GcHeapState rs = {0};
            CU_ASSERT_EQUAL_FATAL(gc_read_block_table(fake_read, &m, RAM_BASE, (uint32_t)n, 0, 16, want, &rs), 0);
            CU_ASSERT_EQUAL(rs.free, (int64_t)(16 * nfree));
            CU_ASSERT_EQUAL(rs.used, (int64_t)(16 * (n - nfree)));
            CU_ASSERT_EQUAL(rs.largest_free, (int64_t)(16 * longest));
            if (want)
                CU_ASSERT(n == 0 || memcmp(rs.blocks, r, n) == 0);
            free(rs.blocks);
        }
    }
}

/* ---- DWARF member offsets ---- */

static const TeMember area_members[] = {
    {"gc_alloc_table_start", 0, NULL, false},
    {"gc_alloc_table_byte_len", 4, NULL, false},
    {"gc_finaliser_table_start", 8, NULL, false},
    {"gc_pool_start", 12, NULL, false},
    {"gc_pool_end", 16, NULL, false},
};
static const TeMember mem_members[] = {
    {"area", 0, "_mp_state_mem_area_t", false},
    {"gc_stack_overflow", 24, NULL, false},
};
static const TeMember ctx_members[] = {
    {"thread", 0, "_mp_state_thread_t", false},
    {"vm", 16, "_mp_state_vm_t", false},
    {"mem", 0x60, "_mp_state_mem_t", false},
};
static const TeMember thread_members[] = {{"stack_top", 0, NULL, false}};
static const TeMember vm_members[] = {{"last_pool", 0, NULL, false}};

/* MicroPython v1.22's types: mp_state_ctx_t.mem.area.* (mem at 0x60). */
static const TeStruct mp122_types[] = {
    {"_mp_state_mem_area_t", "mp_state_mem_area_t", area_members, ARRAY_SIZE(area_members), 24, false},
    {"_mp_state_mem_t", "mp_state_mem_t", mem_members, ARRAY_SIZE(mem_members), 0x80, false},
    {"_mp_state_thread_t", "mp_state_thread_t", thread_members, ARRAY_SIZE(thread_members), 16, false},
    {"_mp_state_vm_t", "mp_state_vm_t", vm_members, ARRAY_SIZE(vm_members), 0x50, false},
    {"_mp_state_ctx_t", "mp_state_ctx_t", ctx_members, ARRAY_SIZE(ctx_members), 0xe0, false},
    {"global_State", NULL, NULL, 0, 0, true}, /* incomplete */
};

/* MicroPython v1.19's: the fields directly in mem (at 0x40), offsets as DWARF 2 expressions. */
static const TeMember old_mem_members[] = {
    {"gc_alloc_table_start", 0, NULL, true},
    {"gc_alloc_table_byte_len", 4, NULL, true},
    {"gc_pool_start", 8, NULL, true},
    {"gc_pool_end", 12, NULL, true},
};
static const TeMember old_ctx_members[] = {{"mem", 0x40, "_mp_state_mem_t", true}};
static const TeStruct mp119_types[] = {
    {"_mp_state_mem_t", "mp_state_mem_t", old_mem_members, ARRAY_SIZE(old_mem_members), 0x20, false},
    {"_mp_state_ctx_t", "mp_state_ctx_t", old_ctx_members, ARRAY_SIZE(old_ctx_members), 0x60, false},
};

static const TeSym mp_syms[] = {
    {"gc_collect_start", 0x101, 16, STT_FUNC, STB_GLOBAL},
    {"gc_collect_end", 0x111, 16, STT_FUNC, STB_GLOBAL},
    {"gc_alloc", 0x121, 32, STT_FUNC, STB_GLOBAL},
    {"gc_free", 0x141, 16, STT_FUNC, STB_GLOBAL},
    {"gc_realloc", 0x151, 16, STT_FUNC, STB_GLOBAL},
    {"gc_collect_root", 0x161, 16, STT_FUNC, STB_GLOBAL},
    {"gc_mark_subtree", 0x171, 16, STT_FUNC, STB_LOCAL},
    {"gc_sweep_all", 0x181, 16, STT_FUNC, STB_GLOBAL},
    {"mp_state_ctx", 0x20000100, 0xe0, STT_OBJECT, STB_GLOBAL},
};

static void test_member_offset(void)
{
    Image *img = build("types.elf", EM_ARM, mp_syms, ARRAY_SIZE(mp_syms), mp122_types, ARRAY_SIZE(mp122_types));
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    CU_ASSERT_TRUE(image_has_dwarf(img));
    uint32_t off = 0;
    CU_ASSERT_TRUE(image_member_offset(img, "mp_state_ctx_t", "mem.area.gc_pool_start", &off));
    CU_ASSERT_EQUAL(off, 0x60 + 12);
    off = 0;
    CU_ASSERT_TRUE(image_member_offset(img, "_mp_state_ctx_t", "mem.area.gc_pool_end", &off));
    CU_ASSERT_EQUAL(off, 0x60 + 16);
    CU_ASSERT_TRUE(image_member_offset(img, "mp_state_mem_t", "gc_stack_overflow", &off));
    CU_ASSERT_EQUAL(off, 24);
    CU_ASSERT_TRUE(image_member_offset(img, "mp_state_ctx_t", "vm", &off));
    CU_ASSERT_EQUAL(off, 16);
    off = 77;
    CU_ASSERT_FALSE(image_member_offset(img, "mp_state_ctx_t", "mem.nope", &off));
    CU_ASSERT_FALSE(image_member_offset(img, "mp_state_ctx_t", "mem.area.gc_pool_start.x", &off)); /* int */
    CU_ASSERT_FALSE(image_member_offset(img, "mp_state_ctx_t", "mem..area", &off));
    CU_ASSERT_FALSE(image_member_offset(img, "mp_state_ctx_t", "", &off));
    CU_ASSERT_FALSE(image_member_offset(img, "no_such_t", "mem", &off));
    CU_ASSERT_FALSE(image_member_offset(img, "global_State", "totalbytes", &off)); /* a declaration */
    CU_ASSERT_FALSE(image_member_offset(img, "int", "x", &off));
    CU_ASSERT_EQUAL(off, 77); /* untouched on failure */
    image_free(img);

    img = build("types2.elf", EM_ARM, mp_syms, ARRAY_SIZE(mp_syms), mp119_types, ARRAY_SIZE(mp119_types));
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    CU_ASSERT_TRUE(image_member_offset(img, "mp_state_ctx_t", "mem.gc_pool_end", &off));
    CU_ASSERT_EQUAL(off, 0x40 + 12); /* DW_OP_plus_uconst on both levels */
    image_free(img);

    img = build("nodwarf.elf", EM_ARM, mp_syms, ARRAY_SIZE(mp_syms), NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    CU_ASSERT_FALSE(image_member_offset(img, "mp_state_ctx_t", "mem", &off));
    image_free(img);
}

/* ---- MicroPython ---- */

/* A hand-built heap of 16 blocks: the allocation table's 4 bytes (block b in bits
 * 2*(b%4), FREE 0, HEAD 1, TAIL 2, MARK 3) and the states they encode. */
static const uint8_t mp_atb[4] = {
    0x29, /* blocks 0-3: HEAD TAIL TAIL FREE  = 1 | 2<<2 | 2<<4 | 0<<6 */
    0x10, /* blocks 4-7: FREE FREE HEAD FREE  = 1<<4 */
    0x0b, /* blocks 8-11: MARK TAIL FREE FREE = 3 | 2<<2 */
    0x00, /* blocks 12-15: free */
};
static const uint8_t mp_states[16] = {1, 2, 2, 0, 0, 0, 1, 0, 3, 2, 0, 0, 0, 0, 0, 0};

#define MP_TABLE 0x20001000u
#define MP_POOL 0x20001010u

/* mp_state_ctx at 0x20000100, its heap fields at `fields` bytes in, with `fin`
 * (a finaliser table pointer) between byte_len and pool_start when nonzero. */
static void mp_memory(FakeMem *m, uint32_t fields, bool fin)
{
    memset(m, 0, sizeof *m);
    uint32_t a = 0x20000100 + fields;
    poke32(m, a, MP_TABLE);
    poke32(m, a + 4, 4);
    if (fin)
        poke32(m, a + 8, MP_TABLE + 5);
    poke32(m, a + (fin ? 12 : 8), MP_POOL);
    poke32(m, a + (fin ? 16 : 12), MP_POOL + 16 * 16);
    poke(m, MP_TABLE, mp_atb, sizeof mp_atb);
}

static void check_mp_heap(GcRuntime *rt, FakeMem *m)
{
    GcHeapState st;
    memset(&st, 0xa5, sizeof st);
    CU_ASSERT_EQUAL_FATAL(rt->heap_state(rt, fake_read, m, true, &st), 0);
    CU_ASSERT_EQUAL(st.base, MP_POOL);
    CU_ASSERT_EQUAL(st.block_size, 16);
    CU_ASSERT_EQUAL_FATAL(st.nblocks, 16);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st.blocks);
    CU_ASSERT_EQUAL(memcmp(st.blocks, mp_states, 16), 0);
    CU_ASSERT_EQUAL(st.used, 6 * 16);
    CU_ASSERT_EQUAL(st.free, 10 * 16);
    CU_ASSERT_EQUAL(st.largest_free, 6 * 16); /* blocks 10..15 */
    CU_ASSERT_EQUAL(rt->heap_start, MP_POOL);
    CU_ASSERT_EQUAL(rt->heap_end, MP_POOL + 256);
    free(st.blocks);

    CU_ASSERT_EQUAL(rt->heap_state(rt, fake_read, m, false, &st), 0);
    CU_ASSERT_PTR_NULL(st.blocks);
    CU_ASSERT_EQUAL(st.used, 6 * 16);
    CU_ASSERT_EQUAL(st.largest_free, 6 * 16);
}

static void test_mp_probe(void)
{
    Image *img = build("mp.elf", EM_ARM, mp_syms, ARRAY_SIZE(mp_syms), NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    CU_ASSERT_TRUE(gc_adapter_micropython.probe(img));
    CU_ASSERT_FALSE(gc_adapter_tinygo.probe(img));
    CU_ASSERT_FALSE(gc_adapter_lua.probe(img));
    image_free(img);
    static const char *const required[] = {"gc_collect_start", "gc_collect_end", "gc_alloc", "mp_state_ctx"};
    for (size_t i = 0; i < ARRAY_SIZE(required); i++) {
        TeSym s[ARRAY_SIZE(mp_syms)];
        const char *drop[] = {required[i], NULL};
        size_t n = filter(mp_syms, ARRAY_SIZE(mp_syms), drop, s);
        img = build("mp-less.elf", EM_ARM, s, n, NULL, 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(img);
        CU_ASSERT_FALSE(gc_adapter_micropython.probe(img));
        image_free(img);
    }
}

static void test_mp_dwarf(void)
{
    Image *img = build("mp-dwarf.elf", EM_ARM, mp_syms, ARRAY_SIZE(mp_syms), mp122_types, ARRAY_SIZE(mp122_types));
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    char *err = NULL;
    GcRuntime *rt = gc_adapter_micropython.open(img, &err);
    CU_ASSERT_PTR_NULL(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
    CU_ASSERT_STRING_EQUAL(rt->name, "micropython");

    const GcHook *h = find_hook(rt, GC_HOOK_PAUSE_BEGIN, "gc_collect_start");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(h->addr, 0x100);
    h = find_hook(rt, GC_HOOK_PAUSE_END, "gc_collect_end");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(h->addr, 0x110);
    h = find_hook(rt, GC_HOOK_ALLOC, "gc_alloc");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(h->addr, 0x120);
    CU_ASSERT_EQUAL(h->size_arg, 0);
    h = find_hook(rt, GC_HOOK_FREE, "gc_free");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(h->addr, 0x140);
    CU_ASSERT_EQUAL(h->ptr_arg, 0);
    h = find_hook(rt, GC_HOOK_REALLOC, "gc_realloc");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(h->addr, 0x150);
    CU_ASSERT_EQUAL(h->ptr_arg, 0);
    CU_ASSERT_EQUAL(h->size_arg, 1);
    h = find_hook(rt, GC_HOOK_TRIGGER, "gc_alloc");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(h->addr, 0x120);
    /* gc_collect_root is the mark phase; gc_mark_subtree nests in it, so is not hooked */
    h = find_hook(rt, GC_HOOK_PHASE, "gc_collect_root");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_STRING_EQUAL(h->phase, "mark");
    CU_ASSERT_EQUAL(h->addr, 0x160);
    CU_ASSERT_PTR_NULL(find_hook(rt, GC_HOOK_PHASE, "gc_mark_subtree"));
    CU_ASSERT_EQUAL(count_hooks(rt, GC_HOOK_PHASE), 1);
    CU_ASSERT_TRUE(has_note(rt, "gc_sweep ", "sweep phase"));
    CU_ASSERT_TRUE(has_note(rt, "gc_sweep_all", NULL));
    for (size_t i = 0; i < rt->nhooks; i++)
        CU_ASSERT(rt->hooks[i].addr != 0);

    CU_ASSERT_PTR_NOT_NULL_FATAL(rt->layout_source);
    CU_ASSERT_PTR_NOT_NULL(strstr(rt->layout_source, "DWARF"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(rt->heap_state);

    FakeMem *m = xcalloc(1, sizeof *m);
    /* before gc_init: nothing known, not an error */
    GcHeapState st;
    CU_ASSERT_EQUAL(rt->heap_state(rt, fake_read, m, true, &st), 0);
    CU_ASSERT_EQUAL(st.used, REC_UNKNOWN);
    CU_ASSERT_EQUAL(st.free, REC_UNKNOWN);
    CU_ASSERT_EQUAL(st.largest_free, REC_UNKNOWN);
    CU_ASSERT_PTR_NULL(st.blocks);

    mp_memory(m, 0x60, true);
    check_mp_heap(rt, m);

    /* guest memory that does not make sense: a pool not 4 * byte_len blocks long */
    poke32(m, 0x20000100 + 0x60 + 16, MP_POOL + 16 * 15);
    CU_ASSERT_EQUAL(rt->heap_state(rt, fake_read, m, true, &st), -1);
    /* a table outside guest memory */
    mp_memory(m, 0x60, true);
    poke32(m, 0x20000100 + 0x60, 0x1ffffff0);
    poke32(m, 0x20000100 + 0x60 + 12, 0x20000000);
    poke32(m, 0x20000100 + 0x60 + 16, 0x20000100);
    CU_ASSERT_EQUAL(rt->heap_state(rt, fake_read, m, true, &st), -1);
    CU_ASSERT(m->reads_failed > 0);
    free(m);
    gc_runtime_free(rt);
    image_free(img);
}

static void test_mp_dwarf_old_layout(void)
{
    Image *img = build("mp-119.elf", EM_ARM, mp_syms, ARRAY_SIZE(mp_syms), mp119_types, ARRAY_SIZE(mp119_types));
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    char *err = NULL;
    GcRuntime *rt = gc_adapter_micropython.open(img, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
    CU_ASSERT_PTR_NOT_NULL(strstr(rt->layout_source, "DWARF"));
    CU_ASSERT_PTR_NULL(strstr(rt->layout_source, "area"));
    FakeMem *m = xcalloc(1, sizeof *m);
    mp_memory(m, 0x40, false);
    check_mp_heap(rt, m);
    free(m);
    gc_runtime_free(rt);
    image_free(img);
}

static void test_mp_documented_layout(void)
{
    Image *img = build("mp-nodwarf.elf", EM_ARM, mp_syms, ARRAY_SIZE(mp_syms), NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    char *err = NULL;
    GcRuntime *rt = gc_adapter_micropython.open(img, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rt->layout_source);
    CU_ASSERT_PTR_NOT_NULL(strstr(rt->layout_source, "documented layout"));
    CU_ASSERT_PTR_NOT_NULL(strstr(rt->layout_source, "v1.22"));
    CU_ASSERT_TRUE(has_note(rt, "no DWARF", NULL));

    FakeMem *m = xcalloc(1, sizeof *m);
    GcHeapState st;
    CU_ASSERT_EQUAL(rt->heap_state(rt, fake_read, m, true, &st), 0); /* all zero: not yet */
    CU_ASSERT_EQUAL(st.used, REC_UNKNOWN);

    mp_memory(m, 0x64, true);
    /* decoys before the fields: pointers into the heap that break the invariant */
    poke32(m, 0x20000100 + 0x20, MP_TABLE);
    poke32(m, 0x20000100 + 0x24, 4);
    poke32(m, 0x20000100 + 0x28, MP_POOL);
    poke32(m, 0x20000100 + 0x2c, MP_POOL + 16 * 8); /* 8 blocks: not 4 * byte_len */
    check_mp_heap(rt, m);
    free(m);
    gc_runtime_free(rt);
    image_free(img);
}

static void test_mp_missing(void)
{
    TeSym s[ARRAY_SIZE(mp_syms)];
    const char *drop[] = {"gc_free", "gc_realloc", "gc_collect_root", "gc_mark_subtree", NULL};
    size_t n = filter(mp_syms, ARRAY_SIZE(mp_syms), drop, s);
    Image *img = build("mp-missing.elf", EM_ARM, s, n, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    CU_ASSERT_TRUE(gc_adapter_micropython.probe(img)); /* the probe's four are there */
    char *err = NULL;
    GcRuntime *rt = gc_adapter_micropython.open(img, &err);
    CU_ASSERT_PTR_NULL(rt);
    gc_runtime_free(rt);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "gc_free"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "gc_realloc"));
    CU_ASSERT_PTR_NULL(strstr(err, "gc_collect_root")); /* optional */
    free(err);
    image_free(img);

    /* only the optional phases missing: opens, with a note naming them */
    const char *drop2[] = {"gc_collect_root", "gc_mark_subtree", NULL};
    n = filter(mp_syms, ARRAY_SIZE(mp_syms), drop2, s);
    img = build("mp-nophase.elf", EM_ARM, s, n, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    rt = gc_adapter_micropython.open(img, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
    CU_ASSERT_EQUAL(count_hooks(rt, GC_HOOK_PHASE), 0);
    CU_ASSERT_TRUE(has_note(rt, "gc_collect_root", "mark phase"));
    gc_runtime_free(rt);
    image_free(img);

    /* gc_collect_root inlined but gc_mark_subtree kept: that is the mark phase */
    const char *drop3[] = {"gc_collect_root", NULL};
    n = filter(mp_syms, ARRAY_SIZE(mp_syms), drop3, s);
    img = build("mp-subtree.elf", EM_ARM, s, n, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    rt = gc_adapter_micropython.open(img, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
    const GcHook *h = find_hook(rt, GC_HOOK_PHASE, "gc_mark_subtree");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(h->addr, 0x170);
    gc_runtime_free(rt);
    image_free(img);
}

/* ---- TinyGo ---- */

#define TG_HEAP 0x20000400u
#define TG_TOTAL 1040u  /* bytes: metadataSize = (1040 + 64) / 65 = 16, 64 blocks */
#define TG_META (TG_HEAP + TG_TOTAL - 16)

static const TeSym tg_syms[] = {
    {"runtime.runGC", 0x200, 40, STT_FUNC, STB_LOCAL}, /* RISC-V: no Thumb bit */
    {"runtime.alloc", 0x240, 64, STT_FUNC, STB_GLOBAL},
    {"runtime.markStack", 0x280, 16, STT_FUNC, STB_LOCAL},
    {"runtime.markRoots", 0x290, 16, STT_FUNC, STB_LOCAL},
    {"runtime.finishMark", 0x2a0, 16, STT_FUNC, STB_LOCAL},
    {"runtime.realloc", 0x2c0, 16, STT_FUNC, STB_LOCAL},
    {"(*internal/task.state).initialize", 0x300, 0x20, STT_FUNC, STB_LOCAL},
    {"_heap_start", TG_HEAP, 0, STT_NOTYPE, STB_GLOBAL},
    {"_heap_end", TG_HEAP + TG_TOTAL, 0, STT_NOTYPE, STB_GLOBAL},
    {"runtime.heapEnd", 0x20000010, 4, STT_OBJECT, STB_LOCAL},
    {"runtime.metadataStart", 0x20000014, 4, STT_OBJECT, STB_LOCAL},
};

/* 64 blocks: an object of 3 blocks at 0, one of 1 at 5 (marked), one of 2 at 60;
 * the rest free. Byte k holds blocks 4k..4k+3 from the low bits up. */
static void tg_memory(FakeMem *m, bool with_vars)
{
    memset(m, 0, sizeof *m);
    if (with_vars) {
        poke32(m, 0x20000010, TG_HEAP + TG_TOTAL);
        poke32(m, 0x20000014, TG_META);
    }
    uint8_t meta[16] = {0};
    meta[0] = 0x29;  /* head tail tail free */
    meta[1] = 0x0c;  /* free mark free free = 3 << 2 */
    meta[15] = 0x09; /* blocks 60-63: head tail free free */
    poke(m, TG_META, meta, sizeof meta);
}

static void check_tg_heap(GcRuntime *rt, FakeMem *m)
{
    GcHeapState st;
    CU_ASSERT_EQUAL_FATAL(rt->heap_state(rt, fake_read, m, true, &st), 0);
    CU_ASSERT_EQUAL(st.base, TG_HEAP);
    CU_ASSERT_EQUAL(st.block_size, 16);
    CU_ASSERT_EQUAL_FATAL(st.nblocks, 64);
    CU_ASSERT_PTR_NOT_NULL_FATAL(st.blocks);
    uint8_t want[64] = {0};
    want[0] = REC_BLOCK_HEAD;
    want[1] = want[2] = REC_BLOCK_TAIL;
    want[5] = REC_BLOCK_MARK;
    want[60] = REC_BLOCK_HEAD;
    want[61] = REC_BLOCK_TAIL;
    CU_ASSERT_EQUAL(memcmp(st.blocks, want, 64), 0);
    CU_ASSERT_EQUAL(st.used, 6 * 16);
    CU_ASSERT_EQUAL(st.free, 58 * 16);
    CU_ASSERT_EQUAL(st.largest_free, 54 * 16); /* blocks 6..59 */
    CU_ASSERT_EQUAL(rt->heap_start, TG_HEAP);
    CU_ASSERT_EQUAL(rt->heap_end, TG_HEAP + TG_TOTAL);
    free(st.blocks);
}

static void test_tg(void)
{
    Image *img = build("tg.elf", EM_RISCV, tg_syms, ARRAY_SIZE(tg_syms), NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    CU_ASSERT_TRUE(gc_adapter_tinygo.probe(img));
    CU_ASSERT_FALSE(gc_adapter_micropython.probe(img));
    CU_ASSERT_FALSE(gc_adapter_lua.probe(img));
    char *err = NULL;
    GcRuntime *rt = gc_adapter_tinygo.open(img, &err);
    CU_ASSERT_PTR_NULL(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
    CU_ASSERT_STRING_EQUAL(rt->name, "tinygo");
    const GcHook *h = find_hook(rt, GC_HOOK_PAUSE, "runtime.runGC");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(h->addr, 0x200);
    CU_ASSERT_FALSE(h->incremental);
    h = find_hook(rt, GC_HOOK_ALLOC, "runtime.alloc");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(h->addr, 0x240);
    CU_ASSERT_EQUAL(h->size_arg, 0);
    CU_ASSERT_PTR_NOT_NULL(find_hook(rt, GC_HOOK_TRIGGER, "runtime.alloc"));
    h = find_hook(rt, GC_HOOK_REALLOC, "runtime.realloc");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(h->addr, 0x2c0);
    CU_ASSERT_EQUAL(h->size_arg, 1);
    h = find_hook(rt, GC_HOOK_PHASE, "runtime.markStack");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_STRING_EQUAL(h->phase, "mark");
    CU_ASSERT_EQUAL(h->addr, 0x280);
    h = find_hook(rt, GC_HOOK_PHASE, "runtime.markRoots");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_STRING_EQUAL(h->phase, "mark");
    h = find_hook(rt, GC_HOOK_PHASE, "runtime.finishMark");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_STRING_EQUAL(h->phase, "finish");
    CU_ASSERT_EQUAL(h->addr, 0x2a0);
    /* runtime.sweep was inlined (where, this image's DWARF does not say): an unresolved
     * optional phase, and a note that its phase is not recorded */
    h = find_hook(rt, GC_HOOK_PHASE, "runtime.sweep");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(h->addr, 0);
    CU_ASSERT_EQUAL(h->nranges, 0);
    CU_ASSERT_TRUE(has_note(rt, "runtime.sweep", "phase \"sweep\" not recorded"));
    /* runtime.markGlobals neither: "mark" is still recorded, from the others */
    h = find_hook(rt, GC_HOOK_PHASE, "runtime.markGlobals");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_STRING_EQUAL(h->phase, "mark");
    CU_ASSERT_TRUE(has_note(rt, "runtime.markGlobals",
                            "phase \"mark\" is recorded from runtime.markStack, runtime.markRoots only"));
    CU_ASSERT_FALSE(has_note(rt, "\"mark\" not recorded", NULL));
    CU_ASSERT_FALSE(has_note(rt, "\"finish\"", NULL));
    /* whole 16-byte blocks; goroutine stacks are allocated in initialize */
    CU_ASSERT_EQUAL(rt->alloc_unit, 16);
    CU_ASSERT_EQUAL(rt->alloc_min_units, 0);
    CU_ASSERT_EQUAL_FATAL(rt->nstack_sites, 1);
    CU_ASSERT_EQUAL(rt->stack_sites[0].lo, 0x300);
    CU_ASSERT_EQUAL(rt->stack_sites[0].hi, 0x320);
    CU_ASSERT_TRUE(has_note(rt, "goroutine stacks are heap objects", NULL));
    CU_ASSERT_PTR_NOT_NULL_FATAL(rt->heap_state);
    CU_ASSERT_EQUAL(rt->heap_start, TG_HEAP);

    FakeMem *m = xcalloc(1, sizeof *m);
    GcHeapState st;
    CU_ASSERT_EQUAL(rt->heap_state(rt, fake_read, m, true, &st), 0); /* before init */
    CU_ASSERT_EQUAL(st.used, REC_UNKNOWN);
    CU_ASSERT_PTR_NULL(st.blocks);
    tg_memory(m, true);
    check_tg_heap(rt, m);
    /* nonsense: metadataStart outside the heap */
    poke32(m, 0x20000014, TG_HEAP + TG_TOTAL + 4);
    CU_ASSERT_EQUAL(rt->heap_state(rt, fake_read, m, true, &st), -1);
    poke32(m, 0x20000014, TG_HEAP - 16);
    CU_ASSERT_EQUAL(rt->heap_state(rt, fake_read, m, true, &st), -1);
    gc_runtime_free(rt);
    image_free(img);

    /* without runtime.metadataStart / runtime.heapEnd: computed from _heap_start/_heap_end */
    TeSym s[ARRAY_SIZE(tg_syms)];
    const char *drop[] = {"runtime.metadataStart", "runtime.heapEnd", "runtime.realloc",
                          "(*internal/task.state).initialize", NULL};
    size_t n = filter(tg_syms, ARRAY_SIZE(tg_syms), drop, s);
    img = build("tg-computed.elf", EM_RISCV, s, n, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    rt = gc_adapter_tinygo.open(img, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
    CU_ASSERT_PTR_NULL(find_hook(rt, GC_HOOK_REALLOC, "runtime.realloc"));
    CU_ASSERT_TRUE(has_note(rt, "runtime.metadataStart", "computed"));
    CU_ASSERT_EQUAL(rt->nstack_sites, 0);
    CU_ASSERT_TRUE(has_note(rt, "initialize is not in the image", "not told from other objects"));
    tg_memory(m, false);
    check_tg_heap(rt, m);
    gc_runtime_free(rt);
    image_free(img);
    free(m);
}

static void test_tg_missing(void)
{
    TeSym s[ARRAY_SIZE(tg_syms)];
    const char *drop[] = {"runtime.alloc", NULL};
    size_t n = filter(tg_syms, ARRAY_SIZE(tg_syms), drop, s);
    Image *img = build("tg-noalloc.elf", EM_RISCV, s, n, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    CU_ASSERT_FALSE(gc_adapter_tinygo.probe(img));
    char *err = NULL;
    GcRuntime *rt = gc_adapter_tinygo.open(img, &err);
    CU_ASSERT_PTR_NULL(rt);
    gc_runtime_free(rt);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "runtime.alloc"));
    CU_ASSERT_PTR_NULL(strstr(err, "runtime.sweep"));
    free(err);
    image_free(img);

    /* no heap symbols: hooks work, the heap is a note */
    const char *drop2[] = {"_heap_start", "_heap_end", "runtime.heapEnd", NULL};
    n = filter(tg_syms, ARRAY_SIZE(tg_syms), drop2, s);
    img = build("tg-noheap.elf", EM_RISCV, s, n, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    rt = gc_adapter_tinygo.open(img, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
    CU_ASSERT_PTR_NULL(rt->heap_state);
    CU_ASSERT_TRUE(has_note(rt, "_heap_start", "not observed"));
    gc_runtime_free(rt);
    image_free(img);
}

/* ---- Lua ---- */

static const TeSym lua_syms[] = {
    {"luaC_fullgc", 0x401, 64, STT_FUNC, STB_GLOBAL},
    {"luaC_step", 0x441, 32, STT_FUNC, STB_GLOBAL},
    {"luaM_malloc_", 0x481, 32, STT_FUNC, STB_GLOBAL},
    {"luaM_realloc_", 0x4c1, 32, STT_FUNC, STB_GLOBAL},
    {"lua_newstate", 0x501, 32, STT_FUNC, STB_GLOBAL},
    {"lua_gc", 0x541, 32, STT_FUNC, STB_GLOBAL},
    {"lua_close", 0x581, 32, STT_FUNC, STB_GLOBAL},
};

/* The types a build's DWARF could give, with offsets unlike lstate.h's (a 64-bit l_mem
 * build, say) to tell them from the documented layout. */
static const TeMember lua_state_members[] = {{"next", 0, NULL, false}, {"l_G", 24, NULL, false}};
static const TeMember global_members[] = {{"totalbytes", 16, NULL, false}, {"GCdebt", 20, NULL, false}};
static const TeStruct lua_types[] = {
    {"lua_State", "lua_State", lua_state_members, ARRAY_SIZE(lua_state_members), 200, false},
    {"global_State", "global_State", global_members, ARRAY_SIZE(global_members), 300, false},
};

#define LUA_L 0x20000200u  /* a lua_State */
#define LUA_G 0x20000400u  /* its global_State */

/* lua_State at LUA_L with l_G at l_g_off; global_State at LUA_G with totalbytes, GCdebt
 * at tb_off, tb_off + 4. */
static void lua_memory(FakeMem *m, uint32_t l_g_off, uint32_t tb_off, uint32_t total, int32_t debt)
{
    memset(m, 0, sizeof *m);
    poke32(m, LUA_L + l_g_off, LUA_G);
    poke32(m, LUA_G + tb_off, total);
    poke32(m, LUA_G + tb_off + 4, (uint32_t)debt);
}

static const GcHook *find_hook_n(const GcRuntime *rt, GcHookKind kind, const char *symbol, int nth)
{
    for (size_t i = 0; i < rt->nhooks; i++)
        if (rt->hooks[i].kind == kind && strcmp(rt->hooks[i].symbol, symbol) == 0 && nth-- == 0)
            return &rt->hooks[i];
    return NULL;
}

static void test_lua(void)
{
    Image *img = build("lua.elf", EM_ARM, lua_syms, ARRAY_SIZE(lua_syms), NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    CU_ASSERT_TRUE(gc_adapter_lua.probe(img));
    CU_ASSERT_FALSE(gc_adapter_micropython.probe(img));
    CU_ASSERT_FALSE(gc_adapter_tinygo.probe(img));
    char *err = NULL;
    GcRuntime *rt = gc_adapter_lua.open(img, &err);
    CU_ASSERT_PTR_NULL(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
    CU_ASSERT_STRING_EQUAL(rt->name, "lua");
    /* luaC_fullgc: explicit, unless isemergency (arg 1) says an allocation failed */
    const GcHook *h = find_hook(rt, GC_HOOK_PAUSE, "luaC_fullgc");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(h->addr, 0x400);
    CU_ASSERT_FALSE(h->incremental);
    CU_ASSERT_EQUAL(h->trigger, REC_TRIGGER_EXPLICIT);
    CU_ASSERT_EQUAL(h->trigger_arg, 1);
    /* luaC_step: allocation debt, unless inside lua_gc (collectgarbage) */
    h = find_hook(rt, GC_HOOK_PAUSE, "luaC_step");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(h->addr, 0x440);
    CU_ASSERT_TRUE(h->incremental);
    CU_ASSERT_EQUAL(h->trigger, REC_TRIGGER_ALLOC);
    CU_ASSERT_EQUAL(h->trigger_arg, -1);
    h = find_hook(rt, GC_HOOK_TRIGGER, "lua_gc");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(h->trigger, REC_TRIGGER_EXPLICIT);
    CU_ASSERT_EQUAL(h->addr, 0x540);
    CU_ASSERT_PTR_NULL(find_hook(rt, GC_HOOK_TRIGGER, "luaM_malloc_"));
    /* the state: L (arg 0) at both collectors' entries, before their pause hooks; lua_close ends it */
    for (size_t i = 0; i < rt->nhooks; i++) {
        if (rt->hooks[i].kind != GC_HOOK_PAUSE)
            continue;
        bool before = false;
        for (size_t k = 0; k < i; k++)
            before |= rt->hooks[k].kind == GC_HOOK_STATE && rt->hooks[k].addr == rt->hooks[i].addr;
        CU_ASSERT_TRUE(before);
    }
    h = find_hook(rt, GC_HOOK_STATE, "luaC_step");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(h->ptr_arg, 0);
    CU_ASSERT_FALSE(h->closes);
    h = find_hook(rt, GC_HOOK_STATE, "lua_close");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_TRUE(h->closes);
    CU_ASSERT_PTR_NULL(find_hook_n(rt, GC_HOOK_STATE, "luaC_fullgc", 1));
    h = find_hook(rt, GC_HOOK_ALLOC, "luaM_malloc_");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(h->addr, 0x480);
    CU_ASSERT_EQUAL(h->size_arg, 1);
    h = find_hook(rt, GC_HOOK_REALLOC, "luaM_realloc_");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(h->ptr_arg, 1);
    CU_ASSERT_EQUAL(h->size_arg, 3);
    /* luaM_free_ inlined away in this build: a note, not an error */
    h = find_hook(rt, GC_HOOK_FREE, "luaM_free_");
    CU_ASSERT_PTR_NOT_NULL_FATAL(h);
    CU_ASSERT_EQUAL(h->ptr_arg, 1);
    CU_ASSERT_EQUAL(h->addr, 0);
    CU_ASSERT_TRUE(has_note(rt, "luaM_free_", "frees"));
    CU_ASSERT_TRUE(has_note(rt, "lua_Alloc", "inline"));
    CU_ASSERT_EQUAL(rt->alloc_unit, 1); /* Lua counts the bytes it asks for */

    /* no DWARF: lstate.h's layout (l_G at 16, totalbytes at 8, GCdebt at 12) */
    CU_ASSERT_PTR_NOT_NULL(rt->layout_source ? strstr(rt->layout_source, "documented layout") : NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rt->heap_state);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rt->set_state);
    FakeMem *m = xcalloc(1, sizeof *m);
    lua_memory(m, 16, 8, 50000, -1234);
    GcHeapState st;
    CU_ASSERT_EQUAL(rt->heap_state(rt, fake_read, m, true, &st), 0); /* no lua_State seen yet */
    CU_ASSERT_EQUAL(st.used, REC_UNKNOWN);
    rt->set_state(rt, fake_read, m, LUA_L);
    CU_ASSERT_EQUAL(rt->heap_state(rt, fake_read, m, true, &st), 0);
    CU_ASSERT_EQUAL(st.used, 50000 - 1234); /* totalbytes + GCdebt */
    CU_ASSERT_EQUAL(st.free, REC_UNKNOWN);
    CU_ASSERT_EQUAL(st.largest_free, REC_UNKNOWN);
    CU_ASSERT_PTR_NULL(st.blocks);
    poke32(m, LUA_G + 12, 1000); /* an allocation in debt */
    CU_ASSERT_EQUAL(rt->heap_state(rt, fake_read, m, false, &st), 0);
    CU_ASSERT_EQUAL(st.used, 51000);
    /* the same L again: its global_State is not read again; another L is */
    poke32(m, LUA_L + 16, 0x30000000);
    rt->set_state(rt, fake_read, m, LUA_L);
    CU_ASSERT_EQUAL(rt->heap_state(rt, fake_read, m, false, &st), 0);
    CU_ASSERT_EQUAL(st.used, 51000);
    rt->set_state(rt, fake_read, m, LUA_L + 0x40);
    CU_ASSERT_EQUAL(rt->heap_state(rt, fake_read, m, false, &st), 0);
    CU_ASSERT_EQUAL(st.used, REC_UNKNOWN); /* its l_G is 0 */
    rt->set_state(rt, fake_read, m, LUA_L);
    CU_ASSERT_EQUAL(rt->heap_state(rt, fake_read, m, false, &st), -1); /* l_G points outside memory */
    /* nonsense counts are refused */
    poke32(m, LUA_L + 16, LUA_G);
    rt->set_state(rt, fake_read, m, 0); /* lua_close */
    CU_ASSERT_EQUAL(rt->heap_state(rt, fake_read, m, false, &st), 0);
    CU_ASSERT_EQUAL(st.used, REC_UNKNOWN);
    rt->set_state(rt, fake_read, m, LUA_L);
    poke32(m, LUA_G + 12, (uint32_t)-60000);
    CU_ASSERT_EQUAL(rt->heap_state(rt, fake_read, m, false, &st), -1);
    gc_runtime_free(rt);
    image_free(img);

    /* with DWARF: the offsets it gives */
    img = build("lua-dwarf.elf", EM_ARM, lua_syms, ARRAY_SIZE(lua_syms), lua_types, ARRAY_SIZE(lua_types));
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    rt = gc_adapter_lua.open(img, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
    CU_ASSERT_PTR_NOT_NULL(rt->layout_source ? strstr(rt->layout_source, "DWARF") : NULL);
    lua_memory(m, 24, 16, 7000, 500);
    rt->set_state(rt, fake_read, m, LUA_L);
    CU_ASSERT_EQUAL(rt->heap_state(rt, fake_read, m, false, &st), 0);
    CU_ASSERT_EQUAL(st.used, 7500);
    gc_runtime_free(rt);
    image_free(img);
    free(m);

    /* luaC_step missing: no probe; forced open fails naming it */
    TeSym s[ARRAY_SIZE(lua_syms)];
    const char *drop[] = {"luaC_step", NULL};
    size_t n = filter(lua_syms, ARRAY_SIZE(lua_syms), drop, s);
    img = build("lua-nostep.elf", EM_ARM, s, n, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    CU_ASSERT_FALSE(gc_adapter_lua.probe(img));
    rt = gc_adapter_lua.open(img, &err);
    CU_ASSERT_PTR_NULL(rt);
    gc_runtime_free(rt);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "luaC_step"));
    CU_ASSERT_PTR_NULL(strstr(err, "luaM_free_"));
    free(err);
    image_free(img);

    /* lua_gc and lua_close missing: notes, not errors */
    const char *drop2[] = {"lua_gc", "lua_close", NULL};
    n = filter(lua_syms, ARRAY_SIZE(lua_syms), drop2, s);
    img = build("lua-nogc.elf", EM_ARM, s, n, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    rt = gc_adapter_lua.open(img, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
    CU_ASSERT_TRUE(has_note(rt, "lua_gc", "explicit collections"));
    CU_ASSERT_TRUE(has_note(rt, "lua_close", "runtime states"));
    gc_runtime_free(rt);
    image_free(img);
}

static const TestCase helper_tests[] = {
    {"hooks, notes, resolve, free", test_runtime_helpers},
    {"block table summary", test_block_table},
    {"DWARF member offsets", test_member_offset},
    {NULL, NULL},
};
static const TestCase mp_tests[] = {
    {"probe", test_mp_probe},
    {"hooks and heap map from DWARF (v1.22)", test_mp_dwarf},
    {"heap map from DWARF (v1.19, DWARF 2 offsets)", test_mp_dwarf_old_layout},
    {"heap map from the documented layout", test_mp_documented_layout},
    {"missing symbols", test_mp_missing},
    {NULL, NULL},
};
static const TestCase tg_tests[] = {
    {"hooks and heap map", test_tg},
    {"missing symbols", test_tg_missing},
    {NULL, NULL},
};
static const TestCase lua_tests[] = {
    {"hooks, notes, missing symbols", test_lua},
    {NULL, NULL},
};

int main(void)
{
    const TestSuite suites[] = {
        {"adapter helpers", helper_tests},
        {"micropython", mp_tests},
        {"tinygo", tg_tests},
        {"lua", lua_tests},
        {NULL, NULL},
    };
    int rc = cunit_run(suites);
    te_cleanup();
    return rc;
}
