/* systick.c: the Cortex-M SysTick timer (ARMv7-M ARM B3.3; ARMv6-M ARM B3.3), a 24-bit
 * down-counter computed lazily from simulated time. CLKSOURCE=1 counts core cycles;
 * CLKSOURCE=0 counts the reference clock (parameter "refclk_hz", default 1 MHz as on
 * QEMU's MPS2; 0 = no reference clock: CLKSOURCE reads as one). Each arrival at 0
 * sets COUNTFLAG and, with TICKINT, pulses IRQ line [0] (wired to exception 15). */
#include "config.h"

#include <stdlib.h>

#include "devices/devutil.h"
#include "devices/nvic.h"

enum { CSR = 0x0, RVR = 0x4, CVR = 0x8, CALIB = 0xC };
enum { CSR_ENABLE = 1, CSR_TICKINT = 2, CSR_CLKSOURCE = 4, CSR_COUNTFLAG = 1 << 16 };

typedef struct Systick {
    DeviceConfig cfg;
    DownCounter dc;
    uint32_t csr, refclk_hz;
} Systick;

static void on_zero(void *dev)
{
    Systick *t = dev;
    t->csr |= CSR_COUNTFLAG;
    if ((t->csr & CSR_TICKINT) && t->cfg.nirq > 0) {
        irq_set(&t->cfg.irq[0], 1);
        irq_set(&t->cfg.irq[0], 0);
    }
}

static void retime(Systick *t)
{
    uint64_t tick = 1;
    if (!(t->csr & CSR_CLKSOURCE) && t->refclk_hz)
        tick = t->cfg.clock_hz / t->refclk_hz;
    downcounter_set_tick(&t->dc, tick);
}

static void *create(const DeviceConfig *cfg, char **err)
{
    uint32_t ref;
    if (device_param_u32(cfg, "refclk_hz", 1000000, &ref, err) < 0)
        return NULL;
    if (ref > cfg->clock_hz) {
        set_err(err, "refclk_hz (%u) is above the core clock (%u)", ref, cfg->clock_hz);
        return NULL;
    }
    Systick *t = xcalloc(1, sizeof *t);
    t->cfg = *cfg;
    t->refclk_hz = ref;
    downcounter_init(&t->dc, cfg->sched, "systick", on_zero, t);
    t->dc.stop_at_zero = true;
    t->csr = ref ? 0 : CSR_CLKSOURCE;
    retime(t);
    return t;
}

static void destroy(void *dev)
{
    Systick *t = dev;
    downcounter_destroy(&t->dc);
    free(t);
}

static void reset(void *dev)
{
    Systick *t = dev;
    downcounter_run(&t->dc, false);
    t->csr = t->refclk_hz ? 0 : CSR_CLKSOURCE;
    t->dc.reload = 0;
    downcounter_set(&t->dc, 0);
}

static uint32_t read(void *dev, uint32_t off, unsigned size)
{
    Systick *t = dev;
    switch (off) {
    case CSR: {
        uint32_t v = t->csr;
        t->csr &= ~(uint32_t)CSR_COUNTFLAG; /* cleared by reading */
        return v;
    }
    case RVR: return t->dc.reload;
    case CVR: return downcounter_value(&t->dc) & 0xFFFFFF;
    case CALIB: {
        /* TENMS: reference ticks in 10 ms; NOREF when there is no reference clock */
        uint32_t tenms = t->refclk_hz ? t->refclk_hz / 100 - 1 : t->cfg.clock_hz / 100 - 1;
        return (t->refclk_hz ? 0 : 1u << 31) | (tenms & 0xFFFFFF);
    }
    }
    log_guest("systick: read of unknown register 0x%x", off);
    return 0;
}

static void write(void *dev, uint32_t off, uint32_t v, unsigned size)
{
    Systick *t = dev;
    switch (off) {
    case CSR:
        t->csr = (t->csr & CSR_COUNTFLAG) | (v & 7);
        if (!t->refclk_hz)
            t->csr |= CSR_CLKSOURCE;
        retime(t);
        downcounter_run(&t->dc, t->csr & CSR_ENABLE);
        return;
    case RVR:
        t->dc.reload = v & 0xFFFFFF;
        if ((t->csr & CSR_ENABLE) && !t->dc.running) /* was held at 0 by RVR 0: reloads next tick */
            downcounter_run(&t->dc, true);
        return;
    case CVR: /* any write clears the counter and COUNTFLAG */
        t->csr &= ~(uint32_t)CSR_COUNTFLAG;
        downcounter_set(&t->dc, 0);
        return;
    }
    log_guest("systick: write to read-only or unknown register 0x%x", off);
}

const DeviceClass systick_class = {
    .type = "systick",
    .desc = "Cortex-M SysTick (ARMv7-M ARM B3.3); irq -> exception 15; param refclk_hz",
    .size = 0x10,
    .sys_exc = EXC_SYSTICK,
    .create = create,
    .destroy = destroy,
    .reset = reset,
    .read = read,
    .write = write,
};
