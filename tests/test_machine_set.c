/* test_machine_set.c: --set in the machine: which variables of an image can be given a
 * value before reset (machine_resolve_write: initialised, writable data in SRAM or code
 * RAM of 1, 2, 4 or 8 bytes; not functions, flash, read-only segments, .bss, data outside
 * the loaded bytes or memories, values that do not fit), where the bytes go (the load address the start-up code copies .data
 * from, or the run address of an image that runs where it loads), and that machine_new
 * writes them after loading the image. */
#include "config.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "sim/board.h"
#include "sim/machine.h"
#include "base/util.h"
#include "tests/cunit_main.h"
#include "tests/loader_elf.h"

/* An RV32 core with 64 KiB of flash at 0, 16 KiB of code RAM at 0x10000000 and 16 KiB
 * of SRAM at 0x20000000. */
static const char board_json[] =
    "{\"name\": \"b\", \"core\": \"rv32imac\", \"clock_hz\": 1000000, "
    "\"memories\": [{\"name\": \"flash\", \"base\": 0, \"size\": \"64K\", \"kind\": \"flash\"}, "
    "{\"name\": \"coderam\", \"base\": \"0x10000000\", \"size\": \"16K\", \"kind\": \"ram\"}, "
    "{\"name\": \"sram\", \"base\": \"0x20000000\", \"size\": \"16K\", \"kind\": \"sram\"}]}";

/* Code in flash; .data run at 0x20000000 and loaded at 0x100 (16 bytes, then 16 bytes
 * of .bss); a second image part that runs where it loads, in SRAM at 0x20002000; in
 * code RAM, read-only data and writable data, each where it runs. */
static const TeSeg segs[] = {
    {.paddr = 0, .vaddr = 0, .filesz = 0x100, .memsz = 0x100, .flags = PF_R | PF_X},
    {.paddr = 0x100, .vaddr = 0x20000000, .filesz = 16, .memsz = 32, .flags = PF_R | PF_W},
    {.paddr = 0x20002000, .vaddr = 0x20002000, .filesz = 16, .memsz = 16, .flags = PF_R | PF_W},
    {.paddr = 0x10000000, .vaddr = 0x10000000, .filesz = 16, .memsz = 16, .flags = PF_R},
    {.paddr = 0x10001000, .vaddr = 0x10001000, .filesz = 16, .memsz = 16, .flags = PF_R | PF_W},
};

static const TeSym syms[] = {
    {"byte", 0x20000000, 1, STT_OBJECT, STB_GLOBAL},
    {"half", 0x20000002, 2, STT_OBJECT, STB_GLOBAL},
    {"word", 0x20000004, 4, STT_OBJECT, STB_GLOBAL},
    {"wide", 0x20000008, 8, STT_OBJECT, STB_GLOBAL},
    {"straddle", 0x2000000e, 4, STT_OBJECT, STB_GLOBAL},
    {"zeroed", 0x20000010, 4, STT_OBJECT, STB_GLOBAL},
    {"odd", 0x20000014, 12, STT_OBJECT, STB_GLOBAL},
    {"unloaded", 0x20001000, 4, STT_OBJECT, STB_GLOBAL},
    {"inplace", 0x20002004, 4, STT_OBJECT, STB_GLOBAL},
    {"table", 0x00000040, 4, STT_OBJECT, STB_GLOBAL},
    {"ramconst", 0x10000004, 4, STT_OBJECT, STB_GLOBAL},
    {"ramvar", 0x10001004, 4, STT_OBJECT, STB_GLOBAL},
    {"nowhere", 0x30000000, 4, STT_OBJECT, STB_GLOBAL},
    {"main", 0x00000080, 16, STT_FUNC, STB_GLOBAL},
};

typedef struct Rig {
    Board *board;
    Image *img;
} Rig;

static void rig_open(Rig *r)
{
    char *err = NULL;
    r->board = board_parse(board_json, "t.json", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->board);
    TeSpec s = {.machine = EM_RISCV, .type = ET_EXEC, .entry = 0x80, .seg = segs, .nseg = ARRAY_SIZE(segs),
                .sym = syms, .nsym = ARRAY_SIZE(syms)};
    size_t len;
    uint8_t *buf = te_build(&s, &len);
    char *p = te_path("set.elf");
    CU_ASSERT_FATAL(te_write(p, buf, len) == 0);
    free(buf);
    r->img = image_load(p, NULL, &err);
    if (!r->img)
        fprintf(stderr, "\n  %s\n", err);
    free(err);
    free(p);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->img);
}

static void rig_close(Rig *r)
{
    image_free(r->img);
    board_free(r->board);
}

/* machine_resolve_write must succeed with the write w. */
static MachineWrite resolve_ok(const Rig *r, const char *sym, uint64_t magnitude, bool negative)
{
    MachineWrite w = {0};
    char *err = NULL;
    int rc = machine_resolve_write(r->board, r->img, sym, magnitude, negative, &w, &err);
    if (rc < 0)
        fprintf(stderr, "\n  %s: %s\n", sym, err);
    CU_ASSERT_EQUAL(rc, 0);
    free(err);
    return w;
}

/* ... or fail with a one-line message containing want. */
static void resolve_fails(const Rig *r, const char *sym, uint64_t magnitude, bool negative, const char *want)
{
    MachineWrite w;
    char *err = NULL;
    CU_ASSERT_EQUAL(machine_resolve_write(r->board, r->img, sym, magnitude, negative, &w, &err), -1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    if (!strstr(err, want))
        fprintf(stderr, "\n  %s: \"%s\" lacks \"%s\"\n", sym, err, want);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
    CU_ASSERT_PTR_NULL(strchr(err, '\n'));
    free(err);
}

static void test_data_goes_to_its_load_address(void)
{
    Rig r;
    rig_open(&r);
    MachineWrite w = resolve_ok(&r, "word", 24 * 1024, false);
    CU_ASSERT_EQUAL(w.addr, 0x104);          /* where the start-up code copies it from */
    CU_ASSERT_EQUAL(w.run_addr, 0x20000004);
    CU_ASSERT_EQUAL(w.size, 4);
    CU_ASSERT_EQUAL(w.value, 24 * 1024);
    w = resolve_ok(&r, "inplace", 7, false); /* runs where it loads */
    CU_ASSERT_EQUAL(w.addr, 0x20002004);
    CU_ASSERT_EQUAL(w.run_addr, 0x20002004);
    w = resolve_ok(&r, "ramvar", 9, false); /* writable data in code RAM */
    CU_ASSERT_EQUAL(w.addr, 0x10001004);
    rig_close(&r);
}

static void test_sizes_and_ranges(void)
{
    Rig r;
    rig_open(&r);
    CU_ASSERT_EQUAL(resolve_ok(&r, "byte", 255, false).value, 255);
    CU_ASSERT_EQUAL(resolve_ok(&r, "byte", 128, true).value, (uint64_t)-128);
    resolve_fails(&r, "byte", 256, false, "256 does not fit byte (1 byte: 0 to 255, or down to -128)");
    resolve_fails(&r, "byte", 129, true, "-129 does not fit byte");
    CU_ASSERT_EQUAL(resolve_ok(&r, "half", 65535, false).size, 2);
    resolve_fails(&r, "half", 65536, false, "does not fit half (2 bytes");
    CU_ASSERT_EQUAL(resolve_ok(&r, "word", 0xffffffffu, false).value, 0xffffffffu);
    resolve_fails(&r, "word", 0x100000000u, false, "does not fit word (4 bytes");
    CU_ASSERT_EQUAL(resolve_ok(&r, "wide", UINT64_MAX, false).value, UINT64_MAX);
    CU_ASSERT_EQUAL(resolve_ok(&r, "wide", (uint64_t)1 << 63, true).value, (uint64_t)1 << 63);
    resolve_fails(&r, "wide", ((uint64_t)1 << 63) + 1, true, "does not fit wide (8 bytes: 0 to 18446744073709551615");
    resolve_fails(&r, "odd", 1, false, "odd is 12 bytes long");
    rig_close(&r);
}

static void test_refused_symbols(void)
{
    Rig r;
    rig_open(&r);
    resolve_fails(&r, "absent", 1, false, "no symbol absent in ");
    resolve_fails(&r, "main", 1, false, "main is a function");
    resolve_fails(&r, "table", 1, false, "table at 0x00000040 is in flash");
    resolve_fails(&r, "ramconst", 1, false, "ramconst at 0x10000004 is read-only data (in a segment that is not "
                  "writable, memory coderam)");
    resolve_fails(&r, "nowhere", 1, false, "nowhere at 0x30000000 is in no memory of board b");
    resolve_fails(&r, "zeroed", 1, false, "zeroed is zero-initialised (.bss)");
    resolve_fails(&r, "straddle", 1, false, "straddle is zero-initialised (.bss)");
    resolve_fails(&r, "unloaded", 1, false, "unloaded at 0x20001000 is in no data the image loads");
    /* beyond --sram: no longer in a memory */
    char *err = NULL;
    CU_ASSERT_EQUAL(board_set_sram(r.board, 0x1000, &err), 0);
    resolve_fails(&r, "inplace", 1, false, "is in no memory");
    rig_close(&r);
}

/* machine_new puts the values over the image's bytes, little-endian, before reset. */
static void test_machine_writes_them(void)
{
    Rig r;
    rig_open(&r);
    MachineWrite w[2] = {resolve_ok(&r, "word", 0x11223344u, false), resolve_ok(&r, "inplace", 1, true)};
    MachineConfig mc = {.board = r.board, .img = r.img, .uart_in_fd = -1, .max_cycles = 1000, .writes = w,
                        .nwrites = 2};
    char *err = NULL;
    Machine *m = machine_new(&mc, &err);
    if (!m)
        fprintf(stderr, "\n  %s\n", err);
    free(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    uint8_t got[4];
    CU_ASSERT_EQUAL(cpu_mem_read(machine_cpu(m), 0x104, got, 4), 0);
    CU_ASSERT_EQUAL(memcmp(got, "\x44\x33\x22\x11", 4), 0);
    CU_ASSERT_EQUAL(cpu_mem_read(machine_cpu(m), 0x100, got, 4), 0); /* the bytes around are the image's */
    CU_ASSERT_EQUAL(got[0], 16);                                     /* segment 1's byte 0 */
    CU_ASSERT_EQUAL(cpu_mem_read(machine_cpu(m), 0x20002004, got, 4), 0);
    CU_ASSERT_EQUAL(memcmp(got, "\xff\xff\xff\xff", 4), 0);
    machine_free(m);
    rig_close(&r);
}

int main(void)
{
    static const TestCase cases[] = {
        {"data goes to its load address", test_data_goes_to_its_load_address},
        {"sizes and ranges", test_sizes_and_ranges},
        {"refused symbols", test_refused_symbols},
        {"machine_new writes them", test_machine_writes_them},
        {NULL, NULL},
    };
    static const TestSuite suites[] = {{"machine --set", cases}, {NULL, NULL}};
    int rc = cunit_run(suites);
    te_cleanup();
    return rc;
}
