## fuzz/local.mk: libFuzzer harnesses, one per parser of outside input (README.md,
## Fuzzing). Built by a fuzzing build only (configure --enable-fuzzing: clang, every
## object instrumented); the harnesses add libFuzzer itself. `make fuzz` runs each for
## FUZZ_SECONDS, `make fuzz-ci` for FUZZ_RUNS inputs from seed 1 (tools/check.sh). The
## seeds are made from the build's own files (fuzz/make-corpus.sh) into fuzz/seeds/;
## fuzz/regressions/ holds inputs that once found a bug, replayed by every run.

FUZZ_COMMON = fuzz/fuzz_util.c fuzz/fuzz_util.h tests/loader_elf.c tests/loader_elf.h
FUZZ_RECORD = fuzz/fuzz_record_check.c fuzz/fuzz_record_check.h
FUZZ_SECONDS = 60
FUZZ_RUNS = 20000
FUZZ_JOBS = 1
EXTRA_DIST += fuzz/make-corpus.sh fuzz/run.sh fuzz/regressions
.PHONY: fuzz fuzz-ci

if ENABLE_FUZZING
## (the slowest first, so that two at a time finish together)
FUZZERS = fuzz/fuzz_record_json fuzz/fuzz_image fuzz/fuzz_events_bin fuzz/fuzz_gc_profile \
	fuzz/fuzz_board fuzz/fuzz_budget fuzz/fuzz_gc_events
noinst_PROGRAMS += $(FUZZERS)
FUZZ_LINK_FLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
fuzz_fuzz_image_SOURCES = fuzz/fuzz_image.c $(FUZZ_COMMON)
fuzz_fuzz_image_LDADD = $(CORE_LIBS)
fuzz_fuzz_image_LDFLAGS = $(FUZZ_LINK_FLAGS)
fuzz_fuzz_board_SOURCES = fuzz/fuzz_board.c $(FUZZ_COMMON)
fuzz_fuzz_board_LDADD = $(CORE_LIBS)
fuzz_fuzz_board_LDFLAGS = $(FUZZ_LINK_FLAGS)
fuzz_fuzz_gc_profile_SOURCES = fuzz/fuzz_gc_profile.c $(FUZZ_COMMON)
fuzz_fuzz_gc_profile_LDADD = $(CORE_LIBS)
fuzz_fuzz_gc_profile_LDFLAGS = $(FUZZ_LINK_FLAGS)
fuzz_fuzz_budget_SOURCES = fuzz/fuzz_budget.c $(FUZZ_COMMON)
fuzz_fuzz_budget_LDADD = $(CORE_LIBS)
fuzz_fuzz_budget_LDFLAGS = $(FUZZ_LINK_FLAGS)
fuzz_fuzz_record_json_SOURCES = fuzz/fuzz_record_json.c $(FUZZ_RECORD) $(FUZZ_COMMON)
fuzz_fuzz_record_json_LDADD = $(CORE_LIBS)
fuzz_fuzz_record_json_LDFLAGS = $(FUZZ_LINK_FLAGS)
fuzz_fuzz_events_bin_SOURCES = fuzz/fuzz_events_bin.c $(FUZZ_RECORD) $(FUZZ_COMMON)
fuzz_fuzz_events_bin_LDADD = $(CORE_LIBS)
fuzz_fuzz_events_bin_LDFLAGS = $(FUZZ_LINK_FLAGS)
fuzz_fuzz_gc_events_SOURCES = fuzz/fuzz_gc_events.c $(FUZZ_COMMON)
fuzz_fuzz_gc_events_LDADD = $(CORE_LIBS)
fuzz_fuzz_gc_events_LDFLAGS = $(FUZZ_LINK_FLAGS)

## Synthetic images for the fuzz_image seeds (DWARF types, build attributes).
noinst_PROGRAMS += fuzz/make_image_seeds
fuzz_make_image_seeds_SOURCES = fuzz/make_image_seeds.c tests/loader_elf.c tests/loader_elf.h
fuzz_make_image_seeds_LDADD = $(CORE_LIBS)

## The seeds need the program and a few firmware images (when the build makes them).
FUZZ_SEED_ELFS = firmware/t-fault-badinsn.elf firmware/t-fault-badinsn-rv.elf \
	firmware/gc-demo-microbit.elf firmware/events-demo-mps2-an385.elf \
	firmware/gc-demo-virt-rv32.elf firmware/gc-demo-mps2-an385.elf
if HAVE_FIRMWARE
FUZZ_SEED_DEPS = baregc fuzz/make_image_seeds $(FUZZ_SEED_ELFS)
else
FUZZ_SEED_DEPS = baregc fuzz/make_image_seeds
endif
fuzz/seeds.stamp: $(srcdir)/fuzz/make-corpus.sh $(FUZZ_SEED_DEPS)
	$(AM_V_GEN)SRCDIR='$(abs_top_srcdir)' FWDIR=firmware BAREGC=./baregc IMAGE_SEEDS=fuzz/make_image_seeds \
	  ARM_CC='$(ARM_CC)' RISCV_CC='$(RISCV_CC)' $(SHELL) $(srcdir)/fuzz/make-corpus.sh fuzz/seeds >fuzz/seeds.log && touch $@

FUZZ_RUN = SRCDIR='$(abs_top_srcdir)' $(SHELL) $(srcdir)/fuzz/run.sh
fuzz: $(FUZZERS) fuzz/seeds.stamp
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_JOBS=$(FUZZ_JOBS) $(FUZZ_RUN) $(FUZZERS)
fuzz-ci: $(FUZZERS) fuzz/seeds.stamp
	FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_JOBS=$(FUZZ_JOBS) $(FUZZ_RUN) $(FUZZERS)
else
fuzz fuzz-ci:
	@echo "make $@: configure a build directory with --enable-fuzzing (README.md, Fuzzing)" >&2; exit 1
endif

clean-local:
	-rm -rf fuzz/seeds fuzz/seeds.stamp fuzz/seeds.log fuzz/corpus fuzz/ci-corpus fuzz/logs fuzz/crashes
