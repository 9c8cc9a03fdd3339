/* nrf51_uart.c: Nordic nRF51 UART (nRF51 Series Reference Manual v3.0, chapter 29),
 * as on the BBC micro:bit / QEMU's microbit. Tasks start/stop TX and RX; TXD
 * transmits at once and raises EVENTS_TXDRDY; received bytes raise EVENTS_RXDRDY
 * (6-byte FIFO). As in QEMU's model, TXD writes before STARTTX are dropped.
 * Not modelled: flow control, errors, SUSPEND beyond stopping both directions. */
#include "config.h"

#include <stdlib.h>

#include "devices/devutil.h"

enum {
    TASKS_STARTRX = 0x000, TASKS_STOPRX = 0x004, TASKS_STARTTX = 0x008, TASKS_STOPTX = 0x00C,
    TASKS_SUSPEND = 0x01C, EVENTS_CTS = 0x100, EVENTS_NCTS = 0x104, EVENTS_RXDRDY = 0x108,
    EVENTS_TXDRDY = 0x11C, EVENTS_ERROR = 0x124, EVENTS_RXTO = 0x144, INTEN = 0x300, INTENSET = 0x304,
    INTENCLR = 0x308, ERRORSRC = 0x480, ENABLE = 0x500, PSELRTS = 0x508, PSELTXD = 0x50C, PSELCTS = 0x510,
    PSELRXD = 0x514, RXD = 0x518, TXD = 0x51C, BAUDRATE = 0x524, CONFIG = 0x56C,
};
/* INTEN bit of each event */
enum { I_CTS = 1 << 0, I_NCTS = 1 << 1, I_RXDRDY = 1 << 2, I_TXDRDY = 1 << 7, I_ERROR = 1 << 9, I_RXTO = 1 << 17 };
#define RX_FIFO 6

typedef struct Nrf51Uart {
    DeviceConfig cfg;
    bool tx_started, rx_started;
    uint32_t events; /* I_* bits of the events that are set */
    uint32_t inten, enable, pselrts, pseltxd, pselcts, pselrxd, baudrate, config, errorsrc;
    uint8_t fifo[RX_FIFO];
    unsigned head, count;
} Nrf51Uart;

static void update_irq(Nrf51Uart *u)
{
    if (u->cfg.nirq > 0)
        irq_set(&u->cfg.irq[0], (u->events & u->inten) != 0);
}

static bool deliver(void *dev, uint8_t byte)
{
    Nrf51Uart *u = dev;
    if (u->count == RX_FIFO)
        return false;
    u->fifo[(u->head + u->count++) % RX_FIFO] = byte;
    u->events |= I_RXDRDY;
    update_irq(u);
    return true;
}

/* Receive pacing from BAUDRATE: the register is baud * 2^32 / 16 MHz (e.g. 0x01D7E000
 * is 115200). */
static void set_baud(Nrf51Uart *u)
{
    chardev_set_baud(u->cfg.chardev, (uint32_t)(((uint64_t)u->baudrate * 16000000u) >> 32));
}

static void *create(const DeviceConfig *cfg, char **err)
{
    Nrf51Uart *u = xcalloc(1, sizeof *u);
    u->cfg = *cfg;
    u->baudrate = 0x04000000; /* 250000 baud, the reset value */
    chardev_attach(cfg->chardev, cfg->sched, cfg->clock_hz, deliver, u);
    set_baud(u);
    return u;
}

static void destroy(void *dev)
{
    Nrf51Uart *u = dev;
    chardev_detach(u->cfg.chardev);
    free(u);
}

static void reset(void *dev)
{
    Nrf51Uart *u = dev;
    u->tx_started = u->rx_started = false;
    u->events = u->inten = u->enable = u->errorsrc = 0;
    u->head = u->count = 0;
    chardev_rx_enable(u->cfg.chardev, false);
    update_irq(u);
}

static uint32_t event_bit(uint32_t off)
{
    switch (off) {
    case EVENTS_CTS: return I_CTS;
    case EVENTS_NCTS: return I_NCTS;
    case EVENTS_RXDRDY: return I_RXDRDY;
    case EVENTS_TXDRDY: return I_TXDRDY;
    case EVENTS_ERROR: return I_ERROR;
    case EVENTS_RXTO: return I_RXTO;
    default: return 0;
    }
}

static uint32_t read(void *dev, uint32_t off, unsigned size)
{
    Nrf51Uart *u = dev;
    uint32_t ev = event_bit(off);
    if (ev == I_RXDRDY && !(u->events & ev))
        chardev_rx_idle(u->cfg.chardev);
    if (ev)
        return (u->events & ev) != 0;
    switch (off) {
    case INTEN:
    case INTENSET:
    case INTENCLR: return u->inten;
    case ERRORSRC: return u->errorsrc;
    case ENABLE: return u->enable;
    case PSELRTS: return u->pselrts;
    case PSELTXD: return u->pseltxd;
    case PSELCTS: return u->pselcts;
    case PSELRXD: return u->pselrxd;
    case BAUDRATE: return u->baudrate;
    case CONFIG: return u->config;
    case RXD: {
        if (!u->count) {
            chardev_rx_idle(u->cfg.chardev);
            return 0;
        }
        uint8_t b = u->fifo[u->head];
        u->head = (u->head + 1) % RX_FIFO;
        if (--u->count)
            u->events |= I_RXDRDY; /* the next byte is ready at once */
        update_irq(u);
        chardev_rx_ready(u->cfg.chardev);
        return b;
    }
    }
    log_guest("nrf51-uart %s: read of unknown register 0x%03x", u->cfg.name, off);
    return 0;
}

static void write(void *dev, uint32_t off, uint32_t v, unsigned size)
{
    Nrf51Uart *u = dev;
    uint32_t ev = event_bit(off);
    if (ev) {
        if (v)
            u->events |= ev;
        else
            u->events &= ~ev;
        update_irq(u);
        return;
    }
    switch (off) {
    case TASKS_STARTTX:
        if (v)
            u->tx_started = true;
        return;
    case TASKS_STOPTX:
        if (v)
            u->tx_started = false;
        return;
    case TASKS_STARTRX:
    case TASKS_STOPRX:
    case TASKS_SUSPEND:
        if (!v)
            return;
        u->rx_started = off == TASKS_STARTRX;
        if (off == TASKS_SUSPEND)
            u->tx_started = false;
        chardev_rx_enable(u->cfg.chardev, u->rx_started);
        return;
    case TXD:
        if (!u->tx_started) {
            log_guest("nrf51-uart %s: TXD written before TASKS_STARTTX: dropped", u->cfg.name);
            return;
        }
        uart_tx(&u->cfg, u->cfg.chardev, (uint8_t)v);
        u->events |= I_TXDRDY;
        update_irq(u);
        return;
    case INTEN: u->inten = v; break;
    case INTENSET: u->inten |= v; break;
    case INTENCLR: u->inten &= ~v; break;
    case ERRORSRC: u->errorsrc &= ~v; return;
    case ENABLE: u->enable = v & 7; return;
    case PSELRTS: u->pselrts = v; return;
    case PSELTXD: u->pseltxd = v; return;
    case PSELCTS: u->pselcts = v; return;
    case PSELRXD: u->pselrxd = v; return;
    case BAUDRATE:
        u->baudrate = v;
        set_baud(u);
        return;
    case CONFIG: u->config = v; return;
    default:
        log_guest("nrf51-uart %s: write to unknown or read-only register 0x%03x", u->cfg.name, off);
        return;
    }
    update_irq(u);
}

const DeviceClass nrf51_uart_class = {
    .type = "nrf51-uart",
    .desc = "Nordic nRF51 UART (nRF51 Series Reference Manual v3.0, ch. 29); irq [n]",
    .size = 0x1000,
    .roles = DEVICE_ROLE_CONSOLE,
    .create = create,
    .destroy = destroy,
    .reset = reset,
    .read = read,
    .write = write,
};
