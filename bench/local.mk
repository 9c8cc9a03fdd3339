## bench/local.mk: appended to the top-level Makefile.am

## -- bench/: the speed benchmark (not a test: no timing is asserted anywhere).
## bench/bare-unicorn runs a Cortex-M image on bare Unicorn, the reference that
## `make bench` compares baregc and qemu-system-arm with (see bench/README.md).
noinst_PROGRAMS += bench/bare-unicorn
bench_bare_unicorn_SOURCES = bench/bare_unicorn.c
bench_bare_unicorn_LDADD = $(UNICORN_LIBS) $(LIBELF_LIBS)
## bench/bare-unicorn-alloc: the same, linked with the allocator baregc links
## (MALLOC_LIBS, configure --with-malloc; glibc's when that is empty), so that the
## allocator's share of a difference can be told from baregc's.
noinst_PROGRAMS += bench/bare-unicorn-alloc
bench_bare_unicorn_alloc_SOURCES = bench/bare_unicorn.c
bench_bare_unicorn_alloc_LDADD = $(UNICORN_LIBS) $(LIBELF_LIBS) $(MALLOC_LIBS)
## Nothing in bare_unicorn.c calls malloc (libunicorn does): keep the allocator,
## which --as-needed (a default of Debian's gcc) would drop.
bench_bare_unicorn_alloc_LDFLAGS = -Wl,--no-as-needed
EXTRA_DIST += bench/run.sh bench/instructions.sh bench/common.sh bench/README.md \
	bench/tui_overhead.sh

## bench/record-scale: memory and analysis time of a recording of 1 million pauses and
## 10 million allocations (`make bench-scale`).
noinst_PROGRAMS += bench/record-scale
bench_record_scale_SOURCES = bench/record_scale.c
bench_record_scale_LDADD = $(CORE_LIBS)

## The images `make bench` and `make bench-instructions` measure: both by default, one with
## e.g. `make bench BENCH_ELF=firmware/bench-interp-mps2-an385.elf`.
BENCH_ELF = firmware/bench-mps2-an385.elf firmware/bench-interp-mps2-an385.elf
BENCH_ENV = BAREGC_MALLOC='$(MALLOC_LIBS)'
BENCH_PROGS = baregc bench/bare-unicorn bench/bare-unicorn-alloc

.PHONY: bench bench-images
bench-images:
	@for f in $(BENCH_ELF); do test -f $$f || $(MAKE) $(AM_MAKEFLAGS) $$f || exit 1; done

bench: $(BENCH_PROGS) bench-images
	$(BENCH_ENV) bash $(srcdir)/bench/run.sh $(BENCH_ELF)

.PHONY: bench-instructions
bench-instructions: $(BENCH_PROGS) bench-images
	$(BENCH_ENV) bash $(srcdir)/bench/instructions.sh $(BENCH_ELF)

.PHONY: bench-scale
bench-scale: bench/record-scale
	./bench/record-scale
