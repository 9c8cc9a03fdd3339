/* semihost.c: semihosting helpers on top of sh_call (side channel and exit; never the UART). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "semihost.h"

void sh_writec(char c)
{
    char ch = c;
    sh_call(SYS_WRITEC, (uintptr_t)&ch);
}

void sh_write0(const char *s)
{
    sh_call(SYS_WRITE0, (uintptr_t)s);
}

void sh_printf(const char *fmt, ...)
{
    char buf[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    sh_write0(buf);
}

int sh_open(const char *name, int mode)
{
    uint32_t block[3] = { (uint32_t)(uintptr_t)name, (uint32_t)mode, (uint32_t)strlen(name) };
    return (int)sh_call(SYS_OPEN, (uintptr_t)block);
}

uint32_t sh_write(int handle, const void *buf, size_t len)
{
    uint32_t block[3] = { (uint32_t)handle, (uint32_t)(uintptr_t)buf, (uint32_t)len };
    return sh_call(SYS_WRITE, (uintptr_t)block);
}

int32_t sh_clock(void)
{
    return (int32_t)sh_call(SYS_CLOCK, 0);
}

int sh_elapsed(uint64_t *ticks)
{
    uint32_t block[2] = { 0, 0 };
    if ((int32_t)sh_call(SYS_ELAPSED, (uintptr_t)block) != 0)
        return -1;
    *ticks = (uint64_t)block[1] << 32 | block[0];
    return 0;
}

void sh_exit(int status)
{
    uint32_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status };
    sh_call(SYS_EXIT_EXTENDED, (uintptr_t)block);
    /* A host without SYS_EXIT_EXTENDED: fall back to plain SYS_EXIT (status lost). */
    sh_call(SYS_EXIT, ADP_STOPPED_APPLICATION_EXIT);
    for (;;) {
    }
}
