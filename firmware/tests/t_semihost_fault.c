/* t_semihost_fault.c: a semihosting call that writes guest memory (SYS_ELAPSED: 8
 * bytes) aimed where the firmware's own store would fault: its code in flash
 * (lm3s6965evb, sifive_e; the build defines SH_FAULT_FLASH) or outside every memory
 * (virt-rv32: 0x30000000). The host must refuse it with that store's fault: baregc
 * stops with exit 80 ("start" on the UART, never "survived"); with --keep-going the
 * fault is delivered to the firmware (HardFault; RISC-V: a store access fault, mcause
 * 7, mtval the address), whose handler checks the code is intact and exits with 9.
 * Not for QEMU: its lm3s6965evb and sifive_e flash ignore writes. */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "semihost.h"

static const volatile uint8_t *target;
#ifdef SH_FAULT_FLASH
static uint8_t code_copy[8];
#endif

__attribute__((noreturn)) static void report_fault(void)
{
#ifdef SH_FAULT_FLASH
    int intact = memcmp((const void *)target, code_copy, sizeof code_copy) == 0;
    uart_printf("fault handler: the code at the target is %s\n", intact ? "unchanged" : "OVERWRITTEN");
    sh_exit(intact ? 9 : 1);
#else
    uart_puts("fault handler\n");
    sh_exit(9);
#endif
}

#if defined(__arm__)
void HardFault_Handler(void)
{
    uart_puts("hardfault\n");
    report_fault();
}
#else
#include "riscv.h"
uint32_t trap_handler(uint32_t mcause, uint32_t mepc, uint32_t *frame)
{
    (void)mepc;
    (void)frame;
    uart_printf("trap mcause %lu, mtval is the target: %s\n", (unsigned long)mcause,
                csr_read(mtval) == (uint32_t)(uintptr_t)target ? "yes" : "no");
    report_fault();
}
#endif

int main(void)
{
    board_init();
    uart_puts("start\n");
#ifdef SH_FAULT_FLASH
    target = (const volatile uint8_t *)((uintptr_t)&main & ~(uintptr_t)1);
    memcpy(code_copy, (const void *)target, sizeof code_copy);
#else
    target = (const volatile uint8_t *)0x30000000u;
#endif
    sh_call(SYS_ELAPSED, (uintptr_t)target);
    uart_puts("survived\n");
    return 1;
}
