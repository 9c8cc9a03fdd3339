/* view.h: the SDL2 heap-map window (ui/view.c): the heap map (ui/heapmap.h) with a
 * legend, a timeline strip with a scrubber (drag it, or the arrow keys), a tooltip for
 * the block under the mouse (address, size, age, allocation site), live (following a
 * running session) or replaying a finished recording. Built only with SDL2 + SDL2_ttf;
 * otherwise ui/view_nosdl.c provides the same functions, view_open failing. */
#ifndef BAREGC_VIEW_H
#define BAREGC_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "gc/record.h"
#include "base/image.h"

typedef struct View View;

typedef struct ViewOptions {
    int width, height;     /* pixels: the window (the heap map layout fills it) */
    const char *title;     /* window title */
    const char *font;      /* a TTF file; NULL: DejaVu Sans (fonts-dejavu-core) */
    bool no_hover;         /* ignore the mouse pointer's position (for screenshots) */
} ViewOptions;

/* False when this build has no window (built without SDL2). */
bool view_available(void);

/* Open the window on recording r (read on every draw, so it may grow between
 * calls, as in a live run); img names allocation sites (may be NULL). NULL with *err
 * when SDL cannot open a window (no display, no SDL2 in this build). */
View *view_open(const ViewOptions *o, const Recording *r, const Image *img, char **err);

/* Live run: the simulated time now and the lowest SP so far (0: unknown). While the
 * view follows (until the user scrubs away; End resumes) it selects the newest
 * collection. */
void view_live_update(View *v, uint64_t now, uint32_t stack_low);
/* The run has ended: the timeline spans the whole recording from now on. */
void view_live_end(View *v);

/* Handle pending input and redraw when something changed (at most ~30 times a second
 * of host time; what is drawn depends only on the recording and the input). While the
 * user holds the run (space) this waits for input. False when the user closed the
 * window or pressed q / Escape, or a stop signal came (base/stopsig.h). */
bool view_poll(View *v);
/* Replay: input and drawing until the user closes the window or a stop signal comes. */
void view_loop(View *v);

/* Select collection `pause` (index into r->pauses; clamped). */
void view_select(View *v, long pause);
/* Draw now and save the window's pixels as a PNG. -1 with *err. */
int view_screenshot(View *v, const char *path, char **err);
void view_close(View *v);

#endif
