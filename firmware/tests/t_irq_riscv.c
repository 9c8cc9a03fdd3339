/* t_irq_riscv.c: RV32 machine-mode traps: CLINT timer and software (msip) interrupts,
 * mtvec direct and vectored modes, ecall (mcause 11, mepc advanced by the handler),
 * mret, WFI woken by the timer (with and without mstatus.MIE), mcycle/minstret.
 * One "PASS name" / "FAIL name" line per check; exit 0 when all pass, else 1. */
#include <stdint.h>

#include "board.h"
#include "riscv.h"
#include "semihost.h"

static volatile uint32_t last_cause;
static volatile int timer_hits, msip_hits, ecall_hits, other_hits;
static volatile int vec_hits[8];
static int failures;

void vec_table(void);
uint32_t vec_dispatch(uint32_t slot, uint32_t mcause, uint32_t mepc);

static void check(const char *name, int ok)
{
    if (ok) {
        uart_printf("PASS %s\n", name);
    } else {
        failures++;
        uart_printf("FAIL %s (last mcause 0x%08lx)\n", name, (unsigned long)last_cause);
    }
}

static void timer_in(uint32_t mtime_units)
{
    clint_set_mtimecmp(clint_mtime() + mtime_units);
}

/* Direct mode: everything arrives here (through trap_entry in crt0_riscv.S). */
uint32_t trap_handler(uint32_t mcause, uint32_t mepc, uint32_t *frame)
{
    last_cause = mcause;
    switch (mcause) {
    case MCAUSE_MTI:
        timer_hits++;
        clint_set_mtimecmp(UINT64_MAX);
        return mepc;
    case MCAUSE_MSI:
        msip_hits++;
        CLINT_MSIP = 0;
        return mepc;
    case MCAUSE_ECALL_M:
        ecall_hits++;
        frame[TF_A0] = frame[TF_A0] * 3;
        return mepc + 4;            /* ecall is always 4 bytes */
    default:
        other_hits++;
        uart_printf("unexpected trap mcause 0x%08lx mepc 0x%08lx\n", (unsigned long)mcause,
                    (unsigned long)mepc);
        sh_exit(1);
    }
}

/* Vectored mode. */
uint32_t vec_dispatch(uint32_t slot, uint32_t mcause, uint32_t mepc)
{
    last_cause = mcause;
    if (slot < 8)
        vec_hits[slot]++;
    switch (slot) {
    case 3:
        CLINT_MSIP = 0;
        return mepc;
    case 7:
        clint_set_mtimecmp(UINT64_MAX);
        return mepc;
    case 0:
        return mcause == MCAUSE_ECALL_M ? mepc + 4 : mepc;
    default:
        uart_printf("unexpected vectored trap slot %lu mcause 0x%08lx\n", (unsigned long)slot,
                    (unsigned long)mcause);
        sh_exit(1);
    }
}

static uint32_t do_ecall(uint32_t x)
{
    register uint32_t a0 __asm("a0") = x;
    __asm volatile("ecall" : "+r"(a0) : : "memory");
    return a0;
}

/* Sleep until *counter reaches value, without the lost-wake-up race: the check and
 * the WFI happen with mstatus.MIE clear (a pending interrupt still ends the WFI), and
 * the interrupt is taken when MIE is set again. */
static void wait_for(volatile int *counter, int value)
{
    csr_clear(mstatus, MSTATUS_MIE);
    for (int i = 0; i < 100000 && *counter < value; i++) {
        board_wfi();
        csr_set(mstatus, MSTATUS_MIE);
        __asm volatile("nop");
        csr_clear(mstatus, MSTATUS_MIE);
    }
    csr_set(mstatus, MSTATUS_MIE);
}

int main(void)
{
    uint32_t tick = BOARD_MTIME_HZ / 1000;   /* 1 ms in mtime units */

    board_init();
    uart_puts("t-irq: start\n");
    clint_set_mtimecmp(UINT64_MAX);

    /* Machine timer interrupt, direct mode. */
    csr_set(mie, MIE_MTIE);
    csr_set(mstatus, MSTATUS_MIE);
    timer_in(tick);
    wait_for(&timer_hits, 1);
    check("mtimer", timer_hits == 1 && last_cause == MCAUSE_MTI);

    /* Software interrupt through msip: taken at once. */
    csr_set(mie, MIE_MSIE);
    CLINT_MSIP = 1;
    __asm volatile("fence" ::: "memory");
    for (volatile int i = 0; i < 10; i++) {
    }
    check("msip", msip_hits == 1 && last_cause == MCAUSE_MSI && CLINT_MSIP == 0);

    /* ecall: mcause 11; the handler changes a0 and resumes after the ecall. */
    {
        uint32_t r = do_ecall(7);
        check("ecall", r == 21 && ecall_hits == 1 && last_cause == MCAUSE_ECALL_M);
    }

    /* mret: resumes at mepc with mstatus.MIE taken from MPIE. */
    {
        uint32_t st;
        csr_clear(mstatus, MSTATUS_MIE);
        __asm volatile("la t0, 1f\n\t"
                       "csrw mepc, t0\n\t"
                       "li t1, %1\n\t"
                       "csrs mstatus, t1\n\t"
                       "mret\n"
                       "1:\n\t"
                       "csrr %0, mstatus"
                       : "=r"(st)
                       : "i"(MSTATUS_MPIE | MSTATUS_MPP)
                       : "t0", "t1", "memory");
        check("mret", (st & MSTATUS_MIE) != 0);
    }

    /* Vectored mode: interrupts at base + 4 * cause, exceptions at base. */
    csr_write(mtvec, (uint32_t)(uintptr_t)vec_table | 1u);
    check("mtvec-vectored", csr_read(mtvec) == ((uint32_t)(uintptr_t)vec_table | 1u));
    CLINT_MSIP = 1;
    __asm volatile("fence" ::: "memory");
    for (volatile int i = 0; i < 10; i++) {
    }
    check("vectored-msip", vec_hits[3] == 1 && msip_hits == 1);
    timer_in(tick);
    wait_for(&vec_hits[7], 1);
    check("vectored-mtimer", vec_hits[7] == 1 && timer_hits == 1);
    (void)do_ecall(1);
    check("vectored-exception", vec_hits[0] == 1 && ecall_hits == 1);
    csr_write(mtvec, (uint32_t)(uintptr_t)trap_entry);

    /* WFI woken by the timer interrupt, taken straight out of the WFI (100 ms away, so
     * it cannot fire before the WFI even under QEMU's real-time clock). */
    timer_in(100 * tick);
    board_wfi();
    {
        int direct = timer_hits == 2;
        wait_for(&timer_hits, 2);
        check("wfi", direct);
    }

    /* WFI with mstatus.MIE clear: a pending, enabled (mie) interrupt still wakes the
     * hart, but no trap is taken until MIE is set again. */
    csr_clear(mstatus, MSTATUS_MIE);
    timer_in(tick);
    for (int i = 0; i < 100000 && !(csr_read(mip) & MIE_MTIE); i++)
        board_wfi();
    {
        int woke = (csr_read(mip) & MIE_MTIE) != 0 && timer_hits == 2;
        csr_set(mstatus, MSTATUS_MIE);
        for (volatile int i = 0; i < 10; i++) {
        }
        check("wfi-masked", woke && timer_hits == 3);
    }

    /* mcycle / minstret count up (values are never printed). */
    {
        uint32_t c0 = csr_read(mcycle), i0 = csr_read(minstret);
        for (volatile int i = 0; i < 1000; i++) {
        }
        uint32_t c1 = csr_read(mcycle), i1 = csr_read(minstret);
        int mono = c1 - c0 > 0 && c1 - c0 < 0x80000000u && i1 - i0 >= 1000 && i1 - i0 < 0x80000000u;
        uart_printf("monotonic: %s\n", mono ? "yes" : "no");
        check("counters", mono);
    }

    uart_printf("t-irq: done, %d failed\n", failures);
    return failures ? 1 : 0;
}
