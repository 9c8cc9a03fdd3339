/* nvic.c: Cortex-M NVIC + SCB (System Control Space) registers and the exception
 * priority logic (ARMv7-M ARM, DDI 0403E: B1.5.4 execution priority, B3.2 SCB,
 * B3.4 NVIC; ARMv6-M ARM, DDI 0419C, for the M0/M0+ subset).
 * Not modelled: the MPU (MPU_TYPE reads 0), debug (DFSR, DHCSR), the ID_* feature
 * registers (read 0), SHCSR active/pending bits (the register is storage), CPACR
 * (storage only: the FPU enable inside Unicorn is not touched). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "devices/nvic.h"

enum {
    ICTR = 0x004,
    ISER = 0x100, ICER = 0x180, ISPR = 0x200, ICPR = 0x280, IABR = 0x300, /* 16 words each */
    IPR = 0x400,  IPR_END = 0x4F0,
    CPUID = 0xD00, ICSR = 0xD04, VTOR = 0xD08, AIRCR = 0xD0C, SCR = 0xD10, CCR = 0xD14,
    SHPR1 = 0xD18, SHPR3_END = 0xD24, SHCSR = 0xD24, CFSR = 0xD28, HFSR = 0xD2C, DFSR = 0xD30,
    MMFAR = 0xD34, BFAR = 0xD38, AFSR = 0xD3C, CPACR = 0xD88, MPU_TYPE = 0xD90,
    DEMCR = 0xDFC, STIR = 0xF00,
};

#define ICSR_NMIPENDSET (1u << 31)
#define ICSR_PENDSVSET (1u << 28)
#define ICSR_PENDSVCLR (1u << 27)
#define ICSR_PENDSTSET (1u << 26)
#define ICSR_PENDSTCLR (1u << 25)
#define ICSR_ISRPENDING (1u << 22)
#define ICSR_RETTOBASE (1u << 11)
#define AIRCR_VECTKEY 0x05FAu
#define AIRCR_SYSRESETREQ (1u << 2)
#define SCR_SLEEPONEXIT (1u << 1)
#define CFSR_MMARVALID (1u << 7)
#define CFSR_BFARVALID (1u << 15)

struct Nvic {
    NvicConfig cfg;
    uint8_t prio_mask;              /* implemented priority bits, e.g. 0xE0 for 3 bits */
    uint8_t prio[NVIC_MAX_EXC];     /* programmed priorities (4..15 and IRQs) */
    bool enabled[NVIC_MAX_EXC];     /* IRQs only; system exceptions are always enabled */
    bool pending[NVIC_MAX_EXC];
    uint64_t pending_since[NVIC_MAX_EXC]; /* cycles: when it last became pending */
    bool active[NVIC_MAX_EXC];
    bool level[NVIC_MAX_EXC];       /* input line levels (external IRQs, exc lines) */
    int stack[NVIC_MAX_EXC];        /* active exceptions in the order they were entered */
    int depth;
    uint32_t vtor, prigroup, scr, ccr, shcsr, cfsr, hfsr, mmfar, bfar, cpacr, demcr;
};

static int num_exc(const Nvic *n) { return 16 + n->cfg.num_irq; }

static void pend(Nvic *n, int exc)
{
    n->pending[exc] = true;
    n->pending_since[exc] = n->cfg.now ? *n->cfg.now : 0;
}

static void changed(Nvic *n)
{
    if (n->cfg.notify)
        n->cfg.notify(n->cfg.opaque);
}

Nvic *nvic_new(const NvicConfig *cfg)
{
    Nvic *n = xcalloc(1, sizeof *n);
    n->cfg = *cfg;
    if (n->cfg.num_irq < 1 || n->cfg.num_irq > 240)
        n->cfg.num_irq = 32;
    if (n->cfg.prio_bits < 2 || n->cfg.prio_bits > 8)
        n->cfg.prio_bits = n->cfg.armv6m ? 2 : 3;
    n->prio_mask = (uint8_t)(0xFF << (8 - n->cfg.prio_bits));
    nvic_reset(n);
    return n;
}

void nvic_free(Nvic *n) { free(n); }

void nvic_reset(Nvic *n)
{
    memset(n->prio, 0, sizeof n->prio);
    memset(n->enabled, 0, sizeof n->enabled);
    memset(n->pending, 0, sizeof n->pending);
    memset(n->active, 0, sizeof n->active);
    n->depth = 0;
    n->vtor = n->prigroup = n->scr = n->shcsr = n->cfsr = n->hfsr = n->mmfar = n->bfar = n->cpacr = 0;
    n->demcr = 0;
    n->ccr = n->cfg.armv6m ? 0x208 : 0x200; /* STKALIGN (+ UNALIGN_TRP on v6-M) */
    for (int e = EXC_IRQ0; e < num_exc(n); e++)
        if (n->level[e])
            pend(n, e);
}

/* ---- priorities ---- */

int nvic_priority(const Nvic *n, int exc)
{
    switch (exc) {
    case EXC_RESET: return -3;
    case EXC_NMI: return -2;
    case EXC_HARDFAULT: return -1;
    default: return n->prio[exc];
    }
}

/* The group priority: the subpriority bits below PRIGROUP+1 do not preempt. */
static int group(const Nvic *n, int prio)
{
    if (prio < 0)
        return prio;
    return prio & ~((2 << n->prigroup) - 1) & 0xFF;
}

static bool is_enabled(const Nvic *n, int exc) { return exc < EXC_IRQ0 || n->enabled[exc]; }

int nvic_exec_priority(const Nvic *n, int primask, int basepri, int faultmask)
{
    int p = NVIC_PRIO_THREAD;
    for (int i = 0; i < n->depth; i++) {
        int g = group(n, nvic_priority(n, n->stack[i]));
        if (g < p)
            p = g;
    }
    if (!n->cfg.armv6m && (basepri & n->prio_mask)) {
        int g = group(n, basepri & n->prio_mask);
        if (g < p)
            p = g;
    }
    if (primask && p > 0)
        p = 0;
    if (faultmask && p > -1)
        p = -1;
    return p;
}

/* The most urgent pending, enabled exception (priority, then number), or 0. */
static int most_urgent_pending(const Nvic *n)
{
    int best = 0, best_prio = 0x1000;
    for (int e = EXC_NMI; e < num_exc(n); e++) {
        if (!n->pending[e] || !is_enabled(n, e))
            continue;
        int p = nvic_priority(n, e);
        if (p < best_prio) {
            best = e;
            best_prio = p;
        }
    }
    return best;
}

int nvic_pending_to_take(const Nvic *n, int exec_prio)
{
    int e = most_urgent_pending(n);
    return e && group(n, nvic_priority(n, e)) < exec_prio ? e : 0;
}

bool nvic_wakeup_pending(const Nvic *n) { return most_urgent_pending(n) != 0; }

/* ---- state changes ---- */

void nvic_set_pending(Nvic *n, int exc)
{
    if (exc <= 0 || exc >= num_exc(n) || n->pending[exc])
        return;
    pend(n, exc);
    changed(n);
}

void nvic_clear_pending(Nvic *n, int exc)
{
    if (exc > 0 && exc < num_exc(n))
        n->pending[exc] = false;
}

uint64_t nvic_pending_since(const Nvic *n, int exc)
{
    return exc > 0 && exc < num_exc(n) ? n->pending_since[exc] : 0;
}

bool nvic_is_pending(const Nvic *n, int exc) { return exc > 0 && exc < num_exc(n) && n->pending[exc]; }
bool nvic_is_active(const Nvic *n, int exc) { return exc > 0 && exc < num_exc(n) && n->active[exc]; }
int nvic_active_count(const Nvic *n) { return n->depth; }

void nvic_acknowledge(Nvic *n, int exc)
{
    n->pending[exc] = false;
    if (!n->active[exc]) {
        n->active[exc] = true;
        n->stack[n->depth++] = exc;
    }
}

int nvic_complete(Nvic *n, int exc)
{
    if (exc <= 0 || exc >= num_exc(n) || !n->active[exc])
        return -1;
    n->active[exc] = false;
    int j = 0;
    for (int i = 0; i < n->depth; i++)
        if (n->stack[i] != exc)
            n->stack[j++] = n->stack[i];
    n->depth = j;
    /* level-sensitive: still asserted, so pending again */
    if (exc >= EXC_IRQ0 && n->level[exc] && !n->pending[exc]) {
        pend(n, exc);
        changed(n);
    }
    return 0;
}

uint32_t nvic_vtor(const Nvic *n) { return n->vtor; }
void nvic_set_vtor(Nvic *n, uint32_t vtor) { n->vtor = vtor & ~0x7Fu; }
bool nvic_sleep_on_exit(const Nvic *n) { return (n->scr & SCR_SLEEPONEXIT) != 0; }

void nvic_record_fault(Nvic *n, uint32_t cfsr_bits, uint32_t hfsr_bits, uint32_t fault_addr)
{
    n->cfsr |= cfsr_bits;
    n->hfsr |= hfsr_bits;
    if (cfsr_bits & 0xFF00) { /* BusFault */
        n->bfar = fault_addr;
        n->cfsr |= CFSR_BFARVALID;
    } else if (cfsr_bits & 0x00FF) { /* MemManage */
        n->mmfar = fault_addr;
        n->cfsr |= CFSR_MMARVALID;
    }
}

/* ---- input lines ---- */

static void irq_line_set(void *opaque, int exc, int level)
{
    Nvic *n = opaque;
    bool rising = level && !n->level[exc];
    n->level[exc] = level != 0;
    if (exc >= EXC_IRQ0) {
        if (level && !n->active[exc])
            nvic_set_pending(n, exc);
    } else if (rising) {
        nvic_set_pending(n, exc);
    }
}

IrqLine nvic_irq_line(Nvic *n, int irq)
{
    if (irq < 0 || irq >= n->cfg.num_irq)
        return (IrqLine){0};
    return (IrqLine){.set = irq_line_set, .opaque = n, .num = EXC_IRQ0 + irq};
}

IrqLine nvic_exc_line(Nvic *n, int exc)
{
    if (exc < EXC_NMI || exc >= EXC_IRQ0)
        return (IrqLine){0};
    return (IrqLine){.set = irq_line_set, .opaque = n, .num = exc};
}

/* ---- registers ---- */

/* System handler priority byte k of SHPR1..3 is exception 4 + k. */
static bool shpr_valid(const Nvic *n, int exc)
{
    if (n->cfg.armv6m)
        return exc == EXC_SVCALL || exc == EXC_PENDSV || exc == EXC_SYSTICK;
    return exc == EXC_MEMMANAGE || exc == EXC_BUSFAULT || exc == EXC_USAGEFAULT || exc == EXC_SVCALL ||
           exc == EXC_DEBUGMON || exc == EXC_PENDSV || exc == EXC_SYSTICK;
}

static uint8_t prio_byte_read(const Nvic *n, uint32_t off)
{
    int exc = off >= IPR && off < IPR_END ? EXC_IRQ0 + (int)(off - IPR) : 4 + (int)(off - SHPR1);
    if (exc >= num_exc(n) || (exc < EXC_IRQ0 && !shpr_valid(n, exc)))
        return 0;
    return n->prio[exc];
}

static void prio_byte_write(Nvic *n, uint32_t off, uint8_t v)
{
    int exc = off >= IPR && off < IPR_END ? EXC_IRQ0 + (int)(off - IPR) : 4 + (int)(off - SHPR1);
    if (exc >= num_exc(n) || (exc < EXC_IRQ0 && !shpr_valid(n, exc)))
        return;
    n->prio[exc] = v & n->prio_mask;
    changed(n); /* a priority change can make a pending exception preempt */
}

static bool is_prio_byte(uint32_t off) { return (off >= IPR && off < IPR_END) || (off >= SHPR1 && off < SHPR3_END); }

static uint32_t bits32(const Nvic *n, const bool *v, uint32_t word)
{
    uint32_t r = 0;
    for (int i = 0; i < 32; i++) {
        int e = EXC_IRQ0 + (int)word * 32 + i;
        if (e < num_exc(n) && v[e])
            r |= 1u << i;
    }
    return r;
}

static uint32_t icsr_read(const Nvic *n)
{
    uint32_t r = 0;
    if (n->depth)
        r |= (uint32_t)n->stack[n->depth - 1];
    if (n->depth <= 1)
        r |= ICSR_RETTOBASE;
    int p = most_urgent_pending(n);
    r |= (uint32_t)p << 12;
    for (int e = EXC_IRQ0; e < num_exc(n); e++)
        if (n->pending[e])
            r |= ICSR_ISRPENDING;
    if (n->pending[EXC_NMI])
        r |= ICSR_NMIPENDSET;
    if (n->pending[EXC_PENDSV])
        r |= ICSR_PENDSVSET;
    if (n->pending[EXC_SYSTICK])
        r |= ICSR_PENDSTSET;
    return r;
}

static uint32_t read32(Nvic *n, uint32_t off)
{
    if (off >= ISER && off < IABR + 0x40) {
        uint32_t word = (off & 0x7F) / 4;
        switch (off & ~0x7Fu) {
        case ISER:
        case ICER: return bits32(n, n->enabled, word);
        case ISPR:
        case ICPR: return bits32(n, n->pending, word);
        case IABR: return n->cfg.armv6m ? 0 : bits32(n, n->active, word);
        }
    }
    switch (off) {
    case ICTR: return n->cfg.armv6m ? 0 : (uint32_t)(n->cfg.num_irq - 1) / 32;
    case CPUID: return n->cfg.cpuid;
    case ICSR: return icsr_read(n);
    case VTOR: return n->vtor;
    case AIRCR: return 0xFA050000u | (n->prigroup << 8);
    case SCR: return n->scr;
    case CCR: return n->ccr;
    case SHCSR: return n->cfg.armv6m ? 0 : n->shcsr;
    case CFSR: return n->cfsr;
    case HFSR: return n->hfsr;
    case DFSR: return 0;
    case MMFAR: return n->mmfar;
    case BFAR: return n->bfar;
    case AFSR: return 0;
    case CPACR: return n->cpacr;
    case MPU_TYPE: return 0;
    case DEMCR: return n->demcr;
    case STIR: return 0;
    }
    if (off >= 0xD40 && off < 0xD80) /* ID_PFR0.. feature registers */
        return 0;
    log_guest("NVIC/SCB: read of unknown register 0xE000E%03X", off);
    return 0;
}

static void set_bits(Nvic *n, bool *v, uint32_t word, uint32_t bits, bool value)
{
    for (int i = 0; i < 32; i++) {
        int e = EXC_IRQ0 + (int)word * 32 + i;
        if ((bits >> i & 1) && e < num_exc(n))
            v[e] = value;
    }
}

static void write32(Nvic *n, uint32_t off, uint32_t v)
{
    if (off >= ISER && off < IABR) {
        uint32_t word = (off & 0x7F) / 4;
        switch (off & ~0x7Fu) {
        case ISER: set_bits(n, n->enabled, word, v, true); break;
        case ICER: set_bits(n, n->enabled, word, v, false); break;
        case ISPR: /* through pend(), so the pending time is stamped */
            for (int i = 0; i < 32; i++) {
                int e = EXC_IRQ0 + (int)word * 32 + i;
                if ((v >> i & 1) && e < num_exc(n) && !n->pending[e])
                    pend(n, e);
            }
            break;
        case ICPR: set_bits(n, n->pending, word, v, false); break;
        }
        changed(n);
        return;
    }
    switch (off) {
    case ICSR:
        if (v & ICSR_NMIPENDSET)
            nvic_set_pending(n, EXC_NMI);
        if (v & ICSR_PENDSVSET)
            nvic_set_pending(n, EXC_PENDSV);
        else if (v & ICSR_PENDSVCLR)
            nvic_clear_pending(n, EXC_PENDSV);
        if (v & ICSR_PENDSTSET)
            nvic_set_pending(n, EXC_SYSTICK);
        else if (v & ICSR_PENDSTCLR)
            nvic_clear_pending(n, EXC_SYSTICK);
        return;
    case VTOR:
        if (n->cfg.cpuid == 0x410CC200) { /* the Cortex-M0 has no VTOR */
            log_guest("SCB: write to VTOR on a Cortex-M0 (it has none)");
            return;
        }
        nvic_set_vtor(n, v);
        return;
    case AIRCR:
        if ((v >> 16) != AIRCR_VECTKEY) {
            log_guest("SCB: AIRCR write 0x%08x without the VECTKEY 0x05FA: ignored", v);
            return;
        }
        if (!n->cfg.armv6m) {
            n->prigroup = (v >> 8) & 7;
            changed(n);
        }
        if ((v & AIRCR_SYSRESETREQ) && n->cfg.sysreset)
            n->cfg.sysreset(n->cfg.opaque);
        return;
    case SCR: n->scr = v & 0x16; return;
    case CCR:
        if (!n->cfg.armv6m)
            n->ccr = (v & 0x31B) | 0x200;
        return;
    case SHCSR: n->shcsr = v; return;
    case CFSR: n->cfsr &= ~v; return; /* write one to clear */
    case HFSR: n->hfsr &= ~v; return;
    case MMFAR: n->mmfar = v; return;
    case BFAR: n->bfar = v; return;
    case CPACR: n->cpacr = v; return;
    case DEMCR: n->demcr = v; return;
    case STIR:
        if (!n->cfg.armv6m && (v & 0x1FF) < (uint32_t)n->cfg.num_irq)
            nvic_set_pending(n, EXC_IRQ0 + (int)(v & 0x1FF));
        return;
    case CPUID:
    case ICTR:
    case DFSR:
    case AFSR:
    case MPU_TYPE:
        log_guest("NVIC/SCB: write to read-only register 0xE000E%03X", off);
        return;
    }
    log_guest("NVIC/SCB: write of 0x%x to unknown register 0xE000E%03X", v, off);
}

uint32_t nvic_read(Nvic *n, uint32_t offset, unsigned size)
{
    if (is_prio_byte(offset) && !n->cfg.armv6m) {
        uint32_t r = 0;
        for (unsigned i = 0; i < size; i++)
            r |= (uint32_t)prio_byte_read(n, offset + i) << (8 * i);
        return r;
    }
    uint32_t w = is_prio_byte(offset & ~3u) ? (uint32_t)prio_byte_read(n, offset & ~3u) |
                                                  (uint32_t)prio_byte_read(n, (offset & ~3u) + 1) << 8 |
                                                  (uint32_t)prio_byte_read(n, (offset & ~3u) + 2) << 16 |
                                                  (uint32_t)prio_byte_read(n, (offset & ~3u) + 3) << 24
                                            : read32(n, offset & ~3u);
    w >>= 8 * (offset & 3);
    return size == 4 ? w : w & ((1u << (8 * size)) - 1);
}

void nvic_write(Nvic *n, uint32_t offset, uint32_t value, unsigned size)
{
    if (is_prio_byte(offset)) {
        if (n->cfg.armv6m && size != 4) {
            log_guest("NVIC: %u-byte priority write on ARMv6-M (word accesses only): ignored", size);
            return;
        }
        for (unsigned i = 0; i < size; i++)
            prio_byte_write(n, offset + i, (uint8_t)(value >> (8 * i)));
        return;
    }
    if (size != 4 || (offset & 3)) {
        /* sub-word writes to the set/clear registers: the other bytes write zeros */
        value <<= 8 * (offset & 3);
        offset &= ~3u;
    }
    write32(n, offset, value);
}

/* ---- the device class: the core's exception model in the registry ---- */

static void *create(const DeviceConfig *cfg, char **err)
{
    if (cfg->core.num_irq > NVIC_MAX_EXC - EXC_IRQ0) {
        set_err(err, "%d external interrupts: this NVIC implements at most %d", cfg->core.num_irq,
                NVIC_MAX_EXC - EXC_IRQ0);
        return NULL;
    }
    NvicConfig nc = {
        .armv6m = cfg->core.armv6m,
        .num_irq = cfg->core.num_irq,
        .prio_bits = cfg->core.prio_bits,
        .cpuid = cfg->core.cpuid,
        .notify = cfg->core.notify,
        .sysreset = cfg->core.sysreset,
        .opaque = cfg->core.opaque,
        .now = cfg->sched ? &cfg->sched->now : NULL,
    };
    return nvic_new(&nc);
}

static void destroy(void *dev) { nvic_free(dev); }
static void reset(void *dev) { nvic_reset(dev); }
static uint32_t read(void *dev, uint32_t off, unsigned size) { return nvic_read(dev, off, size); }
static void write(void *dev, uint32_t off, uint32_t v, unsigned size) { nvic_write(dev, off, v, size); }
static IrqLine irq_input(void *dev, int n) { return nvic_irq_line(dev, n); }
static IrqLine exc_line(void *dev, int exc) { return nvic_exc_line(dev, exc); }

const DeviceClass nvic_class = {
    .type = "nvic",
    .desc = "Cortex-M NVIC + SCB, the System Control Space (ARMv7-M ARM B3.2, B3.4); the core's exceptions; "
            "irq inputs [0, nvic.num_irq)",
    .size = 0x1000,
    .roles = DEVICE_ROLE_INTC | DEVICE_ROLE_EXC_MODEL,
    .default_base = 0xE000E000u,
    .create = create,
    .destroy = destroy,
    .reset = reset,
    .read = read,
    .write = write,
    .irq_input = irq_input,
    .exc_line = exc_line,
};
