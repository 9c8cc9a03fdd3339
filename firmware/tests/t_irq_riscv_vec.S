/* t_irq_riscv_vec.S: a vectored-mode mtvec table for t_irq_riscv.c: each slot saves the
 * caller-saved registers and calls vec_dispatch(slot, mcause, mepc), which returns the
 * mepc to resume at. */
    .macro VEC_STUB name, slot
    .section .text.\name, "ax", @progbits
    .balign 4
\name:
    addi sp, sp, -64
    sw ra, 0(sp)
    sw t0, 4(sp)
    sw t1, 8(sp)
    sw t2, 12(sp)
    sw a0, 16(sp)
    sw a1, 20(sp)
    sw a2, 24(sp)
    sw a3, 28(sp)
    sw a4, 32(sp)
    sw a5, 36(sp)
    sw a6, 40(sp)
    sw a7, 44(sp)
    sw t3, 48(sp)
    sw t4, 52(sp)
    sw t5, 56(sp)
    sw t6, 60(sp)
    li a0, \slot
    csrr a1, mcause
    csrr a2, mepc
    call vec_dispatch
    csrw mepc, a0
    lw ra, 0(sp)
    lw t0, 4(sp)
    lw t1, 8(sp)
    lw t2, 12(sp)
    lw a0, 16(sp)
    lw a1, 20(sp)
    lw a2, 24(sp)
    lw a3, 28(sp)
    lw a4, 32(sp)
    lw a5, 36(sp)
    lw a6, 40(sp)
    lw a7, 44(sp)
    lw t3, 48(sp)
    lw t4, 52(sp)
    lw t5, 56(sp)
    lw t6, 60(sp)
    addi sp, sp, 64
    mret
    .endm

    VEC_STUB vec_slot0, 0
    VEC_STUB vec_slot3, 3
    VEC_STUB vec_slot7, 7
    VEC_STUB vec_other, 99

    /* The table: one 4-byte jump per cause; exceptions all use slot 0. */
    .section .text.vec_table, "ax", @progbits
    .balign 256
    .global vec_table
vec_table:
    .option push
    .option norvc
    j vec_slot0     /* 0: exceptions */
    j vec_other     /* 1: supervisor software */
    j vec_other     /* 2 */
    j vec_slot3     /* 3: machine software (msip) */
    j vec_other     /* 4 */
    j vec_other     /* 5: supervisor timer */
    j vec_other     /* 6 */
    j vec_slot7     /* 7: machine timer */
    j vec_other     /* 8 */
    j vec_other     /* 9 */
    j vec_other     /* 10 */
    j vec_other     /* 11: machine external */
    .option pop
    .section .note.GNU-stack, "", @progbits
