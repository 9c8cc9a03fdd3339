/* t_profile.c: a known split of CPU time, for the tests of the CPU profile. leaf_a is
 * called from caller_x and from caller_y, leaf_b from caller_x; tail_from does its own
 * work and then jumps to tail_to (a tail call: tail_to runs in main's frame); recurse
 * calls itself; a timer tick interrupts all of them, its hook tick_work doing work of
 * its own. Every function's time is measured with the core's cycle counter (DWT
 * CYCCNT / mcycle) by its caller around the call; its flat time is that less its
 * callees' and less the tick interrupts that came inside it, each at the whole cost of
 * one (entry, handler, return: what one adds to a calibration loop). The expected
 * figures go to the semihosting console, one line a function ("profile NAME flat F
 * cum C", cycles; "-" where there is none to give) and one a call edge ("profile-edge
 * CALLEE CALLER cum C": the time of CALLEE called from CALLER); the UART gets
 * "t-profile: done" only (no timing there). */
#include <stdint.h>

#include "board.h"
#include "semihost.h"

#if defined(__riscv)
#include "riscv.h"
#define HANDLER "trap_entry" /* the interrupt's entry function in a profile */
static inline uint32_t cycles_now(void) { return csr_read(mcycle); }
static inline void irq_off(void) { csr_clear(mstatus, MSTATUS_MIE); }
static inline void irq_on(void) { csr_set(mstatus, MSTATUS_MIE); }
/* n iterations of a two-instruction loop, in the function that uses it */
#define SPIN(n) __asm volatile("1: addi %0, %0, -1\n\tbnez %0, 1b" : "+r"(n)::"memory")
#else
#include "cortexm.h"
#define HANDLER "SysTick_Handler"
static inline uint32_t cycles_now(void) { return DWT_CYCCNT; }
static inline void irq_off(void) { __asm volatile("cpsid i" ::: "memory"); }
static inline void irq_on(void) { __asm volatile("cpsie i" ::: "memory"); }
#define SPIN(n) __asm volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n)::"cc", "memory")
#endif

/* Iterations of each piece of work (about 2-4 cycles each); ROUNDS of all of it. */
#define ROUNDS 16
#define N_LEAF_A_X 9000
#define N_LEAF_A_Y 12000
#define N_LEAF_B 7000
#define N_OWN_X 8000
#define N_OWN_Y 6000
#define N_TAIL_FROM 8000
#define N_TAIL_TO 10000
#define N_RECURSE 2000 /* per level */
#define RECURSE_DEPTH 5
#define N_TICK 1000
#define N_CALIBRATE 40000
#define TICK_CYCLES 25000 /* the tick's period in core cycles */

/* A point in time: the cycle counter and the ticks so far. */
typedef struct Span {
    uint32_t t, ticks;
} Span;

typedef struct Total {
    uint32_t cum, ticks; /* cycles of the measured spans, and the tick interrupts inside them */
} Total;

static volatile uint32_t irq_cycles;   /* cycles tick_work measured itself */
static volatile uint32_t recurse_sink;
static Total t_leaf_a_x, t_leaf_a_y, t_leaf_b, t_caller_x, t_caller_y, t_tail_from, t_tail_to, t_recurse;
static Span tail_mid; /* where tail_from jumps to tail_to */
static uint32_t tick_cost; /* cycles: one tick interrupt, as the code it interrupts sees it */

/* The time and the ticks now, with interrupts masked for the two reads so that no
 * interrupt falls between them. */
static inline Span span_now(void)
{
    Span s;
    irq_off();
    s.t = cycles_now();
    s.ticks = board_ticks;
    irq_on();
    return s;
}

static inline void span_add(Total *t, Span from, Span to)
{
    t->cum += to.t - from.t;
    t->ticks += to.ticks - from.ticks;
}

/* The cycles of t's interrupts. */
static uint32_t irq_of(Total t) { return t.ticks * tick_cost; }

#define MEASURE(total, call)                                                                                   \
    do {                                                                                                       \
        Span a_ = span_now();                                                                                  \
        call;                                                                                                  \
        span_add(&(total), a_, span_now());                                                                    \
    } while (0)

__attribute__((noipa)) static void leaf_a(uint32_t n) { SPIN(n); }
__attribute__((noipa)) static void leaf_b(uint32_t n) { SPIN(n); }

__attribute__((noipa)) static void caller_x(void)
{
    uint32_t n = N_OWN_X;
    MEASURE(t_leaf_a_x, leaf_a(N_LEAF_A_X));
    SPIN(n);
    MEASURE(t_leaf_b, leaf_b(N_LEAF_B));
}

__attribute__((noipa)) static void caller_y(void)
{
    uint32_t n = N_OWN_Y;
    SPIN(n);
    MEASURE(t_leaf_a_y, leaf_a(N_LEAF_A_Y));
}

__attribute__((noipa)) static void tail_to(uint32_t n) { SPIN(n); }

/* Its own work, then a jump to tail_to (the build turns sibling calls off; this
 * function turns them back on). */
__attribute__((noipa, optimize("optimize-sibling-calls"))) static void tail_from(uint32_t n)
{
    uint32_t own = N_TAIL_FROM;
    SPIN(own);
    tail_mid = span_now();
    tail_to(n);
}

__attribute__((noipa)) static void recurse(uint32_t depth)
{
    uint32_t n = N_RECURSE;
    SPIN(n);
    if (depth > 1)
        recurse(depth - 1);
    recurse_sink++; /* after the call: no tail call */
}

/* The tick's hook, called from the interrupt handler. */
__attribute__((noipa)) static void tick_work(void)
{
    uint32_t t0 = cycles_now(), n = N_TICK;
    SPIN(n);
    irq_cycles += cycles_now() - t0;
}

/* The calibration loop's cycles and tick interrupts. */
__attribute__((noipa)) static Total calibrate(void)
{
    uint32_t n = N_CALIBRATE;
    Total t = {0, 0};
    Span a = span_now();
    SPIN(n);
    span_add(&t, a, span_now());
    return t;
}

static void report(const char *name, uint32_t flat, uint32_t cum)
{
    sh_printf("profile %s flat %lu cum %lu\n", name, (unsigned long)flat, (unsigned long)cum);
}

static void report_edge(const char *callee, const char *caller, uint32_t cum)
{
    sh_printf("profile-edge %s %s cum %lu\n", callee, caller, (unsigned long)cum);
}

int main(void)
{
    board_init();
    /* The cost of one tick interrupt: the calibration loop with ticks, less without. */
    Total quiet = calibrate();
    board_tick_hook = tick_work;
    board_tick_start(BOARD_CPU_HZ / TICK_CYCLES);
    Total busy = calibrate();
    tick_cost = busy.ticks ? (busy.cum - quiet.cum) / busy.ticks : 0;

    for (int i = 0; i < ROUNDS; i++) {
        MEASURE(t_caller_x, caller_x());
        MEASURE(t_caller_y, caller_y());
        Span begin = span_now();
        tail_from(N_TAIL_TO);
        span_add(&t_tail_to, tail_mid, span_now());
        span_add(&t_tail_from, begin, tail_mid);
        MEASURE(t_recurse, recurse(RECURSE_DEPTH));
    }
    board_tick_stop();
    uint32_t ticks = board_ticks;

    /* flat: cum less the callees' cum and the interrupts outside them */
    Total a = {t_leaf_a_x.cum + t_leaf_a_y.cum, t_leaf_a_x.ticks + t_leaf_a_y.ticks};
    report("leaf_a", a.cum - irq_of(a), a.cum);
    report("leaf_b", t_leaf_b.cum - irq_of(t_leaf_b), t_leaf_b.cum);
    Total x_in = {t_leaf_a_x.cum + t_leaf_b.cum, t_leaf_a_x.ticks + t_leaf_b.ticks};
    report("caller_x", t_caller_x.cum - x_in.cum - (irq_of(t_caller_x) - irq_of(x_in)), t_caller_x.cum);
    report("caller_y", t_caller_y.cum - t_leaf_a_y.cum - (irq_of(t_caller_y) - irq_of(t_leaf_a_y)), t_caller_y.cum);
    report("tail_from", t_tail_from.cum - irq_of(t_tail_from), t_tail_from.cum);
    report("tail_to", t_tail_to.cum - irq_of(t_tail_to), t_tail_to.cum);
    report("recurse", t_recurse.cum - irq_of(t_recurse), t_recurse.cum);
    report("tick_work", irq_cycles, irq_cycles);
    report_edge("leaf_a", "caller_x", t_leaf_a_x.cum);
    report_edge("leaf_a", "caller_y", t_leaf_a_y.cum);
    report_edge("leaf_b", "caller_x", t_leaf_b.cum);
    report_edge("tail_from", "main", t_tail_from.cum);
    report_edge("tail_to", "main", t_tail_to.cum); /* jumped to: main's frame, not tail_from's */
    sh_printf("profile " HANDLER " flat - cum %lu\n", (unsigned long)(tick_cost * ticks));
    sh_printf("profile-ticks %lu cost %lu\n", (unsigned long)ticks, (unsigned long)tick_cost);
    uart_puts("t-profile: done\n");
    return 0;
}
