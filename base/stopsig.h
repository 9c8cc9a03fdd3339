/* stopsig.h: how baregc ends on the signals that ask a process to stop (SIGINT: Ctrl-C
 * or `timeout -s INT`; SIGTERM: timeout, CI cancellation, docker stop; SIGHUP: the
 * terminal went away; SIGPIPE: the reader of an output went away). None of them kills
 * a run: the first stops it at the next block boundary, and what it recorded is still
 * written, marked partial; the process then exits 128 + the first signal's number (130,
 * 143, 129, 141). Further SIGPIPEs change nothing, and so does a second SIGINT, SIGTERM
 * or SIGHUP (`timeout -s INT` sends two); the third ends the process at once, without
 * the files, the terminal given back. SIGQUIT (Ctrl-\) keeps its default action. */
#ifndef BAREGC_STOPSIG_H
#define BAREGC_STOPSIG_H

/* Catch the four signals (idempotent). SIGHUP stays ignored when it was (nohup). Before
 * anything else takes a terminal (base/chardev.c, ncurses and SDL leave alone a signal
 * that is already caught; chardev still gives a raw terminal back on SIGQUIT). */
void stopsig_catch(void);
/* What the first signal calls, from the signal handler: an async-signal-safe stop
 * (the machine's, at its next block); NULL: nothing. When a signal came before, stop
 * is called at once. */
void stopsig_set_stop(void (*stop)(void *opaque), void *opaque);
/* A front end's way to give the terminal back when the third signal ends the process
 * (the raw console terminal is restored in any case); NULL: none. */
void stopsig_on_abandon(void (*restore)(void));

/* The first of the signals received so far, 0 when none came. */
int stopsig_received(void);
/* The exit status for a run that signal sig stopped: 128 + sig. */
int stopsig_exit_code(int sig);
/* A command's exit status rc, or, when rc is 0 and a stop signal came (a front end
 * that ends on one, after the run), 128 + that signal. */
int stopsig_status(int rc);
/* "SIGINT", "SIGTERM", "SIGHUP", "SIGPIPE" (or "signal N"); buf holds the latter. */
const char *stopsig_name(int sig, char *buf, unsigned n);

#endif
