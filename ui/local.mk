## ui/local.mk: the front ends (ncurses TUI, SDL2 heap-map window); each helper section only appends.

## -- the heap map (helper "view"): pure rendering and the PNG encoder in the core
## library (no SDL: `baregc view --png` works everywhere); the SDL2 window only when
## configure found SDL2 + SDL2_ttf, else a stub that says so.
libbaregc_a_SOURCES += ui/heapmap.c ui/heapmap.h ui/png.c ui/png.h
baregc_SOURCES += sim/cmd_view.c ui/view.h
if HAVE_SDL2
AM_CPPFLAGS += $(SDL2_CFLAGS)
baregc_SOURCES += ui/view.c
baregc_LDADD += $(SDL2_LIBS)
else
baregc_SOURCES += ui/view_nosdl.c
endif
EXTRA_DIST += ui/view.c ui/view_nosdl.c

if HAVE_CUNIT
check_PROGRAMS += tests/test_heapmap
TESTS += tests/test_heapmap
endif
tests_test_heapmap_SOURCES = tests/test_heapmap.c tests/cunit_main.h ui/heapmap.c ui/png.c gc/record.c sim/util.c
tests_test_heapmap_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_heapmap_LDADD = $(ZLIB_LIBS) $(CUNIT_LIBS)

## -- the TUI (helper "tui"): the model (cached values, no curses) in the core library;
## the ncurses views in their own small library (built with ncurses' flags) when
## configure found ncurses, else a stub that says the TUI is not available.
libbaregc_a_SOURCES += ui/tui_model.c ui/tui_model.h
baregc_SOURCES += sim/cmd_tui.c ui/tui.h
if HAVE_NCURSES
noinst_LIBRARIES += ui/libtui.a
ui_libtui_a_SOURCES = ui/tui.c ui/tui.h
ui_libtui_a_CPPFLAGS = $(AM_CPPFLAGS) $(NCURSES_CFLAGS)
baregc_LDADD += ui/libtui.a libbaregc.a $(NCURSES_LIBS)
else
baregc_SOURCES += ui/tui_stub.c
endif
EXTRA_DIST += ui/tui.c ui/tui_stub.c

if HAVE_CUNIT
check_PROGRAMS += tests/test_tui_model
TESTS += tests/test_tui_model
endif
tests_test_tui_model_SOURCES = tests/test_tui_model.c tests/cunit_main.h ui/tui_model.c traces/stats.c \
	gc/record.c sim/util.c
tests_test_tui_model_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_tui_model_LDADD = $(CUNIT_LIBS) -lm
