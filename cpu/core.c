/* core.c: names and architectures of the modelled cores. */
#include "config.h"

#include <string.h>

#include "cpu/core.h"

static const struct {
    const char *name;
    CoreArch arch;
} cores[CORE__COUNT] = {
    [CORE_CORTEX_M0] = {"cortex-m0", ARCH_ARM_M},
    [CORE_CORTEX_M0PLUS] = {"cortex-m0plus", ARCH_ARM_M},
    [CORE_CORTEX_M3] = {"cortex-m3", ARCH_ARM_M},
    [CORE_CORTEX_M4] = {"cortex-m4", ARCH_ARM_M},
    [CORE_RV32IMAC] = {"rv32imac", ARCH_RISCV32},
};

const char *core_name(CoreModel c) { return (unsigned)c < CORE__COUNT ? cores[c].name : "?"; }

int core_from_name(const char *name)
{
    for (int i = 0; i < CORE__COUNT; i++)
        if (strcmp(cores[i].name, name) == 0)
            return i;
    return -1;
}

CoreArch core_arch(CoreModel c) { return cores[c].arch; }

int core_elf_machine(CoreModel c) { return cores[c].arch == ARCH_ARM_M ? 40 /* EM_ARM */ : 243 /* EM_RISCV */; }
