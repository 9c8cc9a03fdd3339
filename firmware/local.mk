## firmware/local.mk: the bundled firmware (guest code), built with the cross compilers
## found by configure (ARM_CC, RISCV_CC) into firmware/*.elf of the build tree.
## Plain make rules: one compiler run per image, sources straight from $(srcdir).
## See firmware/README.md for what each image does.

fwsrc = $(srcdir)/firmware

## The images. Names: <what>-<board>.elf; the t-fault-* images without a board
## suffix are for mps2-an385, the *-rv ones for sifive_e.
FIRMWARE_ELFS = \
	firmware/gc-demo-mps2-an385.elf firmware/gc-demo-microbit.elf \
	firmware/gc-demo-sifive_e.elf firmware/gc-demo-virt-rv32.elf \
	firmware/gc-demo-incremental-mps2-an385.elf firmware/bench-mps2-an385.elf \
	firmware/bench-interp-mps2-an385.elf \
	firmware/t-irq-mps2-an385.elf firmware/t-irq-microbit.elf \
	firmware/t-irq-sifive_e.elf firmware/t-irq-virt-rv32.elf \
	firmware/t-semihost-mps2-an385.elf firmware/t-semihost-virt-rv32.elf \
	firmware/t-idle-mps2-an385.elf firmware/t-idle-sifive_e.elf \
	firmware/t-uart-echo-mps2-an385.elf firmware/t-uart-echo-virt-rv32.elf \
	$(FW_FAULT_ARM_ELFS) $(FW_FAULT_RV_ELFS)
FW_FAULT_ARM_ELFS = \
	firmware/t-fault-unmapped-read.elf firmware/t-fault-unmapped-write.elf \
	firmware/t-fault-unmapped-fetch.elf \
	firmware/t-fault-stack.elf firmware/t-fault-sram-limit.elf \
	firmware/t-fault-badinsn.elf firmware/t-fault-hardfault.elf \
	firmware/t-fault-runaway.elf firmware/t-fault-deadlock.elf \
	firmware/t-fault-hole-read.elf firmware/t-fault-hole-write.elf \
	firmware/t-fault-hole-fetch.elf firmware/t-fault-wild-sp.elf
FW_FAULT_RV_ELFS = \
	firmware/t-fault-unmapped-read-rv.elf firmware/t-fault-stack-rv.elf \
	firmware/t-fault-badinsn-rv.elf

## Sources
FW_COMMON_SRCS = $(fwsrc)/common/console.c $(fwsrc)/common/semihost.c \
	$(fwsrc)/common/semihost_call.S
FW_HDRS = $(fwsrc)/common/board.h $(fwsrc)/common/cortexm.h $(fwsrc)/common/riscv.h \
	$(fwsrc)/common/semihost.h $(fwsrc)/gcrt/gc.h $(fwsrc)/demo/workloads.h
FW_AN385_SRCS = $(fwsrc)/common/startup_cortexm.c $(fwsrc)/common/cortexm.c \
	$(fwsrc)/common/uart_cmsdk.c $(FW_COMMON_SRCS)
FW_MICROBIT_SRCS = $(fwsrc)/common/startup_cortexm.c $(fwsrc)/common/cortexm.c \
	$(fwsrc)/common/uart_nrf51.c $(FW_COMMON_SRCS)
FW_SIFIVE_E_SRCS = $(fwsrc)/common/crt0_riscv.S $(fwsrc)/common/riscv.c \
	$(fwsrc)/common/uart_sifive.c $(FW_COMMON_SRCS)
FW_VIRT_SRCS = $(fwsrc)/common/crt0_riscv.S $(fwsrc)/common/riscv.c \
	$(fwsrc)/common/uart_ns16550.c $(FW_COMMON_SRCS)
FW_GC_SRCS = $(fwsrc)/gcrt/gc.c $(fwsrc)/demo/workloads.c
FW_DEMO_SRCS = $(fwsrc)/demo/gc_demo.c $(FW_GC_SRCS)
FW_BENCH_SRCS = $(fwsrc)/demo/bench.c $(FW_GC_SRCS)
FW_INTERP_SRCS = $(fwsrc)/demo/interp.c $(fwsrc)/demo/vm.c $(fwsrc)/gcrt/gc.c
FW_IRQ_RV_SRCS = $(fwsrc)/tests/t_irq_riscv.c $(fwsrc)/tests/t_irq_riscv_vec.S
FW_LDS_FLASH = $(fwsrc)/ld/sections-flash.ld $(fwsrc)/ld/flash-text.ld \
	$(fwsrc)/ld/flash-statics.ld $(fwsrc)/ld/flash-tail.ld
FW_LDS_RAM = $(fwsrc)/ld/sections-ram.ld

## Compilers and flags. picolibc serves as the C library for string, memory and
## snprintf only (integer-only printf); startup code, vector tables and linker scripts
## are our own. RISC-V: -misa-spec=2.2 makes rv32imac include Zicsr (so the csr
## instructions assemble) while still selecting the rv32imac/ilp32 multilib.
FW_CFLAGS = -std=gnu11 -g -O2 -ffunction-sections -fdata-sections \
	-fno-optimize-sibling-calls -Wall -Wextra -Wshadow --specs=picolibc.specs \
	-DPICOLIBC_INTEGER_PRINTF_SCANF -I$(fwsrc)/common -I$(fwsrc)/gcrt -I$(fwsrc)/demo \
	-nostartfiles -Wl,--gc-sections -Wl,--no-warn-execstack -Wl,--no-warn-rwx-segments \
	-L$(fwsrc)/ld
## CLINT mtime rate the sifive_e images assume (Hz): 32768 as on the FE310 and in
## QEMU >= 8.1 (QEMU 7.2's sifive_e runs mtime at 10 MHz: timers there fire ~300x early).
FW_SIFIVE_E_MTIME_HZ = 32768
FW_CC_AN385 = $(ARM_CC) -mcpu=cortex-m3 -mthumb $(FW_CFLAGS) -T mps2-an385.ld \
	-DBOARD_CPU_HZ=25000000 -DBOARD_NAME='"mps2-an385"'
FW_CC_MICROBIT = $(ARM_CC) -mcpu=cortex-m0 -mthumb $(FW_CFLAGS) -T microbit.ld \
	-DBOARD_CPU_HZ=16000000 -DBOARD_NAME='"microbit"'
FW_CC_SIFIVE_E = $(RISCV_CC) -misa-spec=2.2 -march=rv32imac -mabi=ilp32 -mcmodel=medany \
	$(FW_CFLAGS) -T sifive_e.ld -DBOARD_CPU_HZ=16000000 \
	-DBOARD_MTIME_HZ=$(FW_SIFIVE_E_MTIME_HZ) -DBOARD_NAME='"sifive_e"'
FW_CC_VIRT = $(RISCV_CC) -misa-spec=2.2 -march=rv32imac -mabi=ilp32 -mcmodel=medany \
	$(FW_CFLAGS) -T virt-rv32.ld -DBOARD_CPU_HZ=10000000 -DBOARD_MTIME_HZ=10000000 \
	-DBOARD_NAME='"virt-rv32"'
## The 16 KiB-SRAM boards get smaller workloads (same code, smaller counts).
FW_DEMO_SMALL = -DDEMO_TREE_DEPTH=7 -DDEMO_LIST_ROUNDS=300 -DDEMO_LIST_KEEP=4 \
	-DDEMO_LIST_LEN=32 -DDEMO_STRING_ROUNDS=20 -DDEMO_STRING_ITEMS=20 \
	-DDEMO_MAP_ROUNDS=6 -DDEMO_MAP_ENTRIES=100

## Everything an image depends on (Makefile too: the flags live there).
FW_DEPS_AN385 = $(FW_AN385_SRCS) $(FW_HDRS) $(fwsrc)/ld/mps2-an385.ld $(FW_LDS_FLASH) Makefile
FW_DEPS_MICROBIT = $(FW_MICROBIT_SRCS) $(FW_HDRS) $(fwsrc)/ld/microbit.ld $(FW_LDS_FLASH) \
	Makefile
FW_DEPS_SIFIVE_E = $(FW_SIFIVE_E_SRCS) $(FW_HDRS) $(fwsrc)/ld/sifive_e.ld $(FW_LDS_FLASH) \
	Makefile
FW_DEPS_VIRT = $(FW_VIRT_SRCS) $(FW_HDRS) $(fwsrc)/ld/virt-rv32.ld $(FW_LDS_RAM) Makefile

EXTRA_DIST += firmware/README.md firmware/qemu-check.sh \
	$(FW_AN385_SRCS) $(FW_HDRS) \
	$(fwsrc)/common/uart_nrf51.c $(fwsrc)/common/crt0_riscv.S $(fwsrc)/common/riscv.c \
	$(fwsrc)/common/uart_sifive.c $(fwsrc)/common/uart_ns16550.c \
	$(FW_DEMO_SRCS) $(fwsrc)/demo/bench.c $(FW_INTERP_SRCS) $(fwsrc)/demo/vm.h \
	$(fwsrc)/tests/t_irq_cortexm.c $(FW_IRQ_RV_SRCS) $(fwsrc)/tests/t_semihost.c \
	$(fwsrc)/tests/t_idle.c $(fwsrc)/tests/t_fault.c $(fwsrc)/tests/t_uart_echo.c \
	$(fwsrc)/ld/mps2-an385.ld $(fwsrc)/ld/microbit.ld $(fwsrc)/ld/sifive_e.ld \
	$(fwsrc)/ld/virt-rv32.ld $(FW_LDS_FLASH) $(FW_LDS_RAM) \
	tests/expected/firmware.tsv tests/expected/t-uart-echo.in \
	tests/expected/t-semihost.stdout tests/expected/t-semihost.stderr \
	$(FIRMWARE_ELFS:firmware/%.elf=tests/expected/%.uart) \
	tests/expected/t-fault-badinsn-rv.keep-going.uart

if HAVE_FIRMWARE
noinst_DATA += $(FIRMWARE_ELFS)
CLEANFILES += $(FIRMWARE_ELFS)

## -- the demo and the benchmark
firmware/gc-demo-mps2-an385.elf: $(FW_DEMO_SRCS) $(FW_DEPS_AN385)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_AN385) $(FW_DEMO_SRCS) $(FW_AN385_SRCS) -o $@
firmware/gc-demo-microbit.elf: $(FW_DEMO_SRCS) $(FW_DEPS_MICROBIT)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_MICROBIT) $(FW_DEMO_SMALL) $(FW_DEMO_SRCS) \
	$(FW_MICROBIT_SRCS) -o $@
firmware/gc-demo-sifive_e.elf: $(FW_DEMO_SRCS) $(FW_DEPS_SIFIVE_E)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_SIFIVE_E) $(FW_DEMO_SMALL) $(FW_DEMO_SRCS) \
	$(FW_SIFIVE_E_SRCS) -o $@
firmware/gc-demo-virt-rv32.elf: $(FW_DEMO_SRCS) $(FW_DEPS_VIRT)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_VIRT) $(FW_DEMO_SRCS) $(FW_VIRT_SRCS) -o $@
firmware/gc-demo-incremental-mps2-an385.elf: $(FW_DEMO_SRCS) $(FW_DEPS_AN385)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_AN385) -DGC_INCREMENTAL $(FW_DEMO_SRCS) \
	$(FW_AN385_SRCS) -o $@
firmware/bench-mps2-an385.elf: $(FW_BENCH_SRCS) $(FW_DEPS_AN385)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_AN385) -DBOARD_BARE $(FW_BENCH_SRCS) \
	$(FW_AN385_SRCS) -o $@
firmware/bench-interp-mps2-an385.elf: $(FW_INTERP_SRCS) $(fwsrc)/demo/vm.h $(FW_DEPS_AN385)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_AN385) -DBOARD_BARE $(FW_INTERP_SRCS) \
	$(FW_AN385_SRCS) -o $@

## -- interrupts and traps
firmware/t-irq-mps2-an385.elf: $(fwsrc)/tests/t_irq_cortexm.c $(FW_DEPS_AN385)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_AN385) $(fwsrc)/tests/t_irq_cortexm.c \
	$(FW_AN385_SRCS) -o $@
firmware/t-irq-microbit.elf: $(fwsrc)/tests/t_irq_cortexm.c $(FW_DEPS_MICROBIT)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_MICROBIT) $(fwsrc)/tests/t_irq_cortexm.c \
	$(FW_MICROBIT_SRCS) -o $@
firmware/t-irq-sifive_e.elf: $(FW_IRQ_RV_SRCS) $(FW_DEPS_SIFIVE_E)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_SIFIVE_E) $(FW_IRQ_RV_SRCS) \
	$(FW_SIFIVE_E_SRCS) -o $@
firmware/t-irq-virt-rv32.elf: $(FW_IRQ_RV_SRCS) $(FW_DEPS_VIRT)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_VIRT) $(FW_IRQ_RV_SRCS) $(FW_VIRT_SRCS) -o $@

## -- semihosting, idle, UART input
firmware/t-semihost-mps2-an385.elf: $(fwsrc)/tests/t_semihost.c $(FW_DEPS_AN385)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_AN385) $(fwsrc)/tests/t_semihost.c \
	$(FW_AN385_SRCS) -o $@
firmware/t-semihost-virt-rv32.elf: $(fwsrc)/tests/t_semihost.c $(FW_DEPS_VIRT)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_VIRT) $(fwsrc)/tests/t_semihost.c \
	$(FW_VIRT_SRCS) -o $@
firmware/t-idle-mps2-an385.elf: $(fwsrc)/tests/t_idle.c $(FW_DEPS_AN385)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_AN385) $(fwsrc)/tests/t_idle.c \
	$(FW_AN385_SRCS) -o $@
firmware/t-idle-sifive_e.elf: $(fwsrc)/tests/t_idle.c $(FW_DEPS_SIFIVE_E)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_SIFIVE_E) $(fwsrc)/tests/t_idle.c \
	$(FW_SIFIVE_E_SRCS) -o $@
firmware/t-uart-echo-mps2-an385.elf: $(fwsrc)/tests/t_uart_echo.c $(FW_DEPS_AN385)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_AN385) $(fwsrc)/tests/t_uart_echo.c \
	$(FW_AN385_SRCS) -o $@
firmware/t-uart-echo-virt-rv32.elf: $(fwsrc)/tests/t_uart_echo.c $(FW_DEPS_VIRT)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_VIRT) $(fwsrc)/tests/t_uart_echo.c \
	$(FW_VIRT_SRCS) -o $@

## -- faults: one t_fault.c, one FAULT_* per image
FW_FAULT_AN385 = $(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_AN385) \
	$(fwsrc)/tests/t_fault.c $(FW_AN385_SRCS) -o $@
FW_FAULT_SIFIVE_E = $(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_SIFIVE_E) \
	$(fwsrc)/tests/t_fault.c $(FW_SIFIVE_E_SRCS) -o $@
$(FW_FAULT_ARM_ELFS): $(fwsrc)/tests/t_fault.c $(FW_DEPS_AN385)
$(FW_FAULT_RV_ELFS): $(fwsrc)/tests/t_fault.c $(FW_DEPS_SIFIVE_E)
firmware/t-fault-unmapped-read.elf:
	$(FW_FAULT_AN385) -DFAULT_UNMAPPED_READ
firmware/t-fault-unmapped-write.elf:
	$(FW_FAULT_AN385) -DFAULT_UNMAPPED_WRITE
firmware/t-fault-unmapped-fetch.elf:
	$(FW_FAULT_AN385) -DFAULT_UNMAPPED_FETCH
firmware/t-fault-stack.elf:
	$(FW_FAULT_AN385) -DFAULT_STACK
firmware/t-fault-sram-limit.elf:
	$(FW_FAULT_AN385) -DFAULT_SRAM_LIMIT
firmware/t-fault-badinsn.elf:
	$(FW_FAULT_AN385) -DFAULT_BADINSN
firmware/t-fault-hardfault.elf:
	$(FW_FAULT_AN385) -DFAULT_HARDFAULT
firmware/t-fault-runaway.elf:
	$(FW_FAULT_AN385) -DFAULT_RUNAWAY
firmware/t-fault-deadlock.elf:
	$(FW_FAULT_AN385) -DFAULT_DEADLOCK
firmware/t-fault-hole-read.elf:
	$(FW_FAULT_AN385) -DFAULT_HOLE_READ
firmware/t-fault-hole-write.elf:
	$(FW_FAULT_AN385) -DFAULT_HOLE_WRITE
firmware/t-fault-hole-fetch.elf:
	$(FW_FAULT_AN385) -DFAULT_HOLE_FETCH
firmware/t-fault-wild-sp.elf:
	$(FW_FAULT_AN385) -DFAULT_WILD_SP
firmware/t-fault-unmapped-read-rv.elf:
	$(FW_FAULT_SIFIVE_E) -DFAULT_UNMAPPED_READ_RV
firmware/t-fault-stack-rv.elf:
	$(FW_FAULT_SIFIVE_E) -DFAULT_STACK_RV
firmware/t-fault-badinsn-rv.elf:
	$(FW_FAULT_SIFIVE_E) -DFAULT_BADINSN_RV
endif

## The explicit GC event channel: a self-contained collector that
## reports itself through firmware/common/gcevents.h (ITM on mps2, gc-trace-port on virt)
FIRMWARE_ELFS += firmware/events-demo-mps2-an385.elf firmware/events-demo-virt-rv32.elf
FW_EVENTS_SRCS = $(fwsrc)/demo/events_demo.c
FW_EVENTS_DEPS = $(FW_EVENTS_SRCS) $(fwsrc)/common/gcevents.h
EXTRA_DIST += $(FW_EVENTS_DEPS)
if HAVE_FIRMWARE
firmware/events-demo-mps2-an385.elf: $(FW_EVENTS_DEPS) $(FW_DEPS_AN385)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_AN385) $(FW_EVENTS_SRCS) $(FW_AN385_SRCS) -o $@
firmware/events-demo-virt-rv32.elf: $(FW_EVENTS_DEPS) $(FW_DEPS_VIRT)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_VIRT) $(FW_EVENTS_SRCS) $(FW_VIRT_SRCS) -o $@
endif

## gcrt with interrupts masked during collections (interrupt hold-back tests)
FIRMWARE_ELFS += firmware/gc-demo-atomic-mps2-an385.elf
firmware/gc-demo-atomic-mps2-an385.elf: $(FW_DEMO_SRCS) $(FW_DEPS_AN385)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_AN385) -DGC_ATOMIC $(FW_DEMO_SRCS) $(FW_AN385_SRCS) -o $@

## A regressed build of the demo: half the heap, so the collector runs
## about twice as often; tests/e2e_check.sh uses it as an injected regression for
## `baregc check --baseline`.
FIRMWARE_ELFS += firmware/gc-demo-regress-mps2-an385.elf
if HAVE_FIRMWARE
firmware/gc-demo-regress-mps2-an385.elf: $(FW_DEMO_SRCS) $(FW_DEPS_AN385)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_AN385) -DDEMO_HEAP_BYTES=32768 $(FW_DEMO_SRCS) \
	$(FW_AN385_SRCS) -o $@
endif

## RISC-V privileged state and QEMU virt's devices: the CSRs as QEMU 7.2 has them
## (S-mode and PMP on virt-rv32, PMP only on sifive_e), the test finisher's three
## commands (one image each), the Goldfish RTC; and semihosting writes with the
## firmware's own permissions (into flash on lm3s6965evb and sifive_e, outside every
## memory on virt-rv32).
FW_FINISHER_ELFS = firmware/t-finisher-pass-virt-rv32.elf firmware/t-finisher-fail-virt-rv32.elf \
	firmware/t-finisher-reset-virt-rv32.elf
FW_SH_FAULT_ELFS = firmware/t-semihost-fault-lm3s6965evb.elf firmware/t-semihost-fault-sifive_e.elf \
	firmware/t-semihost-fault-virt-rv32.elf
FIRMWARE_ELFS += firmware/t-csr-virt-rv32.elf firmware/t-csr-sifive_e.elf firmware/t-rtc-virt-rv32.elf \
	$(FW_FINISHER_ELFS) $(FW_SH_FAULT_ELFS)
EXTRA_DIST += $(fwsrc)/tests/t_csr_riscv.c $(fwsrc)/tests/t_finisher.c $(fwsrc)/tests/t_rtc.c \
	$(fwsrc)/tests/t_semihost_fault.c $(FW_SH_FAULT_ELFS:firmware/%.elf=tests/expected/%.keep-going.uart)
if HAVE_FIRMWARE
firmware/t-csr-virt-rv32.elf: $(fwsrc)/tests/t_csr_riscv.c $(FW_DEPS_VIRT)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_VIRT) -DHAVE_SMODE $(fwsrc)/tests/t_csr_riscv.c \
	$(FW_VIRT_SRCS) -o $@
firmware/t-csr-sifive_e.elf: $(fwsrc)/tests/t_csr_riscv.c $(FW_DEPS_SIFIVE_E)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_SIFIVE_E) $(fwsrc)/tests/t_csr_riscv.c \
	$(FW_SIFIVE_E_SRCS) -o $@
firmware/t-rtc-virt-rv32.elf: $(fwsrc)/tests/t_rtc.c $(FW_DEPS_VIRT)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_VIRT) $(fwsrc)/tests/t_rtc.c $(FW_VIRT_SRCS) -o $@
FW_FINISHER = $(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_VIRT) $(fwsrc)/tests/t_finisher.c \
	$(FW_VIRT_SRCS) -o $@
$(FW_FINISHER_ELFS): $(fwsrc)/tests/t_finisher.c $(FW_DEPS_VIRT)
firmware/t-finisher-pass-virt-rv32.elf:
	$(FW_FINISHER) -DFINISHER_WORD=0x5555
firmware/t-finisher-fail-virt-rv32.elf:
	$(FW_FINISHER) -DFINISHER_WORD='(42 << 16 | 0x3333)'
firmware/t-finisher-reset-virt-rv32.elf:
	$(FW_FINISHER) -DFINISHER_WORD=0x7777
FW_SH_FAULT_SRCS = $(fwsrc)/tests/t_semihost_fault.c
firmware/t-semihost-fault-lm3s6965evb.elf: $(FW_SH_FAULT_SRCS) $(FW_DEPS_LM3S)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_LM3S) -DSH_FAULT_FLASH $(FW_SH_FAULT_SRCS) \
	$(FW_LM3S_SRCS) -o $@
firmware/t-semihost-fault-sifive_e.elf: $(FW_SH_FAULT_SRCS) $(FW_DEPS_SIFIVE_E)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_SIFIVE_E) -DSH_FAULT_FLASH $(FW_SH_FAULT_SRCS) \
	$(FW_SIFIVE_E_SRCS) -o $@
firmware/t-semihost-fault-virt-rv32.elf: $(FW_SH_FAULT_SRCS) $(FW_DEPS_VIRT)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_VIRT) $(FW_SH_FAULT_SRCS) $(FW_VIRT_SRCS) -o $@
endif

## The demo with the stack first in RAM, below .data/.bss and without a named stack
## limit (as TinyGo lays out its images), for the SRAM headroom's tests.
FIRMWARE_ELFS += firmware/gc-demo-stack-first-mps2-an385.elf
FW_STACK_FIRST_LDS = $(fwsrc)/ld/mps2-an385-stack-first.ld $(fwsrc)/ld/sections-flash-stack-first.ld
EXTRA_DIST += $(FW_STACK_FIRST_LDS)
if HAVE_FIRMWARE
firmware/gc-demo-stack-first-mps2-an385.elf: $(FW_DEMO_SRCS) $(FW_DEPS_AN385) $(FW_STACK_FIRST_LDS)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_AN385:mps2-an385.ld=mps2-an385-stack-first.ld) \
	$(FW_DEMO_SRCS) $(FW_AN385_SRCS) -o $@
endif

## A known split of CPU time, measured by the firmware itself, for the CPU profile's
## tests (tests/e2e_profile.sh).
FIRMWARE_ELFS += firmware/t-profile-mps2-an385.elf firmware/t-profile-virt-rv32.elf
EXTRA_DIST += $(fwsrc)/tests/t_profile.c
if HAVE_FIRMWARE
firmware/t-profile-mps2-an385.elf: $(fwsrc)/tests/t_profile.c $(FW_DEPS_AN385)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_AN385) $(fwsrc)/tests/t_profile.c $(FW_AN385_SRCS) -o $@
firmware/t-profile-virt-rv32.elf: $(fwsrc)/tests/t_profile.c $(FW_DEPS_VIRT)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_VIRT) $(fwsrc)/tests/t_profile.c $(FW_VIRT_SRCS) -o $@
endif

## A line REPL for driving the console UART as a terminal (tests/e2e_uart_term.sh):
## polls the UART on mps2-an385, sleeps in WFI on virt-rv32
FIRMWARE_ELFS += firmware/t-repl-mps2-an385.elf firmware/t-repl-virt-rv32.elf
EXTRA_DIST += $(fwsrc)/tests/t_repl.c tests/expected/t-repl.in
if HAVE_FIRMWARE
firmware/t-repl-mps2-an385.elf: $(fwsrc)/tests/t_repl.c $(FW_DEPS_AN385)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_AN385) $(fwsrc)/tests/t_repl.c $(FW_AN385_SRCS) -o $@
firmware/t-repl-virt-rv32.elf: $(fwsrc)/tests/t_repl.c $(FW_DEPS_VIRT)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_VIRT) $(fwsrc)/tests/t_repl.c $(FW_VIRT_SRCS) -o $@
endif

## The boards' own checks (firmware/tests/t_board.c: every memory and device of the QEMU
## machine), and the Stellaris LM3S6965 (lm3s6965evb) images. The flash-write fault
## needs a board whose flash is flash (mps2's code memory is RAM).
FW_LM3S_SRCS = $(fwsrc)/common/startup_cortexm.c $(fwsrc)/common/cortexm.c \
	$(fwsrc)/common/uart_pl011.c $(FW_COMMON_SRCS)
FW_DEPS_LM3S = $(FW_LM3S_SRCS) $(FW_HDRS) $(fwsrc)/ld/lm3s6965evb.ld $(FW_LDS_FLASH) Makefile
FW_CC_LM3S = $(ARM_CC) -mcpu=cortex-m3 -mthumb $(FW_CFLAGS) -T lm3s6965evb.ld \
	-DBOARD_CPU_HZ=12500000 -DBOARD_NAME='"lm3s6965evb"'
FW_CC_AN386 = $(ARM_CC) -mcpu=cortex-m4 -mthumb -mfloat-abi=soft $(FW_CFLAGS) -T mps2-an385.ld \
	-DBOARD_CPU_HZ=25000000 -DBOARD_NAME='"mps2-an386"'
FIRMWARE_ELFS += firmware/t-board-mps2-an385.elf firmware/t-board-mps2-an386.elf \
	firmware/t-board-lm3s6965evb.elf firmware/t-fault-flash-write.elf
EXTRA_DIST += $(fwsrc)/tests/t_board.c $(fwsrc)/common/uart_pl011.c $(fwsrc)/ld/lm3s6965evb.ld \
	tests/expected/t-board.in tests/expected/t-board-mps2-an385.keep-going.uart \
	tests/expected/t-board-mps2-an386.keep-going.uart tests/expected/t-board-lm3s6965evb.keep-going.uart
if HAVE_FIRMWARE
firmware/t-board-mps2-an385.elf: $(fwsrc)/tests/t_board.c $(FW_DEPS_AN385)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_AN385) -DBOARD_MPS2 $(fwsrc)/tests/t_board.c \
	$(FW_AN385_SRCS) -o $@
firmware/t-board-mps2-an386.elf: $(fwsrc)/tests/t_board.c $(FW_DEPS_AN385)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_AN386) -DBOARD_MPS2 $(fwsrc)/tests/t_board.c \
	$(FW_AN385_SRCS) -o $@
firmware/t-board-lm3s6965evb.elf: $(fwsrc)/tests/t_board.c $(FW_DEPS_LM3S)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_LM3S) -DBOARD_LM3S6965 $(fwsrc)/tests/t_board.c \
	$(FW_LM3S_SRCS) -o $@
firmware/t-fault-flash-write.elf: $(fwsrc)/tests/t_fault.c $(FW_DEPS_LM3S)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_LM3S) -DFAULT_FLASH_WRITE $(fwsrc)/tests/t_fault.c \
	$(FW_LM3S_SRCS) -o $@
endif

## Hostile guests (tests/e2e_hostile.sh): one t_hostile.c, one HOSTILE_* per image;
## <deed>-mps2-an385 and, where the deed is cheap to port, <deed>-virt-rv32.
FW_HOSTILE_ARM_ELFS = firmware/t-hostile-garbage-mps2-an385.elf \
	firmware/t-hostile-spin-masked-mps2-an385.elf firmware/t-hostile-storm-mps2-an385.elf \
	firmware/t-hostile-heap-mps2-an385.elf firmware/t-hostile-flood-mps2-an385.elf \
	firmware/t-hostile-semihost-mps2-an385.elf
FW_HOSTILE_RV_ELFS = firmware/t-hostile-garbage-virt-rv32.elf \
	firmware/t-hostile-spin-masked-virt-rv32.elf firmware/t-hostile-storm-virt-rv32.elf \
	firmware/t-hostile-heap-virt-rv32.elf firmware/t-hostile-flood-virt-rv32.elf \
	firmware/t-hostile-semihost-virt-rv32.elf
FW_HOSTILE_ELFS = $(FW_HOSTILE_ARM_ELFS) $(FW_HOSTILE_RV_ELFS)
FW_HOSTILE_SRCS = $(fwsrc)/tests/t_hostile.c $(fwsrc)/gcrt/gc.c
EXTRA_DIST += $(fwsrc)/tests/t_hostile.c
if HAVE_FIRMWARE
noinst_DATA += $(FW_HOSTILE_ELFS)
CLEANFILES += $(FW_HOSTILE_ELFS)
## the deed from the image's name: t-hostile-spin-masked-... -> -DHOSTILE_SPIN_MASKED
FW_HOSTILE_DEED = -DHOSTILE_$$(echo '$@' | sed -e 's|.*/t-hostile-||' -e 's/-mps2-an385.elf//' \
	-e 's/-virt-rv32.elf//' | tr 'a-z-' 'A-Z_')
$(FW_HOSTILE_ARM_ELFS): $(FW_HOSTILE_SRCS) $(FW_DEPS_AN385)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_AN385) $(FW_HOSTILE_DEED) $(FW_HOSTILE_SRCS) \
	$(FW_AN385_SRCS) -o $@
$(FW_HOSTILE_RV_ELFS): $(FW_HOSTILE_SRCS) $(FW_DEPS_VIRT)
	$(AM_V_GEN)$(MKDIR_P) firmware && $(FW_CC_VIRT) $(FW_HOSTILE_DEED) $(FW_HOSTILE_SRCS) \
	$(FW_VIRT_SRCS) -o $@
endif
