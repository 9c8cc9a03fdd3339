/* options.h: the machine options several subcommands share (--board, --sram, --clock)
 * and the image + board set-up they lead to. */
#ifndef BAREGC_OPTIONS_H
#define BAREGC_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/board.h"
#include "sim/machine.h"
#include "base/image.h"

#define MACHINE_MAX_SETS 16        /* --set variables of a run */
#define MACHINE_SET_SYMBOL_MAX 128 /* bytes of a --set symbol name, NUL included */

/* One --set SYMBOL=VALUE: a variable of the image given a value before reset. */
typedef struct MachineSet {
    char symbol[MACHINE_SET_SYMBOL_MAX];
    char text[32];         /* the value as given */
    uint64_t magnitude;
    bool negative;
} MachineSet;

typedef struct MachineOptions {
    const char *board;     /* name or path; NULL = choose from the image */
    uint64_t sram_bytes;   /* 0 = as the board says */
    uint64_t clock_hz;     /* 0 = as the board says */
    MachineSet set[MACHINE_MAX_SETS]; /* --set, in the order given */
    size_t nset;
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

/* The next item of a comma-separated list at *p into buf (leading spaces skipped), *p
 * advanced past it and its comma (NULL after the last item): 1 an item, 0 the end of
 * the list, -1 an empty item ("16K,,32K", "16K,", "") or one of n bytes or more. */
int options_list_next(const char **p, char *buf, size_t n);

/* A --set value: an integer (decimal or 0x hex, a leading '-' for a negative one) or
 * a size (24K, 1M: powers of 1024). 0, or -1 when it is neither. */
int machine_set_value_parse(const char *text, uint64_t *magnitude, bool *negative);

/* If argv[*i] is --set SYMBOL=VALUE[,SYMBOL=VALUE...] (or --set=...), add each to o
 * and return 1 (advancing *i past the value); 0 if it is another option; -1 after
 * printing an error (not SYMBOL=VALUE, a bad value, a symbol given twice, more than
 * MACHINE_MAX_SETS). */
int machine_set_option_parse(MachineOptions *o, int argc, char **argv, int *i);
void machine_set_usage(FILE *out);

/* The writes of o's --set values into img on board b (machine_resolve_write), each
 * said on stderr unless quiet. Prints the error and returns EXIT_USAGE when one cannot
 * be made; 0 on success, with o->nset writes in w. */
int machine_sets_resolve(const MachineOptions *o, const Image *img, const Board *b, bool quiet, MachineWrite *w);

/* Load the image and pick/adjust the board. On failure prints the one-line
 * error and returns the exit status (exitcode.h); 0 on success. Says which board
 * was chosen (on stderr, unless quiet) when none was given. */
int machine_setup(const MachineOptions *o, const char *elf_path, bool quiet, Image **img, Board **board);

#endif
