/* core.h: the CPU cores baregc models (names as in board files). No Unicorn here. */
#ifndef BAREGC_CORE_H
#define BAREGC_CORE_H

#include <stdbool.h>

typedef enum CoreModel {
    CORE_CORTEX_M0,
    CORE_CORTEX_M0PLUS,
    CORE_CORTEX_M3,
    CORE_CORTEX_M4,
    CORE_RV32IMAC,
    CORE_RV32GC,
    CORE__COUNT
} CoreModel;

typedef enum CoreArch { ARCH_ARM_M, ARCH_RISCV32, ARCH__COUNT } CoreArch;

/* "cortex-m0" ... "rv32gc"; core_from_name returns -1 for an unknown name. */
const char *core_name(CoreModel c);
int core_from_name(const char *name);
CoreArch core_arch(CoreModel c);
/* ELF e_machine value images for this core carry (EM_ARM 40, EM_RISCV 243). */
int core_elf_machine(CoreModel c);
static inline bool core_is_armv6m(CoreModel c) { return c == CORE_CORTEX_M0 || c == CORE_CORTEX_M0PLUS; }

/* What the layers above need to know of a core, as properties rather than
 * architecture tests. */
/* Reset takes SP and PC from a vector table at the board's boot address
 * (Cortex-M); otherwise the core starts at the image's entry point (RISC-V). */
bool core_boots_from_vector_table(CoreModel c);
/* Exceptions and interrupts go through an NVIC (with its System Control Space)
 * that the machine creates and hands to the CPU (CpuConfig.nvic). */
bool core_has_nvic(CoreModel c);
/* The core has CPU-local interrupt lines (cpu_local_irq: RISC-V mip bits). */
bool core_has_local_irq_lines(CoreModel c);
/* RISC-V: the core has supervisor mode, its CSRs (sstatus ... satp, medeleg,
 * mideleg) and the F and D extensions, as QEMU's rv32 CPU (the virt machine's);
 * false for the E31-like rv32imac (machine and user modes only) and for ARM. */
bool core_has_supervisor_mode(CoreModel c);

#endif
