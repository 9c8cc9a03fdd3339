/* cortexm.c: the board layer on Cortex-M: SysTick tick, cycle counter (DWT CYCCNT on
 * ARMv7-M, SysTick-derived on ARMv6-M), interrupt masking and WFI. */
#include "board.h"
#include "cortexm.h"

volatile uint32_t board_ticks;
void (*volatile board_tick_hook)(void);
static uint32_t tick_period; /* cycles per SysTick period (reload + 1) */

void board_init(void)
{
    uart_init();
#if !defined(BOARD_BARE) && __ARM_ARCH >= 7
    DEMCR |= 1u << 24;          /* TRCENA: turn on the DWT */
    DWT_CYCCNT = 0;
    DWT_CTRL |= 1u;             /* CYCCNTENA */
#endif
}

void board_tick_start(uint32_t hz)
{
    tick_period = (BOARD_CPU_HZ + hz - 1) / hz;        /* rounded up: never a short period */
    board_ticks = 0;
    SYST_CSR = 0;
    SYST_RVR = tick_period - 1;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
}

void board_tick_stop(void)
{
    SYST_CSR = 0;
    SCB_ICSR = 1u << 25;        /* PENDSTCLR */
}

/* The board tick; a firmware that wants more hooks board_tick_hook. */
void SysTick_Handler(void)
{
    void (*hook)(void) = board_tick_hook;

    board_ticks++;
    if (hook)
        hook();
}

uint32_t board_cycles(void)
{
#if defined(BOARD_BARE)
    return 0;
#elif __ARM_ARCH >= 7
    return DWT_CYCCNT;
#else
    /* ARMv6-M has no cycle counter: whole SysTick periods plus the elapsed part of the
     * current one. A wrap whose interrupt is still pending (masked, or in a handler)
     * counts as one more period. */
    uint32_t t1, t2, val, pend;

    if (!(SYST_CSR & SYST_CSR_ENABLE) || tick_period == 0)
        return 0;
    do {
        t1 = board_ticks;
        val = SYST_CVR;
        pend = SCB_ICSR & SCB_ICSR_PENDSTSET;
        t2 = board_ticks;
    } while (t1 != t2);
    if (pend && val > tick_period / 2)
        t1++;
    return t1 * tick_period + (tick_period - 1 - val);
#endif
}

void board_irq_enable(void)
{
    __asm volatile("cpsie i" ::: "memory");
}

void board_irq_disable(void)
{
    __asm volatile("cpsid i" ::: "memory");
}

void board_wfi(void)
{
    __asm volatile("wfi" ::: "memory");
}
