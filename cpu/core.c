/* core.c: names, architectures and architecture properties of the modelled cores. */
#include "config.h"

#include <string.h>

#include "cpu/core.h"

static const struct {
    const char *name;
    CoreArch arch;
    bool smode; /* core_has_supervisor_mode */
} cores[CORE__COUNT] = {
    [CORE_CORTEX_M0] = {"cortex-m0", ARCH_ARM_M},
    [CORE_CORTEX_M0PLUS] = {"cortex-m0plus", ARCH_ARM_M},
    [CORE_CORTEX_M3] = {"cortex-m3", ARCH_ARM_M},
    [CORE_CORTEX_M4] = {"cortex-m4", ARCH_ARM_M},
    [CORE_RV32IMAC] = {"rv32imac", ARCH_RISCV32},
    [CORE_RV32GC] = {"rv32gc", ARCH_RISCV32, .smode = true},
};

/* One row per architecture: see core.h for each property. */
static const struct {
    int elf_machine;
    bool vector_table;
    bool nvic;
    bool local_irq_lines;
} arches[ARCH__COUNT] = {
    [ARCH_ARM_M] = {.elf_machine = 40 /* EM_ARM */, .vector_table = true, .nvic = true},
    [ARCH_RISCV32] = {.elf_machine = 243 /* EM_RISCV */, .local_irq_lines = true},
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

int core_elf_machine(CoreModel c) { return arches[cores[c].arch].elf_machine; }
bool core_boots_from_vector_table(CoreModel c) { return arches[cores[c].arch].vector_table; }
bool core_has_nvic(CoreModel c) { return arches[cores[c].arch].nvic; }
bool core_has_local_irq_lines(CoreModel c) { return arches[cores[c].arch].local_irq_lines; }
bool core_has_supervisor_mode(CoreModel c) { return cores[c].smode; }
