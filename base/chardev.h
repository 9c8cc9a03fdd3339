/* chardev.h: the host end of the console UART: bytes out to a FILE, bytes in from a
 * file descriptor, offered to the UART model in simulated time. */
#ifndef BAREGC_CHARDEV_H
#define BAREGC_CHARDEV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/sched.h"

typedef struct CharDev CharDev;

/* ---- The host end (set up by sim/) ------------------------------------------------
 *
 * out: where the guest's bytes go (NULL: dropped). in_fd: where its input comes from
 * (< 0: none; the receiver finds the end of input when it first looks). What in_fd is
 * decides how input is timed, whether it was named by --uart-in or is stdin:
 *  - a regular file, or a device that is not a terminal (/dev/null):
 *    deterministic. The UART is offered one byte every character time while its
 *    receiver is enabled; the end of the file ends the input. The bytes the guest sees,
 *    and when, depend on the file's content alone.
 *  - a terminal, a pipe (a FIFO too) or a socket: live. Input is read without
 *    blocking; when the host has nothing, the receiver waits: the input is looked for
 *    every millisecond of simulated time while the guest runs, in host time (poll) while
 *    it sleeps with nothing else to wake it (Sched.on_idle), and while it keeps reading
 *    its empty receive register (at least every 10 ms of simulated time) simulated time
 *    runs no faster than host time (10 ms of slack). Arrival times depend on the host.
 * If out is a terminal, a pipe or a socket, or the input is live, what the guest writes
 * is flushed when it waits for input and at least every 20 ms of host time (checked
 * every millisecond of simulated time), never byte by byte.
 * If in_fd is a terminal whose foreground process group is ours, it is put in raw mode
 * (no echo, no line editing, bytes as typed; Ctrl-C still raises SIGINT, output still
 * turns \n into \r\n), as QEMU's -serial stdio does, until chardev_free, exit(), or
 * SIGTERM, SIGHUP or SIGQUIT (their default action is then taken). */
CharDev *chardev_new(FILE *out, int in_fd);
void chardev_free(CharDev *cd);
/* Write out what the guest wrote (end of a run). */
void chardev_flush(CharDev *cd);
/* The first error writing what the guest wrote to `out` (an errno value: ENOSPC,
 * EPIPE ...), 0 when every byte went out. The run goes on after one. */
int chardev_out_error(const CharDev *cd);
/* Optional observer of every byte the guest writes (e.g. a trace recorder). */
typedef void (*CharDevTap)(void *opaque, uint8_t byte);
void chardev_set_tap(CharDev *cd, CharDevTap tap, void *opaque);
/* Async-signal-safe: give a terminal put in raw mode its settings back (for a signal
 * handler that is about to end the process). */
void chardev_restore_terminal(void);

/* A new pseudo-terminal for the console UART, as QEMU's -serial pty: the guest's end is
 * `master` (read it, write to `out`); a terminal program opens `path`. The line is in
 * raw mode and stays up whether or not a program has it open (baregc holds `slave`):
 * what the guest writes before one does waits in the pty (some 20 KB; beyond that,
 * while nothing reads, it is dropped, as on a serial line with nothing attached). */
typedef struct CharDevPty {
    int master, slave;
    FILE *out;
    char path[64];
} CharDevPty;
int chardev_pty_open(CharDevPty *p, char **err);
void chardev_pty_close(CharDevPty *p);

/* ---- The guest end: what a UART model calls ----------------------------------------
 *
 * Every function accepts cd == NULL (a UART that is not the console: its output is
 * dropped, it receives nothing). One model attaches to a CharDev.
 *
 *   create:  chardev_attach(cfg->chardev, cfg->sched, cfg->clock_hz, deliver, u)
 *            (character time 10 bits at 115200 baud until chardev_set_baud)
 *   destroy: chardev_detach
 *   receiver on/off (control register, reset): chardev_rx_enable
 *   the guest took a byte, there is room again: chardev_rx_ready
 *   the guest read a status or data register that says "nothing received":
 *            chardev_rx_idle (a live input may wait there in host time)
 *   transmit: chardev_write
 *
 * While the receiver is enabled, the next byte is offered through deliver() every
 * character time until the model takes it (returns true); a model that is full
 * returns false and gets the same byte again one character time later. */
typedef bool (*CharDevDeliver)(void *dev, uint8_t byte);
void chardev_attach(CharDev *cd, Sched *s, uint32_t clock_hz, CharDevDeliver deliver, void *dev);
void chardev_detach(CharDev *cd);
/* Character time = 10 bits at `baud` (0: 115200) of the clock given to attach. */
void chardev_set_baud(CharDev *cd, uint32_t baud);
/* Start/stop offering bytes (idempotent). */
void chardev_rx_enable(CharDev *cd, bool on);
void chardev_rx_ready(CharDev *cd);
void chardev_rx_idle(CharDev *cd);
void chardev_write(CharDev *cd, uint8_t byte);

#endif
