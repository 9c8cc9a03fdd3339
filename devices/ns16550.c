/* ns16550.c: NS16550A UART (TI/National PC16550D datasheet), as on QEMU's RISC-V
 * virt machine (0x10000000, PLIC source 10). TX is instantaneous (THR is always
 * empty again); RX has the 16-byte FIFO when FCR enables it (1 byte otherwise).
 * Interrupts with the IIR priorities: line status > received data > THR empty.
 * Not modelled: modem lines (MSR reads "CTS, DSR, DCD"), loopback, the character
 * timeout indication. Parameter: "reg_shift" (register stride = 1 << reg_shift). */
#include "config.h"

#include <stdlib.h>

#include "devices/devutil.h"

enum { RBR = 0, IER = 1, IIR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };
enum { IER_RDA = 1, IER_THRE = 2, IER_RLS = 4 };
enum { LSR_DR = 0x01, LSR_THRE = 0x20, LSR_TEMT = 0x40 };
enum { IIR_NONE = 0x01, IIR_THRE = 0x02, IIR_RDA = 0x04, IIR_FIFO = 0xC0 };
#define FIFO_LEN 16

typedef struct Ns16550 {
    DeviceConfig cfg;
    uint32_t shift;
    uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
    bool thre_pending; /* THR-empty interrupt condition (cleared by reading IIR or writing THR) */
    uint8_t fifo[FIFO_LEN];
    unsigned head, count;
} Ns16550;

static uint8_t iir(const Ns16550 *u)
{
    uint8_t fifo = (u->fcr & 1) ? IIR_FIFO : 0;
    if ((u->ier & IER_RDA) && u->count)
        return IIR_RDA | fifo;
    if ((u->ier & IER_THRE) && u->thre_pending)
        return IIR_THRE | fifo;
    return IIR_NONE | fifo;
}

static void update_irq(Ns16550 *u)
{
    if (u->cfg.nirq > 0)
        irq_set(&u->cfg.irq[0], !(iir(u) & IIR_NONE));
}

static unsigned fifo_cap(const Ns16550 *u) { return (u->fcr & 1) ? FIFO_LEN : 1; }

static bool deliver(void *dev, uint8_t byte)
{
    Ns16550 *u = dev;
    if (u->count >= fifo_cap(u))
        return false;
    u->fifo[(u->head + u->count++) % FIFO_LEN] = byte;
    update_irq(u);
    return true;
}

static void *create(const DeviceConfig *cfg, char **err)
{
    uint32_t shift;
    if (device_param_u32(cfg, "reg_shift", 0, &shift, err) < 0)
        return NULL;
    if (shift > 2) {
        set_err(err, "reg_shift must be 0, 1 or 2");
        return NULL;
    }
    Ns16550 *u = xcalloc(1, sizeof *u);
    u->cfg = *cfg;
    u->shift = shift;
    chardev_attach(cfg->chardev, cfg->sched, cfg->clock_hz, deliver, u);
    /* the receiver is always on: poll the host once the firmware can see data */
    chardev_rx_enable(u->cfg.chardev, true);
    return u;
}

static void destroy(void *dev)
{
    Ns16550 *u = dev;
    chardev_detach(u->cfg.chardev);
    free(u);
}

static void reset(void *dev)
{
    Ns16550 *u = dev;
    u->ier = u->lcr = u->mcr = u->scr = u->fcr = 0;
    u->thre_pending = false;
    u->head = u->count = 0;
    update_irq(u);
}

static uint32_t read(void *dev, uint32_t off, unsigned size)
{
    Ns16550 *u = dev;
    bool dlab = u->lcr & 0x80;
    switch (off >> u->shift) {
    case RBR: {
        if (dlab)
            return u->dll;
        if (!u->count) {
            chardev_rx_idle(u->cfg.chardev);
            return 0;
        }
        uint8_t b = u->fifo[u->head];
        u->head = (u->head + 1) % FIFO_LEN;
        u->count--;
        update_irq(u);
        chardev_rx_ready(u->cfg.chardev);
        return b;
    }
    case IER: return dlab ? u->dlm : u->ier;
    case IIR: {
        uint8_t r = iir(u);
        if ((r & 0x0F) == IIR_THRE) { /* reading IIR while it reports THRE clears it */
            u->thre_pending = false;
            update_irq(u);
        }
        return r;
    }
    case LCR: return u->lcr;
    case MCR: return u->mcr;
    case LSR:
        if (!u->count)
            chardev_rx_idle(u->cfg.chardev);
        return LSR_THRE | LSR_TEMT | (u->count ? LSR_DR : 0);
    case MSR: return 0xB0; /* DCD, DSR, CTS */
    case SCR: return u->scr;
    }
    log_guest("ns16550a %s: read of unknown offset 0x%x", u->cfg.name, off);
    return 0;
}

static void write(void *dev, uint32_t off, uint32_t v, unsigned size)
{
    Ns16550 *u = dev;
    bool dlab = u->lcr & 0x80;
    switch (off >> u->shift) {
    case RBR: /* THR */
        if (dlab) {
            u->dll = (uint8_t)v;
            return;
        }
        uart_tx(&u->cfg, u->cfg.chardev, (uint8_t)v);
        u->thre_pending = true; /* transmitted at once: the holding register is empty again */
        break;
    case IER:
        if (dlab) {
            u->dlm = (uint8_t)v;
            return;
        }
        if ((v & IER_THRE) && !(u->ier & IER_THRE))
            u->thre_pending = true; /* enabling THRE with an empty THR interrupts */
        u->ier = v & 0x0F;
        break;
    case IIR: /* FCR */
        u->fcr = v & 0xC9;
        if (v & 2)
            u->head = u->count = 0; /* clear the RX FIFO */
        break;
    case LCR: u->lcr = (uint8_t)v; return;
    case MCR: u->mcr = v & 0x1F; return;
    case SCR: u->scr = (uint8_t)v; return;
    default:
        log_guest("ns16550a %s: write to read-only or unknown offset 0x%x", u->cfg.name, off);
        return;
    }
    update_irq(u);
}

const DeviceClass ns16550_class = {
    .type = "ns16550a",
    .desc = "NS16550A UART (PC16550D datasheet); irq [PLIC source]; param reg_shift",
    .size = 0x100,
    .roles = DEVICE_ROLE_CONSOLE,
    .create = create,
    .destroy = destroy,
    .reset = reset,
    .read = read,
    .write = write,
};
