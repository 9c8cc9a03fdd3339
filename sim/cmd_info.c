/* cmd_info.c: `baregc info`: what a firmware image contains and how it fits a board. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sim/board.h"
#include "gc/runtime.h"
#include "sim/cmd.h"
#include "sim/exitcode.h"
#include "sim/options.h"
#include "base/util.h"

#define EM_ARM_ 40
#define PF_X_ 1
#define PF_W_ 2
#define PF_R_ 4

static void info_usage(FILE *out)
{
    fprintf(out, "Usage: baregc info FIRMWARE.elf [OPTIONS]\n\n"
                 "Describe a firmware image: architecture, entry point (and the Cortex-M vector table),\n"
                 "loadable segments and the board memory each lands in, flash and SRAM use against the\n"
                 "board, notable symbols (main, reset handler, stack and heap bounds, gc_* functions)\n"
                 "and whether it has DWARF line info. Exits %d if it does not fit the board.\n\n"
                 "Options:\n",
            EXIT_BAD_BOARD);
    machine_options_usage(out);
    fprintf(out, "  --gc-runtime NAME    describe the hooks of this GC adapter instead of the detected one\n"
                 "  --gc-profile FILE    ... or of a JSON-described collector (docs/gc-profile.md)\n"
                 "  --help               this text\n");
}

static const char *arm_arch_name(ImageArmArch a)
{
    switch (a) {
    case IMAGE_ARM_V6M: return "ARMv6-M (Cortex-M0/M0+)";
    case IMAGE_ARM_V7M: return "ARMv7-M (Cortex-M3)";
    case IMAGE_ARM_V7EM: return "ARMv7E-M (Cortex-M4/M7)";
    case IMAGE_ARM_V8M: return "ARMv8-M";
    default: return "unknown (no Tag_CPU_arch in .ARM.attributes)";
    }
}

static const BoardMemory *memory_at(const Board *b, uint32_t addr)
{
    for (size_t i = 0; b && i < b->nmem; i++)
        if (addr >= b->mem[i].base && addr - b->mem[i].base < b->mem[i].size)
            return &b->mem[i];
    return NULL;
}

static void print_symbol(const Image *img, const ImageSymbol *s)
{
    char where[300] = "";
    const char *file;
    int line;
    if (s->is_func && image_line_at(img, s->addr, &file, &line)) {
        const char *base = strrchr(file, '/');
        snprintf(where, sizeof where, "  %s:%d", base ? base + 1 : file, line);
    }
    if (s->size)
        printf("  %-22s 0x%08x  %6u bytes%s%s\n", s->name, s->addr, s->size, s->is_func ? "  function" : "", where);
    else
        printf("  %-22s 0x%08x%s\n", s->name, s->addr, where);
}

static const char *const notable[] = {
    "main", "Reset_Handler", "_start", "_estack", "__StackTop", "_stack_top", "__stack", "__StackLimit",
    "_stack_limit", "__stack_limit", "_heap_start", "_heap_end", "__heap_start", "__heap_end", "__end__",
    "end", "_end", NULL,
};

static void print_entry(const Image *img, const Board *b)
{
    char desc[300];
    printf("entry point:  0x%08x  %s\n", image_entry(img), image_describe_addr(img, image_entry(img), desc, sizeof desc));
    if (!b || !core_boots_from_vector_table(b->core))
        return;
    uint32_t sp, reset;
    if (board_image_word(img, b->boot_addr, &sp) && board_image_word(img, b->boot_addr + 4, &reset)) {
        printf("vectors:      at 0x%08x: initial SP 0x%08x, reset vector 0x%08x  %s\n", b->boot_addr, sp, reset,
               image_describe_addr(img, reset & ~1u, desc, sizeof desc));
        if (!(reset & 1))
            printf("              warning: the reset vector's Thumb bit is clear: the core would lock up\n");
    } else {
        printf("vectors:      the image loads no vector table at the boot address 0x%08x\n", b->boot_addr);
    }
}

static void print_segments(const Image *img, const Board *b)
{
    printf("\nsegments:\n  #  %-10s  %-10s  %10s  %10s  flags  memory\n", "paddr", "vaddr", "filesz", "memsz");
    for (size_t i = 0; i < image_segment_count(img); i++) {
        const ImageSegment *s = image_segment(img, i);
        const BoardMemory *lm = memory_at(b, s->paddr), *rm = memory_at(b, s->vaddr);
        char mem[128];
        if (!b)
            snprintf(mem, sizeof mem, "-");
        else if (!lm)
            snprintf(mem, sizeof mem, "outside the board's memories");
        else if (s->vaddr != s->paddr)
            snprintf(mem, sizeof mem, "%s, runs in %s", lm->name, rm ? rm->name : "no memory");
        else
            snprintf(mem, sizeof mem, "%s", lm->name);
        printf("  %zu  0x%08x  0x%08x  %10u  %10u  %c%c%c    %s\n", i, s->paddr, s->vaddr, s->filesz, s->memsz,
               s->flags & PF_R_ ? 'R' : '-', s->flags & PF_W_ ? 'W' : '-', s->flags & PF_X_ ? 'X' : '-', mem);
    }
}

/* Memory use: the flash (or, on a board without flash, the code RAM the image is
 * loaded into) and the main SRAM. */
static void print_memory_use(const Image *img, Board *b)
{
    uint64_t flash_used = 0, flash_size = 0, sram_used = 0;
    int code_kind = BOARD_MEM_RAM;
    for (size_t i = 0; i < b->nmem; i++)
        if (b->mem[i].kind == BOARD_MEM_FLASH)
            code_kind = BOARD_MEM_FLASH;
    for (size_t i = 0; i < b->nmem; i++)
        if (b->mem[i].kind == code_kind && b->mem[i].alias_of < 0)
            flash_size += b->mem[i].limit;
    bool code_in_sram = false;
    BoardMemory *ram = board_main_sram(b);
    for (size_t i = 0; i < image_segment_count(img); i++) {
        const ImageSegment *s = image_segment(img, i);
        const BoardMemory *lm = memory_at(b, s->paddr), *rm = memory_at(b, s->vaddr);
        if (lm && lm->kind == code_kind)
            flash_used += s->filesz;
        if (rm && rm->alias_of >= 0)
            rm = &b->mem[rm->alias_of];
        if (rm == ram) { /* the main SRAM (board_main_sram) */
            sram_used += s->memsz;
            code_in_sram = code_in_sram || (s->flags & PF_X_);
        }
    }
    char a[32], c[32], d[32];
    printf("\nmemory use on %s:\n", b->name);
    if (flash_size)
        printf("  %s %s of %s (%.1f%%)\n", code_kind == BOARD_MEM_FLASH ? "flash:" : "code RAM (loaded):",
               board_format_size(flash_used, a, sizeof a), board_format_size(flash_size, c, sizeof c),
               100.0 * (double)flash_used / (double)flash_size);
    else
        printf("  flash: none on this board\n");
    if (ram) {
        printf("  SRAM:  %s used by the image's sections (%s) of %s", board_format_size(sram_used, a, sizeof a),
               code_in_sram ? "code, .data, .bss, reserved" : ".data, .bss, reserved",
               board_format_size(ram->limit, c, sizeof c));
        if (ram->limit != ram->size)
            printf(" (--sram; the part has %s)", board_format_size(ram->size, d, sizeof d));
        if (sram_used <= ram->limit)
            printf("; %s not claimed by any section\n", board_format_size(ram->limit - sram_used, d, sizeof d));
        else
            printf("; %s too much\n", board_format_size(sram_used - ram->limit, d, sizeof d));
    }
}

static void print_symbols(const Image *img)
{
    printf("\nsymbols (%zu):\n", image_symbol_count(img));
    size_t shown = 0;
    for (size_t i = 0; notable[i]; i++) {
        const ImageSymbol *s = image_symbol_by_name(img, notable[i]);
        if (s) {
            print_symbol(img, s);
            shown++;
        }
    }
    size_t ngc = 0;
    for (size_t i = 0; i < image_symbol_count(img); i++) {
        const ImageSymbol *s = image_symbol(img, i);
        if (s->is_func && strncmp(s->name, "gc_", 3) == 0 && ngc++ < 40) {
            print_symbol(img, s);
            shown++;
        }
    }
    if (ngc > 40)
        printf("  ... and %zu more gc_* functions\n", ngc - 40);
    if (!shown)
        printf("  (none of the usual ones: main, Reset_Handler/_start, stack and heap bounds, gc_*)\n");
}

static const char *const hook_kind_names[] = {
    [GC_HOOK_PAUSE] = "pause", [GC_HOOK_PAUSE_BEGIN] = "pause begins", [GC_HOOK_PAUSE_END] = "pause ends",
    [GC_HOOK_PHASE] = "phase", [GC_HOOK_ALLOC] = "allocation", [GC_HOOK_FREE] = "free",
    [GC_HOOK_REALLOC] = "reallocation", [GC_HOOK_TRIGGER] = "trigger", [GC_HOOK_STATE] = "runtime state",
};

/* A hook's kind as info lists it: "phase mark", "pause (incremental)", "trigger (explicit)". */
static void hook_kind_text(const GcHook *h, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s%s", hook_kind_names[h->kind], h->phase ? " " : "", h->phase ? h->phase : "");
    size_t at = strlen(buf);
    if (h->kind == GC_HOOK_TRIGGER)
        snprintf(buf + at, n - at, " (%s)", h->trigger == REC_TRIGGER_ALLOC ? "allocation pressure" : "explicit");
    else if (h->kind == GC_HOOK_STATE && h->closes)
        snprintf(buf + at, n - at, " ends");
    else if (h->incremental)
        snprintf(buf + at, n - at, " (incremental)");
    else if (h->trigger_arg >= 0)
        snprintf(buf + at, n - at, " (allocation if arg %d)", h->trigger_arg);
}

/* Where an inlined phase is followed: its ranges, and the function holding the first. */
static void print_inlined(const Image *img, const GcHook *h, const char *kind)
{
    const ImageSymbol *f = image_function_at(img, h->ranges[0].lo);
    printf("  %-34s %-24s inlined in %s at", kind, h->symbol, f ? f->name : "?");
    for (size_t k = 0; k < h->nranges && k < 4; k++)
        printf("%s 0x%08x-0x%08x", k ? "," : "", h->ranges[k].lo, h->ranges[k].hi);
    if (h->nranges > 4)
        printf(" and %zu more", h->nranges - 4);
    putchar('\n');
}

/* The collector: which adapter, every hook resolved, what cannot be observed.
 * Returns 0, or an exit status when a named runtime/profile cannot be used. */
static int print_runtime(const Image *img, const char *runtime, const char *profile)
{
    char *err = NULL;
    GcRuntime *rt = NULL;
    const char *how = "detected from the symbols";
    printf("\nGC runtime:   ");
    if (profile) {
        rt = gc_profile_open(profile, img, &err);
        how = "from --gc-profile";
    } else {
        const GcAdapterClass *ac = runtime ? gc_adapter_find(runtime) : gc_adapter_detect(img);
        if (runtime)
            how = "given with --gc-runtime";
        if (!ac) {
            printf("none recognised (gcrt, micropython, tinygo, lua, events); describe yours with --gc-profile\n");
            return runtime ? EXIT_USAGE : EXIT_OK;
        }
        rt = ac->open(img, &err);
    }
    if (!rt) {
        printf("unusable\n");
        log_error("%s", err);
        free(err);
        return EXIT_BAD_PROFILE;
    }
    printf("%s (%s)\n", rt->name, how);
    for (size_t i = 0; i < rt->nhooks; i++) {
        const GcHook *h = &rt->hooks[i];
        char kind[64];
        hook_kind_text(h, kind, sizeof kind);
        if (h->addr)
            printf("  %-34s %-24s 0x%08x\n", kind, h->symbol, h->addr);
        else if (h->nranges)
            print_inlined(img, h, kind);
        else
            printf("  %-34s %-24s not in the image\n", kind, h->symbol);
    }
    if (rt->layout_source)
        printf("  heap read from: %s\n", rt->layout_source);
    for (size_t i = 0; i < rt->nnotes; i++)
        printf("  cannot observe: %s\n", rt->notes[i]);
    gc_runtime_free(rt);
    return EXIT_OK;
}

static int exec_info(int argc, char **argv)
{
    MachineOptions mo = {0};
    const char *elf = NULL, *runtime = NULL, *profile = NULL;
    for (int i = 1; i < argc; i++) {
        int r = machine_options_parse(&mo, argc, argv, &i);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        if (!strcmp(argv[i], "--gc-runtime") && i + 1 < argc) {
            runtime = argv[++i];
        } else if (!strcmp(argv[i], "--gc-profile") && i + 1 < argc) {
            profile = argv[++i];
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            info_usage(stdout);
            return EXIT_OK;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cmd_unknown_option(&cmd_info, argv[i]);
            return EXIT_USAGE;
        } else if (elf) {
            fprintf(stderr, "baregc info: more than one firmware image given ('%s' and '%s')\n", elf, argv[i]);
            return EXIT_USAGE;
        } else {
            elf = argv[i];
        }
    }
    if (!elf) {
        info_usage(stderr);
        return EXIT_USAGE;
    }

    char *err = NULL;
    int kind = 0;
    Image *img = image_load(elf, &kind, &err);
    if (!img) {
        log_error("%s", err);
        free(err);
        return kind == LOAD_ERR_OPEN ? EXIT_NO_INPUT : EXIT_BAD_IMAGE;
    }
    /* The board: given, or guessed; without one the image is still described. */
    Board *b = NULL;
    const char *how = "given with --board";
    char *board_problem = NULL;
    if (mo.board) {
        b = board_lookup(mo.board, &err);
        if (!b) {
            log_error("%s", err);
            free(err);
            image_free(img);
            return EXIT_BAD_BOARD;
        }
        board_choose_main_sram(b, img);
    } else {
        b = board_guess(img, &board_problem);
        how = "chosen from the image";
    }
    if (b && ((mo.sram_bytes && board_set_sram(b, mo.sram_bytes, &err) < 0) ||
              (mo.clock_hz && board_set_clock(b, mo.clock_hz, &err) < 0))) {
        log_error("%s", err);
        free(err);
        board_free(b);
        image_free(img);
        return EXIT_BAD_BOARD;
    }
    if (b && board_check_image(b, img, &board_problem) < 0)
        how = "given with --board; the image does not fit it";

    int machine = image_machine(img);
    printf("image:        %s\n", image_path(img));
    if (machine == EM_ARM_)
        printf("architecture: ARM (Cortex-M, Thumb), %s\n", arm_arch_name(image_arm_arch(img)));
    else
        printf("architecture: RISC-V (RV32)\n");
    char hz[32];
    if (b)
        printf("board:        %s (%s, %s), %s\n", b->name, core_name(b->core),
               board_format_hz(b->clock_hz, hz, sizeof hz), how);
    else
        printf("board:        none: %s\n", board_problem);
    print_entry(img, b);
    print_segments(img, b);
    if (b)
        print_memory_use(img, b);
    print_symbols(img);
    printf("\ndebug info:   %s\n", image_has_dwarf(img) ? "DWARF (source lines available)" : "none (build with -g for source lines)");
    int rc = print_runtime(img, runtime, profile);
    if (board_problem) {
        printf("fits board:   no: %s\n", board_problem);
        rc = rc ? rc : EXIT_BAD_BOARD;
    } else {
        printf("fits board:   yes\n");
    }
    free(board_problem);
    board_free(b);
    image_free(img);
    return rc;
}

const Command cmd_info = {
    .name = "info",
    .summary = "describe a firmware image and how it fits a board",
    .exec = exec_info,
    .usage = info_usage,
};
