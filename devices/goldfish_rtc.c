/* goldfish_rtc.c: the Goldfish RTC (Android emulator "goldfish" platform; QEMU 7.2
 * hw/rtc/goldfish_rtc.c), as on QEMU's RISC-V virt machine at 0x101000 (PLIC source
 * 11): a 64-bit count of nanoseconds, an alarm and one level interrupt line.
 * Reading TIME_LOW latches the high half for the next TIME_HIGH read; writing either
 * half moves the count. An ALARM_LOW write arms the alarm at ALARM_HIGH:ALARM_LOW
 * (one already due fires at once); when it fires the interrupt becomes pending, and
 * the line is high while it is pending and IRQ_ENABLED is set. The count follows
 * simulated time, never the host's clock: it is "epoch_s" (parameter, seconds,
 * default 0 = 1970-01-01T00:00:00Z) at reset plus the simulated nanoseconds since
 * (QEMU starts it at the host's date). IRQ line: [0]. Not modelled: QEMU's access
 * fault on an access other than 4 bytes (taken here as a 4-byte access). */
#include "config.h"

#include <stdlib.h>

#include "devices/device.h"

enum {
    TIME_LOW = 0x00, TIME_HIGH = 0x04, ALARM_LOW = 0x08, ALARM_HIGH = 0x0C, IRQ_ENABLED = 0x10,
    CLEAR_ALARM = 0x14, ALARM_STATUS = 0x18, CLEAR_INTERRUPT = 0x1C,
};
#define NS_PER_S 1000000000ull

typedef struct GoldfishRtc {
    DeviceConfig cfg;
    SchedEvent alarm;
    uint64_t epoch_ns;   /* count at reset (ns) */
    uint64_t offset;     /* count = ns(now) + offset (mod 2^64) */
    uint64_t alarm_next; /* count at which the alarm fires (ns) */
    uint32_t time_high;  /* latched by a TIME_LOW read */
    bool alarm_running, irq_pending, irq_enabled;
} GoldfishRtc;

static uint64_t count(const GoldfishRtc *r)
{
    return sched_cycles_to_ns(r->cfg.sched, r->cfg.sched->now) + r->offset;
}

static void update_irq(GoldfishRtc *r)
{
    if (r->cfg.nirq > 0)
        irq_set(&r->cfg.irq[0], r->irq_pending && r->irq_enabled);
}

static void fire(GoldfishRtc *r)
{
    r->alarm_running = false;
    r->irq_pending = true;
    update_irq(r);
}

static void alarm_due(void *opaque, uint64_t due)
{
    (void)due;
    fire(opaque);
}

static void clear_alarm(GoldfishRtc *r)
{
    sched_cancel(r->cfg.sched, &r->alarm);
    r->alarm_running = false;
}

/* Fire now if the alarm is due, else at the first cycle whose count reaches it. */
static void set_alarm(GoldfishRtc *r)
{
    uint64_t now = count(r);
    if (r->alarm_next <= now) {
        clear_alarm(r);
        fire(r);
        return;
    }
    uint64_t ns = sched_cycles_to_ns(r->cfg.sched, r->cfg.sched->now) + (r->alarm_next - now);
    unsigned __int128 cyc = ((unsigned __int128)ns * r->cfg.clock_hz + NS_PER_S - 1) / NS_PER_S;
    sched_at(r->cfg.sched, &r->alarm, cyc > UINT64_MAX ? SCHED_NEVER : (uint64_t)cyc);
    r->alarm_running = true;
}

static void reset(void *dev)
{
    GoldfishRtc *r = dev;
    clear_alarm(r);
    r->offset = r->epoch_ns - sched_cycles_to_ns(r->cfg.sched, r->cfg.sched->now);
    r->alarm_next = 0;
    r->time_high = 0;
    r->irq_pending = r->irq_enabled = false;
    update_irq(r);
}

static void *create(const DeviceConfig *cfg, char **err)
{
    uint32_t epoch_s;
    if (device_param_u32(cfg, "epoch_s", 0, &epoch_s, err) < 0)
        return NULL;
    GoldfishRtc *r = xcalloc(1, sizeof *r);
    r->cfg = *cfg;
    r->epoch_ns = epoch_s * NS_PER_S;
    sched_event_init(&r->alarm, "goldfish-rtc-alarm", alarm_due, r);
    reset(r);
    return r;
}

static void destroy(void *dev)
{
    GoldfishRtc *r = dev;
    sched_cancel(r->cfg.sched, &r->alarm);
    free(r);
}

static uint32_t read(void *dev, uint32_t off, unsigned size)
{
    GoldfishRtc *r = dev;
    uint64_t now;
    (void)size;
    switch (off) {
    case TIME_LOW:
        now = count(r);
        r->time_high = (uint32_t)(now >> 32);
        return (uint32_t)now;
    case TIME_HIGH: return r->time_high;
    case ALARM_LOW: return (uint32_t)r->alarm_next;
    case ALARM_HIGH: return (uint32_t)(r->alarm_next >> 32);
    case IRQ_ENABLED: return r->irq_enabled;
    case ALARM_STATUS: return r->alarm_running;
    }
    log_guest("goldfish-rtc: read of unimplemented register 0x%02x", off);
    return 0;
}

/* Replace bits [shift, shift + 32) of the count by v. */
static void set_count_half(GoldfishRtc *r, unsigned shift, uint32_t v)
{
    uint64_t now = count(r);
    uint64_t want = (now & ~(0xFFFFFFFFull << shift)) | (uint64_t)v << shift;
    r->offset += want - now;
}

static void write(void *dev, uint32_t off, uint32_t v, unsigned size)
{
    GoldfishRtc *r = dev;
    (void)size;
    switch (off) {
    case TIME_LOW: set_count_half(r, 0, v); return;
    case TIME_HIGH: set_count_half(r, 32, v); return;
    case ALARM_LOW:
        r->alarm_next = (r->alarm_next & ~0xFFFFFFFFull) | v;
        set_alarm(r);
        return;
    case ALARM_HIGH: r->alarm_next = (r->alarm_next & 0xFFFFFFFFull) | (uint64_t)v << 32; return;
    case IRQ_ENABLED:
        r->irq_enabled = v & 1;
        update_irq(r);
        return;
    case CLEAR_ALARM: clear_alarm(r); return;
    case CLEAR_INTERRUPT:
        r->irq_pending = false;
        update_irq(r);
        return;
    }
    log_guest("goldfish-rtc: write to unimplemented register 0x%02x", off);
}

const DeviceClass goldfish_rtc_class = {
    .type = "goldfish-rtc",
    .desc = "Goldfish RTC (QEMU virt): nanoseconds of simulated time, alarm; irq [0]; param epoch_s",
    .size = 0x24,
    .create = create,
    .destroy = destroy,
    .reset = reset,
    .read = read,
    .write = write,
};
