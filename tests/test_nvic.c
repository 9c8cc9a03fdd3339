/* test_nvic.c: the Cortex-M NVIC/SCB model: registers, priorities, masking, input lines, AIRCR reset requests. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "devices/nvic.h"
#include "tests/cunit_main.h"

enum {
    ICTR = 0x004, ISER = 0x100, ICER = 0x180, ISPR = 0x200, ICPR = 0x280, IABR = 0x300, IPR = 0x400,
    CPUID = 0xD00, ICSR = 0xD04, VTOR = 0xD08, AIRCR = 0xD0C, SCR = 0xD10, CCR = 0xD14, SHPR1 = 0xD18,
    SHPR2 = 0xD1C, SHPR3 = 0xD20, CFSR = 0xD28, HFSR = 0xD2C, MMFAR = 0xD34, BFAR = 0xD38, STIR = 0xF00,
};

#define CPUID_M3 0x412FC231u
#define CPUID_M0 0x410CC200u
#define CPUID_M0P 0x410CC601u

/* What the callbacks saw. */
typedef struct Probe {
    int notified;
    int sysresets;
    uint64_t now; /* cycles */
} Probe;

static void on_notify(void *opaque) { ((Probe *)opaque)->notified++; }
static void on_sysreset(void *opaque) { ((Probe *)opaque)->sysresets++; }

static Nvic *make(Probe *p, bool v6m, int num_irq, uint32_t cpuid)
{
    *p = (Probe){0};
    NvicConfig c = {
        .armv6m = v6m, .num_irq = num_irq, .prio_bits = v6m ? 2 : 3, .cpuid = cpuid,
        .notify = on_notify, .sysreset = on_sysreset, .opaque = p, .now = &p->now,
    };
    Nvic *n = nvic_new(&c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    return n;
}

static uint32_t rd(Nvic *n, uint32_t off) { return nvic_read(n, off, 4); }
static void wr(Nvic *n, uint32_t off, uint32_t v) { nvic_write(n, off, v, 4); }

static void test_enable_pending_active(void)
{
    Probe p;
    Nvic *n = make(&p, false, 64, CPUID_M3);
    CU_ASSERT_EQUAL(rd(n, ICTR), 1); /* 64 lines: two blocks of 32 */
    wr(n, ISER, 1u << 5);
    wr(n, ISER + 4, 1u << 1); /* IRQ 33 */
    CU_ASSERT_EQUAL(rd(n, ISER), 1u << 5);
    CU_ASSERT_EQUAL(rd(n, ICER), 1u << 5);
    CU_ASSERT_EQUAL(rd(n, ISER + 4), 1u << 1);
    wr(n, ISER + 8, 0xFFFFFFFF); /* beyond num_irq: nothing */
    CU_ASSERT_EQUAL(rd(n, ISER + 8), 0);
    wr(n, ICER, 1u << 5);
    CU_ASSERT_EQUAL(rd(n, ISER), 0);
    /* sub-word write: byte 1 of ISER0 is IRQs 8..15 */
    nvic_write(n, ISER + 1, 0x01, 1);
    CU_ASSERT_EQUAL(rd(n, ISER), 1u << 8);
    CU_ASSERT_EQUAL(nvic_read(n, ISER + 1, 1), 0x01);

    int before = p.notified;
    wr(n, ISPR, 1u << 8);
    CU_ASSERT(p.notified > before);
    CU_ASSERT(nvic_is_pending(n, EXC_IRQ0 + 8));
    CU_ASSERT_EQUAL(rd(n, ISPR), 1u << 8);
    CU_ASSERT_EQUAL(rd(n, ICPR), 1u << 8);
    CU_ASSERT(nvic_wakeup_pending(n));
    CU_ASSERT_EQUAL(nvic_pending_to_take(n, NVIC_PRIO_THREAD), EXC_IRQ0 + 8);
    wr(n, ICPR, 1u << 8);
    CU_ASSERT(!nvic_is_pending(n, EXC_IRQ0 + 8));
    CU_ASSERT(!nvic_wakeup_pending(n));

    /* pending but disabled: neither taken nor a wake-up */
    wr(n, ISPR, 1u << 3);
    CU_ASSERT(nvic_is_pending(n, EXC_IRQ0 + 3));
    CU_ASSERT_EQUAL(nvic_pending_to_take(n, NVIC_PRIO_THREAD), 0);
    CU_ASSERT(!nvic_wakeup_pending(n));
    wr(n, ICPR, 1u << 3);

    /* entry and return */
    wr(n, ISPR, 1u << 8);
    nvic_acknowledge(n, EXC_IRQ0 + 8);
    CU_ASSERT(!nvic_is_pending(n, EXC_IRQ0 + 8));
    CU_ASSERT(nvic_is_active(n, EXC_IRQ0 + 8));
    CU_ASSERT_EQUAL(rd(n, IABR), 1u << 8);
    CU_ASSERT_EQUAL(nvic_active_count(n), 1);
    wr(n, IABR, 0); /* read-only */
    CU_ASSERT_EQUAL(rd(n, IABR), 1u << 8);
    CU_ASSERT_EQUAL(nvic_complete(n, EXC_IRQ0 + 8), 0);
    CU_ASSERT_EQUAL(rd(n, IABR), 0);
    CU_ASSERT_EQUAL(nvic_active_count(n), 0);
    CU_ASSERT_EQUAL(nvic_complete(n, EXC_IRQ0 + 8), -1); /* not active: illegal return */
    CU_ASSERT_EQUAL(nvic_complete(n, 0), -1);
    CU_ASSERT_EQUAL(nvic_complete(n, 1000), -1);
    nvic_free(n);
}

static void test_pending_since(void)
{
    Probe p;
    Nvic *n = make(&p, false, 32, CPUID_M3);
    p.now = 1234;
    nvic_set_pending(n, EXC_PENDSV);
    CU_ASSERT_EQUAL(nvic_pending_since(n, EXC_PENDSV), 1234);
    p.now = 2000;
    nvic_set_pending(n, EXC_PENDSV); /* already pending: the first time counts */
    CU_ASSERT_EQUAL(nvic_pending_since(n, EXC_PENDSV), 1234);
    p.now = 5000;
    wr(n, ISPR, 1u << 2); /* pended by software through ISPR */
    CU_ASSERT_EQUAL(nvic_pending_since(n, EXC_IRQ0 + 2), 5000);
    p.now = 6000;
    wr(n, STIR, 4);
    CU_ASSERT_EQUAL(nvic_pending_since(n, EXC_IRQ0 + 4), 6000);
    IrqLine l = nvic_irq_line(n, 9);
    p.now = 7000;
    irq_set(&l, 1);
    CU_ASSERT_EQUAL(nvic_pending_since(n, EXC_IRQ0 + 9), 7000);
    CU_ASSERT_EQUAL(nvic_pending_since(n, -1), 0);
    nvic_free(n);
}

static void test_priority_registers(void)
{
    Probe p;
    Nvic *n = make(&p, false, 32, CPUID_M3); /* 3 priority bits: 0xE0 */
    nvic_write(n, IPR + 5, 0xFF, 1);
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_IRQ0 + 5), 0xE0);
    CU_ASSERT_EQUAL(nvic_read(n, IPR + 5, 1), 0xE0);
    wr(n, IPR + 4, 0x80604020); /* IRQs 4..7 */
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_IRQ0 + 4), 0x20);
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_IRQ0 + 5), 0x40);
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_IRQ0 + 6), 0x60);
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_IRQ0 + 7), 0x80);
    CU_ASSERT_EQUAL(rd(n, IPR + 4), 0x80604020);
    nvic_write(n, IPR + 6, 0xA0C0, 2);
    CU_ASSERT_EQUAL(rd(n, IPR + 4), 0xA0C04020);
    /* system handlers: SHPR1 byte 0 MemManage, SHPR2 byte 3 SVCall, SHPR3 bytes 2, 3 PendSV, SysTick */
    nvic_write(n, SHPR1, 0x20, 1);
    nvic_write(n, SHPR2 + 3, 0x40, 1);
    wr(n, SHPR3, 0xC0A00000);
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_MEMMANAGE), 0x20);
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_SVCALL), 0x40);
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_PENDSV), 0xA0);
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_SYSTICK), 0xC0);
    CU_ASSERT_EQUAL(rd(n, SHPR3), 0xC0A00000);
    CU_ASSERT_EQUAL(nvic_read(n, SHPR3 + 3, 1), 0xC0);
    wr(n, SHPR1 + 3, 0xFFFFFFFF); /* not a priority byte of any exception: reserved */
    nvic_write(n, SHPR2, 0xE0, 1); /* exception 8: reserved, reads 0 */
    CU_ASSERT_EQUAL(nvic_read(n, SHPR2, 1), 0);
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_RESET), -3);
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_NMI), -2);
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_HARDFAULT), -1);
    nvic_free(n);

    /* ARMv6-M: word accesses only, 2 bits (0xC0), no SHPR1 */
    n = make(&p, true, 32, CPUID_M0P);
    nvic_write(n, IPR, 0x40, 1);
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_IRQ0), 0);
    wr(n, IPR, 0xFFFF40FF);
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_IRQ0), 0xC0);
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_IRQ0 + 1), 0x40);
    CU_ASSERT_EQUAL(rd(n, IPR), 0xC0C040C0);
    wr(n, SHPR1, 0xFFFFFFFF);
    CU_ASSERT_EQUAL(rd(n, SHPR1), 0);
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_MEMMANAGE), 0);
    wr(n, SHPR3, 0x80400000);
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_SYSTICK), 0x80);
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_PENDSV), 0x40);
    CU_ASSERT_EQUAL(rd(n, ICTR), 0);
    nvic_free(n);
}

static void test_choice_and_preemption(void)
{
    Probe p;
    Nvic *n = make(&p, false, 32, CPUID_M3);
    wr(n, ISER, 0xFF);
    wr(n, IPR, 0x40604060); /* IRQ0 0x60, IRQ1 0x40, IRQ2 0x60, IRQ3 0x40 */
    wr(n, ISPR, 0x0F);
    /* the most urgent; ties go to the lowest number */
    CU_ASSERT_EQUAL(nvic_pending_to_take(n, NVIC_PRIO_THREAD), EXC_IRQ0 + 1);
    CU_ASSERT_EQUAL((rd(n, ICSR) >> 12) & 0x1FF, EXC_IRQ0 + 1); /* VECTPENDING */
    CU_ASSERT(rd(n, ICSR) & (1u << 22));                     /* ISRPENDING */
    nvic_acknowledge(n, EXC_IRQ0 + 1);
    CU_ASSERT_EQUAL(nvic_exec_priority(n, 0, 0, 0), 0x40);
    CU_ASSERT_EQUAL(rd(n, ICSR) & 0x1FF, EXC_IRQ0 + 1); /* VECTACTIVE */
    CU_ASSERT(rd(n, ICSR) & (1u << 11));              /* RETTOBASE: the only active one */
    /* same priority does not preempt; only a strictly lower value does */
    CU_ASSERT_EQUAL(nvic_pending_to_take(n, nvic_exec_priority(n, 0, 0, 0)), 0);
    wr(n, IPR + 4, 0x20); /* IRQ4 at 0x20 */
    wr(n, ISPR, 1u << 4);
    CU_ASSERT_EQUAL(nvic_pending_to_take(n, nvic_exec_priority(n, 0, 0, 0)), EXC_IRQ0 + 4);
    nvic_acknowledge(n, EXC_IRQ0 + 4);
    CU_ASSERT_EQUAL(nvic_active_count(n), 2);
    CU_ASSERT_EQUAL(nvic_exec_priority(n, 0, 0, 0), 0x20);
    CU_ASSERT_EQUAL(rd(n, ICSR) & 0x1FF, EXC_IRQ0 + 4);
    CU_ASSERT_EQUAL(rd(n, ICSR) & (1u << 11), 0); /* another exception is active beneath */
    CU_ASSERT_EQUAL(nvic_complete(n, EXC_IRQ0 + 4), 0);
    CU_ASSERT_EQUAL(nvic_exec_priority(n, 0, 0, 0), 0x40);
    CU_ASSERT_EQUAL(nvic_complete(n, EXC_IRQ0 + 1), 0);
    CU_ASSERT_EQUAL(nvic_exec_priority(n, 0, 0, 0), NVIC_PRIO_THREAD);
    /* next in line: IRQ3 (0x40) before IRQ0 and IRQ2 (0x60) */
    CU_ASSERT_EQUAL(nvic_pending_to_take(n, NVIC_PRIO_THREAD), EXC_IRQ0 + 3);
    /* system exceptions compete too: SysTick at 0x20 */
    wr(n, SHPR3, 0x20000000);
    nvic_set_pending(n, EXC_SYSTICK);
    CU_ASSERT_EQUAL(nvic_pending_to_take(n, NVIC_PRIO_THREAD), EXC_SYSTICK);
    nvic_set_pending(n, EXC_NMI);
    CU_ASSERT_EQUAL(nvic_pending_to_take(n, NVIC_PRIO_THREAD), EXC_NMI);
    nvic_free(n);
}

static void test_prigroup(void)
{
    Probe p;
    Nvic *n = make(&p, false, 32, CPUID_M3);
    wr(n, ISER, 0x3);
    wr(n, IPR, 0x2040); /* IRQ0 0x40, IRQ1 0x20 */
    wr(n, ISPR, 0x1);
    nvic_acknowledge(n, EXC_IRQ0);
    wr(n, ISPR, 0x2);
    CU_ASSERT_EQUAL(nvic_pending_to_take(n, nvic_exec_priority(n, 0, 0, 0)), EXC_IRQ0 + 1);
    /* PRIGROUP 6: group priority is bit 7 only, 0x20 and 0x40 are the same group */
    wr(n, AIRCR, 0x05FA0000 | 6u << 8);
    CU_ASSERT_EQUAL((rd(n, AIRCR) >> 8) & 7, 6);
    CU_ASSERT_EQUAL(nvic_exec_priority(n, 0, 0, 0), 0);
    CU_ASSERT_EQUAL(nvic_pending_to_take(n, nvic_exec_priority(n, 0, 0, 0)), 0);
    /* the subpriority still orders what is taken next */
    CU_ASSERT_EQUAL(nvic_complete(n, EXC_IRQ0), 0);
    wr(n, ISPR, 0x1);
    CU_ASSERT_EQUAL(nvic_pending_to_take(n, NVIC_PRIO_THREAD), EXC_IRQ0 + 1);
    /* PRIGROUP 5: bits 7:6, 0x20 is group 0x00, 0x40 is 0x40 */
    wr(n, AIRCR, 0x05FA0000 | 5u << 8);
    nvic_acknowledge(n, EXC_IRQ0);
    CU_ASSERT_EQUAL(nvic_exec_priority(n, 0, 0, 0), 0x40);
    CU_ASSERT_EQUAL(nvic_pending_to_take(n, nvic_exec_priority(n, 0, 0, 0)), EXC_IRQ0 + 1);
    nvic_free(n);
}

static void test_masks(void)
{
    Probe p;
    Nvic *n = make(&p, false, 32, CPUID_M3);
    wr(n, ISER, 0x3);
    wr(n, IPR, 0x4020); /* IRQ0 0x20, IRQ1 0x40 */
    wr(n, ISPR, 0x2);
    /* BASEPRI 0x40 masks 0x40 and below, not 0x20 */
    CU_ASSERT_EQUAL(nvic_exec_priority(n, 0, 0x40, 0), 0x40);
    CU_ASSERT_EQUAL(nvic_pending_to_take(n, nvic_exec_priority(n, 0, 0x40, 0)), 0);
    wr(n, ISPR, 0x1);
    CU_ASSERT_EQUAL(nvic_pending_to_take(n, nvic_exec_priority(n, 0, 0x40, 0)), EXC_IRQ0);
    CU_ASSERT_EQUAL(nvic_exec_priority(n, 0, 0x1F, 0), NVIC_PRIO_THREAD); /* unimplemented bits only */
    /* PRIMASK: everything configurable */
    CU_ASSERT_EQUAL(nvic_exec_priority(n, 1, 0, 0), 0);
    CU_ASSERT_EQUAL(nvic_pending_to_take(n, nvic_exec_priority(n, 1, 0, 0)), 0);
    CU_ASSERT(nvic_wakeup_pending(n)); /* WFI still wakes */
    nvic_set_pending(n, EXC_HARDFAULT);
    CU_ASSERT_EQUAL(nvic_pending_to_take(n, nvic_exec_priority(n, 1, 0, 0)), EXC_HARDFAULT);
    /* FAULTMASK: HardFault masked too, NMI not */
    CU_ASSERT_EQUAL(nvic_exec_priority(n, 0, 0, 1), -1);
    CU_ASSERT_EQUAL(nvic_pending_to_take(n, -1), 0);
    nvic_set_pending(n, EXC_NMI);
    CU_ASSERT_EQUAL(nvic_pending_to_take(n, -1), EXC_NMI);
    CU_ASSERT(rd(n, ICSR) & (1u << 31)); /* NMIPENDSET */
    nvic_free(n);

    /* ARMv6-M has no BASEPRI */
    n = make(&p, true, 32, CPUID_M0);
    CU_ASSERT_EQUAL(nvic_exec_priority(n, 0, 0x40, 0), NVIC_PRIO_THREAD);
    CU_ASSERT_EQUAL(nvic_exec_priority(n, 1, 0, 0), 0);
    nvic_free(n);
}

static void test_lines(void)
{
    Probe p;
    Nvic *n = make(&p, false, 32, CPUID_M3);
    CU_ASSERT_PTR_NULL(nvic_irq_line(n, 32).set);
    CU_ASSERT_PTR_NULL(nvic_irq_line(n, -1).set);
    CU_ASSERT_PTR_NULL(nvic_exc_line(n, EXC_IRQ0).set);
    CU_ASSERT_PTR_NULL(nvic_exc_line(n, EXC_RESET).set);
    IrqLine l = nvic_irq_line(n, 7);
    wr(n, ISER, 1u << 7);
    int before = p.notified;
    irq_set(&l, 1);
    CU_ASSERT(nvic_is_pending(n, EXC_IRQ0 + 7));
    CU_ASSERT(p.notified > before);
    nvic_acknowledge(n, EXC_IRQ0 + 7);
    irq_set(&l, 1); /* still high while active: not pending again yet */
    CU_ASSERT(!nvic_is_pending(n, EXC_IRQ0 + 7));
    CU_ASSERT_EQUAL(nvic_complete(n, EXC_IRQ0 + 7), 0); /* level-sensitive: pending again */
    CU_ASSERT(nvic_is_pending(n, EXC_IRQ0 + 7));
    nvic_acknowledge(n, EXC_IRQ0 + 7);
    irq_set(&l, 0);
    CU_ASSERT_EQUAL(nvic_complete(n, EXC_IRQ0 + 7), 0);
    CU_ASSERT(!nvic_is_pending(n, EXC_IRQ0 + 7));
    /* a pulse (SysTick) pends once, on the rising edge */
    IrqLine st = nvic_exc_line(n, EXC_SYSTICK);
    irq_set(&st, 1);
    irq_set(&st, 0);
    CU_ASSERT(nvic_is_pending(n, EXC_SYSTICK));
    nvic_acknowledge(n, EXC_SYSTICK);
    CU_ASSERT_EQUAL(nvic_complete(n, EXC_SYSTICK), 0);
    CU_ASSERT(!nvic_is_pending(n, EXC_SYSTICK));
    irq_set(&st, 1);
    nvic_acknowledge(n, EXC_SYSTICK);
    irq_set(&st, 1); /* held high: no new edge */
    CU_ASSERT(!nvic_is_pending(n, EXC_SYSTICK));
    CU_ASSERT_EQUAL(nvic_complete(n, EXC_SYSTICK), 0);
    CU_ASSERT(!nvic_is_pending(n, EXC_SYSTICK));
    /* reset: state cleared, asserted IRQ lines pend again */
    irq_set(&l, 1);
    nvic_reset(n);
    CU_ASSERT_EQUAL(rd(n, ISER), 0);
    CU_ASSERT_EQUAL(nvic_active_count(n), 0);
    CU_ASSERT(nvic_is_pending(n, EXC_IRQ0 + 7));
    CU_ASSERT(!nvic_is_active(n, EXC_SYSTICK));
    nvic_free(n);
}

static void test_icsr_set_clear(void)
{
    Probe p;
    Nvic *n = make(&p, false, 32, CPUID_M3);
    CU_ASSERT_EQUAL(rd(n, ICSR), 1u << 11); /* thread mode, nothing pending */
    wr(n, ICSR, 1u << 28);                  /* PENDSVSET */
    CU_ASSERT(nvic_is_pending(n, EXC_PENDSV));
    CU_ASSERT(rd(n, ICSR) & (1u << 28));
    CU_ASSERT_EQUAL((rd(n, ICSR) >> 12) & 0x1FF, EXC_PENDSV);
    CU_ASSERT_EQUAL(rd(n, ICSR) & (1u << 22), 0); /* not an external interrupt */
    wr(n, ICSR, 1u << 27);                        /* PENDSVCLR */
    CU_ASSERT(!nvic_is_pending(n, EXC_PENDSV));
    wr(n, ICSR, 1u << 26); /* PENDSTSET */
    CU_ASSERT(nvic_is_pending(n, EXC_SYSTICK));
    CU_ASSERT(rd(n, ICSR) & (1u << 26));
    wr(n, ICSR, 1u << 25); /* PENDSTCLR */
    CU_ASSERT(!nvic_is_pending(n, EXC_SYSTICK));
    wr(n, ICSR, 1u << 31);
    CU_ASSERT(nvic_is_pending(n, EXC_NMI));
    /* STIR pends an external interrupt (not on ARMv6-M) */
    wr(n, STIR, 12);
    CU_ASSERT(nvic_is_pending(n, EXC_IRQ0 + 12));
    wr(n, STIR, 40); /* beyond num_irq */
    CU_ASSERT_EQUAL(rd(n, ISPR + 4), 0);
    nvic_free(n);

    n = make(&p, true, 32, CPUID_M0P);
    wr(n, STIR, 12);
    CU_ASSERT(!nvic_is_pending(n, EXC_IRQ0 + 12));
    nvic_free(n);
}

static void test_scb(void)
{
    Probe p;
    Nvic *n = make(&p, false, 32, CPUID_M3);
    CU_ASSERT_EQUAL(rd(n, CPUID), CPUID_M3);
    wr(n, CPUID, 0); /* read-only */
    CU_ASSERT_EQUAL(rd(n, CPUID), CPUID_M3);
    CU_ASSERT_EQUAL(rd(n, CCR), 0x200); /* STKALIGN */
    /* VTOR: bits 6:0 are zero */
    wr(n, VTOR, 0x20001234);
    CU_ASSERT_EQUAL(rd(n, VTOR), 0x20001200);
    CU_ASSERT_EQUAL(nvic_vtor(n), 0x20001200);
    nvic_set_vtor(n, 0x00000080);
    CU_ASSERT_EQUAL(rd(n, VTOR), 0x80);
    /* AIRCR: VECTKEYSTAT reads 0xFA05; writes need VECTKEY 0x05FA */
    CU_ASSERT_EQUAL(rd(n, AIRCR), 0xFA050000);
    wr(n, AIRCR, 0x12340000 | 3u << 8 | 4u);
    CU_ASSERT_EQUAL(rd(n, AIRCR), 0xFA050000);
    CU_ASSERT_EQUAL(p.sysresets, 0);
    wr(n, AIRCR, 0x05FA0000 | 3u << 8);
    CU_ASSERT_EQUAL(rd(n, AIRCR), 0xFA050300);
    CU_ASSERT_EQUAL(p.sysresets, 0);
    wr(n, AIRCR, 0x05FA0000 | 4u); /* SYSRESETREQ */
    CU_ASSERT_EQUAL(p.sysresets, 1);
    /* SCR: SLEEPONEXIT, SLEEPDEEP, SEVONPEND */
    wr(n, SCR, 0xFF);
    CU_ASSERT_EQUAL(rd(n, SCR), 0x16);
    CU_ASSERT(nvic_sleep_on_exit(n));
    wr(n, SCR, 0);
    CU_ASSERT(!nvic_sleep_on_exit(n));
    /* fault status: set by the core, write one to clear */
    nvic_record_fault(n, 1u << 9, 0, 0x40001000); /* PRECISERR */
    CU_ASSERT_EQUAL(rd(n, CFSR), (1u << 9) | (1u << 15));
    CU_ASSERT_EQUAL(rd(n, BFAR), 0x40001000);
    nvic_record_fault(n, 1u << 1, 1u << 30, 0x1000); /* DACCVIOL, FORCED */
    CU_ASSERT_EQUAL(rd(n, MMFAR), 0x1000);
    CU_ASSERT(rd(n, CFSR) & (1u << 7));
    CU_ASSERT_EQUAL(rd(n, HFSR), 1u << 30);
    wr(n, CFSR, 1u << 9);
    CU_ASSERT_EQUAL(rd(n, CFSR) & (1u << 9), 0);
    CU_ASSERT(rd(n, CFSR) & (1u << 1));
    wr(n, HFSR, 1u << 30);
    CU_ASSERT_EQUAL(rd(n, HFSR), 0);
    CU_ASSERT_EQUAL(rd(n, 0xD90), 0); /* MPU_TYPE: no MPU */
    CU_ASSERT_EQUAL(rd(n, 0xE00), 0); /* unknown */
    nvic_reset(n);
    CU_ASSERT_EQUAL(rd(n, VTOR), 0);
    CU_ASSERT_EQUAL(rd(n, AIRCR), 0xFA050000);
    CU_ASSERT_EQUAL(rd(n, CFSR), 0);
    nvic_free(n);

    /* Cortex-M0: no VTOR, PRIGROUP not writable, SYSRESETREQ still works */
    n = make(&p, true, 32, CPUID_M0);
    wr(n, VTOR, 0x20000000);
    CU_ASSERT_EQUAL(rd(n, VTOR), 0);
    wr(n, AIRCR, 0x05FA0000 | 3u << 8 | 4u);
    CU_ASSERT_EQUAL(rd(n, AIRCR), 0xFA050000);
    CU_ASSERT_EQUAL(p.sysresets, 1);
    CU_ASSERT_EQUAL(rd(n, CCR), 0x208);
    nvic_free(n);
    /* Cortex-M0+ has VTOR */
    n = make(&p, true, 32, CPUID_M0P);
    wr(n, VTOR, 0x20000000);
    CU_ASSERT_EQUAL(rd(n, VTOR), 0x20000000);
    nvic_free(n);
}

static void test_config_defaults(void)
{
    NvicConfig c = {.num_irq = 0, .prio_bits = 0}; /* out of range: defaults */
    Nvic *n = nvic_new(&c);
    CU_ASSERT_EQUAL(nvic_read(n, ICTR, 4), 0); /* 32 lines */
    nvic_write(n, IPR, 0xFF, 1);
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_IRQ0), 0xE0); /* 3 bits */
    nvic_set_pending(n, EXC_PENDSV); /* no callbacks, no clock: fine */
    CU_ASSERT_EQUAL(nvic_pending_since(n, EXC_PENDSV), 0);
    nvic_write(n, AIRCR, 0x05FA0004, 4);
    nvic_free(n);
}

/* The registry's exception model: made from a DeviceConfig, its object is the Nvic
 * the core uses, its inputs are the external IRQs and its exception lines pend
 * system exceptions. */
static void test_device_class(void)
{
    const DeviceClass *cls = device_class_with_role(DEVICE_ROLE_EXC_MODEL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cls);
    CU_ASSERT_STRING_EQUAL(cls->type, "nvic");
    CU_ASSERT_EQUAL(cls->size, 0x1000);
    Probe p = {0};
    Sched s;
    sched_init(&s, 16000000);
    DeviceConfig cfg = {
        .name = "scs", .base = cls->default_base, .clock_hz = 16000000, .sched = &s,
        .core = {.armv6m = true, .cpuid = CPUID_M0, .num_irq = 8, .prio_bits = 2,
                 .notify = on_notify, .sysreset = on_sysreset, .opaque = &p},
    };
    char *err = NULL;
    Nvic *n = cls->create(&cfg, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    CU_ASSERT_EQUAL(cls->read(n, CPUID, 4), CPUID_M0);
    CU_ASSERT_EQUAL(cls->read(n, CCR, 4), 0x208); /* ARMv6-M */
    cls->write(n, IPR, 0xFFFFFFFF, 4);
    CU_ASSERT_EQUAL(nvic_priority(n, EXC_IRQ0), 0xC0); /* 2 bits */
    CU_ASSERT_PTR_NULL(cls->irq_input(n, 8).set);     /* 8 inputs */
    IrqLine l = cls->irq_input(n, 7);
    CU_ASSERT_PTR_NOT_NULL_FATAL(l.set);
    s.now = 1234;
    irq_set(&l, 1);
    CU_ASSERT(nvic_is_pending(n, EXC_IRQ0 + 7));
    CU_ASSERT_EQUAL(nvic_pending_since(n, EXC_IRQ0 + 7), 1234); /* the scheduler's clock */
    CU_ASSERT(p.notified > 0);
    CU_ASSERT_PTR_NULL(cls->exc_line(n, EXC_IRQ0).set);
    l = cls->exc_line(n, EXC_SYSTICK);
    irq_set(&l, 1);
    irq_set(&l, 0);
    CU_ASSERT(nvic_is_pending(n, EXC_SYSTICK));
    cls->write(n, AIRCR, 0x05FA0004, 4);
    CU_ASSERT_EQUAL(p.sysresets, 1);
    cls->reset(n);
    CU_ASSERT(!nvic_is_pending(n, EXC_SYSTICK));
    cls->destroy(n);
    /* more external interrupts than the model has: an error, not a quiet default */
    cfg.core.num_irq = 241;
    CU_ASSERT_PTR_NULL(cls->create(&cfg, &err));
    CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "at most 240"));
    free(err);
}

static const TestCase nvic_cases[] = {
    {"enable, pending, active", test_enable_pending_active},
    {"pending since", test_pending_since},
    {"priority registers", test_priority_registers},
    {"choice and preemption", test_choice_and_preemption},
    {"prigroup", test_prigroup},
    {"primask, basepri, faultmask", test_masks},
    {"input lines", test_lines},
    {"icsr set/clear, stir", test_icsr_set_clear},
    {"scb registers", test_scb},
    {"config defaults", test_config_defaults},
    {"the registry's exception model", test_device_class},
    {NULL, NULL},
};

int main(void)
{
    log_set_quiet(true);
    static const TestSuite suites[] = {
        {"nvic", nvic_cases},
        {NULL, NULL},
    };
    return cunit_run(suites);
}
