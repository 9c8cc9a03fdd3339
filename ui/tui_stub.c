/* tui_stub.c: stands in for ui/tui.c when baregc is built without ncurses: the TUI reports that it is not available. */
#include "config.h"

#include <stdlib.h>

#include "base/util.h"
#include "ui/tui.h"

bool tui_available(void) { return false; }

Tui *tui_start(const TuiModel *m, bool replay, char **err)
{
    (void)m;
    (void)replay;
    set_err(err, "baregc was built without ncurses: the TUI is not available");
    return NULL;
}

void tui_stop(Tui *t) { (void)t; }
void tui_restore_terminal(void) {}
void tui_draw(Tui *t) { (void)t; }
int tui_key(Tui *t, int timeout_ms)
{
    (void)t;
    (void)timeout_ms;
    return TUI_REQ_QUIT;
}
void tui_message(Tui *t, const char *fmt, ...) { (void)t; (void)fmt; }
