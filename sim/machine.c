/* machine.c: composes a machine from a board description: memories, the core,
 * its interrupt controller, devices from the registry, semihosting; loads the image. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/nvic.h"
#include "devices/semihost.h"
#include "sim/machine.h"

typedef struct MachineDevice {
    const BoardDevice *bd;
    const DeviceClass *cls;
    void *dev;
} MachineDevice;

struct Machine {
    const Board *board;
    const Image *img;
    Sched sched;
    Cpu *cpu;
    Nvic *nvic;
    Semihost *semihost;
    CharDev *console;
    bool console_free;      /* no UART has taken the console yet */
    MachineDevice *devs;
    size_t ndevs;
    void *intc;             /* RISC-V: the PLIC (external interrupt inputs) */
    const DeviceClass *intc_cls;
    const MachineDevice *clint;
    uint32_t stack_limit;
    const char *stack_limit_sym;
    TraceSink trace;
};

Cpu *machine_cpu(Machine *m) { return m->cpu; }
CharDev *machine_console(Machine *m) { return m->console; }
Sched *machine_sched(Machine *m) { return &m->sched; }
void machine_interrupt(Machine *m) { cpu_request_interrupt(m->cpu); }

uint32_t machine_stack_limit(const Machine *m, const char **symbol)
{
    if (symbol)
        *symbol = m->stack_limit_sym;
    return m->stack_limit;
}

/* ---- the NVIC as a device window (the SCS page, behind SysTick) ---- */

static uint32_t scs_read(void *dev, uint32_t off, unsigned size) { return nvic_read(dev, off, size); }
static void scs_write(void *dev, uint32_t off, uint32_t v, unsigned size) { nvic_write(dev, off, v, size); }

static const DeviceClass scs_class = {
    .type = "nvic",
    .desc = "NVIC + SCB (System Control Space)",
    .size = 0x1000,
    .read = scs_read,
    .write = scs_write,
};

static void nvic_notify(void *opaque)
{
    Machine *m = opaque;
    if (m->cpu)
        cpu_request_irq_check(m->cpu);
}

static void nvic_sysreset(void *opaque)
{
    Machine *m = opaque;
    if (m->cpu)
        cpu_request_stop(m->cpu, STOP_RESET, 0);
}

/* CPUID values from the TRMs (r-p- of the versions QEMU models). */
static uint32_t cpuid_for(CoreModel c)
{
    switch (c) {
    case CORE_CORTEX_M0: return 0x410CC200;
    case CORE_CORTEX_M0PLUS: return 0x410CC601;
    case CORE_CORTEX_M3: return 0x412FC231;
    default: return 0x410FC241;
    }
}

/* ---- semihosting guest memory ---- */

static int gm_read(void *opaque, uint32_t addr, void *buf, size_t len) { return cpu_mem_read(opaque, addr, buf, len); }
static int gm_write(void *opaque, uint32_t addr, const void *buf, size_t len)
{
    return cpu_mem_write(opaque, addr, buf, len);
}

static uint64_t clint_mtime(void *opaque)
{
    const MachineDevice *d = opaque;
    uint32_t lo = d->cls->read(d->dev, 0xBFF8, 4);
    uint32_t hi = d->cls->read(d->dev, 0xBFFC, 4);
    return (uint64_t)hi << 32 | lo;
}

static bool is_uart(const char *type) { return strstr(type, "uart") || strstr(type, "16550"); }

static int wire_irqs(Machine *m, const BoardDevice *bd, DeviceConfig *dc, char **err)
{
    const Board *b = m->board;
    dc->nirq = bd->nirq;
    for (int i = 0; i < bd->nirq; i++) {
        const BoardIrq *q = &bd->irq[i];
        if (strcmp(bd->type, "systick") == 0 && m->nvic) {
            dc->irq[i] = nvic_exc_line(m->nvic, EXC_SYSTICK);
        } else if (q->cpu_local) {
            if (core_arch(b->core) != ARCH_RISCV32) {
                set_err(err, "board %s: device %s: CPU-local interrupt lines exist only on RISC-V", b->name, bd->name);
                return -1;
            }
            dc->irq[i] = cpu_local_irq(m->cpu, q->num);
        } else if (m->nvic) {
            if (q->num < 0 || q->num >= b->num_irq) {
                set_err(err, "board %s: device %s: IRQ %d is beyond the NVIC's %d interrupts", b->name, bd->name,
                        q->num, b->num_irq);
                return -1;
            }
            dc->irq[i] = nvic_irq_line(m->nvic, q->num);
        } else if (m->intc) {
            dc->irq[i] = m->intc_cls->irq_input(m->intc, q->num);
            if (!dc->irq[i].set) {
                set_err(err, "board %s: device %s: IRQ %d is not an input of the interrupt controller", b->name,
                        bd->name, q->num);
                return -1;
            }
        } else {
            set_err(err, "board %s: device %s has an IRQ but the board has no interrupt controller", b->name,
                     bd->name);
            return -1;
        }
    }
    return 0;
}

static MachineDevice *create_device(Machine *m, const BoardDevice *bd, char **err)
{
    const DeviceClass *cls = device_class_find(bd->type);
    if (!cls) {
        char known[512] = "";
        for (size_t i = 0; device_classes[i]; i++) {
            strncat(known, i ? ", " : "", sizeof known - strlen(known) - 1);
            strncat(known, device_classes[i]->type, sizeof known - strlen(known) - 1);
        }
        set_err(err, "board %s: device %s: unknown type \"%s\" (known: %s)", m->board->name, bd->name, bd->type,
                known);
        return NULL;
    }
    DeviceConfig dc = {
        .name = bd->name,
        .base = bd->base,
        .clock_hz = m->board->clock_hz,
        .params = bd->params,
        .sched = &m->sched,
        .trace = m->trace,
    };
    /* The first UART is the console; the others' output is discarded. */
    if (is_uart(cls->type) && m->console_free) {
        dc.chardev = m->console;
        m->console_free = false;
    }
    if (wire_irqs(m, bd, &dc, err) < 0)
        return NULL;
    char *derr = NULL;
    void *dev = cls->create(&dc, &derr);
    if (!dev) {
        set_err(err, "board %s: device %s (%s): %s", m->board->name, bd->name, cls->type,
                derr ? derr : "cannot be created");
        free(derr);
        return NULL;
    }
    MachineDevice *md = &m->devs[m->ndevs++];
    *md = (MachineDevice){.bd = bd, .cls = cls, .dev = dev};
    if (cpu_map_device(m->cpu, bd->base, cls->size, cls, dev, err) < 0)
        return NULL;
    if (cls->is_intc && !m->intc) {
        m->intc = dev;
        m->intc_cls = cls;
    }
    if (strcmp(cls->type, "clint") == 0)
        m->clint = md;
    return md;
}

static const char *const stack_limit_symbols[] = {
    "__StackLimit", "__stack_limit", "_stack_limit", "__stack_end__", "_sstack", "__stack_bottom", NULL,
};

static void find_stack_limit(Machine *m)
{
    for (size_t i = 0; stack_limit_symbols[i]; i++) {
        const ImageSymbol *s = image_symbol_by_name(m->img, stack_limit_symbols[i]);
        if (s) {
            m->stack_limit = s->addr;
            m->stack_limit_sym = s->name;
            return;
        }
    }
}

static int load_image(Machine *m, char **err)
{
    for (size_t i = 0; i < image_segment_count(m->img); i++) {
        const ImageSegment *sg = image_segment(m->img, i);
        if (cpu_load(m->cpu, sg->paddr, sg->data, sg->filesz, err) < 0)
            return -1;
    }
    return 0;
}

Machine *machine_new(const MachineConfig *cfg, char **err)
{
    const Board *b = cfg->board;
    Machine *m = xcalloc(1, sizeof *m);
    m->board = b;
    m->img = cfg->img;
    m->trace = cfg->trace;
    sched_init(&m->sched, b->clock_hz);
    m->console = chardev_new(cfg->uart_out, cfg->uart_in_fd);
    m->console_free = true;
    m->devs = xcalloc(b->ndev + 1, sizeof *m->devs);
    find_stack_limit(m);
    bool arm = core_arch(b->core) == ARCH_ARM_M;

    if (arm) {
        NvicConfig nc = {
            .armv6m = core_is_armv6m(b->core),
            .num_irq = b->num_irq,
            .prio_bits = b->prio_bits,
            .cpuid = cpuid_for(b->core),
            .notify = nvic_notify,
            .sysreset = nvic_sysreset,
            .opaque = m,
            .now = &m->sched.now,
        };
        m->nvic = nvic_new(&nc);
    }

    CpuMemRegion *mem = xcalloc(b->nmem, sizeof *mem);
    for (size_t i = 0; i < b->nmem; i++)
        mem[i] = (CpuMemRegion){.name = b->mem[i].name, .base = b->mem[i].base, .size = b->mem[i].size,
                                .limit = b->mem[i].limit,
                                .kind = b->mem[i].kind == BOARD_MEM_FLASH ? MEM_FLASH : MEM_SRAM};
    SemihostConfig sc = {
        .out = stdout,
        .err = stderr,
        .in_fd = -1,
        .sched = &m->sched,
    };
    CpuConfig cc = {
        .core = b->core,
        .sched = &m->sched,
        .mem = mem,
        .nmem = b->nmem,
        .boot_addr = arm ? b->boot_addr : image_entry(cfg->img),
        .stack_limit = m->stack_limit,
        .max_cycles = cfg->max_cycles,
        .keep_going = cfg->keep_going,
        .nvic = m->nvic,
    };
    m->cpu = cpu_new(&cc, err);
    free(mem);
    if (!m->cpu)
        goto fail;
    sc.mem = (GuestMem){.read = gm_read, .write = gm_write, .opaque = m->cpu};
    m->semihost = semihost_new(&sc);
    cpu_set_semihost(m->cpu, semihost_call, m->semihost);

    /* Interrupt controllers first: the other devices' lines end in them. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < b->ndev; i++) {
            const DeviceClass *cls = device_class_find(b->dev[i].type);
            bool intc = cls && cls->is_intc;
            if ((pass == 0) != intc)
                continue;
            if (!create_device(m, &b->dev[i], err))
                goto fail;
        }
    }
    if (m->nvic && cpu_map_device(m->cpu, 0xE000E000u, scs_class.size, &scs_class, m->nvic, err) < 0)
        goto fail;
    if (m->clint)
        cpu_set_rv_mtime(m->cpu, clint_mtime, (void *)m->clint);
    if (load_image(m, err) < 0 || cpu_boot(m->cpu, err) < 0)
        goto fail;
    return m;
fail:
    machine_free(m);
    return NULL;
}

void machine_free(Machine *m)
{
    if (!m)
        return;
    cpu_free(m->cpu);
    for (size_t i = 0; i < m->ndevs; i++)
        if (m->devs[i].cls->destroy)
            m->devs[i].cls->destroy(m->devs[i].dev);
    free(m->devs);
    if (m->nvic)
        nvic_free(m->nvic);
    if (m->semihost)
        semihost_free(m->semihost);
    chardev_free(m->console);
    free(m);
}

void machine_run(Machine *m, CpuStop *stop)
{
    cpu_run(m->cpu, stop);
    chardev_flush(m->console);
    fflush(stdout);
}
