/* session.h: one recorded run of a firmware image, shared by the commands that run
 * one (run, check, tui, view): the run options, the machine, the GC runtime adapter
 * and observer, the recording, and the files written at the end. */
#ifndef BAREGC_SESSION_H
#define BAREGC_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "gc/record.h"
#include "sim/machine.h"
#include "sim/options.h"

typedef struct SessionOptions {
    MachineOptions mo;
    const char *elf;
    const char *uart_out;        /* NULL: stdout (or the pty) */
    const char *uart_in;         /* NULL: stdin (or the pty) */
    bool uart_pty;               /* --uart pty: the console UART on a new pseudo-terminal */
    uint64_t max_cycles;         /* 0 = none */
    uint64_t max_time_ns;        /* 0 = none */
    bool quiet;
    bool keep_going;
    const char *out_dir;         /* --out: write the outputs here */
    const char *gc_runtime;      /* --gc-runtime NAME ("none": do not observe a collector) */
    const char *gc_profile;      /* --gc-profile FILE */
    uint64_t cpu_sample_cycles;  /* --cpu-sample-cycles (0 = default) */
    uint64_t heap_sample_ns;     /* --heap-sample (0 = default) */
    GdbOptions gdb;              /* --gdb ... (run only; .on false: no debugger) */
} SessionOptions;

/* Parse one option at argv[*i] (advancing past its value): 1 consumed, 0 not a
 * session option, -1 bad value (message printed). `cmd` names the subcommand in
 * messages. */
int session_parse_option(SessionOptions *o, const char *cmd, int argc, char **argv, int *i);
void session_usage(FILE *out);

typedef struct Session Session;

/* Catch the stop signals; load, set up the board, the machine and the observer. NULL
 * with *rc set to the exit status (message printed). */
Session *session_open(const SessionOptions *o, int *rc);
/* Run to the end (or a stop). A stop signal (SIGINT, SIGTERM, SIGHUP, SIGPIPE:
 * base/stopsig.h, caught from session_open on) stops it cleanly (STOP_INTERRUPTED),
 * also one that came before the run began. With --gdb, under the debugger
 * (sim/gdbstub.h): the run goes on to its end after the debugger detaches. */
void session_run(Session *s);
/* After the run: close the recording, print the fault report and summary (unless
 * quiet), write --out files. Returns the exit status. */
int session_finish(Session *s);
void session_close(Session *s);

/* Front ends (tui, view): called at the end of every pause, and every `cycles` of
 * simulated time (a background tick: it never wakes a sleeping core). Both run at a
 * block boundary inside session_run; they may draw, read keys, wait for the user,
 * or call session_interrupt. Simulated behaviour does not depend on them. */
void session_on_pause_end(Session *s, void (*fn)(void *opaque, size_t pause), void *opaque);
void session_on_tick(Session *s, uint64_t cycles, void (*fn)(void *opaque), void *opaque);
/* The console UART's current unfinished line (complete lines are "uart" instants). */
const char *session_uart_partial(Session *s);

Recording *session_recording(Session *s);
Machine *session_machine(Session *s);
const Image *session_image(Session *s);
const Board *session_board(Session *s);
/* Async-signal-safe: stop at the next block (Ctrl-C). */
void session_interrupt(Session *s);

#endif
