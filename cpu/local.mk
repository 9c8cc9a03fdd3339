## cpu/local.mk: the cores on Unicorn (the only module that includes unicorn.h): the
## block hook and run loop, Cortex-M exceptions, RISC-V traps, the cycle cost model,
## the debugger's primitives.
libbaregc_a_SOURCES += cpu/core.c cpu/core.h cpu/cpu.c cpu/cpu.h cpu/cpu_internal.h \
	cpu/cortexm.c cpu/riscv.c cpu/cost.c cpu/cost.h cpu/debug.c cpu/debug.h
