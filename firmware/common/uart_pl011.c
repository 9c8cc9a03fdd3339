/* uart_pl011.c: ARM PrimeCell UART PL011 (ARM DDI0183), polled: the Stellaris
 * LM3S6965's UART0. */
#include "board.h"
#include "cortexm.h"

#define UART_BASE 0x4000C000u
#define UART_DR REG32(UART_BASE + 0x000)
#define UART_FR REG32(UART_BASE + 0x018)   /* bit4 RXFE, bit5 TXFF */
#define UART_IBRD REG32(UART_BASE + 0x024)
#define UART_FBRD REG32(UART_BASE + 0x028)
#define UART_LCRH REG32(UART_BASE + 0x02C)
#define UART_CR REG32(UART_BASE + 0x030)   /* bit0 UARTEN, bit8 TXE, bit9 RXE */

void uart_init(void)
{
    /* 115200 baud: BAUDDIV = UARTCLK / (16 * 115200), 6 fraction bits */
    uint32_t div64 = (4u * BOARD_CPU_HZ + 115200u / 2) / 115200u;

    UART_CR = 0;
    UART_IBRD = div64 >> 6;
    UART_FBRD = div64 & 0x3F;
    UART_LCRH = 3u << 5;             /* 8 data bits, no FIFO */
    UART_CR = (1u << 9) | (1u << 8) | 1u;
}

void uart_putc(char c)
{
#if !defined(BOARD_BARE)
    while (UART_FR & (1u << 5)) {
    }
#endif
    UART_DR = (uint8_t)c;
}

int uart_getc(void)
{
    while (UART_FR & (1u << 4)) {
    }
    return (int)(UART_DR & 0xFFu);
}
