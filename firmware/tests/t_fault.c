/* t_fault.c: one deliberate guest fault per image (the build defines one FAULT_*).
 * Each prints "start\n" on the UART first. The ARM images are for mps2-an385 (but
 * FAULT_FLASH_WRITE for lm3s6965evb, whose flash is flash), the *_RV ones for sifive_e. What a simulator is expected to report is in
 * tests/expected/firmware.tsv. */
#include <stdint.h>

#include "board.h"
#include "semihost.h"

volatile uint32_t fault_sink;
volatile int fault_never;       /* always 0: keeps the compiler from seeing the loops end */

#if defined(FAULT_STACK) || defined(FAULT_STACK_RV)
/* Unbounded recursion, 256+ bytes a frame: the stack runs down below __StackLimit. */
__attribute__((noinline)) static uint32_t recurse(uint32_t depth)
{
    volatile uint8_t frame[256];

    frame[0] = (uint8_t)depth;
    frame[255] = (uint8_t)depth;
    if (fault_never)
        return 0;
    return recurse(depth + 1) + frame[0] + frame[255];
}
#endif

#if defined(FAULT_HARDFAULT)
/* Reached when the undefined instruction below is delivered to the firmware
 * (UsageFault, escalated to HardFault because it is not enabled). */
void HardFault_Handler(void)
{
    uart_puts("hardfault handler\n");
    sh_exit(9);
}
#endif

#if defined(FAULT_BADINSN_RV)
#include "riscv.h"
/* mtvec (direct mode, set by crt0) leads here: report the trap and exit 9. */
uint32_t trap_handler(uint32_t mcause, uint32_t mepc, uint32_t *frame)
{
    (void)mepc;
    (void)frame;
    uart_printf("illegal instruction trap, mcause %lu\n", (unsigned long)mcause);
    sh_exit(9);
}
#endif

int main(void)
{
    board_init();
    uart_puts("start\n");

#if defined(FAULT_UNMAPPED_READ)
    fault_sink = *(volatile uint32_t *)0x30000000u;
#elif defined(FAULT_UNMAPPED_READ_RV)
    fault_sink = *(volatile uint32_t *)0x60000000u;
#elif defined(FAULT_UNMAPPED_WRITE)
    *(volatile uint32_t *)0x30000000u = 0xDEADBEEFu;
#elif defined(FAULT_UNMAPPED_FETCH)
    ((void (*)(void))0x30000001u)();
#elif defined(FAULT_HOLE_READ) /* between the APB devices and the SCS: nothing there */
    fault_sink = *(volatile uint32_t *)0x60000000u;
#elif defined(FAULT_HOLE_WRITE)
    *(volatile uint32_t *)0x60000000u = 0xDEADBEEFu;
#elif defined(FAULT_HOLE_FETCH)
    ((void (*)(void))0x60000001u)();
#elif defined(FAULT_FLASH_WRITE)
    *(volatile uint32_t *)0x00001000u = 0x12345678u;
#elif defined(FAULT_STACK) || defined(FAULT_STACK_RV)
    fault_sink = recurse(0);
#elif defined(FAULT_SRAM_LIMIT)
    /* Beyond 16 KiB of SRAM: run with --sram 16K. */
    *(volatile uint32_t *)0x20008000u = 0x5A5A5A5Au;
    fault_sink = *(volatile uint32_t *)0x20008000u;
#elif defined(FAULT_BADINSN) || defined(FAULT_HARDFAULT)
    __asm volatile("udf #0");
#elif defined(FAULT_BADINSN_RV)
    __asm volatile(".option push\n\t.option norvc\n\t.4byte 0\n\t.option pop");
#elif defined(FAULT_WILD_SP)
    /* SP loaded with an address in flash, far below SRAM and its stack limit; the
     * branch ends the basic block, so that SP is read back before the push. */
    __asm volatile("mov sp, %0\n\tb 1f\n1:\tpush {r0}" ::"r"(0x00001000u) : "memory");
#elif defined(FAULT_RUNAWAY)
    /* Never ends: for --max-cycles. */
    for (;;)
        fault_sink++;
#elif defined(FAULT_DEADLOCK)
    /* Interrupts masked, no timer: WFI can never wake up. */
    board_irq_disable();
    for (;;)
        board_wfi();
#else
#error "define one FAULT_*"
#endif
    uart_puts("survived\n");
    return 1;
}
