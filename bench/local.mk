## bench/local.mk: appended to the top-level Makefile.am

## -- bench/: the speed benchmark (not a test: no timing is asserted anywhere).
## bench/bare-unicorn runs a Cortex-M image on bare Unicorn, the reference that
## `make bench` compares baregc and qemu-system-arm with (see bench/README.md).
noinst_PROGRAMS += bench/bare-unicorn
bench_bare_unicorn_SOURCES = bench/bare_unicorn.c
bench_bare_unicorn_LDADD = $(UNICORN_LIBS) $(LIBELF_LIBS)
EXTRA_DIST += bench/run.sh bench/instructions.sh bench/README.md bench/tui_overhead.sh

## bench/record-scale: memory and analysis time of a recording of 1 million pauses and
## 10 million allocations (`make bench-scale`).
noinst_PROGRAMS += bench/record-scale
bench_record_scale_SOURCES = bench/record_scale.c
bench_record_scale_LDADD = $(CORE_LIBS)

BENCH_ELF = firmware/bench-mps2-an385.elf

.PHONY: bench
bench: baregc bench/bare-unicorn
	@test -f $(BENCH_ELF) || $(MAKE) $(AM_MAKEFLAGS) $(BENCH_ELF)
	bash $(srcdir)/bench/run.sh $(BENCH_ELF)

.PHONY: bench-instructions
bench-instructions: baregc bench/bare-unicorn
	@test -f $(BENCH_ELF) || $(MAKE) $(AM_MAKEFLAGS) $(BENCH_ELF)
	bash $(srcdir)/bench/instructions.sh $(BENCH_ELF)

.PHONY: bench-scale
bench-scale: bench/record-scale
	./bench/record-scale
