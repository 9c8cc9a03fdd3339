/* machine.h: a board brought to life: scheduler, CPU, devices, semihosting, image. */
#ifndef BAREGC_MACHINE_H
#define BAREGC_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "sim/board.h"
#include "base/image.h"

/* A value put into guest memory after the image is loaded and before reset (--set):
 * `size` bytes of `value`, little-endian, at `addr`. */
typedef struct MachineWrite {
    uint32_t addr;       /* where the bytes go: the variable's load address */
    uint32_t run_addr;   /* the variable's own (run) address; != addr when the start-up
                          * code copies .data from addr to it */
    uint32_t size;       /* bytes: 1, 2, 4 or 8 */
    uint64_t value;      /* two's complement when negative */
} MachineWrite;

typedef struct MachineConfig {
    const Board *board;
    const Image *img;
    FILE *uart_out;     /* the console UART's output (NULL: discard) */
    int uart_in_fd;     /* the console UART's input (-1: none) */
    uint64_t max_cycles; /* 0 = no limit */
    bool keep_going;
    TraceSink trace;    /* where trace devices (ITM, gc-trace-port) send their writes */
    const MachineWrite *writes; /* applied in order after the image is loaded, before reset */
    size_t nwrites;
} MachineConfig;

typedef struct Machine Machine;

/* The write that gives the variable `symbol` the value `magnitude` (negated when
 * `negative`) before reset, for a board and an image that fits it (board_check_image).
 * The symbol must be a data object (not a function) of 1, 2, 4 or 8 bytes whose run
 * address is in a RAM of the board (SRAM or code RAM, not flash), inside the bytes a
 * writable loadable segment brings from the file (initialised data: .data, or the
 * writable data of an image that runs from RAM; not const data, whose value the
 * compiler may use without reading it). The bytes go where that segment is loaded: the
 * run address when it runs where it loads, else its load address (in flash), which the
 * firmware's start-up code copies to the run address. -1 with *err ("no symbol X in
 * the image", "X is a function", "X is in flash", "X is read-only data", "X is 12
 * bytes", "X is zero-initialised (.bss)", "X is in no loaded data", "300 does not fit
 * X (1 byte)"). */
int machine_resolve_write(const Board *b, const Image *img, const char *symbol, uint64_t magnitude, bool negative,
                          MachineWrite *w, char **err);

/* Errors: a device type the registry does not know, an IRQ out of range, an
 * image that cannot be placed... (message names the board and device). With img
 * NULL the machine is built with empty memories and not booted: what `baregc boards
 * FILE` does to check that a run could use the board. */
Machine *machine_new(const MachineConfig *cfg, char **err);
void machine_free(Machine *m);
void machine_run(Machine *m, CpuStop *stop);
/* Async-signal-safe: stop at the next block boundary (Ctrl-C). */
void machine_interrupt(Machine *m);

Cpu *machine_cpu(Machine *m);
/* The console UART's host end (for taps). */
CharDev *machine_console(Machine *m);
Sched *machine_sched(Machine *m);
/* The lowest legal stack address from the image's symbols (0 = none) and the
 * symbol it came from. */
uint32_t machine_stack_limit(const Machine *m, const char **symbol);

#endif
