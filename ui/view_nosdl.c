/* view_nosdl.c: ui/view.h for builds without SDL2: no window, view_open says why. */
#include "config.h"

#include <stddef.h>

#include "base/util.h"
#include "ui/view.h"

bool view_available(void) { return false; }

View *view_open(const ViewOptions *o, const Recording *r, const Image *img, char **err)
{
    (void)o, (void)r, (void)img;
    set_err(err, "this baregc was built without SDL2 (install libsdl2-dev and libsdl2-ttf-dev, "
                 "see tools/deps.sh, and reconfigure); `baregc view --png FILE` still works");
    return NULL;
}

void view_live_update(View *v, uint64_t now, uint32_t stack_low) { (void)v, (void)now, (void)stack_low; }
void view_live_end(View *v) { (void)v; }
bool view_poll(View *v) { (void)v; return false; }
void view_loop(View *v) { (void)v; }
void view_select(View *v, long pause) { (void)v, (void)pause; }

int view_screenshot(View *v, const char *path, char **err)
{
    (void)v;
    set_err(err, "%s: no window to take a screenshot of (built without SDL2)", path);
    return -1;
}

void view_close(View *v) { (void)v; }
