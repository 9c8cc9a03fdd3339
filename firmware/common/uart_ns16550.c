/* uart_ns16550.c: NS16550A UART (QEMU virt, byte registers at 0x10000000), polled. */
#include "board.h"
#include "riscv.h"

#define UART_BASE 0x10000000u
#define UART_RBR REG8(UART_BASE + 0) /* read: receive buffer */
#define UART_THR REG8(UART_BASE + 0) /* write: transmit holding */
#define UART_IER REG8(UART_BASE + 1)
#define UART_FCR REG8(UART_BASE + 2)
#define UART_LCR REG8(UART_BASE + 3)
#define UART_LSR REG8(UART_BASE + 5) /* bit0 data ready, bit5 THR empty */

/* FCR is left alone: changing its FIFO-enable bit clears the FIFOs, which would drop
 * input that arrived before this point. */
void uart_init(void)
{
    UART_IER = 0;
    UART_LCR = 0x03;            /* 8N1 */
}

void uart_putc(char c)
{
    while (!(UART_LSR & 0x20u)) {
    }
    UART_THR = (uint8_t)c;
}

int uart_getc(void)
{
    while (!(UART_LSR & 0x01u)) {
    }
    return (int)UART_RBR;
}
