/* devutil.c: UART transmit and the down-counter shared by the timer models. */
#include "config.h"

#include "devices/devutil.h"

/* ---- UART transmit ---- */

void uart_tx(const DeviceConfig *cfg, CharDev *cd, uint8_t byte)
{
    (void)cfg;
    if (cd)
        chardev_write(cd, byte);
}

/* ---- down-counter ---- */

static void dc_zero(void *opaque, uint64_t due)
{
    DownCounter *dc = opaque;
    if (dc->stop_at_zero && dc->reload == 0) {
        dc->running = false;
        dc->frozen = 0;
    } else {
        dc->hold_until = due + dc->tick; /* holds 0 for one tick, then reloads */
        dc->zero_at = due + (uint64_t)(dc->reload + 1) * dc->tick;
        sched_at(dc->sched, &dc->ev, dc->zero_at);
    }
    dc->on_zero(dc->dev);
}

void downcounter_init(DownCounter *dc, Sched *s, const char *name, void (*on_zero)(void *dev), void *dev)
{
    *dc = (DownCounter){.sched = s, .tick = 1, .on_zero = on_zero, .dev = dev};
    sched_event_init(&dc->ev, name, dc_zero, dc);
}

uint32_t downcounter_value(const DownCounter *dc)
{
    if (!dc->running)
        return dc->frozen;
    uint64_t now = dc->sched->now;
    if (now >= dc->zero_at || now < dc->hold_until)
        return 0;
    return (uint32_t)((dc->zero_at - now + dc->tick - 1) / dc->tick); /* ticks still to count */
}

static void dc_schedule(DownCounter *dc, uint32_t value)
{
    uint64_t now = dc->sched->now;
    /* from 0 the next tick reloads, then reload ticks more to reach 0 again */
    uint64_t ticks = value ? value : (uint64_t)dc->reload + 1;
    if (!value && dc->stop_at_zero && dc->reload == 0) {
        dc->running = false;
        dc->frozen = 0;
        return;
    }
    dc->hold_until = value ? 0 : now + dc->tick;
    dc->zero_at = now + ticks * dc->tick;
    sched_at(dc->sched, &dc->ev, dc->zero_at);
}

void downcounter_set(DownCounter *dc, uint32_t value)
{
    if (dc->running)
        dc_schedule(dc, value);
    else
        dc->frozen = value;
}

void downcounter_run(DownCounter *dc, bool on)
{
    if (on == dc->running)
        return;
    if (on) {
        dc->running = true;
        dc_schedule(dc, dc->frozen);
    } else {
        dc->frozen = downcounter_value(dc);
        dc->running = false;
        sched_cancel(dc->sched, &dc->ev);
    }
}

void downcounter_set_tick(DownCounter *dc, uint64_t tick)
{
    if (!tick)
        tick = 1;
    if (tick == dc->tick)
        return;
    uint32_t v = downcounter_value(dc);
    dc->tick = tick;
    if (dc->running)
        dc_schedule(dc, v);
}

void downcounter_destroy(DownCounter *dc) { sched_cancel(dc->sched, &dc->ev); }
