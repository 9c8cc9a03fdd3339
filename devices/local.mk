## devices/local.mk: the device models (leaf modules behind read/write callbacks and
## IRQ lines), their registry, semihosting, and the trace devices (ITM, gc-trace-port).
libbaregc_a_SOURCES += devices/device.h devices/registry.c devices/devutil.c devices/devutil.h \
	devices/nvic.c devices/nvic.h devices/semihost.c devices/semihost.h \
	devices/cmsdk_uart.c devices/cmsdk_timer.c devices/nrf51_uart.c devices/sifive_uart.c \
	devices/ns16550.c devices/systick.c devices/dwt.c devices/clint.c devices/plic.c \
	devices/itm.c devices/traceport.c \
	devices/sifive_test.c devices/goldfish_rtc.c
libbaregc_a_SOURCES += devices/pl011.c
