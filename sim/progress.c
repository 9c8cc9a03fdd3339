/* progress.c: the progress line of a long run on a terminal (sim/progress.h). */
#include "config.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "sim/progress.h"

/* How often the host clock is read: every 1/PROGRESS_CHECKS_PER_SIM_S of simulated time. */
#define PROGRESS_CHECKS_PER_SIM_S 100

struct Progress {
    Session *s;
    uint64_t next_ns;             /* host ns: the next redraw */
    uint64_t last_ns, last_insns; /* host ns, instructions at the last redraw (for MIPS) */
    size_t pauses;                /* GC pauses ended so far */
    bool shown;                   /* the line is on the terminal */
    CharDev *console;             /* the console UART, when it writes to this terminal */
};

static Progress *active; /* for the log hook, which takes no argument */

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void clear_line(void)
{
    if (active && active->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        active->shown = false;
    }
}

static void draw(Progress *p, uint64_t now_ns)
{
    Machine *m = session_machine(p->s);
    const Sched *sc = machine_sched(m);
    uint64_t insns = cpu_instructions(machine_cpu(m));
    double host_s = (now_ns - p->last_ns) / 1e9;
    double mips = host_s > 0 ? (insns - p->last_insns) / host_s / 1e6 : 0.0;
    size_t pauses = p->pauses;
    fprintf(stderr, "\rbaregc: %.3f s simulated, %.1f MIPS, %zu GC pause%s\033[K",
            sched_cycles_to_ns(sc, sched_now(sc)) / 1e9, mips, pauses, pauses == 1 ? "" : "s");
    fflush(stderr);
    p->shown = true;
    p->last_ns = now_ns;
    p->last_insns = insns;
}

static void on_tick(void *opaque)
{
    Progress *p = opaque;
    uint64_t now = host_ns();
    if (now < p->next_ns)
        return;
    /* The line goes only where the firmware's output stands at the start of a line. */
    if (p->console)
        chardev_flush(p->console);
    if (log_output_mid_line())
        return;
    draw(p, now);
    p->next_ns = now + PROGRESS_REDRAW_MS * 1000000ull;
}

/* Counted here: session_recording would apply the observer's waiting allocations
 * early, and the recording would number its stacks in another order. */
static void on_pause_end(void *opaque, size_t pause)
{
    Progress *p = opaque;
    p->pauses = pause + 1;
}

/* Does the console UART write to the terminal that stderr is? */
static bool console_on_stderr(const SessionOptions *o)
{
    struct stat out, err;
    if (o->uart_out || o->uart_pty || !isatty(STDOUT_FILENO))
        return false;
    if (fstat(STDOUT_FILENO, &out) < 0 || fstat(STDERR_FILENO, &err) < 0)
        return true;
    return out.st_rdev == err.st_rdev;
}

Progress *progress_start(Session *s, const SessionOptions *o)
{
    if (active || o->quiet || o->gdb.on || !isatty(STDERR_FILENO))
        return NULL;
    uint64_t delay_ms = PROGRESS_DELAY_MS;
    const char *env = getenv("BAREGC_PROGRESS_DELAY_MS");
    if (env && parse_u64(env, &delay_ms) < 0)
        delay_ms = PROGRESS_DELAY_MS;
    Progress *p = xcalloc(1, sizeof *p);
    p->s = s;
    p->last_ns = host_ns();
    p->next_ns = p->last_ns + delay_ms * 1000000ull;
    uint64_t hz = session_board(s)->clock_hz;
    session_on_tick(s, hz / PROGRESS_CHECKS_PER_SIM_S, on_tick, p);
    session_on_pause_end(s, on_pause_end, p);
    if (console_on_stderr(o))
        p->console = machine_console(session_machine(s));
    active = p;
    log_set_before(clear_line);
    return p;
}

void progress_end(Progress *p)
{
    if (!p)
        return;
    clear_line();
    log_set_before(NULL);
    active = NULL;
    free(p);
}
