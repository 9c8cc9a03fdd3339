/* cortexm.c: Cortex-M0/M0+/M3/M4 on Unicorn: reset from the vector table, exception
 * entry/exit/tail-chaining done on the host at block boundaries (Unicorn has no
 * NVIC), SVC, semihosting BKPT, WFI/WFE, fault delivery (ARMv7-M ARM B1.5) and the
 * alignment faults Unicorn 2.0.1 does not raise (LDRD/STRD, LDM/STM, VLDR/VSTR,
 * VLDM/VSTM at an address that is not word aligned: UsageFault UNALIGNED, A3.2.1).
 * Not modelled: FP context stacking (no lazy FP frames are ever created), the MPU,
 * configurable fault handlers (MemManage/BusFault/UsageFault always escalate to
 * HardFault), late-arrival preemption, CCR.UNALIGN_TRP (unaligned LDR/STR/LDRH/STRH
 * never fault, on ARMv6-M either). */
#include "config.h"

#include <string.h>

#include "cpu/cpu_internal.h"
#include "devices/nvic.h"

/* QEMU's EXCP_* numbers as Unicorn reports them in UC_HOOK_INTR. */
enum {
    EXCP_UDEF = 1,
    EXCP_SWI = 2,
    EXCP_PREFETCH_ABORT = 3,
    EXCP_DATA_ABORT = 4,
    EXCP_BKPT = 7,
    EXCP_EXCEPTION_EXIT = 8,
    EXCP_NOCP = 17,
    EXCP_INVSTATE = 18,
};

#define XPSR_ALIGN (1u << 9) /* stacked xPSR: the frame was padded by 4 bytes */
#define XPSR_T (1u << 24)
#define CONTROL_SPSEL 2u

/* CFSR / HFSR bits (B3.2.15, B3.2.16) for nvic_record_fault. */
#define CFSR_IACCVIOL (1u << 0)
#define CFSR_PRECISERR (1u << 9)
#define CFSR_UNDEFINSTR (1u << 16)
#define CFSR_INVSTATE (1u << 17)
#define CFSR_INVPC (1u << 18)
#define CFSR_NOCP (1u << 19)
#define CFSR_UNALIGNED (1u << 24)
#define HFSR_FORCED (1u << 30)

static const char *exc_name(int exc)
{
    static const char *const names[16] = {
        [EXC_NMI] = "NMI", [EXC_HARDFAULT] = "HardFault", [EXC_MEMMANAGE] = "MemManage",
        [EXC_BUSFAULT] = "BusFault", [EXC_USAGEFAULT] = "UsageFault", [EXC_SVCALL] = "SVCall",
        [EXC_DEBUGMON] = "DebugMonitor", [EXC_PENDSV] = "PendSV", [EXC_SYSTICK] = "SysTick",
    };
    return exc < 16 && names[exc] ? names[exc] : "IRQ";
}

static int cortexm_setup(Cpu *c, char **err)
{
    int model;
    switch (c->core) {
    case CORE_CORTEX_M0:
    case CORE_CORTEX_M0PLUS: /* Unicorn has no M0+: the M0 has the same ISA (ARMv6-M) */
        model = UC_CPU_ARM_CORTEX_M0;
        break;
    case CORE_CORTEX_M3:
        model = UC_CPU_ARM_CORTEX_M3;
        break;
    default:
        model = UC_CPU_ARM_CORTEX_M4;
        break;
    }
    /* Not UC_MODE_MCLASS: that silently gives a Cortex-M33 (UNICORN-NOTES.md). */
    uc_err e = uc_ctl_set_cpu_model(c->uc, model);
    if (e != UC_ERR_OK) {
        set_err(err, "Unicorn: cannot select %s: %s", core_name(c->core), uc_strerror(e));
        return -1;
    }
    if (!c->nvic) {
        set_err(err, "a Cortex-M core needs an NVIC");
        return -1;
    }
    return 0;
}

static int cortexm_reset(Cpu *c, char **err)
{
    bool ok1, ok2;
    uint32_t sp = cpu_read_u32(c, c->boot_addr, &ok1);
    uint32_t pc = cpu_read_u32(c, c->boot_addr + 4, &ok2);
    if (!ok1 || !ok2) {
        set_err(err, "cannot read the vector table at 0x%08x", c->boot_addr);
        return -1;
    }
    if (!(pc & 1))
        log_warn("reset vector 0x%08x has the Thumb bit clear: the core would lock up", pc);
    nvic_reset(c->nvic);
    nvic_set_vtor(c->nvic, c->boot_addr);
    reg_set(c, UC_ARM_REG_CONTROL, 0);
    reg_set(c, UC_ARM_REG_MSP, sp & ~3u);
    reg_set(c, UC_ARM_REG_PRIMASK, 0);
    reg_set(c, UC_ARM_REG_LR, 0xFFFFFFFFu);
    reg_set(c, UC_ARM_REG_PC, pc | 1);
    return 0;
}

static void masks(Cpu *c, int *primask, int *basepri, int *faultmask)
{
    *primask = reg_get(c, UC_ARM_REG_PRIMASK) & 1;
    if (core_is_armv6m(c->core)) {
        *basepri = 0;
        *faultmask = 0;
    } else {
        *basepri = reg_get(c, UC_ARM_REG_BASEPRI) & 0xff;
        *faultmask = reg_get(c, UC_ARM_REG_FAULTMASK) & 1;
    }
}

static int exec_priority(Cpu *c)
{
    int pm, bp, fm;
    masks(c, &pm, &bp, &fm);
    return nvic_exec_priority(c->nvic, pm, bp, fm);
}

/* Exception entry (B1.5.6 PushStack + ExceptionTaken). ret_pc is the address to
 * return to. Returns false when the run stops (stacking fault, bad vector). */
/* Interrupts (as opposed to faults and SVC): their latency is recorded. */
static bool is_async(int exc) { return exc == EXC_NMI || exc == EXC_PENDSV || exc >= EXC_SYSTICK; }

static bool exc_enter(Cpu *c, int exc, uint32_t ret_pc)
{
    uint32_t xpsr = reg_get(c, UC_ARM_REG_XPSR);
    uint32_t control = reg_get(c, UC_ARM_REG_CONTROL);
    bool thread = (xpsr & 0x1ff) == 0;
    bool on_psp = thread && (control & CONTROL_SPSEL);
    uint32_t sp = reg_get(c, UC_ARM_REG_SP);
    bool pad = (sp & 4) != 0; /* keep the frame 8-byte aligned (CCR.STKALIGN = 1) */
    uint32_t frame_sp = (sp - 32) & ~(pad ? 4u : 0u);
    uint32_t frame[8] = {
        reg_get(c, UC_ARM_REG_R0), reg_get(c, UC_ARM_REG_R1), reg_get(c, UC_ARM_REG_R2),
        reg_get(c, UC_ARM_REG_R3), reg_get(c, UC_ARM_REG_R12), reg_get(c, UC_ARM_REG_LR),
        ret_pc & ~1u, (xpsr & ~XPSR_ALIGN) | (pad ? XPSR_ALIGN : 0),
    };
    if (cpu_check_stack_write(c, ret_pc, frame_sp, sizeof frame) < 0)
        return false;
    uc_mem_write(c->uc, frame_sp, frame, sizeof frame);

    uint32_t vtor = nvic_vtor(c->nvic);
    bool ok;
    uint32_t handler = cpu_read_u32(c, vtor + 4u * (uint32_t)exc, &ok);
    if (!ok || !(handler & 1)) {
        cpu_stop_now(c, STOP_HARDFAULT, ret_pc,
                     "lockup: vector for %s (exception %d) at 0x%08x is %s", exc_name(exc), exc,
                     vtor + 4u * (uint32_t)exc, ok ? "not a Thumb address" : "unreadable");
        return false;
    }

    if (on_psp) {
        reg_set(c, UC_ARM_REG_PSP, frame_sp);
        reg_set(c, UC_ARM_REG_CONTROL, control & ~CONTROL_SPSEL); /* thread mode: SP becomes MSP */
    } else {
        reg_set(c, UC_ARM_REG_SP, frame_sp);
    }
    reg_set(c, UC_ARM_REG_LR, !thread ? 0xFFFFFFF1u : on_psp ? 0xFFFFFFFDu : 0xFFFFFFF9u);
    /* IPSR = exc puts the core in handler mode; rewriting APSR_NZCV makes Unicorn
     * rebuild its cached mode flags (Unicorn #1940). */
    reg_set(c, UC_ARM_REG_XPSR, (xpsr & 0xF8000000u) | XPSR_T | (uint32_t)exc);
    reg_set(c, UC_ARM_REG_APSR_NZCV, xpsr);
    reg_set(c, UC_ARM_REG_PC, handler | 1);
    uint64_t since = nvic_pending_since(c->nvic, exc);
    nvic_acknowledge(c->nvic, exc);
    c->sched->now += c->lat.entry;
    cpu_sp_changed(c);
    cpu_exception_entered(c, ret_pc, is_async(exc) ? exc : -1, since);
    if (exc >= EXC_HARDFAULT && exc <= EXC_USAGEFAULT) /* a fault: ret_pc is the instruction that did not run */
        c->shadow[c->nshadow - 1].interrupted = true;
    return true;
}

/* A fault the firmware should see as HardFault (with --keep-going), or a stop. */
static bool take_hardfault(Cpu *c, uint32_t ret_pc, const char *why)
{
    int cur = reg_get(c, UC_ARM_REG_IPSR) & 0x1ff;
    if (!c->keep_going) {
        cpu_stop_now(c, STOP_HARDFAULT, ret_pc, "HardFault: %s", why);
        return false;
    }
    if (cur == EXC_HARDFAULT || cur == EXC_NMI) {
        cpu_stop_now(c, STOP_HARDFAULT, ret_pc, "lockup: %s inside the %s handler", why, exc_name(cur));
        return false;
    }
    nvic_set_pending(c->nvic, EXC_HARDFAULT);
    return exc_enter(c, EXC_HARDFAULT, ret_pc);
}

static bool cortexm_check_irq(Cpu *c, uint32_t pc)
{
    int exc = nvic_pending_to_take(c->nvic, exec_priority(c));
    if (!exc)
        return false;
    exc_enter(c, exc, pc);
    return true;
}

static bool cortexm_wake_pending(Cpu *c) { return nvic_wakeup_pending(c->nvic); }

static bool cortexm_is_wfi(Cpu *c, uint32_t pc)
{
    bool ok1, ok2;
    uint16_t h = cpu_read_u16(c, pc - 2, &ok1);
    uint32_t w = cpu_read_u32(c, pc - 4, &ok2);
    return (ok1 && h == 0xBF30) || (ok2 && w == 0x8003F3AFu);
}

/* Exception return (B1.5.8): `bx lr` & co to an EXC_RETURN value arrive here. */
static void exc_return(Cpu *c)
{
    uint32_t excret = reg_get(c, UC_ARM_REG_PC) | 1;
    int exc = reg_get(c, UC_ARM_REG_IPSR) & 0x1ff;
    uint32_t kind = excret & 0xF;
    bool valid = (excret | 0x10) == 0xFFFFFFF1u || (excret | 0x10) == 0xFFFFFFF9u || (excret | 0x10) == 0xFFFFFFFDu;
    if (!valid || nvic_complete(c->nvic, exc) < 0 || (kind == 1 && nvic_active_count(c->nvic) == 0) ||
        (kind != 1 && nvic_active_count(c->nvic) != 0)) {
        nvic_record_fault(c->nvic, CFSR_INVPC, HFSR_FORCED, 0);
        uint32_t lr = reg_get(c, UC_ARM_REG_LR);
        char why[96];
        snprintf(why, sizeof why, "illegal exception return 0x%08x from %s (exception %d)", excret, exc_name(exc),
                 exc);
        take_hardfault(c, lr, why);
        return;
    }
    bool to_thread = kind != 1;
    bool use_psp = kind == 0xD;

    /* Tail-chaining: another exception can run now, without unstacking. */
    int next = nvic_pending_to_take(c->nvic, exec_priority(c));
    if (next) {
        uint32_t vtor = nvic_vtor(c->nvic);
        bool ok;
        uint32_t handler = cpu_read_u32(c, vtor + 4u * (uint32_t)next, &ok);
        if (ok && (handler & 1)) {
            uint32_t xpsr = reg_get(c, UC_ARM_REG_XPSR);
            reg_set(c, UC_ARM_REG_XPSR, (xpsr & 0xF8000000u) | XPSR_T | (uint32_t)next);
            reg_set(c, UC_ARM_REG_APSR_NZCV, xpsr);
            reg_set(c, UC_ARM_REG_LR, excret);
            reg_set(c, UC_ARM_REG_PC, handler | 1);
            uint64_t since = nvic_pending_since(c->nvic, next);
            nvic_acknowledge(c->nvic, next);
            c->sched->now += c->lat.tail_chain;
            cpu_irq_entered(c, is_async(next) ? next : -1, since);
            return;
        }
    }

    uint32_t sp = use_psp ? reg_get(c, UC_ARM_REG_PSP) : reg_get(c, UC_ARM_REG_MSP);
    uint32_t frame[8];
    if (uc_mem_read(c->uc, sp, frame, sizeof frame) != UC_ERR_OK) {
        cpu_stop_now(c, STOP_HARDFAULT, excret, "unstacking from 0x%08x failed on exception return", sp);
        return;
    }
    uint32_t xpsr = frame[7];
    sp += 32 + ((xpsr & XPSR_ALIGN) ? 4 : 0);
    reg_set(c, UC_ARM_REG_R0, frame[0]);
    reg_set(c, UC_ARM_REG_R1, frame[1]);
    reg_set(c, UC_ARM_REG_R2, frame[2]);
    reg_set(c, UC_ARM_REG_R3, frame[3]);
    reg_set(c, UC_ARM_REG_R12, frame[4]);
    reg_set(c, UC_ARM_REG_LR, frame[5]);
    reg_set(c, use_psp ? UC_ARM_REG_PSP : UC_ARM_REG_MSP, sp);
    cpu_sp_changed(c);
    /* Back to the stacked IPSR (thread mode when 0), then select PSP (only
     * possible in thread mode), then rebuild the cached flags. */
    reg_set(c, UC_ARM_REG_XPSR, (xpsr & ~XPSR_ALIGN) | XPSR_T);
    if (use_psp)
        reg_set(c, UC_ARM_REG_CONTROL, reg_get(c, UC_ARM_REG_CONTROL) | CONTROL_SPSEL);
    reg_set(c, UC_ARM_REG_APSR_NZCV, xpsr);
    reg_set(c, UC_ARM_REG_PC, frame[6] | 1);
    c->sched->now += c->lat.exit;
    /* Priority dropped: a masked-by-priority interrupt may now run. */
    cpu_request_irq_check(c);
    if (to_thread && nvic_sleep_on_exit(c->nvic) && !nvic_wakeup_pending(c->nvic)) {
        if (!cpu_sleep(c))
            return;
    }
}

static void semihost_bkpt(Cpu *c, uint32_t pc)
{
    if (!c->semihost) {
        take_hardfault(c, pc, "BKPT 0xAB (semihosting) with no debugger attached");
        return;
    }
    uint32_t result = 0;
    int r = c->semihost(c->semihost_opaque, reg_get(c, UC_ARM_REG_R0), reg_get(c, UC_ARM_REG_R1), &result);
    if (r == 1) {
        cpu_request_stop(c, STOP_EXIT, (int)result);
        c->stop.pc = pc;
        return;
    }
    if (c->stopping)
        return; /* the call's write faulted (cpu_mem_write); a PC write would cancel the stop */
    reg_set(c, UC_ARM_REG_R0, result);
    reg_set(c, UC_ARM_REG_PC, (pc + 2) | 1);
}

/* ---- alignment ----------------------------------------------------------- */

/* An access at ea by the instruction at pc that had to be aligned: UsageFault
 * UNALIGNED, escalated to HardFault (ARMv6-M: a HardFault). */
static void unaligned_fault(Cpu *c, uint32_t pc, const char *what, unsigned span, uint32_t ea, bool store)
{
    char why[160];
    nvic_record_fault(c->nvic, CFSR_UNALIGNED, HFSR_FORCED, 0);
    snprintf(why, sizeof why, "%s%u-byte %s at 0x%08x is not %s-aligned",
             core_is_armv6m(c->core) ? "" : "escalated UsageFault (UNALIGNED): ", span, what, ea,
             span == 2 ? "halfword" : "word");
    if (!take_hardfault(c, pc, why) && c->stopping) {
        c->stop.addr = ea;
        c->stop.size = span;
        c->stop.access = store ? 'w' : 'r';
    }
}

/* Register reg (decoder number) plus offset, now. */
static uint32_t reg_plus(Cpu *c, int reg, int32_t offset) { return reg_get(c, c->ops->gpr[reg]) + (uint32_t)offset; }

/* The code hook on an access the block's start could not check: the registers are
 * those the instruction sees (it runs only if its condition passed). */
static void align_hook(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    AlignSite *site = ud;
    const AlignCheck *ck = &site->ck;
    uint32_t ea = reg_plus(site->cpu, ck->base, ck->disp);
    if (ea & 3)
        unaligned_fault(site->cpu, ck->pc, ck->name, ck->span, ea, ck->store);
}

static size_t align_slot(uint32_t addr, size_t mask) { return ((addr >> 1) * 0x9E3779B1u) & mask; }

static inline AlignBlock *align_find(Cpu *c, uint32_t addr, uint32_t size)
{
    size_t j = align_slot(addr, c->align_mask);
    for (;; j = (j + 1) & c->align_mask) {
        AlignBlock *b = &c->align[j];
        if ((b->addr == addr && b->size == size) || (!b->addr && !b->size))
            return b;
    }
}

static void align_grow(Cpu *c)
{
    AlignBlock *old = c->align;
    size_t cap = old ? c->align_mask + 1 : 0;
    c->align_mask = (cap ? cap * 2 : 256) - 1;
    c->align = xcalloc(c->align_mask + 1, sizeof *c->align);
    for (size_t i = 0; i < cap; i++)
        if (old[i].addr || old[i].size)
            *align_find(c, old[i].addr, old[i].size) = old[i];
    free(old);
}

/* A block's accesses, decoded the first time it runs (b: its empty slot); literal
 * pools read then. */
static BG_NOINLINE void align_block_new(Cpu *c, AlignBlock *b, uint32_t addr, uint32_t size)
{
    uint8_t code[1024];
    uint32_t n = size < sizeof code ? size : sizeof code;
    AlignCheck ck[64];
    size_t nck = cpu_mem_read(c, addr, code, n) == 0 ? cost_align_checks(c->cost, addr, code, n, ck, 64) : 0;
    *b = (AlignBlock){.addr = addr, .size = size, .sites = xcalloc(nck + 1, sizeof *b->sites)};
    c->align_count++;
    for (size_t i = 0; i < nck; i++) {
        bool ok;
        if (ck[i].origin == ALIGN_LITERAL) {
            ck[i].offset += (int32_t)cpu_read_u32(c, ck[i].literal, &ok);
            ck[i].origin = ok ? ALIGN_CONST : ALIGN_UNKNOWN;
        }
        /* SP + 4n and aligned constants never fault (SP[1:0] are zero on Cortex-M) */
        if ((ck[i].origin == 13 || ck[i].origin == ALIGN_CONST) && !(ck[i].offset & 3))
            continue;
        b->sites[b->nsites++] = (AlignSite){.cpu = c, .ck = ck[i]};
    }
}

static inline AlignBlock *align_block(Cpu *c, uint32_t addr, uint32_t size)
{
    if (BG_UNLIKELY(!c->align || (c->align_count + 1) * 2 > c->align_mask + 1))
        align_grow(c);
    AlignBlock *b = align_find(c, addr, size);
    if (BG_UNLIKELY(!b->addr && !b->size))
        align_block_new(c, b, addr, size);
    return b;
}

/* Check what can be checked from the registers at the block's start; an access that
 * cannot, or that is not aligned (its fault comes when it runs, after the
 * instructions before it), gets a code hook, and the block is translated again. */
static BG_NOINLINE bool align_hook_add(Cpu *c, AlignSite *site)
{
    uc_hook h;
    if (uc_hook_add(c->uc, &h, UC_HOOK_CODE, align_hook, site, site->ck.pc, site->ck.pc) != UC_ERR_OK) {
        cpu_stop_now(c, STOP_INTERNAL, site->ck.pc, "Unicorn: cannot hook the %s at 0x%08x", site->ck.name,
                     site->ck.pc);
        return false;
    }
    site->hooked = true;
    return true;
}

static int cortexm_check_block(Cpu *c, uint32_t addr, uint32_t size)
{
    AlignBlock *b = align_block(c, addr, size);
    bool hook = false, at_start = false;
    for (uint32_t i = 0; i < b->nsites; i++) {
        AlignSite *site = &b->sites[i];
        const AlignCheck *ck = &site->ck;
        if (site->hooked)
            continue;
        bool known = ck->origin >= 0 || ck->origin == ALIGN_CONST;
        uint32_t ea = ck->origin >= 0 ? reg_plus(c, ck->origin, ck->offset) : (uint32_t)ck->offset;
        if (known && !(ea & 3)) {
            at_start = at_start || ck->origin >= 0;
            continue;
        }
        if (!align_hook_add(c, site))
            return BLOCK_CHECK_STOP;
        hook = true;
    }
    if (hook) {
        cpu_retranslate(c, addr, size);
        return BLOCK_CHECK_STOP;
    }
    return at_start ? BLOCK_CHECK_AGAIN : BLOCK_CHECK_NEVER;
}

/* Unicorn raises a data abort for an unaligned LDREX/LDREXH (QEMU's exclusive loads
 * require alignment): true, with the fault taken, when that is what the instruction
 * at pc was. */
static bool exclusive_unaligned(Cpu *c, uint32_t pc)
{
    bool ok1, ok2;
    uint16_t h1 = cpu_read_u16(c, pc, &ok1), h2 = cpu_read_u16(c, pc + 2, &ok2);
    unsigned span = 0;
    uint32_t off = 0;
    if (ok1 && ok2 && (h1 & 0xFFF0) == 0xE850) { /* LDREX Rt, [Rn, #imm8 << 2] */
        span = 4;
        off = (h2 & 0xFFu) << 2;
    } else if (ok1 && ok2 && (h1 & 0xFFF0) == 0xE8D0 && ((h2 >> 4) & 0xF) == 5) { /* LDREXH Rt, [Rn] */
        span = 2;
    }
    if (!span)
        return false;
    uint32_t ea = reg_plus(c, h1 & 15, (int32_t)off);
    if (!(ea & (span - 1)))
        return false;
    unaligned_fault(c, pc, span == 4 ? "LDREX" : "LDREXH", span, ea, false);
    return true;
}

static void cortexm_hook_intr(Cpu *c, uint32_t intno)
{
    uint32_t pc = reg_get(c, UC_ARM_REG_PC) & ~1u;
    switch (intno) {
    case EXCP_EXCEPTION_EXIT:
        exc_return(c);
        return;
    case EXCP_SWI: { /* PC is already past the SVC */
        nvic_set_pending(c->nvic, EXC_SVCALL);
        int prio = exec_priority(c);
        if (nvic_pending_to_take(c->nvic, prio) == EXC_SVCALL) {
            exc_enter(c, EXC_SVCALL, pc);
        } else {
            nvic_clear_pending(c->nvic, EXC_SVCALL);
            nvic_record_fault(c->nvic, 0, HFSR_FORCED, 0);
            take_hardfault(c, pc - 2, "SVC executed where SVCall cannot run (priority or masking)");
        }
        return;
    }
    case EXCP_BKPT: { /* PC is at the BKPT */
        bool ok;
        uint16_t insn = cpu_read_u16(c, pc, &ok);
        if (ok && insn == 0xBEAB)
            semihost_bkpt(c, pc);
        else
            take_hardfault(c, pc, "BKPT with no debugger attached");
        return;
    }
    case EXCP_UDEF:
        nvic_record_fault(c->nvic, CFSR_UNDEFINSTR, HFSR_FORCED, 0);
        cpu_stop_now(c, STOP_BAD_INSN, pc, "undefined instruction at 0x%08x", pc);
        return;
    case EXCP_NOCP:
        nvic_record_fault(c->nvic, CFSR_NOCP, HFSR_FORCED, 0);
        cpu_stop_now(c, STOP_BAD_INSN, pc, "coprocessor (FPU) instruction at 0x%08x with the coprocessor disabled",
                     pc);
        return;
    case EXCP_INVSTATE:
        nvic_record_fault(c->nvic, CFSR_INVSTATE, HFSR_FORCED, 0);
        cpu_stop_now(c, STOP_HARDFAULT, pc, "UsageFault INVSTATE: branch to an ARM-state (even) address near 0x%08x",
                     pc);
        return;
    case EXCP_PREFETCH_ABORT: /* Unicorn cannot run code from a device or unimplemented region */
        if (!c->stopping)
            cpu_stop_access(c, pc, pc, 2, 'x', false);
        return;
    case EXCP_DATA_ABORT:
        if (!c->stopping && exclusive_unaligned(c, pc))
            return;
        if (!c->stopping)
            cpu_stop_now(c, STOP_HARDFAULT, pc, "%s abort at 0x%08x", intno == EXCP_DATA_ABORT ? "data" : "prefetch",
                         pc);
        return;
    default:
        cpu_stop_now(c, STOP_HARDFAULT, pc, "unexpected CPU exception %u at 0x%08x", intno, pc);
        return;
    }
}

static bool cortexm_insn_invalid(Cpu *c, uint32_t pc)
{
    bool ok;
    uint16_t prev = cpu_read_u16(c, pc - 2, &ok);
    if (ok && (prev == 0xBF20 || prev == 0xBF10 || prev == 0xBF40)) {
        /* WFE / YIELD / SEV: Unicorn stops with PC already past them. WFE with
         * nothing pending sleeps like WFI (the event register is not modelled). */
        if (prev == 0xBF20 && !cpu_sleep(c))
            return false;
        reg_set(c, UC_ARM_REG_PC, pc | 1);
        return true;
    }
    nvic_record_fault(c->nvic, CFSR_UNDEFINSTR, HFSR_FORCED, 0);
    return false;
}

static bool cortexm_deliver_fault(Cpu *c)
{
    CpuStop s = c->stop;
    uint32_t cfsr = s.reason == STOP_BAD_INSN ? CFSR_UNDEFINSTR : s.access == 'x' ? CFSR_IACCVIOL : CFSR_PRECISERR;
    nvic_record_fault(c->nvic, cfsr, HFSR_FORCED, s.addr);
    c->stopping = false;
    char why[200];
    snprintf(why, sizeof why, "%s", s.detail);
    if (take_hardfault(c, s.pc, why))
        return true;
    return false;
}

/* Instructions that can unmask interrupts: CPSIE i/f, MSR PRIMASK/BASEPRI/
 * BASEPRI_MAX/FAULTMASK. Every halfword is looked at; a match in data costs a
 * hook that never fires. */
static void cortexm_scan_code(Cpu *c, uint32_t addr, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i + 2 <= len; i += 2) {
        uint16_t h = (uint16_t)(data[i] | data[i + 1] << 8);
        if (h == 0xB662 || h == 0xB661) {
            cpu_note_unmask(c, addr + (uint32_t)i);
        } else if ((h & 0xFFF0) == 0xF380 && i + 4 <= len) {
            uint16_t h2 = (uint16_t)(data[i + 2] | data[i + 3] << 8);
            uint8_t sysm = h2 & 0xff;
            if ((h2 & 0xFF00) == 0x8800 && sysm >= 0x10 && sysm <= 0x13)
                cpu_note_unmask(c, addr + (uint32_t)i);
        }
    }
}

/* Decoder register numbers r0-r15 (cost.c) to Unicorn's ids. */
static const int arm_gpr[16] = {UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3, UC_ARM_REG_R4,
                                UC_ARM_REG_R5, UC_ARM_REG_R6, UC_ARM_REG_R7, UC_ARM_REG_R8, UC_ARM_REG_R9,
                                UC_ARM_REG_R10, UC_ARM_REG_R11, UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR,
                                UC_ARM_REG_PC};

/* ---- the debugger's view: GDB's M-profile target description features (the
 * registers it knows by name), numbered in this order ---- */

#define M_PROFILE "org.gnu.gdb.arm.m-profile"
#define M_SYSTEM "org.gnu.gdb.arm.m-system"
#define CORE_REG(name, type, id) {.info = {name, M_PROFILE, type, NULL, 32}, .uc_id = id}
#define SYS_REG(name, type, id, pred) {.info = {name, M_SYSTEM, type, "system", 32}, .uc_id = id, .present = pred}
enum { DEBUG_XPSR = 1 };

/* BASEPRI and FAULTMASK exist from ARMv7-M on. */
static bool has_basepri(CoreModel core) { return !core_is_armv6m(core); }

static const CpuDebugReg arm_debug_regs[] = {
    CORE_REG("r0", "int", UC_ARM_REG_R0), CORE_REG("r1", "int", UC_ARM_REG_R1),
    CORE_REG("r2", "int", UC_ARM_REG_R2), CORE_REG("r3", "int", UC_ARM_REG_R3),
    CORE_REG("r4", "int", UC_ARM_REG_R4), CORE_REG("r5", "int", UC_ARM_REG_R5),
    CORE_REG("r6", "int", UC_ARM_REG_R6), CORE_REG("r7", "int", UC_ARM_REG_R7),
    CORE_REG("r8", "int", UC_ARM_REG_R8), CORE_REG("r9", "int", UC_ARM_REG_R9),
    CORE_REG("r10", "int", UC_ARM_REG_R10), CORE_REG("r11", "int", UC_ARM_REG_R11),
    CORE_REG("r12", "int", UC_ARM_REG_R12), CORE_REG("sp", "data_ptr", UC_ARM_REG_SP),
    CORE_REG("lr", "int", UC_ARM_REG_LR), CORE_REG("pc", "code_ptr", UC_ARM_REG_PC),
    {.info = {"xpsr", M_PROFILE, "int", NULL, 32}, .uc_id = UC_ARM_REG_XPSR, .special = DEBUG_XPSR},
    SYS_REG("msp", "data_ptr", UC_ARM_REG_MSP, NULL),
    SYS_REG("psp", "data_ptr", UC_ARM_REG_PSP, NULL),
    SYS_REG("primask", "int", UC_ARM_REG_PRIMASK, NULL),
    SYS_REG("basepri", "int", UC_ARM_REG_BASEPRI, has_basepri),
    SYS_REG("faultmask", "int", UC_ARM_REG_FAULTMASK, has_basepri),
    SYS_REG("control", "int", UC_ARM_REG_CONTROL, NULL),
};

static uint32_t cortexm_debug_reg_read(Cpu *c, int special) { return reg_get(c, UC_ARM_REG_XPSR); }

/* xPSR: rewriting APSR_NZCV makes Unicorn rebuild its cached mode flags (#1940). */
static bool cortexm_debug_reg_write(Cpu *c, int special, uint32_t v)
{
    reg_set(c, UC_ARM_REG_XPSR, v);
    reg_set(c, UC_ARM_REG_APSR_NZCV, v);
    return true;
}

const CpuArchOps cortexm_ops = {
    .uc_arch = UC_ARCH_ARM,
    .uc_mode = UC_MODE_THUMB, /* the model is set by cortexm_setup */
    .reg_pc = UC_ARM_REG_PC,
    .reg_sp = UC_ARM_REG_SP,
    .reg_ra = UC_ARM_REG_LR,
    .reg_ret = UC_ARM_REG_R0,
    .gpr = arm_gpr,
    .ngpr = 16,
    .pc_gpr = 15,
    .arg_regs = arm_gpr, /* r0-r3 */
    .nargs = 4,
    .start_bits = 1, /* Thumb */
    .setup = cortexm_setup,
    .reset = cortexm_reset,
    .scan_code = cortexm_scan_code,
    .check_irq = cortexm_check_irq,
    .wake_pending = cortexm_wake_pending,
    .is_wfi = cortexm_is_wfi,
    .hook_intr = cortexm_hook_intr,
    .insn_invalid = cortexm_insn_invalid,
    .deliver_fault = cortexm_deliver_fault,
    .check_block = cortexm_check_block,
    .debug_arch = "arm",
    .debug_regs = arm_debug_regs,
    .ndebug_regs = ARRAY_SIZE(arm_debug_regs),
    .debug_reg_read = cortexm_debug_reg_read,
    .debug_reg_write = cortexm_debug_reg_write,
};
