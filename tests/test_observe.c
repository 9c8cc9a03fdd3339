/* test_observe.c: the observer (gc/observe.c) on a tiny Thumb program with a runtime
 * described here: what starts each pause (the pause's own default, a trigger scope, an
 * argument), the runtime state seen at a collector's entry, frees inside a pause, the
 * phases of inlined code, stacks allocated in the heap, and heap samples in time order. */
#include "config.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "devices/nvic.h"
#include "gc/observe.h"
#include "base/util.h"
#include "tests/cunit_main.h"
#include "tests/loader_elf.h"

#define SRAM 0x20000000u
#define STATE_L 0x20000200u /* the runtime state the program passes its collectors */
#define HEAP_USED 0x20000104u /* the word the program keeps its heap use in */

/* Thumb, linked at 0x80 (arm-none-eabi-as, ld -Ttext=0x80):
   _start: ldr r4, =0x20000100       @ a bump allocator's pointer
           ldr r0, =0x20002000
           str r0, [r4]
           movs r0, #24
           bl alloc                  @ A = alloc(24)   (at 0x8a: a stack's allocation)
           mov r5, r0
           movs r0, #8
           bl alloc                  @ alloc(8)
           movs r0, #48
           str r0, [r4, #4]          @ heap in use: 48
           ldr r0, =0x20000200
           mov r1, r5
           bl step                   @ step(L, A): frees A, heap 32 (no trigger scope)
           ldr r0, =0x20000200
           bl api_gc                 @ api_gc(L) -> step(L, 0)
           ldr r0, =0x20000200
           movs r1, #1
           bl full                   @ full(L, 1)
           ldr r0, =0x20000200
           movs r1, #0
           bl full                   @ full(L, 0)
           bl inl
           movs r0, #0x18
           ldr r1, =0x20026
           bkpt 0xab
   alloc:  ldr r1, =0x20000100; ldr r0, [r1]; adds r2, r0, #16; str r2, [r1]; bx lr
   free:   bx lr
   step:   push {r4, lr}; movs r0, r1; beq 1f; bl free
           ldr r4, =0x20000104; ldr r0, [r4]; subs r0, #16; str r0, [r4]
   1:      pop {r4, pc}
   api_gc: push {lr}; movs r1, #0; bl step; pop {pc}
   full:   push {lr}; nop; pop {pc}
   inl:    push {r4, lr}; nop; b 2f
   2:      movs r4, #3               @ 0x112: "mark", as if inlined here, to 0x11e
   3:      subs r4, #1; bne 3b
           movs r0, #0; bl free
   4:      movs r4, #2               @ 0x11e: "sweep", to 0x124
   5:      subs r4, #1; bne 5b
   6:      nop; pop {r4, pc}         @ 0x124
 */
static const uint8_t prog[] = {
    0x10, 0x4c, 0x4f, 0xf0, 0x20, 0x20, 0x20, 0x60, 0x18, 0x20, 0x00, 0xf0, 0x21, 0xf8, 0x05, 0x46, 0x08, 0x20,
    0x00, 0xf0, 0x1d, 0xf8, 0x30, 0x20, 0x60, 0x60, 0x0b, 0x48, 0x29, 0x46, 0x00, 0xf0, 0x20, 0xf8, 0x09, 0x48,
    0x00, 0xf0, 0x2a, 0xf8, 0x07, 0x48, 0x01, 0x21, 0x00, 0xf0, 0x2b, 0xf8, 0x05, 0x48, 0x00, 0x21, 0x00, 0xf0,
    0x27, 0xf8, 0x00, 0xf0, 0x28, 0xf8, 0x18, 0x20, 0x03, 0x49, 0xab, 0xbe, 0x00, 0x00, 0x00, 0x01, 0x00, 0x20,
    0x00, 0x02, 0x00, 0x20, 0x26, 0x00, 0x02, 0x00, 0x02, 0x49, 0x08, 0x68, 0x10, 0xf1, 0x10, 0x02, 0x0a, 0x60,
    0x70, 0x47, 0x00, 0x01, 0x00, 0x20, 0x70, 0x47, 0x10, 0xb5, 0x08, 0x00, 0x05, 0xd0, 0xff, 0xf7, 0xfa, 0xff,
    0x02, 0x4c, 0x20, 0x68, 0x10, 0x38, 0x20, 0x60, 0x10, 0xbd, 0x00, 0x00, 0x04, 0x01, 0x00, 0x20, 0x00, 0xb5,
    0x00, 0x21, 0xff, 0xf7, 0xef, 0xff, 0x00, 0xbd, 0x00, 0xb5, 0x00, 0xbf, 0x00, 0xbd, 0x10, 0xb5, 0x00, 0xbf,
    0xff, 0xe7, 0x03, 0x24, 0x01, 0x3c, 0xfd, 0xd1, 0x00, 0x20, 0xff, 0xf7, 0xe1, 0xff, 0x02, 0x24, 0x01, 0x3c,
    0xfd, 0xd1, 0x00, 0xbf, 0x10, 0xbd};

static const TeSym syms[] = {
    {"_start", 0x81, 0x50, STT_FUNC, STB_GLOBAL}, {"alloc", 0xd1, 0x10, STT_FUNC, STB_LOCAL},
    {"free", 0xe1, 2, STT_FUNC, STB_LOCAL},       {"step", 0xe3, 0x1a, STT_FUNC, STB_LOCAL},
    {"api_gc", 0xfd, 0xa, STT_FUNC, STB_LOCAL},   {"full", 0x107, 6, STT_FUNC, STB_LOCAL},
    {"inl", 0x10d, 0x1c, STT_FUNC, STB_LOCAL},
};

/* The runtime's state as set_state last saw it, and how often. */
static uint32_t seen_state;
static int nstates;
/* When the heap was read (cycles), the first MAX_READS times. */
#define MAX_READS 4096
static uint64_t read_at[MAX_READS];
static size_t nreads;

static void fake_set_state(GcRuntime *rt, GcReadFn read, void *opaque, uint32_t state)
{
    (void)rt, (void)read, (void)opaque;
    seen_state = state;
    nstates++;
}

/* The heap in use is the program's word at HEAP_USED, once the state is known. */
static int fake_heap_state(GcRuntime *rt, GcReadFn read, void *opaque, bool want_blocks, GcHeapState *out)
{
    (void)rt, (void)want_blocks;
    if (nreads < MAX_READS)
        read_at[nreads++] = cpu_now(opaque); /* the observer reads through the Cpu */
    *out = (GcHeapState){.used = REC_UNKNOWN, .free = REC_UNKNOWN, .largest_free = REC_UNKNOWN};
    uint32_t v;
    if (seen_state != STATE_L)
        return 0;
    if (read(opaque, HEAP_USED, &v, 4) != 0)
        return -1;
    out->used = v;
    return 0;
}

static Image *build_image(void)
{
    static const TeSeg segs[] = {
        {.paddr = 0, .vaddr = 0, .filesz = 0x100, .memsz = 0x1000, .flags = PF_R | PF_X},
        {.paddr = SRAM, .vaddr = SRAM, .filesz = 0, .memsz = 0x1000, .flags = PF_R | PF_W},
    };
    TeSpec s = {.machine = EM_ARM, .type = ET_EXEC, .entry = 0x81, .seg = segs, .nseg = ARRAY_SIZE(segs),
                .sym = syms, .nsym = ARRAY_SIZE(syms)};
    size_t len;
    uint8_t *buf = te_build(&s, &len);
    char *path = te_path("observe.elf");
    CU_ASSERT_FATAL(te_write(path, buf, len) == 0);
    free(buf);
    int kind = 0;
    char *err = NULL;
    Image *img = image_load(path, &kind, &err);
    free(err);
    free(path);
    return img;
}

static GcRuntime *build_runtime(const Image *img)
{
    GcRuntime *rt = gc_runtime_new("test", img);
    GcHook *h;
    gc_runtime_add_hook(rt, GC_HOOK_STATE, "step");
    gc_runtime_add_hook(rt, GC_HOOK_STATE, "full");
    h = gc_runtime_add_hook(rt, GC_HOOK_PAUSE, "step");
    h->incremental = true;
    h->trigger = REC_TRIGGER_ALLOC;
    gc_runtime_add_hook(rt, GC_HOOK_TRIGGER, "api_gc")->trigger = REC_TRIGGER_EXPLICIT;
    gc_runtime_add_hook(rt, GC_HOOK_PAUSE, "full")->trigger_arg = 1;
    gc_runtime_add_hook(rt, GC_HOOK_PAUSE, "inl");
    gc_runtime_add_hook(rt, GC_HOOK_ALLOC, "alloc");
    gc_runtime_add_hook(rt, GC_HOOK_FREE, "free");
    h = gc_runtime_add_hook(rt, GC_HOOK_PHASE, "inlined_mark");
    h->phase = xstrdup("mark");
    h->optional = true;
    h = gc_runtime_add_hook(rt, GC_HOOK_PHASE, "inlined_sweep");
    h->phase = xstrdup("sweep");
    h->optional = true;
    char *err = NULL;
    CU_ASSERT_FATAL(gc_runtime_resolve(rt, &err) == 0);
    /* where DWARF would say they were inlined (the test image has no DWARF) */
    GcHook *mark = &rt->hooks[rt->nhooks - 2], *sweep = &rt->hooks[rt->nhooks - 1];
    mark->ranges = xmalloc(sizeof *mark->ranges);
    mark->ranges[0] = (ImageRange){0x112, 0x11e};
    mark->nranges = 1;
    sweep->ranges = xmalloc(sizeof *sweep->ranges);
    sweep->ranges[0] = (ImageRange){0x11e, 0x124};
    sweep->nranges = 1;
    rt->stack_sites = xmalloc(sizeof *rt->stack_sites);
    rt->stack_sites[0] = (ImageRange){0x8a, 0x8e}; /* the first `bl alloc` */
    rt->nstack_sites = 1;
    rt->alloc_unit = 8;
    rt->set_state = fake_set_state;
    rt->heap_state = fake_heap_state;
    return rt;
}

static int fake_semihost(void *opaque, uint32_t op, uint32_t param, uint32_t *result)
{
    (void)opaque;
    *result = param == 0x20026 ? 0 : 1;
    return op == 0x18;
}

static void test_observe_program(void)
{
    seen_state = 0;
    nstates = 0;
    nreads = 0;
    Sched sched;
    sched_init(&sched, 25000000);
    NvicConfig nc = {.num_irq = 32, .prio_bits = 3, .cpuid = 0x412FC231};
    Nvic *nvic = nvic_new(&nc);
    CpuMemRegion mem[] = {
        {.name = "flash", .base = 0, .size = 0x10000, .limit = 0x10000, .kind = MEM_FLASH},
        {.name = "sram", .base = SRAM, .size = 0x10000, .limit = 0x10000, .kind = MEM_SRAM},
    };
    CpuConfig cc = {.core = CORE_CORTEX_M3, .sched = &sched, .mem = mem, .nmem = 2, .nvic = nvic};
    char *err = NULL;
    Cpu *cpu = cpu_new(&cc, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cpu);
    cpu_set_semihost(cpu, fake_semihost, NULL);
    uint32_t vt[16] = {SRAM + 0x1000, 0x81};
    CU_ASSERT_FATAL(cpu_load(cpu, 0, vt, sizeof vt, &err) == 0);
    CU_ASSERT_FATAL(cpu_load(cpu, 0x80, prog, sizeof prog, &err) == 0);

    Image *img = build_image();
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    GcRuntime *rt = build_runtime(img);
    Recording *rec = rec_new();
    /* a heap sample every cycle: the tick runs at block boundaries past its due time */
    GcObserverConfig oc = {.cpu = cpu, .sched = &sched, .img = img, .rt = rt, .rec = rec, .heap_sample_cycles = 1};
    GcObserver *o = gc_observer_new(&oc, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_FATAL(cpu_boot(cpu, &err) == 0);
    CpuStop st;
    cpu_run(cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_EXIT);
    gc_observer_finish(o);

    CU_ASSERT_EQUAL(rec->run.alloc_unit, 8);
    CU_ASSERT_EQUAL_FATAL(rec->npauses, 5);
    const RecPause *p = rec->pauses;
    /* step: its own default (allocation debt); the state set before the heap was read */
    CU_ASSERT_EQUAL(p[0].trigger, REC_TRIGGER_ALLOC);
    CU_ASSERT_TRUE(p[0].incremental);
    CU_ASSERT_EQUAL(p[0].heap_before, 48);
    CU_ASSERT_EQUAL(p[0].heap_after, 32);
    CU_ASSERT_EQUAL(p[0].freed_bytes, 16);
    CU_ASSERT_EQUAL(p[0].freed_requested, 24); /* A, freed by the collector */
    /* step inside api_gc's scope: explicit; nothing freed, and that is known */
    CU_ASSERT_EQUAL(p[1].trigger, REC_TRIGGER_EXPLICIT);
    CU_ASSERT_EQUAL(p[1].freed_requested, 0);
    /* full(L, 1): the argument says an allocation; full(L, 0): its default */
    CU_ASSERT_EQUAL(p[2].trigger, REC_TRIGGER_ALLOC);
    CU_ASSERT_EQUAL(p[3].trigger, REC_TRIGGER_EXPLICIT);
    CU_ASSERT_EQUAL(p[4].trigger, REC_TRIGGER_EXPLICIT);
    CU_ASSERT_EQUAL(seen_state, STATE_L);
    CU_ASSERT_EQUAL(nstates, 4);

    /* the free inside the pause is the collector's */
    CU_ASSERT_EQUAL_FATAL(rec->nallocs, 2);
    CU_ASSERT_EQUAL_FATAL(rec->nfrees, 1);
    CU_ASSERT_TRUE(rec->frees[0].by_gc);
    CU_ASSERT_EQUAL(rec->frees[0].alloc_idx, 1);
    /* the allocation from the stack site is a stack */
    CU_ASSERT_EQUAL_FATAL(rec->nstack_allocs, 1);
    CU_ASSERT_EQUAL(rec->stack_allocs[0], 0);

    /* inl: "mark" from the block that leads into its range (inl's entry) to the first
     * block of "sweep", "sweep" to the first block outside both; both inside the pause */
    CU_ASSERT_EQUAL_FATAL(p[4].nphases, 2);
    const RecPhase *ph = &rec->phases[p[4].first_phase];
    CU_ASSERT_STRING_EQUAL(rec->phase_names[ph[0].name], "mark");
    CU_ASSERT_STRING_EQUAL(rec->phase_names[ph[1].name], "sweep");
    CU_ASSERT_EQUAL(ph[0].start, p[4].start);
    CU_ASSERT(ph[0].end > ph[0].start);
    CU_ASSERT_EQUAL(ph[1].start, ph[0].end);
    CU_ASSERT(ph[1].end > ph[1].start);
    CU_ASSERT(ph[1].end < p[4].end);
    for (size_t i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(p[i].nphases, 0);

    /* heap samples never step back in time, and each is stamped with the time the heap
     * was read (the tick runs at a block boundary past its due time) */
    CU_ASSERT_FATAL(rec->nsamples > 10);
    CU_ASSERT_FATAL(nreads < MAX_READS);
    for (size_t i = 1; i < rec->nsamples; i++)
        CU_ASSERT(rec->samples[i].time >= rec->samples[i - 1].time);
    for (size_t i = 0; i < rec->nsamples; i++) {
        bool read_then = false;
        for (size_t k = 0; k < nreads && !read_then; k++)
            read_then = read_at[k] == rec->samples[i].time;
        CU_ASSERT(read_then);
    }

    gc_observer_free(o);
    rec_free(rec);
    gc_runtime_free(rt);
    image_free(img);
    cpu_free(cpu);
    nvic_free(nvic);
}

static const TestCase observe_tests[] = {
    {"triggers, state, frees, inlined phases, stacks, samples", test_observe_program},
    {NULL, NULL},
};

int main(void)
{
    const TestSuite suites[] = {{"observer", observe_tests}, {NULL, NULL}};
    int rc = cunit_run(suites);
    te_cleanup();
    return rc;
}
