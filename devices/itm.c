/* itm.c: the Cortex-M Instrumentation Trace Macrocell (ARMv7-M ARM, Appendix D / C1.7;
 * CoreSight ITM): 32 stimulus ports whose writes go to the machine's TraceSink (port,
 * value, size) instead of an SWO pin, gated as on the hardware by TCR.ITMENA and the
 * port's TER bit. Reading a port returns 1 (FIFOREADY: the FIFO never fills).
 * TER/TPR/TCR are writable only after LAR is unlocked with 0xC5ACCE55.
 * Not modelled: timestamps, synchronisation and DWT packets (TSENA, SYNCENA, TXENA are
 * stored only), TCR.BUSY (reads 0), the privilege mask (TPR is stored, not enforced),
 * DEMCR.TRCENA gating (as for the DWT). The ARMv6-M cores have no ITM. */
#include "config.h"

#include <stdlib.h>

#include "devices/device.h"

enum {
    STIM_END = 0x080, /* ports 0..31 at 4n */
    TER = 0xE00,
    TPR = 0xE40,
    TCR = 0xE80,
    LAR = 0xFB0,
    LSR = 0xFB4,
    PID4 = 0xFD0, /* PID4..7, PID0..3, CID0..3: 0xFD0..0xFFC */
};
enum { TCR_ITMENA = 1u << 0, TCR_WRITABLE = 0x007F0F1Fu /* TraceBusID, GTSFREQ, TSPrescale, enables */ };
enum { LSR_SLI = 1u << 0, LSR_SLK = 1u << 1 };
#define LAR_KEY 0xC5ACCE55u

/* CoreSight identification, PID4..PID7, PID0..PID3, CID0..CID3 (Cortex-M3 TRM's ITM). */
static const uint8_t id_regs[12] = {0x04, 0, 0, 0, 0x01, 0xB0, 0x3B, 0x00, 0x0D, 0xE0, 0x05, 0xB1};

typedef struct Itm {
    DeviceConfig cfg;
    uint32_t ter, tpr, tcr;
    bool locked;
} Itm;

static void *create(const DeviceConfig *cfg, char **err)
{
    (void)err;
    Itm *t = xcalloc(1, sizeof *t);
    t->cfg = *cfg;
    t->locked = true;
    return t;
}

static void destroy(void *dev) { free(dev); }

static void reset(void *dev)
{
    Itm *t = dev;
    t->ter = t->tpr = t->tcr = 0;
    t->locked = true;
}

static uint32_t read(void *dev, uint32_t off, unsigned size)
{
    Itm *t = dev;
    (void)size;
    if (off < STIM_END)
        return 1; /* FIFOREADY */
    switch (off) {
    case TER: return t->ter;
    case TPR: return t->tpr;
    case TCR: return t->tcr;
    case LSR: return LSR_SLI | (t->locked ? LSR_SLK : 0);
    }
    if (off >= PID4 && off <= 0xFFC && (off & 3) == 0)
        return id_regs[(off - PID4) / 4];
    log_guest("itm: read of unimplemented register 0x%03x", off);
    return 0;
}

static void write(void *dev, uint32_t off, uint32_t v, unsigned size)
{
    Itm *t = dev;
    if (off < STIM_END) {
        unsigned port = off / 4;
        if (off & 3) {
            log_guest("itm: %u-byte write at 0x%03x, not at the start of stimulus port %u", size, off, port);
            return;
        }
        if (!(t->tcr & TCR_ITMENA) || !(t->ter & (1u << port)))
            return; /* disabled: the hardware drops the write */
        if (size < 4)
            v &= (1u << (8 * size)) - 1;
        if (t->cfg.trace.write)
            t->cfg.trace.write(t->cfg.trace.opaque, port, v, size);
        return;
    }
    if (off == LAR) {
        t->locked = v != LAR_KEY;
        return;
    }
    if (off == TER || off == TPR || off == TCR) {
        if (t->locked) {
            log_guest("itm: write to 0x%03x while locked (unlock with 0xC5ACCE55 at LAR, 0xFB0)", off);
            return;
        }
        if (off == TER)
            t->ter = v;
        else if (off == TPR)
            t->tpr = v & 0xF; /* one bit per 8 ports */
        else
            t->tcr = v & TCR_WRITABLE;
        return;
    }
    log_guest("itm: write to unimplemented or read-only register 0x%03x", off);
}

const DeviceClass itm_class = {
    .type = "itm",
    .desc = "Cortex-M ITM stimulus ports to the GC event channel (ARMv7-M ARM Appendix D)",
    .size = 0x1000,
    .create = create,
    .destroy = destroy,
    .reset = reset,
    .read = read,
    .write = write,
};
