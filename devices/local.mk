## devices/local.mk: the device models (leaf modules) and their unit tests.
libbaregc_a_SOURCES += devices/device.h devices/registry.c devices/devutil.c devices/devutil.h \
	devices/nvic.c devices/nvic.h devices/semihost.c devices/semihost.h \
	devices/cmsdk_uart.c devices/cmsdk_timer.c devices/nrf51_uart.c devices/sifive_uart.c \
	devices/ns16550.c devices/systick.c devices/dwt.c devices/clint.c devices/plic.c

## The GC event channel's trace devices (helper "events"): ITM and gc-trace-port.
libbaregc_a_SOURCES += devices/itm.c devices/traceport.c

## Unit tests of the device models (helper "devtests"): each device driven through
## read/write with a real scheduler and a fake IRQ sink; the NVIC; semihosting.
## test_devices links every class registry.c names.
if HAVE_CUNIT
check_PROGRAMS += tests/test_devices tests/test_nvic tests/test_semihost
TESTS += tests/test_devices tests/test_nvic tests/test_semihost
endif
## (the library: the registry names every device model)
tests_test_devices_SOURCES = tests/test_devices.c tests/cunit_main.h
tests_test_devices_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_devices_LDADD = $(CORE_LIBS) $(CUNIT_LIBS)

tests_test_nvic_SOURCES = tests/test_nvic.c tests/cunit_main.h devices/nvic.c sim/util.c sim/sched.c \
	sim/chardev.c
tests_test_nvic_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_nvic_LDADD = $(CJSON_LIBS) $(CUNIT_LIBS)

tests_test_semihost_SOURCES = tests/test_semihost.c tests/cunit_main.h devices/semihost.c sim/util.c \
	sim/sched.c sim/chardev.c
tests_test_semihost_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_semihost_LDADD = $(CJSON_LIBS) $(CUNIT_LIBS)
