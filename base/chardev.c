/* chardev.c: host end of the console UART: output to a FILE, input from a descriptor
 * (a file read in simulated time, or live from a terminal, pipe or pty), raw terminal. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "base/chardev.h"
#include "base/util.h"

#define RX_BUF 4096                  /* bytes read from the host at once */
#define FLUSH_NS 20000000ull         /* live output: flushed at least this often (host ns) */
#define PACE_SLACK_NS 10000000ll     /* simulated time may run this far ahead of host time
                                      * (and no further behind) while the guest waits */
#define PACE_GAP_MS 10               /* empty reads further apart (simulated ms) are not
                                      * one wait: pacing starts afresh */
#define SLEEP_WAIT_MS 250            /* one wait while the core sleeps (then the run loop
                                      * looks at Ctrl-C and asks again) */

struct CharDev {
    /* output */
    FILE *out;
    bool out_live;         /* out is a terminal, pipe or socket, or the input is live:
                            * flushed in host time */
    bool dirty;            /* out_live: bytes written since the last flush */
    uint64_t flushed_ns;   /* host time of the last flush */
    bool wrote;            /* a byte went out since the guest last found the receiver empty */
    int out_errno;         /* the first error writing out (0: none) */
    CharDevTap tap;
    void *tap_opaque;
    /* input from the host */
    int in_fd;
    bool live;             /* in_fd is a terminal, pipe or socket */
    bool eof;              /* the host's input has ended (and every byte read was taken) */
    bool raw;              /* in_fd is the terminal put in raw mode */
    uint8_t buf[RX_BUF];
    size_t head, end;      /* bytes read from the host, not yet offered */
    /* the UART model */
    Sched *sched;
    CharDevDeliver deliver;
    void *dev;
    uint32_t clock_hz;
    uint64_t char_cycles;  /* cycles per character */
    uint64_t tick_cycles;  /* cycles per millisecond */
    bool enabled;          /* the receiver is on */
    bool have;             /* `byte` waits for room in the UART */
    uint8_t byte;
    SchedEvent rx;         /* offers the next byte */
    SchedEvent tick;       /* live: looks for input and flushes output (background) */
    bool starved;          /* live: the host had nothing the last time it was asked */
    uint64_t idle_next;    /* cycle: the next empty read that counts as waiting */
    uint64_t idle_last;    /* cycle of the last one that counted */
    bool paced;            /* pace_cycle / pace_ns hold a pacing base */
    uint64_t pace_cycle;   /* cycles */
    uint64_t pace_ns;      /* host ns */
};

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static bool fd_is_live(int fd)
{
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return false;
    return isatty(fd) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
}

/* ---- the terminal in raw mode (one per process) ---- */

static const int term_signals[] = {SIGTERM, SIGHUP, SIGQUIT};
static struct termios term_saved;
static volatile sig_atomic_t term_fd = -1;
static struct sigaction term_old[sizeof term_signals / sizeof term_signals[0]];

void chardev_restore_terminal(void)
{
    int fd = term_fd;
    if (fd >= 0) {
        term_fd = -1;
        tcsetattr(fd, TCSANOW, &term_saved);
    }
}

static void term_on_signal(int sig)
{
    chardev_restore_terminal();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void term_at_exit(void) { chardev_restore_terminal(); }

/* Raw mode as QEMU's -serial stdio: bytes as typed, no echo; ISIG and OPOST stay. Not
 * from a background process group (that would stop us with SIGTTOU). */
static bool term_raw(int fd)
{
    if (term_fd >= 0 || tcgetpgrp(fd) != getpgrp() || tcgetattr(fd, &term_saved) < 0)
        return false;
    struct termios t = term_saved;
    t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN);
    t.c_cflag = (t.c_cflag & ~(tcflag_t)(CSIZE | PARENB)) | CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSANOW, &t) < 0)
        return false;
    term_fd = fd;
    static bool hooked;
    if (!hooked) {
        atexit(term_at_exit);
        hooked = true;
    }
    for (size_t i = 0; i < sizeof term_signals / sizeof term_signals[0]; i++) {
        struct sigaction sa = {.sa_handler = term_on_signal};
        sigemptyset(&sa.sa_mask);
        sigaction(term_signals[i], NULL, &term_old[i]);
        if (term_old[i].sa_handler == SIG_DFL)
            sigaction(term_signals[i], &sa, NULL);
    }
    return true;
}

static void term_restore(void)
{
    chardev_restore_terminal();
    for (size_t i = 0; i < sizeof term_signals / sizeof term_signals[0]; i++)
        if (term_old[i].sa_handler == SIG_DFL)
            sigaction(term_signals[i], &term_old[i], NULL);
}

/* ---- the host end ---- */

CharDev *chardev_new(FILE *out, int in_fd)
{
    CharDev *cd = xcalloc(1, sizeof *cd);
    cd->out = out;
    cd->in_fd = in_fd;
    cd->live = fd_is_live(in_fd);
    cd->out_live = out && (cd->live || fd_is_live(fileno(out))); /* (a pty's out has no fd) */
    cd->raw = in_fd >= 0 && isatty(in_fd) && term_raw(in_fd);
    return cd;
}

void chardev_free(CharDev *cd)
{
    if (!cd)
        return;
    chardev_flush(cd);
    chardev_detach(cd);
    if (cd->raw)
        term_restore();
    free(cd);
}

/* A failed write or flush of out (errno set): the first one is kept. */
static void out_failed(CharDev *cd)
{
    if (!cd->out_errno)
        cd->out_errno = errno ? errno : EIO;
}

void chardev_flush(CharDev *cd)
{
    if (cd && cd->out) {
        if (fflush(cd->out) != 0)
            out_failed(cd);
        cd->dirty = false;
    }
}

int chardev_out_error(const CharDev *cd) { return cd ? cd->out_errno : 0; }

static void flush_live(CharDev *cd)
{
    if (cd->dirty) {
        if (fflush(cd->out) != 0)
            out_failed(cd);
        cd->dirty = false;
        cd->flushed_ns = host_ns();
    }
}

void chardev_set_tap(CharDev *cd, CharDevTap tap, void *opaque)
{
    cd->tap = tap;
    cd->tap_opaque = opaque;
}

/* Live input: wait up to timeout_ms (0: not at all) for the host. 1: bytes buffered;
 * 0: none yet (or a signal came); -1: the input has ended. */
static int host_input(CharDev *cd, int timeout_ms)
{
    if (cd->head < cd->end)
        return 1;
    if (cd->eof)
        return -1;
    struct pollfd p = {.fd = cd->in_fd, .events = POLLIN};
    if (poll(&p, 1, timeout_ms) <= 0)
        return 0;
    ssize_t n = read(cd->in_fd, cd->buf, sizeof cd->buf);
    if (n > 0) {
        cd->head = 0;
        cd->end = (size_t)n;
        return 1;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    cd->eof = true; /* end of file, or a terminal hung up */
    return -1;
}

/* Deterministic input: read (and wait for) the next bytes of the file. */
static int file_input(CharDev *cd)
{
    if (cd->head < cd->end)
        return 1;
    while (!cd->eof) {
        ssize_t n = cd->in_fd < 0 ? 0 : read(cd->in_fd, cd->buf, sizeof cd->buf);
        if (n > 0) {
            cd->head = 0;
            cd->end = (size_t)n;
            return 1;
        }
        if (n == 0 || errno != EINTR)
            cd->eof = true;
    }
    return -1;
}

/* ---- the guest end ---- */

static void arm_tick(CharDev *cd)
{
    if (cd->sched && !cd->tick.queued)
        sched_in(cd->sched, &cd->tick, cd->tick_cycles);
}

/* Input came while the receiver was starved: offer it now. */
static void resume(CharDev *cd)
{
    cd->starved = false;
    cd->paced = false;
    if (cd->enabled && !cd->rx.queued)
        sched_at(cd->sched, &cd->rx, cd->sched->now);
}

static void rx_event(void *opaque, uint64_t due)
{
    CharDev *cd = opaque;
    if (!cd->enabled || cd->eof)
        return;
    if (!cd->have) {
        int r = cd->live ? host_input(cd, 0) : file_input(cd);
        if (r < 0)
            return;
        if (r == 0) { /* live, nothing yet: the tick, a sleep or an empty read looks again */
            cd->starved = true;
            arm_tick(cd);
            return;
        }
        cd->byte = cd->buf[cd->head++];
        cd->have = true;
        cd->starved = false;
        cd->paced = false;
    }
    if (cd->deliver(cd->dev, cd->byte))
        cd->have = false;
    sched_at(cd->sched, &cd->rx, due + cd->char_cycles);
}

/* Every millisecond of simulated time while there is something to do: look for input
 * while starved, flush live output at most FLUSH_NS apart. Background: it never keeps
 * a sleeping core from being found deadlocked. */
static void tick_event(void *opaque, uint64_t due)
{
    CharDev *cd = opaque;
    bool waiting = cd->starved && cd->enabled && !cd->eof;
    if (waiting && host_input(cd, 0) > 0) {
        resume(cd);
        waiting = false;
    }
    if (cd->dirty && host_ns() - cd->flushed_ns >= FLUSH_NS)
        flush_live(cd);
    if (cd->dirty || (waiting && !cd->eof))
        sched_at(cd->sched, &cd->tick, due + cd->tick_cycles);
}

/* Sched.on_idle: the core sleeps and nothing queued can wake it. */
static bool sleep_wait(void *opaque)
{
    CharDev *cd = opaque;
    if (!cd->starved || !cd->enabled || cd->eof)
        return false;
    flush_live(cd);
    int r = host_input(cd, SLEEP_WAIT_MS);
    if (r > 0)
        resume(cd);
    return r >= 0;
}

/* The guest waits for input at cycle `now`: keep simulated time from running ahead of
 * host time by more than the slack, waiting for input meanwhile. */
static void pace(CharDev *cd, uint64_t now)
{
    uint64_t h = host_ns();
    int64_t ahead = cd->paced ? (int64_t)sched_cycles_to_ns(cd->sched, now - cd->pace_cycle) -
                                    (int64_t)(h - cd->pace_ns)
                              : -PACE_SLACK_NS - 1;
    if (ahead < -PACE_SLACK_NS) { /* a new wait, or the guest ran slower than the host */
        cd->paced = true;
        cd->pace_cycle = now;
        cd->pace_ns = h;
    } else if (ahead > PACE_SLACK_NS && host_input(cd, (int)((ahead + 999999) / 1000000)) > 0) {
        resume(cd);
    }
}

void chardev_rx_idle(CharDev *cd)
{
    if (!cd || !cd->starved || !cd->enabled || cd->eof)
        return;
    if (cd->wrote) { /* the same register reports the transmitter: it was polled for that */
        cd->wrote = false;
        return;
    }
    uint64_t now = cd->sched->now;
    if (now < cd->idle_next)
        return;
    if (now - cd->idle_last > PACE_GAP_MS * cd->tick_cycles)
        cd->paced = false;
    cd->idle_last = now;
    cd->idle_next = now + cd->tick_cycles;
    flush_live(cd); /* what it wrote before waiting (a prompt) must be seen */
    pace(cd, now);
}

void chardev_attach(CharDev *cd, Sched *s, uint32_t clock_hz, CharDevDeliver deliver, void *dev)
{
    if (!cd)
        return;
    cd->sched = s;
    cd->clock_hz = clock_hz;
    cd->deliver = deliver;
    cd->dev = dev;
    cd->tick_cycles = clock_hz / 1000 ? clock_hz / 1000 : 1;
    sched_event_init(&cd->rx, "uart-rx", rx_event, cd);
    sched_event_init(&cd->tick, "uart-host", tick_event, cd);
    cd->tick.background = true;
    chardev_set_baud(cd, 0);
    if (cd->live) {
        s->on_idle = sleep_wait;
        s->on_idle_opaque = cd;
    }
}

void chardev_detach(CharDev *cd)
{
    if (!cd || !cd->sched)
        return;
    sched_cancel(cd->sched, &cd->rx);
    sched_cancel(cd->sched, &cd->tick);
    if (cd->sched->on_idle_opaque == cd) {
        cd->sched->on_idle = NULL;
        cd->sched->on_idle_opaque = NULL;
    }
    cd->sched = NULL;
}

void chardev_set_baud(CharDev *cd, uint32_t baud)
{
    if (!cd)
        return;
    if (!baud)
        baud = 115200;
    cd->char_cycles = (uint64_t)cd->clock_hz * 10 / baud;
    if (!cd->char_cycles)
        cd->char_cycles = 1;
}

void chardev_rx_enable(CharDev *cd, bool on)
{
    if (!cd || on == cd->enabled)
        return;
    cd->enabled = on;
    if (on && !cd->eof)
        sched_in(cd->sched, &cd->rx, cd->char_cycles);
    else if (!on)
        sched_cancel(cd->sched, &cd->rx);
}

void chardev_rx_ready(CharDev *cd)
{
    if (cd && cd->enabled && !cd->eof && !cd->rx.queued)
        sched_in(cd->sched, &cd->rx, cd->char_cycles);
}

void chardev_write(CharDev *cd, uint8_t byte)
{
    if (!cd)
        return;
    if (cd->out) {
        log_before_output();
        if (fputc(byte, cd->out) == EOF)
            out_failed(cd);
        if (cd->out_live && !cd->dirty) {
            cd->dirty = true;
            arm_tick(cd);
        }
    }
    log_after_output(byte);
    cd->wrote = true;
    if (cd->tap)
        cd->tap(cd->tap_opaque, byte);
}

/* ---- a pseudo-terminal ---- */

/* Writes to the master never wait: what does not fit while nothing reads is dropped. */
static ssize_t pty_write(void *cookie, const char *buf, size_t n)
{
    int fd = (int)(intptr_t)cookie;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, buf + done, n - done);
        if (w > 0)
            done += (size_t)w;
        else if (w < 0 && errno == EINTR)
            continue;
        else
            break;
    }
    return (ssize_t)n;
}

int chardev_pty_open(CharDevPty *p, char **err)
{
    *p = (CharDevPty){.master = -1, .slave = -1};
    struct termios t;
    p->master = posix_openpt(O_RDWR | O_NOCTTY);
    if (p->master < 0 || grantpt(p->master) < 0 || unlockpt(p->master) < 0 ||
        ptsname_r(p->master, p->path, sizeof p->path) != 0) {
        set_err(err, "cannot open a pseudo-terminal: %s", strerror(errno));
        goto fail;
    }
    p->slave = open(p->path, O_RDWR | O_NOCTTY);
    if (p->slave < 0 || tcgetattr(p->slave, &t) < 0) {
        set_err(err, "cannot open %s: %s", p->path, strerror(errno));
        goto fail;
    }
    cfmakeraw(&t);
    tcsetattr(p->slave, TCSANOW, &t);
    fcntl(p->master, F_SETFL, fcntl(p->master, F_GETFL) | O_NONBLOCK);
    p->out = fopencookie((void *)(intptr_t)p->master, "w", (cookie_io_functions_t){.write = pty_write});
    if (!p->out) {
        set_err(err, "cannot open a pseudo-terminal: %s", strerror(errno));
        goto fail;
    }
    return 0;
fail:
    chardev_pty_close(p);
    return -1;
}

/* Closing the master hangs the line up and discards what the other end has not read
 * yet: give a reader time to take it (while it makes progress, or 100 ms). The first
 * wait lets the kernel move what was just written to the slave's queue. */
static void pty_linger(const CharDevPty *p)
{
    int left = 0, before = -1, still = 0;
    do {
        nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
        if (ioctl(p->slave, FIONREAD, &left) < 0)
            return;
        still = left == before ? still + 1 : 0;
        before = left;
    } while (left > 0 && still < 10);
}

void chardev_pty_close(CharDevPty *p)
{
    if (p->out) {
        fflush(p->out);
        pty_linger(p);
        fclose(p->out);
    }
    if (p->slave >= 0)
        close(p->slave);
    if (p->master >= 0)
        close(p->master);
    *p = (CharDevPty){.master = -1, .slave = -1};
}
