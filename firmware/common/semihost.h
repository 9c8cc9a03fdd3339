/* semihost.h: ARM/RISC-V semihosting calls (exit status, side-channel console, host clock). */
#ifndef FW_SEMIHOST_H
#define FW_SEMIHOST_H

#include <stddef.h>
#include <stdint.h>

/* Operation numbers (ARM "Semihosting for AArch32 and AArch64", v2.0; RISC-V uses the same). */
enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITEC = 0x03,
    SYS_WRITE0 = 0x04,
    SYS_WRITE = 0x05,
    SYS_READ = 0x06,
    SYS_READC = 0x07,
    SYS_CLOCK = 0x10,
    SYS_TIME = 0x11,
    SYS_ERRNO = 0x13,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
    SYS_ELAPSED = 0x30,
    SYS_TICKFREQ = 0x31,
};

/* SYS_EXIT reason codes. */
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

/* SYS_OPEN modes (ISO C fopen modes in the spec's order): ":tt" with "r" is stdin,
 * with "w" stdout, with "a" stderr. */
enum { SH_MODE_R = 0, SH_MODE_W = 4, SH_MODE_A = 8 };

/* The raw trap: ARM `bkpt 0xab` (r0 = op, r1 = param), RISC-V `slli x0,x0,0x1f;
 * ebreak; srai x0,x0,7` (a0 = op, a1 = param). Returns r0/a0. In semihost_call.S. */
uint32_t sh_call(uint32_t op, uintptr_t param);

void sh_writec(char c);
void sh_write0(const char *s);
/* printf to the semihosting console (SYS_WRITE0), at most 159 characters a call. */
void sh_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Returns a handle, or -1. */
int sh_open(const char *name, int mode);
/* Returns the number of bytes NOT written (0 = all written). */
uint32_t sh_write(int handle, const void *buf, size_t len);
/* Centiseconds since the program started, or -1. */
int32_t sh_clock(void);
/* Ticks since an arbitrary start into *ticks; 0 on success, -1 if unsupported. */
int sh_elapsed(uint64_t *ticks);
/* SYS_EXIT_EXTENDED with ADP_Stopped_ApplicationExit and `status`; never returns. */
void sh_exit(int status) __attribute__((noreturn));

#endif
