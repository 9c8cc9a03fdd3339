/* progress.h: a one-line report on stderr of how far a long run has got (simulated
 * time, MIPS, GC pauses so far), rewritten in place while the run lasts. */
#ifndef BAREGC_PROGRESS_H
#define BAREGC_PROGRESS_H

#include "sim/session.h"

/* The line appears only when stderr is a terminal, without --quiet or --gdb (the
 * debugger's stops and messages would run into it), and once the run has lasted
 * PROGRESS_DELAY_MS of host time (the environment variable BAREGC_PROGRESS_DELAY_MS
 * overrides it; 0 shows it from the start). It is drawn only where the firmware's own
 * output (console UART, semihosting) stands at the start of a line, and taken away before
 * the firmware's next byte. The host clock decides only when
 * to draw; the simulation and its outputs do not depend on it.
 * Returns NULL when there is nothing to show; at most one at a time. */
#define PROGRESS_DELAY_MS 1000
#define PROGRESS_REDRAW_MS 250
typedef struct Progress Progress;
Progress *progress_start(Session *s, const SessionOptions *o);
/* Clears the line (before the summary is printed) and frees p; NULL is fine. */
void progress_end(Progress *p);

#endif
