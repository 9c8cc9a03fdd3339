/* main.c: the baregc program: dispatches to the subcommands in sim/cmd_*.c. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sim/cmd.h"
#include "sim/exitcode.h"

static const Command *const commands[] = {&cmd_run,    &cmd_info, &cmd_boards, &cmd_check, &cmd_tui, &cmd_view,
                                          &cmd_report, &cmd_diff, &cmd_sweep,  NULL};

static void usage(FILE *out)
{
    fprintf(out, "Usage: baregc COMMAND [OPTIONS] ...\n\n"
                 "Simulate bare-metal Cortex-M and RV32 firmware and profile its garbage collector.\n\n"
                 "Commands:\n");
    for (size_t i = 0; commands[i]; i++)
        fprintf(out, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out, "\n`baregc COMMAND --help` describes a command. `baregc --version` prints the version.\n"
                 "Exit codes are listed in `baregc run --help`.\n");
}

const char *cmd_program = "baregc";

int main(int argc, char **argv)
{
    if (argc > 0 && argv[0])
        cmd_program = argv[0];
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        printf("baregc %s\n", PACKAGE_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; commands[i]; i++)
        if (!strcmp(argv[1], commands[i]->name))
            return commands[i]->exec(argc - 1, argv + 1);
    fprintf(stderr, "baregc: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
