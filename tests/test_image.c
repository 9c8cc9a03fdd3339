/* test_image.c: the ELF loader on images built at test time: segments, symbols, the Thumb
 * bit, ARM build attributes, DWARF lines, every load error, and mutated files; and the
 * DWARF of the bundled firmware: inline chains, no line outside code. */
#include "config.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/image.h"
#include "base/util.h"
#include "tests/cunit_main.h"
#include "tests/loader_elf.h"

/* ---- fixtures ---- */

/* Tag_CPU_name "cortex-m3", Tag_CPU_arch, Tag_CPU_arch_profile, in an "aeabi" subsection
 * preceded by a vendor subsection that must be skipped. */
static size_t make_attrs(uint8_t *out, unsigned arch, unsigned profile)
{
    uint8_t file_attrs[64];
    size_t n = 0;
    file_attrs[n++] = 67; /* Tag_conformance: NTBS */
    memcpy(file_attrs + n, "2.09", 5);
    n += 5;
    file_attrs[n++] = 5; /* Tag_CPU_name: NTBS */
    memcpy(file_attrs + n, "cortex-m3", 10);
    n += 10;
    file_attrs[n++] = 6; /* Tag_CPU_arch */
    file_attrs[n++] = (uint8_t)arch;
    file_attrs[n++] = 7; /* Tag_CPU_arch_profile */
    file_attrs[n++] = (uint8_t)profile;
    file_attrs[n++] = 0x80 | 34; /* an unknown even tag (>= 32: ULEB) as a two-byte ULEB */
    file_attrs[n++] = 0x02;      /* tag 290 */
    file_attrs[n++] = 0x81;      /* value 129 (two-byte ULEB) */
    file_attrs[n++] = 0x01;
    file_attrs[n++] = 9; /* Tag_THUMB_ISA_use */
    file_attrs[n++] = 2;

    size_t o = 0;
    out[o++] = 'A';
    /* vendor "gnu" subsection with a bogus Tag_CPU_arch-looking byte inside */
    const uint8_t gnu[] = {12, 0, 0, 0, 'g', 'n', 'u', 0, 6, 1, 2, 3};
    memcpy(out + o, gnu, sizeof gnu);
    o += sizeof gnu;
    uint32_t sub_len = (uint32_t)(4 + 6 + 1 + 4 + n);
    memcpy(out + o, &sub_len, 4);
    o += 4;
    memcpy(out + o, "aeabi", 6);
    o += 6;
    out[o++] = 1; /* Tag_File */
    uint32_t ss_len = (uint32_t)(1 + 4 + n);
    memcpy(out + o, &ss_len, 4);
    o += 4;
    memcpy(out + o, file_attrs, n);
    o += n;
    return o;
}

static const TeSeg arm_segs[] = {
    {.paddr = 0x00000000, .vaddr = 0x00000000, .filesz = 0x60, .memsz = 0x60, .flags = PF_R | PF_X},
    {.paddr = 0x00000060, .vaddr = 0x20000000, .filesz = 8, .memsz = 32, .flags = PF_R | PF_W},
    {.paddr = 0x20000100, .vaddr = 0x20000100, .filesz = 0, .memsz = 0, .flags = PF_R | PF_W}, /* empty: skipped */
    {.paddr = 0x20000020, .vaddr = 0x20000020, .filesz = 0, .memsz = 0x400, .flags = PF_R | PF_W},
};

static const TeSym arm_syms[] = {
    {"Reset_Handler", 0x41, 8, STT_FUNC, STB_GLOBAL},
    {"main", 0x11, 16, STT_FUNC, STB_GLOBAL},
    {"helper", 0x31, 0, STT_FUNC, STB_LOCAL}, /* size unknown */
    {"$t", 0x10, 0, STT_NOTYPE, STB_LOCAL},   /* mapping symbol: dropped */
    {"$d", 0x58, 0, STT_NOTYPE, STB_LOCAL},
    {"dup", 0x50, 4, STT_OBJECT, STB_LOCAL},
    {"dup", 0x20000000, 4, STT_OBJECT, STB_GLOBAL},
    {"__StackTop", 0x20001000, 0, STT_NOTYPE, STB_GLOBAL},
    {"table", 0x54, 4, STT_OBJECT, STB_GLOBAL},
};

static uint8_t *arm_image(size_t *len, unsigned arch, bool dwarf)
{
    uint8_t attrs[128];
    size_t alen = make_attrs(attrs, arch, 'M');
    TeSpec s = {
        .machine = EM_ARM, .type = ET_EXEC, .entry = 0x41,
        .seg = arm_segs, .nseg = ARRAY_SIZE(arm_segs),
        .sym = arm_syms, .nsym = ARRAY_SIZE(arm_syms),
        .arm_attrs = attrs, .arm_attrs_len = alen,
        .dwarf = dwarf, .dwarf_addr = 0x10,
    };
    return te_build(&s, len);
}

static char *write_image(const char *name, const uint8_t *buf, size_t len)
{
    char *p = te_path(name);
    CU_ASSERT_FATAL(te_write(p, buf, len) == 0);
    return p;
}

/* Loads buf as a file; returns the image (or NULL with *msg / *kind). */
static Image *load_bytes(const char *name, const uint8_t *buf, size_t len, int *kind, char **msg)
{
    char *p = write_image(name, buf, len);
    *kind = 0;
    *msg = NULL;
    Image *img = image_load(p, kind, msg);
    free(p);
    return img;
}

/* The load must fail as FORMAT with a message naming the file and containing want. */
static void expect_format_error(const char *name, const uint8_t *buf, size_t len, const char *want)
{
    int kind;
    char *msg;
    Image *img = load_bytes(name, buf, len, &kind, &msg);
    CU_ASSERT_PTR_NULL(img);
    image_free(img);
    CU_ASSERT_EQUAL(kind, LOAD_ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    if (!strstr(msg, want) || !strstr(msg, name))
        fprintf(stderr, "\n  message \"%s\" lacks \"%s\" or the file name\n", msg, want);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, want));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, name));
    CU_ASSERT_PTR_NULL(strchr(msg, '\n'));
    free(msg);
}

/* ---- valid images ---- */

static void test_arm_segments(void)
{
    size_t len;
    uint8_t *buf = arm_image(&len, 10, false);
    int kind;
    char *msg;
    Image *img = load_bytes("arm.elf", buf, len, &kind, &msg);
    free(buf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    CU_ASSERT_EQUAL(image_machine(img), EM_ARM);
    CU_ASSERT_EQUAL(image_entry(img), 0x41);
    CU_ASSERT_PTR_NOT_NULL(strstr(image_path(img), "arm.elf"));
    CU_ASSERT_EQUAL_FATAL(image_segment_count(img), 3); /* the memsz 0 one is dropped */
    const ImageSegment *s0 = image_segment(img, 0), *s1 = image_segment(img, 1), *s2 = image_segment(img, 2);
    CU_ASSERT_EQUAL(s0->paddr, 0);
    CU_ASSERT_EQUAL(s0->filesz, 0x60);
    CU_ASSERT_EQUAL(s0->flags, PF_R | PF_X);
    CU_ASSERT_EQUAL(s0->data[5], 5);
    CU_ASSERT_EQUAL(s1->paddr, 0x60);
    CU_ASSERT_EQUAL(s1->vaddr, 0x20000000);
    CU_ASSERT_EQUAL(s1->filesz, 8);
    CU_ASSERT_EQUAL(s1->memsz, 32);
    CU_ASSERT_EQUAL(s1->data[0], 16);
    CU_ASSERT_EQUAL(s1->data[7], 23);
    CU_ASSERT_EQUAL(s2->memsz, 0x400);
    CU_ASSERT_EQUAL(s2->filesz, 0);
    CU_ASSERT_PTR_NULL(image_segment(img, 3));
    CU_ASSERT_FALSE(image_has_dwarf(img));
    image_free(img);
}

static void test_arm_symbols(void)
{
    size_t len;
    uint8_t *buf = arm_image(&len, 10, false);
    int kind;
    char *msg;
    Image *img = load_bytes("syms.elf", buf, len, &kind, &msg);
    free(buf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    /* mapping symbols dropped: 9 - 2 */
    CU_ASSERT_EQUAL_FATAL(image_symbol_count(img), 7);
    for (size_t i = 1; i < image_symbol_count(img); i++)
        CU_ASSERT(image_symbol(img, i - 1)->addr <= image_symbol(img, i)->addr);
    for (size_t i = 0; i < image_symbol_count(img); i++)
        CU_ASSERT(image_symbol(img, i)->name[0] != '$');
    CU_ASSERT_PTR_NULL(image_symbol(img, 7));

    const ImageSymbol *rh = image_symbol_by_name(img, "Reset_Handler");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rh);
    CU_ASSERT_EQUAL(rh->addr, 0x40); /* Thumb bit cleared */
    CU_ASSERT_EQUAL(rh->size, 8);
    CU_ASSERT_TRUE(rh->is_func);
    const ImageSymbol *st = image_symbol_by_name(img, "__StackTop");
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_EQUAL(st->addr, 0x20001000);
    CU_ASSERT_FALSE(st->is_func);
    const ImageSymbol *tb = image_symbol_by_name(img, "table");
    CU_ASSERT_PTR_NOT_NULL_FATAL(tb);
    CU_ASSERT_EQUAL(tb->addr, 0x54); /* data: address untouched */
    const ImageSymbol *dup = image_symbol_by_name(img, "dup");
    CU_ASSERT_PTR_NOT_NULL_FATAL(dup);
    CU_ASSERT_EQUAL(dup->addr, 0x20000000); /* the global one wins */
    CU_ASSERT_PTR_NULL(image_symbol_by_name(img, "nope"));
    CU_ASSERT_PTR_NULL(image_symbol_by_name(img, "$t"));
    CU_ASSERT_PTR_NULL(image_symbol_by_name(img, ""));

    /* function_at: inside, Thumb-bit query, the end, size-0 fallback, before all */
    const ImageSymbol *f = image_function_at(img, 0x14);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->name, "main");
    f = image_function_at(img, 0x11);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->name, "main");
    f = image_function_at(img, 0x1f);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->name, "main");
    CU_ASSERT_PTR_NULL(image_function_at(img, 0x20)); /* past main, before helper */
    f = image_function_at(img, 0x3a);                 /* helper has no size: nearest below */
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->name, "helper");
    CU_ASSERT_EQUAL(f->addr, 0x30);
    f = image_function_at(img, 0x47);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(f->name, "Reset_Handler");
    CU_ASSERT_PTR_NULL(image_function_at(img, 0x48)); /* past Reset_Handler */
    CU_ASSERT_PTR_NULL(image_function_at(img, 0x4));  /* before every function */
    CU_ASSERT_PTR_NULL(image_function_at(img, 0x20000010)); /* data, another segment */

    char d[128];
    CU_ASSERT_STRING_EQUAL(image_describe_addr(img, 0x16, d, sizeof d), "main+0x6");
    CU_ASSERT_STRING_EQUAL(image_describe_addr(img, 0x40, d, sizeof d), "Reset_Handler");
    CU_ASSERT_STRING_EQUAL(image_describe_addr(img, 0x30000000, d, sizeof d), "0x30000000");
    image_free(img);
}

static void test_riscv_image(void)
{
    const TeSeg segs[] = {
        {.paddr = 0x20400000, .vaddr = 0x20400000, .filesz = 0x40, .memsz = 0x40, .flags = PF_R | PF_X},
        {.paddr = 0x20400040, .vaddr = 0x80000000, .filesz = 4, .memsz = 0x100, .flags = PF_R | PF_W},
    };
    const TeSym syms[] = {
        {"_start", 0x20400000, 0x10, STT_FUNC, STB_GLOBAL},
        {"odd", 0x20400011, 6, STT_FUNC, STB_LOCAL}, /* no Thumb bit on RISC-V: kept as is */
    };
    TeSpec s = {.machine = EM_RISCV, .type = ET_EXEC, .entry = 0x20400000, .seg = segs, .nseg = 2,
                .sym = syms, .nsym = 2};
    size_t len;
    uint8_t *buf = te_build(&s, &len);
    int kind;
    char *msg;
    Image *img = load_bytes("rv.elf", buf, len, &kind, &msg);
    free(buf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    CU_ASSERT_EQUAL(image_machine(img), EM_RISCV);
    CU_ASSERT_EQUAL(image_entry(img), 0x20400000);
    CU_ASSERT_EQUAL(image_arm_arch(img), IMAGE_ARM_UNKNOWN);
    CU_ASSERT_EQUAL(image_segment_count(img), 2);
    CU_ASSERT_EQUAL(image_segment(img, 1)->vaddr, 0x80000000);
    const ImageSymbol *o = image_symbol_by_name(img, "odd");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    CU_ASSERT_EQUAL(o->addr, 0x20400011);
    CU_ASSERT_PTR_NULL(image_function_at(img, 0x20400010));
    CU_ASSERT_PTR_NOT_NULL(image_function_at(img, 0x20400011));
    CU_ASSERT_STRING_EQUAL(image_function_at(img, 0x2040000e)->name, "_start");
    image_free(img);
}

static ImageArmArch arch_of(unsigned arch, unsigned profile)
{
    uint8_t attrs[128];
    size_t alen = make_attrs(attrs, arch, profile);
    TeSpec s = {.machine = EM_ARM, .type = ET_EXEC, .entry = 0x41, .seg = arm_segs, .nseg = 2,
                .arm_attrs = attrs, .arm_attrs_len = alen};
    size_t len;
    uint8_t *buf = te_build(&s, &len);
    int kind;
    char *msg;
    Image *img = load_bytes("attrs.elf", buf, len, &kind, &msg);
    free(buf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    ImageArmArch a = image_arm_arch(img);
    image_free(img);
    return a;
}

static void test_arm_attributes(void)
{
    CU_ASSERT_EQUAL(arch_of(11, 'M'), IMAGE_ARM_V6M);
    CU_ASSERT_EQUAL(arch_of(12, 'M'), IMAGE_ARM_V6M);
    CU_ASSERT_EQUAL(arch_of(10, 'M'), IMAGE_ARM_V7M);
    CU_ASSERT_EQUAL(arch_of(10, 'A'), IMAGE_ARM_UNKNOWN); /* v7-A is not a microcontroller */
    CU_ASSERT_EQUAL(arch_of(13, 'M'), IMAGE_ARM_V7EM);
    CU_ASSERT_EQUAL(arch_of(16, 'M'), IMAGE_ARM_V8M);
    CU_ASSERT_EQUAL(arch_of(17, 'M'), IMAGE_ARM_V8M);
    CU_ASSERT_EQUAL(arch_of(8, 'A'), IMAGE_ARM_UNKNOWN);

    /* no attributes at all */
    TeSpec s = {.machine = EM_ARM, .type = ET_EXEC, .entry = 0x41, .seg = arm_segs, .nseg = 2};
    size_t len;
    uint8_t *buf = te_build(&s, &len);
    int kind;
    char *msg;
    Image *img = load_bytes("noattrs.elf", buf, len, &kind, &msg);
    free(buf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    CU_ASSERT_EQUAL(image_arm_arch(img), IMAGE_ARM_UNKNOWN);
    CU_ASSERT_EQUAL(image_symbol_count(img), 0);
    CU_ASSERT_PTR_NULL(image_symbol_by_name(img, "main"));
    CU_ASSERT_PTR_NULL(image_function_at(img, 0x10));
    image_free(img);

    /* every truncation of the attributes section: no crash, and never a wrong answer */
    uint8_t attrs[128];
    size_t alen = make_attrs(attrs, 13, 'M');
    for (size_t cut = 0; cut < alen; cut++) {
        uint8_t copy[128];
        memcpy(copy, attrs, alen);
        TeSpec t = {.machine = EM_ARM, .type = ET_EXEC, .entry = 0x41, .seg = arm_segs, .nseg = 2,
                    .arm_attrs = copy, .arm_attrs_len = cut};
        buf = te_build(&t, &len);
        img = load_bytes("cutattrs.elf", buf, len, &kind, &msg);
        free(buf);
        CU_ASSERT_PTR_NOT_NULL_FATAL(img);
        CU_ASSERT(image_arm_arch(img) == IMAGE_ARM_UNKNOWN || image_arm_arch(img) == IMAGE_ARM_V7EM);
        image_free(img);
    }
}

/* The ARM test image with its DWARF line table (a compile unit "t.c" without function
 * entries), loaded from a file called name. */
static Image *dwarf_image(const char *name)
{
    size_t len;
    uint8_t *buf = arm_image(&len, 10, true);
    int kind;
    char *msg;
    Image *img = load_bytes(name, buf, len, &kind, &msg);
    free(buf);
    return img;
}

static void test_dwarf_lines(void)
{
    Image *img = dwarf_image("dwarf.elf");
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    CU_ASSERT_TRUE(image_has_dwarf(img));
    const char *file = NULL;
    int line = 0;
    CU_ASSERT_TRUE(image_line_at(img, 0x10, &file, &line));
    CU_ASSERT_EQUAL(line, 10);
    CU_ASSERT_PTR_NOT_NULL_FATAL(file);
    CU_ASSERT_PTR_NOT_NULL(strstr(file, "t.c"));
    CU_ASSERT_TRUE(image_line_at(img, 0x13, &file, &line));
    CU_ASSERT_EQUAL(line, 10);
    CU_ASSERT_TRUE(image_line_at(img, 0x14, &file, &line));
    CU_ASSERT_EQUAL(line, 12);
    CU_ASSERT_TRUE(image_line_at(img, 0x15, &file, &line)); /* a Thumb-bit PC: same line */
    CU_ASSERT_EQUAL(line, 12);
    CU_ASSERT_TRUE(image_line_at(img, 0x1b, &file, &line));
    CU_ASSERT_EQUAL(line, 12);
    CU_ASSERT_FALSE(image_line_at(img, 0x1c, &file, &line)); /* end of the sequence */
    CU_ASSERT_FALSE(image_line_at(img, 0x0f, &file, &line));
    CU_ASSERT_FALSE(image_line_at(img, 0x20000000, NULL, NULL));
    char d[128];
    CU_ASSERT_STRING_EQUAL(image_describe_addr(img, 0x14, d, sizeof d), "main+0x4 (t.c:12)");
    CU_ASSERT_STRING_EQUAL(image_describe_addr(img, 0x10, d, sizeof d), "main (t.c:10)");
    /* repeated lookups come from the cache and agree */
    for (int i = 0; i < 1000; i++)
        CU_ASSERT_TRUE_FATAL(image_line_at(img, 0x10 + (uint32_t)(i % 12), NULL, &line));
    image_free(img);

    size_t len;
    int kind;
    char *msg;
    uint8_t *buf = arm_image(&len, 10, false);
    img = load_bytes("nodwarf.elf", buf, len, &kind, &msg);
    free(buf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    CU_ASSERT_FALSE(image_has_dwarf(img));
    CU_ASSERT_FALSE(image_line_at(img, 0x10, &file, &line));
    image_free(img);
}

/* The chain of a compile unit without function entries (as an assembler writes it): one
 * level, the symbol's name and the row's line; nothing past the unit's code. */
static void test_dwarf_frames(void)
{
    Image *img = dwarf_image("frames.elf");
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    ImageFrame f[IMAGE_MAX_INLINE];
    CU_ASSERT_EQUAL_FATAL(image_frames_at(img, 0x15, f, IMAGE_MAX_INLINE), 1);
    CU_ASSERT_STRING_EQUAL(f[0].function, "main");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f[0].file);
    CU_ASSERT_PTR_NOT_NULL(strstr(f[0].file, "t.c"));
    CU_ASSERT_EQUAL(f[0].line, 12);
    CU_ASSERT_EQUAL(f[0].start_line, 10); /* the line at main's address */
    CU_ASSERT_FALSE(f[0].inlined);
    /* past the unit's code, still in main: the function without a line */
    CU_ASSERT_EQUAL_FATAL(image_frames_at(img, 0x1e, f, IMAGE_MAX_INLINE), 1);
    CU_ASSERT_STRING_EQUAL(f[0].function, "main");
    CU_ASSERT_PTR_NULL(f[0].file);
    CU_ASSERT_EQUAL(f[0].line, 0);
    /* in no function and no unit: nothing */
    CU_ASSERT_EQUAL(image_frames_at(img, 0x0c, f, IMAGE_MAX_INLINE), 0);
    CU_ASSERT_EQUAL(image_frames_at(img, 0x30000000, f, IMAGE_MAX_INLINE), 0);
    /* max 0: nothing written */
    CU_ASSERT_EQUAL(image_frames_at(img, 0x15, f, 0), 0);
    image_free(img);
}

/* ---- DWARF of the bundled firmware (FWDIR, set by make check) ---- */

/* The bundled image `name`, or NULL (and a note) when the firmware was not built. */
static Image *firmware_image(const char *name)
{
    const char *dir = getenv("FWDIR");
    char *path = xasprintf("%s/%s", dir ? dir : ".", name);
    Image *img = NULL;
    if (dir && access(path, R_OK) == 0) {
        int kind;
        char *msg = NULL;
        img = image_load(path, &kind, &msg);
        CU_ASSERT_PTR_NOT_NULL(img);
        free(msg);
    } else {
        fprintf(stderr, "(%s not built: skipped) ", path);
    }
    free(path);
    return img;
}

/* The 1-based line of `text` in the source file `rel` (SRCDIR, set by make check), 0 if
 * not found. */
static int source_line(const char *rel, const char *text)
{
    const char *dir = getenv("SRCDIR");
    char *path = xasprintf("%s/%s", dir ? dir : "..", rel);
    FILE *f = fopen(path, "r");
    free(path);
    int found = 0;
    char buf[512];
    for (int line = 1; f && !found && fgets(buf, sizeof buf, f); line++)
        if (strstr(buf, text))
            found = line;
    if (f)
        fclose(f);
    return found;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = s ? strlen(s) : 0, k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}

/* gc-demo's xalloc (workloads.c) is inlined into its callers, some of them inlined in
 * turn: at every address of wl_strings the chain ends with wl_strings itself (not
 * inlined), every level before it inlined; somewhere the chain is xalloc at its gc_alloc
 * call <- str_new <- ... <- wl_strings, each outer level at the line of its call. */
static void test_firmware_inline(void)
{
    Image *img = firmware_image("gc-demo-mps2-an385.elf");
    if (!img)
        return;
    int call_line = source_line("firmware/demo/workloads.c", "void *p = gc_alloc(n);");
    int decl_line = source_line("firmware/demo/workloads.c", "static void *xalloc(size_t n");
    CU_ASSERT(call_line > 0 && decl_line > 0);
    const ImageSymbol *ws = image_symbol_by_name(img, "wl_strings");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ws);
    CU_ASSERT_FATAL(ws->size > 0);
    size_t deep = 0, xallocs = 0;
    for (uint32_t a = ws->addr; a < ws->addr + ws->size; a += 2) {
        ImageFrame f[IMAGE_MAX_INLINE], g[IMAGE_MAX_INLINE];
        size_t n = image_frames_at(img, a, f, IMAGE_MAX_INLINE);
        CU_ASSERT_FATAL(n >= 1);
        CU_ASSERT_STRING_EQUAL(f[n - 1].function, "wl_strings");
        CU_ASSERT_FALSE(f[n - 1].inlined);
        for (size_t k = 0; k + 1 < n; k++) {
            CU_ASSERT(f[k].inlined);
            CU_ASSERT_PTR_NOT_NULL(f[k].function);
            /* every outer level is at the line of its call, in workloads.c */
            CU_ASSERT(ends_with(f[k + 1].file, "workloads.c") && f[k + 1].line > 0);
        }
        /* level 0 is the line table's row; the Thumb bit changes nothing */
        const char *file;
        int line;
        if (image_line_at(img, a, &file, &line)) {
            CU_ASSERT(file == f[0].file && line == f[0].line);
        }
        CU_ASSERT_EQUAL(image_frames_at(img, a | 1, g, IMAGE_MAX_INLINE), n);
        CU_ASSERT(memcmp(f, g, n * sizeof *f) == 0);
        if (n >= 3)
            deep++;
        if (n >= 3 && !strcmp(f[0].function, "xalloc") && ends_with(f[0].file, "workloads.c") &&
            f[0].line == call_line) {
            xallocs++;
            CU_ASSERT_EQUAL(f[0].start_line, decl_line);
            CU_ASSERT(!strcmp(f[1].function, "str_new") || !strcmp(f[1].function, "str_split"));
        }
    }
    CU_ASSERT(deep > 0);
    CU_ASSERT(xallocs > 0);
    image_free(img);
}

/* image_source_path: a relative file joined with its unit's compilation directory, an
 * absolute one kept; on the bundled firmware the paths are absolute and readable. */
static void test_source_path(void)
{
    char buf[256];
    ImageFrame f = {.file = "../src/a.c", .dir = "/home/b/build"};
    CU_ASSERT_STRING_EQUAL(image_source_path(&f, buf, sizeof buf), "/home/b/build/../src/a.c");
    f.dir = "/home/b/build/";
    CU_ASSERT_STRING_EQUAL(image_source_path(&f, buf, sizeof buf), "/home/b/build/../src/a.c");
    f.file = "/usr/include/x.h";
    CU_ASSERT_STRING_EQUAL(image_source_path(&f, buf, sizeof buf), "/usr/include/x.h");
    f = (ImageFrame){.file = "a.c"};
    CU_ASSERT_STRING_EQUAL(image_source_path(&f, buf, sizeof buf), "a.c");
    f.file = NULL;
    CU_ASSERT_PTR_NULL(image_source_path(&f, buf, sizeof buf));

    Image *img = firmware_image("gc-demo-mps2-an385.elf");
    if (!img)
        return;
    const ImageSymbol *ws = image_symbol_by_name(img, "wl_strings");
    CU_ASSERT_PTR_NOT_NULL_FATAL(ws);
    size_t checked = 0;
    for (uint32_t a = ws->addr; a < ws->addr + ws->size; a += 2) {
        ImageFrame fr[IMAGE_MAX_INLINE];
        size_t n = image_frames_at(img, a, fr, IMAGE_MAX_INLINE);
        for (size_t k = 0; k < n; k++) {
            if (!fr[k].file)
                continue;
            char path[4096];
            CU_ASSERT_PTR_NOT_NULL_FATAL(fr[k].dir);
            CU_ASSERT_PTR_NOT_NULL_FATAL(image_source_path(&fr[k], path, sizeof path));
            CU_ASSERT_EQUAL(path[0], '/');
            CU_ASSERT(ends_with(path, fr[k].file));
            CU_ASSERT_EQUAL(access(path, R_OK), 0);
            checked++;
        }
    }
    CU_ASSERT(checked > 0);
    image_free(img);
}

/* Where gc-demo's xalloc was inlined: ranges ascending and apart, each inside a function
 * symbol, and at every 2 bytes of them an inline chain with xalloc in it (at the start,
 * as level 0 or inlined further in); just outside them, no xalloc at level 0. Nothing
 * for a function that was never inlined, nor for a name no function has. */
static void test_firmware_inline_ranges(void)
{
    Image *img = firmware_image("gc-demo-mps2-an385.elf");
    if (!img)
        return;
    ImageRange *r;
    size_t n = image_inline_ranges(img, "xalloc", &r);
    CU_ASSERT_FATAL(n > 1);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT(r[i].lo < r[i].hi);
        CU_ASSERT(i == 0 || r[i - 1].hi < r[i].lo);
        CU_ASSERT_PTR_NOT_NULL(image_function_at(img, r[i].lo));
        CU_ASSERT_FALSE(r[i].lo & 1);
        for (uint32_t a = r[i].lo; a < r[i].hi; a += 2) {
            ImageFrame f[IMAGE_MAX_INLINE];
            size_t nf = image_frames_at(img, a, f, IMAGE_MAX_INLINE);
            bool found = false;
            for (size_t k = 0; k + 1 < nf; k++)
                found |= f[k].inlined && !strcmp(f[k].function, "xalloc");
            CU_ASSERT(found);
        }
        ImageFrame g[IMAGE_MAX_INLINE];
        size_t ng = image_frames_at(img, r[i].hi, g, IMAGE_MAX_INLINE);
        CU_ASSERT(ng == 0 || strcmp(g[0].function, "xalloc") != 0);
    }
    free(r);
    CU_ASSERT_EQUAL(image_inline_ranges(img, "main", &r), 0);
    CU_ASSERT_PTR_NULL(r);
    CU_ASSERT_EQUAL(image_inline_ranges(img, "no_such_function", &r), 0);
    image_free(img);
}

/* Whether addr lies in a function symbol of known size. */
static bool in_function(const Image *img, uint32_t addr)
{
    const ImageSymbol *f = image_function_at(img, addr);
    return f && f->size && addr - f->addr < f->size;
}

/* No line outside code: the linker leaves discarded functions' line sequences at address 0
 * (GNU ld's tombstone; on RISC-V every row of them at 0, ends of sequence included), and a
 * function's last row may sit at its end, followed there by the end of its sequence. An
 * address in no function (a vector table, padding between functions, data in .text, an
 * unmapped address) gets no line, and in a function only its own unit's rows. */
static void test_firmware_no_line_outside_code(void)
{
    static const char *const names[] = {"gc-demo-mps2-an385.elf", "gc-demo-virt-rv32.elf"};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        Image *img = firmware_image(names[i]);
        if (!img)
            continue;
        ImageFrame f[IMAGE_MAX_INLINE];
        CU_ASSERT_EQUAL(image_frames_at(img, 0x30000000, f, IMAGE_MAX_INLINE), 0);
        CU_ASSERT_FALSE(image_line_at(img, 0x30000000, NULL, NULL));
        size_t outside = 0, inside = 0, lined = 0, wrong = 0;
        for (size_t s = 0; s < image_segment_count(img); s++) {
            const ImageSegment *sg = image_segment(img, s);
            if (!(sg->flags & PF_X))
                continue;
            for (uint32_t a = sg->vaddr; a < sg->vaddr + sg->filesz; a += 2) {
                const char *file;
                int line;
                bool has = image_line_at(img, a, &file, &line);
                if (!in_function(img, a)) {
                    if (has && wrong++ < 3)
                        fprintf(stderr, "\n  %s: 0x%08x in no function has %s:%d", names[i], a, file, line);
                    outside++;
                    CU_ASSERT_FALSE(has);
                } else {
                    inside++;
                    lined += has;
                }
            }
        }
        CU_ASSERT(outside > 0);
        CU_ASSERT(lined * 10 > inside * 9); /* nearly all code has a line */
        image_free(img);
    }
}

/* ---- errors ---- */

static void test_error_open(void)
{
    int kind = 0;
    char *msg = NULL;
    char *p = te_path("does-not-exist.elf");
    Image *img = image_load(p, &kind, &msg);
    CU_ASSERT_PTR_NULL(img);
    CU_ASSERT_EQUAL(kind, LOAD_ERR_OPEN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(msg);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "cannot open"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "does-not-exist.elf"));
    free(msg);
    free(p);

    /* a directory opens but cannot be read */
    p = te_path("adir");
    CU_ASSERT_FATAL(mkdir(p, 0700) == 0);
    msg = NULL;
    img = image_load(p, &kind, &msg);
    CU_ASSERT_PTR_NULL(img);
    CU_ASSERT_EQUAL(kind, LOAD_ERR_OPEN);
    CU_ASSERT_PTR_NOT_NULL(msg && strstr(msg, "adir"));
    free(msg);
    rmdir(p);
    free(p);

    /* NULL err and kind are allowed */
    p = te_path("does-not-exist-either.elf");
    CU_ASSERT_PTR_NULL(image_load(p, NULL, NULL));
    free(p);
}

static void test_error_not_elf(void)
{
    expect_format_error("empty.elf", (const uint8_t *)"", 0, "empty");
    const char *text = "hello, this is not firmware\n";
    expect_format_error("text.elf", (const uint8_t *)text, strlen(text), "not an ELF");
    expect_format_error("short.elf", (const uint8_t *)"\177EL", 3, "not an ELF");
}

static void patch_and_expect(const char *name, size_t off, const void *val, size_t n, const char *want)
{
    size_t len;
    uint8_t *buf = arm_image(&len, 10, false);
    memcpy(buf + off, val, n);
    expect_format_error(name, buf, len, want);
    free(buf);
}

static void test_error_header(void)
{
    uint8_t b = ELFCLASS64;
    patch_and_expect("elf64.elf", TE_EI_CLASS, &b, 1, "64-bit");
    b = 7;
    patch_and_expect("class7.elf", TE_EI_CLASS, &b, 1, "class");
    b = ELFDATA2MSB;
    patch_and_expect("be.elf", TE_EI_DATA, &b, 1, "big-endian");
    uint16_t m = EM_X86_64;
    patch_and_expect("x86.elf", TE_E_MACHINE, &m, 2, "x86-64");
    m = EM_AARCH64;
    patch_and_expect("a64.elf", TE_E_MACHINE, &m, 2, "AArch64");
    m = 9999;
    patch_and_expect("m9999.elf", TE_E_MACHINE, &m, 2, "machine 9999");
    uint16_t t = ET_REL;
    patch_and_expect("rel.elf", TE_E_TYPE, &t, 2, "not an executable");
    patch_and_expect("rel2.elf", TE_E_TYPE, &t, 2, "ET_REL");
    t = ET_DYN;
    patch_and_expect("dyn.elf", TE_E_TYPE, &t, 2, "ET_DYN");
    t = ET_CORE;
    patch_and_expect("core.elf", TE_E_TYPE, &t, 2, "not an executable");
}

static void test_error_no_segment(void)
{
    const TeSeg empty[] = {{.paddr = 0, .vaddr = 0, .filesz = 0, .memsz = 0, .flags = PF_R}};
    TeSpec s = {.machine = EM_ARM, .type = ET_EXEC, .seg = empty, .nseg = 1};
    size_t len;
    uint8_t *buf = te_build(&s, &len);
    expect_format_error("noload.elf", buf, len, "no loadable segment");
    free(buf);
    s.nseg = 0;
    buf = te_build(&s, &len);
    expect_format_error("nophdr.elf", buf, len, "no loadable segment");
    free(buf);
}

static void test_error_malformed_segment(void)
{
    const TeSeg bad[] = {{.paddr = 0, .vaddr = 0, .filesz = 16, .memsz = 8, .flags = PF_R}};
    TeSpec s = {.machine = EM_RISCV, .type = ET_EXEC, .seg = bad, .nseg = 1};
    size_t len;
    uint8_t *buf = te_build(&s, &len);
    expect_format_error("filesz.elf", buf, len, "malformed");
    free(buf);
    const TeSeg wrap[] = {{.paddr = 0xFFFFFF00, .vaddr = 0xFFFFFF00, .filesz = 0, .memsz = 0x200, .flags = PF_R}};
    s.seg = wrap;
    buf = te_build(&s, &len);
    expect_format_error("wrap.elf", buf, len, "4 GiB");
    free(buf);
}

static void test_error_truncated(void)
{
    size_t len;
    uint8_t *buf = arm_image(&len, 10, true);
    Elf32_Ehdr eh;
    memcpy(&eh, buf, sizeof eh);
    Elf32_Phdr ph;
    memcpy(&ph, buf + eh.e_phoff, sizeof ph);
    const size_t cuts[] = {
        10,                              /* inside e_ident */
        40,                              /* inside the ELF header */
        eh.e_phoff + 10,                 /* inside the program headers */
        ph.p_offset + 1,                 /* inside segment 0's data */
        eh.e_shoff + 3,                  /* inside the section headers */
        len - 1,                         /* the last byte missing */
    };
    for (size_t i = 0; i < ARRAY_SIZE(cuts); i++) {
        char name[32];
        snprintf(name, sizeof name, "trunc%zu.elf", i);
        expect_format_error(name, buf, cuts[i], "truncated");
    }
    free(buf);
}

/* Deterministic mutations of a valid image: byte flips, overwrites with boundary values,
 * truncations. Each must load or fail cleanly; loaded images must answer queries. */
static void test_mutations(void)
{
    size_t len;
    uint8_t *orig = arm_image(&len, 13, true);
    uint8_t *buf = xmalloc(len);
    uint32_t seed = 12345;
#define NEXT() (seed = seed * 1103515245u + 12345u, (seed >> 8) & 0xffffff)
    int loaded = 0, failed = 0;
    char *p = te_path("mut.elf");
    for (int round = 0; round < 200; round++) {
        memcpy(buf, orig, len);
        size_t n = len;
        int how = (int)(NEXT() % 4);
        if (how == 3) {
            n = NEXT() % len;
        } else {
            int flips = 1 + (int)(NEXT() % 4);
            for (int k = 0; k < flips; k++) {
                size_t at = NEXT() % len;
                /* headers get more attention: the first 300 bytes half of the time */
                if (NEXT() & 1)
                    at = NEXT() % (len < 300 ? len : 300);
                static const uint8_t vals[] = {0x00, 0xff, 0x7f, 0x80, 0x01};
                buf[at] = how == 0 ? (uint8_t)(buf[at] ^ (1u << (NEXT() % 8))) : how == 1 ? vals[NEXT() % 5] : (uint8_t)NEXT();
            }
        }
        CU_ASSERT_FATAL(te_write(p, buf, n) == 0);
        int kind = 0;
        char *msg = NULL;
        Image *img = image_load(p, &kind, &msg);
        if (img) {
            loaded++;
            CU_ASSERT_PTR_NULL(msg);
            CU_ASSERT(image_segment_count(img) > 0);
            for (size_t i = 0; i < image_segment_count(img); i++) {
                const ImageSegment *s = image_segment(img, i);
                CU_ASSERT(s->filesz <= s->memsz);
                volatile uint8_t sum = 0;
                for (uint32_t k = 0; k < s->filesz; k++) /* the bytes are really there */
                    sum ^= s->data[k];
                (void)sum;
            }
            for (size_t i = 0; i < image_symbol_count(img); i++) {
                const ImageSymbol *s = image_symbol(img, i);
                CU_ASSERT(image_symbol_by_name(img, s->name) != NULL);
            }
            char d[200];
            for (uint32_t a = 0; a < 0x70; a += 2) {
                ImageFrame f[IMAGE_MAX_INLINE];
                image_function_at(img, a);
                image_describe_addr(img, a, d, sizeof d);
                CU_ASSERT(image_frames_at(img, a, f, IMAGE_MAX_INLINE) <= IMAGE_MAX_INLINE);
            }
            image_arm_arch(img);
            image_free(img);
        } else {
            failed++;
            CU_ASSERT_EQUAL(kind, LOAD_ERR_FORMAT);
            CU_ASSERT(msg && *msg && !strchr(msg, '\n'));
            free(msg);
        }
    }
#undef NEXT
    /* both outcomes happen: the mutations are neither all harmless nor all fatal */
    CU_ASSERT(loaded > 10);
    CU_ASSERT(failed > 10);
    free(p);
    free(buf);
    free(orig);
}

/* The file offset and size of the section called `name` of the ELF32 file in buf. */
static bool elf_section(const uint8_t *buf, size_t len, const char *name, size_t *off, size_t *size)
{
    Elf32_Ehdr eh;
    if (len < sizeof eh)
        return false;
    memcpy(&eh, buf, sizeof eh);
    Elf32_Shdr str;
    if (eh.e_shstrndx >= eh.e_shnum || eh.e_shoff + (size_t)eh.e_shnum * sizeof str > len)
        return false;
    memcpy(&str, buf + eh.e_shoff + (size_t)eh.e_shstrndx * sizeof str, sizeof str);
    for (unsigned i = 0; i < eh.e_shnum; i++) {
        Elf32_Shdr sh;
        memcpy(&sh, buf + eh.e_shoff + (size_t)i * sizeof sh, sizeof sh);
        if (str.sh_offset + sh.sh_name < len && !strcmp((const char *)buf + str.sh_offset + sh.sh_name, name) &&
            sh.sh_offset + (size_t)sh.sh_size <= len) {
            *off = sh.sh_offset;
            *size = sh.sh_size;
            return true;
        }
    }
    return false;
}

/* A discarded function's line sequence moved over real code from another compile unit
 * (and the same one) changes no line of that code: gc-demo's sequences that GNU ld left
 * at address 0 (DW_LNE_set_address 0) are moved to just below main, over it. */
static void test_firmware_discarded_sequences(void)
{
    const char *dir = getenv("FWDIR");
    char *path = xasprintf("%s/gc-demo-mps2-an385.elf", dir ? dir : ".");
    Image *img = firmware_image("gc-demo-mps2-an385.elf");
    size_t len = 0;
    uint8_t *buf = NULL;
    if (img)
        CU_ASSERT(read_whole_file(path, &buf, &len, NULL) == 0);
    free(path);
    if (!img || !buf) {
        image_free(img);
        free(buf);
        return;
    }
    const ImageSymbol *mainf = image_symbol_by_name(img, "main");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mainf);
    size_t off = 0, size = 0, moved = 0;
    CU_ASSERT_FATAL(elf_section(buf, len, ".debug_line", &off, &size));
    static const uint8_t set_addr_0[] = {0x00, 0x05, 0x02, 0, 0, 0, 0}; /* DW_LNE_set_address 0 */
    uint32_t to = mainf->addr - 0x20;
    for (size_t i = off; i + sizeof set_addr_0 <= off + size; i++)
        if (!memcmp(buf + i, set_addr_0, sizeof set_addr_0)) {
            memcpy(buf + i + 3, &to, 4);
            moved++;
        }
    CU_ASSERT(moved > 0);
    int kind;
    char *msg;
    Image *moved_img = load_bytes("moved.elf", buf, len, &kind, &msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(moved_img);
    size_t same = 0, wrong = 0;
    for (size_t i = 0; i < image_symbol_count(img); i++) {
        const ImageSymbol *f = image_symbol(img, i);
        if (!f->is_func || f->addr < mainf->addr)
            continue;
        for (uint32_t a = f->addr; a < f->addr + f->size; a += 2) {
            const char *f1 = NULL, *f2 = NULL;
            int l1 = 0, l2 = 0;
            bool h1 = image_line_at(img, a, &f1, &l1), h2 = image_line_at(moved_img, a, &f2, &l2);
            if (h1 == h2 && l1 == l2 && (!h1 || !strcmp(f1, f2))) {
                same++;
            } else if (wrong++ < 3) {
                fprintf(stderr, "\n  0x%08x: %s:%d, with the sequences moved %s:%d", a, f1 ? f1 : "-", l1,
                        f2 ? f2 : "-", l2);
            }
        }
    }
    CU_ASSERT(same > 1000);
    CU_ASSERT_EQUAL(wrong, 0);
    image_free(moved_img);
    image_free(img);
    free(buf);
}

static const TestCase loader_valid[] = {
    {"ARM segments by physical address", test_arm_segments},
    {"ARM symbols, Thumb bit, function_at", test_arm_symbols},
    {"RISC-V image", test_riscv_image},
    {"ARM build attributes", test_arm_attributes},
    {"DWARF line table", test_dwarf_lines},
    {"DWARF frames of an assembler's unit", test_dwarf_frames},
    {"firmware: inline chains (gc-demo xalloc)", test_firmware_inline},
    {"source paths: the compilation directory and the file", test_source_path},
    {"firmware: where a function was inlined (gc-demo xalloc)", test_firmware_inline_ranges},
    {"firmware: no line outside code", test_firmware_no_line_outside_code},
    {"firmware: discarded sequences over real code", test_firmware_discarded_sequences},
    {NULL, NULL},
};

static const TestCase loader_errors[] = {
    {"cannot open / read", test_error_open},
    {"empty, not an ELF", test_error_not_elf},
    {"class, endianness, machine, type", test_error_header},
    {"no loadable segment", test_error_no_segment},
    {"malformed segment", test_error_malformed_segment},
    {"truncated files", test_error_truncated},
    {"200 mutations of a valid image", test_mutations},
    {NULL, NULL},
};

static const TestSuite suites[] = {
    {"loader: valid images", loader_valid},
    {"loader: errors", loader_errors},
    {NULL, NULL},
};

int main(void)
{
    int rc = cunit_run(suites);
    te_cleanup();
    return rc;
}
