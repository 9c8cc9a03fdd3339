/* startup_cortexm.c: Cortex-M vector table and reset: SP from the linker script, .data
 * copied from its load address in flash, .bss zeroed, TLS for picolibc, main(), exit. */
#include <stdint.h>

#include "board.h"
#include "cortexm.h"
#include "semihost.h"

extern uint32_t __StackTop[];
extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __zero_end[];
extern char __tls_base[];

int main(void);
void Reset_Handler(void);
void Default_Handler(void);
void _set_tls(void *tls);
static void reset_c(void) __attribute__((noreturn, used));

/* Every handler defaults to Default_Handler; a firmware overrides one by defining it. */
#define WEAK_HANDLER(name) void name(void) __attribute__((weak, alias("Default_Handler")))
WEAK_HANDLER(NMI_Handler);
WEAK_HANDLER(HardFault_Handler);
WEAK_HANDLER(MemManage_Handler);
WEAK_HANDLER(BusFault_Handler);
WEAK_HANDLER(UsageFault_Handler);
WEAK_HANDLER(SVC_Handler);
WEAK_HANDLER(DebugMon_Handler);
WEAK_HANDLER(PendSV_Handler);
WEAK_HANDLER(SysTick_Handler);
#define IRQ(n) WEAK_HANDLER(IRQ##n##_Handler)
IRQ(0); IRQ(1); IRQ(2); IRQ(3); IRQ(4); IRQ(5); IRQ(6); IRQ(7);
IRQ(8); IRQ(9); IRQ(10); IRQ(11); IRQ(12); IRQ(13); IRQ(14); IRQ(15);
IRQ(16); IRQ(17); IRQ(18); IRQ(19); IRQ(20); IRQ(21); IRQ(22); IRQ(23);
IRQ(24); IRQ(25); IRQ(26); IRQ(27); IRQ(28); IRQ(29); IRQ(30); IRQ(31);

#if BOARD_NUM_IRQ != 32
#error "the vector table below lists 32 external interrupts"
#endif

__attribute__((section(".vectors"), used))
const cm_vector_t cm_vectors[CM_NUM_VECTORS] = {
    (cm_vector_t)(uintptr_t)__StackTop,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    0, 0, 0, 0,
    SVC_Handler,
    DebugMon_Handler,
    0,
    PendSV_Handler,
    SysTick_Handler,
    IRQ0_Handler, IRQ1_Handler, IRQ2_Handler, IRQ3_Handler,
    IRQ4_Handler, IRQ5_Handler, IRQ6_Handler, IRQ7_Handler,
    IRQ8_Handler, IRQ9_Handler, IRQ10_Handler, IRQ11_Handler,
    IRQ12_Handler, IRQ13_Handler, IRQ14_Handler, IRQ15_Handler,
    IRQ16_Handler, IRQ17_Handler, IRQ18_Handler, IRQ19_Handler,
    IRQ20_Handler, IRQ21_Handler, IRQ22_Handler, IRQ23_Handler,
    IRQ24_Handler, IRQ25_Handler, IRQ26_Handler, IRQ27_Handler,
    IRQ28_Handler, IRQ29_Handler, IRQ30_Handler, IRQ31_Handler,
};

/* Sets SP itself, so that a runner that starts at the ELF entry without reading the
 * vector table (the benchmark driver) gets the same start as a real reset. */
__attribute__((naked, noreturn)) void Reset_Handler(void)
{
    __asm volatile("ldr r0, =__StackTop\n\t"
                   "mov sp, r0\n\t"
                   "b reset_c\n\t"
                   ".ltorg");
}

static void reset_c(void)
{
    volatile uint32_t *src = __data_load, *dst = __data_start;

    /* Word loops written out (volatile) so the compiler makes no library calls here. */
    while (dst < __data_end)
        *dst++ = *src++;
    for (dst = __bss_start; dst < __zero_end; dst++)
        *dst = 0;
    _set_tls(__tls_base);
    sh_exit(main());
}

void Default_Handler(void)
{
    uint32_t exc = cm_get_ipsr() & 0x1FF;

    uart_init();
    uart_printf("unhandled exception %lu\n", (unsigned long)exc);
    sh_exit(63);
}
