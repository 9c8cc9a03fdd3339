/* cost.c: per-core cycle cost of a basic block (Cortex-M via capstone, RV32 via an opcode classifier). */
#include "config.h"

#include <capstone/capstone.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cost.h"
#include "base/util.h"

/* ==== Cortex-M ============================================================
 *
 * All counts assume zero-wait-state memory, as the ARM tables do. The table
 * entries are expressed with one per-core number, the pipeline refill P:
 *   taken branch / B / BX / BLX / MOV PC / ADD PC = 1 + P
 *   POP or LDM including PC                       = 1 + N + P   (N counts PC)
 *   LDR PC, TBB, TBH                              = 2 + P
 * which reproduces the M0 (P = 2) and M0+ (P = 1) tables exactly, e.g.
 * M0 "POP {<loreglist>,PC} 4+N" with N = the low registers = 1 + (N+1) + 2.
 * For the M3/M4 the TRMs give P = 1..3 "depending on the alignment and width
 * of the target instruction, and whether the processor manages to speculate
 * the address early"; we use P = 2, the middle of that range. */
typedef struct ArmTiming {
    uint8_t p;        /* pipeline refill after a taken branch (cycles) */
    uint8_t bl;       /* BL (cycles) */
    uint8_t mul;      /* MUL/MULS (cycles) */
    uint8_t mla;      /* MLA/MLS (cycles) */
    uint8_t mull;     /* UMULL/SMULL (cycles) */
    uint8_t mlal;     /* UMLAL/SMLAL/UMAAL (cycles) */
    uint8_t div;      /* UDIV/SDIV (cycles) */
    uint8_t mrs, msr; /* special register read/write (cycles) */
    uint8_t cps;      /* CPSID/CPSIE (cycles) */
    uint8_t isb;      /* ISB (cycles) */
    uint8_t dmb;      /* DMB/DSB (cycles) */
    uint8_t wfx;      /* WFI/WFE issue cost; the sleep itself is skipped by the CPU layer (cycles) */
    bool v7m;         /* ARMv7-M load/store pipelining and IT folding rules apply */
} ArmTiming;

static const ArmTiming arm_timing[] = {
    /* Cortex-M0 TRM, ARM DDI 0432C, table 3-1 "Cortex-M0 instruction summary":
     * B 3 (cond: 1 or 3), BL 4, BX/BLX 3, MOV/ADD PC 3, LDR/STR 2, LDM/STM/PUSH/POP 1+N,
     * POP with PC 4+N, MULS 1 or 32 (we model the fast multiplier: 1), MRS/MSR 4,
     * ISB/DSB/DMB 4, WFI/WFE 2, CPSID/CPSIE 1. */
    [CORE_CORTEX_M0] = {.p = 2, .bl = 4, .mul = 1, .mla = 2, .mull = 5, .mlal = 7, .div = 12,
                        .mrs = 4, .msr = 4, .cps = 1, .isb = 4, .dmb = 4, .wfx = 2, .v7m = false},
    /* Cortex-M0+ TRM, ARM DDI 0484C, table 3-1 "Cortex-M0+ instruction summary"
     * (2-stage pipeline, so taken branches are cheaper): B 2 (cond: 1 or 2), BL 3,
     * BX/BLX 2, MOV/ADD PC 2, LDR/STR 2 (1 on the single-cycle I/O port: not modelled),
     * POP with PC 3+N, MULS 1 or 32 (1 modelled), MRS/MSR 3, ISB/DSB/DMB 3, WFI/WFE 2. */
    [CORE_CORTEX_M0PLUS] = {.p = 1, .bl = 3, .mul = 1, .mla = 2, .mull = 5, .mlal = 7, .div = 12,
                            .mrs = 3, .msr = 3, .cps = 1, .isb = 3, .dmb = 3, .wfx = 2, .v7m = false},
    /* Cortex-M3 TRM, ARM DDI 0337H/I, table 3-1 "Cortex-M3 instruction set summary"
     * (older revisions: chapter 18): ALU 1, MUL 1, MLA/MLS 2, UMULL/SMULL 3 to 5,
     * UMLAL/SMLAL 4 to 7 (early termination: we take the worst case, 5 and 7),
     * SDIV/UDIV 2 to 12 (early termination: worst case 12), LDR/STR 2, LDRD/STRD 1+N,
     * LDM/STM 1+N, branches 1+P, CBZ 1 or 1+P, TBB/TBH 2+P, IT 1 (foldable, see below),
     * MRS/MSR/CPS 1 or 2 (2 modelled), ISB 1+B with B >= P, DMB/DSB 1+B with B >= 0,
     * WFI/WFE 1+W. */
    [CORE_CORTEX_M3] = {.p = 2, .bl = 3, .mul = 1, .mla = 2, .mull = 5, .mlal = 7, .div = 12,
                        .mrs = 2, .msr = 2, .cps = 2, .isb = 3, .dmb = 1, .wfx = 1, .v7m = true},
    /* Cortex-M4 TRM, ARM DDI 0439B/D, table 3-1 "Processor instruction set summary":
     * as the M3 but with the single-cycle MAC: MLA/MLS 1, all long multiplies and
     * the DSP multiplies 1, SIMD/saturating 1; SDIV/UDIV 2 to 12 (12 modelled).
     * FPU (same TRM, table 7-1 "FPU instruction set"): VLDR/VSTR 2, VLDM/VSTM/VPUSH/VPOP
     * 1+N, VDIV/VSQRT 14, fused/chained multiply-accumulate 3, other VFP operations 1. */
    [CORE_CORTEX_M4] = {.p = 2, .bl = 3, .mul = 1, .mla = 1, .mull = 1, .mlal = 1, .div = 12,
                        .mrs = 2, .msr = 2, .cps = 2, .isb = 3, .dmb = 1, .wfx = 1, .v7m = true},
};

/* What the previous instruction of the block was, for the ARMv7-M rules
 * (DDI 0337I section 3.3.1 "Load/store timings", same text in DDI 0439):
 *  - "STR Rx,[Ry,#imm] is always one cycle" (the data phase overlaps the next instruction);
 *  - "LDR [any] are pipelined when possible": a single LDR/STR right after a single
 *    LDR (or LDREX/STREX, "pipelined exactly as LDR") costs one cycle less, unless the
 *    first load's destination is used to compute the second one's address;
 *    "nothing can be pipelined after the store"; LDRD/STRD/LDM/STM never pipeline;
 *  - "Any load or store that generates an address dependent on the result of a
 *    preceding data processing operation stalls the pipeline for an additional cycle";
 *  - "IT instructions can be folded onto a preceding 16-bit Thumb instruction,
 *    enabling execution in zero cycles". */
enum { PREV_NONE, PREV_LOAD, PREV_STORE, PREV_ALU, PREV_OTHER };

enum {
    K_ALU,    /* data processing (1 cycle unless listed) */
    K_LS,     /* single load/store */
    K_LSD,    /* LDRD/STRD */
    K_LSM,    /* LDM/STM/PUSH/POP */
    K_BRANCH, /* B, BL, BX, BLX, CBZ, CBNZ, TBB, TBH */
    K_SYS,    /* everything else: hints, barriers, special registers, FPU, IT */
};

#define RB(n) (1u << (n))
#define RB_SP RB(13)
#define RB_PC RB(15)

/* Bit (0..15) of a core register in a uint32_t mask, 0 for anything else. */
static uint32_t arm_reg_bit(int r)
{
    if (r >= ARM_REG_R0 && r <= ARM_REG_R12)
        return RB(r - ARM_REG_R0);
    if (r == ARM_REG_SP)
        return RB_SP;
    if (r == ARM_REG_LR)
        return RB(14);
    if (r == ARM_REG_PC)
        return RB_PC;
    return 0;
}

/* The decoder's number (0..15) of a core register, -1 for anything else. */
static int arm_regno(int r)
{
    if (r >= ARM_REG_R0 && r <= ARM_REG_R12)
        return r - ARM_REG_R0;
    return r == ARM_REG_SP ? 13 : r == ARM_REG_LR ? 14 : r == ARM_REG_PC ? 15 : -1;
}

static bool arm_is_load(unsigned id)
{
    switch (id) {
    case ARM_INS_LDR: case ARM_INS_LDRB: case ARM_INS_LDRH: case ARM_INS_LDRSB: case ARM_INS_LDRSH:
    case ARM_INS_LDRT: case ARM_INS_LDRBT: case ARM_INS_LDRHT: case ARM_INS_LDRSBT: case ARM_INS_LDRSHT:
    case ARM_INS_LDREX: case ARM_INS_LDREXB: case ARM_INS_LDREXH: case ARM_INS_PLD: case ARM_INS_PLI:
        return true;
    default:
        return false;
    }
}

static bool arm_is_store(unsigned id)
{
    switch (id) {
    case ARM_INS_STR: case ARM_INS_STRB: case ARM_INS_STRH: case ARM_INS_STRT: case ARM_INS_STRBT:
    case ARM_INS_STRHT: case ARM_INS_STREX: case ARM_INS_STREXB: case ARM_INS_STREXH:
        return true;
    default:
        return false;
    }
}

static bool arm_is_exclusive(unsigned id)
{
    return id == ARM_INS_LDREX || id == ARM_INS_LDREXB || id == ARM_INS_LDREXH || id == ARM_INS_STREX ||
           id == ARM_INS_STREXB || id == ARM_INS_STREXH;
}

/* Registers in a register list (LDM/STM/PUSH/POP/VLDM...): REG operands after skip. */
static unsigned arm_list_words(const cs_arm *a, int skip)
{
    unsigned n = 0;
    for (int i = skip; i < a->op_count; i++) {
        if (a->operands[i].type != ARM_OP_REG)
            continue;
        int r = a->operands[i].reg;
        n += (r >= ARM_REG_D0 && r <= ARM_REG_D31) ? 2 : 1; /* a D register is two words */
    }
    return n;
}

/* ==== RV32IMAC ==============================================================
 *
 * An in-order single-issue model after the SiFive E31 core (the FE310's core),
 * "SiFive FE310-G000 Manual" chapter 3 ("E31 RISC-V Core"), sections 3.2-3.3:
 * one instruction per cycle, fully bypassed, except result latencies of
 * LW 2, LH/LHU/LB/LBU 3, CSR reads 3, MUL/MULH* 5, DIV/DIVU/REM/REMU 2 to 33
 * ("depending on the operand values": we take the worst case, 33); the multiplier
 * "can only execute one operation at a time". The pipeline interlocks on
 * read-after-write hazards: a dependent instruction waits (a register scoreboard
 * within the block). Branch prediction (BTB, BHT, RAS): "correctly predicted
 * control-flow instructions result in no penalty. Mispredicted control-flow
 * instructions incur a three-cycle penalty." A static block cost cannot see the
 * predictor, so it stands in for it with: backward conditional branches
 * predicted taken and forward ones not taken (taken forward = +3), JAL and
 * returns (JALR through ra/t0, the RAS hint registers) and AUIPC/LUI+JALR pairs
 * (far calls) predicted, other JALR (jump tables, calls through pointers)
 * mispredicted (+3), MRET and FENCE.I
 * flush the pipeline (+3).
 * The F and D extensions (the rv32gc core; on rv32imac they trap) are decoded
 * for their integer-register operands, SP and memory accesses, but the E31 has no
 * FPU to take latencies from: every F/D instruction issues in one cycle, FP loads
 * and stores as LW/SW, and FP results are never waited for (docs/timing.md). */
enum {
    RV_LAT_LW = 2,       /* cycles from issue to a usable result */
    RV_LAT_LHB = 3,      /* LH/LHU/LB/LBU */
    RV_LAT_CSR = 3,      /* CSR reads */
    RV_LAT_MUL = 5,      /* MUL, MULH, MULHU, MULHSU */
    RV_LAT_DIV = 33,     /* DIV, DIVU, REM, REMU: worst case */
    RV_LAT_AMO = 2,      /* LR/SC/AMO*: not documented; treated as LW */
    RV_MISPREDICT = 3,   /* refill after a mispredicted control transfer (cycles) */
};

typedef enum RvClass {
    RV_ALU, RV_LW, RV_LHB, RV_STORE, RV_BRANCH, RV_JAL, RV_JALR, RV_MUL, RV_DIV,
    RV_CSR, RV_FENCE, RV_FENCEI, RV_WFI, RV_TRAP, RV_MRET, RV_AMO, RV_BAD
} RvClass;

typedef struct RvInsn {
    RvClass cls;
    uint8_t rd, rs1, rs2; /* 0 = none (x0 is never a dependency) */
    bool backward;        /* branch with a negative offset */
    bool upper;           /* LUI/AUIPC: builds an address for a following JALR */
    bool sp_add;          /* addi sp,sp,imm (c.addi sp / c.addi16sp): SP moves by imm */
    int32_t imm;          /* its immediate */
} RvInsn;

/* ==== the model object ==================================================== */

/* An architecture's decoder: one const table each (the end of this file), chosen
 * by the core's architecture. */
typedef struct CostIsa {
    /* Set up the decoder's state in cm for core (NULL: none). 0, or -1 with *err set. */
    int (*open)(CostModel *cm, CoreModel core, char **err);
    void (*close)(CostModel *cm); /* NULL: nothing to release */
    /* cost_block and cost_mem_accesses for a block with code. */
    bool (*block)(CostModel *cm, uint32_t addr, const uint8_t *code, size_t len, BlockCost *out);
    size_t (*mem_accesses)(CostModel *cm, uint32_t addr, const uint8_t *code, size_t len, MemAccess *out,
                           size_t max);
    /* cost_align_checks (NULL: the architecture has none) */
    size_t (*align_checks)(CostModel *cm, uint32_t addr, const uint8_t *code, size_t len, AlignCheck *out,
                           size_t max);
} CostIsa;

struct CostModel {
    const CostIsa *isa;
    const ArmTiming *t; /* Cortex-M only */
    csh cs;             /* capstone handle (Cortex-M only) */
    cs_insn *insn;      /* one reusable decode buffer (Cortex-M only) */
};

static int arm_open(CostModel *cm, CoreModel core, char **err)
{
    cm->t = &arm_timing[core];
    if (cs_open(CS_ARCH_ARM, CS_MODE_THUMB | CS_MODE_MCLASS, &cm->cs) != CS_ERR_OK) {
        set_err(err, "cost model: capstone cannot open ARM Thumb (M-class)");
        return -1;
    }
    cs_option(cm->cs, CS_OPT_DETAIL, CS_OPT_ON);
    cm->insn = cs_malloc(cm->cs);
    if (!cm->insn) {
        set_err(err, "cost model: capstone cannot allocate an instruction buffer");
        cs_close(&cm->cs);
        return -1;
    }
    return 0;
}

static void arm_close(CostModel *cm)
{
    cs_free(cm->insn, 1);
    cs_close(&cm->cs);
}

static uint32_t sat_add(uint32_t a, uint32_t b) { return a + b < a ? UINT32_MAX : a + b; }

/* How a block moves SP, instruction by instruction: known amounts until the
 * first write the decoder cannot follow. */
typedef struct SpTrack {
    int32_t at, low; /* bytes from SP at the block's start */
    bool moved;      /* some known move */
    bool dynamic;    /* some unknown write: SP must be read after the block */
} SpTrack;

static void sp_write(SpTrack *st, bool known, int32_t delta)
{
    if (st->dynamic)
        return;
    if (!known || delta < INT16_MIN || delta > INT16_MAX || st->at + delta < INT16_MIN || st->at + delta > INT16_MAX) {
        st->dynamic = true;
        return;
    }
    st->moved = true;
    st->at += delta;
    if (st->at < st->low)
        st->low = st->at;
}

static void finish(BlockCost *out, uint32_t cycles, uint32_t insns, uint32_t penalty, unsigned flags,
                   const SpTrack *st)
{
    out->cycles = cycles;
    out->insns = insns > UINT16_MAX ? UINT16_MAX : (uint16_t)insns;
    out->taken_penalty = penalty > UINT8_MAX ? UINT8_MAX : (uint8_t)penalty;
    out->sp_low = out->sp_delta = 0;
    if (st && st->moved) {
        flags |= BC_SP_STATIC;
        out->sp_low = (int16_t)st->low;
        out->sp_delta = (int16_t)st->at;
    }
    if (st && st->dynamic)
        flags |= BC_SP_DYNAMIC;
    out->flags = (uint8_t)flags;
}

/* A register's move by one Thumb instruction that writes it: true with *delta when the
 * amount is in the encoding (SP: push/pop, vpush/vpop; any register: add/sub reg,#imm,
 * ldm/stm with writeback, ldr/str with writeback). */
static bool arm_reg_step(unsigned id, const cs_arm *a, int reg, int32_t *delta)
{
    const cs_arm_op *op = a->operands;
    int n = a->op_count;
    switch (id) {
    case ARM_INS_PUSH:
    case ARM_INS_VPUSH:
        *delta = -4 * (int32_t)arm_list_words(a, 0);
        return reg == ARM_REG_SP;
    case ARM_INS_POP:
    case ARM_INS_VPOP:
        for (int i = 0; i < n; i++)
            if (op[i].type == ARM_OP_REG && op[i].reg == reg)
                return false;
        *delta = 4 * (int32_t)arm_list_words(a, 0);
        return reg == ARM_REG_SP;
    case ARM_INS_STMDB: case ARM_INS_LDM: case ARM_INS_STM: case ARM_INS_LDMDB:
    case ARM_INS_VSTMDB: case ARM_INS_VLDMIA: case ARM_INS_VSTMIA: case ARM_INS_VLDMDB:
        if (n < 1 || op[0].type != ARM_OP_REG || op[0].reg != reg || !a->writeback)
            return false;
        for (int i = 1; i < n; i++)
            if (op[i].type == ARM_OP_REG && op[i].reg == reg)
                return false;
        *delta = (id == ARM_INS_STMDB || id == ARM_INS_LDMDB || id == ARM_INS_VSTMDB || id == ARM_INS_VLDMDB ? -4 : 4) *
                 (int32_t)arm_list_words(a, 1);
        return true;
    case ARM_INS_ADD:
    case ARM_INS_SUB:
    case ARM_INS_ADDW:
    case ARM_INS_SUBW: {
        /* add reg,#imm / add reg,reg,#imm */
        bool ok = (n == 2 || (n == 3 && op[1].type == ARM_OP_REG && op[1].reg == reg)) &&
                  op[0].type == ARM_OP_REG && op[0].reg == reg && op[n - 1].type == ARM_OP_IMM;
        if (!ok)
            return false;
        *delta = (id == ARM_INS_SUB || id == ARM_INS_SUBW) ? -op[n - 1].imm : op[n - 1].imm;
        return true;
    }
    default: {
        /* A load/store with writeback: [reg, #d]! (pre-indexed) or [reg], #imm
         * (post-indexed), the memory operand after the one or two transfer registers. */
        int m = 0;
        while (m < n && op[m].type == ARM_OP_REG)
            if (op[m++].reg == reg)
                return false; /* loaded (or stored and written back: unpredictable) */
        if (!a->writeback || m == 0 || m >= n || op[m].type != ARM_OP_MEM || op[m].mem.base != (unsigned)reg ||
            op[m].mem.index != ARM_REG_INVALID)
            return false;
        if (n == m + 1) {
            *delta = op[m].mem.disp;
            return true;
        }
        if (n == m + 2 && op[m + 1].type == ARM_OP_IMM) {
            *delta = op[m + 1].subtracted ? -op[m + 1].imm : op[m + 1].imm;
            return true;
        }
        return false;
    }
    }
}

/* ---- word-aligned accesses (cost_block's result, cost_align_checks) -----------
 * Each register's value is followed through the block, as far as the decoder can:
 * a block-start register plus a constant (moves, add/sub #imm, writeback), a constant
 * (mov #imm, movw/movt, adr) or a literal-pool word plus a constant. */

typedef struct RegVal {
    int8_t origin;     /* as AlignCheck.origin */
    int32_t offset;
    uint32_t literal;
} RegVal;

/* cost_align_checks' state while arm_block decodes. */
typedef struct AlignOut {
    RegVal reg[16];
    AlignCheck *out;
    size_t max, n;
} AlignOut;

/* An access that must be word aligned, with a base other than SP and the PC: its base
 * register (decoder number), displacement and span. */
static bool arm_align_access(unsigned id, const cs_arm *a, int *base, int32_t *disp, uint16_t *span)
{
    switch (id) {
    case ARM_INS_LDM: case ARM_INS_STM: case ARM_INS_VLDMIA: case ARM_INS_VSTMIA:
    case ARM_INS_LDMDB: case ARM_INS_STMDB: case ARM_INS_VLDMDB: case ARM_INS_VSTMDB:
        if (a->op_count < 1 || a->operands[0].type != ARM_OP_REG)
            return false;
        *base = arm_regno(a->operands[0].reg);
        *span = (uint16_t)(4 * arm_list_words(a, 1));
        *disp = (id == ARM_INS_LDMDB || id == ARM_INS_STMDB || id == ARM_INS_VLDMDB || id == ARM_INS_VSTMDB)
                    ? -(int32_t)*span
                    : 0;
        break;
    case ARM_INS_LDRD: case ARM_INS_STRD: case ARM_INS_VLDR: case ARM_INS_VSTR: {
        const cs_arm_op *mem = NULL;
        for (int i = 0; i < a->op_count; i++)
            if (a->operands[i].type == ARM_OP_MEM)
                mem = &a->operands[i];
        if (!mem || mem->mem.index != ARM_REG_INVALID)
            return false;
        int r = a->operands[0].reg;
        *base = arm_regno(mem->mem.base);
        *disp = mem->mem.disp;
        *span = (id == ARM_INS_LDRD || id == ARM_INS_STRD || (r >= ARM_REG_D0 && r <= ARM_REG_D31)) ? 8 : 4;
        break;
    }
    default:
        return false;
    }
    return *base >= 0 && *base != 13 && *base != 15;
}

/* The value an instruction gives its first operand, when it is one the decoder
 * follows: mov reg/#imm, movw, movt (onto a constant), adr, add/sub reg,reg|pc,#imm,
 * ldr reg,[pc,#imm]. Returns the register (decoder number) or -1. */
static int arm_reg_def(const cs_insn *in, const cs_arm *a, const RegVal *regs, RegVal *v)
{
    const cs_arm_op *op = a->operands;
    int n = a->op_count;
    if (n < 2 || op[0].type != ARM_OP_REG)
        return -1;
    int rd = arm_regno(op[0].reg);
    uint32_t pc4 = ((uint32_t)in->address + 4) & ~3u; /* Align(PC, 4) as a base */
    const RegVal *src = NULL;
    int32_t add = 0;
    switch (in->id) {
    case ARM_INS_MOV:
    case ARM_INS_MOVW:
        if (op[1].type == ARM_OP_IMM) {
            *v = (RegVal){.origin = ALIGN_CONST, .offset = op[1].imm};
            return rd;
        }
        src = op[1].type == ARM_OP_REG && n == 2 ? &regs[arm_regno(op[1].reg) & 15] : NULL;
        break;
    case ARM_INS_MOVT:
        if (rd < 0 || regs[rd].origin != ALIGN_CONST || op[1].type != ARM_OP_IMM)
            return -1;
        *v = (RegVal){.origin = ALIGN_CONST, .offset = (int32_t)(((uint32_t)regs[rd].offset & 0xFFFF) |
                                                                 (uint32_t)op[1].imm << 16)};
        return rd;
    case ARM_INS_ADR:
        if (op[1].type != ARM_OP_IMM)
            return -1;
        *v = (RegVal){.origin = ALIGN_CONST, .offset = (int32_t)(pc4 + (uint32_t)op[1].imm)};
        return rd;
    case ARM_INS_ADD: case ARM_INS_SUB: case ARM_INS_ADDW: case ARM_INS_SUBW:
        if (n != 3 || op[1].type != ARM_OP_REG || op[2].type != ARM_OP_IMM)
            return -1;
        add = (in->id == ARM_INS_SUB || in->id == ARM_INS_SUBW) ? -op[2].imm : op[2].imm;
        if (op[1].reg == ARM_REG_PC) {
            *v = (RegVal){.origin = ALIGN_CONST, .offset = (int32_t)(pc4 + (uint32_t)add)};
            return rd;
        }
        src = &regs[arm_regno(op[1].reg) & 15];
        break;
    case ARM_INS_LDR:
        if (op[1].type != ARM_OP_MEM || op[1].mem.base != ARM_REG_PC || op[1].mem.index != ARM_REG_INVALID ||
            a->writeback)
            return -1;
        *v = (RegVal){.origin = ALIGN_LITERAL, .literal = pc4 + (uint32_t)op[1].mem.disp};
        return rd;
    default:
        return -1;
    }
    if (!src || src == &regs[15])
        return -1;
    *v = *src;
    v->offset += add;
    return rd;
}

/* One decoded instruction: list its access if it must be aligned, then follow the
 * registers it writes (`writes`, RB_* bits); a conditional write leaves a register
 * unknown. */
static void align_track(AlignOut *ao, const cs_insn *in, const cs_arm *a, uint32_t writes, bool cond)
{
    int base;
    int32_t disp;
    uint16_t span;
    if (arm_align_access(in->id, a, &base, &disp, &span) && ao->n < ao->max) {
        const RegVal *v = &ao->reg[base];
        AlignCheck *ck = &ao->out[ao->n++];
        *ck = (AlignCheck){.pc = (uint32_t)in->address, .literal = v->literal, .offset = v->offset + disp,
                           .disp = disp, .span = span, .base = (int8_t)base, .origin = v->origin,
                           .size = (uint8_t)in->size, .store = !(in->id == ARM_INS_LDM || in->id == ARM_INS_LDMDB ||
                                                                 in->id == ARM_INS_LDRD || in->id == ARM_INS_VLDR ||
                                                                 in->id == ARM_INS_VLDMIA || in->id == ARM_INS_VLDMDB),
                           .cond = cond};
        for (size_t i = 0; i + 1 < sizeof ck->name && in->mnemonic[i] && in->mnemonic[i] != '.'; i++)
            ck->name[i] = (char)(in->mnemonic[i] >= 'a' && in->mnemonic[i] <= 'z' ? in->mnemonic[i] - 32
                                                                                   : in->mnemonic[i]);
    }
    RegVal def;
    int rd = cond ? -1 : arm_reg_def(in, a, ao->reg, &def);
    for (int r = 0; r < 15; r++) {
        int32_t d;
        if (!(writes & RB(r)))
            continue;
        if (r == rd)
            ao->reg[r] = def;
        else if (!cond && arm_reg_step(in->id, a, r == 13 ? ARM_REG_SP : r == 14 ? ARM_REG_LR : ARM_REG_R0 + r, &d))
            ao->reg[r].offset += d;
        else
            ao->reg[r] = (RegVal){.origin = ALIGN_UNKNOWN};
    }
}

static void align_start(AlignOut *ao)
{
    for (int r = 0; r < 16; r++)
        ao->reg[r] = (RegVal){.origin = (int8_t)r};
}

static void align_forget(AlignOut *ao)
{
    for (int r = 0; r < 16; r++)
        ao->reg[r] = (RegVal){.origin = ALIGN_UNKNOWN};
}

/* ---- Cortex-M block ------------------------------------------------------ */

/* Capstone 4 keeps the IT state in the handle across calls: after a block that
 * ended inside an IT block, feed NOPs until the state is used up, so the next
 * block does not decode as conditional. */
static void arm_flush_it(CostModel *cm, unsigned left)
{
    static const uint8_t nop[2] = {0x00, 0xbf};
    while (left--) {
        const uint8_t *p = nop;
        size_t n = sizeof nop;
        uint64_t a = 0;
        cs_disasm_iter(cm->cs, &p, &n, &a, cm->insn);
    }
}

/* BC_CALL for BL/BLX, BC_RET for the ways a function returns (BX LR, MOV PC, LR,
 * POP {..pc}, LDM SP!, {..pc}, LDR PC, [SP], #4), BC_RET | BC_RET_REG for BX Rn (how
 * Thumb-1 varargs functions return, after POP {..Rn}; also a jump through a pointer),
 * else 0. The shadow call stack uses these. */
static unsigned arm_call_or_ret(const cs_insn *in, const cs_arm *arm)
{
    switch (in->id) {
    case ARM_INS_BL:
    case ARM_INS_BLX:
        return BC_CALL;
    case ARM_INS_BX:
        return arm->op_count == 1 && arm->operands[0].type == ARM_OP_REG && arm->operands[0].reg == ARM_REG_LR
                   ? BC_RET
                   : BC_RET | BC_RET_REG;
    case ARM_INS_POP:
        return BC_RET;
    case ARM_INS_MOV: /* mov pc, lr */
        return arm->op_count == 2 && arm->operands[1].type == ARM_OP_REG && arm->operands[1].reg == ARM_REG_LR
                   ? BC_RET
                   : 0;
    case ARM_INS_LDM:
    case ARM_INS_LDR:
        return arm->op_count > 0 &&
                       ((arm->operands[0].type == ARM_OP_REG && arm->operands[0].reg == ARM_REG_SP) ||
                        (arm->operands[arm->op_count - 1].type == ARM_OP_MEM &&
                         arm->operands[arm->op_count - 1].mem.base == ARM_REG_SP) ||
                        (arm->op_count > 1 && arm->operands[1].type == ARM_OP_MEM &&
                         arm->operands[1].mem.base == ARM_REG_SP))
                   ? BC_RET
                   : 0;
    default:
        return 0;
    }
}

/* A block's cost, and whether it has an access that must be aligned; with ao, also
 * those accesses (cost_align_checks). */
static bool arm_block_align(CostModel *cm, uint32_t addr, const uint8_t *code, size_t len, BlockCost *out,
                            AlignOut *ao)
{
    bool align = false;
    const ArmTiming *t = cm->t;
    cs_insn *in = cm->insn;
    const uint8_t *p = code;
    size_t left = len;
    uint64_t a = addr & ~1u;
    uint32_t cycles = 0, insns = 0, penalty = 0;
    unsigned flags = 0;
    int prev = PREV_NONE;
    uint32_t prev_writes = 0; /* core registers written by the previous instruction */
    bool prev16 = false;      /* previous instruction was a 16-bit encoding */
    unsigned it_left = 0;     /* instructions still covered by the last IT */
    SpTrack st = {0};

    while (left >= 2) {
        if (!cs_disasm_iter(cm->cs, &p, &left, &a, in)) {
            /* Not decodable: 1 cycle per halfword, and forget the pipeline state. */
            p += 2;
            left -= 2;
            a += 2;
            cycles++;
            insns++;
            flags |= BC_UNDECODED;
            prev = PREV_OTHER;
            prev_writes = 0;
            prev16 = false;
            penalty = 0;
            flags &= ~(BC_ENDS_BRANCH | BC_CALL | BC_RET | BC_RET_REG);
            sp_write(&st, false, 0); /* it may have moved SP */
            if (ao)
                align_forget(ao);
            continue;
        }
        insns++;
        const cs_arm *arm = &in->detail->arm;
        unsigned id = in->id;
        bool cond = arm->cc != ARM_CC_AL && arm->cc != ARM_CC_INVALID;
        bool in_it = it_left > 0;
        if (it_left)
            it_left--;

        /* Registers written (SP tracking, PC writes, the address rule) and the
         * registers a memory address is computed from. */
        uint32_t writes = 0, addr_regs = 0;
        bool index_reg = false; /* register offset addressing */
        bool list_store = id == ARM_INS_PUSH || id == ARM_INS_STM || id == ARM_INS_STMDB;
        for (int i = 0; i < arm->op_count; i++) {
            const cs_arm_op *o = &arm->operands[i];
            if (o->type == ARM_OP_REG && (o->access & CS_AC_WRITE) && !list_store) {
                writes |= arm_reg_bit(o->reg); /* (capstone marks PUSH.W lists as written) */
            } else if (o->type == ARM_OP_MEM) {
                addr_regs |= arm_reg_bit(o->mem.base) | arm_reg_bit(o->mem.index);
                index_reg |= o->mem.index != ARM_REG_INVALID;
                if (arm->writeback)
                    writes |= arm_reg_bit(o->mem.base);
            }
        }
        for (unsigned i = 0; i < in->detail->regs_write_count; i++)
            writes |= arm_reg_bit(in->detail->regs_write[i]);

        int kind = K_ALU;
        uint32_t c = 1;          /* cycles when it does not transfer control */
        bool writes_pc = false;  /* may transfer control */
        uint32_t full = 0;       /* cycles when it does transfer control */

        switch (id) {
        case ARM_INS_B:
            kind = K_BRANCH;
            writes_pc = true;
            full = 1 + t->p;
            break;
        case ARM_INS_BL:
            kind = K_BRANCH;
            writes_pc = true;
            full = t->bl;
            break;
        case ARM_INS_BX:
        case ARM_INS_BLX:
            kind = K_BRANCH;
            writes_pc = true;
            full = 1 + t->p;
            break;
        case ARM_INS_CBZ:
        case ARM_INS_CBNZ:
            kind = K_BRANCH;
            writes_pc = true;
            cond = true;
            full = 1 + t->p;
            break;
        case ARM_INS_TBB:
        case ARM_INS_TBH:
            kind = K_BRANCH;
            writes_pc = true;
            full = 2 + t->p;
            break;
        case ARM_INS_PUSH:
            kind = K_LSM;
            addr_regs |= RB_SP;
            c = 1 + arm_list_words(arm, 0);
            break;
        case ARM_INS_POP:
            kind = K_LSM;
            addr_regs |= RB_SP;
            c = 1 + arm_list_words(arm, 0);
            break;
        case ARM_INS_LDM:
        case ARM_INS_LDMDB:
        case ARM_INS_STM:
        case ARM_INS_STMDB:
            kind = K_LSM;
            if (arm->op_count > 0 && arm->operands[0].type == ARM_OP_REG) {
                uint32_t base = arm_reg_bit(arm->operands[0].reg);
                addr_regs |= base;
                if (arm->writeback)
                    writes |= base;
            }
            c = 1 + arm_list_words(arm, 1);
            break;
        case ARM_INS_LDRD:
        case ARM_INS_STRD:
            kind = K_LSD;
            c = 3; /* 1 + N, N = 2 */
            break;
        case ARM_INS_MUL:
            c = t->mul;
            break;
        case ARM_INS_MLA:
        case ARM_INS_MLS:
            c = t->mla;
            break;
        case ARM_INS_UMULL:
        case ARM_INS_SMULL:
            c = t->mull;
            break;
        case ARM_INS_UMLAL:
        case ARM_INS_SMLAL:
        case ARM_INS_UMAAL:
            c = t->mlal;
            break;
        case ARM_INS_UDIV:
        case ARM_INS_SDIV:
            c = t->div;
            break;
        case ARM_INS_MRS:
            kind = K_SYS;
            c = t->mrs;
            break;
        case ARM_INS_MSR:
            kind = K_SYS;
            c = t->msr;
            for (int i = 0; i < arm->op_count; i++)
                if (arm->operands[i].type == ARM_OP_SYSREG &&
                    (arm->operands[i].reg == ARM_SYSREG_MSP || arm->operands[i].reg == ARM_SYSREG_PSP ||
                     arm->operands[i].reg == ARM_SYSREG_CONTROL)) /* CONTROL.SPSEL switches SP */
                    writes |= RB_SP;
            break;
        case ARM_INS_CPS:
            kind = K_SYS;
            c = t->cps;
            break;
        case ARM_INS_ISB:
            kind = K_SYS;
            c = t->isb;
            break;
        case ARM_INS_DMB:
        case ARM_INS_DSB:
            kind = K_SYS;
            c = t->dmb;
            break;
        case ARM_INS_WFI:
        case ARM_INS_WFE:
            kind = K_SYS;
            c = t->wfx;
            break;
        case ARM_INS_IT:
            kind = K_SYS;
            c = (t->v7m && prev16) ? 0 : 1;
            {
                unsigned mask = in->bytes[0] & 0xf;
                it_left = mask ? 4 - (unsigned)__builtin_ctz(mask) : 0;
            }
            break;
        case ARM_INS_NOP: case ARM_INS_YIELD: case ARM_INS_SEV: case ARM_INS_BKPT: case ARM_INS_SVC:
            kind = K_SYS;
            c = 1;
            break;
        case ARM_INS_VLDR:
        case ARM_INS_VSTR:
            kind = K_SYS;
            c = 2;
            break;
        case ARM_INS_VLDMIA:
        case ARM_INS_VLDMDB:
        case ARM_INS_VSTMIA:
        case ARM_INS_VSTMDB:
            kind = K_SYS;
            c = 1 + arm_list_words(arm, 1);
            break;
        case ARM_INS_VPUSH:
        case ARM_INS_VPOP:
            kind = K_SYS;
            c = 1 + arm_list_words(arm, 0);
            writes |= RB_SP;
            break;
        case ARM_INS_VDIV:
        case ARM_INS_VSQRT:
            kind = K_SYS;
            c = 14;
            break;
        case ARM_INS_VMLA: case ARM_INS_VMLS: case ARM_INS_VNMLA: case ARM_INS_VNMLS:
        case ARM_INS_VFMA: case ARM_INS_VFMS: case ARM_INS_VFNMA: case ARM_INS_VFNMS:
            kind = K_SYS;
            c = 3;
            break;
        default:
            if (arm_is_load(id) || arm_is_store(id)) {
                kind = K_LS;
                c = 2;
            } else if (in->mnemonic[0] == 'v') {
                kind = K_SYS; /* other VFP data processing and moves */
            }
            break;
        }

        /* The ARMv7-M load/store rules (see the comment on PREV_*). */
        if (t->v7m) {
            bool to_pc = (writes & RB_PC) != 0;
            if (kind == K_LS && !to_pc) {
                if (arm_is_store(id) && !index_reg && !arm_is_exclusive(id))
                    c = 1;
                else if (prev == PREV_LOAD && !(addr_regs & prev_writes))
                    c = 1;
            }
            if ((kind == K_LS || kind == K_LSD || kind == K_LSM) && prev == PREV_ALU && (addr_regs & prev_writes))
                c++;
        }

        /* Other instructions that write the PC: POP/LDM {..,pc}, LDR pc, MOV/ADD pc. */
        if (!writes_pc && (writes & RB_PC)) {
            writes_pc = true;
            if (kind == K_LSM)
                full = c + t->p;
            else if (kind == K_LS)
                full = 2 + t->p;
            else
                full = 1 + t->p;
        }

        if (writes & RB_SP) {
            int32_t d = 0;
            bool known = !cond && !in_it && arm_reg_step(id, arm, ARM_REG_SP, &d);
            sp_write(&st, known, d);
        }

        penalty = 0;
        flags &= ~(BC_ENDS_BRANCH | BC_CALL | BC_RET | BC_RET_REG);
        if (writes_pc) {
            flags |= BC_ENDS_BRANCH | arm_call_or_ret(in, arm);
            if (cond) {
                /* Not taken: it issues (1 cycle); taken: the rest. */
                cycles = sat_add(cycles, 1);
                penalty = full > 1 ? full - 1 : 0;
            } else {
                cycles = sat_add(cycles, full); /* always taken: all of it up front */
            }
        } else {
            cycles = sat_add(cycles, c);
        }

        /* State for the next instruction. */
        if (kind == K_LS && !(writes & RB_PC))
            prev = (arm_is_load(id) || arm_is_exclusive(id)) ? PREV_LOAD : PREV_STORE;
        else if (kind == K_ALU && (writes & ~RB_PC))
            prev = PREV_ALU;
        else
            prev = PREV_OTHER;
        prev_writes = writes;
        prev16 = in->size == 2;
        int abase;
        int32_t adisp;
        uint16_t aspan;
        align = align || arm_align_access(id, arm, &abase, &adisp, &aspan);
        if (ao)
            align_track(ao, in, arm, writes, cond || in_it);
    }
    if (left) { /* a trailing odd byte */
        cycles++;
        insns++;
        flags |= BC_UNDECODED;
    }
    if (it_left)
        arm_flush_it(cm, it_left);
    finish(out, cycles, insns, penalty, flags, &st);
    return align;
}

static bool arm_block(CostModel *cm, uint32_t addr, const uint8_t *code, size_t len, BlockCost *out)
{
    return arm_block_align(cm, addr, code, len, out, NULL);
}

static size_t arm_align_checks(CostModel *cm, uint32_t addr, const uint8_t *code, size_t len, AlignCheck *out,
                               size_t max)
{
    AlignOut ao = {.out = out, .max = max};
    BlockCost bc;
    align_start(&ao);
    arm_block_align(cm, addr, code, len, &bc, &ao);
    return ao.n;
}

/* ---- RV32 block ------------------------------------------------------------ */

/* OP-FP (.S and .D): only the integer registers matter to the scoreboard and to SP:
 * compares, FCVT.W[U] and FMV.X.W / FCLASS write one, FCVT.*.W[U] and FMV.W.X read one. */
static void rv_decode_opfp(uint32_t w, RvInsn *d)
{
    uint32_t f5 = w >> 27;
    uint8_t rd = (w >> 7) & 31, rs1 = (w >> 15) & 31;
    if (((w >> 25) & 3) > 1)
        return; /* not .S or .D */
    switch (f5) {
    case 0x00: case 0x01: case 0x02: case 0x03: /* FADD FSUB FMUL FDIV */
    case 0x04: case 0x05: case 0x08: case 0x0b: /* FSGNJ* FMIN/FMAX FCVT.S.D/D.S FSQRT */
        d->cls = RV_ALU;
        break;
    case 0x14: case 0x18: case 0x1c: /* FEQ/FLT/FLE, FCVT.W[U], FMV.X.W/FCLASS */
        d->cls = RV_ALU;
        d->rd = rd;
        break;
    case 0x1a: case 0x1e: /* FCVT.S/D.W[U], FMV.W.X */
        d->cls = RV_ALU;
        d->rs1 = rs1;
        break;
    default:
        break;
    }
}

/* Decode one instruction at p (avail bytes). Returns its length, 0 if truncated. */
static unsigned rv_decode(const uint8_t *p, size_t avail, RvInsn *d)
{
    memset(d, 0, sizeof *d);
    if (avail < 2)
        return 0;
    uint32_t h = (uint32_t)p[0] | (uint32_t)p[1] << 8;
    if ((h & 3) == 3) {
        if (avail < 4)
            return 0;
        uint32_t w = h | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        uint32_t op = w & 0x7f, f3 = (w >> 12) & 7, f7 = w >> 25;
        uint8_t rd = (w >> 7) & 31, rs1 = (w >> 15) & 31, rs2 = (w >> 20) & 31;
        d->cls = RV_BAD;
        switch (op) {
        case 0x37: /* LUI */
        case 0x17: /* AUIPC */
            d->cls = RV_ALU;
            d->rd = rd;
            d->upper = true;
            break;
        case 0x6f: /* JAL */
            d->cls = RV_JAL;
            d->rd = rd;
            break;
        case 0x67: /* JALR */
            if (f3 == 0) {
                d->cls = RV_JALR;
                d->rd = rd;
                d->rs1 = rs1;
            }
            break;
        case 0x63: /* BEQ..BGEU */
            if (f3 != 2 && f3 != 3) {
                d->cls = RV_BRANCH;
                d->rs1 = rs1;
                d->rs2 = rs2;
                d->backward = (w >> 31) != 0;
            }
            break;
        case 0x03: /* loads */
            if (f3 == 2)
                d->cls = RV_LW;
            else if (f3 == 0 || f3 == 1 || f3 == 4 || f3 == 5)
                d->cls = RV_LHB;
            d->rd = rd;
            d->rs1 = rs1;
            break;
        case 0x23: /* stores */
            if (f3 <= 2) {
                d->cls = RV_STORE;
                d->rs1 = rs1;
                d->rs2 = rs2;
            }
            break;
        case 0x13: /* OP-IMM */
            d->cls = RV_ALU;
            d->rd = rd;
            d->rs1 = rs1;
            if (f3 == 0 && rd == 2 && rs1 == 2) {
                d->sp_add = true;
                d->imm = (int32_t)w >> 20;
            }
            break;
        case 0x33: /* OP, and the M extension with funct7 = 1 */
            if (f7 == 1)
                d->cls = f3 < 4 ? RV_MUL : RV_DIV;
            else if (f7 == 0 || f7 == 0x20)
                d->cls = RV_ALU;
            d->rd = rd;
            d->rs1 = rs1;
            d->rs2 = rs2;
            break;
        case 0x0f: /* FENCE, FENCE.I */
            if (f3 == 0)
                d->cls = RV_FENCE;
            else if (f3 == 1)
                d->cls = RV_FENCEI;
            break;
        case 0x73: /* SYSTEM */
            if (f3 == 0) {
                if (w == 0x00000073u || w == 0x00100073u)
                    d->cls = RV_TRAP; /* ECALL, EBREAK */
                else if (w == 0x30200073u)
                    d->cls = RV_MRET;
                else if (w == 0x10500073u)
                    d->cls = RV_WFI;
            } else if (f3 != 4) {
                d->cls = RV_CSR;
                d->rd = rd;
                d->rs1 = f3 < 4 ? rs1 : 0; /* CSRR*I: rs1 is an immediate */
            }
            break;
        case 0x07: /* FLW, FLD: the result is an FP register */
            if (f3 == 2 || f3 == 3) {
                d->cls = RV_LW;
                d->rs1 = rs1;
            }
            break;
        case 0x27: /* FSW, FSD: the data is an FP register */
            if (f3 == 2 || f3 == 3) {
                d->cls = RV_STORE;
                d->rs1 = rs1;
            }
            break;
        case 0x43: /* FMADD, FMSUB, FNMSUB, FNMADD (.S, .D) */
        case 0x47:
        case 0x4b:
        case 0x4f:
            if (((w >> 25) & 3) <= 1)
                d->cls = RV_ALU;
            break;
        case 0x53: /* OP-FP */
            rv_decode_opfp(w, d);
            break;
        case 0x2f: /* A extension, word */
            if (f3 == 2) {
                d->cls = RV_AMO;
                d->rd = rd;
                d->rs1 = rs1;
                d->rs2 = rs2;
            }
            break;
        default:
            break;
        }
        if (d->cls == RV_BAD)
            d->rd = d->rs1 = d->rs2 = 0;
        return 4;
    }

    /* The C extension (RV32C, with its F and D loads and stores). */
    uint32_t q = h & 3, f3 = h >> 13;
    uint8_t rdp = 8 + ((h >> 2) & 7), rs1p = 8 + ((h >> 7) & 7);
    uint8_t r = (h >> 7) & 31, r2 = (h >> 2) & 31;
    d->cls = RV_BAD;
    if (q == 0) {
        if (f3 == 0 && (h & 0x1fe0) != 0) { /* C.ADDI4SPN (nzuimm != 0) */
            d->cls = RV_ALU;
            d->rd = rdp;
            d->rs1 = 2;
        } else if (f3 == 2) { /* C.LW */
            d->cls = RV_LW;
            d->rd = rdp;
            d->rs1 = rs1p;
        } else if (f3 == 6) { /* C.SW */
            d->cls = RV_STORE;
            d->rs1 = rs1p;
            d->rs2 = rdp;
        } else if (f3 == 1 || f3 == 3) { /* C.FLD, C.FLW (RV32) */
            d->cls = RV_LW;
            d->rs1 = rs1p;
        } else if (f3 == 5 || f3 == 7) { /* C.FSD, C.FSW (RV32) */
            d->cls = RV_STORE;
            d->rs1 = rs1p;
        }
    } else if (q == 1) {
        switch (f3) {
        case 0: /* C.ADDI, C.NOP */
            d->cls = RV_ALU;
            d->rd = d->rs1 = r;
            if (r == 2) {
                d->sp_add = true;
                d->imm = (int32_t)((((h >> 12) & 1) ? ~0u << 5 : 0) | ((h >> 2) & 31));
            }
            break;
        case 1: /* C.JAL (RV32) */
            d->cls = RV_JAL;
            d->rd = 1;
            break;
        case 2: /* C.LI */
            d->cls = RV_ALU;
            d->rd = r;
            break;
        case 3: /* C.ADDI16SP (rd = sp) or C.LUI */
            d->cls = RV_ALU;
            d->rd = r;
            d->rs1 = r == 2 ? 2 : 0;
            d->upper = r != 2;
            if (r == 2) { /* nzimm[9|4|6|8:7|5] in bits 12|6|5|4:3|2 */
                uint32_t v = ((h >> 12) & 1) << 9 | ((h >> 6) & 1) << 4 | ((h >> 5) & 1) << 6 |
                             ((h >> 3) & 3) << 7 | ((h >> 2) & 1) << 5;
                d->sp_add = true;
                d->imm = (int32_t)(v << 22) >> 22;
            }
            break;
        case 4: /* C.SRLI, C.SRAI, C.ANDI, C.SUB/XOR/OR/AND */
            if (((h >> 10) & 3) == 3 && (h & 0x1000))
                break; /* RV64-only C.SUBW/C.ADDW */
            d->cls = RV_ALU;
            d->rd = d->rs1 = rs1p;
            if (((h >> 10) & 3) == 3)
                d->rs2 = rdp;
            break;
        case 5: /* C.J */
            d->cls = RV_JAL;
            break;
        default: /* C.BEQZ, C.BNEZ */
            d->cls = RV_BRANCH;
            d->rs1 = rs1p;
            d->backward = (h & 0x1000) != 0;
            break;
        }
    } else if (q == 2) {
        switch (f3) {
        case 0: /* C.SLLI */
            d->cls = RV_ALU;
            d->rd = d->rs1 = r;
            break;
        case 2: /* C.LWSP */
            if (r) {
                d->cls = RV_LW;
                d->rd = r;
                d->rs1 = 2;
            }
            break;
        case 4:
            if (!(h & 0x1000)) {
                if (r2 == 0 && r) { /* C.JR */
                    d->cls = RV_JALR;
                    d->rs1 = r;
                } else if (r2) { /* C.MV */
                    d->cls = RV_ALU;
                    d->rd = r;
                    d->rs2 = r2;
                }
            } else if (r == 0 && r2 == 0) { /* C.EBREAK */
                d->cls = RV_TRAP;
            } else if (r2 == 0) { /* C.JALR */
                d->cls = RV_JALR;
                d->rd = 1;
                d->rs1 = r;
            } else { /* C.ADD */
                d->cls = RV_ALU;
                d->rd = d->rs1 = r;
                d->rs2 = r2;
            }
            break;
        case 6: /* C.SWSP */
            d->cls = RV_STORE;
            d->rs1 = 2;
            d->rs2 = r2;
            break;
        case 1: /* C.FLDSP */
        case 3: /* C.FLWSP (RV32) */
            d->cls = RV_LW;
            d->rs1 = 2;
            break;
        default: /* 5, 7: C.FSDSP, C.FSWSP (RV32) */
            d->cls = RV_STORE;
            d->rs1 = 2;
            break;
        }
    }
    if (d->cls == RV_BAD)
        d->rd = d->rs1 = d->rs2 = 0;
    return 2;
}

static inline uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }

static bool rv_block(CostModel *cm, uint32_t addr, const uint8_t *code, size_t len, BlockCost *out)
{
    uint32_t ready[32] = {0}; /* cycle (from block start) each register's value is usable */
    uint32_t t = 0;           /* cycle the next instruction can issue */
    uint32_t mdu_free = 0;    /* cycle the multiply/divide unit is free */
    uint32_t insns = 0, penalty = 0;
    unsigned flags = 0;
    size_t off = 0;
    uint8_t upper_rd = 0; /* rd of the previous instruction if it was LUI/AUIPC */
    SpTrack st = {0};

    while (off < len) {
        RvInsn d;
        unsigned n = rv_decode(code + off, len - off, &d);
        if (!n) { /* truncated: 1 cycle per 2 bytes */
            t += (uint32_t)((len - off + 1) / 2);
            insns++;
            flags |= BC_UNDECODED;
            penalty = 0;
            flags &= ~(BC_ENDS_BRANCH | BC_CALL | BC_RET);
            sp_write(&st, false, 0);
            break;
        }
        off += n;
        insns++;
        uint32_t issue = t;
        if (d.rs1)
            issue = max_u32(issue, ready[d.rs1]);
        if (d.rs2)
            issue = max_u32(issue, ready[d.rs2]);
        if (d.cls == RV_MUL || d.cls == RV_DIV)
            issue = max_u32(issue, mdu_free);
        uint32_t occupy = 1, lat = 1;
        penalty = 0;
        flags &= ~(BC_ENDS_BRANCH | BC_CALL | BC_RET);
        switch (d.cls) {
        case RV_LW: lat = RV_LAT_LW; break;
        case RV_LHB: lat = RV_LAT_LHB; break;
        case RV_CSR: lat = RV_LAT_CSR; break;
        case RV_MUL: lat = RV_LAT_MUL; mdu_free = issue + RV_LAT_MUL; break;
        case RV_DIV: lat = RV_LAT_DIV; mdu_free = issue + RV_LAT_DIV; break;
        case RV_AMO: occupy = 2; lat = RV_LAT_AMO; break;
        case RV_BRANCH:
            flags |= BC_ENDS_BRANCH;
            penalty = d.backward ? 0 : RV_MISPREDICT;
            break;
        case RV_JAL:
            flags |= BC_ENDS_BRANCH | ((d.rd == 1 || d.rd == 5) ? BC_CALL : 0);
            break;
        case RV_JALR: {
            flags |= BC_ENDS_BRANCH;
            bool ret = (d.rs1 == 1 || d.rs1 == 5) && d.rd != 1 && d.rd != 5;
            flags |= ret ? BC_RET : (d.rd == 1 || d.rd == 5) ? BC_CALL : 0;
            bool direct = d.rs1 && d.rs1 == upper_rd; /* auipc+jalr: a far call or tail call */
            if (!ret && !direct)
                occupy += RV_MISPREDICT;
            break;
        }
        case RV_MRET:
            flags |= BC_ENDS_BRANCH | BC_RET;
            occupy += RV_MISPREDICT;
            break;
        case RV_FENCEI: occupy += RV_MISPREDICT; break;
        case RV_BAD:
            occupy = n / 2;
            flags |= BC_UNDECODED;
            sp_write(&st, false, 0); /* it may have been one that writes SP */
            break;
        default: break;
        }
        t = issue + occupy;
        upper_rd = d.upper ? d.rd : 0;
        if (d.rd) {
            ready[d.rd] = issue + lat;
            if (d.rd == 2)
                sp_write(&st, d.sp_add, d.imm);
        }
    }
    /* A multiply/divide result still in flight is assumed to be needed by the
     * next block (e.g. `divu a0,a0,a1; ret`): wait for the unit. */
    if (mdu_free > t)
        t = mdu_free;
    finish(out, t, insns, penalty, flags, &st);
    return false; /* the alignment checks (cost_align_checks) are ARM's */
}

/* ==== locating a faulting access ========================================== */

/* Bytes moved by one Thumb load/store (not the multiple forms). */
static uint16_t arm_access_size(unsigned id)
{
    switch (id) {
    case ARM_INS_LDRB: case ARM_INS_LDRSB: case ARM_INS_STRB: case ARM_INS_LDRBT: case ARM_INS_LDRSBT:
    case ARM_INS_STRBT: case ARM_INS_LDREXB: case ARM_INS_STREXB:
        return 1;
    case ARM_INS_LDRH: case ARM_INS_LDRSH: case ARM_INS_STRH: case ARM_INS_LDRHT: case ARM_INS_LDRSHT:
    case ARM_INS_STRHT: case ARM_INS_LDREXH: case ARM_INS_STREXH:
        return 2;
    case ARM_INS_LDRD: case ARM_INS_STRD: case ARM_INS_VLDR: case ARM_INS_VSTR:
        return 8;
    default:
        return 4;
    }
}

static size_t arm_mem_accesses(CostModel *cm, uint32_t addr, const uint8_t *code, size_t len, MemAccess *out,
                               size_t max)
{
    const uint8_t *p = code;
    size_t left = len, n = 0;
    uint64_t a = addr;
    while (n < max && cs_disasm_iter(cm->cs, &p, &left, &a, cm->insn)) {
        const cs_insn *in = cm->insn;
        const cs_arm *d = &in->detail->arm;
        unsigned id = in->id;
        MemAccess m = {.pc = (uint32_t)in->address, .index = -1, .scale = 1};
        bool multi = false;
        switch (id) {
        case ARM_INS_PUSH: case ARM_INS_VPUSH:
            m = (MemAccess){.pc = m.pc, .base = 13, .index = -1, .store = true};
            m.span = (uint16_t)(4 * arm_list_words(d, 0));
            m.disp = -(int32_t)m.span;
            multi = true;
            break;
        case ARM_INS_POP: case ARM_INS_VPOP:
            m = (MemAccess){.pc = m.pc, .base = 13, .index = -1};
            m.span = (uint16_t)(4 * arm_list_words(d, 0));
            multi = true;
            break;
        case ARM_INS_LDM: case ARM_INS_STM: case ARM_INS_LDMDB: case ARM_INS_STMDB:
            m.base = (int8_t)arm_regno(d->operands[0].reg);
            m.index = -1;
            m.span = (uint16_t)(4 * arm_list_words(d, 1));
            m.store = id == ARM_INS_STM || id == ARM_INS_STMDB;
            m.disp = (id == ARM_INS_LDMDB || id == ARM_INS_STMDB) ? -(int32_t)m.span : 0;
            multi = true;
            break;
        default:
            break;
        }
        if (!multi) {
            bool load = arm_is_load(id) || id == ARM_INS_LDRD || id == ARM_INS_VLDR;
            bool store = arm_is_store(id) || id == ARM_INS_STRD || id == ARM_INS_VSTR;
            if (!load && !store)
                continue;
            const cs_arm_op *mem = NULL;
            for (int i = 0; i < d->op_count; i++)
                if (d->operands[i].type == ARM_OP_MEM)
                    mem = &d->operands[i];
            if (!mem)
                continue;
            m.base = (int8_t)arm_regno(mem->mem.base);
            m.index = mem->mem.index == ARM_REG_INVALID ? -1 : (int8_t)arm_regno(mem->mem.index);
            m.scale = mem->mem.scale < 0 ? -1 : 1;
            m.shift = mem->shift.type == ARM_SFT_LSL ? (uint8_t)mem->shift.value : 0;
            m.disp = mem->mem.disp;
            m.span = arm_access_size(id);
            m.store = store;
        }
        if (m.base >= 0)
            out[n++] = m;
    }
    arm_flush_it(cm, 4); /* leave no IT state behind for the next block */
    return n;
}

static int32_t sext(uint32_t v, int bits) { return (int32_t)(v << (32 - bits)) >> (32 - bits); }

/* RV32 loads/stores: LB..LW, SB..SW, c.lw/c.sw, c.lwsp/c.swsp, the F and D ones (FLW..FSD
 * and their compressed forms; AMOs and LR/SC: base only). */
static size_t rv_mem_accesses(CostModel *cm, uint32_t addr, const uint8_t *code, size_t len, MemAccess *out,
                              size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i + 2 <= len && n < max;) {
        uint32_t h = (uint32_t)code[i] | (uint32_t)code[i + 1] << 8;
        MemAccess m = {.pc = addr + (uint32_t)i, .index = -1, .scale = 1, .base = -1};
        if ((h & 3) != 3) { /* compressed */
            uint32_t q = h & 3, f3 = h >> 13;
            bool word = (f3 & 1) == 0 || f3 == 3 || f3 == 7; /* c.lw c.sw c.flw c.fsw (c.*sp alike) */
            if (q == 0 && f3 != 0 && f3 != 4) { /* c.lw / c.sw, c.fld / c.fsd, c.flw / c.fsw */
                m.base = (int8_t)(8 + ((h >> 7) & 7));
                m.disp = word ? (int32_t)(((h >> 6) & 1) << 2 | ((h >> 10) & 7) << 3 | ((h >> 5) & 1) << 6)
                              : (int32_t)(((h >> 10) & 7) << 3 | ((h >> 5) & 3) << 6);
                m.span = word ? 4 : 8;
                m.store = f3 >= 5;
            } else if (q == 2 && (f3 & 3) && f3 < 4) { /* c.lwsp, c.fldsp, c.flwsp */
                m.base = 2;
                m.disp = word ? (int32_t)(((h >> 4) & 7) << 2 | ((h >> 12) & 1) << 5 | ((h >> 2) & 3) << 6)
                              : (int32_t)(((h >> 5) & 3) << 3 | ((h >> 12) & 1) << 5 | ((h >> 2) & 7) << 6);
                m.span = word ? 4 : 8;
            } else if (q == 2 && f3 > 4) { /* c.swsp, c.fsdsp, c.fswsp */
                m.base = 2;
                m.disp = word ? (int32_t)(((h >> 9) & 15) << 2 | ((h >> 7) & 3) << 6)
                              : (int32_t)(((h >> 10) & 7) << 3 | ((h >> 7) & 7) << 6);
                m.span = word ? 4 : 8;
                m.store = true;
            }
            i += 2;
        } else {
            if (i + 4 > len)
                break;
            uint32_t w = h | (uint32_t)code[i + 2] << 16 | (uint32_t)code[i + 3] << 24;
            uint32_t op = w & 0x7F, f3 = (w >> 12) & 7;
            if (op == 0x03 && f3 != 3 && f3 < 6) { /* loads */
                m.base = (int8_t)((w >> 15) & 31);
                m.disp = sext(w >> 20, 12);
                m.span = (uint16_t)(1u << (f3 & 3));
            } else if ((op == 0x23 && f3 < 3) || (op == 0x27 && (f3 == 2 || f3 == 3))) { /* stores, FSW/FSD */
                m.base = (int8_t)((w >> 15) & 31);
                m.disp = sext(((w >> 25) << 5) | ((w >> 7) & 31), 12);
                m.span = (uint16_t)(1u << f3);
                m.store = true;
            } else if (op == 0x07 && (f3 == 2 || f3 == 3)) { /* FLW, FLD */
                m.base = (int8_t)((w >> 15) & 31);
                m.disp = sext(w >> 20, 12);
                m.span = (uint16_t)(1u << f3);
            } else if (op == 0x2F) { /* AMO, LR/SC */
                m.base = (int8_t)((w >> 15) & 31);
                m.span = 4;
                m.store = (w >> 27) != 2; /* all but LR write */
            }
            i += 4;
        }
        if (m.base >= 0)
            out[n++] = m;
    }
    return n;
}

/* ==== the model object's entry points ====================================== */

static const CostIsa thumb_isa = {
    .open = arm_open,
    .close = arm_close,
    .block = arm_block,
    .mem_accesses = arm_mem_accesses,
    .align_checks = arm_align_checks,
};

static const CostIsa rv32_isa = {
    .block = rv_block,
    .mem_accesses = rv_mem_accesses,
};

static const CostIsa *const isa_of_arch[ARCH__COUNT] = {
    [ARCH_ARM_M] = &thumb_isa,
    [ARCH_RISCV32] = &rv32_isa,
};

CostModel *cost_new(CoreModel core, char **err)
{
    if ((unsigned)core >= CORE__COUNT) {
        set_err(err, "cost model: unknown core %d", (int)core);
        return NULL;
    }
    CostModel *cm = xcalloc(1, sizeof *cm);
    cm->isa = isa_of_arch[core_arch(core)];
    if (cm->isa->open && cm->isa->open(cm, core, err) < 0) {
        free(cm);
        return NULL;
    }
    return cm;
}

void cost_free(CostModel *cm)
{
    if (!cm)
        return;
    if (cm->isa->close)
        cm->isa->close(cm);
    free(cm);
}

bool cost_block(CostModel *cm, uint32_t addr, const uint8_t *code, size_t len, BlockCost *out)
{
    if (!len || !code) {
        finish(out, 1, 1, 0, BC_UNDECODED | BC_SP_DYNAMIC, NULL);
        return false;
    }
    return cm->isa->block(cm, addr, code, len, out);
}

size_t cost_mem_accesses(CostModel *cm, uint32_t addr, const uint8_t *code, size_t len, MemAccess *out, size_t max)
{
    if (!code || !len)
        return 0;
    return cm->isa->mem_accesses(cm, addr, code, len, out, max);
}

size_t cost_align_checks(CostModel *cm, uint32_t addr, const uint8_t *code, size_t len, AlignCheck *out, size_t max)
{
    if (!code || !len || !cm->isa->align_checks)
        return 0;
    return cm->isa->align_checks(cm, addr, code, len, out, max);
}

/* Exception entry (from the request to the first handler instruction), exit
 * (after the returning instruction, to the first instruction of the
 * interrupted code) and tail-chain latencies, zero wait states.
 *  - Cortex-M3/M4: 12 cycles entry, 6 cycles tail-chain (ARM: "Cortex-M3/M4
 *    interrupt latency 12 cycles", DDI 0337I/DDI 0439 and ARM's Cortex-M
 *    interrupt-latency note); exit 10 (unstacking 8 words plus the refill;
 *    not given in the TRM as a single number, this is the commonly quoted figure).
 *  - Cortex-M0: 16 cycles entry, Cortex-M0+: 15 (ARM's published latencies).
 *    Exit and tail-chain are not documented for them; we scale from the M3's
 *    figures with the same differences: exit = entry - 2, tail-chain = entry - 6.
 *  - RV32 (E31-like): no hardware stacking; trap entry is a pipeline flush plus
 *    the redirect to mtvec, 4 cycles; MRET is costed as an instruction (see
 *    rv_block), so exit is 0; RISC-V has no tail-chaining, so tail_chain = entry. */
ExcLatency cost_exception_latency(CoreModel core)
{
    switch (core) {
    case CORE_CORTEX_M0:
        return (ExcLatency){.entry = 16, .exit = 14, .tail_chain = 10};
    case CORE_CORTEX_M0PLUS:
        return (ExcLatency){.entry = 15, .exit = 13, .tail_chain = 9};
    case CORE_CORTEX_M3:
    case CORE_CORTEX_M4:
        return (ExcLatency){.entry = 12, .exit = 10, .tail_chain = 6};
    case CORE_RV32IMAC:
    case CORE_RV32GC:
        return (ExcLatency){.entry = 4, .exit = 0, .tail_chain = 4};
    default:
        return (ExcLatency){.entry = 12, .exit = 10, .tail_chain = 6};
    }
}
