/* semihost.h: ARM semihosting (also RISC-V's, which follows it): the host side of
 * the calls a firmware makes with `bkpt 0xab` or the RISC-V ebreak sequence. */
#ifndef BAREGC_SEMIHOST_H
#define BAREGC_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/sched.h"

/* Guest memory access for the calls' parameter blocks and results: 0, or -1 on a bad
 * address. `write` has the firmware's own permissions: where a store of the firmware's
 * would fault (flash, no memory) it writes nothing and returns -1, and the machine's
 * write also stops the run with that fault (cpu_mem_write). A call stops at its
 * first failed write and fails (EFAULT). */
typedef struct GuestMem {
    int (*read)(void *opaque, uint32_t addr, void *buf, size_t len);
    int (*write)(void *opaque, uint32_t addr, const void *buf, size_t len);
    void *opaque;
} GuestMem;

typedef struct SemihostConfig {
    FILE *out;          /* ":tt" opened for writing */
    FILE *err;          /* ":tt" opened for appending; SYS_WRITEC / SYS_WRITE0 (as QEMU does) */
    int in_fd;          /* ":tt" opened for reading; -1 = end of input */
    Sched *sched;       /* SYS_CLOCK / SYS_TIME / SYS_ELAPSED read simulated time */
    GuestMem mem;
    const char *cmdline;
    uint32_t heap_base, heap_limit, stack_base, stack_limit; /* SYS_HEAPINFO */
} SemihostConfig;

typedef struct Semihost Semihost;

Semihost *semihost_new(const SemihostConfig *cfg);
void semihost_free(Semihost *sh);
void semihost_set_mem(Semihost *sh, GuestMem mem);
/* The CpuSemihostFn of cpu/cpu.h (opaque = the Semihost): returns 0 to continue
 * with *result in r0/a0, or 1 when the firmware asked to exit (*result = status). */
int semihost_call(void *sh, uint32_t op, uint32_t param, uint32_t *result);

/* Operation numbers (Semihosting for AArch32 and AArch64, v3). */
enum {
    SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITEC = 0x03, SYS_WRITE0 = 0x04, SYS_WRITE = 0x05,
    SYS_READ = 0x06, SYS_READC = 0x07, SYS_ISERROR = 0x08, SYS_ISTTY = 0x09, SYS_SEEK = 0x0A,
    SYS_FLEN = 0x0C, SYS_TMPNAM = 0x0D, SYS_REMOVE = 0x0E, SYS_RENAME = 0x0F, SYS_CLOCK = 0x10,
    SYS_TIME = 0x11, SYS_SYSTEM = 0x12, SYS_ERRNO = 0x13, SYS_GET_CMDLINE = 0x15, SYS_HEAPINFO = 0x16,
    SYS_EXIT = 0x18, SYS_EXIT_EXTENDED = 0x20, SYS_ELAPSED = 0x30, SYS_TICKFREQ = 0x31,
};
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

#endif
