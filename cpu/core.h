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
    CORE__COUNT
} CoreModel;

typedef enum CoreArch { ARCH_ARM_M, ARCH_RISCV32 } CoreArch;

/* "cortex-m0" ... "rv32imac"; core_from_name returns -1 for an unknown name. */
const char *core_name(CoreModel c);
int core_from_name(const char *name);
CoreArch core_arch(CoreModel c);
/* ELF e_machine value images for this core carry (EM_ARM 40, EM_RISCV 243). */
int core_elf_machine(CoreModel c);
static inline bool core_is_armv6m(CoreModel c) { return c == CORE_CORTEX_M0 || c == CORE_CORTEX_M0PLUS; }

#endif
