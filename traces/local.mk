## traces/local.mk: statistics and writers (pprof, Chrome trace JSON, gctrace,
## summary JSON) over a Recording; never calls back into the simulator.

## -- traces: the recording (gc/record.c lives here with its readers), statistics,
## pprof/trace/gctrace/summary writers, and their tests.
libbaregc_a_SOURCES += gc/record.c traces/traces.h traces/traces.c traces/stats.c traces/stats.h \
	traces/pprof.c traces/pprof.h traces/trace_json.c traces/gctrace.c traces/summary.c \
	traces/record_json.c traces/record_events.c traces/json_out.c traces/json_out.h

if HAVE_CUNIT
check_PROGRAMS += tests/test_record tests/test_stats tests/test_pprof
TESTS += tests/test_record tests/test_stats tests/test_pprof
endif
tests_test_record_SOURCES = tests/test_record.c tests/cunit_main.h gc/record.c gc/record.h sim/util.c
tests_test_record_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_record_LDADD = $(CUNIT_LIBS)

tests_test_stats_SOURCES = tests/test_stats.c tests/cunit_main.h traces/stats.c gc/record.c sim/util.c
tests_test_stats_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_stats_LDADD = $(CUNIT_LIBS) -lm

tests_test_pprof_SOURCES = tests/test_pprof.c tests/cunit_main.h tests/loader_elf.c tests/loader_elf.h
tests_test_pprof_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_pprof_LDADD = $(CORE_LIBS) $(CUNIT_LIBS)

## The profiles of a synthetic recording read by the real client (go tool pprof).
check_PROGRAMS += tests/pprof_synth
tests_pprof_synth_SOURCES = tests/pprof_synth.c tests/loader_elf.c tests/loader_elf.h
tests_pprof_synth_LDADD = $(CORE_LIBS)
TESTS += tests/e2e_pprof_synth.sh
EXTRA_DIST += tests/e2e_pprof_synth.sh docs/formats.md

## -- record.json round trip (helper "report").
if HAVE_CUNIT
check_PROGRAMS += tests/test_record_json
TESTS += tests/test_record_json
endif
tests_test_record_json_SOURCES = tests/test_record_json.c tests/cunit_main.h
tests_test_record_json_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_record_json_LDADD = $(CORE_LIBS) $(CUNIT_LIBS)

## -- budgets for `baregc check` (helper "check"): budget files, measured values from a
## live recording or a recorded run (summary.json, trace.json, record.json), verdicts,
## table, JUnit XML.
libbaregc_a_SOURCES += traces/budget.c traces/budget.h
if HAVE_CUNIT
check_PROGRAMS += tests/test_budget
TESTS += tests/test_budget
endif
tests_test_budget_SOURCES = tests/test_budget.c tests/cunit_main.h
tests_test_budget_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_budget_LDADD = $(CORE_LIBS) $(CUNIT_LIBS)

## -- HTML reports (helper "report"): `baregc report` and `baregc sweep` pages.
libbaregc_a_SOURCES += traces/report.c traces/report.h traces/svg.c traces/svg.h
