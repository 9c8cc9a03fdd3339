/* console.c: string and formatted output on the console UART (picolibc's vsnprintf). */
#include <stdarg.h>
#include <stdio.h>

#include "board.h"

void uart_puts(const char *s)
{
    while (*s)
        uart_putc(*s++);
}

void uart_printf(const char *fmt, ...)
{
    char buf[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    uart_puts(buf);
}
