/* cmsdk_timer.c: ARM CMSDK APB timer (Cortex-M System Design Kit TRM, DDI 0479C, 4.4):
 * a 32-bit down-counter at the core clock that reloads from RELOAD and raises
 * INTSTATUS (IRQ line [0] when IRQEN) each time it goes from 1 to 0. As QEMU's model:
 * a RELOAD write also loads VALUE, and with RELOAD 0 the counter stays at 0.
 * Not modelled: the external input (SELEXTEN / SELEXTCLK are storage). */
#include "config.h"

#include <stdlib.h>

#include "devices/devutil.h"

enum { CTRL = 0x0, VALUE = 0x4, RELOAD = 0x8, INTSTATUS = 0xC };
enum { CTRL_EN = 1, CTRL_IRQEN = 8 };

typedef struct CmsdkTimer {
    DeviceConfig cfg;
    DownCounter dc;
    uint32_t ctrl, intstatus;
} CmsdkTimer;

static void update_irq(CmsdkTimer *t)
{
    if (t->cfg.nirq > 0)
        irq_set(&t->cfg.irq[0], t->intstatus && (t->ctrl & CTRL_IRQEN));
}

static void on_zero(void *dev)
{
    CmsdkTimer *t = dev;
    t->intstatus = 1;
    update_irq(t);
}

static void *create(const DeviceConfig *cfg, char **err)
{
    CmsdkTimer *t = xcalloc(1, sizeof *t);
    t->cfg = *cfg;
    downcounter_init(&t->dc, cfg->sched, "cmsdk-timer", on_zero, t);
    t->dc.stop_at_zero = true; /* RELOAD 0: no 1 -> 0 after the first, no interrupt storm */
    return t;
}

static void destroy(void *dev)
{
    CmsdkTimer *t = dev;
    downcounter_destroy(&t->dc);
    free(t);
}

static void reset(void *dev)
{
    CmsdkTimer *t = dev;
    downcounter_run(&t->dc, false);
    t->ctrl = t->intstatus = 0;
    t->dc.reload = 0;
    downcounter_set(&t->dc, 0);
    update_irq(t);
}

static const uint8_t ids[12] = {0x04, 0x00, 0x00, 0x00, 0x22, 0xb8, 0x1b, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static uint32_t read(void *dev, uint32_t off, unsigned size)
{
    CmsdkTimer *t = dev;
    switch (off) {
    case CTRL: return t->ctrl;
    case VALUE: return downcounter_value(&t->dc);
    case RELOAD: return t->dc.reload;
    case INTSTATUS: return t->intstatus;
    }
    if (off >= 0xFD0 && off < 0x1000 && !(off & 3))
        return ids[(off - 0xFD0) / 4];
    log_guest("cmsdk-timer %s: read of unknown register 0x%03x", t->cfg.name, off);
    return 0;
}

static void write(void *dev, uint32_t off, uint32_t v, unsigned size)
{
    CmsdkTimer *t = dev;
    switch (off) {
    case CTRL:
        t->ctrl = v & 0xF;
        downcounter_run(&t->dc, t->ctrl & CTRL_EN);
        update_irq(t);
        return;
    case RELOAD:
    case VALUE:
        if (off == RELOAD) /* a RELOAD write also sets the current value */
            t->dc.reload = v;
        downcounter_set(&t->dc, v);
        if (t->ctrl & CTRL_EN) /* it may have stopped at 0 with RELOAD 0 */
            downcounter_run(&t->dc, true);
        return;
    case INTSTATUS: /* INTCLEAR: a 1 clears the interrupt, a 0 does nothing */
        if (v & 1) {
            t->intstatus = 0;
            update_irq(t);
        }
        return;
    }
    log_guest("cmsdk-timer %s: write to unknown register 0x%03x", t->cfg.name, off);
}

const DeviceClass cmsdk_timer_class = {
    .type = "cmsdk-timer",
    .desc = "ARM CMSDK APB timer (DDI 0479C); irq [n]",
    .size = 0x1000,
    .create = create,
    .destroy = destroy,
    .reset = reset,
    .read = read,
    .write = write,
};
