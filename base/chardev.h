/* chardev.h: the host end of a UART: bytes out to a FILE, bytes in from a file descriptor. */
#ifndef BAREGC_CHARDEV_H
#define BAREGC_CHARDEV_H

#include <stdint.h>
#include <stdio.h>

typedef struct CharDev CharDev;

/* out may be NULL (discard). in_fd < 0 means no input (reads see end of input).
 * If in_fd is a terminal it is read without blocking; otherwise (file, pipe) reads
 * block, so the bytes a guest sees, and when, depend only on the input's content. */
CharDev *chardev_new(FILE *out, int in_fd);
void chardev_free(CharDev *cd);
void chardev_write(CharDev *cd, uint8_t byte);
/* 1: *byte read; 0: nothing available yet (interactive input); -1: end of input. */
int chardev_read(CharDev *cd, uint8_t *byte);
/* Optional observer of every byte written (e.g. a trace recorder); time in cycles. */
typedef void (*CharDevTap)(void *opaque, uint8_t byte);
void chardev_set_tap(CharDev *cd, CharDevTap tap, void *opaque);
void chardev_flush(CharDev *cd);

#endif
