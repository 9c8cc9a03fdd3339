/* riscv.c: the RV32 cores on Unicorn (rv32imac: the SiFive E31, M and U modes;
 * rv32gc: QEMU's rv32, M, S and U modes): interrupts from the CLINT/PLIC lines
 * entered by hand at block boundaries (Unicorn has no timer interrupt), ecall into
 * the firmware's trap handler, semihosting, and counter CSRs (cycle/time/instret,
 * which Unicorn would read from the host) made to read simulated time, and mip reads
 * made to see the pending lines. Privileged spec v1.11 as Unicorn 2.0.1 has it; the
 * S-mode, delegation and PMP CSRs are Unicorn's own. Not modelled: execution in S/U
 * modes (the traps entered here always go to M-mode), PMP checks, misaligned-access
 * traps, mtval for interrupts. */
#include "config.h"

#include <string.h>

#include "cpu/cpu_internal.h"

#define MSTATUS_MIE (1u << 3)
#define MSTATUS_MPIE (1u << 7)
#define MSTATUS_MPP (3u << 11)
#define MCAUSE_INT 0x80000000u
#define CSR_MIP 0x344
/* The mip bits the CLINT and PLIC lines drive (MSIP, MTIP, MEIP); the others (the
 * S-level bits firmware may set itself) are kept by Unicorn. */
#define MIP_LINES ((1u << 3) | (1u << 7) | (1u << 11))

enum { CAUSE_INSN_ACCESS = 1, CAUSE_ILLEGAL = 2, CAUSE_BREAKPOINT = 3, CAUSE_LOAD_ACCESS = 5,
       CAUSE_STORE_ACCESS = 7, CAUSE_ECALL_M = 11 };

#define INSN_EBREAK 0x00100073u
#define INSN_WFI 0x10500073u
#define INSN_MRET 0x30200073u
#define INSN_SEMI_PRE 0x01f01013u  /* slli x0, x0, 0x1f */
#define INSN_SEMI_POST 0x40705013u /* srai x0, x0, 7 */

/* Counter CSRs (unprivileged and machine views). */
static bool is_counter_csr(uint32_t csr)
{
    switch (csr) {
    case 0xC00: case 0xC01: case 0xC02: case 0xC80: case 0xC81: case 0xC82: /* cycle time instret (+h) */
    case 0xB00: case 0xB02: case 0xB80: case 0xB82:                         /* mcycle minstret (+h) */
        return true;
    default:
        return false;
    }
}

static void irq_line_set(void *opaque, int bit, int level)
{
    Cpu *c = opaque;
    uint32_t old = c->mip;
    if (level && !(old & (1u << bit)))
        c->mip_since[bit & 31] = c->sched->now;
    if (level)
        c->mip |= 1u << bit;
    else
        c->mip &= ~(1u << bit);
    if (c->mip != old && level)
        cpu_request_irq_check(c);
}

IrqLine cpu_local_irq(Cpu *c, int mip_bit)
{
    return (IrqLine){.set = irq_line_set, .opaque = c, .num = mip_bit};
}

/* Unicorn 2.0.1's models: the SiFive E31 (RV32IMAC, M and U modes, PMP) as QEMU's
 * sifive_e has it; its "rv32" (RV32GC, M, S and U modes, Sv32 MMU, PMP) as the
 * virt machine's default CPU (core_has_supervisor_mode). */
static int riscv_setup(Cpu *c, char **err)
{
    bool s = core_has_supervisor_mode(c->core);
    uc_err e = uc_ctl_set_cpu_model(c->uc, s ? UC_CPU_RISCV32_BASE32 : UC_CPU_RISCV32_SIFIVE_E31);
    if (e != UC_ERR_OK) {
        set_err(err, "Unicorn: cannot select an %s core: %s", s ? "RV32GC" : "RV32IMAC", uc_strerror(e));
        return -1;
    }
    return 0;
}

static int riscv_reset(Cpu *c, char **err)
{
    reg_set(c, UC_RISCV_REG_PC, c->boot_addr);
    reg_set(c, UC_RISCV_REG_MSTATUS, 0);
    reg_set(c, UC_RISCV_REG_MIE, 0);
    return 0;
}

/* Trap entry (privileged spec 3.1.6-3.1.16). */
static bool rv_trap(Cpu *c, uint32_t cause, uint32_t epc, uint32_t tval)
{
    uint32_t mtvec = reg_get(c, UC_RISCV_REG_MTVEC);
    uint32_t base = mtvec & ~3u;
    if (!base) {
        cpu_stop_now(c, STOP_HARDFAULT, epc, "trap (mcause 0x%x) with no trap handler installed (mtvec = 0)", cause);
        return false;
    }
    uint32_t ms = reg_get(c, UC_RISCV_REG_MSTATUS);
    ms = (ms & ~(MSTATUS_MPIE | MSTATUS_MIE)) | ((ms & MSTATUS_MIE) ? MSTATUS_MPIE : 0) | MSTATUS_MPP;
    reg_set(c, UC_RISCV_REG_MSTATUS, ms);
    reg_set(c, UC_RISCV_REG_MEPC, epc);
    reg_set(c, UC_RISCV_REG_MCAUSE, cause);
    reg_set(c, UC_RISCV_REG_MTVAL, tval);
    uint32_t pc = base;
    if ((mtvec & 3) == 1 && (cause & MCAUSE_INT))
        pc += 4 * (cause & ~MCAUSE_INT);
    reg_set(c, UC_RISCV_REG_PC, pc);
    c->sched->now += c->lat.entry;
    cpu_sp_changed(c);
    uint32_t code = cause & ~MCAUSE_INT;
    cpu_exception_entered(c, epc, (cause & MCAUSE_INT) ? (int)code : -1,
                          (cause & MCAUSE_INT) && code < 32 ? c->mip_since[code] : 0);
    return true;
}

static bool riscv_check_irq(Cpu *c, uint32_t pc)
{
    if (!c->mip)
        return false;
    uint32_t ms = reg_get(c, UC_RISCV_REG_MSTATUS);
    if (!(ms & MSTATUS_MIE))
        return false;
    uint32_t ready = c->mip & reg_get(c, UC_RISCV_REG_MIE);
    if (!ready)
        return false;
    /* Priority among machine interrupts: MEI > MSI > MTI. */
    int cause = (ready & (1u << 11)) ? 11 : (ready & (1u << 3)) ? 3 : 7;
    rv_trap(c, MCAUSE_INT | (uint32_t)cause, pc, 0);
    return true;
}

/* mip as the firmware sees it: the lines, and the bits Unicorn keeps (its own value
 * of mip, which never sees the lines). */
static uint32_t rv_mip(const Cpu *c, uint32_t unicorn_mip) { return (unicorn_mip & ~MIP_LINES) | c->mip; }

static bool riscv_wake_pending(Cpu *c)
{
    return (rv_mip(c, reg_get(c, UC_RISCV_REG_MIP)) & reg_get(c, UC_RISCV_REG_MIE)) != 0;
}

static bool riscv_is_wfi(Cpu *c, uint32_t pc)
{
    bool ok;
    return cpu_read_u32(c, pc - 4, &ok) == INSN_WFI && ok;
}

static uint64_t counter_value(Cpu *c, uint32_t csr)
{
    switch (csr & 0x7F) {
    case 0x00: /* cycle / mcycle */
        return c->sched->now;
    case 0x01: /* time */
        return c->rv_mtime ? c->rv_mtime(c->rv_mtime_opaque) : 0;
    default: /* instret / minstret */
        return c->insns;
    }
}

static uint32_t counter_read(Cpu *c, uint32_t csr)
{
    uint64_t v = counter_value(c, csr);
    return (csr & 0x80) ? (uint32_t)(v >> 32) : (uint32_t)v;
}

static uint32_t get_xreg(Cpu *c, unsigned r) { return r ? reg_get(c, UC_RISCV_REG_X0 + (int)r) : 0; }

static void set_xreg(Cpu *c, unsigned rd, uint32_t v)
{
    if (rd)
        reg_set(c, UC_RISCV_REG_X0 + (int)rd, v);
}

/* `csrr rd, time`: an illegal instruction in Unicorn. Emulate it from the CLINT. */
static bool emulate_csr_read(Cpu *c, uint32_t insn)
{
    uint32_t csr = insn >> 20, f3 = (insn >> 12) & 7, rs1 = (insn >> 15) & 31;
    if ((insn & 0x7F) != 0x73 || !is_counter_csr(csr))
        return false;
    if (!((f3 == 2 || f3 == 3) && rs1 == 0) && !((f3 == 6 || f3 == 7) && rs1 == 0))
        return false; /* a write to a counter: not supported */
    set_xreg(c, (insn >> 7) & 31, counter_read(c, csr));
    return true;
}

static void riscv_hook_intr(Cpu *c, uint32_t intno)
{
    uint32_t pc = reg_get(c, UC_RISCV_REG_PC);
    switch (intno) {
    case 8: /* ecall: Unicorn reports it as from U-mode; PC is already past it */
    case 9:
    case 11:
        rv_trap(c, CAUSE_ECALL_M, pc - 4, 0);
        return;
    case CAUSE_ILLEGAL: { /* Unicorn reports PC = faulting instruction + 4 */
        uint32_t at = pc - 4;
        bool ok;
        uint32_t insn = cpu_read_u32(c, at, &ok);
        if (ok && emulate_csr_read(c, insn)) {
            reg_set(c, UC_RISCV_REG_PC, at + 4);
            return;
        }
        cpu_stop_now(c, STOP_BAD_INSN, at, "illegal instruction 0x%08x at 0x%08x", ok ? insn : 0, at);
        c->stop.addr = ok ? insn : 0;
        return;
    }
    default:
        if (!c->stopping)
            cpu_stop_now(c, STOP_HARDFAULT, pc, "unexpected CPU exception %u near 0x%08x", intno, pc);
        return;
    }
}

static bool riscv_insn_invalid(Cpu *c, uint32_t pc)
{
    bool ok1, ok2, ok3;
    uint32_t insn = cpu_read_u32(c, pc, &ok1);
    if (!ok1 || insn != INSN_EBREAK)
        return false;
    uint32_t pre = cpu_read_u32(c, pc - 4, &ok2), post = cpu_read_u32(c, pc + 4, &ok3);
    if (!(ok2 && ok3 && pre == INSN_SEMI_PRE && post == INSN_SEMI_POST)) {
        if (c->keep_going)
            return rv_trap(c, CAUSE_BREAKPOINT, pc, pc);
        cpu_stop_now(c, STOP_HARDFAULT, pc, "ebreak at 0x%08x with no debugger attached", pc);
        return false;
    }
    if (!c->semihost) {
        cpu_stop_now(c, STOP_HARDFAULT, pc, "semihosting call with no semihosting host");
        return false;
    }
    uint32_t result = 0;
    int r = c->semihost(c->semihost_opaque, reg_get(c, UC_RISCV_REG_A0), reg_get(c, UC_RISCV_REG_A1), &result);
    if (r == 1) {
        cpu_request_stop(c, STOP_EXIT, (int)result);
        c->stop.pc = pc;
        return false;
    }
    if (c->stopping)
        return false; /* the call's write faulted (cpu_mem_write): as a store, it did not complete */
    reg_set(c, UC_RISCV_REG_A0, result);
    reg_set(c, UC_RISCV_REG_PC, pc + 8);
    return true;
}

static bool riscv_deliver_fault(Cpu *c)
{
    CpuStop s = c->stop;
    uint32_t cause = s.reason == STOP_BAD_INSN ? CAUSE_ILLEGAL
                     : s.access == 'x'        ? CAUSE_INSN_ACCESS
                     : s.access == 'w'        ? CAUSE_STORE_ACCESS
                                              : CAUSE_LOAD_ACCESS;
    c->stopping = false;
    if (rv_trap(c, cause, s.pc, s.addr))
        return true;
    c->stop = s; /* report the original fault, not the missing handler */
    return false;
}

/* ---- code scan: counter and mip reads, and instructions that may unmask interrupts ---- */

static void note_csr_read(Cpu *c, uint32_t addr, uint32_t csr, unsigned rd)
{
    if (c->ncsr == c->capcsr) {
        c->capcsr = c->capcsr ? c->capcsr * 2 : 16;
        c->csr_reads = xrealloc(c->csr_reads, c->capcsr * sizeof *c->csr_reads);
    }
    c->csr_reads[c->ncsr++] = (CsrRead){.addr = addr, .csr = (uint16_t)csr, .rd = (uint8_t)rd};
}

static void riscv_scan_code(Cpu *c, uint32_t addr, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i + 4 <= len; i += 2) {
        uint32_t w = (uint32_t)data[i] | (uint32_t)data[i + 1] << 8 | (uint32_t)data[i + 2] << 16 |
                     (uint32_t)data[i + 3] << 24;
        if ((w & 0x7F) != 0x73)
            continue;
        uint32_t f3 = (w >> 12) & 7, csr = w >> 20, rs1 = (w >> 15) & 31;
        if (w == INSN_MRET) {
            cpu_note_unmask(c, addr + (uint32_t)i);
        } else if (f3 && (csr == 0x300 || csr == 0x304)) { /* mstatus, mie */
            cpu_note_unmask(c, addr + (uint32_t)i);
        } else if ((f3 == 2 || f3 == 3) && rs1 == 0 &&
                   ((is_counter_csr(csr) && (csr & 0xF00) == 0xB00) || csr == CSR_MIP)) {
            /* mcycle/minstret read: legal in Unicorn but returns the host TSC; mip: the
             * pending lines live here (Unicorn's own mip never sees our interrupts) */
            note_csr_read(c, addr + (uint32_t)i, csr, (w >> 7) & 31);
        } else if ((f3 == 2 || f3 == 3) && rs1 == 0 && (csr == 0xC00 || csr == 0xC02 || csr == 0xC80 ||
                                                         csr == 0xC82)) {
            note_csr_read(c, addr + (uint32_t)i, csr, (w >> 7) & 31);
        }
    }
}

static void hook_csr_read(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    Cpu *c = ud;
    for (size_t i = 0; i < c->ncsr; i++) {
        if (c->csr_reads[i].addr == (uint32_t)address) {
            c->csr_pending = &c->csr_reads[i];
            return;
        }
    }
}

/* The instruction after a counter or mip read: the read has happened; overwrite rd
 * with the simulated value (mip: the lines merged into what Unicorn read). */
static void hook_csr_fixup(uc_engine *uc, uint64_t address, uint32_t size, void *ud)
{
    Cpu *c = ud;
    const CsrRead *r = c->csr_pending;
    if (r && r->addr + 4 == (uint32_t)address) {
        if (r->csr == CSR_MIP)
            set_xreg(c, r->rd, rv_mip(c, get_xreg(c, r->rd)));
        else
            set_xreg(c, r->rd, counter_read(c, r->csr));
        c->csr_pending = NULL;
    }
}

static void riscv_add_hooks(Cpu *c)
{
    uc_hook h;
    for (size_t i = 0; i < c->ncsr; i++) {
        uint32_t a = c->csr_reads[i].addr;
        uc_hook_add(c->uc, &h, UC_HOOK_CODE, hook_csr_read, c, a, a);
        uc_hook_add(c->uc, &h, UC_HOOK_CODE, hook_csr_fixup, c, a + 4, a + 4);
    }
}

/* Decoder register numbers x0-x31 (cost.c) to Unicorn's ids; x0 reads as zero. */
static const int rv_gpr[32] = {
    0, UC_RISCV_REG_X1, UC_RISCV_REG_X2, UC_RISCV_REG_X3, UC_RISCV_REG_X4, UC_RISCV_REG_X5,
    UC_RISCV_REG_X6, UC_RISCV_REG_X7, UC_RISCV_REG_X8, UC_RISCV_REG_X9, UC_RISCV_REG_X10,
    UC_RISCV_REG_X11, UC_RISCV_REG_X12, UC_RISCV_REG_X13, UC_RISCV_REG_X14, UC_RISCV_REG_X15,
    UC_RISCV_REG_X16, UC_RISCV_REG_X17, UC_RISCV_REG_X18, UC_RISCV_REG_X19, UC_RISCV_REG_X20,
    UC_RISCV_REG_X21, UC_RISCV_REG_X22, UC_RISCV_REG_X23, UC_RISCV_REG_X24, UC_RISCV_REG_X25,
    UC_RISCV_REG_X26, UC_RISCV_REG_X27, UC_RISCV_REG_X28, UC_RISCV_REG_X29, UC_RISCV_REG_X30,
    UC_RISCV_REG_X31,
};

/* ---- the debugger's view: GDB's RISC-V target description features, numbered in
 * this order; the CSRs are those baregc models (the counters read simulated time, mip
 * sees the interrupt lines: special, by CSR number) ---- */

#define RV_CPU "org.gnu.gdb.riscv.cpu"
#define RV_CSR "org.gnu.gdb.riscv.csr"
#define XREG(name, type, id) {.info = {name, RV_CPU, type, NULL, 32}, .uc_id = id}
#define CSR(name, id) {.info = {name, RV_CSR, "int", "csr", 32}, .uc_id = id}
#define CSR_SPECIAL(name, csr) {.info = {name, RV_CSR, "int", "csr", 32}, .special = csr}
#define CSR_S(name, id) {.info = {name, RV_CSR, "int", "csr", 32}, .uc_id = id, .present = core_has_supervisor_mode}

static const CpuDebugReg rv_debug_regs[] = {
    XREG("zero", "int", 0), XREG("ra", "code_ptr", UC_RISCV_REG_X1),
    XREG("sp", "data_ptr", UC_RISCV_REG_X2), XREG("gp", "data_ptr", UC_RISCV_REG_X3),
    XREG("tp", "data_ptr", UC_RISCV_REG_X4), XREG("t0", "int", UC_RISCV_REG_X5),
    XREG("t1", "int", UC_RISCV_REG_X6), XREG("t2", "int", UC_RISCV_REG_X7),
    XREG("fp", "data_ptr", UC_RISCV_REG_X8), XREG("s1", "int", UC_RISCV_REG_X9),
    XREG("a0", "int", UC_RISCV_REG_X10), XREG("a1", "int", UC_RISCV_REG_X11),
    XREG("a2", "int", UC_RISCV_REG_X12), XREG("a3", "int", UC_RISCV_REG_X13),
    XREG("a4", "int", UC_RISCV_REG_X14), XREG("a5", "int", UC_RISCV_REG_X15),
    XREG("a6", "int", UC_RISCV_REG_X16), XREG("a7", "int", UC_RISCV_REG_X17),
    XREG("s2", "int", UC_RISCV_REG_X18), XREG("s3", "int", UC_RISCV_REG_X19),
    XREG("s4", "int", UC_RISCV_REG_X20), XREG("s5", "int", UC_RISCV_REG_X21),
    XREG("s6", "int", UC_RISCV_REG_X22), XREG("s7", "int", UC_RISCV_REG_X23),
    XREG("s8", "int", UC_RISCV_REG_X24), XREG("s9", "int", UC_RISCV_REG_X25),
    XREG("s10", "int", UC_RISCV_REG_X26), XREG("s11", "int", UC_RISCV_REG_X27),
    XREG("t3", "int", UC_RISCV_REG_X28), XREG("t4", "int", UC_RISCV_REG_X29),
    XREG("t5", "int", UC_RISCV_REG_X30), XREG("t6", "int", UC_RISCV_REG_X31),
    XREG("pc", "code_ptr", UC_RISCV_REG_PC),
    CSR("mstatus", UC_RISCV_REG_MSTATUS), CSR("misa", UC_RISCV_REG_MISA),
    CSR_S("medeleg", UC_RISCV_REG_MEDELEG), CSR_S("mideleg", UC_RISCV_REG_MIDELEG),
    CSR("mie", UC_RISCV_REG_MIE), CSR("mtvec", UC_RISCV_REG_MTVEC),
    CSR("mscratch", UC_RISCV_REG_MSCRATCH), CSR("mepc", UC_RISCV_REG_MEPC),
    CSR("mcause", UC_RISCV_REG_MCAUSE), CSR("mtval", UC_RISCV_REG_MTVAL),
    CSR_SPECIAL("mip", CSR_MIP), CSR("mhartid", UC_RISCV_REG_MHARTID),
    CSR_SPECIAL("mcycle", 0xB00), CSR_SPECIAL("minstret", 0xB02),
    CSR_SPECIAL("mcycleh", 0xB80), CSR_SPECIAL("minstreth", 0xB82),
    CSR_SPECIAL("cycle", 0xC00), CSR_SPECIAL("time", 0xC01), CSR_SPECIAL("instret", 0xC02),
    CSR_SPECIAL("cycleh", 0xC80), CSR_SPECIAL("timeh", 0xC81), CSR_SPECIAL("instreth", 0xC82),
    CSR_S("sstatus", UC_RISCV_REG_SSTATUS), CSR_S("sie", UC_RISCV_REG_SIE),
    CSR_S("stvec", UC_RISCV_REG_STVEC), CSR_S("sscratch", UC_RISCV_REG_SSCRATCH),
    CSR_S("sepc", UC_RISCV_REG_SEPC), CSR_S("scause", UC_RISCV_REG_SCAUSE),
    CSR_S("stval", UC_RISCV_REG_STVAL), CSR_S("sip", UC_RISCV_REG_SIP),
    CSR_S("satp", UC_RISCV_REG_SATP),
};

static uint32_t riscv_debug_reg_read(Cpu *c, int csr)
{
    return csr == CSR_MIP ? rv_mip(c, reg_get(c, UC_RISCV_REG_MIP)) : counter_read(c, (uint32_t)csr);
}

/* The counters are read-only here; mip takes the bits the lines do not drive. */
static bool riscv_debug_reg_write(Cpu *c, int csr, uint32_t v)
{
    if (csr != CSR_MIP)
        return false;
    reg_set(c, UC_RISCV_REG_MIP, v & ~MIP_LINES);
    return true;
}

const CpuArchOps riscv_ops = {
    .uc_arch = UC_ARCH_RISCV,
    .uc_mode = UC_MODE_RISCV32, /* the model is set by riscv_setup */
    .reg_pc = UC_RISCV_REG_PC,
    .reg_sp = UC_RISCV_REG_SP,
    .reg_ra = UC_RISCV_REG_RA,
    .reg_ret = UC_RISCV_REG_A0,
    .gpr = rv_gpr,
    .ngpr = 32,
    .pc_gpr = -1,
    .arg_regs = &rv_gpr[10], /* a0-a7 */
    .nargs = 8,
    .start_bits = 0,
    .setup = riscv_setup,
    .reset = riscv_reset,
    .scan_code = riscv_scan_code,
    .add_hooks = riscv_add_hooks,
    .check_irq = riscv_check_irq,
    .wake_pending = riscv_wake_pending,
    .is_wfi = riscv_is_wfi,
    .hook_intr = riscv_hook_intr,
    .insn_invalid = riscv_insn_invalid,
    .deliver_fault = riscv_deliver_fault,
    .debug_arch = "riscv:rv32",
    .debug_regs = rv_debug_regs,
    .ndebug_regs = ARRAY_SIZE(rv_debug_regs),
    .debug_reg_read = riscv_debug_reg_read,
    .debug_reg_write = riscv_debug_reg_write,
};
