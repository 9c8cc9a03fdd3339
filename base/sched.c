/* sched.c: a sorted list of device events in simulated cycles (few events: a list is enough). */
#include "config.h"

#include <stddef.h>

#include "base/sched.h"

void sched_init(Sched *s, uint32_t clock_hz)
{
    *s = (Sched){.clock_hz = clock_hz};
}

void sched_event_init(SchedEvent *ev, const char *name, SchedCallback cb, void *opaque)
{
    *ev = (SchedEvent){.cb = cb, .opaque = opaque, .name = name};
}

bool sched_has_foreground(const Sched *s)
{
    for (const SchedEvent *e = s->head; e; e = e->next)
        if (!e->background)
            return true;
    return false;
}

static void unlink_event(Sched *s, SchedEvent *ev)
{
    for (SchedEvent **pp = &s->head; *pp; pp = &(*pp)->next) {
        if (*pp == ev) {
            *pp = ev->next;
            break;
        }
    }
    ev->next = NULL;
    ev->queued = false;
}

void sched_at(Sched *s, SchedEvent *ev, uint64_t when)
{
    if (ev->queued)
        unlink_event(s, ev);
    ev->when = when;
    ev->seq = s->seq++;
    SchedEvent **pp = &s->head;
    while (*pp && (*pp)->when <= when)
        pp = &(*pp)->next;
    ev->next = *pp;
    *pp = ev;
    ev->queued = true;
    if (s->head == ev && s->on_earlier)
        s->on_earlier(s->on_earlier_opaque, when);
}

void sched_in(Sched *s, SchedEvent *ev, uint64_t delta)
{
    uint64_t when = s->now + delta;
    sched_at(s, ev, when < s->now ? SCHED_NEVER : when);
}

void sched_cancel(Sched *s, SchedEvent *ev)
{
    if (ev->queued)
        unlink_event(s, ev);
}

int sched_run_due(Sched *s)
{
    int n = 0;
    while (s->head && s->head->when <= s->now) {
        SchedEvent *ev = s->head;
        s->head = ev->next;
        ev->next = NULL;
        ev->queued = false;
        ev->cb(ev->opaque, ev->when);
        n++;
    }
    return n;
}

uint64_t sched_cycles_to_ns(const Sched *s, uint64_t cycles)
{
    return (uint64_t)((unsigned __int128)cycles * 1000000000u / s->clock_hz);
}

uint64_t sched_ns_to_cycles(const Sched *s, uint64_t ns)
{
    return (uint64_t)((unsigned __int128)ns * s->clock_hz / 1000000000u);
}
