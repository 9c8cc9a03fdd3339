/* uart_nrf51.c: nRF51 UART0 (nRF51 Series Reference Manual v3.0, ch. 29), polled. */
#include "board.h"
#include "cortexm.h"

#define UART_BASE 0x40002000u
#define UART_STARTRX REG32(UART_BASE + 0x000)
#define UART_STARTTX REG32(UART_BASE + 0x008)
#define UART_RXDRDY REG32(UART_BASE + 0x108)
#define UART_TXDRDY REG32(UART_BASE + 0x11C)
#define UART_ENABLE REG32(UART_BASE + 0x500)
#define UART_PSELTXD REG32(UART_BASE + 0x50C)
#define UART_PSELRXD REG32(UART_BASE + 0x514)
#define UART_RXD REG32(UART_BASE + 0x518)
#define UART_TXD REG32(UART_BASE + 0x51C)
#define UART_BAUDRATE REG32(UART_BASE + 0x524)

void uart_init(void)
{
    UART_ENABLE = 4;
    UART_PSELTXD = 24;          /* micro:bit USB UART pins */
    UART_PSELRXD = 25;
    UART_BAUDRATE = 0x01D7E000; /* 115200 */
    UART_TXDRDY = 0;
    UART_RXDRDY = 0;
    UART_STARTTX = 1;
    UART_STARTRX = 1;
}

void uart_putc(char c)
{
    UART_TXD = (uint8_t)c;
    while (!UART_TXDRDY) {
    }
    UART_TXDRDY = 0;
}

int uart_getc(void)
{
    while (!UART_RXDRDY) {
    }
    UART_RXDRDY = 0;
    return (int)(UART_RXD & 0xFFu);
}
