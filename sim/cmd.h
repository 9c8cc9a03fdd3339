/* cmd.h: the subcommands of the baregc program, one file each (sim/cmd_*.c). */
#ifndef BAREGC_CMD_H
#define BAREGC_CMD_H

#include <stdio.h>

typedef struct Command {
    const char *name;
    const char *summary;  /* one line for `baregc --help` */
    /* argv[0] is the subcommand name; returns the process exit status (exitcode.h). */
    int (*exec)(int argc, char **argv);
    void (*usage)(FILE *out);
    int io_status;        /* the exit status when stdout cannot be written (0: EXIT_IO) */
} Command;

/* The name the program was started with (argv[0] of main). */
extern const char *cmd_program;

/* An option a command's --help lists: "--board" with the placeholder of its value,
 * "NAME|FILE" ("" for an option that takes none). */
typedef struct CmdOption {
    char name[32];
    char value[32];
} CmdOption;
#define CMD_MAX_OPTIONS 64

/* The options c's usage text lists, in order (up to max; -o and --output of one line
 * are two): read from its lines that start with two spaces and a dash. (cmd_help.c) */
size_t cmd_options(const Command *c, CmdOption *out, size_t max);
/* Prints "baregc CMD: unknown option 'ARG' (see baregc CMD --help)" on stderr, with
 * "; did you mean '--opt'?" when one of c's options is close to it. */
void cmd_unknown_option(const Command *c, const char *arg);

extern const Command cmd_run;
extern const Command cmd_info;
extern const Command cmd_boards;
extern const Command cmd_check;
extern const Command cmd_tui;
extern const Command cmd_view;
extern const Command cmd_report;
extern const Command cmd_diff;
extern const Command cmd_sweep;

#endif
