## gc/local.mk: the GC observation layer: the recording, runtime adapters (one file
## each), the JSON-profile adapter, and the engine that hooks them into the CPU.
## Each helper section below only appends.

## -- lead: the engine, the reference-runtime and JSON-profile adapters, the registry.
libbaregc_a_SOURCES += gc/record.h gc/observe.c gc/observe.h gc/gcrt.c gc/profile.c gc/registry.c \
	gc/channel.c sim/session.c sim/session.h

## Runtime adapters (helper "adapters"): the helpers and the MicroPython, TinyGo and
## Lua adapters, and their unit test.
libbaregc_a_SOURCES += gc/runtime.h gc/runtime.c gc/micropython.c gc/tinygo.c gc/lua.c
if HAVE_CUNIT
check_PROGRAMS += tests/test_adapters
TESTS += tests/test_adapters
endif
tests_test_adapters_SOURCES = tests/test_adapters.c tests/loader_elf.c tests/loader_elf.h tests/cunit_main.h \
	gc/runtime.h gc/runtime.c gc/micropython.c gc/tinygo.c gc/lua.c gc/record.h \
	sim/loader.c sim/loader.h sim/util.c sim/util.h
tests_test_adapters_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_adapters_LDADD = $(LIBDW_LIBS) $(LIBELF_LIBS) $(CUNIT_LIBS) $(CJSON_LIBS) -lm

## The explicit GC event channel's decoder (helper "events") and its unit test (which
## also covers the ITM and gc-trace-port devices).
libbaregc_a_SOURCES += gc/events.c gc/events.h
if HAVE_CUNIT
check_PROGRAMS += tests/test_events
TESTS += tests/test_events
endif
tests_test_events_SOURCES = tests/test_events.c tests/cunit_main.h tests/loader_elf.c tests/loader_elf.h
tests_test_events_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_events_LDADD = $(CORE_LIBS) $(CUNIT_LIBS)
