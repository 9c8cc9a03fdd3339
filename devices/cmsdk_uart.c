/* cmsdk_uart.c: ARM CMSDK APB UART (Cortex-M System Design Kit TRM, DDI 0479C, 4.3),
 * as on the MPS2 boards. TX is instantaneous; RX takes one byte per character time.
 * Behaves as QEMU's model: data written while TX is disabled is dropped.
 * Not modelled: overrun (no FIFO: the host waits), high-speed test mode.
 * IRQ lines: [0] RX, [1] TX (MPS2: UART0 RX = IRQ 0, TX = IRQ 1). */
#include "config.h"

#include <stdlib.h>

#include "devices/devutil.h"

enum { DATA = 0x000, STATE = 0x004, CTRL = 0x008, INTSTATUS = 0x00C, BAUDDIV = 0x010 };
enum { ST_TXFULL = 1, ST_RXFULL = 2 };
enum { CTRL_TX_EN = 1, CTRL_RX_EN = 2, CTRL_TX_INTEN = 4, CTRL_RX_INTEN = 8 };
enum { INT_TX = 1, INT_RX = 2 };

typedef struct CmsdkUart {
    DeviceConfig cfg;
    uint32_t state, ctrl, intstatus, bauddiv;
    uint8_t rxbyte;
} CmsdkUart;

static void update_irq(CmsdkUart *u)
{
    if (u->cfg.nirq > 0)
        irq_set(&u->cfg.irq[0], (u->intstatus & INT_RX) != 0);
    if (u->cfg.nirq > 1)
        irq_set(&u->cfg.irq[1], (u->intstatus & INT_TX) != 0);
}

static bool deliver(void *dev, uint8_t byte)
{
    CmsdkUart *u = dev;
    if (u->state & ST_RXFULL)
        return false;
    u->rxbyte = byte;
    u->state |= ST_RXFULL;
    if (u->ctrl & CTRL_RX_INTEN)
        u->intstatus |= INT_RX;
    update_irq(u);
    return true;
}

static void *create(const DeviceConfig *cfg, char **err)
{
    CmsdkUart *u = xcalloc(1, sizeof *u);
    u->cfg = *cfg;
    chardev_attach(cfg->chardev, cfg->sched, cfg->clock_hz, deliver, u);
    return u;
}

static void destroy(void *dev)
{
    CmsdkUart *u = dev;
    chardev_detach(u->cfg.chardev);
    free(u);
}

static void reset(void *dev)
{
    CmsdkUart *u = dev;
    u->state = u->ctrl = u->intstatus = u->bauddiv = 0;
    chardev_rx_enable(u->cfg.chardev, false);
    update_irq(u);
}

/* PrimeCell identification registers 0xFD0..0xFFC (PID4..7, PID0..3, CID0..3). */
static const uint8_t ids[12] = {0x04, 0x00, 0x00, 0x00, 0x21, 0xb8, 0x1b, 0x00, 0x0d, 0xf0, 0x05, 0xb1};

static uint32_t read(void *dev, uint32_t off, unsigned size)
{
    CmsdkUart *u = dev;
    switch (off) {
    case DATA:
        if (u->state & ST_RXFULL) {
            u->state &= ~(uint32_t)ST_RXFULL;
            update_irq(u);
            chardev_rx_ready(u->cfg.chardev);
        } else {
            chardev_rx_idle(u->cfg.chardev);
        }
        return u->rxbyte;
    case STATE:
        if (!(u->state & ST_RXFULL))
            chardev_rx_idle(u->cfg.chardev);
        return u->state;
    case CTRL: return u->ctrl;
    case INTSTATUS: return u->intstatus;
    case BAUDDIV: return u->bauddiv;
    }
    if (off >= 0xFD0 && off < 0x1000 && !(off & 3))
        return ids[(off - 0xFD0) / 4];
    log_guest("cmsdk-uart %s: read of unknown register 0x%03x", u->cfg.name, off);
    return 0;
}

static void write(void *dev, uint32_t off, uint32_t v, unsigned size)
{
    CmsdkUart *u = dev;
    switch (off) {
    case DATA:
        if (!(u->ctrl & CTRL_TX_EN)) {
            log_guest("cmsdk-uart %s: byte written to DATA while TX is disabled: dropped", u->cfg.name);
            return;
        }
        uart_tx(&u->cfg, u->cfg.chardev, (uint8_t)v);
        if (u->ctrl & CTRL_TX_INTEN) /* the byte is gone at once: transmit complete */
            u->intstatus |= INT_TX;
        update_irq(u);
        return;
    case STATE: /* writing 1 clears the overrun bits; nothing else is writable */
        return;
    case CTRL:
        u->ctrl = v & 0x7F;
        chardev_rx_enable(u->cfg.chardev, (u->ctrl & CTRL_RX_EN) != 0);
        update_irq(u);
        return;
    case INTSTATUS: /* INTCLEAR */
        u->intstatus &= ~v;
        update_irq(u);
        return;
    case BAUDDIV:
        u->bauddiv = v & 0xFFFFF;
        if (u->bauddiv < 16)
            log_guest("cmsdk-uart %s: BAUDDIV %u is below the minimum of 16", u->cfg.name, u->bauddiv);
        else
            chardev_set_baud(u->cfg.chardev, u->cfg.clock_hz / u->bauddiv);
        return;
    }
    log_guest("cmsdk-uart %s: write to unknown or read-only register 0x%03x", u->cfg.name, off);
}

const DeviceClass cmsdk_uart_class = {
    .type = "cmsdk-uart",
    .desc = "ARM CMSDK APB UART (DDI 0479C); irq [RX, TX]",
    .size = 0x1000,
    .roles = DEVICE_ROLE_CONSOLE,
    .create = create,
    .destroy = destroy,
    .reset = reset,
    .read = read,
    .write = write,
};
