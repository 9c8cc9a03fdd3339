/* cpu.h: the CPU as the rest of baregc sees it: memories, MMIO windows, run until a
 * stop. The only module that includes <unicorn/unicorn.h> is cpu/. */
#ifndef BAREGC_CPU_H
#define BAREGC_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/core.h"
#include "devices/device.h"
#include "base/sched.h"

typedef struct Cpu Cpu;
typedef struct Nvic Nvic;

enum { MEM_FLASH = 1, MEM_SRAM = 2 };

typedef struct CpuMemRegion {
    const char *name;
    uint32_t base;
    uint32_t size;   /* bytes the part has (as the board says) */
    uint32_t limit;  /* bytes mapped (--sram may shrink it); accesses in [base+limit, base+size) fault */
    int kind;        /* MEM_FLASH (read/execute; writes fault) or MEM_SRAM (read/write/execute) */
    /* NULL, or the name of another region whose bytes this one shows at base (a mirror:
     * one memory at two addresses); its size, limit and kind are then that region's. */
    const char *alias_of;
} CpuMemRegion;

/* An unimplemented region [base, base + size): reads return zero and writes are
 * ignored, each noted in the guest log (at most a few times per region); an
 * instruction fetch from it is an unmapped access. Memories and device windows inside
 * it take precedence. */
typedef struct CpuUnimpRegion {
    const char *name;
    uint32_t base;
    uint32_t size;   /* bytes */
} CpuUnimpRegion;

/* Why cpu_run returned. */
typedef enum StopReason {
    STOP_EXIT,          /* firmware exit (semihosting SYS_EXIT*): exit_code */
    STOP_RESET,         /* AIRCR.SYSRESETREQ: clean stop, exit_code 0 */
    STOP_UNMAPPED,      /* read/write/fetch outside every memory */
    STOP_SRAM_LIMIT,    /* access beyond the SRAM size given with --sram */
    STOP_FLASH_WRITE,   /* write to flash */
    STOP_STACK,         /* SP went below the stack limit */
    STOP_HARDFAULT,     /* HardFault / lockup (Cortex-M), unhandled trap (RISC-V) */
    STOP_BAD_INSN,      /* undefined / unsupported instruction */
    STOP_TIMEOUT,       /* --max-cycles / --max-time reached */
    STOP_DEADLOCK,      /* WFI with no event that could ever wake the core */
    STOP_INTERRUPTED,   /* host asked to stop (SIGINT) */
    STOP_INTERNAL,      /* Unicorn reported an error we cannot attribute */
    STOP_DEBUG,         /* stopped for the debugger (cpu/debug.h): cpu_run continues */
} StopReason;

typedef struct CpuStop {
    StopReason reason;
    int exit_code;      /* STOP_EXIT */
    uint32_t pc;        /* PC of the faulting/last instruction */
    uint32_t sp;
    uint32_t lr;        /* return address register (LR / ra) */
    uint32_t addr;      /* faulting data address (memory faults, stack) */
    uint32_t size;      /* access size in bytes */
    char access;        /* 'r', 'w', 'x' (fetch) or 0 */
    char detail[160];   /* human detail, e.g. "HardFault: escalated UsageFault (UNDEFINSTR)" */
    int debug;          /* STOP_DEBUG: what stopped it (CpuDebugCause, cpu/debug.h) */
} CpuStop;

/* Semihosting: called with the operation and parameter registers; returns 0 to
 * continue (with *result put in r0/a0) or 1 when the firmware asked to exit
 * (*result = exit status). */
typedef int (*CpuSemihostFn)(void *opaque, uint32_t op, uint32_t param, uint32_t *result);

typedef struct CpuConfig {
    CoreModel core;
    Sched *sched;                /* time base; cpu advances sched->now */
    const CpuMemRegion *mem;     /* copied */
    size_t nmem;
    const CpuUnimpRegion *unimp; /* unimplemented regions (copied) */
    size_t nunimp;
    uint32_t boot_addr;          /* Cortex-M: vector table address; RISC-V: entry point */
    uint32_t stack_limit;        /* lowest legal SP (0 = no check) */
    uint64_t max_cycles;         /* 0 = unlimited */
    bool keep_going;             /* deliver faults to the firmware where possible */
    Nvic *nvic;                  /* Cortex-M: the exception controller */
} CpuConfig;

Cpu *cpu_new(const CpuConfig *cfg, char **err);
void cpu_free(Cpu *c);

/* A device register window (any alignment; the CPU maps whole 4 KiB pages and
 * dispatches within them, first registered window first). */
int cpu_map_device(Cpu *c, uint32_t base, uint32_t size, const DeviceClass *cls, void *dev, char **err);
/* Map the windows registered so far (cpu_boot does it first, once); after it no
 * window can be added. */
int cpu_map_devices(Cpu *c, char **err);

/* Write image bytes into memory (flash included). -1 if outside every memory. */
int cpu_load(Cpu *c, uint32_t addr, const void *data, size_t len, char **err);
int cpu_mem_read(Cpu *c, uint32_t addr, void *buf, size_t len);
/* A write the host makes for the firmware (semihosting), with the firmware's own
 * permissions: where one of its stores would fault (flash, beyond --sram, no memory
 * and no device), nothing is written, the run stops with that fault (as the store
 * would stop it) and -1 is returned. Device registers take the bytes as stores. */
int cpu_mem_write(Cpu *c, uint32_t addr, const void *buf, size_t len);

/* Set after creation, once the semihosting host or the CLINT exist. The
 * RISC-V machine timer (CLINT mtime) serves `rdtime` reads. */
void cpu_set_semihost(Cpu *c, CpuSemihostFn fn, void *opaque);
void cpu_set_rv_mtime(Cpu *c, uint64_t (*fn)(void *opaque), void *opaque);

/* RISC-V local interrupt lines (mip bit numbers: 3 MSIP, 7 MTIP, 11 MEIP). */
IrqLine cpu_local_irq(Cpu *c, int mip_bit);

/* Reset (Cortex-M: SP and PC from the vector table at boot_addr) and run until a
 * stop. May be called again after STOP_INTERRUPTED to continue, and after STOP_DEBUG
 * (cpu/debug.h) to continue exactly where the run stopped. */
int cpu_boot(Cpu *c, char **err);
void cpu_run(Cpu *c, CpuStop *stop);
/* Look for a deliverable interrupt at the next block boundary (called by
 * interrupt controllers when their pending state changes). */
void cpu_request_irq_check(Cpu *c);
/* Async-signal-safe: make cpu_run return STOP_INTERRUPTED at the next block. */
void cpu_request_interrupt(Cpu *c);
/* Stop at the next block boundary with reason (used by SYSRESETREQ). */
void cpu_request_stop(Cpu *c, StopReason reason, int exit_code);

uint64_t cpu_instructions(const Cpu *c);
/* Short name of a stop reason ("unmapped access", "timeout", ...). */
const char *cpu_stop_name(StopReason r);
uint32_t cpu_pc(Cpu *c);
uint32_t cpu_sp(Cpu *c);

/* ---- Observation (gc/ uses these). Set up before cpu_boot. ---- */

/* Called at the first instruction of the function at `addr` when it is entered by
 * a call or a jump from elsewhere (not when its own code loops back to its first
 * instruction). Simulated time is the time of entry. */
typedef void (*CpuEntryHook)(Cpu *c, void *opaque, uint32_t cookie);
/* Hook entries of the function at [addr, addr + size) (size 0: one instruction). */
void cpu_hook_entry(Cpu *c, uint32_t addr, uint32_t size, CpuEntryHook fn, void *opaque, uint32_t cookie);

typedef struct CpuObserver {
    /* A watched call (cpu_watch_return) returned; retval = r0 / a0. */
    void (*returned)(void *opaque, uint32_t cookie, uint32_t retval);
    /* An asynchronous interrupt is entered: `irq` = exception number (Cortex-M) or
     * mcause code (RISC-V); `pending` = the cycle it became pending. */
    void (*irq_entry)(void *opaque, uint16_t irq, uint64_t pending);
    void *opaque;
} CpuObserver;
void cpu_set_observer(Cpu *c, const CpuObserver *obs);

/* From an entry hook: call obs.returned(cookie) when this call returns to its
 * caller (matched on the shadow call stack, so recursion cannot confuse it). */
void cpu_watch_return(Cpu *c, uint32_t cookie);
/* Argument register n (r0-r3 / a0-a7) and the return address (LR / ra). */
uint32_t cpu_arg(Cpu *c, int n);
uint32_t cpu_return_address(Cpu *c);
/* The shadow call stack kept at block granularity: the current PC, then the
 * return addresses of the active calls and exceptions, innermost first: each one an
 * address whose preceding byte is in the instruction its frame is at (an
 * interrupt's frame is the interrupted PC + 2, as that instruction had not run).
 * Returns the number written (at most max). The current PC is the
 * start of the block that runs (or last ran), and the frames are those it runs in:
 * from a scheduler event (a CPU sample), the block whose cycles reached the event's
 * time and its stack before its own call or return; from an entry hook or a device
 * access, the block at hand. Exception entry is charged to the handler. */
size_t cpu_backtrace(Cpu *c, uint32_t *out, size_t max);
/* The same without the current PC: the return addresses alone, innermost first. */
size_t cpu_callers(const Cpu *c, uint32_t *out, size_t max);
/* Lowest stack pointer seen at block boundaries (the stack high-water mark). */
uint32_t cpu_min_sp(const Cpu *c);
uint64_t cpu_now(const Cpu *c); /* cycles */

#endif
