/* crt0_riscv.S: RV32 reset (_start: gp, sp, mtvec, .data copy, .bss clear, TLS, main,
 * exit) and the direct-mode trap entry that saves the caller-saved registers around
 * trap_handler(mcause, mepc, frame). */
    .section .text.init, "ax", @progbits
    .global _start
    .type _start, @function
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    la sp, __StackTop
    la t0, trap_entry
    csrw mtvec, t0
    csrw mie, zero
    /* .data (and .tdata) from their load address */
    la t0, __data_load
    la t1, __data_start
    la t2, __data_end
    beq t0, t1, 2f
1:  bgeu t1, t2, 2f
    lw t3, 0(t0)
    sw t3, 0(t1)
    addi t0, t0, 4
    addi t1, t1, 4
    j 1b
2:  /* .tbss, .bss, .gcstate */
    la t1, __bss_start
    la t2, __zero_end
3:  bgeu t1, t2, 4f
    sw zero, 0(t1)
    addi t1, t1, 4
    j 3b
4:  la a0, __tls_base
    call _set_tls
    call main
    call sh_exit
5:  j 5b
    .size _start, . - _start

    .section .text.trap_entry, "ax", @progbits
    .global trap_entry
    .type trap_entry, @function
    .balign 4
trap_entry:
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
    csrr a0, mcause
    csrr a1, mepc
    mv a2, sp
    call trap_handler
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
    .size trap_entry, . - trap_entry
    .section .note.GNU-stack, "", @progbits
