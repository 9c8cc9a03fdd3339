/* test_cost.c: the per-core block cost model on hand-checked instruction sequences.
 * The bytes were produced once with arm-none-eabi-as / riscv64-unknown-elf-as
 * (-march=rv32imac_zicsr_zifencei); the source is in the comment next to them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "cpu/cost.h"
#include "tests/cunit_main.h"

static CostModel *models[CORE__COUNT];

static BlockCost cost_of(CoreModel core, uint32_t addr, const uint8_t *code, size_t len)
{
    if (!models[core]) {
        char *err = NULL;
        models[core] = cost_new(core, &err);
        if (!models[core]) {
            fprintf(stderr, "cost_new: %s\n", err ? err : "?");
            free(err);
            abort();
        }
    }
    BlockCost bc;
    cost_block(models[core], addr, code, len, &bc);
    return bc;
}

#define COST(core, bytes) cost_of((core), 0x1000, (bytes), sizeof(bytes))

/* Checks one block's cost: cycles, instructions, taken penalty and flags. */
#define CHECK_BLOCK(core, bytes, cyc, n, pen, fl)                  \
    do {                                                           \
        BlockCost bc_ = COST((core), (bytes));                     \
        CU_ASSERT_EQUAL(bc_.cycles, (cyc));                        \
        CU_ASSERT_EQUAL(bc_.insns, (n));                           \
        CU_ASSERT_EQUAL(bc_.taken_penalty, (pen));                 \
        CU_ASSERT_EQUAL(bc_.flags, (fl));                          \
    } while (0)

/* Checks how a block moves SP: known moves (lowest point and net change from the
 * block's start) and whether SP must be read back after it. */
#define CHECK_SP(core, bytes, low, delta, dynamic)                                  \
    do {                                                                          \
        BlockCost bc_ = COST((core), (bytes));                                    \
        CU_ASSERT((bc_.flags & BC_SP_STATIC) != 0);                               \
        CU_ASSERT_EQUAL(bc_.sp_low, (low));                                       \
        CU_ASSERT_EQUAL(bc_.sp_delta, (delta));                                   \
        CU_ASSERT_EQUAL((bc_.flags & BC_SP_DYNAMIC) != 0, (dynamic));             \
    } while (0)

/* ---- Cortex-M --------------------------------------------------------------- */

/* loop: ldr r0,[r1]; str r0,[r2,#4]; adds r1,#4; cmp r1,r4; bne loop */
static const uint8_t thumb_loop[] = {0x08, 0x68, 0x50, 0x60, 0x04, 0x31, 0xa1, 0x42, 0xfa, 0xd1};

static void test_arm_loop(void)
{
    /* M3: LDR 2, STR #imm 1 ("always one cycle"), ADDS 1, CMP 1, BNE 1 (+P=2 taken). */
    CHECK_BLOCK(CORE_CORTEX_M3, thumb_loop, 6, 5, 2, BC_ENDS_BRANCH);
    CHECK_BLOCK(CORE_CORTEX_M4, thumb_loop, 6, 5, 2, BC_ENDS_BRANCH);
    /* M0: LDR 2, STR 2, 1, 1, B<cond> 1 or 3. */
    CHECK_BLOCK(CORE_CORTEX_M0, thumb_loop, 7, 5, 2, BC_ENDS_BRANCH);
    /* M0+: the same but a taken branch is 2. */
    CHECK_BLOCK(CORE_CORTEX_M0PLUS, thumb_loop, 7, 5, 1, BC_ENDS_BRANCH);
}

static void test_arm_load_pipelining(void)
{
    /* ldr r0,[r1]; ldr r2,[r3]; ldr r4,[r0]; str r4,[r5,r6]: 2 + 1 + 1 + 1 on v7-M. */
    static const uint8_t pipe[] = {0x08, 0x68, 0x1a, 0x68, 0x04, 0x68, 0xac, 0x51};
    CHECK_BLOCK(CORE_CORTEX_M3, pipe, 5, 4, 0, 0);
    CHECK_BLOCK(CORE_CORTEX_M0, pipe, 8, 4, 0, 0);
    /* ldr r0,[r1]; ldr r2,[r0]: the address needs the first load's result: 2 + 2. */
    static const uint8_t dep[] = {0x08, 0x68, 0x02, 0x68};
    CHECK_BLOCK(CORE_CORTEX_M3, dep, 4, 2, 0, 0);
    /* adds r1,#4; ldr r0,[r1]: address from the previous ALU result: 1 + 2 + 1 stall. */
    static const uint8_t adep[] = {0x04, 0x31, 0x08, 0x68};
    CHECK_BLOCK(CORE_CORTEX_M3, adep, 4, 2, 0, 0);
    CHECK_BLOCK(CORE_CORTEX_M0, adep, 3, 2, 0, 0);
    /* str r0,[r1,r2]; str r0,[r1,r3]: register offset, nothing pipelines after a store. */
    static const uint8_t strr[] = {0x88, 0x50, 0xc8, 0x50};
    CHECK_BLOCK(CORE_CORTEX_M3, strr, 4, 2, 0, 0);
    /* ldrd r0,r1,[r2]: 1+N. */
    static const uint8_t ldrd[] = {0xd2, 0xe9, 0x00, 0x01};
    CHECK_BLOCK(CORE_CORTEX_M3, ldrd, 3, 1, 0, 0);
}

static void test_arm_push_pop(void)
{
    /* push {r4-r7,lr}: 1+N = 6 on every core. */
    static const uint8_t push[] = {0xf0, 0xb5};
    for (int c = CORE_CORTEX_M0; c <= CORE_CORTEX_M4; c++)
        CHECK_BLOCK(c, push, 6, 1, 0, BC_SP_STATIC);
    CHECK_SP(CORE_CORTEX_M3, push, -20, -20, false);
    /* pop {r4,pc}: M3 1+N+P = 1+2+2, M0 4+N(low regs) = 5, M0+ 3+N = 4; always taken. */
    static const uint8_t pop[] = {0x10, 0xbd};
    CHECK_BLOCK(CORE_CORTEX_M3, pop, 5, 1, 0, BC_ENDS_BRANCH | BC_SP_STATIC | BC_RET);
    CHECK_BLOCK(CORE_CORTEX_M0, pop, 5, 1, 0, BC_ENDS_BRANCH | BC_SP_STATIC | BC_RET);
    CHECK_BLOCK(CORE_CORTEX_M0PLUS, pop, 4, 1, 0, BC_ENDS_BRANCH | BC_SP_STATIC | BC_RET);
    CHECK_SP(CORE_CORTEX_M0, pop, 0, 8, false);
    /* stmdb sp!,{r4,r5} (push.w): 1+2. */
    static const uint8_t stmdb[] = {0x2d, 0xe9, 0x30, 0x00};
    CHECK_BLOCK(CORE_CORTEX_M3, stmdb, 3, 1, 0, BC_SP_STATIC);
    CHECK_SP(CORE_CORTEX_M3, stmdb, -8, -8, false);
}

static void test_arm_multiply_divide(void)
{
    /* udiv r0,r1,r2; mla r0,r1,r2,r3; umull r0,r1,r2,r3 */
    static const uint8_t md[] = {0xb1, 0xfb, 0xf2, 0xf0, 0x01, 0xfb, 0x02, 0x30, 0xa2, 0xfb, 0x03, 0x01};
    CHECK_BLOCK(CORE_CORTEX_M3, md, 12 + 2 + 5, 3, 0, 0); /* worst-case UDIV and UMULL */
    CHECK_BLOCK(CORE_CORTEX_M4, md, 12 + 1 + 1, 3, 0, 0); /* single-cycle MAC */
}

static void test_arm_branches(void)
{
    /* bl <label>: M3 1+P, M0 4, M0+ 3; taken always, so all in cycles. */
    static const uint8_t bl[] = {0xff, 0xf7, 0xf6, 0xff};
    CHECK_BLOCK(CORE_CORTEX_M3, bl, 3, 1, 0, BC_ENDS_BRANCH | BC_CALL);
    CHECK_BLOCK(CORE_CORTEX_M0, bl, 4, 1, 0, BC_ENDS_BRANCH | BC_CALL);
    CHECK_BLOCK(CORE_CORTEX_M0PLUS, bl, 3, 1, 0, BC_ENDS_BRANCH | BC_CALL);
    /* bx lr */
    static const uint8_t bx[] = {0x70, 0x47};
    CHECK_BLOCK(CORE_CORTEX_M3, bx, 3, 1, 0, BC_ENDS_BRANCH | BC_RET);
    CHECK_BLOCK(CORE_CORTEX_M0PLUS, bx, 2, 1, 0, BC_ENDS_BRANCH | BC_RET);
    /* bx r3: Thumb-1's varargs return (after pop {r3}), or a jump through a pointer */
    static const uint8_t bxr3[] = {0x18, 0x47};
    CHECK_BLOCK(CORE_CORTEX_M0, bxr3, 3, 1, 0, BC_ENDS_BRANCH | BC_RET | BC_RET_REG);
    /* b.n <label> */
    static const uint8_t b[] = {0xfd, 0xe7};
    CHECK_BLOCK(CORE_CORTEX_M0, b, 3, 1, 0, BC_ENDS_BRANCH);
    /* cbz r0,<label>: 1, or 1+P taken. */
    static const uint8_t cbz[] = {0x00, 0xb1};
    CHECK_BLOCK(CORE_CORTEX_M3, cbz, 1, 1, 2, BC_ENDS_BRANCH);
    /* tbb [pc,r0]: 2+P */
    static const uint8_t tbb[] = {0xdf, 0xe8, 0x00, 0xf0};
    CHECK_BLOCK(CORE_CORTEX_M3, tbb, 4, 1, 0, BC_ENDS_BRANCH);
    /* ldr.w pc,[sp],#4: 2+P, and SP is written back. */
    static const uint8_t ldrpc[] = {0x5d, 0xf8, 0x04, 0xfb};
    CHECK_BLOCK(CORE_CORTEX_M3, ldrpc, 4, 1, 0, BC_ENDS_BRANCH | BC_SP_STATIC | BC_RET);
    CHECK_SP(CORE_CORTEX_M3, ldrpc, 0, 4, false);
    /* mov pc,lr: 1+P */
    static const uint8_t movpc[] = {0xf7, 0x46};
    CHECK_BLOCK(CORE_CORTEX_M3, movpc, 3, 1, 0, BC_ENDS_BRANCH | BC_RET);
    CHECK_BLOCK(CORE_CORTEX_M0, movpc, 3, 1, 0, BC_ENDS_BRANCH | BC_RET);
}

static void test_arm_it(void)
{
    /* cmp r0,#0; it eq; moveq r0,#1: the IT folds onto the 16-bit CMP on v7-M. */
    static const uint8_t it16[] = {0x00, 0x28, 0x08, 0xbf, 0x01, 0x20};
    CHECK_BLOCK(CORE_CORTEX_M3, it16, 2, 3, 0, 0);
    /* cmp.w r0,#0; it eq; moveq r0,#1: no folding after a 32-bit instruction. */
    static const uint8_t it32[] = {0xb0, 0xf1, 0x00, 0x0f, 0x08, 0xbf, 0x01, 0x20};
    CHECK_BLOCK(CORE_CORTEX_M3, it32, 3, 3, 0, 0);
    /* cmp r0,#0; it ne; bxne lr: a conditional return: 1 when not taken, +P taken. */
    static const uint8_t itret[] = {0x00, 0x28, 0x18, 0xbf, 0x70, 0x47};
    CHECK_BLOCK(CORE_CORTEX_M3, itret, 2, 3, 2, BC_ENDS_BRANCH | BC_RET);
    /* A block that ends right after an IT (cmp r0,#0; it eq) must not make the
     * next block (bx lr) look conditional. */
    static const uint8_t itend[] = {0x00, 0x28, 0x08, 0xbf};
    CHECK_BLOCK(CORE_CORTEX_M3, itend, 1, 2, 0, 0);
    static const uint8_t bx[] = {0x70, 0x47};
    CHECK_BLOCK(CORE_CORTEX_M3, bx, 3, 1, 0, BC_ENDS_BRANCH | BC_RET);
}

static void test_arm_sp_writes(void)
{
    /* msr msp,r0 writes SP; mrs r0,psp does not. */
    static const uint8_t msr[] = {0x80, 0xf3, 0x08, 0x88};
    CHECK_BLOCK(CORE_CORTEX_M3, msr, 2, 1, 0, BC_SP_DYNAMIC);
    CHECK_BLOCK(CORE_CORTEX_M0, msr, 4, 1, 0, BC_SP_DYNAMIC);
    static const uint8_t mrs[] = {0xef, 0xf3, 0x09, 0x80};
    CHECK_BLOCK(CORE_CORTEX_M3, mrs, 2, 1, 0, 0);
    /* msr control,r0 may switch the stack (SPSEL); msr primask,r0 does not. */
    static const uint8_t control[] = {0x80, 0xf3, 0x14, 0x88};
    CHECK_BLOCK(CORE_CORTEX_M3, control, 2, 1, 0, BC_SP_DYNAMIC);
    static const uint8_t primask[] = {0x80, 0xf3, 0x10, 0x88};
    CHECK_BLOCK(CORE_CORTEX_M3, primask, 2, 1, 0, 0);
    /* sub sp,#8 */
    static const uint8_t subsp[] = {0x82, 0xb0};
    CHECK_BLOCK(CORE_CORTEX_M3, subsp, 1, 1, 0, BC_SP_STATIC);
    CHECK_SP(CORE_CORTEX_M3, subsp, -8, -8, false);
    /* add.w sp,sp,#16 */
    static const uint8_t addsp[] = {0x0d, 0xf1, 0x10, 0x0d};
    CHECK_BLOCK(CORE_CORTEX_M3, addsp, 1, 1, 0, BC_SP_STATIC);
    CHECK_SP(CORE_CORTEX_M3, addsp, 0, 16, false);
    /* add r0,sp,#8 reads SP only */
    static const uint8_t addr0[] = {0x02, 0xa8};
    CHECK_BLOCK(CORE_CORTEX_M3, addr0, 1, 1, 0, 0);
    /* ldr.w r0,[sp],#4 (post-indexed) and str.w r0,[sp,#-4]! (pre-indexed) write SP back */
    static const uint8_t ldrpost[] = {0x5d, 0xf8, 0x04, 0x0b};
    CHECK_BLOCK(CORE_CORTEX_M3, ldrpost, 2, 1, 0, BC_SP_STATIC);
    CHECK_SP(CORE_CORTEX_M3, ldrpost, 0, 4, false);
    static const uint8_t strpre[] = {0x4d, 0xf8, 0x04, 0x0d};
    CHECK_BLOCK(CORE_CORTEX_M3, strpre, 1, 1, 0, BC_SP_STATIC);
    CHECK_SP(CORE_CORTEX_M3, strpre, -4, -4, false);
}

static void test_arm_sp_tracking(void)
{
    /* push {r4-r6,lr}; sub sp,#16; add sp,#8; add sp,#8; pop {r4-r6,pc}: down 32, back to 0. */
    static const uint8_t frame[] = {0x70, 0xb5, 0x84, 0xb0, 0x02, 0xb0, 0x02, 0xb0, 0x70, 0xbd};
    CHECK_SP(CORE_CORTEX_M3, frame, -32, 0, false);
    /* push {r7}; mov sp,r7: a known move, then one that must be read back. */
    static const uint8_t movsp[] = {0x80, 0xb4, 0xbd, 0x46};
    CHECK_SP(CORE_CORTEX_M3, movsp, -4, -4, true);
    /* push {r7}; itt eq; popeq {r4}; addeq sp,#4: conditional moves are not followed. */
    static const uint8_t itpop[] = {0x80, 0xb4, 0x04, 0xbf, 0x10, 0xbc, 0x01, 0xb0};
    CHECK_SP(CORE_CORTEX_M3, itpop, -4, -4, true);
    /* mov sp,r7 alone: nothing known */
    static const uint8_t mov_only[] = {0xbd, 0x46};
    CHECK_BLOCK(CORE_CORTEX_M3, mov_only, 1, 1, 0, BC_SP_DYNAMIC);
}

static void test_arm_fpu(void)
{
    /* vdiv.f32 s0,s1,s2 (14); vpush {s16-s19} (1+4, writes SP) */
    static const uint8_t fpu[] = {0x80, 0xee, 0x81, 0x0a, 0x2d, 0xed, 0x04, 0x8a};
    CHECK_BLOCK(CORE_CORTEX_M4, fpu, 19, 2, 0, BC_SP_STATIC);
    CHECK_SP(CORE_CORTEX_M4, fpu, -16, -16, false);
}

static void test_arm_undecoded(void)
{
    /* 0xffff 0xffff decodes to nothing: 1 cycle per halfword, and SP is read after it
     * (what is not decoded may have moved it). */
    static const uint8_t bad[] = {0xff, 0xff, 0xff, 0xff};
    CHECK_BLOCK(CORE_CORTEX_M3, bad, 2, 2, 0, BC_UNDECODED | BC_SP_DYNAMIC);
    /* movs r0,#1 followed by a stray byte */
    static const uint8_t odd[] = {0x01, 0x20, 0x00};
    CHECK_BLOCK(CORE_CORTEX_M3, odd, 2, 2, 0, BC_UNDECODED);
    /* an empty block still costs something */
    BlockCost bc = cost_of(CORE_CORTEX_M3, 0x1000, odd, 0);
    CU_ASSERT_EQUAL(bc.cycles, 1);
    CU_ASSERT(bc.flags & BC_UNDECODED);
}

/* ---- RV32IMAC ------------------------------------------------------------------ */

static void test_rv_loop(void)
{
    /* loop: c.lw a5,0(a0); c.addi a0,4; c.bnez a5,loop
     * LW result latency 2 is hidden by the ADDI; backward branch predicted taken. */
    static const uint8_t loop[] = {0x1c, 0x41, 0x11, 0x05, 0xf5, 0xff};
    CHECK_BLOCK(CORE_RV32IMAC, loop, 3, 3, 0, BC_ENDS_BRANCH);
    /* The same in full-size encodings: lw a5,0(a0); addi a0,a0,4; bne a5,zero,loop */
    static const uint8_t full[] = {0x83, 0x27, 0x05, 0x00, 0x13, 0x05, 0x45, 0x00, 0xe3, 0x9c, 0x07, 0xfe};
    CHECK_BLOCK(CORE_RV32IMAC, full, 3, 3, 0, BC_ENDS_BRANCH);
}

static void test_rv_load_use(void)
{
    /* c.lw a5,0(a0); c.bnez a5,fwd: load-use stall of 1, and a forward taken
     * branch is a mispredict (+3). */
    static const uint8_t lu[] = {0x1c, 0x41, 0x89, 0xe3};
    CHECK_BLOCK(CORE_RV32IMAC, lu, 3, 2, 3, BC_ENDS_BRANCH);
    /* lb a0,0(a1); add a1,a0,a0: byte loads have a 3-cycle result latency. */
    static const uint8_t lb[] = {0x03, 0x85, 0x05, 0x00, 0xb3, 0x05, 0xa5, 0x00};
    CHECK_BLOCK(CORE_RV32IMAC, lb, 4, 2, 0, 0);
    /* csrrs a0,mstatus,zero; c.addi a0,1: CSR reads have a 3-cycle result latency. */
    static const uint8_t csr[] = {0x73, 0x25, 0x00, 0x30, 0x05, 0x05};
    CHECK_BLOCK(CORE_RV32IMAC, csr, 4, 2, 0, 0);
}

static void test_rv_muldiv(void)
{
    /* mul a0,a1,a2; c.addi a0,1: MUL result latency 5. */
    static const uint8_t mul[] = {0x33, 0x85, 0xc5, 0x02, 0x05, 0x05};
    CHECK_BLOCK(CORE_RV32IMAC, mul, 6, 2, 0, 0);
    /* div a0,a1,a2 at the end of a block: the result is waited for (worst case 33). */
    static const uint8_t div[] = {0x33, 0xc5, 0xc5, 0x02};
    CHECK_BLOCK(CORE_RV32IMAC, div, 33, 1, 0, 0);
    /* mul a0,a1,a2; mul a3,a4,a5: one operation at a time: 5 + 5. */
    static const uint8_t mul2[] = {0x33, 0x85, 0xc5, 0x02, 0xb3, 0x06, 0xf7, 0x02};
    CHECK_BLOCK(CORE_RV32IMAC, mul2, 10, 2, 0, 0);
}

static void test_rv_jumps(void)
{
    static const uint8_t ret[] = {0x82, 0x80};  /* c.jr ra: return, predicted by the RAS */
    CHECK_BLOCK(CORE_RV32IMAC, ret, 1, 1, 0, BC_ENDS_BRANCH | BC_RET);
    static const uint8_t cjalr[] = {0x82, 0x97}; /* c.jalr a5: indirect call, +3 */
    CHECK_BLOCK(CORE_RV32IMAC, cjalr, 4, 1, 0, BC_ENDS_BRANCH | BC_CALL);
    static const uint8_t jalr[] = {0x67, 0x80, 0x07, 0x00}; /* jalr zero,0(a5) */
    CHECK_BLOCK(CORE_RV32IMAC, jalr, 4, 1, 0, BC_ENDS_BRANCH);
    /* auipc ra,0; jalr ra,0(ra): a far call, its target known, so predicted. */
    static const uint8_t farcall[] = {0x97, 0x00, 0x00, 0x00, 0xe7, 0x80, 0x00, 0x00};
    CHECK_BLOCK(CORE_RV32IMAC, farcall, 2, 2, 0, BC_ENDS_BRANCH | BC_CALL);
    /* auipc ra,0; c.addi a0,1; jalr ra,0(ra): not adjacent, treated as indirect (+3) */
    static const uint8_t notfar[] = {0x97, 0x00, 0x00, 0x00, 0x05, 0x05, 0xe7, 0x80, 0x00, 0x00};
    CHECK_BLOCK(CORE_RV32IMAC, notfar, 6, 3, 0, BC_ENDS_BRANCH | BC_CALL);
    static const uint8_t jal[] = {0xef, 0xf0, 0x9f, 0xfd}; /* jal ra,<label> */
    CHECK_BLOCK(CORE_RV32IMAC, jal, 1, 1, 0, BC_ENDS_BRANCH | BC_CALL);
    static const uint8_t cj[] = {0x6d, 0xb7}; /* c.j <label> */
    CHECK_BLOCK(CORE_RV32IMAC, cj, 1, 1, 0, BC_ENDS_BRANCH);
    static const uint8_t mret[] = {0x73, 0x00, 0x20, 0x30};
    CHECK_BLOCK(CORE_RV32IMAC, mret, 4, 1, 0, BC_ENDS_BRANCH | BC_RET);
    static const uint8_t fencei[] = {0x0f, 0x10, 0x00, 0x00};
    CHECK_BLOCK(CORE_RV32IMAC, fencei, 4, 1, 0, 0);
    /* ecall; wfi; fence iorw,iorw: 1 each (the trap itself is cost_exception_latency's). */
    static const uint8_t sys[] = {0x73, 0x00, 0x00, 0x00, 0x73, 0x00, 0x50, 0x10, 0x0f, 0x00, 0xf0, 0x0f};
    CHECK_BLOCK(CORE_RV32IMAC, sys, 3, 3, 0, 0);
    /* lr.w a0,(a1); amoadd.w a0,a1,(a2): 2 cycles each (its operands a1, a2 are ready). */
    static const uint8_t amo[] = {0x2f, 0xa5, 0x05, 0x10, 0x2f, 0x25, 0xb6, 0x00};
    CHECK_BLOCK(CORE_RV32IMAC, amo, 4, 2, 0, 0);
}

static void test_rv_sp_writes(void)
{
    /* c.addi sp,-32; c.swsp ra,28(sp); c.addi sp,16; c.addi sp,16; c.mv sp,s0; c.addi sp,-16 */
    static const uint8_t frame[] = {0x01, 0x11, 0x06, 0xce, 0x41, 0x01, 0x41, 0x01, 0x22, 0x81, 0x41, 0x11};
    CHECK_SP(CORE_RV32IMAC, frame, -32, 0, true);
    static const uint8_t caddi[] = {0x41, 0x11}; /* c.addi sp,-16 */
    CHECK_BLOCK(CORE_RV32IMAC, caddi, 1, 1, 0, BC_SP_STATIC);
    CHECK_SP(CORE_RV32IMAC, caddi, -16, -16, false);
    static const uint8_t a16sp[] = {0x3d, 0x71}; /* c.addi16sp sp,-32 */
    CHECK_BLOCK(CORE_RV32IMAC, a16sp, 1, 1, 0, BC_SP_STATIC);
    CHECK_SP(CORE_RV32IMAC, a16sp, -32, -32, false);
    static const uint8_t addi[] = {0x13, 0x01, 0x01, 0xff}; /* addi sp,sp,-16 */
    CHECK_BLOCK(CORE_RV32IMAC, addi, 1, 1, 0, BC_SP_STATIC);
    CHECK_SP(CORE_RV32IMAC, addi, -16, -16, false);
    static const uint8_t mvsp[] = {0x2a, 0x81}; /* c.mv sp,a0 */
    CHECK_BLOCK(CORE_RV32IMAC, mvsp, 1, 1, 0, BC_SP_DYNAMIC);
    /* c.addi4spn a0,sp,8; c.lwsp a0,4(sp); c.swsp a0,4(sp); c.li a0,1; c.lui a0,1:
     * read SP but write other registers. */
    static const uint8_t reads[] = {0x28, 0x00, 0x12, 0x45, 0x2a, 0xc2, 0x05, 0x45, 0x05, 0x65};
    /* addi4spn @0, lwsp @1 (a0 ready at 3), swsp waits for a0 (@3), li @4, lui @5 */
    CHECK_BLOCK(CORE_RV32IMAC, reads, 6, 5, 0, 0);
}

static void test_rv_undecoded(void)
{
    static const uint8_t zero[] = {0x00, 0x00}; /* the all-zero halfword is illegal */
    CHECK_BLOCK(CORE_RV32IMAC, zero, 1, 1, 0, BC_UNDECODED | BC_SP_DYNAMIC);
    static const uint8_t ones[] = {0xff, 0xff, 0xff, 0xff}; /* unknown 32-bit opcode: 2 */
    CHECK_BLOCK(CORE_RV32IMAC, ones, 2, 1, 0, BC_UNDECODED | BC_SP_DYNAMIC);
    static const uint8_t trunc[] = {0x01, 0x45, 0x33}; /* c.li a0,0 + half of a 32-bit insn */
    CHECK_BLOCK(CORE_RV32IMAC, trunc, 2, 2, 0, BC_UNDECODED | BC_SP_DYNAMIC);
}

/* The F and D extensions (rv32gc; -march=rv32gc): decoded, one cycle each, FP loads
 * and stores as LW/SW, only their integer registers in the scoreboard and SP. */
static void test_rv_fp(void)
{
    /* c.flw fa0,0(a0); fadd.s fa0,fa0,fa1; c.fsw fa0,4(a0): FP results not waited for */
    static const uint8_t fpblk[] = {0x08, 0x61, 0x53, 0x75, 0xb5, 0x00, 0x48, 0xe1};
    CHECK_BLOCK(CORE_RV32GC, fpblk, 3, 3, 0, 0);
    /* fcvt.w.s a0,fa0; addi a1,a0,1: an integer result, ready the next cycle */
    static const uint8_t cvt[] = {0x53, 0x75, 0x05, 0xc0, 0x93, 0x05, 0x15, 0x00};
    CHECK_BLOCK(CORE_RV32GC, cvt, 2, 2, 0, 0);
    /* fmv.x.w sp,fa0: writes SP */
    static const uint8_t fmvsp[] = {0x53, 0x01, 0x05, 0xe0};
    CHECK_BLOCK(CORE_RV32GC, fmvsp, 1, 1, 0, BC_SP_DYNAMIC);
    /* c.fsdsp fs0,8(sp); c.fldsp fs0,8(sp); fdiv.d fa0,fa1,fa2; fmadd.d fa0,fa1,fa2,fa3;
     * fcvt.s.w fa0,a5 */
    static const uint8_t more[] = {0x22, 0xa4, 0x22, 0x24, 0x53, 0xf5, 0xc5, 0x1a,
                                   0x43, 0xf5, 0xc5, 0x6a, 0x53, 0xf5, 0x07, 0xd0};
    CHECK_BLOCK(CORE_RV32GC, more, 5, 5, 0, 0);
    /* fadd with fmt 2 (half precision: no Zfh): not decoded */
    static const uint8_t half[] = {0x53, 0x75, 0xb5, 0x04};
    CHECK_BLOCK(CORE_RV32GC, half, 2, 1, 0, BC_UNDECODED | BC_SP_DYNAMIC);
}

/* Where the F and D loads and stores access memory (to find a faulting one). */
static void test_rv_fp_accesses(void)
{
    /* c.flw fa0,4(a1); c.fsd fa0,16(a1); fld fa1,-8(sp); c.fsd fa1,24(a2); c.flwsp fa2,12(sp);
     * c.fswsp fa2,12(sp); c.fld fa3,8(a4); c.fsdsp fs0,8(sp); c.fldsp fs0,8(sp); fsw fa0,100(a5) */
    static const uint8_t code[] = {0xc8, 0x61, 0x88, 0xa9, 0x87, 0x35, 0x81, 0xff, 0x0c, 0xae, 0x32, 0x66,
                                   0x32, 0xe6, 0x14, 0x27, 0x22, 0xa4, 0x22, 0x24, 0x27, 0xa2, 0xa7, 0x06};
    static const MemAccess want[] = {
        {.pc = 0x1000, .base = 11, .disp = 4, .span = 4},
        {.pc = 0x1002, .base = 11, .disp = 16, .span = 8, .store = true},
        {.pc = 0x1004, .base = 2, .disp = -8, .span = 8},
        {.pc = 0x1008, .base = 12, .disp = 24, .span = 8, .store = true},
        {.pc = 0x100a, .base = 2, .disp = 12, .span = 4},
        {.pc = 0x100c, .base = 2, .disp = 12, .span = 4, .store = true},
        {.pc = 0x100e, .base = 14, .disp = 8, .span = 8},
        {.pc = 0x1010, .base = 2, .disp = 8, .span = 8, .store = true},
        {.pc = 0x1012, .base = 2, .disp = 8, .span = 8},
        {.pc = 0x1014, .base = 15, .disp = 100, .span = 4, .store = true},
    };
    (void)COST(CORE_RV32GC, code); /* creates the model */
    MemAccess got[16];
    size_t n = cost_mem_accesses(models[CORE_RV32GC], 0x1000, code, sizeof code, got, 16);
    CU_ASSERT_EQUAL_FATAL(n, ARRAY_SIZE(want));
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(got[i].pc, want[i].pc);
        CU_ASSERT_EQUAL(got[i].base, want[i].base);
        CU_ASSERT_EQUAL(got[i].index, -1);
        CU_ASSERT_EQUAL(got[i].disp, want[i].disp);
        CU_ASSERT_EQUAL(got[i].span, want[i].span);
        CU_ASSERT_EQUAL(got[i].store, want[i].store);
    }
}

/* ---- model setup ---------------------------------------------------------------- */

static void test_exception_latency(void)
{
    ExcLatency m3 = cost_exception_latency(CORE_CORTEX_M3);
    CU_ASSERT_EQUAL(m3.entry, 12);
    CU_ASSERT_EQUAL(m3.tail_chain, 6);
    CU_ASSERT(m3.exit > 0 && m3.exit <= m3.entry);
    CU_ASSERT_EQUAL(cost_exception_latency(CORE_CORTEX_M4).entry, 12);
    CU_ASSERT_EQUAL(cost_exception_latency(CORE_CORTEX_M0).entry, 16);
    CU_ASSERT_EQUAL(cost_exception_latency(CORE_CORTEX_M0PLUS).entry, 15);
    ExcLatency rv = cost_exception_latency(CORE_RV32IMAC);
    CU_ASSERT(rv.entry > 0);
    ExcLatency gc = cost_exception_latency(CORE_RV32GC); /* the same pipeline */
    CU_ASSERT(gc.entry == rv.entry && gc.exit == rv.exit && gc.tail_chain == rv.tail_chain);
}

static void test_bad_core(void)
{
    char *err = NULL;
    CU_ASSERT_PTR_NULL(cost_new(CORE__COUNT, &err));
    CU_ASSERT_PTR_NOT_NULL(err);
    free(err);
    cost_free(NULL);
}

/* ---- accesses that must be word aligned (cost_align_checks) ---- */

/* The checks of a block at 0x1000. */
static size_t align_of(CoreModel core, const uint8_t *code, size_t len, AlignCheck *out)
{
    cost_of(core, 0x1000, code, len); /* opens the model */
    memset(out, 0, 8 * sizeof *out);
    return cost_align_checks(models[core], 0x1000, code, len, out, 8);
}

#define ALIGNS(core, bytes, out) align_of((core), (bytes), sizeof(bytes), (out))

/* One check: the instruction's address, the base register, what it is known as at
 * the block's start (origin, offset), the bytes accessed. */
static void expect_check(const AlignCheck *c, uint32_t pc, int base, int origin, int32_t offset, unsigned span,
                         const char *name)
{
    CU_ASSERT_EQUAL(c->pc, pc);
    CU_ASSERT_EQUAL(c->base, base);
    CU_ASSERT_EQUAL(c->origin, origin);
    CU_ASSERT_EQUAL(c->offset, offset);
    CU_ASSERT_EQUAL(c->span, span);
    CU_ASSERT_STRING_EQUAL(c->name, name);
    if (strcmp(c->name, name))
        fprintf(stderr, "\n  name %s, expected %s\n", c->name, name);
    if (c->origin != origin || c->offset != offset)
        fprintf(stderr, "\n  %s at 0x%x: origin %d offset %d\n", c->name, c->pc, c->origin, c->offset);
}

static void test_arm_align(void)
{
    AlignCheck ck[8];
    /* ldrd r0,r1,[r2] */
    static const uint8_t plain[] = {0xd2, 0xe9, 0x00, 0x01};
    CU_ASSERT_EQUAL_FATAL(ALIGNS(CORE_CORTEX_M3, plain, ck), 1);
    expect_check(&ck[0], 0x1000, 2, 2, 0, 8, "LDRD");
    CU_ASSERT(!ck[0].store && !ck[0].cond);
    /* adds r2,#4; ldrd r0,r1,[r2,#8]: r2 at the start + 12 */
    static const uint8_t added[] = {0x04, 0x32, 0xd2, 0xe9, 0x02, 0x01};
    CU_ASSERT_EQUAL_FATAL(ALIGNS(CORE_CORTEX_M3, added, ck), 1);
    expect_check(&ck[0], 0x1002, 2, 2, 12, 8, "LDRD");
    /* ldr r2,[r3]; ldrd r0,r1,[r2]: loaded in the block, unknown at its start */
    static const uint8_t loaded[] = {0x1a, 0x68, 0xd2, 0xe9, 0x00, 0x01};
    CU_ASSERT_EQUAL_FATAL(ALIGNS(CORE_CORTEX_M3, loaded, ck), 1);
    expect_check(&ck[0], 0x1002, 2, ALIGN_UNKNOWN, 0, 8, "LDRD");
    /* ldmia r2!,{r0,r1}; ldmia.w r2,{r0,r1}: after the writeback, r2 + 8 */
    static const uint8_t ldm[] = {0x03, 0xca, 0x92, 0xe8, 0x03, 0x00};
    CU_ASSERT_EQUAL_FATAL(ALIGNS(CORE_CORTEX_M3, ldm, ck), 2);
    expect_check(&ck[0], 0x1000, 2, 2, 0, 8, "LDM");
    expect_check(&ck[1], 0x1002, 2, 2, 8, 8, "LDM");
    /* push {r4,lr}; ldrd r0,r1,[sp,#8]; ldmia.w sp,{r0,r1}: SP is always aligned */
    static const uint8_t sp[] = {0x10, 0xb5, 0xdd, 0xe9, 0x02, 0x01, 0x9d, 0xe8, 0x03, 0x00};
    CU_ASSERT_EQUAL(ALIGNS(CORE_CORTEX_M3, sp, ck), 0);
    BlockCost bc;
    CU_ASSERT_FALSE(cost_block(models[CORE_CORTEX_M3], 0x1000, sp, sizeof sp, &bc));
    CU_ASSERT_TRUE(cost_block(models[CORE_CORTEX_M3], 0x1000, plain, sizeof plain, &bc)); /* cost_block says so */
    /* ldr r2,[pc,#4]; ldrd r0,r1,[r2]: a literal's value, at Align(PC + 4, 4) + 4 */
    static const uint8_t lit[] = {0x01, 0x4a, 0xd2, 0xe9, 0x00, 0x01};
    CU_ASSERT_EQUAL_FATAL(ALIGNS(CORE_CORTEX_M3, lit, ck), 1);
    expect_check(&ck[0], 0x1002, 2, ALIGN_LITERAL, 0, 8, "LDRD");
    CU_ASSERT_EQUAL(ck[0].literal, 0x1008);
    /* mov r3,r2; ldmdb r3,{r0,r1}: r2's value, the lowest address 8 below */
    static const uint8_t moved[] = {0x13, 0x46, 0x13, 0xe9, 0x03, 0x00};
    CU_ASSERT_EQUAL_FATAL(ALIGNS(CORE_CORTEX_M3, moved, ck), 1);
    expect_check(&ck[0], 0x1002, 3, 2, -8, 8, "LDMDB");
    /* it eq; ldrdeq r0,r1,[r2]: may not run */
    static const uint8_t it[] = {0x08, 0xbf, 0xd2, 0xe9, 0x00, 0x01};
    CU_ASSERT_EQUAL_FATAL(ALIGNS(CORE_CORTEX_M3, it, ck), 1);
    CU_ASSERT(ck[0].cond);
    /* movw r2,#0x1002; strd r0,r1,[r2]: a constant, not aligned */
    static const uint8_t konst[] = {0x41, 0xf2, 0x02, 0x02, 0xc2, 0xe9, 0x00, 0x01};
    CU_ASSERT_EQUAL_FATAL(ALIGNS(CORE_CORTEX_M3, konst, ck), 1);
    expect_check(&ck[0], 0x1004, 2, ALIGN_CONST, 0x1002, 8, "STRD");
    CU_ASSERT(ck[0].store);
    /* add r2,sp,#8; ldrd r0,r1,[r2]: SP at the start + 8 */
    static const uint8_t spadd[] = {0x02, 0xaa, 0xd2, 0xe9, 0x00, 0x01};
    CU_ASSERT_EQUAL_FATAL(ALIGNS(CORE_CORTEX_M3, spadd, ck), 1);
    expect_check(&ck[0], 0x1002, 2, 13, 8, 8, "LDRD");
    /* ldrd r0,r1,[r2],#8; ldrd r0,r1,[r2,#4]!; ldrd r0,r1,[r2]: post- and pre-indexed */
    static const uint8_t idx[] = {0xf2, 0xe8, 0x02, 0x01, 0xf2, 0xe9, 0x01, 0x01, 0xd2, 0xe9, 0x00, 0x01};
    CU_ASSERT_EQUAL_FATAL(ALIGNS(CORE_CORTEX_M3, idx, ck), 3);
    expect_check(&ck[0], 0x1000, 2, 2, 0, 8, "LDRD");
    expect_check(&ck[1], 0x1004, 2, 2, 12, 8, "LDRD");
    expect_check(&ck[2], 0x1008, 2, 2, 12, 8, "LDRD");
    /* movs r2,#3; ldr r3,[r4]; stmia r2!,{r0,r3} */
    static const uint8_t stm[] = {0x03, 0x22, 0x23, 0x68, 0x09, 0xc2};
    CU_ASSERT_EQUAL_FATAL(ALIGNS(CORE_CORTEX_M0, stm, ck), 1);
    expect_check(&ck[0], 0x1004, 2, ALIGN_CONST, 3, 8, "STM");
    /* vldr d0,[r2,#-4]; vstmia r2!,{s0-s2}; vldr s0,[r2] */
    static const uint8_t vfp[] = {0x12, 0xed, 0x01, 0x0b, 0xa2, 0xec, 0x03, 0x0a, 0x92, 0xed, 0x00, 0x0a};
    CU_ASSERT_EQUAL_FATAL(ALIGNS(CORE_CORTEX_M4, vfp, ck), 3);
    expect_check(&ck[0], 0x1000, 2, 2, -4, 8, "VLDR");
    expect_check(&ck[1], 0x1004, 2, 2, 0, 12, "VSTMIA");
    expect_check(&ck[2], 0x1008, 2, 2, 12, 4, "VLDR");
    /* RV32 has none */
    static const uint8_t rv[] = {0x03, 0xa5, 0x05, 0x00};
    CU_ASSERT_EQUAL(ALIGNS(CORE_RV32IMAC, rv, ck), 0);
}

static const TestCase arm_cases[] = {
    {"thumb loop on each core", test_arm_loop},
    {"load/store pipelining (v7-M)", test_arm_load_pipelining},
    {"push/pop", test_arm_push_pop},
    {"multiply/divide", test_arm_multiply_divide},
    {"branches", test_arm_branches},
    {"IT blocks", test_arm_it},
    {"SP writes", test_arm_sp_writes},
    {"SP moves the decoder follows", test_arm_sp_tracking},
    {"FPU", test_arm_fpu},
    {"undecodable bytes", test_arm_undecoded},
    {"accesses that must be aligned", test_arm_align},
    {NULL, NULL},
};

static const TestCase rv_cases[] = {
    {"loop", test_rv_loop},
    {"load-use and CSR latency", test_rv_load_use},
    {"mul/div", test_rv_muldiv},
    {"jumps and system", test_rv_jumps},
    {"SP writes", test_rv_sp_writes},
    {"undecodable bytes", test_rv_undecoded},
    {"F and D (rv32gc)", test_rv_fp},
    {"F and D loads and stores located", test_rv_fp_accesses},
    {NULL, NULL},
};

static const TestCase model_cases[] = {
    {"exception latencies", test_exception_latency},
    {"unknown core", test_bad_core},
    {NULL, NULL},
};

int main(void)
{
    static const TestSuite suites[] = {
        {"cost: Cortex-M", arm_cases},
        {"cost: RV32", rv_cases},
        {"cost: model", model_cases},
        {NULL, NULL},
    };
    int rc = cunit_run(suites);
    for (int i = 0; i < CORE__COUNT; i++)
        cost_free(models[i]);
    return rc;
}
