## ui/local.mk: the front ends. The heap map's rendering, the PNG encoder and the TUI's
## model (no curses, no SDL) are in the core library; the ncurses views and the SDL2
## window are in ui/libbaregc_ui.a, built with their libraries' flags when configure
## found them, else with stubs that say the front end is not available.
libbaregc_a_SOURCES += ui/heapmap.c ui/heapmap.h ui/png.c ui/png.h ui/tui_model.c ui/tui_model.h \
	ui/bitfont.c ui/bitfont.h

noinst_LIBRARIES += ui/libbaregc_ui.a
ui_libbaregc_ui_a_SOURCES = ui/tui.h ui/view.h
ui_libbaregc_ui_a_CPPFLAGS = $(AM_CPPFLAGS)
## The system libraries come after the core's on the link line (UI_SYSLIBS): the
## dynamic linker searches libraries in that order for every symbol it binds.
UI_LIBS = ui/libbaregc_ui.a
UI_SYSLIBS =
if HAVE_NCURSES
ui_libbaregc_ui_a_SOURCES += ui/tui.c
ui_libbaregc_ui_a_CPPFLAGS += $(NCURSES_CFLAGS)
UI_SYSLIBS += $(NCURSES_LIBS)
else
ui_libbaregc_ui_a_SOURCES += ui/tui_stub.c
endif
## SDL2 and SDL2_ttf are not linked: the window loads them when it opens (ui/sdl_dl.c),
## so that the other commands start without them and the libraries they bring.
if HAVE_SDL2
ui_libbaregc_ui_a_SOURCES += ui/view.c ui/sdl_dl.c ui/sdl_dl.h
ui_libbaregc_ui_a_CPPFLAGS += $(SDL2_CFLAGS)
UI_SYSLIBS += $(DL_LIBS)
else
ui_libbaregc_ui_a_SOURCES += ui/view_nosdl.c
endif
EXTRA_DIST += ui/tui.c ui/tui_stub.c ui/view.c ui/sdl_dl.c ui/sdl_dl.h ui/view_nosdl.c
