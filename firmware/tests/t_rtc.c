/* t_rtc.c: QEMU virt's Goldfish RTC at 0x101000 (PLIC source 11): the count moves
 * forward, can be set (TIME_HIGH, then TIME_LOW) and reads back from there, the
 * alarm arms (ALARM_STATUS 1) and CLEAR_ALARM disarms it, an alarm fires through the
 * PLIC as a machine external interrupt that wakes WFI (ALARM_STATUS 0), one already
 * due fires at once. The count's value is never printed: QEMU starts it at the
 * host's date and runs it on the host's clock. One line per check; exit 0 when all pass, else 1. */
#include <stdint.h>

#include "board.h"
#include "riscv.h"
#include "semihost.h"

#define RTC_BASE 0x00101000u
#define RTC_TIME_LOW REG32(RTC_BASE + 0x00)
#define RTC_TIME_HIGH REG32(RTC_BASE + 0x04)
#define RTC_ALARM_LOW REG32(RTC_BASE + 0x08)
#define RTC_ALARM_HIGH REG32(RTC_BASE + 0x0C)
#define RTC_IRQ_ENABLED REG32(RTC_BASE + 0x10)
#define RTC_CLEAR_ALARM REG32(RTC_BASE + 0x14)
#define RTC_ALARM_STATUS REG32(RTC_BASE + 0x18)
#define RTC_CLEAR_INTERRUPT REG32(RTC_BASE + 0x1C)
#define RTC_IRQ 11

/* PLIC (hart 0, M-mode context) */
#define PLIC_BASE 0x0C000000u
#define PLIC_PRIORITY(n) REG32(PLIC_BASE + 4u * (n))
#define PLIC_ENABLE REG32(PLIC_BASE + 0x2000)
#define PLIC_THRESHOLD REG32(PLIC_BASE + 0x200000)
#define PLIC_CLAIM REG32(PLIC_BASE + 0x200004)

static volatile int rtc_irqs, other_irqs;
static volatile uint32_t alarm_status_in_irq;
static int failures;

static void check(const char *name, int ok)
{
    uart_printf("%s %s\n", ok ? "PASS" : "FAIL", name);
    if (!ok)
        failures++;
}

static uint64_t rtc_now(void)
{
    uint32_t lo = RTC_TIME_LOW; /* latches the high half */
    return (uint64_t)RTC_TIME_HIGH << 32 | lo;
}

/* The alarm at `when` (ns on the RTC's count). */
static void rtc_alarm(uint64_t when)
{
    RTC_ALARM_HIGH = (uint32_t)(when >> 32);
    RTC_ALARM_LOW = (uint32_t)when; /* arms */
}

uint32_t trap_handler(uint32_t mcause, uint32_t mepc, uint32_t *frame)
{
    (void)frame;
    if (mcause == MCAUSE_MEI) {
        uint32_t src = PLIC_CLAIM;
        if (src == RTC_IRQ) {
            rtc_irqs++;
            alarm_status_in_irq = RTC_ALARM_STATUS;
            RTC_CLEAR_INTERRUPT = 1;
        } else {
            other_irqs++;
        }
        PLIC_CLAIM = src;
        return mepc;
    }
    uart_printf("unexpected trap mcause 0x%08lx mepc 0x%08lx\n", (unsigned long)mcause, (unsigned long)mepc);
    sh_exit(1);
}

int main(void)
{
    board_init();
    uart_puts("t-rtc: start\n");

    uint64_t t0 = rtc_now();
    for (volatile int i = 0; i < 20000; i++) {
    }
    uint64_t t1 = rtc_now();
    check("the count moves forward", t1 > t0);

    static const uint64_t set = 0x0000001234567800ull; /* about 78 s after the epoch */
    RTC_TIME_HIGH = (uint32_t)(set >> 32);
    RTC_TIME_LOW = (uint32_t)set;
    uint64_t t2 = rtc_now();
    check("set: reads back from the value written, within 1 s", t2 >= set && t2 - set < 1000000000ull);

    PLIC_PRIORITY(RTC_IRQ) = 1;
    PLIC_THRESHOLD = 0;
    PLIC_ENABLE = 1u << RTC_IRQ;
    RTC_IRQ_ENABLED = 1;
    check("IRQ_ENABLED reads back 1", RTC_IRQ_ENABLED == 1);
    csr_set(mie, MIE_MEIE);

    /* QEMU's count is the host's clock: only an alarm far ahead is surely still armed
     * when the status is read */
    rtc_alarm(rtc_now() + 100000000000ull); /* 100 s on */
    check("alarm armed: ALARM_STATUS 1", RTC_ALARM_STATUS == 1);
    RTC_CLEAR_ALARM = 1;
    check("CLEAR_ALARM disarms: ALARM_STATUS 0", RTC_ALARM_STATUS == 0);

    rtc_alarm(rtc_now() + 2000000); /* 2 ms on */
    board_irq_disable();
    while (!rtc_irqs) {
        board_wfi();        /* wakes on the pending interrupt even with MIE clear */
        board_irq_enable(); /* take it */
        board_irq_disable();
    }
    check("alarm fired: one PLIC source 11 interrupt", rtc_irqs == 1 && other_irqs == 0);
    check("ALARM_STATUS 0 once fired", alarm_status_in_irq == 0 && RTC_ALARM_STATUS == 0);
    check("the count has reached the alarm", rtc_now() >= t2 + 2000000);

    board_irq_enable();
    rtc_alarm(1000); /* long past: fires at once */
    for (volatile int i = 0; i < 100 && rtc_irqs < 2; i++) {
    }
    check("alarm already due: fires at once", rtc_irqs == 2);
    board_irq_disable();
    RTC_IRQ_ENABLED = 0;
    check("IRQ_ENABLED reads back 0", RTC_IRQ_ENABLED == 0);

    uart_printf("t-rtc: %d failed\n", failures);
    sh_exit(failures ? 1 : 0);
}
