/* chardev.c: host end of a UART: output to a FILE, input from a descriptor. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/chardev.h"
#include "base/util.h"

struct CharDev {
    FILE *out;
    int in_fd;
    int interactive; /* in_fd is a terminal: read without blocking */
    int eof;
    CharDevTap tap;
    void *tap_opaque;
};

CharDev *chardev_new(FILE *out, int in_fd)
{
    CharDev *cd = xcalloc(1, sizeof *cd);
    cd->out = out;
    cd->in_fd = in_fd;
    cd->eof = in_fd < 0;
    cd->interactive = in_fd >= 0 && isatty(in_fd);
    return cd;
}

void chardev_free(CharDev *cd)
{
    if (!cd)
        return;
    chardev_flush(cd);
    free(cd);
}

void chardev_write(CharDev *cd, uint8_t byte)
{
    if (cd->out) {
        fputc(byte, cd->out);
        if (byte == '\n' && cd->interactive)
            fflush(cd->out);
    }
    if (cd->tap)
        cd->tap(cd->tap_opaque, byte);
}

int chardev_read(CharDev *cd, uint8_t *byte)
{
    if (cd->eof)
        return -1;
    if (cd->interactive) {
        int fl = fcntl(cd->in_fd, F_GETFL);
        fcntl(cd->in_fd, F_SETFL, fl | O_NONBLOCK);
        ssize_t n = read(cd->in_fd, byte, 1);
        int e = errno;
        fcntl(cd->in_fd, F_SETFL, fl);
        if (n == 1)
            return 1;
        if (n < 0 && (e == EAGAIN || e == EWOULDBLOCK || e == EINTR))
            return 0;
        cd->eof = 1;
        return -1;
    }
    for (;;) {
        ssize_t n = read(cd->in_fd, byte, 1);
        if (n == 1)
            return 1;
        if (n < 0 && errno == EINTR)
            continue;
        cd->eof = 1;
        return -1;
    }
}

void chardev_set_tap(CharDev *cd, CharDevTap tap, void *opaque)
{
    cd->tap = tap;
    cd->tap_opaque = opaque;
}

void chardev_flush(CharDev *cd)
{
    if (cd->out)
        fflush(cd->out);
}
