/* pl011.c: ARM PrimeCell UART PL011 (PrimeCell UART (PL011) Technical Reference Manual,
 * ARM DDI 0183), as on the Stellaris LM3S6965 (QEMU's lm3s6965evb: the Luminary variant,
 * which differs only in its identification registers) and ARM's own boards.
 * TX is instantaneous. RX takes one byte per character time (from IBRD/FBRD and the
 * core clock, 115200 baud until they are set) into the 16-byte receive FIFO (LCR_H.FEN)
 * or the 1-byte holding register.
 * Behaves as QEMU's model: the transmitter and receiver work whatever UARTCR's enable
 * bits say; TXRIS is set by every write to UARTDR (the byte is gone at once) and
 * cleared only through UARTICR; RXRIS is set when a byte arrives and cleared when the
 * receive FIFO goes from empty to one byte and cleared when it is read empty (a trigger
 * level of one byte, whatever UARTIFLS says).
 * Not modelled: the receive timeout, modem status and error interrupts, break, IrDA,
 * DMA (UARTDMACR is stored only), loopback.
 * Parameter "variant": "arm" (default) or "luminary" (the identification registers).
 * IRQ lines: [0] UARTINTR (the combined interrupt, the only one the Stellaris parts
 * wire), then optionally [1] UARTRXINTR, [2] UARTTXINTR. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "devices/devutil.h"

enum {
    DR = 0x000, RSR = 0x004, FR = 0x018, ILPR = 0x020, IBRD = 0x024, FBRD = 0x028, LCR_H = 0x02C,
    CR = 0x030, IFLS = 0x034, IMSC = 0x038, RIS = 0x03C, MIS = 0x040, ICR = 0x044, DMACR = 0x048,
    ID_FIRST = 0xFE0, /* PeriphID0..3, PCellID0..3: 0xFE0..0xFFC */
};
enum { FR_RXFE = 1 << 4, FR_RXFF = 1 << 6, FR_TXFE = 1 << 7 };
enum { LCR_H_FEN = 1 << 4 };
enum { INT_RX = 1 << 4, INT_TX = 1 << 5, INT_ALL = 0x7FF };
#define RX_FIFO 16

/* PeriphID0..3, PCellID0..3 (TRM 3.3.14, 3.3.15; the Luminary parts' from their data sheet). */
static const uint8_t id_arm[8] = {0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
static const uint8_t id_luminary[8] = {0x11, 0x00, 0x18, 0x01, 0x0d, 0xf0, 0x05, 0xb1};

typedef struct Pl011 {
    DeviceConfig cfg;
    const uint8_t *id;
    uint32_t ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr, rsr;
    uint8_t fifo[RX_FIFO];
    unsigned head, count;
} Pl011;

/* Which interrupt status bits each line carries: UARTINTR, UARTRXINTR, UARTTXINTR. */
static const uint32_t line_mask[] = {INT_ALL, INT_RX, INT_TX};

static void update_irq(Pl011 *u)
{
    uint32_t mis = u->ris & u->imsc;
    for (int i = 0; i < u->cfg.nirq && i < (int)ARRAY_SIZE(line_mask); i++)
        irq_set(&u->cfg.irq[i], (mis & line_mask[i]) != 0);
}

static unsigned fifo_depth(const Pl011 *u) { return (u->lcr_h & LCR_H_FEN) ? RX_FIFO : 1; }

static bool deliver(void *dev, uint8_t byte)
{
    Pl011 *u = dev;
    if (u->count >= fifo_depth(u))
        return false;
    u->fifo[(u->head + u->count++) % RX_FIFO] = byte;
    if (u->count == 1) /* the trigger level (see the top of the file) */
        u->ris |= INT_RX;
    update_irq(u);
    return true;
}

/* Receive pacing: baud = UARTCLK * 4 / (64 * IBRD + FBRD) (TRM 3.3.6), UARTCLK being
 * the core clock. */
static void set_baud(Pl011 *u)
{
    uint32_t div = u->ibrd * 64 + u->fbrd;
    chardev_set_baud(u->cfg.chardev, u->ibrd ? (uint32_t)((uint64_t)u->cfg.clock_hz * 4 / div) : 0);
}

static void reset(void *dev)
{
    Pl011 *u = dev;
    u->ilpr = u->ibrd = u->fbrd = u->lcr_h = u->imsc = u->ris = u->dmacr = u->rsr = 0;
    u->cr = 0x300; /* TXE, RXE */
    u->ifls = 0x12;
    u->head = u->count = 0;
    memset(u->fifo, 0, sizeof u->fifo);
    set_baud(u);
    chardev_rx_enable(u->cfg.chardev, true);
    update_irq(u);
}

static void *create(const DeviceConfig *cfg, char **err)
{
    const cJSON *v = cfg->params ? cJSON_GetObjectItemCaseSensitive(cfg->params, "variant") : NULL;
    const uint8_t *id = id_arm;
    if (v && cJSON_IsString(v) && !strcmp(v->valuestring, "luminary"))
        id = id_luminary;
    else if (v && !(cJSON_IsString(v) && !strcmp(v->valuestring, "arm"))) {
        set_err(err, "parameter \"variant\": expected \"arm\" or \"luminary\"");
        return NULL;
    }
    Pl011 *u = xcalloc(1, sizeof *u);
    u->cfg = *cfg;
    u->id = id;
    chardev_attach(cfg->chardev, cfg->sched, cfg->clock_hz, deliver, u);
    reset(u);
    return u;
}

static void destroy(void *dev)
{
    Pl011 *u = dev;
    chardev_detach(u->cfg.chardev);
    free(u);
}

/* An empty FIFO reads its next slot again (what was last received there), as QEMU's. */
static uint32_t read_dr(Pl011 *u)
{
    uint8_t byte = u->fifo[u->head];
    if (u->count) {
        u->head = (u->head + 1) % RX_FIFO;
        u->count--;
        chardev_rx_ready(u->cfg.chardev);
    } else {
        chardev_rx_idle(u->cfg.chardev);
    }
    if (!u->count)
        u->ris &= ~(uint32_t)INT_RX;
    update_irq(u);
    return byte;
}

static uint32_t read(void *dev, uint32_t off, unsigned size)
{
    Pl011 *u = dev;
    switch (off) {
    case DR: return read_dr(u);
    case RSR: return u->rsr;
    case FR:
        if (!u->count)
            chardev_rx_idle(u->cfg.chardev);
        return FR_TXFE | (u->count ? 0 : FR_RXFE) | (u->count >= fifo_depth(u) ? FR_RXFF : 0);
    case ILPR: return u->ilpr;
    case IBRD: return u->ibrd;
    case FBRD: return u->fbrd;
    case LCR_H: return u->lcr_h;
    case CR: return u->cr;
    case IFLS: return u->ifls;
    case IMSC: return u->imsc;
    case RIS: return u->ris;
    case MIS: return u->ris & u->imsc;
    case DMACR: return u->dmacr;
    }
    if (off >= ID_FIRST && off < 0x1000 && !(off & 3))
        return u->id[(off - ID_FIRST) / 4];
    log_guest("pl011 %s: read of unknown register 0x%03x", u->cfg.name, off);
    return 0;
}

static void write(void *dev, uint32_t off, uint32_t v, unsigned size)
{
    Pl011 *u = dev;
    switch (off) {
    case DR:
        uart_tx(&u->cfg, u->cfg.chardev, (uint8_t)v);
        u->ris |= INT_TX;
        update_irq(u);
        return;
    case RSR: /* UARTECR: clears the error flags */
        u->rsr = 0;
        return;
    case ILPR: u->ilpr = v & 0xFF; return;
    case IBRD:
        u->ibrd = v & 0xFFFF;
        set_baud(u);
        return;
    case FBRD:
        u->fbrd = v & 0x3F;
        set_baud(u);
        return;
    case LCR_H:
        if ((u->lcr_h ^ v) & LCR_H_FEN) /* the FIFOs are flushed when FEN changes */
            u->head = u->count = 0;
        u->lcr_h = v & 0xFF;
        chardev_rx_ready(u->cfg.chardev);
        return;
    case CR: u->cr = v & 0xFF87; return;
    case IFLS: u->ifls = v & 0x3F; return;
    case IMSC:
        u->imsc = v & INT_ALL;
        update_irq(u);
        return;
    case ICR:
        u->ris &= ~v;
        update_irq(u);
        return;
    case DMACR:
        u->dmacr = v & 7;
        if (u->dmacr)
            log_guest("pl011 %s: DMA is not modelled", u->cfg.name);
        return;
    }
    log_guest("pl011 %s: write to unknown or read-only register 0x%03x", u->cfg.name, off);
}

const DeviceClass pl011_class = {
    .type = "pl011",
    .desc = "ARM PrimeCell UART PL011 (DDI 0183), variant \"arm\" or \"luminary\"; irq [UARTINTR, RX, TX]",
    .size = 0x1000,
    .roles = DEVICE_ROLE_CONSOLE,
    .create = create,
    .destroy = destroy,
    .reset = reset,
    .read = read,
    .write = write,
};
