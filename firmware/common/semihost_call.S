/* semihost_call.S: the semihosting trap instruction sequence for ARM (Thumb) and RISC-V. */
#if defined(__arm__)
    .syntax unified
    .thumb
    .section .text.sh_call, "ax", %progbits
    .global sh_call
    .type sh_call, %function
    .thumb_func
sh_call:
    bkpt 0xab           /* r0 = operation, r1 = parameter; result in r0 */
    bx lr
    .size sh_call, . - sh_call
#elif defined(__riscv)
    .section .text.sh_call, "ax", @progbits
    .global sh_call
    .type sh_call, @function
    /* The three instructions must be uncompressed and in one page: align the
     * function to 16 bytes so the sequence never straddles a page. */
    .balign 16
sh_call:
    .option push
    .option norvc
    slli x0, x0, 0x1f   /* entry marker */
    ebreak              /* a0 = operation, a1 = parameter; result in a0 */
    srai x0, x0, 7      /* exit marker */
    .option pop
    ret
    .size sh_call, . - sh_call
#else
#error "unsupported architecture"
#endif
    .section .note.GNU-stack, "", %progbits
