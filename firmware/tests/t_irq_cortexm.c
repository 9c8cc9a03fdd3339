/* t_irq_cortexm.c: Cortex-M exception and NVIC behaviour: SysTick, PendSV, SVC, software-
 * pended external IRQs, nesting by priority, tail-chaining, PRIMASK, BASEPRI and VTOR
 * (ARMv7-M only), WFI wake-up. One "PASS name" / "FAIL name ..." line per check on the
 * UART; exit 0 when all pass, 1 otherwise. IRQs 20-23 are unused by the MPS2 devices
 * and are SWI0-SWI3 on the nRF51. */
#include <stdint.h>

#include "board.h"
#include "cortexm.h"
#include "semihost.h"

#define IRQ_A 20
#define IRQ_B 21
#define IRQ_C 22
#define IRQ_D 23

enum { PRIO_HIGH = 0x40, PRIO_MID = 0x80, PRIO_LOW = 0xC0 };

static volatile int trace[16];      /* +n: handler n entered, -n: left */
static volatile int ntrace;
static volatile int pend_from[32];  /* IRQ n pends this IRQ from inside its handler */
static volatile int pendsv_runs;
static volatile uint32_t svc_number;
static int failures;

static void record(int v)
{
    if (ntrace < (int)(sizeof trace / sizeof trace[0]))
        trace[ntrace++] = v;
}

static void trace_reset(void)
{
    ntrace = 0;
    for (int i = 0; i < 32; i++)
        pend_from[i] = 0;
}

static void irq_common(int n)
{
    record(n);
    if (pend_from[n]) {
        nvic_pend(pend_from[n]);
        cm_dsb_isb();
    }
    record(-n);
}

void IRQ20_Handler(void) { irq_common(IRQ_A); }
void IRQ21_Handler(void) { irq_common(IRQ_B); }
void IRQ22_Handler(void) { irq_common(IRQ_C); }
void IRQ23_Handler(void) { irq_common(IRQ_D); }

void PendSV_Handler(void)
{
    pendsv_runs++;
}

/* SVC: find the stacked frame (we run on MSP) and the immediate in the SVC instruction;
 * return r0 * 2 + imm in the stacked r0. */
void svc_handler_c(uint32_t *frame);
__attribute__((naked)) void SVC_Handler(void)
{
    __asm volatile("mov r0, sp\n\t"
                   "ldr r1, =svc_handler_c\n\t"
                   "bx r1\n\t"
                   ".ltorg");
}

void svc_handler_c(uint32_t *frame)
{
    const uint8_t *pc = (const uint8_t *)(uintptr_t)frame[6];

    svc_number = pc[-2];
    frame[0] = frame[0] * 2 + svc_number;
}

static uint32_t do_svc5(uint32_t x)
{
    register uint32_t r0 __asm("r0") = x;
    __asm volatile("svc #5" : "+r"(r0) : : "memory");
    return r0;
}

/* "+21 +22 -22 -21" */
static int trace_is(const int *want, int n)
{
    if (ntrace != n)
        return 0;
    for (int i = 0; i < n; i++)
        if (trace[i] != want[i])
            return 0;
    return 1;
}

static void check(const char *name, int ok)
{
    if (ok) {
        uart_printf("PASS %s\n", name);
        return;
    }
    failures++;
    uart_printf("FAIL %s: trace", name);
    for (int i = 0; i < ntrace; i++)
        uart_printf(" %+d", trace[i]);
    uart_puts("\n");
}

static void print_order(const char *what)
{
    uart_printf("%s order:", what);
    for (int i = 0; i < ntrace; i++)
        uart_printf(" %+d", trace[i]);
    uart_puts("\n");
}

static void spin(int n)
{
    for (volatile int i = 0; i < n; i++) {
    }
}

static int is_pending(int n)
{
    return (NVIC_ISPR(n) >> (n % 32)) & 1u;
}

#if __ARM_ARCH >= 7
static volatile int alt_runs;
static void IRQ21_alt_handler(void)
{
    alt_runs++;
}
/* 16 + 32 vectors: VTOR needs the table aligned to the next power of two (256 bytes). */
static cm_vector_t ram_vectors[CM_NUM_VECTORS] __attribute__((aligned(256)));
#endif

int main(void)
{
    board_init();
    uart_puts("t-irq: start\n");

    /* SysTick: three ticks arrive. */
    board_tick_start(1000);
    for (int i = 0; i < 1000 && board_ticks < 3; i++)
        board_wfi();
    check("systick", board_ticks >= 3);
    board_tick_stop();

    /* PendSV runs as soon as it is pended from thread mode. */
    SCB_ICSR = SCB_ICSR_PENDSVSET;
    cm_dsb_isb();
    check("pendsv", pendsv_runs == 1);

    /* SVC: the handler sees the immediate and returns a value in r0. */
    {
        uint32_t r = do_svc5(20);
        check("svc", r == 45 && svc_number == 5);
    }

    nvic_set_priority(IRQ_A, PRIO_MID);
    nvic_set_priority(IRQ_B, PRIO_LOW);
    nvic_set_priority(IRQ_C, PRIO_HIGH);
    nvic_set_priority(IRQ_D, PRIO_MID);

    /* An enabled IRQ pended through ISPR runs at once. */
    trace_reset();
    nvic_enable(IRQ_A);
    nvic_pend(IRQ_A);
    cm_dsb_isb();
    {
        static const int want[] = { IRQ_A, -IRQ_A };
        check("nvic-pend", trace_is(want, 2));
    }

    /* A disabled IRQ stays pending and runs when enabled. */
    trace_reset();
    nvic_pend(IRQ_D);
    cm_dsb_isb();
    spin(100);
    {
        int pending_before = is_pending(IRQ_D) && ntrace == 0;
        nvic_enable(IRQ_D);
        cm_dsb_isb();
        static const int want[] = { IRQ_D, -IRQ_D };
        check("nvic-disabled-pending", pending_before && trace_is(want, 2) && !is_pending(IRQ_D));
    }

    /* Nesting: a low-priority handler pends a high-priority IRQ, which preempts it. */
    trace_reset();
    nvic_enable(IRQ_B);
    nvic_enable(IRQ_C);
    pend_from[IRQ_B] = IRQ_C;
    nvic_pend(IRQ_B);
    cm_dsb_isb();
    print_order("nesting");
    {
        static const int want[] = { IRQ_B, IRQ_C, -IRQ_C, -IRQ_B };
        check("nesting", trace_is(want, 4));
    }

    /* ... but a high-priority handler that pends a lower one is not preempted. */
    trace_reset();
    pend_from[IRQ_C] = IRQ_B;
    nvic_pend(IRQ_C);
    cm_dsb_isb();
    print_order("no-preemption");
    {
        static const int want[] = { IRQ_C, -IRQ_C, IRQ_B, -IRQ_B };
        check("no-preemption", trace_is(want, 4));
    }

    /* Tail-chaining: two pending IRQs of equal priority run one after the other,
     * the lower exception number first. */
    trace_reset();
    board_irq_disable();
    nvic_pend(IRQ_D);
    nvic_pend(IRQ_A);
    cm_dsb_isb();
    board_irq_enable();
    cm_dsb_isb();
    print_order("tail-chain");
    {
        static const int want[] = { IRQ_A, -IRQ_A, IRQ_D, -IRQ_D };
        check("tail-chain", trace_is(want, 4));
    }

    /* PRIMASK: a pended IRQ waits for cpsie i. */
    trace_reset();
    board_irq_disable();
    nvic_pend(IRQ_A);
    cm_dsb_isb();
    spin(100);
    {
        int held = ntrace == 0 && is_pending(IRQ_A) && cm_get_primask() == 1;
        board_irq_enable();
        cm_dsb_isb();
        static const int want[] = { IRQ_A, -IRQ_A };
        check("primask", held && trace_is(want, 2));
    }

#if __ARM_ARCH >= 7
    /* BASEPRI: masks priorities numerically >= its value; higher ones still run. */
    trace_reset();
    cm_set_basepri(PRIO_MID);
    nvic_pend(IRQ_B);                   /* PRIO_LOW: masked */
    cm_dsb_isb();
    spin(100);
    nvic_pend(IRQ_C);                   /* PRIO_HIGH: runs */
    cm_dsb_isb();
    {
        int masked = ntrace == 2 && is_pending(IRQ_B);
        cm_set_basepri(0);
        cm_dsb_isb();
        static const int want[] = { IRQ_C, -IRQ_C, IRQ_B, -IRQ_B };
        check("basepri", masked && trace_is(want, 4));
    }

    /* VTOR: a copy of the vector table in SRAM with one entry changed. */
    for (int i = 0; i < CM_NUM_VECTORS; i++)
        ram_vectors[i] = cm_vectors[i];
    ram_vectors[16 + IRQ_B] = IRQ21_alt_handler;
    trace_reset();
    SCB_VTOR = (uint32_t)(uintptr_t)ram_vectors;
    cm_dsb_isb();
    nvic_pend(IRQ_B);
    cm_dsb_isb();
    {
        int relocated = alt_runs == 1 && ntrace == 0 && SCB_VTOR == (uint32_t)(uintptr_t)ram_vectors;
        SCB_VTOR = 0;
        cm_dsb_isb();
        nvic_pend(IRQ_B);
        cm_dsb_isb();
        static const int want[] = { IRQ_B, -IRQ_B };
        check("vtor", relocated && alt_runs == 1 && trace_is(want, 2));
    }
#endif

    /* WFI: the core sleeps until the SysTick interrupt wakes it. */
    board_tick_start(1000);
    {
        uint32_t t = board_ticks;
        board_wfi();
        check("wfi", board_ticks != t);
    }
    /* WFI with PRIMASK set: the pending SysTick wakes the core, but its handler runs
     * only after cpsie i. */
    board_irq_disable();
    {
        uint32_t t = board_ticks;
        board_wfi();
        int slept = board_ticks == t;
        board_irq_enable();
        cm_dsb_isb();
        check("wfi-primask", slept && board_ticks != t);
    }
    board_tick_stop();

    uart_printf("t-irq: done, %d failed\n", failures);
    return failures ? 1 : 0;
}
