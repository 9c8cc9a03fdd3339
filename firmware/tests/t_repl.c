/* t_repl.c: a line REPL on the console UART, as an interactive firmware drives it: a
 * prompt with no newline, then a line read up to \n (\r is ignored), answered with the
 * line uppercased and its number, until the line "quit": then "bye", exit 0 through
 * semihosting. Waiting for input: on mps2-an385 it polls the UART's status register
 * (as MicroPython's REPL does); on virt-rv32 it sleeps in WFI with the UART's receive
 * interrupt enabled at the PLIC and interrupts masked (mstatus.MIE clear), so only
 * input can wake it. Nothing timing-dependent is printed. On mps2-an385 a 100 Hz tick
 * runs as well: QEMU offers a UART that once refused a byte the input again only when
 * its main loop wakes up (see t_uart_echo.c). */
#include <string.h>

#include "board.h"

#if defined(__riscv)
#include "riscv.h"

#define NS16550_IER REG8(0x10000001u)
#define NS16550_LSR REG8(0x10000005u) /* bit0 data ready */
#define PLIC_PRIORITY(src) REG32(0x0C000000u + 4u * (src))
#define PLIC_ENABLE REG32(0x0C002000u) /* sources 0-31, hart 0 machine mode */
#define PLIC_THRESHOLD REG32(0x0C200000u)
#define UART_SOURCE 10u

/* The UART's receive interrupt reaches MEIP; with mstatus.MIE clear WFI wakes on it
 * without a trap. The PLIC withdraws the source when reading RBR lowers the line. */
static void wait_init(void)
{
    PLIC_PRIORITY(UART_SOURCE) = 1;
    PLIC_ENABLE = 1u << UART_SOURCE;
    PLIC_THRESHOLD = 0;
    NS16550_IER = 1; /* received data available */
    csr_set(mie, MIE_MEIE);
}

static int read_byte(void)
{
    while (!(NS16550_LSR & 1u))
        board_wfi();
    return uart_getc();
}
#else
static void wait_init(void) { board_tick_start(100); }
static int read_byte(void) { return uart_getc(); }
#endif

int main(void)
{
    char line[80];
    unsigned n, lines = 0;

    board_init();
    wait_init();
    uart_puts("repl: ready\n");
    for (;;) {
        uart_puts("> ");
        n = 0;
        for (int c; (c = read_byte()) != '\n';) {
            if (c != '\r' && n < sizeof line - 1)
                line[n++] = (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
        }
        line[n] = 0;
        if (!strcmp(line, "QUIT"))
            break;
        uart_printf("%u: %s\n", ++lines, line);
    }
    uart_printf("bye after %u lines\n", lines);
    return 0;
}
