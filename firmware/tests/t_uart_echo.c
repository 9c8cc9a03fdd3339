/* t_uart_echo.c: read bytes from the console UART up to a newline, echo them back
 * uppercased, exit 0. Run with the input from a file (tests/expected/t-uart-echo.in).
 * A 100 Hz tick runs while it waits: QEMU re-polls a character backend that a UART
 * once refused (receiver not yet enabled) only when its main loop wakes up, and the
 * timer wakes it. */
#include "board.h"

int main(void)
{
    char line[128];
    unsigned n = 0;
    int c;

    board_init();
    board_tick_start(100);
    uart_puts("echo: ready\n");
    while ((c = uart_getc()) != '\n') {
        if (n < sizeof line - 1)
            line[n++] = (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    }
    line[n] = 0;
    board_tick_stop();
    uart_printf("%s\n", line);
    uart_printf("echo: %u bytes\n", n);
    return 0;
}
