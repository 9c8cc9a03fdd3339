/* dwt.c: the Cortex-M3/M4 Data Watchpoint and Trace unit's cycle counter (ARMv7-M ARM
 * C1.8): DWT_CTRL.CYCCNTENA and DWT_CYCCNT, counting simulated core cycles.
 * Not modelled: comparators (NUMCOMP reads 0), the other profiling counters,
 * DEMCR.TRCENA gating (the counter runs whenever CYCCNTENA is set). */
#include "config.h"

#include <stdlib.h>

#include "devices/device.h"

enum { CTRL = 0x000, CYCCNT = 0x004 };
enum { CTRL_CYCCNTENA = 1 };

typedef struct Dwt {
    DeviceConfig cfg;
    uint32_t ctrl;
    uint32_t base;      /* CYCCNT value at cycle `since` */
    uint64_t since;     /* cycles */
} Dwt;

static uint32_t cyccnt(const Dwt *d)
{
    if (!(d->ctrl & CTRL_CYCCNTENA))
        return d->base;
    return d->base + (uint32_t)(d->cfg.sched->now - d->since);
}

static void *create(const DeviceConfig *cfg, char **err)
{
    Dwt *d = xcalloc(1, sizeof *d);
    d->cfg = *cfg;
    return d;
}

static void destroy(void *dev) { free(dev); }

static void reset(void *dev)
{
    Dwt *d = dev;
    d->ctrl = d->base = 0;
}

static uint32_t read(void *dev, uint32_t off, unsigned size)
{
    Dwt *d = dev;
    switch (off) {
    case CTRL: return d->ctrl;
    case CYCCNT: return cyccnt(d);
    }
    if (off < 0x1000)
        return 0; /* the other counters and comparators: not implemented, read 0 */
    return 0;
}

static void write(void *dev, uint32_t off, uint32_t v, unsigned size)
{
    Dwt *d = dev;
    switch (off) {
    case CTRL:
        d->base = cyccnt(d);
        d->since = d->cfg.sched->now;
        d->ctrl = v & CTRL_CYCCNTENA;
        return;
    case CYCCNT:
        d->base = v;
        d->since = d->cfg.sched->now;
        return;
    }
    log_guest("dwt: write to unimplemented register 0x%03x", off);
}

const DeviceClass dwt_class = {
    .type = "dwt",
    .desc = "Cortex-M DWT cycle counter (ARMv7-M ARM C1.8)",
    .size = 0x1000,
    .create = create,
    .destroy = destroy,
    .reset = reset,
    .read = read,
    .write = write,
};
