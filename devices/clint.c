/* clint.c: the SiFive CLINT (Core-Local Interruptor; SiFive FE310-G000 manual ch. 9 and
 * the RISC-V ACLINT spec's MTIMER/MSWI), one hart: msip, mtimecmp and mtime. mtime runs
 * at parameter "timebase_hz" (default 10 MHz) and is computed exactly from simulated
 * cycles; the machine-timer line goes high at the first cycle where mtime >= mtimecmp.
 * IRQ lines: [0] MSIP, [1] MTIP (wired to the CPU's mip bits 3 and 7).
 * mtimecmp resets to all ones (real parts leave it undefined). mtime is the core's timebase
 * (what `rdtime` reads). */
#include "config.h"

#include <stdlib.h>

#include "devices/device.h"

enum { MSIP = 0x0000, MTIMECMP = 0x4000, MTIMECMP_HI = 0x4004, MTIME = 0xBFF8, MTIME_HI = 0xBFFC };

typedef struct Clint {
    DeviceConfig cfg;
    SchedEvent ev;
    uint32_t timebase_hz;
    uint64_t offset;   /* mtime = ticks(now) + offset (mod 2^64), ticks at timebase_hz */
    uint64_t mtimecmp;
    uint32_t msip;
} Clint;

static uint64_t ticks(const Clint *c, uint64_t cycles)
{
    return (uint64_t)((unsigned __int128)cycles * c->timebase_hz / c->cfg.clock_hz);
}

static uint64_t mtime(const Clint *c) { return ticks(c, c->cfg.sched->now) + c->offset; }

static void set_mtip(Clint *c, int level)
{
    if (c->cfg.nirq > 1)
        irq_set(&c->cfg.irq[1], level);
}

/* Raise MTIP now, or schedule the cycle where mtime reaches mtimecmp. */
static void update_timer(Clint *c)
{
    uint64_t now = mtime(c);
    sched_cancel(c->cfg.sched, &c->ev);
    if (now >= c->mtimecmp) {
        set_mtip(c, 1);
        return;
    }
    set_mtip(c, 0);
    uint64_t target = c->mtimecmp - c->offset; /* in ticks since reset */
    /* first cycle whose tick count reaches target: ceil(target * clock / timebase) */
    unsigned __int128 cyc = ((unsigned __int128)target * c->cfg.clock_hz + c->timebase_hz - 1) / c->timebase_hz;
    sched_at(c->cfg.sched, &c->ev, cyc > UINT64_MAX ? SCHED_NEVER : (uint64_t)cyc);
}

static void timer_due(void *opaque, uint64_t due)
{
    update_timer(opaque);
}

static uint64_t timebase(void *dev) { return mtime(dev); }

static void *create(const DeviceConfig *cfg, char **err)
{
    uint32_t tb;
    if (device_param_u32(cfg, "timebase_hz", 10000000, &tb, err) < 0)
        return NULL;
    if (!tb || tb > cfg->clock_hz) {
        set_err(err, "timebase_hz (%u) must be between 1 and the core clock (%u)", tb, cfg->clock_hz);
        return NULL;
    }
    Clint *c = xcalloc(1, sizeof *c);
    c->cfg = *cfg;
    c->timebase_hz = tb;
    c->mtimecmp = UINT64_MAX;
    sched_event_init(&c->ev, "clint-mtimecmp", timer_due, c);
    return c;
}

static void destroy(void *dev)
{
    Clint *c = dev;
    sched_cancel(c->cfg.sched, &c->ev);
    free(c);
}

static void reset(void *dev)
{
    Clint *c = dev;
    c->msip = 0;
    c->offset = 0;
    c->mtimecmp = UINT64_MAX;
    if (c->cfg.nirq > 0)
        irq_set(&c->cfg.irq[0], 0);
    update_timer(c);
}

static uint32_t read(void *dev, uint32_t off, unsigned size)
{
    Clint *c = dev;
    switch (off) {
    case MSIP: return c->msip;
    case MTIMECMP: return (uint32_t)c->mtimecmp;
    case MTIMECMP_HI: return (uint32_t)(c->mtimecmp >> 32);
    case MTIME: return (uint32_t)mtime(c);
    case MTIME_HI: return (uint32_t)(mtime(c) >> 32);
    }
    log_guest("clint: read of unknown register 0x%04x", off);
    return 0;
}

static void write(void *dev, uint32_t off, uint32_t v, unsigned size)
{
    Clint *c = dev;
    uint64_t t;
    switch (off) {
    case MSIP:
        c->msip = v & 1;
        if (c->cfg.nirq > 0)
            irq_set(&c->cfg.irq[0], (int)c->msip);
        return;
    case MTIMECMP: c->mtimecmp = (c->mtimecmp & ~0xFFFFFFFFull) | v; break;
    case MTIMECMP_HI: c->mtimecmp = (c->mtimecmp & 0xFFFFFFFFull) | (uint64_t)v << 32; break;
    case MTIME:
        t = (mtime(c) & ~0xFFFFFFFFull) | v;
        c->offset = t - ticks(c, c->cfg.sched->now);
        break;
    case MTIME_HI:
        t = (mtime(c) & 0xFFFFFFFFull) | (uint64_t)v << 32;
        c->offset = t - ticks(c, c->cfg.sched->now);
        break;
    default:
        log_guest("clint: write to unknown register 0x%04x", off);
        return;
    }
    update_timer(c);
}

const DeviceClass clint_class = {
    .type = "clint",
    .desc = "SiFive CLINT (msip, mtimecmp, mtime); irq [msip, mtip]; param timebase_hz",
    .size = 0x10000,
    .roles = DEVICE_ROLE_TIMEBASE,
    .create = create,
    .destroy = destroy,
    .reset = reset,
    .read = read,
    .write = write,
    .timebase = timebase,
};
