/* cmd_boards.c: `baregc boards`: list the built-in boards, or print one board's JSON. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sim/board.h"
#include "sim/cmd.h"
#include "sim/exitcode.h"
#include "sim/machine.h"
#include "base/util.h"

static void boards_usage(FILE *out)
{
    fprintf(out, "Usage: baregc boards [NAME]\n\n"
                 "List the built-in boards (name, core, clock, flash, RAM, the QEMU machine each one\n"
                 "mirrors, description), or print the JSON of board NAME: a starting point for a board\n"
                 "file of your own (--board FILE.json; the format is in docs/boards.md). Given the\n"
                 "path of a board file, checks it as a run would (the file, then the machine built\n"
                 "from it, without an image) and prints its summary line; exit 67 when it is refused.\n\n"
                 "Options:\n"
                 "  --help   this text\n");
}

/* Bytes of memory of these kinds (a mask of 1 << BOARD_MEM_*), mirrors not counted. */
static uint64_t total_of_kinds(const Board *b, unsigned kinds)
{
    uint64_t t = 0;
    for (size_t i = 0; i < b->nmem; i++)
        if (((1u << b->mem[i].kind) & kinds) && b->mem[i].alias_of < 0)
            t += b->mem[i].size;
    return t;
}

static void print_header(void)
{
    printf("%-12s %-14s %-8s %-9s %-9s %s\n", "NAME", "CORE", "CLOCK", "FLASH", "RAM", "QEMU MACHINE");
}

static void print_board(const Board *b)
{
    char clk[32], fl[32], sr[32];
    uint64_t flash = total_of_kinds(b, 1u << BOARD_MEM_FLASH);
    printf("%-12s %-14s %-8s %-9s %-9s %s\n", b->name, core_name(b->core), board_format_hz(b->clock_hz, clk, sizeof clk),
           flash ? board_format_size(flash, fl, sizeof fl) : "-",
           board_format_size(total_of_kinds(b, 1u << BOARD_MEM_SRAM | 1u << BOARD_MEM_RAM), sr, sizeof sr), b->qemu_machine ? b->qemu_machine : "-");
    if (*b->description)
        printf("             %s\n", b->description);
}

static int list_boards(void)
{
    print_header();
    int rc = EXIT_OK;
    for (size_t i = 0; i < board_builtin_count(); i++) {
        char *err = NULL;
        Board *b = board_parse(board_builtin_json(i), board_builtin_name(i), &err);
        if (!b) { /* cannot happen with the shipped files; the tests parse them all */
            log_error("%s", err);
            free(err);
            rc = EXIT_INTERNAL;
            continue;
        }
        print_board(b);
        board_free(b);
    }
    printf("\nThe first board that fits is used when --board is not given (an ARM image prefers the\n"
           "board whose core matches its build attributes). `baregc boards NAME` prints a board's JSON.\n");
    return rc;
}

static int exec_boards(int argc, char **argv)
{
    const char *name = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            boards_usage(stdout);
            return EXIT_OK;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cmd_unknown_option(&cmd_boards, argv[i]);
            return EXIT_USAGE;
        } else if (name) {
            fprintf(stderr, "baregc boards: one board name at a time\n");
            return EXIT_USAGE;
        } else {
            name = argv[i];
        }
    }
    if (!name)
        return list_boards();
    for (size_t i = 0; i < board_builtin_count(); i++) {
        if (strcmp(board_builtin_name(i), name) == 0) {
            fputs(board_builtin_json(i), stdout);
            return EXIT_OK;
        }
    }
    char *err = NULL;
    Board *b = board_lookup(name, &err); /* a board file: check it and summarize it */
    Machine *m = b ? machine_new(&(MachineConfig){.board = b, .uart_in_fd = -1}, &err) : NULL;
    if (m) { /* a run builds the same machine: what it would refuse is refused here */
        machine_free(m);
        print_header();
        print_board(b);
        board_free(b);
        return EXIT_OK;
    }
    board_free(b);
    log_error("%s", err);
    free(err);
    return EXIT_BAD_BOARD;
}

const Command cmd_boards = {
    .name = "boards",
    .summary = "list the built-in boards, or print one board's JSON",
    .exec = exec_boards,
    .usage = boards_usage,
};
