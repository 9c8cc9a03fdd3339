/* test_board.c: board JSON parsing and validation, the built-in boards, --sram/--clock,
 * whether images fit (board_check_image) and auto-selection (board_guess); the machine
 * built from a board finds its devices by the roles their models declare (the console,
 * the core's exception model, listed or not, the timebase). */
#include "config.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "sim/board.h"
#include "sim/machine.h"
#include "base/util.h"
#include "tests/cunit_main.h"
#include "tests/loader_elf.h"

/* ---- helpers ---- */

static Board *parse(const char *json, char **err)
{
    *err = NULL;
    return board_parse(json, "t.json", err);
}

/* A minimal valid Cortex-M board with `extra` spliced in as top-level keys. */
#define BASE_ARM                                                                                            \
    "\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1000000, "                                     \
    "\"memories\": [{\"name\": \"flash\", \"base\": 0, \"size\": \"64K\", \"kind\": \"flash\"}, "           \
    "{\"name\": \"sram\", \"base\": \"0x20000000\", \"size\": \"16K\", \"kind\": \"sram\"}]"

/* board_parse must fail and the message must name the origin and contain want. */
static void expect_error(const char *json, const char *want)
{
    char *err;
    Board *b = parse(json, &err);
    CU_ASSERT_PTR_NULL(b);
    board_free(b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    if (!strstr(err, want) || strncmp(err, "board t.json: ", 14) != 0)
        fprintf(stderr, "\n  error \"%s\" lacks \"%s\"\n", err, want);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
    CU_ASSERT_EQUAL(strncmp(err, "board t.json: ", 14), 0);
    CU_ASSERT_PTR_NULL(strchr(err, '\n'));
    free(err);
}

static Board *builtin(const char *name)
{
    char *err = NULL;
    Board *b = board_lookup(name, &err);
    if (!b)
        fprintf(stderr, "\n  %s\n", err);
    free(err);
    return b;
}


/* An image file with the given segments, ARM build attributes (arch 0 = none) and
 * symbols. */
static Image *image_with_syms(unsigned machine, uint32_t entry, const TeSeg *segs, size_t n, unsigned arm_arch,
                              const TeSym *syms, size_t nsyms)
{
    static int counter;
    uint8_t attrs[] = {'A', 0, 0, 0, 0, 'a', 'e', 'a', 'b', 'i', 0, 1, 9, 0, 0, 0, 6, 0, 7, 'M'};
    uint32_t sub = sizeof attrs - 1;
    memcpy(attrs + 1, &sub, 4);
    attrs[17] = (uint8_t)arm_arch;
    TeSpec s = {.machine = machine, .type = ET_EXEC, .entry = entry, .seg = segs, .nseg = n, .sym = syms,
                .nsym = nsyms};
    if (arm_arch) {
        s.arm_attrs = attrs;
        s.arm_attrs_len = sizeof attrs;
    }
    size_t len;
    uint8_t *buf = te_build(&s, &len);
    char name[32];
    snprintf(name, sizeof name, "img%d.elf", counter++);
    char *p = te_path(name);
    CU_ASSERT_FATAL(te_write(p, buf, len) == 0);
    free(buf);
    char *err = NULL;
    Image *img = image_load(p, NULL, &err);
    if (!img)
        fprintf(stderr, "\n  %s\n", err);
    free(err);
    free(p);
    return img;
}

static Image *image_with(unsigned machine, uint32_t entry, const TeSeg *segs, size_t n, unsigned arm_arch)
{
    return image_with_syms(machine, entry, segs, n, arm_arch, NULL, 0);
}

/* ---- built-in boards ---- */

static void test_builtins_parse(void)
{
    static const char *const order[] = {"mps2-an385", "mps2-an386", "lm3s6965evb", "microbit", "sifive_e",
                                        "virt-rv32"};
    CU_ASSERT_EQUAL_FATAL(board_builtin_count(), ARRAY_SIZE(order));
    for (size_t i = 0; i < board_builtin_count(); i++) {
        CU_ASSERT_STRING_EQUAL(board_builtin_name(i), order[i]);
        char *err = NULL;
        Board *b = board_parse(board_builtin_json(i), board_builtin_name(i), &err);
        if (!b)
            fprintf(stderr, "\n  %s\n", err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        CU_ASSERT_STRING_EQUAL(b->name, board_builtin_name(i)); /* file name == "name" */
        CU_ASSERT_PTR_NOT_NULL(b->qemu_machine);
        CU_ASSERT(strlen(b->description) > 20);
        CU_ASSERT_PTR_NOT_NULL(board_main_sram(b));
        CU_ASSERT(b->ndev >= 2);
        board_free(b);
    }
    CU_ASSERT_PTR_NULL(board_builtin_name(ARRAY_SIZE(order)));
    CU_ASSERT_PTR_NULL(board_builtin_json(ARRAY_SIZE(order)));
}

static void test_builtin_mps2(void)
{
    Board *b = builtin("mps2-an385");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(b->core, CORE_CORTEX_M3);
    CU_ASSERT_EQUAL(b->clock_hz, 25000000);
    CU_ASSERT_EQUAL(b->boot_addr, 0);
    CU_ASSERT_EQUAL(b->num_irq, 32);
    CU_ASSERT_EQUAL(b->prio_bits, 3);
    /* hw/arm/mps2.c: SSRAM1 (RAM) at 0 and its mirror, block RAM and three mirrors,
     * SSRAM2/3 and its mirror, PSRAM */
    static const struct {
        const char *name;
        uint32_t base, size;
        int kind;
        const char *alias_of;
    } mem[] = {
        {"ssram1", 0, 4u << 20, BOARD_MEM_RAM, NULL},
        {"ssram1-mirror", 0x00400000, 4u << 20, BOARD_MEM_RAM, "ssram1"},
        {"blockram", 0x01000000, 16u << 10, BOARD_MEM_SRAM, NULL},
        {"blockram-mirror1", 0x01004000, 16u << 10, BOARD_MEM_SRAM, "blockram"},
        {"blockram-mirror2", 0x01008000, 16u << 10, BOARD_MEM_SRAM, "blockram"},
        {"blockram-mirror3", 0x0100C000, 16u << 10, BOARD_MEM_SRAM, "blockram"},
        {"ssram23", 0x20000000, 4u << 20, BOARD_MEM_SRAM, NULL},
        {"ssram23-mirror", 0x20400000, 4u << 20, BOARD_MEM_SRAM, "ssram23"},
        {"psram", 0x21000000, 16u << 20, BOARD_MEM_SRAM, NULL},
    };
    CU_ASSERT_EQUAL_FATAL(b->nmem, ARRAY_SIZE(mem));
    for (size_t i = 0; i < ARRAY_SIZE(mem); i++) {
        const BoardMemory *m = &b->mem[i];
        CU_ASSERT_STRING_EQUAL(m->name, mem[i].name);
        CU_ASSERT_EQUAL(m->base, mem[i].base);
        CU_ASSERT_EQUAL(m->size, mem[i].size);
        CU_ASSERT_EQUAL(m->limit, mem[i].size);
        CU_ASSERT_EQUAL(m->kind, mem[i].kind);
        CU_ASSERT_EQUAL(m->alias_of >= 0, mem[i].alias_of != NULL);
        if (m->alias_of >= 0 && mem[i].alias_of)
            CU_ASSERT_STRING_EQUAL(b->mem[m->alias_of].name, mem[i].alias_of);
    }
    CU_ASSERT_PTR_EQUAL(board_main_sram(b), &b->mem[6]); /* SSRAM2/3, the data memory */
    /* create_unimplemented_device() in mps2_common_init, and the PPB's default */
    CU_ASSERT_EQUAL_FATAL(b->nunimp, 12);
    CU_ASSERT_STRING_EQUAL(b->unimp[3].name, "RESERVED 2");
    CU_ASSERT_EQUAL(b->unimp[3].base, 0x01010000);
    CU_ASSERT_EQUAL(b->unimp[3].size, 0x1EFF0000);
    CU_ASSERT_STRING_EQUAL(b->unimp[11].name, "PPB");
    CU_ASSERT_EQUAL(b->unimp[11].base, 0xE0000000);
    const BoardDevice *u = board_device(b, "uart0");
    CU_ASSERT_PTR_NOT_NULL_FATAL(u);
    CU_ASSERT_STRING_EQUAL(u->type, "cmsdk-uart");
    CU_ASSERT_EQUAL(u->base, 0x40004000);
    CU_ASSERT_EQUAL_FATAL(u->nirq, 2);
    CU_ASSERT_FALSE(u->irq[0].cpu_local);
    CU_ASSERT_EQUAL(u->irq[0].num, 0);
    CU_ASSERT_EQUAL(u->irq[1].num, 1);
    CU_ASSERT_STRING_EQUAL(b->dev[0].name, "uart0"); /* the console is the first UART */
    const BoardDevice *t1 = board_device(b, "timer1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(t1);
    CU_ASSERT_EQUAL(t1->base, 0x40001000);
    CU_ASSERT_EQUAL(t1->irq[0].num, 9);
    const BoardDevice *st = board_device(b, "systick");
    CU_ASSERT_PTR_NOT_NULL_FATAL(st);
    CU_ASSERT_EQUAL(st->base, 0xE000E010);
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(st->params, "refclk_hz");
    CU_ASSERT_TRUE_FATAL(cJSON_IsNumber(ref));
    CU_ASSERT_EQUAL(ref->valueint, 1000000);
    CU_ASSERT_PTR_NOT_NULL(board_device(b, "dwt"));
    board_free(b);

    b = builtin("mps2-an386");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(b->core, CORE_CORTEX_M4);
    CU_ASSERT_EQUAL(b->nmem, ARRAY_SIZE(mem));
    CU_ASSERT_EQUAL(board_main_sram(b)->size, 4u << 20);
    CU_ASSERT_EQUAL(b->nunimp, 12);
    board_free(b);
}

static void test_builtin_lm3s6965evb(void)
{
    Board *b = builtin("lm3s6965evb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(b->core, CORE_CORTEX_M3);
    CU_ASSERT_EQUAL(b->clock_hz, 12500000); /* 200 MHz / (RCC.SYSDIV 15 + 1) out of reset */
    CU_ASSERT_EQUAL(b->num_irq, 64);        /* NUM_IRQ_LINES */
    CU_ASSERT_EQUAL_FATAL(b->nmem, 2);       /* DC0 0x00ff007f: 256 KiB flash, 64 KiB SRAM */
    CU_ASSERT_EQUAL(b->mem[0].kind, BOARD_MEM_FLASH);
    CU_ASSERT_EQUAL(b->mem[0].size, 256u << 10);
    CU_ASSERT_EQUAL(board_main_sram(b)->base, 0x20000000);
    CU_ASSERT_EQUAL(board_main_sram(b)->size, 64u << 10);
    static const struct {
        const char *name;
        uint32_t base;
        int irq;
    } uart[] = {{"uart0", 0x4000C000, 5}, {"uart1", 0x4000D000, 6}, {"uart2", 0x4000E000, 33}};
    for (size_t i = 0; i < ARRAY_SIZE(uart); i++) {
        const BoardDevice *u = board_device(b, uart[i].name);
        CU_ASSERT_PTR_NOT_NULL_FATAL(u);
        CU_ASSERT_STRING_EQUAL(u->type, "pl011");
        CU_ASSERT_EQUAL(u->base, uart[i].base);
        CU_ASSERT_EQUAL(u->irq[0].num, uart[i].irq);
        CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItemCaseSensitive(u->params, "variant")->valuestring, "luminary");
    }
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(board_device(b, "systick")->params, "refclk_hz");
    CU_ASSERT_EQUAL(ref->valueint, 0); /* "This SoC does not connect the systick reference clock" */
    CU_ASSERT_EQUAL(b->nunimp, 9);
    CU_ASSERT_STRING_EQUAL(b->unimp[0].name, "i2c-0");
    board_free(b);
}

static void test_builtin_others(void)
{
    Board *b = builtin("microbit");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(b->core, CORE_CORTEX_M0);
    CU_ASSERT_EQUAL(b->clock_hz, 16000000);
    CU_ASSERT_EQUAL(b->prio_bits, 2);
    CU_ASSERT_EQUAL(b->mem[0].size, 256u << 10);
    CU_ASSERT_EQUAL(board_main_sram(b)->size, 16u << 10);
    const BoardDevice *u = board_device(b, "uart0");
    CU_ASSERT_PTR_NOT_NULL_FATAL(u);
    CU_ASSERT_STRING_EQUAL(u->type, "nrf51-uart");
    CU_ASSERT_EQUAL(u->base, 0x40002000);
    CU_ASSERT_EQUAL(u->irq[0].num, 2);
    CU_ASSERT_PTR_NULL(board_device(b, "dwt")); /* no DWT on a Cortex-M0 */
    board_free(b);

    b = builtin("sifive_e");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(b->core, CORE_RV32IMAC);
    BoardMemory *ram = board_main_sram(b);
    CU_ASSERT_EQUAL(ram->base, 0x80000000);
    CU_ASSERT_EQUAL(ram->size, 16u << 10);
    const BoardDevice *cl = board_device(b, "clint");
    CU_ASSERT_PTR_NOT_NULL_FATAL(cl);
    CU_ASSERT_EQUAL(cl->base, 0x02000000);
    CU_ASSERT_EQUAL_FATAL(cl->nirq, 2);
    CU_ASSERT_TRUE(cl->irq[0].cpu_local);
    CU_ASSERT_EQUAL(cl->irq[0].num, 3);
    CU_ASSERT_TRUE(cl->irq[1].cpu_local);
    CU_ASSERT_EQUAL(cl->irq[1].num, 7);
    const BoardDevice *pl = board_device(b, "plic");
    CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
    CU_ASSERT_TRUE(pl->irq[0].cpu_local);
    CU_ASSERT_EQUAL(pl->irq[0].num, 11);
    CU_ASSERT_EQUAL(board_device(b, "uart0")->base, 0x10013000);
    CU_ASSERT_EQUAL(board_device(b, "uart0")->irq[0].num, 3);
    CU_ASSERT_EQUAL(board_device(b, "uart1")->irq[0].num, 4);
    board_free(b);

    b = builtin("virt-rv32");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(b->nmem, 1);
    CU_ASSERT_EQUAL(b->mem[0].kind, BOARD_MEM_SRAM);
    CU_ASSERT_EQUAL(b->mem[0].size, 128u << 20);
    CU_ASSERT_STRING_EQUAL(board_device(b, "uart0")->type, "ns16550a");
    CU_ASSERT_EQUAL(board_device(b, "uart0")->irq[0].num, 10);
    CU_ASSERT_EQUAL(b->core, CORE_RV32GC);
    CU_ASSERT_STRING_EQUAL(board_device(b, "test")->type, "sifive-test");
    CU_ASSERT_EQUAL(board_device(b, "test")->base, 0x100000);
    CU_ASSERT_STRING_EQUAL(board_device(b, "rtc")->type, "goldfish-rtc");
    CU_ASSERT_EQUAL(board_device(b, "rtc")->base, 0x101000);
    CU_ASSERT_EQUAL(board_device(b, "rtc")->irq[0].num, 11);
    board_free(b);
}

/* ---- the schema ---- */

static void test_numbers_and_params(void)
{
    char *err;
    Board *b = parse("{\"name\": \"n\", \"core\": \"rv32imac\", \"clock_hz\": \"32.768kHz\", "
                     "\"memories\": [{\"name\": \"a\", \"base\": 4096, \"size\": 8192, \"kind\": \"flash\"}, "
                     "{\"name\": \"b\", \"base\": \"0x80000000\", \"size\": \"0x4000\", \"kind\": \"sram\"}, "
                     "{\"name\": \"c\", \"base\": \"0x90000000\", \"size\": \"1M\", \"kind\": \"sram\"}], "
                     "\"devices\": [{\"type\": \"cmsdk-uart\", \"name\": \"d\", \"base\": 268435456, \"irq\": \"12\", "
                     "\"speed\": \"fast\", \"n\": [1, 2]}]}",
                     &err);
    if (!b)
        fprintf(stderr, "\n  %s\n", err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(b->clock_hz, 32768);
    CU_ASSERT_EQUAL(b->mem[0].base, 4096);
    CU_ASSERT_EQUAL(b->mem[0].size, 8192);
    CU_ASSERT_EQUAL(b->mem[1].size, 0x4000);
    CU_ASSERT_EQUAL(b->mem[2].size, 1u << 20);
    CU_ASSERT_PTR_EQUAL(board_main_sram(b), &b->mem[1]); /* the first SRAM */
    CU_ASSERT_STRING_EQUAL(b->description, "");
    CU_ASSERT_PTR_NULL(b->qemu_machine);
    CU_ASSERT_EQUAL(b->dev[0].base, 0x10000000);
    CU_ASSERT_EQUAL(b->dev[0].nirq, 1);
    CU_ASSERT_EQUAL(b->dev[0].irq[0].num, 12);
    /* the whole object is kept for the device model */
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItemCaseSensitive(b->dev[0].params, "speed")->valuestring, "fast");
    CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItemCaseSensitive(b->dev[0].params, "type")->valuestring, "cmsdk-uart");
    CU_ASSERT_EQUAL(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(b->dev[0].params, "n")), 2);
    board_free(b);

    /* defaults for the NVIC: 32 interrupts, 2 priority bits on v6-M, 3 otherwise */
    b = parse("{" BASE_ARM "}", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(b->num_irq, 32);
    CU_ASSERT_EQUAL(b->prio_bits, 3);
    CU_ASSERT_EQUAL(b->ndev, 0);
    board_free(b);
    b = parse("{\"name\": \"m0\", \"core\": \"cortex-m0plus\", \"clock_hz\": 1, \"boot_addr\": \"0x100\", "
              "\"memories\": [{\"name\": \"s\", \"base\": 0, \"size\": \"1K\", \"kind\": \"sram\"}]}",
              &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(b->prio_bits, 2);
    CU_ASSERT_EQUAL(b->boot_addr, 0x100);
    board_free(b);
    b = parse("{" BASE_ARM ", \"nvic\": {\"num_irq\": 240, \"prio_bits\": 4}}", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(b->num_irq, 240);
    CU_ASSERT_EQUAL(b->prio_bits, 4);
    board_free(b);
}

static void test_schema_errors_top(void)
{
    expect_error("{\"name\": \"x\",", "not valid JSON at line 1, column 14");
    expect_error("{\n\"name\": \"x\"\n\"core\": 1}", "not valid JSON at line 3, column 1 near '\"core\": 1}'");
    expect_error("[1, 2]", "expected a JSON object");
    expect_error("{" BASE_ARM ", \"colour\": \"red\"}", "colour: unknown key");
    expect_error("{" BASE_ARM ", \"name\": \"again\"}", "name: key given twice");
    expect_error("{\"core\": \"cortex-m3\", \"clock_hz\": 1, \"memories\": []}", "name: missing");
    expect_error("{\"name\": 7, \"core\": \"cortex-m3\"}", "name: expected a non-empty string");
    expect_error("{\"name\": \"b\", \"clock_hz\": 1}", "core: missing");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m7\", \"clock_hz\": 1}", "core: unknown core \"cortex-m7\"");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\"}", "clock_hz: missing");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": \"fast\"}",
                 "clock_hz: expected a frequency like \"25MHz\", got \"fast\"");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": -5}", "clock_hz: expected a frequency");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1.5}", "clock_hz: expected a frequency");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 0}", "clock_hz: must be more than 0");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 5000000000}", "clock_hz: 5000000000 is too large");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1}", "memories: missing");
}

static void test_schema_errors_memories(void)
{
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1, \"memories\": []}",
                 "memories: expected a non-empty array");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1, \"memories\": [3]}",
                 "memories[0]: expected an object");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1, \"memories\": ["
                 "{\"name\": \"f\", \"base\": 0, \"size\": \"1K\", \"kind\": \"flash\"},"
                 "{\"name\": \"s\", \"base\": \"0x20000000\", \"size\": \"24Q\", \"kind\": \"sram\"}]}",
                 "memories[1].size: expected a size like \"24K\"");
    /* beyond 64 bits: refused before any conversion (was undefined behaviour) */
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1, \"memories\": ["
                 "{\"name\": \"s\", \"base\": 0, \"size\": \"1e30K\", \"kind\": \"sram\"}]}",
                 "memories[0].size: expected a size like \"24K\"");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1, \"memories\": ["
                 "{\"name\": \"s\", \"base\": \"0x2000000g\", \"size\": \"1K\", \"kind\": \"sram\"}]}",
                 "memories[0].base: expected an address like \"0x20000000\"");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1, \"memories\": ["
                 "{\"name\": \"s\", \"size\": \"1K\", \"kind\": \"sram\"}]}",
                 "memories[0].base: missing");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1, \"memories\": ["
                 "{\"name\": \"s\", \"base\": 0, \"size\": \"1K\", \"kind\": \"rom\"}]}",
                 "memories[0].kind: expected \"flash\", \"ram\" or \"sram\"");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1, \"memories\": ["
                 "{\"name\": \"s\", \"base\": 0, \"size\": \"1K\", \"kind\": \"sram\", \"speed\": 1}]}",
                 "memories[0].speed: unknown key");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1, \"memories\": ["
                 "{\"name\": \"s\", \"base\": 0, \"size\": 0, \"kind\": \"sram\"}]}",
                 "memories[0].size: must be more than 0");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1, \"memories\": ["
                 "{\"name\": \"s\", \"base\": \"0xFFFF0000\", \"size\": \"1M\", \"kind\": \"sram\"}]}",
                 "memories[0]: 0xffff0000 + 1048576 bytes runs past the 4 GiB address space");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1, \"memories\": ["
                 "{\"name\": \"s\", \"base\": 0, \"size\": \"8G\", \"kind\": \"sram\"}]}",
                 "memories[0].size: 8589934592 is too large");
    /* overlaps */
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1, \"memories\": ["
                 "{\"name\": \"f\", \"base\": 0, \"size\": \"64K\", \"kind\": \"flash\"},"
                 "{\"name\": \"s\", \"base\": \"0xF000\", \"size\": \"1K\", \"kind\": \"sram\"}]}",
                 "memories[1] (s, 0x0000f000..0x0000f3ff) overlaps memories[0] (f)");
    /* touching is fine, the same name twice is not */
    char *err;
    Board *b = parse("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1, \"memories\": ["
                     "{\"name\": \"f\", \"base\": 0, \"size\": \"64K\", \"kind\": \"flash\"},"
                     "{\"name\": \"s\", \"base\": \"0x10000\", \"size\": \"1K\", \"kind\": \"sram\"}]}",
                     &err);
    CU_ASSERT_PTR_NOT_NULL(b);
    board_free(b);
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1, \"memories\": ["
                 "{\"name\": \"f\", \"base\": 0, \"size\": \"64K\", \"kind\": \"flash\"},"
                 "{\"name\": \"f\", \"base\": \"0x10000\", \"size\": \"1K\", \"kind\": \"sram\"}]}",
                 "memories[1].name: \"f\" is used twice");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1, \"memories\": ["
                 "{\"name\": \"f\", \"base\": 0, \"size\": \"64K\", \"kind\": \"flash\"}]}",
                 "at least one memory of kind \"sram\" or \"ram\"");
}

/* Mirrors, kind "ram", main_sram, unimplemented regions. */
#define MEM_HEAD "{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1, \"memories\": ["
#define CODE_RAM "{\"name\": \"c\", \"base\": 0, \"size\": \"64K\", \"kind\": \"ram\"}"
#define DATA_RAM "{\"name\": \"d\", \"base\": \"0x20000000\", \"size\": \"16K\", \"kind\": \"sram\"}"

static void test_schema_mirrors_unimplemented(void)
{
    char *err = NULL;
    Board *b = parse(MEM_HEAD CODE_RAM ", {\"name\": \"cm\", \"base\": \"0x10000\", \"alias_of\": \"c\"}, " DATA_RAM
                     ", {\"name\": \"dm\", \"base\": \"0x30000000\", \"alias_of\": \"d\"}], "
                     "\"unimplemented\": [{\"name\": \"gap\", \"base\": \"0x20000000\", \"size\": \"1M\"}, "
                     "{\"name\": \"dev\", \"base\": \"0x40000000\", \"size\": 4096}]}",
                     &err);
    if (!b)
        fprintf(stderr, "\n  %s\n", err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(b->mem[0].kind, BOARD_MEM_RAM);
    CU_ASSERT_EQUAL(b->mem[1].alias_of, 0); /* the mirror takes size, kind and limit */
    CU_ASSERT_EQUAL(b->mem[1].size, 64u << 10);
    CU_ASSERT_EQUAL(b->mem[1].kind, BOARD_MEM_RAM);
    CU_ASSERT_EQUAL(b->mem[3].alias_of, 2);
    CU_ASSERT_PTR_EQUAL(board_main_sram(b), &b->mem[2]); /* the first "sram" */
    CU_ASSERT_EQUAL(b->nunimp, 2);
    CU_ASSERT_EQUAL(b->unimp[1].size, 4096);
    /* --sram shrinks the main SRAM and its mirrors */
    CU_ASSERT_EQUAL(board_set_sram(b, 4096, &err), 0);
    CU_ASSERT_EQUAL(b->mem[2].limit, 4096);
    CU_ASSERT_EQUAL(b->mem[3].limit, 4096);
    CU_ASSERT_EQUAL(b->mem[0].limit, 64u << 10);
    board_free(b);
    /* main_sram names one; with only "ram", the first "ram" */
    b = parse(MEM_HEAD CODE_RAM ", " DATA_RAM "], \"main_sram\": \"c\"}", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_PTR_EQUAL(board_main_sram(b), &b->mem[0]);
    board_free(b);
    b = parse(MEM_HEAD CODE_RAM "]}", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_PTR_EQUAL(board_main_sram(b), &b->mem[0]);
    board_free(b);

    expect_error(MEM_HEAD CODE_RAM ", {\"name\": \"m\", \"base\": \"0x10000\", \"alias_of\": \"x\"}]}",
                 "memories[1].alias_of: no other memory is named \"x\"");
    expect_error(MEM_HEAD CODE_RAM ", {\"name\": \"m\", \"base\": \"0x10000\", \"alias_of\": \"c\"}, "
                 "{\"name\": \"mm\", \"base\": \"0x20000\", \"alias_of\": \"m\"}]}",
                 "memories[2].alias_of: \"m\" is itself a mirror");
    expect_error(MEM_HEAD CODE_RAM ", {\"name\": \"m\", \"base\": \"0x10000\", \"alias_of\": \"c\", \"size\": 4}]}",
                 "memories[1].size: unknown key (known keys: name, base, alias_of)");
    expect_error(MEM_HEAD CODE_RAM ", {\"name\": \"m\", \"base\": \"0x8000\", \"alias_of\": \"c\"}]}",
                 "memories[1] (m, 0x00008000..0x00017fff) overlaps memories[0] (c)");
    expect_error(MEM_HEAD CODE_RAM ", {\"name\": \"m\", \"base\": \"0xFFFF8000\", \"alias_of\": \"c\"}]}",
                 "runs past the 4 GiB address space");
    expect_error(MEM_HEAD CODE_RAM ", " DATA_RAM "], \"main_sram\": \"z\"}", "main_sram: no memory is named \"z\"");
    expect_error(MEM_HEAD "{\"name\": \"f\", \"base\": 0, \"size\": \"64K\", \"kind\": \"flash\"}, " DATA_RAM
                 "], \"main_sram\": \"f\"}",
                 "main_sram: memory \"f\" is not of kind \"sram\" or \"ram\"");
    expect_error(MEM_HEAD DATA_RAM ", {\"name\": \"dm\", \"base\": \"0x30000000\", \"alias_of\": \"d\"}], "
                 "\"main_sram\": \"dm\"}",
                 "main_sram: memory \"dm\" is a mirror");
    expect_error(MEM_HEAD DATA_RAM "], \"unimplemented\": {}}", "unimplemented: expected an array");
    expect_error(MEM_HEAD DATA_RAM "], \"unimplemented\": [{\"name\": \"u\", \"base\": 0}]}",
                 "unimplemented[0].size: missing");
    expect_error(MEM_HEAD DATA_RAM "], \"unimplemented\": [{\"name\": \"u\", \"base\": 0, \"size\": 4, \"x\": 1}]}",
                 "unimplemented[0].x: unknown key");
    expect_error(MEM_HEAD DATA_RAM "], \"unimplemented\": [{\"name\": \"u\", \"base\": 0, \"size\": 8}, "
                 "{\"name\": \"v\", \"base\": 4, \"size\": 8}]}",
                 "unimplemented[1] (v) overlaps unimplemented[0] (u)");
    expect_error(MEM_HEAD DATA_RAM "], \"unimplemented\": [{\"name\": \"u\", \"base\": 0, \"size\": 8}, "
                 "{\"name\": \"u\", \"base\": 16, \"size\": 8}]}",
                 "unimplemented[1].name: \"u\" is used twice");
}

static void test_schema_errors_core_specific(void)
{
    expect_error("{\"name\": \"b\", \"core\": \"rv32imac\", \"clock_hz\": 1, \"nvic\": {\"num_irq\": 8}, "
                 "\"memories\": [{\"name\": \"s\", \"base\": 0, \"size\": \"1K\", \"kind\": \"sram\"}]}",
                 "nvic: only Cortex-M boards have an NVIC");
    expect_error("{\"name\": \"b\", \"core\": \"rv32imac\", \"clock_hz\": 1, \"boot_addr\": 0, "
                 "\"memories\": [{\"name\": \"s\", \"base\": 0, \"size\": \"1K\", \"kind\": \"sram\"}]}",
                 "boot_addr: only Cortex-M boards have one");
    expect_error("{" BASE_ARM ", \"boot_addr\": \"0x104\"}", "boot_addr: 0x00000104 is not 128-byte aligned");
    expect_error("{" BASE_ARM ", \"nvic\": {\"num_irq\": 600}}", "nvic.num_irq: 600 is too large (at most 496)");
    expect_error("{" BASE_ARM ", \"nvic\": {\"num_irq\": 0}}", "nvic.num_irq: must be between 1 and 496");
    expect_error("{" BASE_ARM ", \"nvic\": {\"prio_bits\": 9}}", "nvic.prio_bits: 9 is too large");
    expect_error("{" BASE_ARM ", \"nvic\": {\"prio_bits\": 1}}", "nvic.prio_bits: must be between 3 and 8");
    expect_error("{" BASE_ARM ", \"nvic\": {\"levels\": 1}}", "nvic.levels: unknown key");
    expect_error("{" BASE_ARM ", \"nvic\": 32}", "nvic: expected an object");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m0\", \"clock_hz\": 1, \"nvic\": {\"prio_bits\": 3}, "
                 "\"memories\": [{\"name\": \"s\", \"base\": 0, \"size\": \"1K\", \"kind\": \"sram\"}]}",
                 "nvic.prio_bits: must be 2 for a cortex-m0");
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m0\", \"clock_hz\": 1, \"nvic\": {\"num_irq\": 33}, "
                 "\"memories\": [{\"name\": \"s\", \"base\": 0, \"size\": \"1K\", \"kind\": \"sram\"}]}",
                 "nvic.num_irq: 33 is too large (at most 32)");
}

static void test_schema_errors_devices(void)
{
    expect_error("{" BASE_ARM ", \"devices\": {}}", "devices: expected an array");
    expect_error("{" BASE_ARM ", \"devices\": [1]}", "devices[0]: expected an object");
    expect_error("{" BASE_ARM ", \"devices\": [{\"name\": \"u\", \"base\": 1}]}", "devices[0].type: missing");
    expect_error("{" BASE_ARM ", \"devices\": [{\"type\": \"t\", \"base\": 1}]}", "devices[0].name: missing");
    expect_error("{" BASE_ARM ", \"devices\": [{\"type\": \"t\", \"name\": \"u\"}]}", "devices[0] (u).base: missing");
    expect_error("{" BASE_ARM ", \"devices\": [{\"type\": \"t\", \"name\": \"u\", \"base\": \"x\"}]}",
                 "devices[0] (u).base: expected an address");
    expect_error("{" BASE_ARM ", \"devices\": [{\"type\": \"t\", \"name\": \"u\", \"base\": \"0x40000000\", "
                 "\"irq\": \"mxip\"}]}",
                 "devices[0] (u).irq: expected an IRQ number or \"msip\", \"mtip\", \"meip\", got \"mxip\"");
    expect_error("{" BASE_ARM ", \"devices\": [{\"type\": \"t\", \"name\": \"u\", \"base\": \"0x40000000\", "
                 "\"irq\": [1, -2]}]}",
                 "devices[0] (u).irq[1]: expected a whole number");
    expect_error("{" BASE_ARM ", \"devices\": [{\"type\": \"t\", \"name\": \"u\", \"base\": \"0x40000000\", "
                 "\"irq\": [1, 2, 3, 4, 5]}]}",
                 "devices[0] (u).irq: at most 4 interrupt lines");
    expect_error("{" BASE_ARM ", \"devices\": [{\"type\": \"t\", \"name\": \"u\", \"base\": \"0x40000000\", "
                 "\"irq\": true}]}",
                 "devices[0] (u).irq: expected an IRQ number");
    expect_error("{" BASE_ARM ", \"devices\": [{\"type\": \"t\", \"name\": \"u\", \"base\": \"0x40000000\"}, "
                 "{\"type\": \"t\", \"name\": \"u\", \"base\": \"0x40001000\"}]}",
                 "devices[1].name: \"u\" is used twice");
    expect_error("{" BASE_ARM ", \"devices\": [{\"type\": \"t\", \"name\": \"u\", \"base\": \"0x20000100\"}]}",
                 "devices[0] (u).base: 0x20000100 lies inside memories[1] (sram)");
    expect_error("{" BASE_ARM ", \"devices\": [{\"type\": \"t\", \"name\": \"u\", \"base\": 1, \"base\": 2}]}",
                 "devices[0].base: key given twice");
}

/* "console" names a device of the board; without it the machine picks the first
 * device that can be one (the board knows names, not models). */
static void test_console_key(void)
{
    char *err;
    Board *b = parse("{" BASE_ARM ", \"devices\": [{\"type\": \"cmsdk-uart\", \"name\": \"u0\", \"base\": "
                     "\"0x40004000\"}, {\"type\": \"cmsdk-uart\", \"name\": \"u1\", \"base\": \"0x40005000\"}], "
                     "\"console\": \"u1\"}",
                     &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_STRING_EQUAL(b->console, "u1");
    CU_ASSERT_PTR_EQUAL(board_device(b, "u1"), &b->dev[1]);
    CU_ASSERT_PTR_NULL(board_device(b, "u2"));
    board_free(b);
    b = parse("{" BASE_ARM "}", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_PTR_NULL(b->console);
    board_free(b);
    expect_error("{" BASE_ARM ", \"console\": \"uart0\"}", "console: no device is named \"uart0\"");
    expect_error("{" BASE_ARM ", \"console\": 0}", "console: expected a string");
}

/* ---- lookup, files ---- */

static void test_lookup(void)
{
    char *err = NULL;
    Board *b = board_lookup("no-such-board", &err);
    CU_ASSERT_PTR_NULL(b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown board \"no-such-board\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "mps2-an385, mps2-an386, lm3s6965evb, microbit, sifive_e, virt-rv32"));
    free(err);

    /* a file, by path and by a name ending in .json */
    char *p = te_path("mine.json");
    const char *json = "{\"name\": \"mine\", \"core\": \"cortex-m4\", \"clock_hz\": \"48MHz\",\n"
                       " \"memories\": [{\"name\": \"s\", \"base\": \"0x20000000\", \"size\": \"64K\", \"kind\": \"sram\"}]}\n";
    CU_ASSERT_FATAL(te_write(p, (const uint8_t *)json, strlen(json)) == 0);
    err = NULL;
    b = board_lookup(p, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_STRING_EQUAL(b->name, "mine");
    CU_ASSERT_EQUAL(b->clock_hz, 48000000);
    board_free(b);
    b = board_load_file(p, &err);
    CU_ASSERT_PTR_NOT_NULL(b);
    board_free(b);
    free(p);

    err = NULL;
    b = board_lookup("missing.json", &err);
    CU_ASSERT_PTR_NULL(b);
    CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "board missing.json: cannot open"));
    free(err);

    p = te_path("broken.json");
    CU_ASSERT_FATAL(te_write(p, (const uint8_t *)"{\n  \"name\": \"x\",\n  oops\n}", 25) == 0);
    err = NULL;
    b = board_lookup(p, &err);
    CU_ASSERT_PTR_NULL(b);
    CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "broken.json: not valid JSON at line 3, column 4 near 'ops'"));
    free(err);
    free(p);
}

/* ---- --sram, --clock ---- */

static void test_set_sram_clock(void)
{
    Board *b = builtin("mps2-an385");
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    char *err = NULL;
    CU_ASSERT_EQUAL(board_set_sram(b, 24 * 1024, &err), 0);
    CU_ASSERT_EQUAL(board_main_sram(b)->limit, 24 * 1024);
    CU_ASSERT_EQUAL(board_main_sram(b)->size, 4u << 20);
    CU_ASSERT_EQUAL(b->mem[0].limit, 4u << 20); /* flash untouched */
    CU_ASSERT_EQUAL(board_set_sram(b, 4u << 20, &err), 0);
    CU_ASSERT_EQUAL(board_main_sram(b)->limit, 4u << 20);
    CU_ASSERT_EQUAL(board_set_sram(b, 0, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "more than 0"));
    free(err);
    err = NULL;
    CU_ASSERT_EQUAL(board_set_sram(b, 64u << 20, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "4 MiB") && strstr(err, "mps2-an385"));
    free(err);
    err = NULL;
    CU_ASSERT_EQUAL(board_main_sram(b)->limit, 4u << 20); /* unchanged by the failures */

    CU_ASSERT_EQUAL(board_set_clock(b, 48000000, &err), 0);
    CU_ASSERT_EQUAL(b->clock_hz, 48000000);
    CU_ASSERT_EQUAL(board_set_clock(b, 0, &err), -1);
    free(err);
    err = NULL;
    CU_ASSERT_EQUAL(board_set_clock(b, 5000000000ull, &err), -1);
    free(err);
    CU_ASSERT_EQUAL(b->clock_hz, 48000000);
    board_free(b);
}

static void test_format(void)
{
    char buf[32];
    CU_ASSERT_STRING_EQUAL(board_format_size(4u << 20, buf, sizeof buf), "4 MiB");
    CU_ASSERT_STRING_EQUAL(board_format_size(256u << 10, buf, sizeof buf), "256 KiB");
    CU_ASSERT_STRING_EQUAL(board_format_size(1536, buf, sizeof buf), "1.5 KiB");
    CU_ASSERT_STRING_EQUAL(board_format_size(512, buf, sizeof buf), "512 bytes");
    CU_ASSERT_STRING_EQUAL(board_format_size((4u << 20) - 8192, buf, sizeof buf), "4.0 MiB");
    CU_ASSERT_STRING_EQUAL(board_format_hz(25000000, buf, sizeof buf), "25 MHz");
    CU_ASSERT_STRING_EQUAL(board_format_hz(32768, buf, sizeof buf), "32768 Hz");
    CU_ASSERT_STRING_EQUAL(board_format_hz(32000, buf, sizeof buf), "32 kHz");
}

/* ---- does the image fit? ---- */

static void expect_check(const char *board, const Image *img, const char *want)
{
    Board *b = builtin(board);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    char *err = NULL;
    int r = board_check_image(b, img, &err);
    if (!want) {
        if (r != 0)
            fprintf(stderr, "\n  unexpected: %s\n", err);
        CU_ASSERT_EQUAL(r, 0);
        CU_ASSERT_PTR_NULL(err);
    } else {
        CU_ASSERT_EQUAL(r, -1);
        if (!err || !strstr(err, want))
            fprintf(stderr, "\n  error \"%s\" lacks \"%s\"\n", err ? err : "(none)", want);
        CU_ASSERT_PTR_NOT_NULL(err && strstr(err, want));
    }
    free(err);
    board_free(b);
}

static const TeSeg small_arm[] = {
    {.paddr = 0, .vaddr = 0, .filesz = 0x400, .memsz = 0x400, .flags = PF_R | PF_X},
    {.paddr = 0x400, .vaddr = 0x20000000, .filesz = 0x10, .memsz = 0x800, .flags = PF_R | PF_W},
};

static void test_check_image(void)
{
    Image *img = image_with(EM_ARM, 0x101, small_arm, 2, 10);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    expect_check("mps2-an385", img, NULL);
    expect_check("mps2-an386", img, NULL);
    expect_check("sifive_e", img, "image is ARM, board sifive_e has a rv32imac");
    expect_check("microbit", img, "image is built for ARMv7-M, board microbit has a cortex-m0");
    image_free(img);

    const TeSeg rv[] = {{.paddr = 0x20400000, .vaddr = 0x20400000, .filesz = 64, .memsz = 64, .flags = PF_R | PF_X}};
    img = image_with(EM_RISCV, 0x20400000, rv, 1, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    expect_check("mps2-an385", img, "image is RISC-V, board mps2-an385 has a cortex-m3");
    expect_check("sifive_e", img, NULL);
    expect_check("virt-rv32", img, "segment 0 at 0x20400000 (64 bytes) lies outside every memory of board virt-rv32");
    image_free(img);

    /* outside every memory */
    const TeSeg out[] = {{.paddr = 0x30000000, .vaddr = 0x30000000, .filesz = 512, .memsz = 512, .flags = PF_R}};
    img = image_with(EM_ARM, 0x30000001, out, 1, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    expect_check("mps2-an385", img, "segment 0 at 0x30000000 (512 bytes) lies outside every memory of board mps2-an385");
    image_free(img);

    /* straddling the end of a memory */
    const TeSeg straddle[] = {{.paddr = 0x3FFF00, .vaddr = 0x3FFF00, .filesz = 0x200, .memsz = 0x200, .flags = PF_R}};
    img = image_with(EM_ARM, 0x1, straddle, 1, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    expect_check("mps2-an385", img, "lies outside every memory");
    image_free(img);

    /* too large for the flash */
    const TeSeg big[] = {
        {.paddr = 0, .vaddr = 0, .filesz = 200 * 1024, .memsz = 200 * 1024, .flags = PF_R | PF_X},
        {.paddr = 200 * 1024, .vaddr = 200 * 1024, .filesz = 100 * 1024, .memsz = 100 * 1024, .flags = PF_R},
    };
    img = image_with(EM_ARM, 0x1, big, 2, 11);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    expect_check("microbit", img, "image needs 300 KiB of flash, board microbit has 256 KiB");
    expect_check("mps2-an385", img, NULL);
    image_free(img);

    /* .data's run address beyond the SRAM */
    const TeSeg data_out[] = {
        {.paddr = 0, .vaddr = 0, .filesz = 0x100, .memsz = 0x100, .flags = PF_R | PF_X},
        {.paddr = 0x100, .vaddr = 0x20003F00, .filesz = 0x100, .memsz = 0x200, .flags = PF_R | PF_W},
    };
    img = image_with(EM_ARM, 0x1, data_out, 2, 11);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    expect_check("microbit", img, "segment 1 run address at 0x20003f00 (512 bytes) lies outside every memory");
    expect_check("mps2-an385", img, NULL);
    image_free(img);

    /* --sram shrinks what fits: .bss of 0x800 bytes fits 4K but not 1K */
    img = image_with(EM_ARM, 0x101, small_arm, 2, 10);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    Board *b = builtin("mps2-an385");
    char *err = NULL;
    CU_ASSERT_EQUAL(board_set_sram(b, 4096, &err), 0);
    CU_ASSERT_EQUAL(board_check_image(b, img, &err), 0);
    CU_ASSERT_EQUAL(board_set_sram(b, 1024, &err), 0);
    CU_ASSERT_EQUAL(board_check_image(b, img, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "segment 1 run address at 0x20000000 (2048 bytes) ends beyond the 1 KiB usable in ssram23") &&
                           strstr(err, "--sram"));
    free(err);
    board_free(b);
    image_free(img);

    /* a Cortex-M4 build does not run on a Cortex-M3 */
    img = image_with(EM_ARM, 0x101, small_arm, 2, 13);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    expect_check("mps2-an385", img, "ARMv7E-M");
    expect_check("mps2-an386", img, NULL);
    image_free(img);
}

static void expect_guess(const Image *img, const char *want)
{
    char *err = NULL;
    Board *b = board_guess(img, &err);
    if (want) {
        if (!b)
            fprintf(stderr, "\n  no board: %s\n", err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        if (strcmp(b->name, want) != 0)
            fprintf(stderr, "\n  guessed %s, wanted %s\n", b->name, want);
        CU_ASSERT_STRING_EQUAL(b->name, want);
    } else {
        CU_ASSERT_PTR_NULL(b);
        CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "no built-in board"));
    }
    board_free(b);
    free(err);
}

static void test_guess(void)
{
    Image *img;
    /* by build attributes */
    img = image_with(EM_ARM, 0x101, small_arm, 2, 10); /* v7-M */
    expect_guess(img, "mps2-an385");
    image_free(img);
    img = image_with(EM_ARM, 0x101, small_arm, 2, 13); /* v7E-M */
    expect_guess(img, "mps2-an386");
    image_free(img);
    img = image_with(EM_ARM, 0x101, small_arm, 2, 11); /* v6-M, small */
    expect_guess(img, "microbit");
    image_free(img);
    img = image_with(EM_ARM, 0x101, small_arm, 2, 0); /* no attributes: the first that fits */
    expect_guess(img, "mps2-an385");
    image_free(img);
    /* v6-M but too big for the micro:bit: the next board that fits */
    const TeSeg big[] = {{.paddr = 0, .vaddr = 0, .filesz = 300 * 1024, .memsz = 300 * 1024, .flags = PF_R | PF_X}};
    img = image_with(EM_ARM, 0x101, big, 1, 11);
    expect_guess(img, "mps2-an385");
    image_free(img);
    /* RISC-V: from XIP flash, or loaded into RAM at 0x80000000 (fits the 16K DTIM too) */
    const TeSeg rv_flash[] = {
        {.paddr = 0x20400000, .vaddr = 0x20400000, .filesz = 64, .memsz = 64, .flags = PF_R | PF_X},
        {.paddr = 0x80000000, .vaddr = 0x80000000, .filesz = 0, .memsz = 1024, .flags = PF_R | PF_W},
    };
    img = image_with(EM_RISCV, 0x20400000, rv_flash, 2, 0);
    expect_guess(img, "sifive_e");
    image_free(img);
    const TeSeg rv_ram[] = {{.paddr = 0x80000000, .vaddr = 0x80000000, .filesz = 64, .memsz = 1024, .flags = PF_R | PF_X}};
    img = image_with(EM_RISCV, 0x80000000, rv_ram, 1, 0);
    expect_guess(img, "virt-rv32");
    image_free(img);
    /* fits nothing */
    const TeSeg nowhere[] = {{.paddr = 0x30000000, .vaddr = 0x30000000, .filesz = 4, .memsz = 4, .flags = PF_R}};
    img = image_with(EM_ARM, 0x30000001, nowhere, 1, 10);
    expect_guess(img, NULL);
    image_free(img);
}

/* A v7-M image with a vector table (initial SP `sp`, reset 0x41) in flash at 0 and
 * .data/.bss in SRAM at 0x20000000, and these symbols. */
static Image *image_with_sp(uint32_t sp, const TeSym *syms, size_t nsyms)
{
    uint8_t vt[8] = {(uint8_t)sp, (uint8_t)(sp >> 8), (uint8_t)(sp >> 16), (uint8_t)(sp >> 24), 0x41, 0, 0, 0};
    const TeSeg segs[] = {
        {.paddr = 0, .vaddr = 0, .filesz = 8, .memsz = 0x400, .flags = PF_R | PF_X, .data = vt},
        {.paddr = 0x400, .vaddr = 0x20000000, .filesz = 0x10, .memsz = 0x800, .flags = PF_R | PF_W},
    };
    return image_with_syms(EM_ARM, 0x41, segs, 2, 10, syms, nsyms);
}

/* Among the boards whose core suits the image, the one with a RAM ending where the
 * image's initial SP or its RAM-end symbols say: lm3s6965evb (64 KiB of SRAM) for a
 * Cortex-M3 image that mps2-an385 would also fit. */
static void test_guess_ram_end(void)
{
    Image *img = image_with_sp(0x20010000, NULL, 0);
    expect_guess(img, "lm3s6965evb");
    image_free(img);
    img = image_with_sp(0x20400000, NULL, 0); /* the end of mps2's SSRAM2/3 */
    expect_guess(img, "mps2-an385");
    image_free(img);
    img = image_with_sp(0x20008000, NULL, 0); /* the end of no RAM: the first that fits */
    expect_guess(img, "mps2-an385");
    image_free(img);
    /* TinyGo's cortex-m-qemu: the stack at the bottom of RAM, _heap_end at its top */
    const TeSym tinygo[] = {{.name = "_heap_end", .value = 0x20010000, .type = STT_NOTYPE, .bind = STB_GLOBAL}};
    img = image_with_sp(0x20001000, tinygo, 1);
    expect_guess(img, "lm3s6965evb");
    image_free(img);
    /* Zephyr's __kernel_ram_end, the other names */
    static const char *const names[] = {"_estack", "__StackTop", "__heap_end", "__kernel_ram_end"};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        const TeSym sym[] = {{.name = names[i], .value = 0x20010000, .type = STT_NOTYPE, .bind = STB_GLOBAL}};
        img = image_with_sp(0x20001000, sym, 1);
        expect_guess(img, "lm3s6965evb");
        image_free(img);
    }
    /* too big for lm3s6965evb's flash: a board that fits, even if its RAM ends elsewhere */
    uint8_t vt[8] = {0x00, 0x00, 0x01, 0x20, 0x41, 0, 0, 0};
    const TeSeg big[] = {{.paddr = 0, .vaddr = 0, .filesz = 8, .memsz = 300 * 1024, .flags = PF_R | PF_X, .data = vt}};
    img = image_with(EM_ARM, 0x41, big, 1, 10);
    expect_guess(img, "mps2-an385");
    image_free(img);
}

/* MicroPython on mps2-an385: code, data and stack in SSRAM1 at 0 (RAM), the initial
 * SP its end: SSRAM1 is the main SRAM, the one --sram shrinks (with its mirror). */
static void test_main_sram_from_sp(void)
{
    uint8_t vt[8] = {0x00, 0x00, 0x40, 0x00, 0x41, 0, 0, 0};
    const TeSeg one[] = {{.paddr = 0, .vaddr = 0, .filesz = 8, .memsz = 0x54000, .flags = PF_R | PF_W | PF_X,
                          .data = vt}};
    Image *img = image_with(EM_ARM, 0x41, one, 1, 10);
    char *err = NULL;
    Board *b = board_guess(img, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_STRING_EQUAL(b->name, "mps2-an385");
    CU_ASSERT_STRING_EQUAL(board_main_sram(b)->name, "ssram1");
    CU_ASSERT_EQUAL(board_set_sram(b, 0x60000, &err), 0);
    CU_ASSERT_EQUAL(b->mem[0].limit, 0x60000);
    CU_ASSERT_EQUAL(b->mem[1].limit, 0x60000); /* ssram1-mirror */
    CU_ASSERT_EQUAL(b->mem[6].limit, 4u << 20);
    CU_ASSERT_EQUAL(board_check_image(b, img, &err), 0);
    CU_ASSERT_EQUAL(board_set_sram(b, 0x40000, &err), 0); /* less than the image needs there */
    CU_ASSERT_EQUAL(board_check_image(b, img, &err), -1);
    CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "ends beyond the 256 KiB usable in ssram1"));
    free(err);
    board_free(b);
    /* a board named on the command line chooses the same way */
    b = builtin("mps2-an385");
    board_choose_main_sram(b, img);
    CU_ASSERT_STRING_EQUAL(board_main_sram(b)->name, "ssram1");
    board_free(b);
    image_free(img);
    /* an SP in no RAM, or a board without a vector table: the board's own choice */
    img = image_with_sp(0x30000000, NULL, 0);
    b = builtin("mps2-an385");
    board_choose_main_sram(b, img);
    CU_ASSERT_STRING_EQUAL(board_main_sram(b)->name, "ssram23");
    board_free(b);
    image_free(img);
}

/* ---- the machine a board builds ---- */

/* A Cortex-M0 board: a DWT (no console) first, two CMSDK UARTs, SysTick; `extra_dev`
 * is spliced into the device list and `extra` into the top level. */
#define ARM_BOARD(extra_dev, extra)                                                                             \
    "{\"name\": \"t\", \"core\": \"cortex-m0\", \"clock_hz\": \"16MHz\", "                                      \
    "\"memories\": [{\"name\": \"flash\", \"base\": 0, \"size\": \"64K\", \"kind\": \"flash\"}, "               \
    "{\"name\": \"sram\", \"base\": \"0x20000000\", \"size\": \"16K\", \"kind\": \"sram\"}], "                  \
    "\"devices\": [{\"type\": \"dwt\", \"name\": \"dwt\", \"base\": \"0xE0001000\"}, "                         \
    "{\"type\": \"cmsdk-uart\", \"name\": \"uart0\", \"base\": \"0x40004000\", \"irq\": [0, 1]}, "              \
    "{\"type\": \"cmsdk-uart\", \"name\": \"uart1\", \"base\": \"0x40005000\", \"irq\": [2, 3]}, "              \
    "{\"type\": \"systick\", \"name\": \"systick\", \"base\": \"0xE000E010\", \"irq\": 15}" extra_dev "]" extra \
    "}"

/* Devices to splice into ARM_BOARD: the exception model listed at its usual base; a
 * CMSDK timer on line `irq` (JSON text). */
#define SCS_DEV ", {\"type\": \"nvic\", \"name\": \"scs\", \"base\": \"0xE000E000\"}"
#define TIMER_DEV(irq) ", {\"type\": \"cmsdk-timer\", \"name\": \"t\", \"base\": \"0x40000000\", \"irq\": " irq "}"

/* A RISC-V board whose CLINT's mtime runs at 1 Hz (it moves only when written). */
#define RV_BOARD                                                                                                \
    "{\"name\": \"rv\", \"core\": \"rv32imac\", \"clock_hz\": \"10MHz\", "                                      \
    "\"memories\": [{\"name\": \"ram\", \"base\": \"0x80000000\", \"size\": \"64K\", \"kind\": \"sram\"}], "    \
    "\"devices\": [{\"type\": \"ns16550a\", \"name\": \"uart0\", \"base\": \"0x10000000\", \"irq\": 10}, "      \
    "{\"type\": \"clint\", \"name\": \"clint\", \"base\": \"0x02000000\", \"irq\": [\"msip\", \"mtip\"], "      \
    "\"timebase_hz\": 1}, "                                                                                    \
    "{\"type\": \"plic\", \"name\": \"plic\", \"base\": \"0x0C000000\", \"irq\": \"meip\"}]}"

enum { SCS = 0xE000E000u, CPUID = 0xD00, ICSR = 0xD04, ICSR_PENDSTSET = 1u << 26 };
enum { ST_CSR = 0xE000E010u, ST_RVR = 0xE000E014u, ST_CALIB = 0xE000E01Cu };
enum { UART0 = 0x40004000u, UART1 = 0x40005000u, U_DATA = 0x0, U_CTRL = 0x8 };
enum { MTIME = 0x0200BFF8u };

/* One machine on a board from JSON, its console output in a memory stream. */
typedef struct MachineRig {
    Board *board;
    Image *img;
    FILE *out;
    char *outbuf;
    size_t outlen; /* bytes */
    Machine *m;
} MachineRig;

/* An image of 64 bytes at `addr` whose contents do not matter (the tests write what
 * they run), split after 3 bytes so that a Cortex-M reset vector (bytes 4..7, the
 * second segment's bytes 1..4) has the Thumb bit set. */
static Image *image_at(unsigned machine, uint32_t addr)
{
    const TeSeg seg[] = {
        {.paddr = addr, .vaddr = addr, .filesz = 3, .memsz = 3, .flags = PF_R | PF_X},
        {.paddr = addr + 3, .vaddr = addr + 3, .filesz = 61, .memsz = 61, .flags = PF_R | PF_X},
    };
    return image_with(machine, addr, seg, 2, 0);
}

/* Builds the machine; returns false with *err set when machine_new refuses the board. */
static bool machine_rig_open(MachineRig *r, const char *json, char **err)
{
    memset(r, 0, sizeof *r);
    r->board = board_parse(json, "t.json", err);
    if (!r->board)
        fprintf(stderr, "\n  %s\n", *err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->board);
    bool arm = core_arch(r->board->core) == ARCH_ARM_M;
    r->img = arm ? image_at(EM_ARM, 0) : image_at(EM_RISCV, 0x80000000u);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->img);
    r->out = open_memstream(&r->outbuf, &r->outlen);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->out);
    MachineConfig mc = {.board = r->board, .img = r->img, .uart_out = r->out, .uart_in_fd = -1, .max_cycles = 1000};
    r->m = machine_new(&mc, err);
    return r->m != NULL;
}

static void machine_rig_close(MachineRig *r)
{
    machine_free(r->m);
    fclose(r->out);
    free(r->outbuf);
    image_free(r->img);
    board_free(r->board);
}

/* The machine must refuse the board with a message containing `want`. */
static void expect_refused(const char *json, const char *want)
{
    MachineRig r;
    char *err = NULL;
    CU_ASSERT_FALSE(machine_rig_open(&r, json, &err));
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    if (!strstr(err, want))
        fprintf(stderr, "\n  error \"%s\" lacks \"%s\"\n", err, want);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
    free(err);
    machine_rig_close(&r);
}

/* Register accesses as the guest makes them (through the MMIO windows). */
static uint32_t mrd(MachineRig *r, uint32_t addr)
{
    uint32_t v = 0;
    CU_ASSERT_EQUAL(cpu_mem_read(machine_cpu(r->m), addr, &v, 4), 0);
    return v;
}

static void mwr(MachineRig *r, uint32_t addr, uint32_t v)
{
    CU_ASSERT_EQUAL(cpu_mem_write(machine_cpu(r->m), addr, &v, 4), 0);
}

/* What the console received so far (NUL-terminated). */
static const char *console_output(MachineRig *r)
{
    chardev_flush(machine_console(r->m));
    fflush(r->out);
    return r->outbuf ? r->outbuf : "";
}

/* Each UART sends one letter; the console shows only its own. */
static void send_from_both_uarts(MachineRig *r)
{
    mwr(r, UART0 + U_CTRL, 1); /* TX enable */
    mwr(r, UART1 + U_CTRL, 1);
    mwr(r, UART0 + U_DATA, 'A');
    mwr(r, UART1 + U_DATA, 'B');
}

/* The exception model answers at the SCS page, SysTick inside that page keeps its
 * registers, and its line pends the SysTick exception. */
static void check_exception_model(MachineRig *r)
{
    CU_ASSERT_EQUAL(mrd(r, SCS + CPUID), 0x410CC200u); /* Cortex-M0 */
    CU_ASSERT_EQUAL(mrd(r, ST_CALIB), 1000000 / 100 - 1); /* SysTick (1 MHz reference), not the NVIC */
    CU_ASSERT_EQUAL(mrd(r, SCS + ICSR) & ICSR_PENDSTSET, 0);
    mwr(r, ST_RVR, 9);
    mwr(r, ST_CSR, 7); /* enable, TICKINT, core clock */
    Sched *s = machine_sched(r->m);
    s->now = sched_next(s);
    sched_run_due(s);
    CU_ASSERT(mrd(r, SCS + ICSR) & ICSR_PENDSTSET);
}

/* the console */

static void test_console_first_capable(void)
{
    MachineRig r;
    char *err = NULL;
    CU_ASSERT_FATAL(machine_rig_open(&r, ARM_BOARD("", ""), &err));
    send_from_both_uarts(&r);
    CU_ASSERT_STRING_EQUAL(console_output(&r), "A"); /* the DWT listed first cannot be the console */
    machine_rig_close(&r);
}

static void test_console_named(void)
{
    MachineRig r;
    char *err = NULL;
    CU_ASSERT_FATAL(machine_rig_open(&r, ARM_BOARD("", ", \"console\": \"uart1\""), &err));
    send_from_both_uarts(&r);
    CU_ASSERT_STRING_EQUAL(console_output(&r), "B");
    machine_rig_close(&r);
    expect_refused(ARM_BOARD("", ", \"console\": \"dwt\""), "console: device dwt (dwt) cannot be a console");
}

/* the exception model */

static void test_exception_model_implicit(void)
{
    MachineRig r;
    char *err = NULL;
    CU_ASSERT_FATAL(machine_rig_open(&r, ARM_BOARD("", ""), &err));
    check_exception_model(&r);
    machine_rig_close(&r);
}

static void test_exception_model_listed(void)
{
    MachineRig r;
    char *err = NULL;
    CU_ASSERT_FATAL(machine_rig_open(&r, ARM_BOARD(SCS_DEV, ""), &err));
    check_exception_model(&r);
    machine_rig_close(&r);
    expect_refused(ARM_BOARD(", {\"type\": \"nvic\", \"name\": \"a\", \"base\": \"0xE000E000\"}, "
                             "{\"type\": \"nvic\", \"name\": \"b\", \"base\": \"0xE000F000\"}",
                             ""),
                   "devices a and b: a core has one exception model");
    expect_refused("{\"name\": \"rv\", \"core\": \"rv32imac\", \"clock_hz\": 1000, \"memories\": [{\"name\": \"ram\", "
                   "\"base\": \"0x80000000\", \"size\": \"64K\", \"kind\": \"sram\"}], \"devices\": [{\"type\": "
                   "\"nvic\", \"name\": \"scs\", \"base\": \"0xE000E000\"}]}",
                   "device scs: a rv32imac core has no exception model like nvic");
}

/* Numbered lines end in the exception model's inputs, within its IRQ count. */
static void test_exception_model_inputs(void)
{
    expect_refused(ARM_BOARD(TIMER_DEV("32"), ""), "device t: IRQ 32 is not an input of the interrupt controller nvic");
    expect_refused(ARM_BOARD(TIMER_DEV("\"mtip\""), ""), "core has no CPU-local interrupt lines");
}

/* the timebase */

/* `csrr a1, time; csrr a2, timeh` then an ebreak with no trap handler (the run stops). */
static const uint32_t rv_read_time[] = {0xC01025F3u, 0xC8102673u, 0x00100073u};

static void test_timebase(void)
{
    MachineRig r;
    char *err = NULL;
    CU_ASSERT_FATAL(machine_rig_open(&r, RV_BOARD, &err));
    Cpu *c = machine_cpu(r.m);
    CU_ASSERT_EQUAL(cpu_mem_write(c, 0x80000000u, rv_read_time, sizeof rv_read_time), 0);
    mwr(&r, MTIME + 4, 0x6);
    mwr(&r, MTIME, 0x12345);
    CpuStop stop;
    machine_run(r.m, &stop);
    CU_ASSERT_EQUAL(stop.reason, STOP_HARDFAULT);
    CU_ASSERT_EQUAL(cpu_arg(c, 1), 0x12345); /* rdtime reads the CLINT's mtime */
    CU_ASSERT_EQUAL(cpu_arg(c, 2), 0x6);
    machine_rig_close(&r);
}

/* ---- what a machine can map: alignment, windows, the number of parts ---- */

/* BASE_ARM with `devs` as its devices array's contents. */
#define ARM_DEVS(devs) "{" BASE_ARM ", \"devices\": [" devs "]}"
#define DEV(type, name, base) "{\"type\": \"" type "\", \"name\": \"" name "\", \"base\": \"" base "\"}"

static void test_layout_windows(void)
{
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1, \"memories\": ["
                 "{\"name\": \"s\", \"base\": \"0x20000800\", \"size\": \"4K\", \"kind\": \"sram\"}]}",
                 "memories[0].base: 0x20000800 is not on a 4 KiB boundary");
    expect_error(ARM_DEVS(DEV("uart", "u", "0x40000000")), "devices[0] (u).type: unknown device type \"uart\" (known: ");
    expect_error(ARM_DEVS(DEV("cmsdk-uart", "u", "0xFFFFFFFF")),
                 "devices[0] (u).base: 0xffffffff: the 4096-byte register window of a cmsdk-uart runs past the 4 GiB");
    expect_error(ARM_DEVS(DEV("cmsdk-uart", "a", "0x40004000") ", " DEV("cmsdk-timer", "b", "0x40004000")),
                 "devices[1] (b, 0x40004000..0x40004fff) overlaps devices[0] (a, 0x40004000..0x40004fff)");
    expect_error(ARM_DEVS(DEV("cmsdk-uart", "a", "0x40004000") ", " DEV("systick", "b", "0x40004ff8")),
                 "devices[1] (b, 0x40004ff8..0x40005007) overlaps devices[0] (a, 0x40004000..0x40004fff)");
    /* the exception model's page: SysTick inside it, nothing else, listed or not */
    expect_error(ARM_DEVS(DEV("dwt", "d", "0xE000E100")),
                 "devices[0] (d, 0xe000e100..0xe000f0ff) overlaps the core's exception model (nvic, 0xe000e000..");
    expect_error(ARM_DEVS(DEV("nvic", "n", "0xE000E000") ", " DEV("dwt", "d", "0xE000E800")),
                 "devices[1] (d, 0xe000e800..0xe000f7ff) overlaps devices[0] (n, 0xe000e000..0xe000efff)");
    char *err = NULL;
    Board *b = parse(ARM_DEVS(DEV("nvic", "n", "0xE000E000") ", " DEV("systick", "st", "0xE000E010")), &err);
    CU_ASSERT_PTR_NOT_NULL(b);
    board_free(b);
    b = parse(ARM_DEVS(DEV("systick", "st", "0xE000E010")), &err);
    CU_ASSERT_PTR_NOT_NULL(b);
    board_free(b);
    /* a device on the partial last page of a memory (20 KiB + 1 KiB of SRAM) */
    expect_error("{\"name\": \"b\", \"core\": \"cortex-m3\", \"clock_hz\": 1, \"memories\": ["
                 "{\"name\": \"s\", \"base\": \"0x20000000\", \"size\": \"0x5400\", \"kind\": \"sram\"}], "
                 "\"devices\": [" DEV("systick", "st", "0x20005800") "]}",
                 "devices[0] (st, 0x20005800..0x2000580f) shares a 4 KiB page with memories[0] (s)");
}

/* `nmem` SRAM memories of 4 KiB from 0x20000000 on, every other page, each followed
 * by a DWT on the page after it when `interleave`, so that every memory and every
 * device is a mapping of its own; a Cortex-M3 core (1 KiB target pages in Unicorn:
 * the smallest section table). */
static char *many_parts_board(size_t nmem, bool interleave)
{
    size_t cap = 256 + nmem * 200, n = 0;
    char *j = xmalloc(cap);
    n += (size_t)snprintf(j + n, cap - n, "{\"name\": \"many\", \"core\": \"cortex-m3\", \"clock_hz\": 1000, "
                                          "\"memories\": [");
    for (size_t i = 0; i < nmem; i++)
        n += (size_t)snprintf(j + n, cap - n, "%s{\"name\": \"m%zu\", \"base\": %zu, \"size\": 4096, "
                                              "\"kind\": \"sram\"}", i ? ", " : "", i, 0x20000000u + i * 0x2000u);
    n += (size_t)snprintf(j + n, cap - n, "], \"devices\": [");
    for (size_t i = 0; interleave && i < nmem; i++)
        n += (size_t)snprintf(j + n, cap - n, "%s{\"type\": \"dwt\", \"name\": \"d%zu\", \"base\": %zu}",
                              i ? ", " : "", i, 0x20001000u + i * 0x2000u);
    snprintf(j + n, cap - n, "]}");
    return j;
}

/* At most BOARD_MAX_PARTS memories and devices; the largest board builds its machine
 * (Unicorn 2.0.1 aborted the process at about 1020 of them). */
static void test_layout_parts(void)
{
    char *json = many_parts_board(BOARD_MAX_PARTS / 2, true);
    char *err = NULL;
    Board *b = parse(json, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL(b->nmem + b->ndev, BOARD_MAX_PARTS);
    Machine *m = machine_new(&(MachineConfig){.board = b, .uart_in_fd = -1}, &err);
    if (!m)
        fprintf(stderr, "\n  %s\n", err);
    CU_ASSERT_PTR_NOT_NULL(m);
    machine_free(m);
    board_free(b);
    free(json);
    json = many_parts_board(BOARD_MAX_PARTS + 1, false);
    expect_error(json, "memories, unimplemented, devices: 257 in all, more than the 256 a board may have");
    free(json);
    json = many_parts_board(2000, true);
    expect_error(json, "memories, unimplemented, devices: 4000 in all, more than the 256 a board may have");
    free(json);
}

/* Without an image the machine is built, not booted: what `baregc boards FILE` checks. */
static void test_machine_without_image(void)
{
    char *err = NULL;
    Board *b = parse(ARM_DEVS("{\"type\": \"cmsdk-uart\", \"name\": \"u\", \"base\": \"0x40004000\", "
                              "\"irq\": [300, 301]}"),
                     &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    Machine *m = machine_new(&(MachineConfig){.board = b, .uart_in_fd = -1}, &err);
    CU_ASSERT_PTR_NULL(m);
    CU_ASSERT_PTR_NOT_NULL_FATAL(err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "device u: IRQ 300 is not an input of the interrupt controller nvic"));
    free(err);
    board_free(b);
}

static const TestCase builtin_cases[] = {
    {"every built-in board parses, in order", test_builtins_parse},
    {"mps2-an385 / an386 facts", test_builtin_mps2},
    {"lm3s6965evb facts", test_builtin_lm3s6965evb},
    {"microbit, sifive_e, virt-rv32 facts", test_builtin_others},
    {NULL, NULL},
};

static const TestCase schema_cases[] = {
    {"numbers, strings, defaults, params", test_numbers_and_params},
    {"top-level errors name the key", test_schema_errors_top},
    {"memory errors and overlaps", test_schema_errors_memories},
    {"mirrors, code RAM, main SRAM, unimplemented regions", test_schema_mirrors_unimplemented},
    {"NVIC and boot address", test_schema_errors_core_specific},
    {"device errors", test_schema_errors_devices},
    {"the console key", test_console_key},
    {"lookup by name and by file", test_lookup},
    {"layout: alignment and register windows", test_layout_windows},
    {"layout: at most BOARD_MAX_PARTS memories and devices", test_layout_parts},
    {NULL, NULL},
};

static const TestCase fit_cases[] = {
    {"--sram and --clock", test_set_sram_clock},
    {"size and clock formatting", test_format},
    {"board_check_image", test_check_image},
    {"board_guess preferences", test_guess},
    {"board_guess: where the image's RAM ends", test_guess_ram_end},
    {"the main SRAM from the initial SP", test_main_sram_from_sp},
    {NULL, NULL},
};

static const TestCase machine_cases[] = {
    {"console: the first console-capable device", test_console_first_capable},
    {"console: the device the board names", test_console_named},
    {"exception model: made when the board lists none", test_exception_model_implicit},
    {"exception model: the one the board lists", test_exception_model_listed},
    {"exception model: its inputs", test_exception_model_inputs},
    {"rdtime reads the timebase", test_timebase},
    {"without an image: built, not booted", test_machine_without_image},
    {NULL, NULL},
};

static const TestSuite suites[] = {
    {"board: built-in boards", builtin_cases},
    {"board: schema", schema_cases},
    {"board: images", fit_cases},
    {"board: the machine it builds", machine_cases},
    {NULL, NULL},
};

int main(void)
{
    int rc = cunit_run(suites);
    te_cleanup();
    return rc;
}
