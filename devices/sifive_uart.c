/* sifive_uart.c: SiFive UART (SiFive FE310-G000 Manual v2p3, chapter 18), as on the
 * HiFive1 / QEMU sifive_e. TX is instantaneous (txdata never reads full); RX has the
 * 8-entry FIFO and the watermark interrupts. As in QEMU's model, txdata transmits
 * whether or not txctrl.txen is set. Not modelled: stop bits, the divisor's effect
 * on anything but the receive pacing. IRQ line [0] goes to a PLIC source. */
#include "config.h"

#include <stdlib.h>

#include "devices/devutil.h"

enum { TXDATA = 0x00, RXDATA = 0x04, TXCTRL = 0x08, RXCTRL = 0x0C, IE = 0x10, IP = 0x14, DIV = 0x18 };
enum { IP_TXWM = 1, IP_RXWM = 2 };
#define RX_FIFO 8
#define RXDATA_EMPTY 0x80000000u

typedef struct SifiveUart {
    DeviceConfig cfg;
    uint32_t txctrl, rxctrl, ie, div;
    uint8_t fifo[RX_FIFO];
    unsigned head, count;
} SifiveUart;

static uint32_t ip(const SifiveUart *u)
{
    uint32_t r = 0;
    if (((u->txctrl >> 16) & 7) != 0) /* the TX FIFO is always empty: below any watermark */
        r |= IP_TXWM;
    if (u->count > ((u->rxctrl >> 16) & 7))
        r |= IP_RXWM;
    return r;
}

static void update_irq(SifiveUart *u)
{
    if (u->cfg.nirq > 0)
        irq_set(&u->cfg.irq[0], (ip(u) & u->ie) != 0);
}

static bool deliver(void *dev, uint8_t byte)
{
    SifiveUart *u = dev;
    if (u->count == RX_FIFO)
        return false;
    u->fifo[(u->head + u->count++) % RX_FIFO] = byte;
    update_irq(u);
    return true;
}

static void rx_gate(SifiveUart *u) { chardev_rx_enable(u->cfg.chardev, (u->rxctrl & 1) || (u->ie & IP_RXWM)); }

static void *create(const DeviceConfig *cfg, char **err)
{
    SifiveUart *u = xcalloc(1, sizeof *u);
    u->cfg = *cfg;
    chardev_attach(cfg->chardev, cfg->sched, cfg->clock_hz, deliver, u);
    return u;
}

static void destroy(void *dev)
{
    SifiveUart *u = dev;
    chardev_detach(u->cfg.chardev);
    free(u);
}

static void reset(void *dev)
{
    SifiveUart *u = dev;
    u->txctrl = u->rxctrl = u->ie = 0;
    u->div = 0;
    u->head = u->count = 0;
    rx_gate(u);
    update_irq(u);
}

static uint32_t read(void *dev, uint32_t off, unsigned size)
{
    SifiveUart *u = dev;
    switch (off) {
    case TXDATA: return 0;
    case RXDATA: {
        if (!u->count) {
            chardev_rx_idle(u->cfg.chardev);
            return RXDATA_EMPTY;
        }
        uint8_t b = u->fifo[u->head];
        u->head = (u->head + 1) % RX_FIFO;
        u->count--;
        update_irq(u);
        chardev_rx_ready(u->cfg.chardev);
        return b;
    }
    case TXCTRL: return u->txctrl;
    case RXCTRL: return u->rxctrl;
    case IE: return u->ie;
    case IP: return ip(u);
    case DIV: return u->div;
    }
    log_guest("sifive-uart %s: read of unknown register 0x%02x", u->cfg.name, off);
    return 0;
}

static void write(void *dev, uint32_t off, uint32_t v, unsigned size)
{
    SifiveUart *u = dev;
    switch (off) {
    case TXDATA: uart_tx(&u->cfg, u->cfg.chardev, (uint8_t)v); return;
    case TXCTRL: u->txctrl = v & 0x70003; break;
    case RXCTRL: u->rxctrl = v & 0x70001; break;
    case IE: u->ie = v & 3; break;
    case DIV:
        u->div = v & 0xFFFF;
        chardev_set_baud(u->cfg.chardev, u->cfg.clock_hz / (u->div + 1));
        return;
    default:
        log_guest("sifive-uart %s: write to unknown or read-only register 0x%02x", u->cfg.name, off);
        return;
    }
    rx_gate(u);
    update_irq(u);
}

const DeviceClass sifive_uart_class = {
    .type = "sifive-uart",
    .desc = "SiFive UART (FE310-G000 manual, ch. 18); irq [PLIC source]",
    .size = 0x1000,
    .roles = DEVICE_ROLE_CONSOLE,
    .create = create,
    .destroy = destroy,
    .reset = reset,
    .read = read,
    .write = write,
};
