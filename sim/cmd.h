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
} Command;

/* The name the program was started with (argv[0] of main). */
extern const char *cmd_program;

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
