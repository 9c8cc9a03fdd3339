/* sched.h: the next-event scheduler; simulated time is CPU cycles, never host time. */
#ifndef BAREGC_SCHED_H
#define BAREGC_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#define SCHED_NEVER UINT64_MAX

/* Called with the cycle the event was due at (<= sched_now()): periodic devices
 * reschedule from it, not from now, so they do not drift. */
typedef void (*SchedCallback)(void *opaque, uint64_t due /* cycles */);

/* Devices embed their events; nothing polls. An event is queued at most once. */
typedef struct SchedEvent {
    SchedCallback cb;
    void *opaque;
    const char *name;
    uint64_t when; /* cycles */
    uint32_t seq;  /* tie-break: events due at the same cycle run in schedule order */
    bool queued;
    bool background; /* an observer's sampling tick: cannot wake a sleeping core */
    struct SchedEvent *next;
} SchedEvent;

typedef struct Sched {
    uint64_t now;    /* cycles since reset; advanced by the CPU model only */
    uint32_t clock_hz; /* core clock, for cycle <-> time conversions */
    SchedEvent *head; /* sorted by (when, seq) */
    uint32_t seq;
    /* Called (if set) whenever the earliest deadline moves earlier, so the CPU
     * can shorten its current run slice. */
    void (*on_earlier)(void *opaque, uint64_t when);
    void *on_earlier_opaque;
    /* Called (if set) by the CPU when the core sleeps and no event that could wake it
     * is queued: the host end of a live UART input waits there, in host time, for
     * input (and queues the event that delivers it). Returns true if something may
     * still wake the core (then the CPU looks again), false if nothing can (deadlock). */
    bool (*on_idle)(void *opaque);
    void *on_idle_opaque;
} Sched;

void sched_init(Sched *s, uint32_t clock_hz);
void sched_event_init(SchedEvent *ev, const char *name, SchedCallback cb, void *opaque);
/* (Re)schedule ev at absolute cycle `when` (a time already past runs at the next check). */
void sched_at(Sched *s, SchedEvent *ev, uint64_t when);
/* Schedule ev `delta` cycles from now. */
void sched_in(Sched *s, SchedEvent *ev, uint64_t delta);
void sched_cancel(Sched *s, SchedEvent *ev);
/* Earliest pending deadline, SCHED_NEVER when none. */
static inline uint64_t sched_next(const Sched *s) { return s->head ? s->head->when : SCHED_NEVER; }
static inline uint64_t sched_now(const Sched *s) { return s->now; }
/* Is any event queued that is not background (something that may wake the core)? */
bool sched_has_foreground(const Sched *s);
/* Run every event due at or before s->now, in (when, seq) order; events that
 * callbacks schedule for <= now also run. Returns how many ran. */
int sched_run_due(Sched *s);

/* Conversions at the core clock (rounding down). */
uint64_t sched_cycles_to_ns(const Sched *s, uint64_t cycles);
uint64_t sched_ns_to_cycles(const Sched *s, uint64_t ns);

#endif
