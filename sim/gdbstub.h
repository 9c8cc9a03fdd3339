/* gdbstub.h: a GDB remote serial protocol server for one run (`baregc run --gdb`), as
 * gdb-multiarch and arm-none-eabi-gdb speak it to QEMU's `-s -S`: registers from a
 * target description, memory, software and hardware breakpoints, watchpoints, steps,
 * Ctrl-C, detach; `monitor gc` and `monitor heap` read the collector's state. One client
 * at a time; after a detach the run goes on and another may attach. Simulated time
 * stands still while the firmware is stopped, so a debugged run records what an
 * undebugged one does. */
#ifndef BAREGC_GDBSTUB_H
#define BAREGC_GDBSTUB_H

#include <stdbool.h>

#include "gc/observe.h"
#include "gc/record.h"
#include "gc/runtime.h"
#include "sim/machine.h"
#include "sim/options.h"

typedef struct GdbStubConfig {
    const GdbOptions *opt;  /* --gdb, --gdb-wait, --gdb-break-budget */
    Machine *m;
    Recording *rec;         /* the run's pauses (monitor gc) */
    GcRuntime *rt;          /* the collector's adapter (monitor heap); NULL: none */
    GcObserver *obs;        /* where pauses end (--gdb-break-budget) */
} GdbStubConfig;

typedef struct GdbStub GdbStub;

/* Listen on the address of --gdb (and read the budget file). NULL with *err and *rc
 * set: EXIT_NO_INPUT for a budget file that cannot be read or parsed, EXIT_USAGE for
 * one without max_pause_us, EXIT_IO when the address cannot be resolved or listened on. */
GdbStub *gdbstub_new(const GdbStubConfig *cfg, int *rc, char **err);
/* Run the machine to its end under the debugger (the run's last stop in *stop, never
 * STOP_DEBUG). Returns the host seconds the firmware spent stopped in the debugger. */
double gdbstub_run(GdbStub *g, CpuStop *stop);
void gdbstub_free(GdbStub *g);

#endif
