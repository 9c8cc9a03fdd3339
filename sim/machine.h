/* machine.h: a board brought to life: scheduler, CPU, devices, semihosting, image. */
#ifndef BAREGC_MACHINE_H
#define BAREGC_MACHINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cpu.h"
#include "sim/board.h"
#include "base/image.h"

typedef struct MachineConfig {
    const Board *board;
    const Image *img;
    FILE *uart_out;     /* the console UART's output (NULL: discard) */
    int uart_in_fd;     /* the console UART's input (-1: none) */
    uint64_t max_cycles; /* 0 = no limit */
    bool keep_going;
    TraceSink trace;    /* where trace devices (ITM, gc-trace-port) send their writes */
} MachineConfig;

typedef struct Machine Machine;

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
