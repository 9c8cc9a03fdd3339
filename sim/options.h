/* options.h: the machine options several subcommands share (--board, --sram, --clock)
 * and the image + board set-up they lead to. */
#ifndef BAREGC_OPTIONS_H
#define BAREGC_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/board.h"
#include "base/image.h"

typedef struct MachineOptions {
    const char *board;     /* name or path; NULL = choose from the image */
    uint64_t sram_bytes;   /* 0 = as the board says */
    uint64_t clock_hz;     /* 0 = as the board says */
} MachineOptions;

/* If argv[*i] is one of --board/--sram/--clock (as "--opt VALUE" or "--opt=VALUE"),
 * consume it (advancing *i past its value) and return 1; return 0 if it is not
 * one of them; -1 after printing an error for a bad value. */
int machine_options_parse(MachineOptions *o, int argc, char **argv, int *i);
void machine_options_usage(FILE *out);

/* `run`'s debugger options: --gdb [HOST:]PORT, --gdb-wait, --gdb-break-budget FILE. */
typedef struct GdbOptions {
    bool on;                   /* --gdb given */
    char host[256];            /* its host (default 127.0.0.1) */
    unsigned port;             /* its port (0: any free port, said on stderr) */
    bool wait;                 /* --gdb-wait: stop before the first instruction */
    const char *break_budget;  /* --gdb-break-budget: a budget file (its max_pause_us) */
} GdbOptions;

/* As machine_options_parse, for the GdbOptions. --gdb-wait and --gdb-break-budget
 * need --gdb: gdb_options_check says so (-1, message printed). */
int gdb_options_parse(GdbOptions *o, int argc, char **argv, int *i);
int gdb_options_check(const GdbOptions *o);
void gdb_options_usage(FILE *out);

/* Load the image and pick/adjust the board. On failure prints the one-line
 * error and returns the exit status (exitcode.h); 0 on success. Says which board
 * was chosen (on stderr, unless quiet) when none was given. */
int machine_setup(const MachineOptions *o, const char *elf_path, bool quiet, Image **img, Board **board);

#endif
