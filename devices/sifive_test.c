/* sifive_test.c: the SiFive test finisher ("sifive,test0"), as on QEMU's RISC-V virt
 * machine at 0x100000 (QEMU 7.2 hw/misc/sifive_test.c): a write to offset 0 whose low
 * 16 bits are 0x5555 ends the run with status 0 (pass), 0x3333 with the status in
 * bits 16-31 (fail; QEMU exits with it, so a shell sees its low 8 bits), 0x7777
 * asks for a system reset (baregc, like QEMU with -no-reboot, ends the run cleanly).
 * Any other value, any other offset, and 1-byte writes (QEMU accepts 2- and
 * 4-byte accesses only) are guest errors and ignored; reads return 0. Not
 * modelled: QEMU's access fault on a 1-byte access. */
#include "config.h"

#include <stdlib.h>

#include "devices/device.h"

enum { FINISHER_FAIL = 0x3333, FINISHER_PASS = 0x5555, FINISHER_RESET = 0x7777 };

typedef struct SifiveTest {
    DeviceConfig cfg;
} SifiveTest;

static void *create(const DeviceConfig *cfg, char **err)
{
    (void)err;
    SifiveTest *t = xcalloc(1, sizeof *t);
    t->cfg = *cfg;
    return t;
}

static void destroy(void *dev) { free(dev); }

static void reset(void *dev) { (void)dev; }

static uint32_t read(void *dev, uint32_t off, unsigned size)
{
    (void)dev, (void)off, (void)size;
    return 0;
}

static void write(void *dev, uint32_t off, uint32_t v, unsigned size)
{
    SifiveTest *t = dev;
    const DeviceCore *core = &t->cfg.core;
    if (off == 0 && size >= 2) {
        switch (v & 0xFFFF) {
        case FINISHER_PASS:
            if (core->exit)
                core->exit(core->opaque, 0);
            return;
        case FINISHER_FAIL:
            if (core->exit)
                core->exit(core->opaque, (int)(v >> 16));
            return;
        case FINISHER_RESET:
            if (core->sysreset)
                core->sysreset(core->opaque);
            return;
        default:
            break;
        }
    }
    log_guest("sifive-test: %u-byte write of 0x%x at offset 0x%x does nothing", size, (unsigned)v, off);
}

const DeviceClass sifive_test_class = {
    .type = "sifive-test",
    .desc = "SiFive test finisher (QEMU virt): 0x5555 pass, code<<16 | 0x3333 fail, 0x7777 reset",
    .size = 0x1000,
    .create = create,
    .destroy = destroy,
    .reset = reset,
    .read = read,
    .write = write,
};
