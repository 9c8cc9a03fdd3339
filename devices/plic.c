/* plic.c: the SiFive / RISC-V PLIC (RISC-V PLIC spec v1.0.0; SiFive FE310-G000 manual
 * ch. 10) for one context: hart 0 machine mode. Level-triggered gateways: a source is
 * pending while its line is high and it is not claimed; claim returns the most urgent
 * pending enabled source above the threshold (lowest ID on ties), complete re-arms it.
 * Output line [0] is MEIP. Parameters: "num_sources" (default 53), "num_priorities" (7). */
#include "config.h"

#include <stdlib.h>

#include "devices/device.h"

#define MAX_SOURCES 1024
enum { PRIORITY = 0x0, PENDING = 0x1000, ENABLE = 0x2000, THRESHOLD = 0x200000, CLAIM = 0x200004 };

typedef struct Plic {
    DeviceConfig cfg;
    uint32_t nsrc, maxprio;
    uint32_t prio[MAX_SOURCES];
    bool level[MAX_SOURCES], pending[MAX_SOURCES], claimed[MAX_SOURCES], enabled[MAX_SOURCES];
    uint32_t threshold;
} Plic;

static uint32_t best(const Plic *p)
{
    uint32_t id = 0, pr = 0;
    for (uint32_t s = 1; s <= p->nsrc; s++)
        if (p->pending[s] && p->enabled[s] && p->prio[s] > p->threshold && p->prio[s] > pr) {
            id = s;
            pr = p->prio[s];
        }
    return id;
}

static void update_irq(Plic *p)
{
    if (p->cfg.nirq > 0)
        irq_set(&p->cfg.irq[0], best(p) != 0);
}

static void source_set(void *opaque, int src, int level)
{
    Plic *p = opaque;
    p->level[src] = level != 0;
    if (!p->claimed[src])
        p->pending[src] = p->level[src]; /* a line that drops before the claim withdraws it (as QEMU) */
    update_irq(p);
}

static IrqLine irq_input(void *dev, int n)
{
    Plic *p = dev;
    if (n < 1 || (uint32_t)n > p->nsrc)
        return (IrqLine){0};
    return (IrqLine){.set = source_set, .opaque = p, .num = n};
}

static void *create(const DeviceConfig *cfg, char **err)
{
    uint32_t n, np;
    if (device_param_u32(cfg, "num_sources", 53, &n, err) < 0 ||
        device_param_u32(cfg, "num_priorities", 7, &np, err) < 0)
        return NULL;
    if (n < 1 || n >= MAX_SOURCES) {
        set_err(err, "num_sources must be 1..%d", MAX_SOURCES - 1);
        return NULL;
    }
    Plic *p = xcalloc(1, sizeof *p);
    p->cfg = *cfg;
    p->nsrc = n;
    p->maxprio = np;
    return p;
}

static void destroy(void *dev) { free(dev); }

static void reset(void *dev)
{
    Plic *p = dev;
    for (uint32_t s = 0; s <= p->nsrc; s++) {
        p->prio[s] = 0;
        p->enabled[s] = p->claimed[s] = false;
        p->pending[s] = p->level[s];
    }
    p->threshold = 0;
    update_irq(p);
}

static uint32_t read(void *dev, uint32_t off, unsigned size)
{
    Plic *p = dev;
    if (off < PENDING) {
        uint32_t s = off / 4;
        return s >= 1 && s <= p->nsrc ? p->prio[s] : 0;
    }
    if (off >= PENDING && off < PENDING + 0x80) {
        uint32_t r = 0, base = (off - PENDING) * 8;
        for (uint32_t i = 0; i < 32; i++)
            if (base + i <= p->nsrc && p->pending[base + i])
                r |= 1u << i;
        return r;
    }
    if (off >= ENABLE && off < ENABLE + 0x80) {
        uint32_t r = 0, base = (off - ENABLE) * 8;
        for (uint32_t i = 0; i < 32; i++)
            if (base + i <= p->nsrc && p->enabled[base + i])
                r |= 1u << i;
        return r;
    }
    if (off == THRESHOLD)
        return p->threshold;
    if (off == CLAIM) {
        uint32_t id = best(p);
        if (id) {
            p->pending[id] = false;
            p->claimed[id] = true;
            update_irq(p);
        }
        return id;
    }
    log_guest("plic: read of unknown or unmodelled offset 0x%x", off);
    return 0;
}

static void write(void *dev, uint32_t off, uint32_t v, unsigned size)
{
    Plic *p = dev;
    if (off < PENDING) {
        uint32_t s = off / 4;
        if (s >= 1 && s <= p->nsrc)
            p->prio[s] = v > p->maxprio ? p->maxprio : v;
    } else if (off >= ENABLE && off < ENABLE + 0x80) {
        uint32_t base = (off - ENABLE) * 8;
        for (uint32_t i = 0; i < 32; i++)
            if (base + i >= 1 && base + i <= p->nsrc)
                p->enabled[base + i] = (v >> i) & 1;
    } else if (off == THRESHOLD) {
        p->threshold = v > p->maxprio ? p->maxprio : v;
    } else if (off == CLAIM) { /* complete */
        if (v >= 1 && v <= p->nsrc && p->claimed[v]) {
            p->claimed[v] = false;
            if (p->level[v])
                p->pending[v] = true;
        }
    } else if (off >= PENDING && off < PENDING + 0x80) {
        log_guest("plic: the pending bits are read-only");
        return;
    } else {
        log_guest("plic: write to unknown or unmodelled offset 0x%x", off);
        return;
    }
    update_irq(p);
}

const DeviceClass plic_class = {
    .type = "plic",
    .desc = "SiFive PLIC, hart 0 M-mode context; irq [meip]; params num_sources, num_priorities",
    .size = 0x4000000,
    .roles = DEVICE_ROLE_INTC,
    .create = create,
    .destroy = destroy,
    .reset = reset,
    .read = read,
    .write = write,
    .irq_input = irq_input,
};
