## base/local.mk: the bottom layer, which everything uses: allocation, errors and
## parsing (util), CRC-32, the next-event scheduler, the host end of UARTs (chardev),
## the firmware image (ELF segments, symbols, DWARF lines), and "did you mean" for
## mistyped words.
libbaregc_a_SOURCES += base/util.c base/util.h base/crc.h base/sched.c base/sched.h \
	base/chardev.c base/chardev.h base/image.c base/image.h base/suggest.c base/suggest.h
