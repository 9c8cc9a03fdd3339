/* test_devices.c: the device models driven through read/write with a real Sched, a fake IRQ sink and pipe-fed CharDevs (no Unicorn); the CharDev's host end with a fake UART. */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/device.h"
#include "devices/nvic.h"
#include "tests/cunit_main.h"

/* ---- the rig: one device, its scheduler, its host end and its IRQ lines ---- */

/* Records the level of every line and how many times each rose. */
typedef struct FakeIrq {
    int level[DEVICE_MAX_IRQ];
    int rises[DEVICE_MAX_IRQ];
    int calls;
} FakeIrq;

static void fake_irq_set(void *opaque, int num, int level)
{
    FakeIrq *f = opaque;
    if (num < 0 || num >= DEVICE_MAX_IRQ)
        return;
    if (level && !f->level[num])
        f->rises[num]++;
    f->level[num] = level != 0;
    f->calls++;
}

typedef struct Rig {
    Sched sched;
    FakeIrq irq;
    int exits, resets;  /* the core's exit and sysreset asked for (test finisher) */
    int exit_status;
    FILE *out;
    char *outbuf;
    size_t outlen; /* bytes */
    int in_fd;
    CharDev *cd;
    cJSON *params;
    const DeviceClass *cls;
    void *dev;
} Rig;

static void fake_exit(void *opaque, int status)
{
    Rig *r = opaque;
    r->exits++;
    r->exit_status = status;
}

static void fake_sysreset(void *opaque)
{
    Rig *r = opaque;
    r->resets++;
}

/* Creates device `type` at `clock_hz` with all its lines wired to r->irq. `input`
 * (may be NULL: no input) is what the host end will receive, then end of input. */
static void rig_open(Rig *r, const char *type, uint32_t clock_hz, const char *input, const char *json)
{
    memset(r, 0, sizeof *r);
    r->in_fd = -1;
    sched_init(&r->sched, clock_hz);
    if (input) {
        int fds[2];
        CU_ASSERT_FATAL(pipe(fds) == 0);
        size_t n = strlen(input);
        CU_ASSERT_FATAL(write(fds[1], input, n) == (ssize_t)n);
        close(fds[1]);
        r->in_fd = fds[0];
    }
    r->out = open_memstream(&r->outbuf, &r->outlen);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->out);
    r->cd = chardev_new(r->out, r->in_fd);
    r->params = json ? cJSON_Parse(json) : NULL;
    r->cls = device_class_find(type);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->cls);
    DeviceConfig cfg = {
        .name = "dut", .base = 0x40000000, .clock_hz = clock_hz, .params = r->params,
        .sched = &r->sched, .chardev = r->cd, .nirq = DEVICE_MAX_IRQ,
        .core = {.exit = fake_exit, .sysreset = fake_sysreset, .opaque = r},
    };
    for (int i = 0; i < DEVICE_MAX_IRQ; i++)
        cfg.irq[i] = (IrqLine){.set = fake_irq_set, .opaque = &r->irq, .num = i};
    char *err = NULL;
    r->dev = r->cls->create(&cfg, &err);
    if (!r->dev)
        fprintf(stderr, "create %s: %s\n", type, err ? err : "?");
    free(err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->dev);
}

static void rig_close(Rig *r)
{
    if (r->dev)
        r->cls->destroy(r->dev);
    chardev_free(r->cd);
    fclose(r->out);
    free(r->outbuf);
    if (r->in_fd >= 0)
        close(r->in_fd);
    cJSON_Delete(r->params);
    CU_ASSERT_PTR_NULL(r->sched.head); /* destroy cancelled every event */
}

static uint32_t rd(Rig *r, uint32_t off) { return r->cls->read(r->dev, off, 4); }
static void wr(Rig *r, uint32_t off, uint32_t v) { r->cls->write(r->dev, off, v, 4); }

/* What the host end received so far (NUL-terminated). */
static const char *output(Rig *r)
{
    chardev_flush(r->cd);
    return r->outbuf ? r->outbuf : "";
}

/* Advance simulated time to cycle t, running each event at its own cycle, as the
 * run loop does. */
static void run_to(Sched *s, uint64_t t)
{
    while (sched_next(s) <= t) {
        uint64_t nx = sched_next(s);
        if (nx > s->now)
            s->now = nx;
        sched_run_due(s);
    }
    if (t > s->now)
        s->now = t;
}

/* create() with these params must fail with a message. */
static void expect_create_fails(const char *type, uint32_t clock_hz, const char *json, const char *needle)
{
    Sched s;
    sched_init(&s, clock_hz);
    cJSON *params = cJSON_Parse(json);
    CU_ASSERT_PTR_NOT_NULL_FATAL(params);
    const DeviceClass *cls = device_class_find(type);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cls);
    DeviceConfig cfg = {.name = "bad", .clock_hz = clock_hz, .params = params, .sched = &s};
    char *err = NULL;
    void *dev = cls->create(&cfg, &err);
    CU_ASSERT_PTR_NULL(dev);
    CU_ASSERT_PTR_NOT_NULL(err);
    if (err && needle)
        CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
    if (dev)
        cls->destroy(dev);
    free(err);
    cJSON_Delete(params);
}

/* ---- registry ---- */

static void test_registry(void)
{
    for (const DeviceClass *const *c = device_classes; *c; c++) {
        CU_ASSERT((*c)->size > 0);
        CU_ASSERT((*c)->create && (*c)->destroy && (*c)->reset && (*c)->read && (*c)->write);
        CU_ASSERT_PTR_EQUAL(device_class_find((*c)->type), *c); /* type names are unique */
    }
    CU_ASSERT_PTR_NULL(device_class_find("pl022"));
}

/* What each model declares the machine may use it for (a model added later brings
 * its own line here, nothing else changes). */
static void test_roles_declared(void)
{
    enum { CON = DEVICE_ROLE_CONSOLE, TB = DEVICE_ROLE_TIMEBASE, IC = DEVICE_ROLE_INTC, EM = DEVICE_ROLE_EXC_MODEL };
    static const struct {
        const char *type;
        unsigned roles;
        int sys_exc;
    } want[] = {
        {"cmsdk-uart", CON, 0}, {"nrf51-uart", CON, 0},          {"sifive-uart", CON, 0}, {"ns16550a", CON, 0},
        {"cmsdk-timer", 0, 0},  {"systick", 0, EXC_SYSTICK},     {"dwt", 0, 0},           {"clint", TB, 0},
        {"plic", IC, 0},        {"itm", 0, 0},                   {"gc-trace-port", 0, 0}, {"nvic", IC | EM, 0},
        {"sifive-test", 0, 0},  {"goldfish-rtc", 0, 0},
        {"pl011", CON, 0},
    };
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        const DeviceClass *c = device_class_find(want[i].type);
        CU_ASSERT_PTR_NOT_NULL_FATAL(c);
        CU_ASSERT_EQUAL(c->roles, want[i].roles);
        CU_ASSERT_EQUAL(c->sys_exc, want[i].sys_exc);
    }
    /* every role comes with what the machine uses of it, and nothing without it */
    for (const DeviceClass *const *p = device_classes; *p; p++) {
        const DeviceClass *c = *p;
        CU_ASSERT_EQUAL((c->roles & DEVICE_ROLE_INTC) != 0, c->irq_input != NULL);
        CU_ASSERT_EQUAL((c->roles & DEVICE_ROLE_TIMEBASE) != 0, c->timebase != NULL);
        CU_ASSERT_EQUAL((c->roles & DEVICE_ROLE_EXC_MODEL) != 0, c->exc_line != NULL);
        CU_ASSERT_EQUAL((c->roles & DEVICE_ROLE_EXC_MODEL) != 0, c->default_base != 0);
        CU_ASSERT(c->sys_exc >= 0 && c->sys_exc < EXC_IRQ0);
    }
    /* the machine finds the exception model by role: the NVIC, at the SCS page */
    const DeviceClass *em = device_class_with_role(DEVICE_ROLE_EXC_MODEL);
    CU_ASSERT_PTR_EQUAL(em, device_class_find("nvic"));
    CU_ASSERT_EQUAL(em->default_base, 0xE000E000u);
    CU_ASSERT_PTR_NULL(device_class_with_role(DEVICE_ROLE_CONSOLE | DEVICE_ROLE_EXC_MODEL));
}

static void test_param_u32(void)
{
    cJSON *p = cJSON_Parse("{\"a\": 7, \"b\": \"0x10\", \"c\": \"2MHz\", \"d\": -1, \"e\": 1.5, \"f\": true,"
                           "\"g\": 4294967296}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    DeviceConfig cfg = {.params = p};
    uint32_t v = 0;
    char *err = NULL;
    CU_ASSERT_EQUAL(device_param_u32(&cfg, "a", 1, &v, &err), 0);
    CU_ASSERT_EQUAL(v, 7);
    CU_ASSERT_EQUAL(device_param_u32(&cfg, "b", 1, &v, &err), 0);
    CU_ASSERT_EQUAL(v, 16);
    CU_ASSERT_EQUAL(device_param_u32(&cfg, "c", 1, &v, &err), 0);
    CU_ASSERT_EQUAL(v, 2000000);
    CU_ASSERT_EQUAL(device_param_u32(&cfg, "missing", 99, &v, &err), 0);
    CU_ASSERT_EQUAL(v, 99);
    CU_ASSERT_PTR_NULL(err);
    static const char *const bad[] = {"d", "e", "f", "g"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        CU_ASSERT_EQUAL(device_param_u32(&cfg, bad[i], 1, &v, &err), -1);
        CU_ASSERT_PTR_NOT_NULL(err);
        free(err);
        err = NULL;
    }
    cJSON_Delete(p);
}

/* ---- CMSDK APB UART ---- */

enum { CU_DATA = 0x0, CU_STATE = 0x4, CU_CTRL = 0x8, CU_INT = 0xC, CU_BAUDDIV = 0x10 };
#define CU_CHAR 2170 /* 25 MHz * 10 bits / 115200 baud, rounded down */

static void test_cmsdk_uart_tx(void)
{
    Rig r;
    rig_open(&r, "cmsdk-uart", 25000000, NULL, NULL);
    wr(&r, CU_DATA, 'x'); /* TX disabled: dropped */
    CU_ASSERT_STRING_EQUAL(output(&r), "");
    wr(&r, CU_CTRL, 0x1); /* TX enable, no interrupt */
    wr(&r, CU_DATA, 'h');
    wr(&r, CU_DATA, 'i');
    CU_ASSERT_STRING_EQUAL(output(&r), "hi");
    CU_ASSERT_EQUAL(rd(&r, CU_INT), 0);
    CU_ASSERT_EQUAL(r.irq.level[1], 0);
    CU_ASSERT_EQUAL(rd(&r, CU_STATE) & 1, 0); /* never TX full */
    wr(&r, CU_CTRL, 0x5); /* + TX interrupt */
    CU_ASSERT_EQUAL(rd(&r, CU_CTRL), 0x5);
    wr(&r, CU_DATA, '!' | 0xA00); /* only the low byte goes out */
    CU_ASSERT_STRING_EQUAL(output(&r), "hi!");
    CU_ASSERT_EQUAL(rd(&r, CU_INT), 1);
    CU_ASSERT_EQUAL(r.irq.level[1], 1);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    wr(&r, CU_INT, 1); /* INTCLEAR */
    CU_ASSERT_EQUAL(rd(&r, CU_INT), 0);
    CU_ASSERT_EQUAL(r.irq.level[1], 0);
    rig_close(&r);
}

static void test_cmsdk_uart_rx(void)
{
    Rig r;
    rig_open(&r, "cmsdk-uart", 25000000, "AB", NULL);
    run_to(&r.sched, 10 * CU_CHAR); /* RX disabled: nothing arrives */
    CU_ASSERT_EQUAL(rd(&r, CU_STATE) & 2, 0);
    uint64_t t0 = r.sched.now;
    wr(&r, CU_CTRL, 0xA); /* RX enable + RX interrupt */
    run_to(&r.sched, t0 + CU_CHAR - 1);
    CU_ASSERT_EQUAL(rd(&r, CU_STATE) & 2, 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    run_to(&r.sched, t0 + CU_CHAR); /* one character time after enabling */
    CU_ASSERT_EQUAL(rd(&r, CU_STATE) & 2, 2);
    CU_ASSERT_EQUAL(rd(&r, CU_INT), 2);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    CU_ASSERT_EQUAL(r.irq.level[1], 0);
    run_to(&r.sched, t0 + 5 * CU_CHAR); /* no overrun: B waits while A is unread */
    CU_ASSERT_EQUAL(rd(&r, CU_DATA), 'A');
    CU_ASSERT_EQUAL(rd(&r, CU_STATE) & 2, 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 1); /* INTSTATUS.RX stays until cleared */
    wr(&r, CU_INT, 2);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    uint64_t t1 = r.sched.now;
    run_to(&r.sched, t1 + CU_CHAR);
    CU_ASSERT_EQUAL(rd(&r, CU_STATE) & 2, 2);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    CU_ASSERT_EQUAL(r.irq.rises[0], 2);
    CU_ASSERT_EQUAL(rd(&r, CU_DATA), 'B');
    run_to(&r.sched, t1 + 10 * CU_CHAR); /* end of input */
    CU_ASSERT_EQUAL(rd(&r, CU_STATE) & 2, 0);
    rig_close(&r);
}

static void test_cmsdk_uart_bauddiv_and_ids(void)
{
    Rig r;
    rig_open(&r, "cmsdk-uart", 25000000, "Z", NULL);
    wr(&r, CU_BAUDDIV, 2500); /* 10000 baud: 25000 cycles a character */
    CU_ASSERT_EQUAL(rd(&r, CU_BAUDDIV), 2500);
    wr(&r, CU_CTRL, 0x2); /* RX without interrupt */
    run_to(&r.sched, 24999);
    CU_ASSERT_EQUAL(rd(&r, CU_STATE) & 2, 0);
    run_to(&r.sched, 25000);
    CU_ASSERT_EQUAL(rd(&r, CU_STATE) & 2, 2);
    CU_ASSERT_EQUAL(rd(&r, CU_INT), 0); /* RX interrupt not enabled */
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    CU_ASSERT_EQUAL(rd(&r, CU_DATA), 'Z');
    /* identification registers and unknown offsets */
    CU_ASSERT_EQUAL(rd(&r, 0xFE0), 0x21);
    CU_ASSERT_EQUAL(rd(&r, 0xFF0), 0x0D);
    CU_ASSERT_EQUAL(rd(&r, 0x014), 0);
    CU_ASSERT_EQUAL(rd(&r, 0x800), 0);
    wr(&r, 0x800, 0xFFFFFFFF); /* ignored */
    CU_ASSERT_EQUAL(rd(&r, CU_CTRL), 0x2);
    r.cls->reset(r.dev);
    CU_ASSERT_EQUAL(rd(&r, CU_CTRL), 0);
    rig_close(&r);
}

/* ---- nRF51 UART ---- */

enum {
    NU_STARTRX = 0x000, NU_STOPRX = 0x004, NU_STARTTX = 0x008, NU_STOPTX = 0x00C, NU_RXDRDY = 0x108,
    NU_TXDRDY = 0x11C, NU_INTEN = 0x300, NU_INTENSET = 0x304, NU_INTENCLR = 0x308, NU_RXD = 0x518,
    NU_TXD = 0x51C, NU_BAUDRATE = 0x524,
};
#define NU_CHAR_250K 640   /* 16 MHz * 10 / 250000 baud (the reset BAUDRATE) */
#define NU_CHAR_115K 1388  /* 16 MHz * 10 / 115203 baud (BAUDRATE 0x01D7E000) */

static void test_nrf51_uart_tx(void)
{
    Rig r;
    rig_open(&r, "nrf51-uart", 16000000, NULL, NULL);
    wr(&r, NU_TXD, 'a'); /* before STARTTX: dropped */
    CU_ASSERT_STRING_EQUAL(output(&r), "");
    CU_ASSERT_EQUAL(rd(&r, NU_TXDRDY), 0);
    wr(&r, NU_STARTTX, 1);
    wr(&r, NU_TXD, 'o');
    wr(&r, NU_TXD, 'k');
    CU_ASSERT_STRING_EQUAL(output(&r), "ok");
    CU_ASSERT_EQUAL(rd(&r, NU_TXDRDY), 1);
    CU_ASSERT_EQUAL(r.irq.level[0], 0); /* not enabled */
    wr(&r, NU_INTENSET, 1u << 7);
    CU_ASSERT_EQUAL(rd(&r, NU_INTEN), 1u << 7);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    wr(&r, NU_TXDRDY, 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    wr(&r, NU_TXD, '!');
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    wr(&r, NU_INTENCLR, 1u << 7);
    CU_ASSERT_EQUAL(rd(&r, NU_INTEN), 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    wr(&r, NU_STOPTX, 1);
    wr(&r, NU_TXD, '?');
    CU_ASSERT_STRING_EQUAL(output(&r), "ok!");
    CU_ASSERT_EQUAL(rd(&r, 0x600), 0); /* unknown */
    CU_ASSERT_EQUAL(rd(&r, NU_BAUDRATE), 0x04000000); /* reset value: 250000 baud */
    rig_close(&r);
}

static void test_nrf51_uart_rx(void)
{
    Rig r;
    rig_open(&r, "nrf51-uart", 16000000, "0123456789", NULL);
    CU_ASSERT_EQUAL(rd(&r, NU_RXD), 0); /* empty */
    wr(&r, NU_INTENSET, 1u << 2);
    wr(&r, NU_STARTRX, 1);
    run_to(&r.sched, NU_CHAR_250K - 1);
    CU_ASSERT_EQUAL(rd(&r, NU_RXDRDY), 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    run_to(&r.sched, NU_CHAR_250K);
    CU_ASSERT_EQUAL(rd(&r, NU_RXDRDY), 1);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    /* nobody reads: the 6-byte FIFO fills, the rest waits on the host side */
    run_to(&r.sched, 20 * NU_CHAR_250K);
    for (int i = 0; i < 6; i++) {
        wr(&r, NU_RXDRDY, 0);
        CU_ASSERT_EQUAL(r.irq.level[0], 0);
        CU_ASSERT_EQUAL(rd(&r, NU_RXD), (uint32_t)('0' + i));
        CU_ASSERT_EQUAL(rd(&r, NU_RXDRDY), i < 5); /* set again while bytes remain */
        CU_ASSERT_EQUAL(r.irq.level[0], i < 5);
    }
    CU_ASSERT_EQUAL(rd(&r, NU_RXD), 0);
    uint64_t t = r.sched.now;
    run_to(&r.sched, t + NU_CHAR_250K); /* room again: the next byte within a character time */
    CU_ASSERT_EQUAL(rd(&r, NU_RXDRDY), 1);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    CU_ASSERT_EQUAL(rd(&r, NU_RXD), '6');
    wr(&r, NU_STOPRX, 1); /* stopped: nothing more arrives */
    wr(&r, NU_RXDRDY, 0);
    run_to(&r.sched, t + 50 * NU_CHAR_250K);
    CU_ASSERT_EQUAL(rd(&r, NU_RXDRDY), 0);
    CU_ASSERT_EQUAL(rd(&r, NU_RXD), 0);
    rig_close(&r);
}

static void test_nrf51_uart_baudrate(void)
{
    Rig r;
    rig_open(&r, "nrf51-uart", 16000000, "b", NULL);
    wr(&r, NU_BAUDRATE, 0x01D7E000); /* 115200 */
    wr(&r, NU_STARTRX, 1);
    run_to(&r.sched, NU_CHAR_115K - 1);
    CU_ASSERT_EQUAL(rd(&r, NU_RXDRDY), 0);
    run_to(&r.sched, NU_CHAR_115K);
    CU_ASSERT_EQUAL(rd(&r, NU_RXDRDY), 1);
    CU_ASSERT_EQUAL(rd(&r, NU_RXD), 'b');
    rig_close(&r);
}

/* ---- SiFive UART ---- */

enum { SU_TXDATA = 0x00, SU_RXDATA = 0x04, SU_TXCTRL = 0x08, SU_RXCTRL = 0x0C, SU_IE = 0x10, SU_IP = 0x14, SU_DIV = 0x18 };
#define SU_CHAR 1388 /* 16 MHz * 10 / 115200 */
#define SU_EMPTY 0x80000000u

static void test_sifive_uart_tx(void)
{
    Rig r;
    rig_open(&r, "sifive-uart", 16000000, NULL, NULL);
    wr(&r, SU_TXDATA, 'z'); /* txen clear: transmitted anyway, as QEMU */
    wr(&r, SU_TXCTRL, 1);
    wr(&r, SU_TXDATA, 'y');
    CU_ASSERT_STRING_EQUAL(output(&r), "zy");
    CU_ASSERT_EQUAL(rd(&r, SU_TXDATA), 0); /* never full */
    CU_ASSERT_EQUAL(rd(&r, SU_IP), 0);     /* txcnt 0: the empty FIFO is not below it */
    wr(&r, SU_IE, 1);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    wr(&r, SU_TXCTRL, 1 | 1u << 16); /* txcnt 1 */
    CU_ASSERT_EQUAL(rd(&r, SU_TXCTRL), 1 | 1u << 16);
    CU_ASSERT_EQUAL(rd(&r, SU_IP), 1);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    wr(&r, SU_IE, 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    CU_ASSERT_EQUAL(rd(&r, 0x1C), 0); /* unknown */
    rig_close(&r);
}

static void test_sifive_uart_rx(void)
{
    Rig r;
    rig_open(&r, "sifive-uart", 16000000, "abcdefghijk", NULL);
    run_to(&r.sched, 10 * SU_CHAR); /* rxen and rxwm clear: the receiver is off */
    CU_ASSERT_EQUAL(rd(&r, SU_RXDATA), SU_EMPTY);
    uint64_t t0 = r.sched.now;
    wr(&r, SU_RXCTRL, 1); /* rxen, rxcnt 0 */
    wr(&r, SU_IE, 2);
    run_to(&r.sched, t0 + SU_CHAR - 1);
    CU_ASSERT_EQUAL(rd(&r, SU_IP), 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    run_to(&r.sched, t0 + SU_CHAR);
    CU_ASSERT_EQUAL(rd(&r, SU_IP), 2);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    CU_ASSERT_EQUAL(rd(&r, SU_RXDATA), 'a');
    CU_ASSERT_EQUAL(rd(&r, SU_IP), 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    /* rxcnt 1: the watermark needs two entries */
    wr(&r, SU_RXCTRL, 1 | 1u << 16);
    uint64_t t1 = r.sched.now;
    run_to(&r.sched, t1 + SU_CHAR);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    run_to(&r.sched, t1 + 2 * SU_CHAR);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    /* left alone, the 8-entry FIFO fills and the rest waits */
    run_to(&r.sched, t1 + 30 * SU_CHAR);
    char got[16] = {0};
    int n = 0;
    uint32_t v;
    while (n < 15 && (v = rd(&r, SU_RXDATA)) != SU_EMPTY)
        got[n++] = (char)v;
    CU_ASSERT_EQUAL(n, 8);
    CU_ASSERT_STRING_EQUAL(got, "bcdefghi");
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    rig_close(&r);
}

static void test_sifive_uart_div(void)
{
    Rig r;
    rig_open(&r, "sifive-uart", 16000000, "q", NULL);
    wr(&r, SU_DIV, 1599); /* 16 MHz / 1600 = 10000 baud: 16000 cycles a character */
    CU_ASSERT_EQUAL(rd(&r, SU_DIV), 1599);
    wr(&r, SU_RXCTRL, 1);
    run_to(&r.sched, 15999);
    CU_ASSERT_EQUAL(rd(&r, SU_RXDATA), SU_EMPTY);
    run_to(&r.sched, 16000);
    CU_ASSERT_EQUAL(rd(&r, SU_RXDATA), 'q');
    rig_close(&r);
}

/* ---- NS16550A ---- */

enum { NS_RBR = 0, NS_IER = 1, NS_IIR = 2, NS_LCR = 3, NS_MCR = 4, NS_LSR = 5, NS_MSR = 6, NS_SCR = 7 };
#define NS_CHAR 868 /* 10 MHz * 10 / 115200 */

static void test_ns16550_rx(void)
{
    Rig r;
    rig_open(&r, "ns16550a", 10000000, "xy", NULL);
    CU_ASSERT_EQUAL(rd(&r, NS_LSR), 0x60); /* THRE | TEMT, no data */
    CU_ASSERT_EQUAL(rd(&r, NS_IIR), 0x01); /* no interrupt, FIFO off */
    wr(&r, NS_IER, 1); /* received data available */
    run_to(&r.sched, NS_CHAR - 1);
    CU_ASSERT_EQUAL(rd(&r, NS_LSR) & 1, 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    run_to(&r.sched, NS_CHAR); /* the receiver is always on */
    CU_ASSERT_EQUAL(rd(&r, NS_LSR), 0x61);
    CU_ASSERT_EQUAL(rd(&r, NS_IIR), 0x04);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    run_to(&r.sched, 5 * NS_CHAR); /* no FIFO: one byte held, y waits */
    CU_ASSERT_EQUAL(rd(&r, NS_RBR), 'x');
    CU_ASSERT_EQUAL(rd(&r, NS_LSR) & 1, 0);
    CU_ASSERT_EQUAL(rd(&r, NS_IIR), 0x01);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    uint64_t t = r.sched.now;
    run_to(&r.sched, t + NS_CHAR);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    CU_ASSERT_EQUAL(rd(&r, NS_RBR), 'y');
    CU_ASSERT_EQUAL(rd(&r, NS_RBR), 0); /* empty */
    CU_ASSERT_EQUAL(rd(&r, NS_MSR), 0xB0);
    CU_ASSERT_EQUAL(rd(&r, 8), 0); /* beyond the eight registers */
    rig_close(&r);
}

static void test_ns16550_fifo(void)
{
    Rig r;
    rig_open(&r, "ns16550a", 10000000, "ABCDEFGHIJKLMNOPQRST", NULL);
    wr(&r, NS_IIR, 0x01); /* FCR: FIFO enable */
    CU_ASSERT_EQUAL(rd(&r, NS_IIR), 0xC1);
    run_to(&r.sched, 40 * NS_CHAR);
    char got[24] = {0};
    int n = 0;
    while (n < 23 && (rd(&r, NS_LSR) & 1))
        got[n++] = (char)rd(&r, NS_RBR);
    CU_ASSERT_EQUAL(n, 16);
    CU_ASSERT_STRING_EQUAL(got, "ABCDEFGHIJKLMNOP");
    run_to(&r.sched, 80 * NS_CHAR);
    CU_ASSERT_EQUAL(rd(&r, NS_LSR) & 1, 1);
    wr(&r, NS_IIR, 0x03); /* FCR: clear the receive FIFO */
    CU_ASSERT_EQUAL(rd(&r, NS_LSR) & 1, 0);
    rig_close(&r);
}

static void test_ns16550_tx_thre(void)
{
    Rig r;
    rig_open(&r, "ns16550a", 10000000, NULL, NULL);
    wr(&r, NS_RBR, 'h');
    wr(&r, NS_RBR, 'i');
    CU_ASSERT_STRING_EQUAL(output(&r), "hi");
    CU_ASSERT_EQUAL(r.irq.level[0], 0); /* THRE interrupt not enabled */
    wr(&r, NS_IER, 2);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    CU_ASSERT_EQUAL(rd(&r, NS_IIR), 0x02); /* reading IIR while it says THRE clears it */
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    CU_ASSERT_EQUAL(rd(&r, NS_IIR), 0x01);
    wr(&r, NS_RBR, '!');
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    CU_ASSERT_EQUAL(r.irq.rises[0], 2);
    wr(&r, NS_IER, 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    CU_ASSERT_STRING_EQUAL(output(&r), "hi!");
    rig_close(&r);
}

static void test_ns16550_priority_dlab_shift(void)
{
    Rig r;
    rig_open(&r, "ns16550a", 10000000, "k", "{\"reg_shift\": 2}");
    wr(&r, NS_IER << 2, 3); /* RDA + THRE */
    CU_ASSERT_EQUAL(rd(&r, NS_IIR << 2), 0x02);
    wr(&r, NS_RBR << 2, '.'); /* THRE pending again */
    run_to(&r.sched, NS_CHAR);
    CU_ASSERT_EQUAL(rd(&r, NS_LSR << 2), 0x61);
    CU_ASSERT_EQUAL(rd(&r, NS_IIR << 2), 0x04); /* received data outranks THRE */
    CU_ASSERT_EQUAL(rd(&r, NS_RBR << 2), 'k');
    CU_ASSERT_EQUAL(rd(&r, NS_IIR << 2), 0x02);
    CU_ASSERT_EQUAL(rd(&r, NS_IIR << 2), 0x01);
    /* DLAB: offsets 0 and 1 are the divisor latch */
    wr(&r, NS_LCR << 2, 0x83);
    wr(&r, NS_RBR << 2, 0x12);
    wr(&r, NS_IER << 2, 0x34);
    CU_ASSERT_EQUAL(rd(&r, NS_RBR << 2), 0x12);
    CU_ASSERT_EQUAL(rd(&r, NS_IER << 2), 0x34);
    wr(&r, NS_LCR << 2, 0x03);
    CU_ASSERT_EQUAL(rd(&r, NS_LCR << 2), 0x03);
    CU_ASSERT_EQUAL(rd(&r, NS_IER << 2), 3);
    wr(&r, NS_SCR << 2, 0x5A);
    CU_ASSERT_EQUAL(rd(&r, NS_SCR << 2), 0x5A);
    wr(&r, NS_MCR << 2, 0xFF);
    CU_ASSERT_EQUAL(rd(&r, NS_MCR << 2), 0x1F);
    CU_ASSERT_STRING_EQUAL(output(&r), "."); /* the divisor writes sent nothing */
    rig_close(&r);
}

static void test_ns16550_bad_params(void)
{
    expect_create_fails("ns16550a", 10000000, "{\"reg_shift\": \"two\"}", "reg_shift");
    expect_create_fails("ns16550a", 10000000, "{\"reg_shift\": true}", "reg_shift");
    expect_create_fails("ns16550a", 10000000, "{\"reg_shift\": 3}", "reg_shift");
}

/* ---- PL011 ---- */

enum {
    PL_DR = 0x000, PL_RSR = 0x004, PL_FR = 0x018, PL_IBRD = 0x024, PL_FBRD = 0x028, PL_LCRH = 0x02C,
    PL_CR = 0x030, PL_IFLS = 0x034, PL_IMSC = 0x038, PL_RIS = 0x03C, PL_MIS = 0x040, PL_ICR = 0x044,
    PL_DMACR = 0x048,
};
enum { PL_RXFE = 1 << 4, PL_RXFF = 1 << 6, PL_TXFE = 1 << 7, PL_INT_RX = 1 << 4, PL_INT_TX = 1 << 5 };
#define PL_CHAR 1085 /* 12.5 MHz * 10 / 115200 baud (the default until IBRD is set) */

static void test_pl011_tx_and_ids(void)
{
    Rig r;
    rig_open(&r, "pl011", 12500000, NULL, NULL);
    /* reset values (TRM 3.3): TXE and RXE set, IFLS half-way, FIFOs empty */
    CU_ASSERT_EQUAL(rd(&r, PL_CR), 0x300);
    CU_ASSERT_EQUAL(rd(&r, PL_IFLS), 0x12);
    CU_ASSERT_EQUAL(rd(&r, PL_FR), PL_TXFE | PL_RXFE);
    CU_ASSERT_EQUAL(rd(&r, 0xFE0), 0x11); /* PeriphID0..3: the ARM part */
    CU_ASSERT_EQUAL(rd(&r, 0xFE4), 0x10);
    CU_ASSERT_EQUAL(rd(&r, 0xFE8), 0x14);
    CU_ASSERT_EQUAL(rd(&r, 0xFFC), 0xB1);
    /* like QEMU's model: it transmits whatever UARTCR says */
    wr(&r, PL_DR, 'o');
    wr(&r, PL_CR, 0);
    wr(&r, PL_DR, 'k' | 0x700);
    CU_ASSERT_STRING_EQUAL(output(&r), "ok");
    CU_ASSERT_EQUAL(rd(&r, PL_RIS), PL_INT_TX); /* set by each byte sent */
    CU_ASSERT_EQUAL(r.irq.level[0], 0);         /* masked */
    wr(&r, PL_IMSC, PL_INT_TX);
    CU_ASSERT_EQUAL(rd(&r, PL_MIS), PL_INT_TX);
    CU_ASSERT_EQUAL(r.irq.level[0], 1); /* UARTINTR */
    CU_ASSERT_EQUAL(r.irq.level[2], 1); /* UARTTXINTR */
    CU_ASSERT_EQUAL(r.irq.level[1], 0);
    wr(&r, PL_ICR, PL_INT_TX);
    CU_ASSERT_EQUAL(rd(&r, PL_RIS), 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    wr(&r, PL_DR, '!');
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    CU_ASSERT_EQUAL(r.irq.rises[0], 2);
    wr(&r, PL_DMACR, 3); /* stored, not modelled */
    CU_ASSERT_EQUAL(rd(&r, PL_DMACR), 3);
    CU_ASSERT_EQUAL(rd(&r, 0x800), 0);
    rig_close(&r);

    rig_open(&r, "pl011", 12500000, NULL, "{\"variant\": \"luminary\"}");
    CU_ASSERT_EQUAL(rd(&r, 0xFE0), 0x11); /* PeriphID0..3 of the Stellaris parts */
    CU_ASSERT_EQUAL(rd(&r, 0xFE4), 0x00);
    CU_ASSERT_EQUAL(rd(&r, 0xFE8), 0x18);
    CU_ASSERT_EQUAL(rd(&r, 0xFEC), 0x01);
    CU_ASSERT_EQUAL(rd(&r, 0xFF0), 0x0D);
    rig_close(&r);
    expect_create_fails("pl011", 12500000, "{\"variant\": \"stellaris\"}", "variant");
    expect_create_fails("pl011", 12500000, "{\"variant\": 1}", "variant");
}

static void test_pl011_rx(void)
{
    Rig r;
    rig_open(&r, "pl011", 12500000, "ABC", NULL);
    wr(&r, PL_IMSC, PL_INT_RX);
    run_to(&r.sched, PL_CHAR - 1);
    CU_ASSERT_EQUAL(rd(&r, PL_FR) & PL_RXFE, PL_RXFE);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    run_to(&r.sched, PL_CHAR); /* the first byte, one character time after reset */
    CU_ASSERT_EQUAL(rd(&r, PL_FR), PL_TXFE | PL_RXFF); /* no FIFO: the holding register is full */
    CU_ASSERT_EQUAL(rd(&r, PL_RIS), PL_INT_RX);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    CU_ASSERT_EQUAL(r.irq.level[1], 1); /* UARTRXINTR */
    run_to(&r.sched, 5 * PL_CHAR);      /* B waits while A is unread */
    CU_ASSERT_EQUAL(rd(&r, PL_DR), 'A');
    CU_ASSERT_EQUAL(rd(&r, PL_RIS), 0); /* read empty */
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    CU_ASSERT_EQUAL(rd(&r, PL_DR), 0); /* empty: the next slot again, as QEMU (never written yet) */
    /* with the FIFO, B and C both arrive; RX rises once, as the FIFO leaves empty */
    wr(&r, PL_LCRH, 0x70);
    run_to(&r.sched, 10 * PL_CHAR);
    CU_ASSERT_EQUAL(rd(&r, PL_FR), PL_TXFE);
    CU_ASSERT_EQUAL(r.irq.rises[0], 2);
    wr(&r, PL_ICR, PL_INT_RX); /* cleared with a byte still there: not raised again */
    CU_ASSERT_EQUAL(rd(&r, PL_DR), 'B');
    CU_ASSERT_EQUAL(rd(&r, PL_DR), 'C');
    CU_ASSERT_EQUAL(rd(&r, PL_FR), PL_TXFE | PL_RXFE);
    CU_ASSERT_EQUAL(r.irq.rises[0], 2);
    rig_close(&r);

    /* IBRD/FBRD set the character time, baud = UARTCLK * 4 / (64 * IBRD + FBRD): IBRD 50
     * is 15625 baud at 12.5 MHz, 8000 cycles a character (from the next one on) */
    rig_open(&r, "pl011", 12500000, "YZ", NULL);
    wr(&r, PL_IBRD, 50);
    wr(&r, PL_FBRD, 0);
    CU_ASSERT_EQUAL(rd(&r, PL_IBRD), 50);
    run_to(&r.sched, PL_CHAR);
    CU_ASSERT_EQUAL(rd(&r, PL_DR), 'Y');
    run_to(&r.sched, PL_CHAR + 7999);
    CU_ASSERT_EQUAL(rd(&r, PL_FR) & PL_RXFE, PL_RXFE);
    run_to(&r.sched, PL_CHAR + 8000);
    CU_ASSERT_EQUAL(rd(&r, PL_DR), 'Z');
    rig_close(&r);
}

/* ---- CMSDK APB timer ---- */

enum { CT_CTRL = 0x0, CT_VALUE = 0x4, CT_RELOAD = 0x8, CT_INT = 0xC };

static void test_cmsdk_timer_count(void)
{
    Rig r;
    rig_open(&r, "cmsdk-timer", 25000000, NULL, NULL);
    wr(&r, CT_RELOAD, 9);
    CU_ASSERT_EQUAL(rd(&r, CT_RELOAD), 9);
    CU_ASSERT_EQUAL(rd(&r, CT_VALUE), 9); /* a RELOAD write also sets the value */
    wr(&r, CT_VALUE, 100);
    run_to(&r.sched, 50); /* disabled: frozen */
    CU_ASSERT_EQUAL(rd(&r, CT_VALUE), 100);
    CU_ASSERT_PTR_NULL(r.sched.head);
    wr(&r, CT_CTRL, 0x9); /* enable + IRQ enable at cycle 50 */
    CU_ASSERT_EQUAL(sched_next(&r.sched), 150);
    run_to(&r.sched, 80);
    CU_ASSERT_EQUAL(rd(&r, CT_VALUE), 70);
    run_to(&r.sched, 149);
    CU_ASSERT_EQUAL(rd(&r, CT_VALUE), 1);
    CU_ASSERT_EQUAL(rd(&r, CT_INT), 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    run_to(&r.sched, 150); /* 1 -> 0: interrupt */
    CU_ASSERT_EQUAL(rd(&r, CT_VALUE), 0);
    CU_ASSERT_EQUAL(rd(&r, CT_INT), 1);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    run_to(&r.sched, 151); /* holds 0 for one tick, then reloads */
    CU_ASSERT_EQUAL(rd(&r, CT_VALUE), 9);
    run_to(&r.sched, 155);
    CU_ASSERT_EQUAL(rd(&r, CT_VALUE), 5);
    wr(&r, CT_INT, 1); /* INTCLEAR */
    CU_ASSERT_EQUAL(rd(&r, CT_INT), 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    run_to(&r.sched, 159);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    run_to(&r.sched, 160); /* period RELOAD + 1 */
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    CU_ASSERT_EQUAL(r.irq.rises[0], 2);
    run_to(&r.sched, 200); /* zeros at 170, 180, 190, 200 */
    wr(&r, CT_INT, 1);
    run_to(&r.sched, 203);
    CU_ASSERT_EQUAL(rd(&r, CT_VALUE), 7);
    wr(&r, CT_CTRL, 0x8); /* disable: frozen, no more interrupts */
    run_to(&r.sched, 1000);
    CU_ASSERT_EQUAL(rd(&r, CT_VALUE), 7);
    CU_ASSERT_EQUAL(rd(&r, CT_INT), 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    CU_ASSERT_PTR_NULL(r.sched.head);
    wr(&r, CT_CTRL, 0x9); /* resumes from the frozen value */
    CU_ASSERT_EQUAL(sched_next(&r.sched), 1007);
    rig_close(&r);
}

/* INTCLEAR clears the interrupt only where a 1 is written (DDI 0479C 4.4.2). */
static void test_cmsdk_timer_intclear_ones(void)
{
    Rig r;
    rig_open(&r, "cmsdk-timer", 25000000, NULL, NULL);
    wr(&r, CT_RELOAD, 4);
    wr(&r, CT_CTRL, 0x9);
    run_to(&r.sched, 4);
    CU_ASSERT_EQUAL(rd(&r, CT_INT), 1);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    wr(&r, CT_INT, 0); /* no 1: nothing cleared */
    CU_ASSERT_EQUAL(rd(&r, CT_INT), 1);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    wr(&r, CT_INT, 0xFFFFFFFE); /* ones only above the one bit INTCLEAR has */
    CU_ASSERT_EQUAL(rd(&r, CT_INT), 1);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    wr(&r, CT_INT, 1);
    CU_ASSERT_EQUAL(rd(&r, CT_INT), 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    rig_close(&r);
}

static void test_cmsdk_timer_irqen_and_reload0(void)
{
    Rig r;
    rig_open(&r, "cmsdk-timer", 25000000, NULL, NULL);
    wr(&r, CT_RELOAD, 4);
    wr(&r, CT_CTRL, 0x1); /* enabled, IRQ disabled */
    run_to(&r.sched, 4);
    CU_ASSERT_EQUAL(rd(&r, CT_INT), 1); /* status without the line */
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    wr(&r, CT_CTRL, 0x9);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    wr(&r, CT_INT, 1);
    /* RELOAD 0: one last 1 -> 0, then the counter stays at 0 without interrupts */
    wr(&r, CT_RELOAD, 0);
    wr(&r, CT_VALUE, 3);
    uint64_t t = r.sched.now;
    run_to(&r.sched, t + 3);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    CU_ASSERT_EQUAL(r.irq.rises[0], 2);
    wr(&r, CT_INT, 1);
    run_to(&r.sched, t + 1000);
    CU_ASSERT_EQUAL(rd(&r, CT_VALUE), 0);
    CU_ASSERT_EQUAL(rd(&r, CT_INT), 0);
    CU_ASSERT_EQUAL(r.irq.rises[0], 2);
    CU_ASSERT_EQUAL(sched_next(&r.sched), SCHED_NEVER); /* no event every cycle */
    /* a new RELOAD restarts it (the counter is loaded too) */
    t = r.sched.now;
    wr(&r, CT_RELOAD, 20);
    CU_ASSERT_EQUAL(rd(&r, CT_VALUE), 20);
    run_to(&r.sched, t + 20);
    CU_ASSERT_EQUAL(r.irq.rises[0], 3);
    CU_ASSERT_EQUAL(rd(&r, 0xFE0), 0x22); /* PID0 */
    CU_ASSERT_EQUAL(rd(&r, 0x010), 0);    /* unknown */
    r.cls->reset(r.dev);
    CU_ASSERT_EQUAL(rd(&r, CT_CTRL), 0);
    CU_ASSERT_EQUAL(rd(&r, CT_VALUE), 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    CU_ASSERT_PTR_NULL(r.sched.head);
    rig_close(&r);
}

/* ---- SysTick ---- */

enum { ST_CSR = 0x0, ST_RVR = 0x4, ST_CVR = 0x8, ST_CALIB = 0xC };
enum { ST_EN = 1, ST_TICKINT = 2, ST_CORE = 4, ST_COUNTFLAG = 1 << 16 };

static void test_systick_core_clock(void)
{
    Rig r;
    rig_open(&r, "systick", 25000000, NULL, NULL);
    run_to(&r.sched, 1000);
    wr(&r, ST_RVR, 99);
    wr(&r, ST_CVR, 12345); /* any write clears */
    CU_ASSERT_EQUAL(rd(&r, ST_CVR), 0);
    wr(&r, ST_CSR, ST_EN | ST_TICKINT | ST_CORE);
    CU_ASSERT_EQUAL(rd(&r, ST_CVR), 0); /* loads RVR on the next tick */
    run_to(&r.sched, 1001);
    CU_ASSERT_EQUAL(rd(&r, ST_CVR), 99);
    run_to(&r.sched, 1050);
    CU_ASSERT_EQUAL(rd(&r, ST_CVR), 50);
    run_to(&r.sched, 1099);
    CU_ASSERT_EQUAL(rd(&r, ST_CVR), 1);
    CU_ASSERT_EQUAL(rd(&r, ST_CSR) & ST_COUNTFLAG, 0);
    CU_ASSERT_EQUAL(r.irq.rises[0], 0);
    run_to(&r.sched, 1100);
    CU_ASSERT_EQUAL(rd(&r, ST_CVR), 0);
    CU_ASSERT_EQUAL(r.irq.rises[0], 1); /* a pulse: up, then down again */
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    CU_ASSERT_EQUAL(rd(&r, ST_CSR), ST_COUNTFLAG | ST_EN | ST_TICKINT | ST_CORE);
    CU_ASSERT_EQUAL(rd(&r, ST_CSR), ST_EN | ST_TICKINT | ST_CORE); /* cleared by reading */
    run_to(&r.sched, 1101);
    CU_ASSERT_EQUAL(rd(&r, ST_CVR), 99);
    run_to(&r.sched, 1200);
    CU_ASSERT_EQUAL(r.irq.rises[0], 2);
    run_to(&r.sched, 1230);
    wr(&r, ST_CSR, ST_TICKINT | ST_CORE); /* disable: frozen */
    CU_ASSERT_EQUAL(rd(&r, ST_CVR), 70);
    run_to(&r.sched, 5000);
    CU_ASSERT_EQUAL(rd(&r, ST_CVR), 70);
    CU_ASSERT_EQUAL(r.irq.rises[0], 2);
    CU_ASSERT_PTR_NULL(r.sched.head);
    /* without TICKINT: COUNTFLAG only */
    wr(&r, ST_CSR, ST_EN | ST_CORE);
    run_to(&r.sched, 5070);
    CU_ASSERT_EQUAL(rd(&r, ST_CSR) & ST_COUNTFLAG, ST_COUNTFLAG);
    CU_ASSERT_EQUAL(r.irq.rises[0], 2);
    wr(&r, ST_RVR, 0xFFFFFFFF);
    CU_ASSERT_EQUAL(rd(&r, ST_RVR), 0xFFFFFF);
    CU_ASSERT_EQUAL(rd(&r, 0x10), 0); /* unknown */
    rig_close(&r);
}

static void test_systick_refclk_and_calib(void)
{
    Rig r;
    rig_open(&r, "systick", 25000000, NULL, NULL); /* reference clock 1 MHz: 25 cycles a tick */
    CU_ASSERT_EQUAL(rd(&r, ST_CALIB), 9999);     /* TENMS, NOREF clear */
    wr(&r, ST_RVR, 9);
    wr(&r, ST_CSR, ST_EN | ST_TICKINT);
    CU_ASSERT_EQUAL(rd(&r, ST_CSR) & ST_CORE, 0);
    run_to(&r.sched, 26);
    CU_ASSERT_EQUAL(rd(&r, ST_CVR), 9);
    run_to(&r.sched, 249);
    CU_ASSERT_EQUAL(rd(&r, ST_CVR), 1);
    CU_ASSERT_EQUAL(r.irq.rises[0], 0);
    run_to(&r.sched, 250); /* (RVR + 1) * 25 */
    CU_ASSERT_EQUAL(rd(&r, ST_CVR), 0);
    CU_ASSERT_EQUAL(r.irq.rises[0], 1);
    run_to(&r.sched, 500);
    CU_ASSERT_EQUAL(r.irq.rises[0], 2);
    rig_close(&r);

    rig_open(&r, "systick", 25000000, NULL, "{\"refclk_hz\": 0}"); /* no reference clock */
    CU_ASSERT_EQUAL(rd(&r, ST_CALIB), (1u << 31) | 249999);
    wr(&r, ST_CSR, 0);
    CU_ASSERT_EQUAL(rd(&r, ST_CSR), ST_CORE); /* CLKSOURCE reads as one */
    rig_close(&r);
}

static void test_systick_reload0(void)
{
    Rig r;
    rig_open(&r, "systick", 25000000, NULL, NULL);
    wr(&r, ST_CSR, ST_EN | ST_TICKINT | ST_CORE); /* RVR 0: stays at 0, no interrupt */
    run_to(&r.sched, 1000);
    CU_ASSERT_EQUAL(rd(&r, ST_CVR), 0);
    CU_ASSERT_EQUAL(rd(&r, ST_CSR) & ST_COUNTFLAG, 0);
    CU_ASSERT_EQUAL(r.irq.rises[0], 0);
    CU_ASSERT_EQUAL(sched_next(&r.sched), SCHED_NEVER);
    wr(&r, ST_RVR, 49); /* still enabled: the next tick loads it */
    run_to(&r.sched, 1001);
    CU_ASSERT_EQUAL(rd(&r, ST_CVR), 49);
    run_to(&r.sched, 1050);
    CU_ASSERT_EQUAL(r.irq.rises[0], 1);
    r.cls->reset(r.dev);
    CU_ASSERT_EQUAL(rd(&r, ST_CSR), 0);
    CU_ASSERT_EQUAL(rd(&r, ST_RVR), 0);
    CU_ASSERT_PTR_NULL(r.sched.head);
    rig_close(&r);
}

static void test_systick_bad_params(void)
{
    expect_create_fails("systick", 25000000, "{\"refclk_hz\": true}", "refclk_hz");
    expect_create_fails("systick", 25000000, "{\"refclk_hz\": [1]}", "refclk_hz");
    expect_create_fails("systick", 25000000, "{\"refclk_hz\": 50000000}", "refclk_hz");
}

/* ---- DWT ---- */

static void test_dwt(void)
{
    Rig r;
    rig_open(&r, "dwt", 25000000, NULL, NULL);
    run_to(&r.sched, 100);
    CU_ASSERT_EQUAL(rd(&r, 0x4), 0); /* disabled */
    wr(&r, 0x0, 1);
    CU_ASSERT_EQUAL(rd(&r, 0x0), 1);
    run_to(&r.sched, 1100);
    CU_ASSERT_EQUAL(rd(&r, 0x4), 1000);
    wr(&r, 0x0, 0);
    run_to(&r.sched, 5000);
    CU_ASSERT_EQUAL(rd(&r, 0x4), 1000); /* frozen */
    wr(&r, 0x4, 0xFFFFFFF0);
    wr(&r, 0x0, 1);
    run_to(&r.sched, 5032);
    CU_ASSERT_EQUAL(rd(&r, 0x4), 0x10); /* 32-bit wrap */
    wr(&r, 0x4, 7);
    run_to(&r.sched, 5040);
    CU_ASSERT_EQUAL(rd(&r, 0x4), 15);
    CU_ASSERT_EQUAL(rd(&r, 0x100), 0); /* unimplemented */
    r.cls->reset(r.dev);
    CU_ASSERT_EQUAL(rd(&r, 0x0), 0);
    CU_ASSERT_EQUAL(rd(&r, 0x4), 0);
    rig_close(&r);
}

/* ---- CLINT ---- */

enum { CL_MSIP = 0x0, CL_CMP = 0x4000, CL_CMP_HI = 0x4004, CL_MTIME = 0xBFF8, CL_MTIME_HI = 0xBFFC };

static void test_clint_mtime_and_timer(void)
{
    Rig r;
    rig_open(&r, "clint", 16000000, NULL, "{\"timebase_hz\": 1000000}"); /* 16 cycles a tick */
    CU_ASSERT_EQUAL(rd(&r, CL_CMP), 0xFFFFFFFF);
    CU_ASSERT_EQUAL(rd(&r, CL_CMP_HI), 0xFFFFFFFF);
    run_to(&r.sched, 160);
    CU_ASSERT_EQUAL(rd(&r, CL_MTIME), 10);
    run_to(&r.sched, 175);
    CU_ASSERT_EQUAL(rd(&r, CL_MTIME), 10);
    run_to(&r.sched, 176);
    CU_ASSERT_EQUAL(rd(&r, CL_MTIME), 11);
    CU_ASSERT_EQUAL(rd(&r, CL_MTIME_HI), 0);
    wr(&r, CL_CMP_HI, 0);
    wr(&r, CL_CMP, 20);
    CU_ASSERT_EQUAL(r.irq.level[1], 0);
    CU_ASSERT_EQUAL(sched_next(&r.sched), 320);
    run_to(&r.sched, 319);
    CU_ASSERT_EQUAL(r.irq.level[1], 0);
    run_to(&r.sched, 320);
    CU_ASSERT_EQUAL(r.irq.level[1], 1);
    CU_ASSERT_EQUAL(rd(&r, CL_MTIME), 20);
    wr(&r, CL_CMP, 100); /* a later compare value lowers MTIP */
    CU_ASSERT_EQUAL(r.irq.level[1], 0);
    CU_ASSERT_EQUAL(sched_next(&r.sched), 1600);
    wr(&r, CL_CMP, 5); /* in the past: at once */
    CU_ASSERT_EQUAL(r.irq.level[1], 1);
    CU_ASSERT_PTR_NULL(r.sched.head);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    rig_close(&r);
}

/* The timebase op is mtime, as the registers read it, however mtime was set. */
static void test_clint_timebase(void)
{
    Rig r;
    rig_open(&r, "clint", 16000000, NULL, "{\"timebase_hz\": 1000000}");
    CU_ASSERT_PTR_NOT_NULL_FATAL(r.cls->timebase);
    CU_ASSERT_EQUAL(r.cls->timebase(r.dev), 0);
    run_to(&r.sched, 176);
    CU_ASSERT_EQUAL(r.cls->timebase(r.dev), 11);
    wr(&r, CL_MTIME_HI, 0x12);
    wr(&r, CL_MTIME, 0x34);
    run_to(&r.sched, 176 + 32);
    uint64_t want = (uint64_t)rd(&r, CL_MTIME_HI) << 32 | rd(&r, CL_MTIME);
    CU_ASSERT_EQUAL(want, 0x1200000036ull);
    CU_ASSERT_EQUAL(r.cls->timebase(r.dev), want);
    rig_close(&r);
}

static void test_clint_fractional_and_mtime_write(void)
{
    Rig r;
    rig_open(&r, "clint", 25000000, NULL, NULL); /* default 10 MHz: 2.5 cycles a tick */
    wr(&r, CL_CMP_HI, 0);
    wr(&r, CL_CMP, 5); /* mtime 5 first at cycle 12.5, i.e. 13 */
    CU_ASSERT_EQUAL(sched_next(&r.sched), 13);
    run_to(&r.sched, 12);
    CU_ASSERT_EQUAL(rd(&r, CL_MTIME), 4);
    CU_ASSERT_EQUAL(r.irq.level[1], 0);
    run_to(&r.sched, 13);
    CU_ASSERT_EQUAL(rd(&r, CL_MTIME), 5);
    CU_ASSERT_EQUAL(r.irq.level[1], 1);
    run_to(&r.sched, 1000);
    CU_ASSERT_EQUAL(rd(&r, CL_MTIME), 400);
    wr(&r, CL_MTIME, 7); /* mtime is writable */
    CU_ASSERT_EQUAL(rd(&r, CL_MTIME), 7);
    CU_ASSERT_EQUAL(r.irq.level[1], 1); /* 7 >= 5 */
    wr(&r, CL_CMP, 27);
    CU_ASSERT_EQUAL(r.irq.level[1], 0);
    CU_ASSERT_EQUAL(sched_next(&r.sched), 1050); /* 20 ticks later */
    run_to(&r.sched, 1025);
    CU_ASSERT_EQUAL(rd(&r, CL_MTIME), 17);
    run_to(&r.sched, 1050);
    CU_ASSERT_EQUAL(r.irq.level[1], 1);
    wr(&r, CL_MTIME_HI, 1);
    CU_ASSERT_EQUAL(rd(&r, CL_MTIME_HI), 1);
    CU_ASSERT_EQUAL(rd(&r, CL_MTIME), 27);
    r.cls->reset(r.dev);
    CU_ASSERT_EQUAL(rd(&r, CL_MTIME), 420); /* ticks since cycle 0 again */
    CU_ASSERT_EQUAL(rd(&r, CL_CMP_HI), 0xFFFFFFFF);
    CU_ASSERT_EQUAL(r.irq.level[1], 0);
    rig_close(&r);
}

static void test_clint_msip(void)
{
    Rig r;
    rig_open(&r, "clint", 16000000, NULL, NULL);
    wr(&r, CL_MSIP, 1);
    CU_ASSERT_EQUAL(rd(&r, CL_MSIP), 1);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    CU_ASSERT_EQUAL(r.irq.level[1], 0);
    wr(&r, CL_MSIP, 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    wr(&r, CL_MSIP, 2); /* only bit 0 exists */
    CU_ASSERT_EQUAL(rd(&r, CL_MSIP), 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    CU_ASSERT_EQUAL(rd(&r, 0x8000), 0); /* unknown */
    rig_close(&r);
}

static void test_clint_bad_params(void)
{
    expect_create_fails("clint", 16000000, "{\"timebase_hz\": \"fast\"}", "timebase_hz");
    expect_create_fails("clint", 16000000, "{\"timebase_hz\": {}}", "timebase_hz");
    expect_create_fails("clint", 16000000, "{\"timebase_hz\": 0}", "timebase_hz");
    expect_create_fails("clint", 16000000, "{\"timebase_hz\": 32000000}", "timebase_hz");
}

/* ---- PLIC ---- */

enum { PL_PRIO = 0x0, PL_PENDING = 0x1000, PL_ENABLE = 0x2000, PL_THRESHOLD = 0x200000, PL_CLAIM = 0x200004 };

static void test_plic_gateway_and_threshold(void)
{
    Rig r;
    rig_open(&r, "plic", 16000000, NULL, "{\"num_sources\": 8}");
    CU_ASSERT_PTR_NULL(r.cls->irq_input(r.dev, 0).set);
    CU_ASSERT_PTR_NULL(r.cls->irq_input(r.dev, 9).set);
    IrqLine s3 = r.cls->irq_input(r.dev, 3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s3.set);
    wr(&r, PL_PRIO + 4 * 3, 9); /* clamped to the 7 priorities */
    CU_ASSERT_EQUAL(rd(&r, PL_PRIO + 4 * 3), 7);
    wr(&r, PL_PRIO + 4 * 9, 1); /* no source 9 */
    CU_ASSERT_EQUAL(rd(&r, PL_PRIO + 4 * 9), 0);
    wr(&r, PL_PRIO + 4 * 3, 2);
    irq_set(&s3, 1);
    CU_ASSERT_EQUAL(rd(&r, PL_PENDING), 1u << 3);
    CU_ASSERT_EQUAL(r.irq.level[0], 0); /* not enabled */
    wr(&r, PL_ENABLE, 0xFFFFFFFF);
    CU_ASSERT_EQUAL(rd(&r, PL_ENABLE), 0x1FE); /* sources 1..8 */
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    wr(&r, PL_THRESHOLD, 2); /* needs a priority above the threshold */
    CU_ASSERT_EQUAL(rd(&r, PL_THRESHOLD), 2);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    CU_ASSERT_EQUAL(rd(&r, PL_CLAIM), 0);
    wr(&r, PL_THRESHOLD, 1);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    wr(&r, PL_PRIO + 4 * 3, 0); /* priority 0: never */
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    wr(&r, PL_THRESHOLD, 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    wr(&r, PL_PRIO + 4 * 3, 1);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    /* level-triggered: the line going low before a claim withdraws the request */
    irq_set(&s3, 0);
    CU_ASSERT_EQUAL(rd(&r, PL_PENDING), 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    CU_ASSERT_EQUAL(rd(&r, PL_CLAIM), 0);
    wr(&r, PL_PENDING, 0xFF); /* read-only */
    CU_ASSERT_EQUAL(rd(&r, PL_PENDING), 0);
    CU_ASSERT_EQUAL(rd(&r, 0x100000), 0); /* unknown */
    rig_close(&r);
}

static void test_plic_claim_complete(void)
{
    Rig r;
    rig_open(&r, "plic", 16000000, NULL, "{\"num_sources\": 40}");
    IrqLine s2 = r.cls->irq_input(r.dev, 2), s4 = r.cls->irq_input(r.dev, 4), s5 = r.cls->irq_input(r.dev, 5),
            s33 = r.cls->irq_input(r.dev, 33);
    wr(&r, PL_PRIO + 4 * 2, 3);
    wr(&r, PL_PRIO + 4 * 4, 3);
    wr(&r, PL_PRIO + 4 * 5, 6);
    wr(&r, PL_PRIO + 4 * 33, 1);
    wr(&r, PL_ENABLE, (1u << 2) | (1u << 4) | (1u << 5));
    wr(&r, PL_ENABLE + 4, 1u << 1); /* source 33 */
    CU_ASSERT_EQUAL(rd(&r, PL_ENABLE + 4), 1u << 1);
    irq_set(&s4, 1);
    irq_set(&s2, 1);
    irq_set(&s5, 1);
    irq_set(&s33, 1);
    CU_ASSERT_EQUAL(rd(&r, PL_PENDING), (1u << 2) | (1u << 4) | (1u << 5));
    CU_ASSERT_EQUAL(rd(&r, PL_PENDING + 4), 1u << 1);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    CU_ASSERT_EQUAL(rd(&r, PL_CLAIM), 5); /* the most urgent */
    CU_ASSERT_EQUAL(rd(&r, PL_PENDING) & (1u << 5), 0);
    CU_ASSERT_EQUAL(rd(&r, PL_CLAIM), 2); /* a tie: the lower ID */
    CU_ASSERT_EQUAL(rd(&r, PL_CLAIM), 4);
    CU_ASSERT_EQUAL(rd(&r, PL_CLAIM), 33);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    CU_ASSERT_EQUAL(rd(&r, PL_CLAIM), 0);
    /* a claimed source is not pending again until completed, whatever its line does */
    irq_set(&s5, 0);
    irq_set(&s5, 1);
    CU_ASSERT_EQUAL(rd(&r, PL_PENDING) & (1u << 5), 0);
    wr(&r, PL_CLAIM, 5); /* complete, line still high: pending again */
    CU_ASSERT_EQUAL(rd(&r, PL_PENDING) & (1u << 5), 1u << 5);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    CU_ASSERT_EQUAL(rd(&r, PL_CLAIM), 5);
    irq_set(&s5, 0);
    wr(&r, PL_CLAIM, 5); /* line low: done */
    CU_ASSERT_EQUAL(rd(&r, PL_PENDING) & (1u << 5), 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    wr(&r, PL_CLAIM, 5); /* completing what is not claimed: ignored */
    wr(&r, PL_CLAIM, 77);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    /* disabled sources stay pending but are not claimed */
    irq_set(&s2, 0);
    wr(&r, PL_CLAIM, 2);
    irq_set(&s2, 1);
    wr(&r, PL_ENABLE, 0);
    CU_ASSERT_EQUAL(rd(&r, PL_PENDING) & (1u << 2), 1u << 2);
    CU_ASSERT_EQUAL(rd(&r, PL_CLAIM), 0);
    /* reset: priorities and enables cleared, asserted lines still pending */
    r.cls->reset(r.dev);
    CU_ASSERT_EQUAL(rd(&r, PL_PRIO + 4 * 2), 0);
    CU_ASSERT_EQUAL(rd(&r, PL_ENABLE), 0);
    CU_ASSERT_EQUAL(rd(&r, PL_PENDING) & (1u << 2), 1u << 2);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    rig_close(&r);
}

static void test_plic_bad_params(void)
{
    expect_create_fails("plic", 16000000, "{\"num_sources\": \"many\"}", "num_sources");
    expect_create_fails("plic", 16000000, "{\"num_sources\": 0}", "num_sources");
    expect_create_fails("plic", 16000000, "{\"num_sources\": 5000}", "num_sources");
    expect_create_fails("plic", 16000000, "{\"num_priorities\": -1}", "num_priorities");
    expect_create_fails("plic", 16000000, "{\"num_priorities\": false}", "num_priorities");
}

/* ---- the UART's host end (CharDev) with a one-byte fake UART ---- */

#define FK_HZ 10000000  /* 10 MHz */
#define FK_CHAR 868     /* 10 MHz * 10 / 115200 */
#define FK_MS 10000     /* cycles in a millisecond */

typedef struct FakeUart {
    int got[16];        /* bytes taken, in order */
    uint64_t at[16];    /* cycle each was taken */
    int n;
    bool full;          /* refuses bytes while set */
    Sched *s;
} FakeUart;

static bool fake_deliver(void *dev, uint8_t byte)
{
    FakeUart *u = dev;
    if (u->full || u->n == 16)
        return false;
    u->at[u->n] = u->s->now;
    u->got[u->n++] = byte;
    return true;
}

/* A CharDev reading in_fd, attached to a fake UART with its receiver on. */
static CharDev *fake_open(Sched *s, FakeUart *u, FILE *out, int in_fd)
{
    sched_init(s, FK_HZ);
    *u = (FakeUart){.s = s};
    CharDev *cd = chardev_new(out, in_fd);
    chardev_attach(cd, s, FK_HZ, fake_deliver, u);
    chardev_rx_enable(cd, true);
    return cd;
}

static bool readable(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 0) == 1;
}

/* A regular file is read in simulated time only: a byte every character time, nothing
 * that waits for the host, and nothing queued once it has ended. */
static void test_chardev_file(void)
{
    FILE *f = tmpfile();
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("xyz", f);
    fflush(f);
    rewind(f);
    Sched s;
    FakeUart u;
    CharDev *cd = fake_open(&s, &u, NULL, fileno(f));
    CU_ASSERT_PTR_NULL(s.on_idle);
    run_to(&s, 10 * FK_CHAR);
    CU_ASSERT_EQUAL(u.n, 3);
    CU_ASSERT_EQUAL(u.got[0], 'x');
    CU_ASSERT_EQUAL(u.got[2], 'z');
    CU_ASSERT_EQUAL(u.at[0], FK_CHAR);
    CU_ASSERT_EQUAL(u.at[2], 3 * FK_CHAR);
    chardev_rx_idle(cd); /* no effect in simulated time */
    CU_ASSERT_PTR_NULL(s.head);
    chardev_free(cd);
    fclose(f);
}

/* A live host end: a pipe whose write end the test holds (-1 once closed). */
typedef struct Live {
    int rfd, wfd;
    Sched s;
    FakeUart u;
    CharDev *cd;
} Live;

static void live_open(Live *l, FILE *out)
{
    int fds[2];
    CU_ASSERT_FATAL(pipe(fds) == 0);
    l->rfd = fds[0];
    l->wfd = fds[1];
    l->cd = fake_open(&l->s, &l->u, out, l->rfd);
}

static void live_end_input(Live *l)
{
    close(l->wfd);
    l->wfd = -1;
}

static void live_close(Live *l)
{
    chardev_free(l->cd);
    close(l->rfd);
    if (l->wfd >= 0)
        close(l->wfd);
}

/* A pipe is live: with nothing from the host the receiver stops asking in simulated
 * time (no foreground event: a sleeping core could be found deadlocked) and a
 * background tick looks for input every millisecond; input that comes is offered at
 * the next tick, then a byte every character time. */
static void test_chardev_live_starve_resume(void)
{
    Live l;
    live_open(&l, NULL);
    CU_ASSERT_PTR_NOT_NULL(l.s.on_idle);
    run_to(&l.s, 3 * FK_CHAR);
    CU_ASSERT_EQUAL(l.u.n, 0);
    CU_ASSERT_FALSE(sched_has_foreground(&l.s));
    CU_ASSERT_PTR_NOT_NULL_FATAL(l.s.head);
    CU_ASSERT_EQUAL(write(l.wfd, "ab", 2), 2);
    uint64_t tick = l.s.head->when;
    run_to(&l.s, tick + 5 * FK_CHAR);
    CU_ASSERT_EQUAL(l.u.n, 2);
    CU_ASSERT_EQUAL(l.u.got[0], 'a');
    CU_ASSERT_EQUAL(l.u.at[0], tick);
    CU_ASSERT_EQUAL(l.u.at[1], tick + FK_CHAR);
    live_end_input(&l); /* the receiver and the tick stop */
    run_to(&l.s, tick + 5 * FK_MS);
    CU_ASSERT_PTR_NULL(l.s.head);
    live_close(&l);
}

/* Sched.on_idle (a core asleep with nothing queued): input already there is taken at
 * once and queued at the current cycle; at the end of input nothing can wake the core. */
static void test_chardev_sleep_hook(void)
{
    Live l;
    live_open(&l, NULL);
    run_to(&l.s, 2 * FK_CHAR); /* starved */
    CU_ASSERT_EQUAL(write(l.wfd, "q", 1), 1);
    uint64_t now = l.s.now;
    CU_ASSERT_TRUE(l.s.on_idle(l.s.on_idle_opaque));
    CU_ASSERT_TRUE(sched_has_foreground(&l.s));
    CU_ASSERT_EQUAL(sched_next(&l.s), now);
    sched_run_due(&l.s);
    CU_ASSERT_EQUAL(l.u.n, 1);
    CU_ASSERT_EQUAL(l.u.at[0], now);
    run_to(&l.s, now + 2 * FK_CHAR); /* starved again */
    live_end_input(&l);
    CU_ASSERT_FALSE(l.s.on_idle(l.s.on_idle_opaque));
    live_close(&l);
}

/* The guest keeps reading its empty receiver (every simulated millisecond): once
 * simulated time is more than 10 ms ahead of host time, the run waits for the host and
 * finds the input there. Empty reads far apart (a guest that is busy, or asleep on a
 * timer, between them) are no such wait: nothing is asked of the host. */
static void test_chardev_pacing(void)
{
    Live l;
    live_open(&l, NULL);
    run_to(&l.s, 2 * FK_CHAR);
    chardev_rx_idle(l.cd);
    CU_ASSERT_EQUAL(write(l.wfd, "p", 1), 1);
    l.s.now += 500 * FK_MS;
    chardev_rx_idle(l.cd);
    CU_ASSERT_FALSE(sched_has_foreground(&l.s));
    int steps = 0;
    while (!sched_has_foreground(&l.s) && steps++ < 100) {
        l.s.now += FK_MS;
        chardev_rx_idle(l.cd);
    }
    CU_ASSERT(steps > 10 && steps < 100);
    sched_run_due(&l.s);
    CU_ASSERT_EQUAL(l.u.n, 1);
    CU_ASSERT_EQUAL(l.u.got[0], 'p');
    CU_ASSERT_EQUAL(l.u.at[0], l.s.now);
    live_close(&l);
}

/* Live output is not flushed byte by byte but when the guest waits for input: the
 * first empty read after a write is taken for a transmitter-status poll, the next is
 * a wait. */
static void test_chardev_prompt_flushed_on_wait(void)
{
    int out[2];
    CU_ASSERT_FATAL(pipe(out) == 0);
    FILE *o = fdopen(out[1], "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(o);
    Live l;
    live_open(&l, o);
    run_to(&l.s, 2 * FK_CHAR); /* starved */
    chardev_write(l.cd, '>');
    chardev_write(l.cd, ' ');
    CU_ASSERT_FALSE(readable(out[0]));
    chardev_rx_idle(l.cd);
    CU_ASSERT_FALSE(readable(out[0]));
    chardev_rx_idle(l.cd);
    CU_ASSERT_TRUE_FATAL(readable(out[0]));
    char buf[4] = {0};
    CU_ASSERT_EQUAL(read(out[0], buf, sizeof buf), 2);
    CU_ASSERT_STRING_EQUAL(buf, "> ");
    live_close(&l);
    fclose(o);
    close(out[0]);
}

/* A UART that is not the console has no host end: every call is harmless. */
static void test_chardev_null(void)
{
    Sched s;
    sched_init(&s, FK_HZ);
    FakeUart u = {.s = &s};
    chardev_attach(NULL, &s, FK_HZ, fake_deliver, &u);
    chardev_set_baud(NULL, 9600);
    chardev_rx_enable(NULL, true);
    chardev_rx_ready(NULL);
    chardev_rx_idle(NULL);
    chardev_write(NULL, 'x');
    chardev_detach(NULL);
    chardev_free(NULL);
    CU_ASSERT_PTR_NULL(s.head);
}

/* --uart pty: the guest's bytes reach a program that opens the slave, and its bytes
 * reach the guest; nobody needs to have it open for the run to go on. */
static void test_chardev_pty(void)
{
    CharDevPty p;
    char *err = NULL;
    CU_ASSERT_EQUAL_FATAL(chardev_pty_open(&p, &err), 0);
    CU_ASSERT_EQUAL(strncmp(p.path, "/dev/pts/", 9), 0);
    Sched s;
    FakeUart u;
    CharDev *cd = fake_open(&s, &u, p.out, p.master);
    run_to(&s, 2 * FK_CHAR); /* nobody there: starved, not blocked */
    CU_ASSERT_EQUAL(u.n, 0);
    chardev_write(cd, 'h');
    chardev_write(cd, 'i');
    chardev_flush(cd);
    int fd = open(p.path, O_RDWR | O_NOCTTY);
    CU_ASSERT_FATAL(fd >= 0);
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    CU_ASSERT_EQUAL(poll(&pf, 1, 5000), 1);
    char buf[4] = {0};
    CU_ASSERT_EQUAL(read(fd, buf, sizeof buf), 2);
    CU_ASSERT_STRING_EQUAL(buf, "hi");
    CU_ASSERT_EQUAL(write(fd, "k", 1), 1);
    CU_ASSERT_TRUE(s.on_idle(s.on_idle_opaque));
    run_to(&s, s.now + FK_CHAR);
    CU_ASSERT_EQUAL(u.n, 1);
    CU_ASSERT_EQUAL(u.got[0], 'k');
    close(fd);
    chardev_free(cd);
    chardev_pty_close(&p);
    CU_ASSERT_EQUAL(p.master, -1);
}

static const TestCase chardev_cases[] = {
    {"file: simulated time only", test_chardev_file},
    {"live: starve, resume at the tick", test_chardev_live_starve_resume},
    {"live: a sleeping core waits for the host", test_chardev_sleep_hook},
    {"live: pacing waits for the host while the guest polls", test_chardev_pacing},
    {"live: the prompt is flushed when the guest waits", test_chardev_prompt_flushed_on_wait},
    {"no host end", test_chardev_null},
    {"pty", test_chardev_pty},
    {NULL, NULL},
};

static const TestCase registry_cases[] = {
    {"registry", test_registry},
    {"device_param_u32", test_param_u32},
    {"roles declared with their operations", test_roles_declared},
    {NULL, NULL},
};

static const TestCase uart_cases[] = {
    {"cmsdk-uart tx", test_cmsdk_uart_tx},
    {"cmsdk-uart rx", test_cmsdk_uart_rx},
    {"cmsdk-uart bauddiv, ids", test_cmsdk_uart_bauddiv_and_ids},
    {"nrf51-uart tx", test_nrf51_uart_tx},
    {"nrf51-uart rx", test_nrf51_uart_rx},
    {"nrf51-uart baudrate", test_nrf51_uart_baudrate},
    {"sifive-uart tx", test_sifive_uart_tx},
    {"sifive-uart rx", test_sifive_uart_rx},
    {"sifive-uart div", test_sifive_uart_div},
    {"ns16550a rx", test_ns16550_rx},
    {"ns16550a fifo", test_ns16550_fifo},
    {"ns16550a tx, thre", test_ns16550_tx_thre},
    {"ns16550a priority, dlab, reg_shift", test_ns16550_priority_dlab_shift},
    {"ns16550a bad params", test_ns16550_bad_params},
    {"pl011 tx, interrupts, ids", test_pl011_tx_and_ids},
    {"pl011 rx, fifo, baud rate", test_pl011_rx},
    {NULL, NULL},
};

static const TestCase timer_cases[] = {
    {"cmsdk-timer count", test_cmsdk_timer_count},
    {"cmsdk-timer irqen, reload 0", test_cmsdk_timer_irqen_and_reload0},
    {"cmsdk-timer intclear ones", test_cmsdk_timer_intclear_ones},
    {"systick core clock", test_systick_core_clock},
    {"systick refclk, calib", test_systick_refclk_and_calib},
    {"systick reload 0", test_systick_reload0},
    {"systick bad params", test_systick_bad_params},
    {"dwt", test_dwt},
    {"clint mtime, mtimecmp", test_clint_mtime_and_timer},
    {"clint timebase", test_clint_timebase},
    {"clint fractional, mtime write", test_clint_fractional_and_mtime_write},
    {"clint msip", test_clint_msip},
    {"clint bad params", test_clint_bad_params},
    {NULL, NULL},
};

static const TestCase plic_cases[] = {
    {"gateway, threshold", test_plic_gateway_and_threshold},
    {"claim, complete", test_plic_claim_complete},
    {"bad params", test_plic_bad_params},
    {NULL, NULL},
};

/* ---- QEMU virt: the SiFive test finisher, the Goldfish RTC ---- */

static void test_sifive_test(void)
{
    Rig r;
    rig_open(&r, "sifive-test", 10000000, NULL, NULL);
    CU_ASSERT_EQUAL(rd(&r, 0), 0);
    wr(&r, 0, 0x1234);                   /* not a command */
    wr(&r, 4, 0x5555);                   /* not offset 0 */
    r.cls->write(r.dev, 0, 0x55, 1);     /* 1-byte: QEMU takes 2 and 4 bytes only */
    CU_ASSERT_EQUAL(r.exits + r.resets, 0);
    wr(&r, 0, 7u << 16 | 0x3333);        /* fail with status 7 */
    CU_ASSERT_EQUAL(r.exits, 1);
    CU_ASSERT_EQUAL(r.exit_status, 7);
    r.cls->write(r.dev, 0, 0x5555, 2);   /* pass */
    CU_ASSERT_EQUAL(r.exits, 2);
    CU_ASSERT_EQUAL(r.exit_status, 0);
    wr(&r, 0, 0x3333);                   /* fail with status 0 (as QEMU: exit(0)) */
    CU_ASSERT_EQUAL(r.exits, 3);
    CU_ASSERT_EQUAL(r.exit_status, 0);
    wr(&r, 0, 0x7777);                   /* reset */
    CU_ASSERT_EQUAL(r.resets, 1);
    CU_ASSERT_EQUAL(r.exits, 3);
    rig_close(&r);
}

enum { RTC_TIME_LOW = 0x00, RTC_TIME_HIGH = 0x04, RTC_ALARM_LOW = 0x08, RTC_ALARM_HIGH = 0x0C,
       RTC_IRQ_ENABLED = 0x10, RTC_CLEAR_ALARM = 0x14, RTC_ALARM_STATUS = 0x18, RTC_CLEAR_INTERRUPT = 0x1C };

static uint64_t rtc_count(Rig *r)
{
    uint32_t lo = rd(r, RTC_TIME_LOW);
    return (uint64_t)rd(r, RTC_TIME_HIGH) << 32 | lo;
}

/* The count is simulated nanoseconds (10 MHz: 100 ns a cycle), TIME_LOW latches
 * TIME_HIGH, writes move it. */
static void test_goldfish_rtc_time(void)
{
    Rig r;
    rig_open(&r, "goldfish-rtc", 10000000, NULL, NULL);
    CU_ASSERT_EQUAL(rtc_count(&r), 0);
    r.sched.now = 10000000; /* 1 s */
    CU_ASSERT_EQUAL(rtc_count(&r), 1000000000u);
    r.sched.now = 50000000; /* 5 s: above 2^32 ns */
    CU_ASSERT_EQUAL(rd(&r, RTC_TIME_LOW), (uint32_t)5000000000ull);
    r.sched.now = 100000000; /* the high half stays as the low read latched it */
    CU_ASSERT_EQUAL(rd(&r, RTC_TIME_HIGH), 1);
    wr(&r, RTC_TIME_HIGH, 0);
    wr(&r, RTC_TIME_LOW, 100);
    CU_ASSERT_EQUAL(rtc_count(&r), 100);
    r.sched.now += 10;
    CU_ASSERT_EQUAL(rtc_count(&r), 1100);
    CU_ASSERT_EQUAL(rd(&r, 0x20), 0); /* unimplemented */
    rig_close(&r);

    rig_open(&r, "goldfish-rtc", 10000000, NULL, "{\"epoch_s\": 1700000000}");
    CU_ASSERT_EQUAL(rtc_count(&r), 1700000000ull * 1000000000u);
    rig_close(&r);
    expect_create_fails("goldfish-rtc", 10000000, "{\"epoch_s\": \"soon\"}", "epoch_s");
}

/* The alarm fires at the first cycle its count is reached (or at once when due),
 * the line is high while the interrupt is pending and enabled. */
static void test_goldfish_rtc_alarm(void)
{
    Rig r;
    rig_open(&r, "goldfish-rtc", 10000000, NULL, NULL);
    wr(&r, RTC_IRQ_ENABLED, 1);
    CU_ASSERT_EQUAL(rd(&r, RTC_IRQ_ENABLED), 1);
    wr(&r, RTC_ALARM_HIGH, 0);
    wr(&r, RTC_ALARM_LOW, 550); /* ns: reached at cycle 6 */
    CU_ASSERT_EQUAL(rd(&r, RTC_ALARM_LOW), 550);
    CU_ASSERT_EQUAL(rd(&r, RTC_ALARM_STATUS), 1);
    run_to(&r.sched, 5);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    run_to(&r.sched, 6);
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    CU_ASSERT_EQUAL(rd(&r, RTC_ALARM_STATUS), 0);
    wr(&r, RTC_CLEAR_INTERRUPT, 1);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);

    wr(&r, RTC_IRQ_ENABLED, 0);
    wr(&r, RTC_ALARM_LOW, 100); /* already past: fires at once, the line stays low */
    CU_ASSERT_EQUAL(rd(&r, RTC_ALARM_STATUS), 0);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    wr(&r, RTC_IRQ_ENABLED, 1); /* the pending interrupt shows now */
    CU_ASSERT_EQUAL(r.irq.level[0], 1);
    wr(&r, RTC_CLEAR_INTERRUPT, 1);

    wr(&r, RTC_ALARM_LOW, 2000);
    wr(&r, RTC_CLEAR_ALARM, 1);
    CU_ASSERT_EQUAL(rd(&r, RTC_ALARM_STATUS), 0);
    run_to(&r.sched, 100);
    CU_ASSERT_EQUAL(r.irq.level[0], 0);
    CU_ASSERT_EQUAL(r.irq.rises[0], 2);
    rig_close(&r);
}

static const TestCase virt_cases[] = {
    {"sifive-test finisher", test_sifive_test},
    {"goldfish-rtc time", test_goldfish_rtc_time},
    {"goldfish-rtc alarm", test_goldfish_rtc_alarm},
    {NULL, NULL},
};

int main(void)
{
    log_set_quiet(true);
    static const TestSuite suites[] = {
        {"registry", registry_cases},
        {"uarts", uart_cases},
        {"timers", timer_cases},
        {"plic", plic_cases},
        {"virt", virt_cases},
        {"chardev", chardev_cases},
        {NULL, NULL},
    };
    return cunit_run(suites);
}
