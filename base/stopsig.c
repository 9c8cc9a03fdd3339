/* stopsig.c: SIGINT, SIGTERM, SIGHUP and SIGPIPE stop a run cleanly (see stopsig.h). */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "base/chardev.h"
#include "base/stopsig.h"
#include "base/util.h"

#define ABANDON_AT 3 /* the SIGINT, SIGTERM or SIGHUP that ends the process at once */

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};

static volatile sig_atomic_t first;   /* the first signal, 0 none */
static volatile sig_atomic_t count;   /* SIGINT, SIGTERM and SIGHUP received */
static void (*volatile stop_fn)(void *opaque);
static void *volatile stop_opaque;
static void (*volatile abandon_fn)(void);

static void on_signal(int sig)
{
    if (!first)
        first = sig;
    if (sig != SIGPIPE && ++count >= ABANDON_AT) {
        chardev_restore_terminal();
        if (abandon_fn)
            abandon_fn();
        signal(sig, SIG_DFL);
        raise(sig); /* delivered when this handler returns */
        return;
    }
    if (stop_fn)
        stop_fn(stop_opaque);
}

void stopsig_catch(void)
{
    static bool caught;
    if (caught)
        return;
    caught = true;
    for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++) {
        struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART}, old;
        sigemptyset(&sa.sa_mask);
        for (size_t k = 0; k < ARRAY_SIZE(stop_signals); k++)
            sigaddset(&sa.sa_mask, stop_signals[k]);
        if (stop_signals[i] == SIGHUP && sigaction(SIGHUP, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue; /* nohup */
        sigaction(stop_signals[i], &sa, NULL);
    }
}

/* The handler must never see one of the pair without the other. */
static void block(bool on, sigset_t *saved)
{
    if (on) {
        sigset_t set;
        sigemptyset(&set);
        for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++)
            sigaddset(&set, stop_signals[i]);
        sigprocmask(SIG_BLOCK, &set, saved);
    } else {
        sigprocmask(SIG_SETMASK, saved, NULL);
    }
}

void stopsig_set_stop(void (*stop)(void *opaque), void *opaque)
{
    sigset_t saved;
    block(true, &saved);
    stop_fn = NULL;
    stop_opaque = opaque;
    stop_fn = stop;
    block(false, &saved);
    if (stop && first)
        stop(opaque);
}

void stopsig_on_abandon(void (*restore)(void)) { abandon_fn = restore; }

int stopsig_received(void) { return first; }

int stopsig_exit_code(int sig) { return 128 + sig; }

int stopsig_status(int rc) { return rc == 0 && first ? stopsig_exit_code(first) : rc; }

const char *stopsig_name(int sig, char *buf, unsigned n)
{
    switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    case SIGPIPE: return "SIGPIPE";
    default: snprintf(buf, n, "signal %d", sig); return buf;
    }
}
