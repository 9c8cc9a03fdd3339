/* machine.c: composes a machine from a board description: memories, the core, devices
 * from the registry (found by the roles their classes declare, never by type name:
 * the console, the core's exception model, interrupt controllers, the timebase),
 * semihosting; loads the image. */
#include "config.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    Semihost *semihost;
    CharDev *console;
    const BoardDevice *console_dev; /* the device that takes the console (NULL: none) */
    const DeviceClass **cls;        /* the class of each of the board's devices */
    MachineDevice *devs;
    size_t ndevs;
    BoardDevice exc_bd;             /* the exception model the board does not list */
    const MachineDevice *exc;       /* the core's exception model (Cortex-M: the NVIC/SCS) */
    const MachineDevice *intc;      /* where numbered IRQ lines end (the first controller) */
    const MachineDevice *timebase;  /* the core's timer (RISC-V: the CLINT's mtime) */
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

/* ---- what the machine asks of the core ---- */

static void core_notify(void *opaque)
{
    Machine *m = opaque;
    if (m->cpu)
        cpu_request_irq_check(m->cpu);
}

static void core_sysreset(void *opaque)
{
    Machine *m = opaque;
    if (m->cpu)
        cpu_request_stop(m->cpu, STOP_RESET, 0);
}

static void core_exit(void *opaque, int status)
{
    Machine *m = opaque;
    if (m->cpu)
        cpu_request_stop(m->cpu, STOP_EXIT, status);
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

/* ---- devices, found by their roles ---- */

/* Every device's class, before anything is built (board_parse has refused unknown
 * types; a Board built otherwise gets the same refusal). */
static int find_classes(Machine *m, char **err)
{
    const Board *b = m->board;
    m->cls = xcalloc(b->ndev + 1, sizeof *m->cls);
    for (size_t i = 0; i < b->ndev; i++) {
        m->cls[i] = device_class_find(b->dev[i].type);
        if (!m->cls[i]) {
            set_err(err, "board %s: device %s: unknown type \"%s\"", b->name, b->dev[i].name, b->dev[i].type);
            return -1;
        }
    }
    return 0;
}

/* The console: the device the board names, else the first that can be one; the
 * others' output is discarded. */
static int find_console(Machine *m, char **err)
{
    const Board *b = m->board;
    for (size_t i = 0; i < b->ndev && !m->console_dev; i++) {
        bool named = b->console && strcmp(b->dev[i].name, b->console) == 0;
        if (named && !(m->cls[i]->roles & DEVICE_ROLE_CONSOLE)) {
            set_err(err, "board %s: console: device %s (%s) cannot be a console", b->name, b->dev[i].name,
                    b->dev[i].type);
            return -1;
        }
        if ((named || !b->console) && (m->cls[i]->roles & DEVICE_ROLE_CONSOLE))
            m->console_dev = &b->dev[i];
    }
    return 0;
}

static int wire_irqs(Machine *m, const BoardDevice *bd, const DeviceClass *cls, DeviceConfig *dc, char **err)
{
    const Board *b = m->board;
    dc->nirq = bd->nirq;
    for (int i = 0; i < bd->nirq; i++) {
        const BoardIrq *q = &bd->irq[i];
        if (cls->sys_exc > 0 && m->exc) {
            dc->irq[i] = m->exc->cls->exc_line(m->exc->dev, cls->sys_exc);
            if (!dc->irq[i].set) {
                set_err(err, "board %s: device %s: exception %d is not a system exception of %s", b->name,
                        bd->name, cls->sys_exc, m->exc->bd->name);
                return -1;
            }
        } else if (q->cpu_local) {
            if (!core_has_local_irq_lines(b->core)) {
                set_err(err, "board %s: device %s: the %s core has no CPU-local interrupt lines", b->name, bd->name,
                        core_name(b->core));
                return -1;
            }
            dc->irq[i] = cpu_local_irq(m->cpu, q->num);
        } else if (m->intc) {
            dc->irq[i] = m->intc->cls->irq_input(m->intc->dev, q->num);
            if (!dc->irq[i].set) {
                set_err(err, "board %s: device %s: IRQ %d is not an input of the interrupt controller %s", b->name,
                        bd->name, q->num, m->intc->bd->name);
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

static MachineDevice *create_device(Machine *m, const BoardDevice *bd, const DeviceClass *cls, char **err)
{
    const Board *b = m->board;
    DeviceConfig dc = {
        .name = bd->name,
        .base = bd->base,
        .clock_hz = b->clock_hz,
        .params = bd->params,
        .sched = &m->sched,
        .chardev = bd == m->console_dev ? m->console : NULL,
        .trace = m->trace,
        .core = {
            .armv6m = core_is_armv6m(b->core),
            .cpuid = cpuid_for(b->core),
            .num_irq = b->num_irq,
            .prio_bits = b->prio_bits,
            .notify = core_notify,
            .sysreset = core_sysreset,
            .exit = core_exit,
            .opaque = m,
        },
    };
    if (wire_irqs(m, bd, cls, &dc, err) < 0)
        return NULL;
    char *derr = NULL;
    void *dev = cls->create(&dc, &derr);
    if (!dev) {
        set_err(err, "board %s: device %s (%s): %s", b->name, bd->name, cls->type, derr ? derr : "cannot be created");
        free(derr);
        return NULL;
    }
    MachineDevice *md = &m->devs[m->ndevs++];
    *md = (MachineDevice){.bd = bd, .cls = cls, .dev = dev};
    if ((cls->roles & DEVICE_ROLE_INTC) && !m->intc)
        m->intc = md;
    if ((cls->roles & DEVICE_ROLE_TIMEBASE) && !m->timebase)
        m->timebase = md;
    return md;
}

static int map_device(Machine *m, const MachineDevice *md, char **err)
{
    return cpu_map_device(m->cpu, md->bd->base, md->cls->size, md->cls, md->dev, err);
}

/* The core's exception model, before the core that uses it: the one the board
 * lists, else the registry's at its default base. Created first, it is also the
 * first interrupt controller. */
static int create_exception_model(Machine *m, char **err)
{
    const Board *b = m->board;
    const BoardDevice *bd = NULL;
    const DeviceClass *cls = NULL;
    for (size_t i = 0; i < b->ndev; i++) {
        if (!(m->cls[i]->roles & DEVICE_ROLE_EXC_MODEL))
            continue;
        if (bd) {
            set_err(err, "board %s: devices %s and %s: a core has one exception model", b->name, bd->name,
                    b->dev[i].name);
            return -1;
        }
        bd = &b->dev[i];
        cls = m->cls[i];
    }
    if (!bd) {
        cls = device_class_with_role(DEVICE_ROLE_EXC_MODEL);
        if (!cls) {
            set_err(err, "board %s: a %s core needs an exception model and no device model is one", b->name,
                    core_name(b->core));
            return -1;
        }
        m->exc_bd = (BoardDevice){.type = xstrdup(cls->type), .name = xstrdup(cls->type), .base = cls->default_base};
        bd = &m->exc_bd;
    }
    m->exc = create_device(m, bd, cls, err);
    return m->exc ? 0 : -1;
}

/* The board's other devices, interrupt controllers first (the other devices'
 * lines end in them), each mapped as it is made. The exception model's window
 * (the whole SCS page) is mapped last: where windows overlap the first mapped
 * answers, so SysTick inside that page keeps its registers. */
static int create_devices(Machine *m, char **err)
{
    const Board *b = m->board;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < b->ndev; i++) {
            const DeviceClass *cls = m->cls[i];
            bool intc = (cls->roles & DEVICE_ROLE_INTC) != 0;
            if ((pass == 0) != intc || (m->exc && m->exc->bd == &b->dev[i]))
                continue;
            if (cls->roles & DEVICE_ROLE_EXC_MODEL) {
                set_err(err, "board %s: device %s: a %s core has no exception model like %s", b->name,
                        b->dev[i].name, core_name(b->core), cls->type);
                return -1;
            }
            const MachineDevice *md = create_device(m, &b->dev[i], cls, err);
            if (!md || map_device(m, md, err) < 0)
                return -1;
        }
    }
    return m->exc ? map_device(m, m->exc, err) : 0;
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

/* The segments' bytes at their load addresses, then the --set values over them. */
static int load_image(Machine *m, const MachineWrite *w, size_t nw, char **err)
{
    for (size_t i = 0; i < image_segment_count(m->img); i++) {
        const ImageSegment *sg = image_segment(m->img, i);
        if (cpu_load(m->cpu, sg->paddr, sg->data, sg->filesz, err) < 0)
            return -1;
    }
    for (size_t i = 0; i < nw; i++) {
        uint8_t bytes[8];
        for (uint32_t k = 0; k < w[i].size && k < sizeof bytes; k++)
            bytes[k] = (uint8_t)(w[i].value >> (8 * k));
        if (cpu_load(m->cpu, w[i].addr, bytes, w[i].size, err) < 0)
            return -1;
    }
    return 0;
}

/* The board memory holding [addr, addr + size) within its limit, or NULL. */
static const BoardMemory *memory_at(const Board *b, uint32_t addr, uint32_t size)
{
    for (size_t i = 0; i < b->nmem; i++) {
        const BoardMemory *mem = &b->mem[i];
        if (addr >= mem->base && (uint64_t)addr - mem->base + size <= mem->limit)
            return mem;
    }
    return NULL;
}

/* The loadable segment whose run addresses hold [addr, addr + size), or NULL. */
static const ImageSegment *segment_at(const Image *img, uint32_t addr, uint32_t size)
{
    for (size_t i = 0; i < image_segment_count(img); i++) {
        const ImageSegment *g = image_segment(img, i);
        if (addr >= g->vaddr && (uint64_t)addr - g->vaddr + size <= g->memsz)
            return g;
    }
    return NULL;
}

/* Does magnitude (negated when negative) fit in size bytes, signed or unsigned? */
static bool value_fits(uint64_t magnitude, bool negative, uint32_t size)
{
    if (size >= 8)
        return !negative || magnitude <= (uint64_t)1 << 63;
    uint64_t top = (uint64_t)1 << (8 * size); /* 2^bits */
    return negative ? magnitude <= top / 2 : magnitude < top;
}

int machine_resolve_write(const Board *b, const Image *img, const char *symbol, uint64_t magnitude, bool negative,
                          MachineWrite *w, char **err)
{
    const ImageSymbol *sym = image_symbol_by_name(img, symbol);
    if (!sym) {
        set_err(err, "no symbol %s in %s", symbol, image_path(img));
        return -1;
    }
    if (sym->is_func) {
        set_err(err, "%s is a function, not a variable", symbol);
        return -1;
    }
    uint32_t size = sym->size ? sym->size : 1;
    const BoardMemory *mem = memory_at(b, sym->addr, size);
    if (!mem) {
        set_err(err, "%s at 0x%08x is in no memory of board %s", symbol, sym->addr, b->name);
        return -1;
    }
    if (mem->kind == BOARD_MEM_FLASH) {
        set_err(err, "%s at 0x%08x is in flash (memory %s): read-only data that the firmware reads from there; "
                "make it a variable that is not const", symbol, sym->addr, mem->name);
        return -1;
    }
    const ImageSegment *g = segment_at(img, sym->addr, size);
    if (!g) {
        set_err(err, "%s at 0x%08x is in no data the image loads", symbol, sym->addr);
        return -1;
    }
    if (!(g->flags & PF_W)) {
        set_err(err, "%s at 0x%08x is read-only data (in a segment that is not writable, memory %s): the compiler "
                "may use its value without reading it; make it a variable that is not const", symbol, sym->addr,
                mem->name);
        return -1;
    }
    if (sym->size != 1 && sym->size != 2 && sym->size != 4 && sym->size != 8) {
        set_err(err, "%s is %u bytes long: --set writes variables of 1, 2, 4 or 8 bytes", symbol, sym->size);
        return -1;
    }
    if ((uint64_t)sym->addr - g->vaddr + size > g->filesz) {
        set_err(err, "%s is zero-initialised (.bss): the firmware's start-up code clears it after reset; give it "
                "an initial value other than 0 so that it is in .data", symbol);
        return -1;
    }
    if (!value_fits(magnitude, negative, size)) {
        uint64_t top = (uint64_t)1 << (8 * size - 1); /* 2 * top - 1 wraps to the maximum at 8 bytes */
        set_err(err, "%s%llu does not fit %s (%u byte%s: 0 to %llu, or down to -%llu)", negative ? "-" : "",
                (unsigned long long)magnitude, symbol, size, size > 1 ? "s" : "", (unsigned long long)(2 * top - 1),
                (unsigned long long)top);
        return -1;
    }
    *w = (MachineWrite){
        .addr = g->paddr + (sym->addr - g->vaddr),
        .run_addr = sym->addr,
        .size = size,
        .value = negative ? ~magnitude + 1 : magnitude,
    };
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
    m->devs = xcalloc(b->ndev + 1, sizeof *m->devs);
    if (m->img)
        find_stack_limit(m);
    /* A core with an NVIC takes its exceptions from an exception-model device. */
    bool exc_model = core_has_nvic(b->core);
    if (find_classes(m, err) < 0 || find_console(m, err) < 0 || (exc_model && create_exception_model(m, err) < 0))
        goto fail;

    CpuMemRegion *mem = xcalloc(b->nmem, sizeof *mem);
    CpuUnimpRegion *unimp = xcalloc(b->nunimp + 1, sizeof *unimp);
    for (size_t i = 0; i < b->nunimp; i++)
        unimp[i] = (CpuUnimpRegion){.name = b->unimp[i].name, .base = b->unimp[i].base, .size = b->unimp[i].size};
    for (size_t i = 0; i < b->nmem; i++) {
        const BoardMemory *bm = &b->mem[i];
        mem[i] = (CpuMemRegion){.name = bm->name, .base = bm->base, .size = bm->size, .limit = bm->limit,
                                .kind = bm->kind == BOARD_MEM_FLASH ? MEM_FLASH : MEM_SRAM,
                                .alias_of = bm->alias_of >= 0 ? b->mem[bm->alias_of].name : NULL};
    }
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
        .unimp = unimp,
        .nunimp = b->nunimp,
        .boot_addr = core_boots_from_vector_table(b->core) ? b->boot_addr : cfg->img ? image_entry(cfg->img) : 0,
        .stack_limit = m->stack_limit,
        .max_cycles = cfg->max_cycles,
        .keep_going = cfg->keep_going,
        .nvic = m->exc ? m->exc->dev : NULL,
    };
    m->cpu = cpu_new(&cc, err);
    free(mem);
    free(unimp);
    if (!m->cpu)
        goto fail;
    sc.mem = (GuestMem){.read = gm_read, .write = gm_write, .opaque = m->cpu};
    m->semihost = semihost_new(&sc);
    cpu_set_semihost(m->cpu, semihost_call, m->semihost);

    if (create_devices(m, err) < 0)
        goto fail;
    if (m->timebase)
        cpu_set_rv_mtime(m->cpu, m->timebase->cls->timebase, m->timebase->dev);
    /* without an image (a board's check) every window is mapped, nothing booted */
    if (m->img ? load_image(m, cfg->writes, cfg->nwrites, err) < 0 || cpu_boot(m->cpu, err) < 0
               : cpu_map_devices(m->cpu, err) < 0)
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
    free(m->cls);
    free(m->exc_bd.type);
    free(m->exc_bd.name);
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
