/* uart_cmsdk.c: ARM CMSDK APB UART (ARM DDI0479C), polled: the MPS2 boards' UART0. */
#include "board.h"
#include "cortexm.h"

#define UART_BASE 0x40004000u
#define UART_DATA REG32(UART_BASE + 0x00)
#define UART_STATE REG32(UART_BASE + 0x04) /* bit0 TX full, bit1 RX full */
#define UART_CTRL REG32(UART_BASE + 0x08)  /* bit0 TX enable, bit1 RX enable */
#define UART_BAUDDIV REG32(UART_BASE + 0x10)

void uart_init(void)
{
    UART_BAUDDIV = BOARD_CPU_HZ / 115200;   /* >= 16, else QEMU will not transmit */
    UART_CTRL = 3;
}

void uart_putc(char c)
{
#if !defined(BOARD_BARE)
    while (UART_STATE & 1u) {
    }
#endif
    UART_DATA = (uint8_t)c;
}

int uart_getc(void)
{
    while (!(UART_STATE & 2u)) {
    }
    return (int)(UART_DATA & 0xFFu);
}
