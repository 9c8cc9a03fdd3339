/* devutil.h: pieces several device models share: UART transmit to a CharDev, and a
 * lazily computed down-counter timer (SysTick, CMSDK timer). */
#ifndef BAREGC_DEVUTIL_H
#define BAREGC_DEVUTIL_H

#include "devices/device.h"

/* Transmit a byte to the UART's host end (cd may be NULL: dropped). Receiving is
 * the CharDev's own API (base/chardev.h). */
void uart_tx(const DeviceConfig *cfg, CharDev *cd, uint8_t byte);

/* A down-counter clocked every `tick` core cycles: counts value..1, then 0, then
 * reloads from `reload` on the next tick (period reload + 1 ticks). An event
 * fires at each arrival at 0. */
typedef struct DownCounter {
    SchedEvent ev;
    Sched *sched;
    uint64_t tick;          /* cycles per count */
    uint32_t reload;
    bool running;
    uint64_t zero_at;       /* cycle of the next arrival at 0 (running) */
    uint64_t hold_until;    /* cycle: reads 0 before it (at 0, waiting to reload) */
    uint32_t frozen;        /* value when stopped */
    bool stop_at_zero;      /* reload 0: stop after reaching 0 (no further 1 -> 0) */
    void (*on_zero)(void *dev);
    void *dev;
} DownCounter;

void downcounter_init(DownCounter *dc, Sched *s, const char *name, void (*on_zero)(void *dev), void *dev);
uint32_t downcounter_value(const DownCounter *dc);
void downcounter_set(DownCounter *dc, uint32_t value); /* load a new current value */
void downcounter_run(DownCounter *dc, bool on);
void downcounter_set_tick(DownCounter *dc, uint64_t tick);
void downcounter_destroy(DownCounter *dc);

#endif
