## cpu/local.mk: unit tests of the CPU layer: the cost model on known instruction
## sequences, and the core (exceptions, sleep, faults) on tiny machine-code programs.
if HAVE_CUNIT
check_PROGRAMS += tests/test_cost tests/test_cpu
TESTS += tests/test_cost tests/test_cpu
endif
tests_test_cost_SOURCES = tests/test_cost.c tests/cunit_main.h cpu/cost.c cpu/core.c sim/util.c
tests_test_cost_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_cost_LDADD = $(CAPSTONE_LIBS) $(CUNIT_LIBS)

tests_test_cpu_SOURCES = tests/test_cpu.c tests/cunit_main.h cpu/cpu.c cpu/cortexm.c cpu/riscv.c \
	cpu/cost.c cpu/core.c devices/nvic.c sim/util.c sim/sched.c
tests_test_cpu_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_cpu_LDADD = $(UNICORN_LIBS) $(CAPSTONE_LIBS) $(CUNIT_LIBS) -lm
