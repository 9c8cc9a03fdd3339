## tests/local.mk: the end-to-end tests (they run the real program on the firmware
## the build makes). Unit tests live in their module's local.mk.

E2E_TESTS = tests/e2e_cli.sh tests/e2e_firmware.sh tests/e2e_qemu.sh tests/e2e_faults.sh \
	tests/e2e_determinism.sh tests/e2e_idle.sh tests/e2e_gc.sh
if HAVE_FIRMWARE
TESTS += $(E2E_TESTS)
endif
TESTS += tests/symbols.sh
EXTRA_DIST += tests/lib.sh tests/symbols.sh tests/qemu_run.sh tests/gc_check.py $(E2E_TESTS)

AM_TESTS_ENVIRONMENT = \
	BAREGC='$(abs_top_builddir)/baregc'; \
	FWDIR='$(abs_top_builddir)/firmware'; \
	SRCDIR='$(abs_top_srcdir)'; \
	LIBBAREGC='$(abs_top_builddir)/libbaregc.a'; \
	UNICORN_LIBDIR='$(UNICORN_LIBDIR)'; \
	QEMU_ARM='$(QEMU_ARM)'; QEMU_RISCV32='$(QEMU_RISCV32)'; \
	export BAREGC FWDIR SRCDIR LIBBAREGC UNICORN_LIBDIR QEMU_ARM QEMU_RISCV32;

## -- the TUI in tmux (helper "tui")
E2E_TESTS += tests/e2e_tui.sh

## -- `baregc check` (helper "check"): budgets, JUnit, --from, --baseline on the demo
## and its regressed build (firmware/gc-demo-regress-mps2-an385.elf).
E2E_TESTS += tests/e2e_check.sh
EXTRA_DIST += examples/budget.json

## The heap map (helper "view"): PNG export, replay and the live window under Xvfb.
E2E_TESTS += tests/e2e_view.sh

## -- `baregc report` and `baregc sweep` (helper "report"). e2e_report.sh renders the page
## with headless Chromium when installed (skips, 77, otherwise).
REPORT_E2E_TESTS = tests/e2e_report.sh tests/e2e_sweep.sh
if HAVE_FIRMWARE
TESTS += $(REPORT_E2E_TESTS)
endif
EXTRA_DIST += $(REPORT_E2E_TESTS)
