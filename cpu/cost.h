/* cost.h: the per-core cycle cost model, applied per executed basic block.
 * A block is decoded once (capstone for Thumb; a small RV32 opcode classifier,
 * since Debian's capstone 4 has no RISC-V) into a BlockCost that is cached. */
#ifndef BAREGC_COST_H
#define BAREGC_COST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/core.h"

enum {
    BC_ENDS_BRANCH = 1 << 0, /* last instruction may transfer control */
    BC_SP_DYNAMIC = 1 << 1,  /* some instruction writes SP in a way the decoder cannot follow
                                (mov sp, msr msp, a conditional pop...): read SP after it */
    BC_UNDECODED = 1 << 2,   /* part of the block could not be decoded (costed 1/insn) */
    BC_CALL = 1 << 3,        /* last instruction is a call (BL/BLX; JAL/JALR linking ra/t0):
                                the return address is the block's end */
    BC_RET = 1 << 4,         /* last instruction is a return (BX LR, POP/LDM {..pc} from SP,
                                RISC-V ret, mret) */
    BC_HOOK = 1 << 5,        /* set by cpu.c: the block starts a hooked function */
    BC_SP_STATIC = 1 << 6,   /* SP moves by known amounts (push/pop, add/sub sp,#imm, addi sp,sp,imm):
                                sp_low and sp_delta say how (up to the first dynamic write) */
    BC_RET_REG = 1 << 7,     /* with BC_RET: a branch through another register (BX Rn), which
                                returns only if it lands where a frame returns to */
};

typedef struct BlockCost {
    uint32_t cycles;        /* cycles when the block falls through its end */
    uint16_t insns;         /* instructions in the block */
    uint8_t taken_penalty;  /* extra cycles when its final branch is taken */
    uint8_t flags;          /* BC_* */
    int16_t sp_low;         /* BC_SP_STATIC: lowest SP in the block, bytes from SP at its start (<= 0) */
    int16_t sp_delta;       /* BC_SP_STATIC: SP at its end minus SP at its start */
} BlockCost;

typedef struct CostModel CostModel;

CostModel *cost_new(CoreModel core, char **err);
void cost_free(CostModel *cm);
/* Decode code[0..len) (the bytes of one translated block at guest address addr)
 * and fill *out. Never fails: what cannot be decoded costs 1 cycle per 2 bytes
 * and sets BC_UNDECODED. Returns true when the block has an access that must be word
 * aligned and whose base is neither SP nor the PC (cost_align_checks lists them). */
bool cost_block(CostModel *cm, uint32_t addr, const uint8_t *code, size_t len, BlockCost *out);

/* The loads and stores of a block, to find the instruction behind a faulting
 * access: Unicorn reports those with the PC of the block's first instruction. */
typedef struct MemAccess {
    uint32_t pc;    /* instruction address */
    int8_t base;    /* base register: ARM r0-r15 (15 = PC: Align(pc + 4, 4)), RISC-V x0-x31 */
    int8_t index;   /* index register, -1 when none */
    int8_t scale;   /* the index counts index << shift, subtracted when scale < 0 */
    uint8_t shift;
    int32_t disp;   /* bytes from base (+ index) to the lowest byte accessed */
    uint16_t span;  /* bytes accessed */
    bool store;
} MemAccess;

/* Fills up to max entries in program order and returns how many. */
size_t cost_mem_accesses(CostModel *cm, uint32_t addr, const uint8_t *code, size_t len, MemAccess *out, size_t max);

/* An access that ARMv7-M requires to be word aligned whatever CCR.UNALIGN_TRP says
 * (LDRD/STRD, LDM/STM, VLDR/VSTR, VLDM/VSTM; ARMv7-M ARM A3.2.1) and that would fault
 * (UsageFault UNALIGNED) in QEMU 6.0 and later but not in Unicorn 2.0.1, with what the
 * decoder knows of its base register at the block's start. PUSH/POP and SP- or
 * PC-relative forms are always aligned and never listed. */
enum {
    ALIGN_UNKNOWN = -1, /* computed in the block in a way the decoder does not follow */
    ALIGN_CONST = -2,   /* the base is `offset` */
    ALIGN_LITERAL = -3, /* the base is the word at `literal` (a PC-relative load) plus `offset` */
};
typedef struct AlignCheck {
    uint32_t pc;       /* the instruction */
    uint32_t literal;  /* ALIGN_LITERAL: the literal's address */
    int32_t offset;    /* base at the instruction, plus disp: from origin (see below) */
    int32_t disp;      /* bytes from the base to the lowest address accessed */
    uint16_t span;     /* bytes accessed */
    int8_t base;       /* the base register (decoder number, r0-r12, r14) */
    int8_t origin;     /* >= 0: the lowest address is register `origin` at the block's start
                          plus offset; else ALIGN_* */
    uint8_t size;      /* instruction bytes */
    bool store;
    bool cond;         /* in an IT block: may not execute */
    char name[8];      /* mnemonic, upper case ("LDRD") */
} AlignCheck;
/* Fills up to max entries in program order and returns how many (ARM only; 0 for RV32). */
size_t cost_align_checks(CostModel *cm, uint32_t addr, const uint8_t *code, size_t len, AlignCheck *out, size_t max);

/* Exception (interrupt) entry, exit and tail-chain latencies in cycles for core. */
typedef struct ExcLatency {
    uint8_t entry, exit, tail_chain;
} ExcLatency;
ExcLatency cost_exception_latency(CoreModel core);

#endif
