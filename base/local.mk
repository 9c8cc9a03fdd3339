## base/local.mk: the bottom layer, which everything uses: allocation, errors and
## parsing (util), CRC-32, the next-event scheduler, the host end of UARTs (chardev),
## the firmware image (ELF segments, symbols, DWARF lines), "did you mean" for mistyped
## words, output files written whole (outfile), UTF-8 repair for text outputs (utf8)
## and how signals end a run (stopsig).
libbaregc_a_SOURCES += base/util.c base/util.h base/crc.h base/sched.c base/sched.h \
	base/chardev.c base/chardev.h base/image.c base/image.h base/suggest.c base/suggest.h \
	base/outfile.c base/outfile.h base/utf8.c base/utf8.h base/stopsig.c base/stopsig.h
