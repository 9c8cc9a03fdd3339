/* traceport.c: baregc's GC trace port for cores without an ITM (RISC-V, optionally
 * ARMv6-M): 32 write-only stimulus ports at base + 4n whose writes go to the machine's
 * TraceSink (port, value, size), an ID register at 0x80 ("GCTP", 0x50544347) and a
 * version register at 0x84 (1). Reading a port returns 1 (ready), as an ITM's does.
 * Always enabled: firmware (firmware/common/gcevents.h) checks the ID before writing,
 * which QEMU (a ROM there, see docs/events.md) reads as 0. */
#include "config.h"

#include <stdlib.h>

#include "devices/device.h"

enum { STIM_END = 0x80, REG_ID = 0x80, REG_VERSION = 0x84 };
#define TP_ID 0x50544347u
#define TP_VERSION 1u

typedef struct TracePort {
    DeviceConfig cfg;
} TracePort;

static void *create(const DeviceConfig *cfg, char **err)
{
    (void)err;
    TracePort *t = xcalloc(1, sizeof *t);
    t->cfg = *cfg;
    return t;
}

static void destroy(void *dev) { free(dev); }

static void reset(void *dev) { (void)dev; }

static uint32_t read(void *dev, uint32_t off, unsigned size)
{
    (void)dev, (void)size;
    if (off < STIM_END)
        return 1;
    switch (off) {
    case REG_ID: return TP_ID;
    case REG_VERSION: return TP_VERSION;
    }
    log_guest("gc-trace-port: read of unimplemented register 0x%02x", off);
    return 0;
}

static void write(void *dev, uint32_t off, uint32_t v, unsigned size)
{
    TracePort *t = dev;
    if (off >= STIM_END) {
        log_guest("gc-trace-port: write to unimplemented or read-only register 0x%02x", off);
        return;
    }
    if (off & 3) {
        log_guest("gc-trace-port: %u-byte write at 0x%02x, not at the start of port %u", size, off, off / 4);
        return;
    }
    if (size < 4)
        v &= (1u << (8 * size)) - 1;
    if (t->cfg.trace.write)
        t->cfg.trace.write(t->cfg.trace.opaque, off / 4, v, size);
}

const DeviceClass traceport_class = {
    .type = "gc-trace-port",
    .desc = "baregc GC trace port: 32 stimulus ports to the GC event channel (docs/events.md)",
    .size = 0x100,
    .create = create,
    .destroy = destroy,
    .reset = reset,
    .read = read,
    .write = write,
};
