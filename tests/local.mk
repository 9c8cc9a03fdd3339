## tests/local.mk: every test. CUnit programs (one per module, all linking the core
## library) run under automake's default driver; the end-to-end scripts run the real
## program on the firmware the build makes and speak TAP (tests/lib.sh), read by
## automake's tap-driver.sh case by case.

UNIT_TESTS = tests/test_image tests/test_board tests/test_cost tests/test_cpu \
	tests/test_devices tests/test_nvic tests/test_semihost tests/test_adapters \
	tests/test_events tests/test_record tests/test_stats tests/test_pprof \
	tests/test_record_json tests/test_budget tests/test_diff tests/test_heapmap tests/test_tui_model tests/test_observe \
	tests/test_suggest tests/test_gdbpacket tests/test_machine_set tests/test_outputs
if HAVE_CUNIT
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
endif
## (the default LDADD, Makefile.am, links them with the core library and CUnit)
AM_CPPFLAGS += $(CUNIT_CFLAGS)
ELF_MAKER = tests/loader_elf.c tests/loader_elf.h
tests_test_image_SOURCES = tests/test_image.c tests/cunit_main.h $(ELF_MAKER)
tests_test_board_SOURCES = tests/test_board.c tests/cunit_main.h $(ELF_MAKER)
tests_test_cost_SOURCES = tests/test_cost.c tests/cunit_main.h
tests_test_cpu_SOURCES = tests/test_cpu.c tests/cunit_main.h
tests_test_devices_SOURCES = tests/test_devices.c tests/cunit_main.h
tests_test_nvic_SOURCES = tests/test_nvic.c tests/cunit_main.h
tests_test_semihost_SOURCES = tests/test_semihost.c tests/cunit_main.h
tests_test_adapters_SOURCES = tests/test_adapters.c tests/cunit_main.h $(ELF_MAKER)
tests_test_events_SOURCES = tests/test_events.c tests/cunit_main.h $(ELF_MAKER)
tests_test_record_SOURCES = tests/test_record.c tests/cunit_main.h
tests_test_stats_SOURCES = tests/test_stats.c tests/cunit_main.h
tests_test_pprof_SOURCES = tests/test_pprof.c tests/cunit_main.h $(ELF_MAKER)
tests_test_record_json_SOURCES = tests/test_record_json.c tests/cunit_main.h
tests_test_budget_SOURCES = tests/test_budget.c tests/cunit_main.h
tests_test_diff_SOURCES = tests/test_diff.c tests/cunit_main.h
tests_test_heapmap_SOURCES = tests/test_heapmap.c tests/cunit_main.h
tests_test_tui_model_SOURCES = tests/test_tui_model.c tests/cunit_main.h
tests_test_observe_SOURCES = tests/test_observe.c tests/cunit_main.h $(ELF_MAKER)
tests_test_suggest_SOURCES = tests/test_suggest.c tests/cunit_main.h
tests_test_gdbpacket_SOURCES = tests/test_gdbpacket.c tests/cunit_main.h
tests_test_machine_set_SOURCES = tests/test_machine_set.c tests/cunit_main.h $(ELF_MAKER)
tests_test_outputs_SOURCES = tests/test_outputs.c tests/cunit_main.h

## The profiles of a synthetic recording, read by the real client (go tool pprof).
check_PROGRAMS += tests/pprof_synth
tests_pprof_synth_SOURCES = tests/pprof_synth.c $(ELF_MAKER)

## The end-to-end scripts. Those that need no firmware run everywhere.
E2E_TESTS = tests/e2e_cli.sh tests/e2e_firmware.sh tests/e2e_qemu.sh tests/e2e_faults.sh \
	tests/e2e_determinism.sh tests/e2e_idle.sh tests/e2e_gc.sh tests/e2e_tui.sh \
	tests/e2e_check.sh tests/e2e_view.sh tests/e2e_report.sh tests/e2e_sweep.sh \
	tests/e2e_profile.sh tests/e2e_summary.sh \
	tests/e2e_uart_term.sh tests/e2e_diff.sh tests/e2e_readme.sh tests/e2e_progress.sh tests/e2e_hostile.sh \
	tests/e2e_validate.sh tests/e2e_gdb.sh tests/e2e_set.sh tests/e2e_sweep_shard.sh \
	tests/e2e_sweep_signals.sh tests/e2e_signals.sh tests/e2e_outputs.sh
if HAVE_FIRMWARE
TESTS += $(E2E_TESTS)
endif
TESTS += tests/symbols.sh tests/layers.sh tests/e2e_pprof_synth.sh tests/man.sh tests/e2e_completion.sh
EXTRA_DIST += tests/lib.sh tests/symbols.sh tests/layers.sh tests/qemu_run.sh tests/gc_check.py \
	tests/man.sh tests/e2e_completion.sh \
	tests/profile_check.py tests/taplib.py \
	tests/repl_drive.py \
	tests/e2e_pprof_synth.sh $(E2E_TESTS) examples/budget.json

TEST_EXTENSIONS = .sh
SH_LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
SH_LOG_COMPILER = $(SHELL)

AM_TESTS_ENVIRONMENT = \
	BAREGC='$(abs_top_builddir)/baregc'; \
	FWDIR='$(abs_top_builddir)/firmware'; \
	SRCDIR='$(abs_top_srcdir)'; \
	LIBBAREGC='$(abs_top_builddir)/libbaregc.a'; \
	UNICORN_LIBDIR='$(UNICORN_LIBDIR)'; \
	QEMU_ARM='$(QEMU_ARM)'; QEMU_RISCV32='$(QEMU_RISCV32)'; \
	ARM_CC='$(ARM_CC)'; RISCV_CC='$(RISCV_CC)'; \
	export BAREGC FWDIR SRCDIR LIBBAREGC UNICORN_LIBDIR QEMU_ARM QEMU_RISCV32 ARM_CC RISCV_CC;
