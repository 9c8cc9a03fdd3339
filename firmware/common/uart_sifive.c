/* uart_sifive.c: SiFive UART0 of the FE310 (sifive_e), polled. 32-bit accesses only. */
#include "board.h"
#include "riscv.h"

#define UART_BASE 0x10013000u
#define UART_TXDATA REG32(UART_BASE + 0x00) /* bit31 full */
#define UART_RXDATA REG32(UART_BASE + 0x04) /* bit31 empty */
#define UART_TXCTRL REG32(UART_BASE + 0x08) /* bit0 txen */
#define UART_RXCTRL REG32(UART_BASE + 0x0C) /* bit0 rxen */
#define UART_DIV REG32(UART_BASE + 0x18)

void uart_init(void)
{
    UART_DIV = BOARD_CPU_HZ / 115200 - 1;
    UART_TXCTRL = 1;
    UART_RXCTRL = 1;
}

void uart_putc(char c)
{
    while (UART_TXDATA & 0x80000000u) {
    }
    UART_TXDATA = (uint8_t)c;
}

int uart_getc(void)
{
    uint32_t v;

    do {
        v = UART_RXDATA;
    } while (v & 0x80000000u);
    return (int)(v & 0xFFu);
}
