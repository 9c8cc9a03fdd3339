/* riscv.c: the board layer on RV32: CLINT machine-timer tick, mcycle, interrupt
 * masking, WFI, and the default trap handler. */
#include "board.h"
#include "riscv.h"
#include "semihost.h"

#ifndef BOARD_MTIME_HZ
#error "BOARD_MTIME_HZ (the CLINT mtime rate) must be defined by the build"
#endif

volatile uint32_t board_ticks;
void (*volatile board_tick_hook)(void);
static uint32_t tick_interval;   /* mtime units per tick */
static uint64_t tick_next;       /* mtime of the next tick */

void board_init(void)
{
    uart_init();
}

void board_tick_start(uint32_t hz)
{
    tick_interval = (BOARD_MTIME_HZ + hz - 1) / hz;   /* rounded up: never a short period */
    if (tick_interval == 0)
        tick_interval = 1;
    board_ticks = 0;
    tick_next = clint_mtime() + tick_interval;
    clint_set_mtimecmp(tick_next);
    csr_set(mie, MIE_MTIE);
    csr_set(mstatus, MSTATUS_MIE);
}

void board_tick_stop(void)
{
    csr_clear(mie, MIE_MTIE);
    clint_set_mtimecmp(UINT64_MAX);
}

int board_handle_trap(uint32_t mcause)
{
    void (*hook)(void);
    uint64_t now;

    if (mcause != MCAUSE_MTI)
        return 0;
    tick_next += tick_interval;
    now = clint_mtime();
    if ((int64_t)(tick_next - now) <= 0)
        tick_next = now + tick_interval;    /* late (slow host, long masking): skip ahead */
    clint_set_mtimecmp(tick_next);
    board_ticks++;
    hook = board_tick_hook;
    if (hook)
        hook();
    return 1;
}

__attribute__((weak)) uint32_t trap_handler(uint32_t mcause, uint32_t mepc, uint32_t *frame)
{
    (void)frame;
    if (board_handle_trap(mcause))
        return mepc;
    uart_printf("unhandled trap mcause %lu mepc 0x%08lx\n", (unsigned long)mcause,
                (unsigned long)mepc);
    sh_exit(63);
}

uint32_t board_cycles(void)
{
    return csr_read(mcycle);
}

void board_irq_enable(void)
{
    csr_set(mstatus, MSTATUS_MIE);
}

void board_irq_disable(void)
{
    csr_clear(mstatus, MSTATUS_MIE);
}

void board_wfi(void)
{
    __asm volatile("wfi" ::: "memory");
}
