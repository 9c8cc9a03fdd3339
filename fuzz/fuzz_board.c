/* fuzz_board.c: libFuzzer harness of the board description parser (sim/board.c): any
 * bytes as a board file, then what a run does with a board before the CPU exists:
 * --sram and --clock, the image fit check, and every device created from its JSON
 * parameters (devices/) and reset. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/sched.h"
#include "devices/device.h"
#include "fuzz/fuzz_util.h"
#include "sim/board.h"

static void irq_ignore(void *opaque, int num, int level)
{
    (void)opaque;
    (void)num;
    (void)level;
}

/* Each device as sim/machine.c creates it, with interrupt lines that go nowhere. */
static void create_devices(const Board *b)
{
    for (size_t i = 0; i < b->ndev; i++) {
        const BoardDevice *bd = &b->dev[i];
        const DeviceClass *cls = device_class_find(bd->type);
        if (!cls)
            continue;
        Sched sched;
        sched_init(&sched, b->clock_hz);
        DeviceConfig dc = {.name = bd->name, .base = bd->base, .clock_hz = b->clock_hz, .params = bd->params,
                           .sched = &sched, .nirq = bd->nirq};
        for (int k = 0; k < bd->nirq && k < DEVICE_MAX_IRQ; k++)
            dc.irq[k] = (IrqLine){.set = irq_ignore, .num = bd->irq[k].num};
        char *err = NULL;
        void *dev = cls->create(&dc, &err);
        if (!fuzz_outcome(dev != NULL, err))
            continue;
        if (cls->reset)
            cls->reset(dev);
        if ((cls->roles & DEVICE_ROLE_INTC) && cls->irq_input)
            for (size_t k = 0; k < b->ndev; k++)
                for (int q = 0; q < b->dev[k].nirq; q++)
                    (void)cls->irq_input(dev, b->dev[k].irq[q].num);
        cls->destroy(dev);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstring(data, size);
    char *err = NULL;
    Board *b = board_parse(text, "fuzz-board.json", &err);
    free(text);
    if (!fuzz_outcome(b != NULL, err))
        return 0;
    FUZZ_CHECK(b->name);
    char buf[32];
    board_format_hz(b->clock_hz, buf, sizeof buf);
    for (size_t i = 0; i < b->nmem; i++)
        board_format_size(b->mem[i].size, buf, sizeof buf);
    BoardMemory *sram = board_main_sram(b);
    err = NULL;
    fuzz_outcome(board_set_sram(b, sram ? sram->size / 2 + 1 : 1, &err) == 0, err);
    err = NULL;
    fuzz_outcome(board_set_clock(b, 16000000, &err) == 0, err);
    Image *img = fuzz_synthetic_image();
    err = NULL;
    fuzz_outcome(board_check_image(b, img, &err) == 0, err);
    image_free(img);
    create_devices(b);
    board_free(b);
    return 0;
}
