/* debug.h: the CPU as a debugger sees it: breakpoints, watchpoints, single steps and
 * stops on request, registers by the debugger's numbers, memory without side effects.
 * A run stopped for the debugger (STOP_DEBUG) continues exactly where it stopped: with
 * no register or memory changed in between, it records what an undebugged run does.
 * Nothing here costs anything until it is first used. */
#ifndef BAREGC_CPU_DEBUG_H
#define BAREGC_CPU_DEBUG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/cpu.h"

/* What stopped a run with STOP_DEBUG (CpuStop.debug). */
typedef enum CpuDebugCause {
    CPU_DEBUG_REQUEST,   /* cpu_debug_request_stop */
    CPU_DEBUG_BREAK,     /* a breakpoint at CpuStop.pc */
    CPU_DEBUG_HWBREAK,   /* one inserted as a hardware breakpoint */
    CPU_DEBUG_WATCH,     /* a watchpoint: the instruction before CpuStop.pc accessed
                            CpuStop.addr (CpuStop.access 'w', 'r', or 'a' for an access
                            watchpoint) */
    CPU_DEBUG_STEP,      /* one instruction ran (or an exception handler was entered) */
} CpuDebugCause;

typedef enum CpuWatchKind { CPU_WATCH_WRITE = 1, CPU_WATCH_READ = 2, CPU_WATCH_ACCESS = 3 } CpuWatchKind;

/* Breakpoints and watchpoints are changed only while the CPU is not running (between
 * cpu_run calls). A breakpoint stops before the instruction at addr runs; a watchpoint
 * after the instruction that read or wrote a byte of [addr, addr + len) (Thumb: addr
 * with bit 0 clear). Each insertion is counted: a removal takes back one. Return 0, or
 * -1 when there is no such breakpoint or watchpoint to remove, or len is 0. While a
 * watchpoint is set every instruction is hooked (the stop is exact): the run is
 * several times slower. */
int cpu_debug_break_insert(Cpu *c, uint32_t addr, bool hw);
int cpu_debug_break_remove(Cpu *c, uint32_t addr, bool hw);
int cpu_debug_watch_insert(Cpu *c, uint32_t addr, uint32_t len, CpuWatchKind kind);
int cpu_debug_watch_remove(Cpu *c, uint32_t addr, uint32_t len, CpuWatchKind kind);
/* Remove every breakpoint and watchpoint and cancel a step or a request (detach). */
void cpu_debug_clear(Cpu *c);
/* The next cpu_run runs one instruction (or enters an exception handler that is due
 * first) and stops with CPU_DEBUG_STEP. */
void cpu_debug_step(Cpu *c);
/* Stop with CPU_DEBUG_REQUEST at the next block boundary. For callbacks that run
 * inside cpu_run (scheduler events, observers) and before it. */
void cpu_debug_request_stop(Cpu *c);
/* Async-signal-safe cpu_request_interrupt has been called and not yet acted on. */
bool cpu_interrupt_pending(const Cpu *c);

/* Registers, numbered as the debugger numbers them (the architecture's table in
 * cortexm.c, riscv.c; registers the core lacks are left out): grouped in target
 * description features, the core feature first. */
typedef struct CpuRegInfo {
    const char *name;     /* "r0", "sp", "mstatus" ... */
    const char *feature;  /* "org.gnu.gdb.arm.m-profile" ... */
    const char *type;     /* "int", "code_ptr", "data_ptr" */
    const char *group;    /* register group, NULL: the debugger's default */
    unsigned bits;        /* 32 */
} CpuRegInfo;

/* The debugger's name of the architecture ("arm", "riscv:rv32"). */
const char *cpu_debug_arch(const Cpu *c);
size_t cpu_debug_reg_count(Cpu *c);
/* NULL when n is out of range. */
const CpuRegInfo *cpu_debug_reg_info(Cpu *c, size_t n);
/* 0, or -1 when n is out of range or (writes) the register is read-only. A write
 * takes effect when the run continues (PC: it continues there). */
int cpu_debug_reg_read(Cpu *c, size_t n, uint32_t *v);
int cpu_debug_reg_write(Cpu *c, size_t n, uint32_t v);

/* Memory as a debugger reads and writes it: the board's memories only (flash as well,
 * up to the --sram limit), never device registers (a read there would have side
 * effects). 0, or -1 when a byte of the range lies outside them (nothing is written
 * then). A write drops code translated from the bytes it changes. */
int cpu_debug_mem_read(Cpu *c, uint32_t addr, void *buf, size_t len);
int cpu_debug_mem_write(Cpu *c, uint32_t addr, const void *buf, size_t len);

#endif
