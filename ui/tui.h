/* tui.h: the ncurses views of `baregc tui`: draws a TuiModel and turns keys into requests (curses lives only in tui.c). */
#ifndef BAREGC_TUI_H
#define BAREGC_TUI_H

#include <stdbool.h>

#include "ui/tui_model.h"

typedef struct Tui Tui;

/* false when baregc was built without ncurses (ui/tui_stub.c). */
bool tui_available(void);

/* What a key asks of the front end (a bitset; view-only keys are handled inside). */
enum {
    TUI_REQ_REDRAW = 1 << 0,  /* the view changed: draw again */
    TUI_REQ_TOGGLE = 1 << 1,  /* space: pause / resume */
    TUI_REQ_NEXT = 1 << 2,    /* n: run to the end of the next collection */
    TUI_REQ_BUDGET = 1 << 3,  /* g: run until a pause longer than the budget */
    TUI_REQ_QUIT = 1 << 4,    /* q */
    TUI_REQ_RESIZE = 1 << 5,  /* the terminal changed size */
};

/* Takes over the terminal (stdin/stdout must be one): curses in cbreak mode, colours
 * unless NO_COLOR is set or the terminal has none; stderr is held in a temporary file
 * until tui_stop (so messages do not scribble over the screen). Handlers for SIGSEGV,
 * SIGBUS, SIGFPE and SIGABRT and an atexit hook restore the terminal. `replay`
 * selects the key hints of `--from`. NULL and *err when there is no terminal. */
Tui *tui_start(const TuiModel *m, bool replay, char **err);
/* Gives the terminal back and copies what was written to stderr meanwhile. */
void tui_stop(Tui *t);
/* Restore the terminal if a TUI is active (idempotent; used on fatal signals too). */
void tui_restore_terminal(void);

/* Draws everything from the model. */
void tui_draw(Tui *t);
/* Reads one key, waiting up to timeout_ms (0: do not wait); returns TUI_REQ_* bits. */
int tui_key(Tui *t, int timeout_ms);
/* A one-line message on the bottom row until the next key. */
void tui_message(Tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
