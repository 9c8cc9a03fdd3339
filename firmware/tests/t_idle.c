/* t_idle.c: sleep 10 seconds with WFI and a 10 Hz timer interrupt, then
 * "slept 100 ticks" and exit 0. Under a simulator this costs almost nothing (WFI skips
 * to the next event); under QEMU it takes 10 real seconds. */
#include "board.h"
#include "semihost.h"

#if defined(__riscv)
#include "riscv.h"
#define IRQ_OFF() csr_clear(mstatus, MSTATUS_MIE)
#define IRQ_ON() csr_set(mstatus, MSTATUS_MIE)
#else
#define IRQ_OFF() board_irq_disable()
#define IRQ_ON() board_irq_enable()
#endif

int main(void)
{
    uint32_t ticks;

    board_init();
    uart_puts("t-idle: sleeping\n");
    board_tick_start(10);
    /* Check and sleep with interrupts masked (a pending interrupt still ends the WFI),
     * so that no tick can slip in between the check and the WFI. */
    IRQ_OFF();
    while (board_ticks < 100) {
        board_wfi();
        IRQ_ON();
        __asm volatile("nop");
        IRQ_OFF();
    }
    ticks = board_ticks;
    board_tick_stop();
    IRQ_ON();
    uart_printf("slept %lu ticks\n", (unsigned long)ticks);
    return 0;
}
