/* test_cpu.c: the CPU layer on tiny machine-code programs: exceptions, sleep,
 * semihosting exit, faults, cycle limits, RISC-V traps and counters; the debugger's
 * primitives (breakpoints, watchpoints, steps, stops on request, registers, memory)
 * and that a debugged run takes exactly the time of an undebugged one. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/debug.h"
#include "devices/nvic.h"
#include "tests/cunit_main.h"

/* Thumb, linked at 0x80:
   reset:
     ldr r0, =0x20000000
     movs r1, #10
   loop:
     str r1, [r0]
     subs r1, #1
     bne loop
     cpsie i
     wfi
     movs r0, #0x18
     ldr r1, =0x20026
     bkpt 0xab
   irq0:
     ldr r2, =0x20000004
     ldr r3, [r2]
     adds r3, #1
     str r3, [r2]
     bx lr
   .ltorg
 */
static const uint8_t arm_irq[] = {0x4f, 0xf0, 0x00, 0x50, 0x0a, 0x21, 0x01, 0x60, 0x01, 0x39, 0xfc, 0xd1, 0x62, 0xb6,
                                  0x30, 0xbf, 0x18, 0x20, 0x03, 0x49, 0xab, 0xbe, 0x03, 0x4a, 0x13, 0x68, 0x01, 0x33,
                                  0x13, 0x60, 0x70, 0x47, 0x26, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x20};
/* Thumb, linked at 0x80:
   ldr r0, =0x30000000
     nop
     ldr r1, [r0]
     b .
   .ltorg
 */
static const uint8_t arm_unmapped[] = {0x4f, 0xf0, 0x40, 0x50, 0x00, 0xbf, 0x01, 0x68, 0xfe, 0xe7};
/* Thumb, linked at 0x80:
   ldr r0, =0x2000fffe  @ the last 2 bytes of a 64 KiB SRAM
     nop
     ldr r1, [r0]       @ 0x84
     b .
   .ltorg
 */
static const uint8_t arm_straddle[] = {0x01, 0x48, 0x00, 0xbf, 0x01, 0x68, 0xfe, 0xe7, 0xfe, 0xff, 0x00, 0x20};
/* Thumb, linked at 0x80:
   movs r0, #0x40
     str r0, [r0]
     b .
 */
static const uint8_t arm_flashw[] = {0x40, 0x20, 0x00, 0x60, 0xfe, 0xe7};
/* Thumb, linked at 0x80:
   ldr r0, =0x20001700
     str r0, [r0]
     ldr r0, =0x20001900
     str r0, [r0]
     b .
   .ltorg
 */
static const uint8_t arm_sramlim[] = {0x02, 0x48, 0x00, 0x60, 0x02, 0x48, 0x00, 0x60, 0xfe, 0xe7,
                                      0x00, 0x00, 0x00, 0x17, 0x00, 0x20, 0x00, 0x19, 0x00, 0x20};
/* Thumb, linked at 0x80:
   rec:
     push {r4-r7, lr}
     sub sp, #64
     bl rec
 */
static const uint8_t arm_stack[] = {0xf0, 0xb5, 0x90, 0xb0, 0xff, 0xf7, 0xfc, 0xff};
/* Thumb, linked at 0x80:
   cpsid i
     wfi
     b .
 */
static const uint8_t arm_deadlock[] = {0x72, 0xb6, 0x30, 0xbf, 0xfe, 0xe7};
/* Thumb, linked at 0x80:
   b .
 */
static const uint8_t arm_spin[] = {0xfe, 0xe7};
/* Thumb, linked at 0x80:
   udf #0
 */
static const uint8_t arm_udf[] = {0x00, 0xde};
/* Thumb, linked at 0x80:
   loop:
     yield
     b loop
 */
static const uint8_t arm_yield_loop[] = {0x10, 0xbf, 0xfd, 0xe7};
/* Thumb, linked at 0x80:
   svc 1
     movs r0, #0x18
     ldr r1, =0x20026
     bkpt 0xab
   svc_handler:
     ldr r2, =0x20000004
     movs r3, #42
     str r3, [r2]
     bx lr
   .ltorg
 */
/* Thumb, linked at 0x80 (the literal is the target, patched per case):
   movs r0, #0x30          @ SYS_ELAPSED: the host writes 8 bytes at r1
     ldr r1, lit
     bkpt 0xab
     b .
   lit: .word 0
 */
static const uint8_t arm_elapsed[] = {0x30, 0x20, 0x01, 0x49, 0xab, 0xbe, 0xfe, 0xe7, 0x00, 0x00, 0x00, 0x00};
static const uint8_t arm_svc[] = {0x01, 0xdf, 0x18, 0x20, 0x02, 0x49, 0xab, 0xbe, 0x02, 0x4a, 0x2a, 0x23,
                                  0x13, 0x60, 0x70, 0x47, 0x26, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x20};
/* Thumb, linked at 0x80: the LDRD's base is a register the block starts with
   (checked at the block's start); the store before it happens, the one after not:
     ldr r0, =0x20000102
     ldr r2, =0x20000200
     movs r1, #7
     b 1f
   1: str r1, [r2]
     ldrd r4, r5, [r0]          @ 0x8a
     str r1, [r2, #4]
     b .
   .ltorg
 */
static const uint8_t arm_ldrd_unaligned[] = {0x04, 0x48, 0x05, 0x4a, 0x07, 0x21, 0xff, 0xe7, 0x11, 0x60,
                                             0xd0, 0xe9, 0x00, 0x45, 0x51, 0x60, 0xfe, 0xe7, 0x00, 0x00,
                                             0x02, 0x01, 0x00, 0x20, 0x00, 0x02, 0x00, 0x20};
/* Thumb, linked at 0x80: the LDM's base is loaded in its block (checked by a code
   hook): aligned the first time round, not the second.
     ldr r3, =0x20000300
     ldr r0, =0x20000100
     str r0, [r3]
     movs r6, #0
   loop:
     ldr r0, [r3]
     ldm r0, {r4, r5}           @ 0x8a
     adds r6, #1
     str r6, [r3, #4]
     ldr r0, =0x20000106
     str r0, [r3]
     b loop
   .ltorg
 */
static const uint8_t arm_ldm_loaded[] = {0x05, 0x4b, 0x06, 0x48, 0x18, 0x60, 0x00, 0x26, 0x18, 0x68, 0x90, 0xe8,
                                         0x30, 0x00, 0x01, 0x36, 0x5e, 0x60, 0x03, 0x48, 0x18, 0x60, 0xf7, 0xe7,
                                         0x00, 0x03, 0x00, 0x20, 0x00, 0x01, 0x00, 0x20, 0x06, 0x01, 0x00, 0x20};
/* Thumb, linked at 0x80: a conditional LDRD that does not run, then one that does; the
   HardFault handler (0x92) exits.
     ldr r0, =0x20000102
     movs r1, #1
     cmp r1, #0
     it eq
     ldrdeq r4, r5, [r0]
     ldrd r4, r5, [r0]          @ 0x8c
     b .
   hf:
     movs r0, #0x18
     ldr r1, =0x20026
     bkpt 0xab
   .ltorg
 */
static const uint8_t arm_ldrd_cond[] = {0x05, 0x48, 0x01, 0x21, 0x00, 0x29, 0x08, 0xbf, 0xd0, 0xe9, 0x00,
                                        0x45, 0xd0, 0xe9, 0x00, 0x45, 0xfe, 0xe7, 0x18, 0x20, 0x01, 0x49,
                                        0xab, 0xbe, 0x02, 0x01, 0x00, 0x20, 0x26, 0x00, 0x02, 0x00};
/* Thumb, linked at 0x80:
     ldr r0, =0x20000102
     ldrex r1, [r0]             @ 0x82
     b .
   .ltorg
 */
static const uint8_t arm_ldrex_unaligned[] = {0x01, 0x48, 0x50, 0xe8, 0x00, 0x1f, 0xfe, 0xe7, 0x02, 0x01, 0x00, 0x20};
/* Thumb, linked at 0x80: SRAM written (its mirrors show it), an unimplemented region at
   0x40000000 written and read (zero), then a jump into it.
     ldr r0, =0x20001000
     ldr r1, =0x12345678
     str r1, [r0]
     mov.w r2, #0x40000000
     str r1, [r2]
     ldr r3, [r2]
     ldr r4, =0x20000200
     str r3, [r4]
     ldr r5, =0x40000001
     blx r5
   .ltorg
 */
static const uint8_t arm_mirror_unimp[] = {0x05, 0x48, 0x06, 0x49, 0x01, 0x60, 0x4f, 0xf0, 0x80, 0x42,
                                           0x11, 0x60, 0x13, 0x68, 0x04, 0x4c, 0x23, 0x60, 0x04, 0x4d,
                                           0xa8, 0x47, 0x00, 0x00, 0x00, 0x10, 0x00, 0x20, 0x78, 0x56,
                                           0x34, 0x12, 0x00, 0x02, 0x00, 0x20, 0x01, 0x00, 0x00, 0x40};
/* RV32, linked at 0x80000000:
   .option norvc
     la t0, handler
     csrw mtvec, t0
     li t0, 0x80
     csrw mie, t0          # MTIE
     csrsi mstatus, 8      # MIE
     wfi
     csrr a2, mcycle
     li t3, 0x80000108
     sw a2, 0(t3)
     ecall
     li a0, 0x18
     li a1, 0x20026
     slli x0, x0, 0x1f
     ebreak
     srai x0, x0, 7
   handler:
     csrr t1, mcause
     li t2, 0x80000007
     bne t1, t2, not_timer
     li t0, 0x80
     csrc mie, t0          # stop the timer interrupt
     li t3, 0x80000100
     sw t1, 0(t3)
     mret
   not_timer:
     li t3, 0x80000104
     sw t1, 0(t3)
     csrr t1, mepc
     addi t1, t1, 4
     csrw mepc, t1
     mret
 */
static const uint8_t rv_irq[] = {
    0x97, 0x02, 0x00, 0x00, 0x93, 0x82, 0x82, 0x04, 0x73, 0x90, 0x52, 0x30, 0x93, 0x02, 0x00, 0x08, 0x73, 0x90,
    0x42, 0x30, 0x73, 0x60, 0x04, 0x30, 0x73, 0x00, 0x50, 0x10, 0x73, 0x26, 0x00, 0xb0, 0x37, 0x0e, 0x00, 0x80,
    0x13, 0x0e, 0x8e, 0x10, 0x23, 0x20, 0xce, 0x00, 0x73, 0x00, 0x00, 0x00, 0x13, 0x05, 0x80, 0x01, 0xb7, 0x05,
    0x02, 0x00, 0x93, 0x85, 0x65, 0x02, 0x13, 0x10, 0xf0, 0x01, 0x73, 0x00, 0x10, 0x00, 0x13, 0x50, 0x70, 0x40,
    0x73, 0x23, 0x20, 0x34, 0xb7, 0x03, 0x00, 0x80, 0x93, 0x83, 0x73, 0x00, 0x63, 0x1e, 0x73, 0x00, 0x93, 0x02,
    0x00, 0x08, 0x73, 0xb0, 0x42, 0x30, 0x37, 0x0e, 0x00, 0x80, 0x13, 0x0e, 0x0e, 0x10, 0x23, 0x20, 0x6e, 0x00,
    0x73, 0x00, 0x20, 0x30, 0x37, 0x0e, 0x00, 0x80, 0x13, 0x0e, 0x4e, 0x10, 0x23, 0x20, 0x6e, 0x00, 0x73, 0x23,
    0x10, 0x34, 0x13, 0x03, 0x43, 0x00, 0x73, 0x10, 0x13, 0x34, 0x73, 0x00, 0x20, 0x30};

/* RV32, linked at 0x80000000 (the literal at 0x8000001c is the target):
   .option norvc
     li a0, 0x30           # SYS_ELAPSED: the host writes 8 bytes at a1
     auipc a1, 0
     lw a1, 24(a1)
     slli x0, x0, 0x1f
     ebreak
     srai x0, x0, 7
     j .
     .word 0
 */
static const uint8_t rv_elapsed[] = {0x13, 0x05, 0x00, 0x03, 0x97, 0x05, 0x00, 0x00, 0x83, 0xa5, 0x85, 0x01, 0x13,
                                     0x10, 0xf0, 0x01, 0x73, 0x00, 0x10, 0x00, 0x13, 0x50, 0x70, 0x40, 0x6f, 0x00,
                                     0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
/* RV32, linked at 0x80000000: S-mode and PMP CSRs written and read back, the
 * values stored at 0x80000100..0x8000010c, then semihosting exit.
   .option norvc
     li t0, 0x80012345
     csrw satp, t0         # Sv32 mode, ASID 0, PPN 0x12345: WARL, kept (as QEMU's rv32)
     csrr t1, satp
     li t2, 0x80000100
     sw t1, 0(t2)
     li t0, 0x80001000
     csrw stvec, t0
     csrr t1, stvec
     sw t1, 4(t2)
     li t0, 0x100
     csrw medeleg, t0      # U-mode ecalls
     csrr t1, medeleg
     sw t1, 8(t2)
     li t0, 0x20001fff
     csrw pmpaddr0, t0
     csrr t1, pmpaddr0
     sw t1, 12(t2)
     li a0, 0x18
     li a1, 0x20026
     slli x0, x0, 0x1f
     ebreak
     srai x0, x0, 7
 */
static const uint8_t rv_smode[] = {
    0xb7, 0x22, 0x01, 0x80, 0x93, 0x82, 0x52, 0x34, 0x73, 0x90, 0x02, 0x18, 0x73, 0x23, 0x00, 0x18, 0xb7, 0x03,
    0x00, 0x80, 0x93, 0x83, 0x03, 0x10, 0x23, 0xa0, 0x63, 0x00, 0xb7, 0x12, 0x00, 0x80, 0x73, 0x90, 0x52, 0x10,
    0x73, 0x23, 0x50, 0x10, 0x23, 0xa2, 0x63, 0x00, 0x93, 0x02, 0x00, 0x10, 0x73, 0x90, 0x22, 0x30, 0x73, 0x23,
    0x20, 0x30, 0x23, 0xa4, 0x63, 0x00, 0xb7, 0x22, 0x00, 0x20, 0x93, 0x82, 0xf2, 0xff, 0x73, 0x90, 0x02, 0x3b,
    0x73, 0x23, 0x00, 0x3b, 0x23, 0xa6, 0x63, 0x00, 0x13, 0x05, 0x80, 0x01, 0xb7, 0x05, 0x02, 0x00, 0x93, 0x85,
    0x65, 0x02, 0x13, 0x10, 0xf0, 0x01, 0x73, 0x00, 0x10, 0x00, 0x13, 0x50, 0x70, 0x40};
/* Thumb, linked at 0x80:
   reset:
     movs r4, #0
   loop:
     bl f               @ 0x82, returns to 0x86
     adds r4, #1
     b loop
   f:                   @ 0x8a
     nop
     nop
     nop
     nop
     bx lr
 */
static const uint8_t arm_calls[] = {0x00, 0x24, 0x00, 0xf0, 0x02, 0xf8, 0x01, 0x34, 0xfb, 0xe7,
                                    0x00, 0xbf, 0x00, 0xbf, 0x00, 0xbf, 0x00, 0xbf, 0x70, 0x47};
/* Thumb, linked at 0x80:
   reset:
     movs r4, #20
   wait:
     subs r4, #1
     bne wait
     bl f               @ 0x86, returns to 0x8a
     movs r0, #0x18
     ldr r1, =0x20026
     bkpt 0xab
   f:                   @ 0x90
     nop
     nop
     bx lr
   irq0:                @ 0x96
     nop
     bx lr
   .ltorg
 */
static const uint8_t arm_irq_at_entry[] = {0x14, 0x24, 0x01, 0x3c, 0xfd, 0xd1, 0x00, 0xf0, 0x03, 0xf8, 0x18, 0x20,
                                           0x03, 0x49, 0xab, 0xbe, 0x00, 0xbf, 0x00, 0xbf, 0x70, 0x47, 0x00, 0xbf,
                                           0x70, 0x47, 0x00, 0x00, 0x26, 0x00, 0x02, 0x00};

/* Thumb, linked at 0x80: returns the shadow stack must follow.
   reset:
     bl skip            @ returns to 0x84 + 2: skip adds 2 to LR
     nop
     bl vararg          @ 0x86: returns with bx r3, as Thumb-1 varargs functions do
     ldr r0, =f
     bl trampoline      @ 0x8c, returns to 0x90: through f, which trampoline jumps to
     movs r0, #0x18
     ldr r1, =0x20026
     bkpt 0xab
   skip:                @ 0x96
     push {r1}
     mov r1, lr
     adds r1, #2
     mov lr, r1
     pop {r1}
     bx lr
   vararg:              @ 0xa2
     push {r0-r3}
     push {lr}
     pop {r3}
     add sp, #16
     bx r3
   trampoline:          @ 0xac
     bx r0              @ a tail call through a pointer: no return
     nop
   f:                   @ 0xb0
     nop
     nop
     bx lr
   .ltorg
 */
static const uint8_t arm_returns[] = {
    0x00, 0xf0, 0x09, 0xf8, 0x00, 0xbf, 0x00, 0xf0, 0x0c, 0xf8, 0x0b, 0x48, 0x00, 0xf0, 0x0e, 0xf8,
    0x18, 0x20, 0x0a, 0x49, 0xab, 0xbe, 0x02, 0xb4, 0x71, 0x46, 0x02, 0x31, 0x8e, 0x46, 0x02, 0xbc,
    0x70, 0x47, 0x0f, 0xb4, 0x00, 0xb5, 0x08, 0xbc, 0x04, 0xb0, 0x18, 0x47, 0x00, 0x47, 0x00, 0xbf,
    0x00, 0xbf, 0x00, 0xbf, 0x70, 0x47, 0x00, 0x00, 0xb1, 0x00, 0x00, 0x00, 0x26, 0x00, 0x02, 0x00};

#define SRAM 0x20000000u

typedef struct Rig {
    Sched sched;
    Nvic *nvic;
    Cpu *cpu;
    int exits;
    size_t exit_depth; /* frames on the shadow stack at the exit */
} Rig;

#define ELAPSED_VALUE 0x1122334455667788ull

/* Semihosting stand-in: SYS_EXIT (0x18), ApplicationExit -> 0; SYS_ELAPSED (0x30)
 * writes ELAPSED_VALUE at param through cpu_mem_write, as the real host does. */
static int fake_semihost(void *opaque, uint32_t op, uint32_t param, uint32_t *result)
{
    Rig *r = opaque;
    if (op == 0x30) {
        uint64_t t = ELAPSED_VALUE;
        *result = cpu_mem_write(r->cpu, param, &t, sizeof t) < 0 ? (uint32_t)-1 : 0;
        return 0;
    }
    if (op != 0x18)
        return 0;
    uint32_t frames[8];
    r->exit_depth = r->cpu ? cpu_callers(r->cpu, frames, 8) : 0;
    r->exits++;
    *result = param == 0x20026 ? 0 : 1;
    return 1;
}

static void notify(void *opaque)
{
    Rig *r = opaque;
    if (r->cpu)
        cpu_request_irq_check(r->cpu);
}

/* What a rig has besides rig_arm's arguments. */
typedef struct RigExtra {
    uint32_t hardfault_at;  /* HardFault handler (0: none) */
    bool keep_going;
    bool mirrors;           /* SRAM mirrored right after it and at 0x30000000 */
    bool unimp;             /* an unimplemented region at 0x40000000 (4 KiB) */
} RigExtra;

/* Cortex-M3: 64 KiB flash at 0, SRAM at 0x20000000 of which sram_limit bytes are
 * usable; vector table: SP 0x20001000, reset 0x80, SVCall, IRQ0 (and HardFault)
 * handlers. */
static void rig_arm_extra(Rig *r, const uint8_t *code, size_t len, uint32_t svc_at, uint32_t irq0_at,
                          uint32_t sram_limit, uint32_t stack_limit, uint64_t max_cycles, const RigExtra *x)
{
    memset(r, 0, sizeof *r);
    sched_init(&r->sched, 25000000);
    NvicConfig nc = {.num_irq = 32, .prio_bits = 3, .cpuid = 0x412FC231, .notify = notify, .opaque = r};
    r->nvic = nvic_new(&nc);
    CpuMemRegion mem[] = {
        {.name = "flash", .base = 0, .size = 0x10000, .limit = 0x10000, .kind = MEM_FLASH},
        {.name = "sram", .base = SRAM, .size = 0x10000, .limit = sram_limit, .kind = MEM_SRAM},
        {.name = "sram-mirror", .base = SRAM + 0x10000, .alias_of = "sram"},
        {.name = "far-mirror", .base = 0x30000000, .alias_of = "sram"},
    };
    CpuUnimpRegion unimp[] = {{.name = "stub 100%", .base = 0x40000000, .size = 0x1000}};
    CpuConfig cc = {.core = CORE_CORTEX_M3, .sched = &r->sched, .mem = mem, .nmem = x->mirrors ? 4 : 2,
                    .unimp = unimp, .nunimp = x->unimp ? 1 : 0, .boot_addr = 0, .stack_limit = stack_limit,
                    .max_cycles = max_cycles, .keep_going = x->keep_going, .nvic = r->nvic};
    char *err = NULL;
    r->cpu = cpu_new(&cc, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->cpu);
    cpu_set_semihost(r->cpu, fake_semihost, r);
    uint32_t vt[17] = {0};
    vt[0] = SRAM + 0x1000;
    vt[1] = 0x81;
    if (x->hardfault_at)
        vt[EXC_HARDFAULT] = x->hardfault_at | 1;
    if (svc_at)
        vt[EXC_SVCALL] = svc_at | 1;
    if (irq0_at)
        vt[EXC_IRQ0] = irq0_at | 1;
    CU_ASSERT_EQUAL_FATAL(cpu_load(r->cpu, 0, vt, sizeof vt, &err), 0);
    CU_ASSERT_EQUAL_FATAL(cpu_load(r->cpu, 0x80, code, len, &err), 0);
    CU_ASSERT_EQUAL_FATAL(cpu_boot(r->cpu, &err), 0);
    free(err);
}

static void rig_arm(Rig *r, const uint8_t *code, size_t len, uint32_t svc_at, uint32_t irq0_at, uint32_t sram_limit,
                    uint32_t stack_limit, uint64_t max_cycles)
{
    static const RigExtra none;
    rig_arm_extra(r, code, len, svc_at, irq0_at, sram_limit, stack_limit, max_cycles, &none);
}

static void rig_free(Rig *r)
{
    cpu_free(r->cpu);
    if (r->nvic)
        nvic_free(r->nvic);
}

static uint32_t peek(Rig *r, uint32_t addr)
{
    uint32_t v = 0;
    CU_ASSERT_EQUAL(cpu_mem_read(r->cpu, addr, &v, 4), 0);
    return v;
}

static void pend_irq0(void *opaque, uint64_t due)
{
    Rig *r = opaque;
    nvic_set_pending(r->nvic, EXC_IRQ0);
}

/* A loop of stores, then WFI; a device event pends IRQ0 at cycle 100000: time
 * jumps there, the handler runs once, execution continues after the WFI and the
 * firmware exits through semihosting. */
static void test_arm_wfi_irq_exit(void)
{
    Rig r;
    rig_arm(&r, arm_irq, sizeof arm_irq, 0, 0x96, 0x10000, 0, 0);
    nvic_write(r.nvic, 0x100, 1, 4); /* ISER0: enable IRQ0 */
    SchedEvent ev;
    sched_event_init(&ev, "test", pend_irq0, &r);
    sched_at(&r.sched, &ev, 100000);
    CpuStop st;
    cpu_run(r.cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_EXIT);
    CU_ASSERT_EQUAL(st.exit_code, 0);
    CU_ASSERT_EQUAL(r.exits, 1);
    CU_ASSERT_EQUAL(peek(&r, SRAM + 4), 1);        /* the handler ran once */
    CU_ASSERT_EQUAL(peek(&r, SRAM), 1);            /* the loop's last store */
    CU_ASSERT(r.sched.now >= 100000);              /* time jumped to the event */
    CU_ASSERT(cpu_instructions(r.cpu) < 80);       /* ... without executing the wait */
    CU_ASSERT(!nvic_is_active(r.nvic, EXC_IRQ0));  /* the exception returned */
    CU_ASSERT_EQUAL(cpu_sp(r.cpu), SRAM + 0x1000); /* and unstacked its frame */
    rig_free(&r);
}

static void test_arm_svc(void)
{
    Rig r;
    rig_arm(&r, arm_svc, sizeof arm_svc, 0x88, 0, 0x10000, 0, 0);
    CpuStop st;
    cpu_run(r.cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_EXIT);
    CU_ASSERT_EQUAL(peek(&r, SRAM + 4), 42);
    CU_ASSERT_EQUAL(cpu_sp(r.cpu), SRAM + 0x1000);
    rig_free(&r);
}

/* An unmapped read is reported at its instruction, not at the start of its block
 * (0x80); one that starts in SRAM and runs past its end, at its first byte. */
static void test_arm_unmapped_read(void)
{
    static const struct {
        const uint8_t *code;
        size_t len;
        uint32_t addr, pc;
        const char *says;
    } cases[] = {
        {arm_unmapped, sizeof arm_unmapped, 0x30000000, 0x86, "4-byte read at 0x30000000 outside every memory"},
        {arm_straddle, sizeof arm_straddle, 0x2000fffe, 0x84, "4-byte read at 0x2000fffe runs past the end of \"sram\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Rig r;
        rig_arm(&r, cases[i].code, cases[i].len, 0, 0, 0x10000, 0, 0);
        CpuStop st;
        cpu_run(r.cpu, &st);
        CU_ASSERT_EQUAL(st.reason, STOP_UNMAPPED);
        CU_ASSERT_EQUAL(st.addr, cases[i].addr);
        CU_ASSERT_EQUAL(st.size, 4);
        CU_ASSERT_EQUAL(st.access, 'r');
        CU_ASSERT_EQUAL(st.pc, cases[i].pc);
        CU_ASSERT_PTR_NOT_NULL(strstr(st.detail, cases[i].says));
        rig_free(&r);
    }
}

static void test_arm_flash_write(void)
{
    Rig r;
    rig_arm(&r, arm_flashw, sizeof arm_flashw, 0, 0, 0x10000, 0, 0);
    CpuStop st;
    cpu_run(r.cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_FLASH_WRITE);
    CU_ASSERT_EQUAL(st.addr, 0x40);
    CU_ASSERT_EQUAL(st.access, 'w');
    rig_free(&r);
}

/* --sram 0x1800: 0x20001700 is usable (in a partial page), 0x20001900 is not. */
static void test_arm_sram_limit(void)
{
    Rig r;
    rig_arm(&r, arm_sramlim, sizeof arm_sramlim, 0, 0, 0x1800, 0, 0);
    CpuStop st;
    cpu_run(r.cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_SRAM_LIMIT);
    CU_ASSERT_EQUAL(st.addr, SRAM + 0x1900);
    rig_free(&r);
}

static void test_arm_stack_limit(void)
{
    Rig r;
    rig_arm(&r, arm_stack, sizeof arm_stack, 0, 0, 0x10000, SRAM + 0x800, 0);
    CpuStop st;
    cpu_run(r.cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_STACK);
    /* caught before the frame that would cross the limit is pushed: SP is still
     * above it, the address is where that frame would take it */
    CU_ASSERT(st.sp >= SRAM + 0x800);
    CU_ASSERT(st.addr < SRAM + 0x800);
    CU_ASSERT(st.addr > SRAM + 0x800 - 200);
    rig_free(&r);
}

/* movs r0,#0x20; lsls r0,r0,#24; adds r0,#0x40; mov sp,r0; b . : SP set from a
 * register, which the decoder cannot follow: read back after the block. */
static const uint8_t arm_movsp[] = {0x20, 0x20, 0x00, 0x06, 0x40, 0x30, 0x85, 0x46, 0xfe, 0xe7};

static void test_arm_stack_limit_dynamic(void)
{
    Rig r;
    rig_arm(&r, arm_movsp, sizeof arm_movsp, 0, 0, 0x10000, SRAM + 0x800, 0);
    CpuStop st;
    cpu_run(r.cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_STACK);
    CU_ASSERT_EQUAL(st.addr, SRAM + 0x40);
    CU_ASSERT_EQUAL(st.sp, SRAM + 0x40);
    CU_ASSERT_EQUAL(cpu_min_sp(r.cpu), SRAM + 0x40);
    rig_free(&r);
}

static void test_arm_deadlock(void)
{
    Rig r;
    rig_arm(&r, arm_deadlock, sizeof arm_deadlock, 0, 0, 0x10000, 0, 0);
    CpuStop st;
    cpu_run(r.cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_DEADLOCK);
    rig_free(&r);
}

/* Sched.on_idle stand-in: the host end of a live input. Counts its calls, notes the
 * time of each, pends IRQ0 (input arrived) on call `wake_on`, and says "input may
 * still come" for the first `open_for` calls. */
typedef struct HostWait {
    Rig *r;
    int calls, wake_on, open_for;
    uint64_t first_now, last_now; /* cycles */
} HostWait;

static bool host_wait(void *opaque)
{
    HostWait *w = opaque;
    if (!w->calls++)
        w->first_now = w->r->sched.now;
    w->last_now = w->r->sched.now;
    if (w->calls == w->wake_on)
        nvic_set_pending(w->r->nvic, EXC_IRQ0);
    return w->calls <= w->open_for;
}

/* Runs the rig with w standing in for the host end; returns why it stopped. */
static StopReason run_waiting(Rig *r, HostWait *w)
{
    w->r = r;
    r->sched.on_idle = host_wait;
    r->sched.on_idle_opaque = w;
    CpuStop st;
    cpu_run(r->cpu, &st);
    return st.reason;
}

/* WFI with nothing queued: while the host end may still send input the core waits
 * (in host time: simulated time stands still), asking again each time; when it says
 * nothing can come any more, the deadlock rule applies. */
static void test_arm_sleep_waits_for_host(void)
{
    Rig r;
    rig_arm(&r, arm_deadlock, sizeof arm_deadlock, 0, 0, 0x10000, 0, 0);
    HostWait w = {.open_for = 2};
    CU_ASSERT_EQUAL(run_waiting(&r, &w), STOP_DEADLOCK);
    CU_ASSERT_EQUAL(w.calls, 3);
    CU_ASSERT_EQUAL(w.last_now, w.first_now);
    CU_ASSERT_EQUAL(r.sched.now, w.first_now);
    rig_free(&r);
}

/* Input that arrives during the wait wakes the core (PRIMASK is set: it goes on after
 * the WFI without taking the interrupt, into `b .`, until the cycle limit). */
static void test_arm_sleep_woken_by_host(void)
{
    Rig r;
    rig_arm(&r, arm_deadlock, sizeof arm_deadlock, 0, 0, 0x10000, 0, 100000);
    nvic_write(r.nvic, 0x100, 1, 4); /* ISER0: enable IRQ0 */
    HostWait w = {.wake_on = 2, .open_for = 100};
    CU_ASSERT_EQUAL(run_waiting(&r, &w), STOP_TIMEOUT);
    CU_ASSERT_EQUAL(w.calls, 2);
    rig_free(&r);
}

static void test_arm_cycle_limit(void)
{
    Rig r;
    rig_arm(&r, arm_spin, sizeof arm_spin, 0, 0, 0x10000, 0, 5000);
    CpuStop st;
    cpu_run(r.cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_TIMEOUT);
    CU_ASSERT(r.sched.now >= 5000 && r.sched.now < 5100);
    rig_free(&r);
}

/* Two runs of the same program take the same number of cycles. */
static void test_arm_deterministic_time(void)
{
    uint64_t t[2];
    for (int i = 0; i < 2; i++) {
        Rig r;
        rig_arm(&r, arm_svc, sizeof arm_svc, 0x88, 0, 0x10000, 0, 0);
        CpuStop st;
        cpu_run(r.cpu, &st);
        t[i] = r.sched.now;
        rig_free(&r);
    }
    CU_ASSERT(t[0] > 0);
    CU_ASSERT_EQUAL(t[0], t[1]);
}

static Cpu *rv_cpu;
static void raise_mtip(void *opaque, uint64_t due)
{
    IrqLine l = cpu_local_irq(rv_cpu, 7);
    irq_set(&l, 1);
}

/* A Cpu booted and run again and again to its undefined instruction, on a
 * thread of its own. */
typedef struct UdfRuns {
    Cpu *cpu;
    int runs, wrong; /* runs made, and those that did not stop at the UDF at 0x80 */
} UdfRuns;

static void *udf_runs(void *arg)
{
    UdfRuns *u = arg;
    for (int i = 0; i < u->runs; i++) {
        char *err = NULL;
        CpuStop st;
        if (cpu_boot(u->cpu, &err) < 0) {
            free(err);
            u->wrong++;
            continue;
        }
        cpu_run(u->cpu, &st);
        if (st.reason != STOP_BAD_INSN || st.pc != 0x80)
            u->wrong++;
    }
    return NULL;
}

/* A Cpu in a YIELD loop until interrupted: each YIELD comes back from Unicorn as
 * an invalid instruction (at the hook's PC, 0x82) and is resumed. A stop for any
 * other reason counts, and the loop starts again. */
typedef struct YieldRun {
    Cpu *cpu;
    int wrong;
} YieldRun;

static void *yield_run(void *arg)
{
    YieldRun *y = arg;
    for (;;) {
        CpuStop st;
        cpu_run(y->cpu, &st);
        if (st.reason == STOP_INTERRUPTED)
            return NULL;
        y->wrong++;
        char *err = NULL;
        if (cpu_boot(y->cpu, &err) < 0) {
            free(err);
            return NULL;
        }
    }
}

/* Two Cpus in one process at the same time: one stops at its undefined
 * instruction again and again while the other resumes YIELD after YIELD. Each
 * must act on the PC its own insn-invalid hook saw (a PC shared by the process
 * mixes them up: the first stops elsewhere, the second stops at the first's UDF). */
static void test_arm_two_cpus_invalid_pc(void)
{
    Rig a, b;
    rig_arm(&a, arm_udf, sizeof arm_udf, 0, 0, 0x10000, 0, 0);
    rig_arm(&b, arm_yield_loop, sizeof arm_yield_loop, 0, 0, 0x10000, 0, 0);
    UdfRuns ua = {.cpu = a.cpu, .runs = 20000};
    YieldRun yb = {.cpu = b.cpu};
    pthread_t ta, tb;
    CU_ASSERT_EQUAL_FATAL(pthread_create(&tb, NULL, yield_run, &yb), 0);
    CU_ASSERT_EQUAL_FATAL(pthread_create(&ta, NULL, udf_runs, &ua), 0);
    pthread_join(ta, NULL);
    cpu_request_interrupt(b.cpu);
    pthread_join(tb, NULL);
    CU_ASSERT_EQUAL(ua.wrong, 0);
    CU_ASSERT_EQUAL(yb.wrong, 0);
    rig_free(&a);
    rig_free(&b);
}

/* RV32: WFI until a machine-timer interrupt (raised by an event at cycle 50000),
 * the handler sees mcause 0x80000007; mcycle reads simulated time; ecall enters
 * the handler with mcause 11; semihosting exit. */
/* Runs code that must stop at an unaligned access: the instruction at pc, the address
 * addr, a report containing detail. The rig stays open for more checks. */
static void run_to_unaligned(Rig *r, const uint8_t *code, size_t len, uint32_t pc, uint32_t addr, const char *detail)
{
    rig_arm(r, code, len, 0, 0, 0x10000, 0, 0);
    CpuStop st;
    cpu_run(r->cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_HARDFAULT);
    CU_ASSERT_EQUAL(st.pc, pc);
    CU_ASSERT_EQUAL(st.addr, addr);
    CU_ASSERT_EQUAL(st.access, 'r');
    if (!strstr(st.detail, detail))
        fprintf(stderr, "\n  report \"%s\" lacks \"%s\"\n", st.detail, detail);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.detail, detail));
    CU_ASSERT_EQUAL(nvic_read(r->nvic, 0xD28, 4), 1u << 24); /* CFSR.UNALIGNED */
    CU_ASSERT_EQUAL(nvic_read(r->nvic, 0xD2C, 4), 1u << 30); /* HFSR.FORCED */
}

/* An LDRD whose base is not word aligned: a UsageFault (UNALIGNED) escalated to
 * HardFault, precise: the store before it in its block happened, the one after it
 * did not. */
static void test_arm_ldrd_unaligned(void)
{
    Rig r;
    run_to_unaligned(&r, arm_ldrd_unaligned, sizeof arm_ldrd_unaligned, 0x8a, SRAM + 0x102,
                     "escalated UsageFault (UNALIGNED): 8-byte LDRD at 0x20000102 is not word-aligned");
    CU_ASSERT_EQUAL(peek(&r, SRAM + 0x200), 7);
    CU_ASSERT_EQUAL(peek(&r, SRAM + 0x204), 0);
    rig_free(&r);
}

/* An LDM whose base is loaded in its own block: checked when it runs. The first time
 * round it is aligned and runs; the second time it faults. */
static void test_arm_ldm_loaded_base(void)
{
    Rig r;
    run_to_unaligned(&r, arm_ldm_loaded, sizeof arm_ldm_loaded, 0x8a, SRAM + 0x106,
                     "8-byte LDM at 0x20000106 is not word-aligned");
    CU_ASSERT_EQUAL(peek(&r, SRAM + 0x304), 1); /* one round completed */
    rig_free(&r);
}

/* --keep-going: a conditional LDRD that does not run does not fault; the next one goes
 * to the HardFault handler, with the faulting instruction's address stacked. */
static void test_arm_unaligned_keep_going(void)
{
    Rig r;
    RigExtra x = {.hardfault_at = 0x92, .keep_going = true};
    rig_arm_extra(&r, arm_ldrd_cond, sizeof arm_ldrd_cond, 0, 0, 0x10000, 0, 0, &x);
    CpuStop st;
    cpu_run(r.cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_EXIT);
    CU_ASSERT_EQUAL(r.exits, 1);
    CU_ASSERT_EQUAL(peek(&r, cpu_sp(r.cpu) + 24), 0x8c); /* the stacked PC */
    CU_ASSERT_EQUAL(nvic_read(r.nvic, 0xD28, 4), 1u << 24);
    CU_ASSERT_EQUAL(nvic_read(r.nvic, 0xD2C, 4), 1u << 30);
    rig_free(&r);
}

/* Unicorn raises a data abort for an unaligned LDREX: reported as the same UsageFault. */
static void test_arm_ldrex_unaligned(void)
{
    Rig r;
    run_to_unaligned(&r, arm_ldrex_unaligned, sizeof arm_ldrex_unaligned, 0x82, SRAM + 0x102,
                     "4-byte LDREX at 0x20000102");
    rig_free(&r);
}

/* Mirrors show the same bytes (one right after its memory, one elsewhere); an
 * unimplemented region reads zero and ignores writes; a fetch from it is unmapped. */
static void test_arm_mirrors_unimplemented(void)
{
    Rig r;
    RigExtra x = {.mirrors = true, .unimp = true};
    rig_arm_extra(&r, arm_mirror_unimp, sizeof arm_mirror_unimp, 0, 0, 0x10000, 0, 0, &x);
    uint32_t ones = 0xFFFFFFFFu;
    CU_ASSERT_EQUAL(cpu_mem_write(r.cpu, SRAM + 0x200, &ones, 4), 0);
    CpuStop st;
    cpu_run(r.cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_UNMAPPED);
    CU_ASSERT_EQUAL(st.access, 'x');
    CU_ASSERT_EQUAL(st.addr, 0x40000000);
    CU_ASSERT_EQUAL(peek(&r, SRAM + 0x1000), 0x12345678);
    CU_ASSERT_EQUAL(peek(&r, SRAM + 0x11000), 0x12345678);
    CU_ASSERT_EQUAL(peek(&r, 0x30001000), 0x12345678);
    CU_ASSERT_EQUAL(peek(&r, SRAM + 0x200), 0); /* what the region read */
    uint32_t v = 0xCAFE;
    CU_ASSERT_EQUAL(cpu_mem_write(r.cpu, 0x3000FFFC, &v, 4), 0);
    CU_ASSERT_EQUAL(peek(&r, SRAM + 0xFFFC), 0xCAFE);
    CU_ASSERT_EQUAL(peek(&r, SRAM + 0x1FFFC), 0xCAFE);
    rig_free(&r);

    /* --sram: the mirrors end where their memory does */
    RigExtra m = {.mirrors = true};
    rig_arm_extra(&r, arm_spin, sizeof arm_spin, 0, 0, 0x1800, 0, 0, &m);
    CU_ASSERT_EQUAL(cpu_mem_write(r.cpu, 0x30001700, &v, 4), 0);
    CU_ASSERT_EQUAL(peek(&r, SRAM + 0x11700), 0xCAFE);
    CU_ASSERT_EQUAL(cpu_mem_write(r.cpu, 0x30002100, &v, 4), -1); /* beyond the partial page */
    CU_ASSERT_EQUAL(cpu_mem_write(r.cpu, SRAM + 0x12100, &v, 4), -1);
    rig_free(&r);
}

static void test_rv_timer_ecall_mcycle(void)
{
    Sched s;
    sched_init(&s, 16000000);
    CpuMemRegion mem[] = {{.name = "ram", .base = 0x80000000u, .size = 0x10000, .limit = 0x10000, .kind = MEM_SRAM}};
    CpuConfig cc = {.core = CORE_RV32IMAC, .sched = &s, .mem = mem, .nmem = 1, .boot_addr = 0x80000000u};
    char *err = NULL;
    Rig r = {0};
    Cpu *c = cpu_new(&cc, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    rv_cpu = c;
    cpu_set_semihost(c, fake_semihost, &r);
    CU_ASSERT_EQUAL_FATAL(cpu_load(c, 0x80000000u, rv_irq, sizeof rv_irq, &err), 0);
    CU_ASSERT_EQUAL_FATAL(cpu_boot(c, &err), 0);
    SchedEvent ev;
    sched_event_init(&ev, "mtip", raise_mtip, NULL);
    sched_at(&s, &ev, 50000);
    CpuStop st;
    cpu_run(c, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_EXIT);
    uint32_t v[3] = {0};
    CU_ASSERT_EQUAL(cpu_mem_read(c, 0x80000100u, v, sizeof v), 0);
    CU_ASSERT_EQUAL(v[0], 0x80000007u); /* timer interrupt cause */
    CU_ASSERT_EQUAL(v[1], 11);          /* ecall from M-mode */
    CU_ASSERT(v[2] >= 50000 && v[2] < 50000 + 1000); /* mcycle = simulated cycles */
    cpu_free(c);
    free(err);
}

/* The host's writes for the firmware (semihosting SYS_ELAPSED: 8 bytes at a target)
 * have the firmware's permissions: into flash, outside every memory or across the
 * --sram limit nothing is written and the run stops at the call with the fault the
 * firmware's own store would get; into SRAM the bytes arrive and the run goes on. */
typedef struct HostWriteCase {
    uint32_t target;
    StopReason reason;  /* STOP_TIMEOUT: allowed (the program then spins) */
    uint32_t fault_at;  /* the first byte the firmware could not store to */
    bool readable;      /* the target's first word can be read back (flash, SRAM) */
} HostWriteCase;

static void check_host_write(Rig *r, const HostWriteCase *k, uint32_t call_pc)
{
    CpuStop st;
    cpu_run(r->cpu, &st);
    CU_ASSERT_EQUAL(st.reason, k->reason);
    uint32_t v = 1;
    if (k->readable)
        CU_ASSERT_EQUAL(cpu_mem_read(r->cpu, k->target, &v, sizeof v), 0);
    if (k->reason == STOP_TIMEOUT) {
        uint32_t hi = 0;
        CU_ASSERT_EQUAL(cpu_mem_read(r->cpu, k->target + 4, &hi, sizeof hi), 0);
        CU_ASSERT_EQUAL(v, (uint32_t)ELAPSED_VALUE);
        CU_ASSERT_EQUAL(hi, (uint32_t)(ELAPSED_VALUE >> 32));
        return;
    }
    if (k->readable)
        CU_ASSERT_EQUAL(v, 0); /* nothing written (not even the bytes before the fault) */
    CU_ASSERT_EQUAL(st.addr, k->fault_at);
    CU_ASSERT_EQUAL(st.access, 'w');
    CU_ASSERT_EQUAL(st.pc, call_pc);
    CU_ASSERT_PTR_NOT_NULL(strstr(st.detail, "semihosting"));
}

static void test_arm_semihost_write_permissions(void)
{
    static const HostWriteCase cases[] = {
        {0x100, STOP_FLASH_WRITE, 0x100, true},
        {0x30000000u, STOP_UNMAPPED, 0x30000000u, false},
        {SRAM + 0x1900, STOP_SRAM_LIMIT, SRAM + 0x1900, false},
        {SRAM + 0x17FC, STOP_SRAM_LIMIT, SRAM + 0x1800, true}, /* straddles the --sram limit */
        {SRAM + 0x100, STOP_TIMEOUT, 0, true},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint8_t code[sizeof arm_elapsed];
        memcpy(code, arm_elapsed, sizeof code);
        memcpy(code + 8, &cases[i].target, 4);
        Rig r;
        rig_arm(&r, code, sizeof code, 0, 0, 0x1800, 0, 20000);
        check_host_write(&r, &cases[i], 0x84);
        rig_free(&r);
    }
}

/* RV32: flash at 0x20000000, RAM at 0x80000000 of which `ram_limit` bytes are usable,
 * `code` loaded at 0x80000000 and booted. */
static void rig_rv(Rig *r, CoreModel core, const uint8_t *code, size_t len, uint32_t ram_limit, uint64_t max_cycles)
{
    memset(r, 0, sizeof *r);
    sched_init(&r->sched, 10000000);
    CpuMemRegion mem[] = {
        {.name = "flash", .base = 0x20000000u, .size = 0x10000, .limit = 0x10000, .kind = MEM_FLASH},
        {.name = "ram", .base = 0x80000000u, .size = 0x10000, .limit = ram_limit, .kind = MEM_SRAM},
    };
    CpuConfig cc = {.core = core, .sched = &r->sched, .mem = mem, .nmem = 2, .boot_addr = 0x80000000u,
                    .max_cycles = max_cycles};
    char *err = NULL;
    r->cpu = cpu_new(&cc, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->cpu);
    cpu_set_semihost(r->cpu, fake_semihost, r);
    CU_ASSERT_EQUAL_FATAL(cpu_load(r->cpu, 0x80000000u, code, len, &err), 0);
    CU_ASSERT_EQUAL_FATAL(cpu_boot(r->cpu, &err), 0);
    free(err);
}

static void test_rv_semihost_write_permissions(void)
{
    static const HostWriteCase cases[] = {
        {0x20000100u, STOP_FLASH_WRITE, 0x20000100u, true},
        {0x30000000u, STOP_UNMAPPED, 0x30000000u, false},
        {0x800017FCu, STOP_SRAM_LIMIT, 0x80001800u, true},
        {0x80000100u, STOP_TIMEOUT, 0, true},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint8_t code[sizeof rv_elapsed];
        memcpy(code, rv_elapsed, sizeof code);
        memcpy(code + 28, &cases[i].target, 4);
        Rig r;
        rig_rv(&r, CORE_RV32IMAC, code, sizeof code, 0x1800, 20000);
        check_host_write(&r, &cases[i], 0x80000010u);
        rig_free(&r);
    }
}

/* rv32gc (QEMU's rv32): satp (Sv32 written from M-mode: kept, WARL as QEMU 7.2),
 * stvec, medeleg and pmpaddr0 are written and read back. rv32imac (the E31: no
 * S-mode): the satp write is an illegal instruction. */
static void test_rv_smode_csrs(void)
{
    Rig r;
    rig_rv(&r, CORE_RV32GC, rv_smode, sizeof rv_smode, 0x10000, 0);
    CpuStop st;
    cpu_run(r.cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_EXIT);
    uint32_t v[4] = {0};
    CU_ASSERT_EQUAL(cpu_mem_read(r.cpu, 0x80000100u, v, sizeof v), 0);
    CU_ASSERT_EQUAL(v[0], 0x80012345u);
    CU_ASSERT_EQUAL(v[1], 0x80001000u);
    CU_ASSERT_EQUAL(v[2], 0x100);
    CU_ASSERT_EQUAL(v[3], 0x20001fffu);
    rig_free(&r);

    rig_rv(&r, CORE_RV32IMAC, rv_smode, sizeof rv_smode, 0x10000, 0);
    cpu_run(r.cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_BAD_INSN);
    CU_ASSERT_EQUAL(st.pc, 0x80000008u);
    rig_free(&r);
}

/* A sampler: a scheduler event every cycle takes cpu_backtrace, as the CPU profile
 * does, and the test looks at the stacks. */
typedef struct Sampler {
    Cpu *cpu;
    Sched *sched;
    SchedEvent ev;
    size_t n;
    uint32_t callee, ret;   /* code at and above callee runs under one caller's frame
                               (returning to ret, when not 0), the rest under none */
    size_t wrong;           /* stacks that are not so */
    uint32_t in_irq[4];     /* arm_irq_at_entry: a stack taken in the handler */
    size_t nin_irq;
} Sampler;

static void sample_every_cycle(void *opaque, uint64_t due)
{
    Sampler *sp = opaque;
    uint32_t f[4];
    size_t n = cpu_backtrace(sp->cpu, f, 4);
    sp->n++;
    if (f[0] >= sp->callee ? n != 2 || (sp->ret && f[1] != sp->ret) : n != 1)
        sp->wrong++;
    if (f[0] == 0x96 && n <= 4) { /* arm_irq_at_entry: the handler's block */
        memcpy(sp->in_irq, f, n * sizeof *f);
        sp->nin_irq = n;
    }
    sched_at(sp->sched, &sp->ev, due + 1);
}

static void sampler_start(Sampler *sp, Rig *r, uint32_t callee, uint32_t ret)
{
    memset(sp, 0, sizeof *sp);
    sp->callee = callee;
    sp->ret = ret;
    sp->cpu = r->cpu;
    sp->sched = &r->sched;
    sched_event_init(&sp->ev, "sample", sample_every_cycle, sp);
    sched_at(&r->sched, &sp->ev, 1);
}

/* A sample is charged to the block whose cycles reached its time, with the call
 * stack as that block ran: the block that ends in `bl f` is the caller's alone, the
 * one that ends in `bx lr` is f's under its caller. */
static void test_arm_sample_stacks(void)
{
    Rig r;
    rig_arm(&r, arm_calls, sizeof arm_calls, 0, 0, 0x10000, 0, 3000);
    Sampler sp;
    sampler_start(&sp, &r, 0x8a, 0x86); /* f, its caller's return address */
    CpuStop st;
    cpu_run(r.cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_TIMEOUT);
    CU_ASSERT(sp.n >= 2900);
    CU_ASSERT_EQUAL(sp.wrong, 0);
    sched_cancel(&r.sched, &sp.ev);
    rig_free(&r);
}

/* The time f of arm_irq_at_entry is entered at (an entry hook). */
static void note_entry(Cpu *c, void *opaque, uint32_t cookie)
{
    *(uint64_t *)opaque = cpu_now(c);
}

/* An interrupt taken before f's first instruction (pended by an event due when f
 * is entered, as a first run measures): in the handler's stack, the interrupted
 * frame reads as an address inside f (f + 2: symbolizers look up the byte before a
 * frame's address), then f's return address. */
static void test_arm_sample_interrupt_frame(void)
{
    Rig r;
    uint64_t entered = 0;
    CpuStop st;
    rig_arm(&r, arm_irq_at_entry, sizeof arm_irq_at_entry, 0, 0x96, 0x10000, 0, 0);
    cpu_hook_entry(r.cpu, 0x90, 6, note_entry, &entered, 0);
    cpu_run(r.cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_EXIT);
    CU_ASSERT_FATAL(entered > 0);
    rig_free(&r);

    rig_arm(&r, arm_irq_at_entry, sizeof arm_irq_at_entry, 0, 0x96, 0x10000, 0, 0);
    nvic_write(r.nvic, 0x100, 1, 4); /* ISER0: enable IRQ0 */
    SchedEvent pend;
    sched_event_init(&pend, "pend", pend_irq0, &r);
    sched_at(&r.sched, &pend, entered);
    Sampler sp;
    sampler_start(&sp, &r, 0x90, 0);
    cpu_run(r.cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_EXIT);
    CU_ASSERT_EQUAL_FATAL(sp.nin_irq, 3);
    CU_ASSERT_EQUAL(sp.in_irq[1], 0x90 + 2);
    CU_ASSERT_EQUAL(sp.in_irq[2], 0x8a);
    sched_cancel(&r.sched, &sp.ev);
    rig_free(&r);
}

/* Entry hooks: the order they ran in, by cookie. */
typedef struct HookLog {
    uint32_t cookies[64];
    size_t n;
} HookLog;

static void log_entry(Cpu *c, void *opaque, uint32_t cookie)
{
    (void)c;
    HookLog *l = opaque;
    if (l->n < ARRAY_SIZE(l->cookies))
        l->cookies[l->n++] = cookie;
}

/* Entry hooks added in no order of address, several on one function: each runs
 * where its function starts, those of one function in the order they were added; a
 * hook with an extent does not run when its own code branches back to its start. */
static void test_arm_entry_hooks_order(void)
{
    Rig r;
    HookLog log = {0};
    CpuStop st;
    rig_arm(&r, arm_irq_at_entry, sizeof arm_irq_at_entry, 0, 0x96, 0x10000, 0, 0);
    cpu_hook_entry(r.cpu, 0x200, 0, log_entry, &log, 10);
    cpu_hook_entry(r.cpu, 0x90, 0, log_entry, &log, 1);
    cpu_hook_entry(r.cpu, 0x82, 0, log_entry, &log, 5);   /* the loop, every time round */
    cpu_hook_entry(r.cpu, 0x100, 0, log_entry, &log, 11);
    cpu_hook_entry(r.cpu, 0x91, 6, log_entry, &log, 2);   /* Thumb bit: the same function */
    cpu_hook_entry(r.cpu, 0x40, 0, log_entry, &log, 12);
    cpu_hook_entry(r.cpu, 0x80, 6, log_entry, &log, 4);   /* reset, never re-entered from outside */
    cpu_hook_entry(r.cpu, 0x90, 6, log_entry, &log, 3);
    cpu_run(r.cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_EXIT);
    /* reset's block, then the loop's block 19 times (20 counts, the first in reset's
     * block), then f */
    CU_ASSERT_EQUAL_FATAL(log.n, 1 + 19 + 3);
    CU_ASSERT_EQUAL(log.cookies[0], 4);
    for (size_t i = 1; i < 20; i++)
        CU_ASSERT_EQUAL(log.cookies[i], 5);
    CU_ASSERT_EQUAL(log.cookies[20], 1);
    CU_ASSERT_EQUAL(log.cookies[21], 2);
    CU_ASSERT_EQUAL(log.cookies[22], 3);
    rig_free(&r);
}

/* Returns the shadow stack must see: to LR + 2 (as Thumb-1's switch helpers return),
 * through bx r3 (varargs); and a jump through a register that is no return (the
 * tail call in trampoline): the called code always runs under one caller's frame,
 * the caller under none. */
static void test_arm_sample_returns(void)
{
    Rig r;
    rig_arm(&r, arm_returns, sizeof arm_returns, 0, 0, 0x10000, 0, 0);
    Sampler sp;
    sampler_start(&sp, &r, 0x96, 0);
    CpuStop st;
    cpu_run(r.cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_EXIT);
    CU_ASSERT(sp.n > 30);
    CU_ASSERT_EQUAL(sp.wrong, 0);
    sched_cancel(&r.sched, &sp.ev);
    rig_free(&r);
}

/* ---- the debugger's primitives (cpu/debug.h) ---- */

static void request_stop(void *opaque, uint64_t due)
{
    Rig *r = opaque;
    cpu_debug_request_stop(r->cpu);
}

/* arm_irq with IRQ0 pended at cycle 100000 (and a stop requested at request_at,
 * during the WFI, unless 0). */
static void rig_irq_program(Rig *r, SchedEvent *pend, SchedEvent *req, uint64_t request_at)
{
    rig_arm(r, arm_irq, sizeof arm_irq, 0, 0x96, 0x10000, 0, 0);
    nvic_write(r->nvic, 0x100, 1, 4); /* ISER0: enable IRQ0 */
    sched_event_init(pend, "irq0", pend_irq0, r);
    sched_at(&r->sched, pend, 100000);
    sched_event_init(req, "request", request_stop, r);
    if (request_at)
        sched_at(&r->sched, req, request_at);
}

static uint32_t dreg(Rig *r, size_t n)
{
    uint32_t v = 0;
    CU_ASSERT_EQUAL(cpu_debug_reg_read(r->cpu, n, &v), 0);
    return v;
}

/* Run to a stop of this reason. */
static void expect_stop(Rig *r, StopReason reason)
{
    CpuStop st;
    cpu_run(r->cpu, &st);
    CU_ASSERT_EQUAL(st.reason, reason);
}

/* Run to a debugger stop of this cause at this PC. */
static void expect_debug_stop(Rig *r, CpuDebugCause cause, uint32_t pc)
{
    CpuStop st;
    cpu_run(r->cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_DEBUG);
    CU_ASSERT_EQUAL(st.debug, cause);
    CU_ASSERT_EQUAL(st.pc, pc);
    CU_ASSERT_EQUAL(dreg(r, 15), pc);
}

/* The store loop, WFI, IRQ0 and exit of arm_irq, stopped at a breakpoint in the
 * middle of a block (twice), stepped through a taken branch, stopped on request while
 * the core sleeps and by a watchpoint in the handler: every stop lands where it
 * should, and the run ends at the very cycle and instruction count of an undebugged
 * run (no block charged twice, none skipped, the sleep resumed). */
static void test_debug_same_time(void)
{
    Rig r;
    SchedEvent pend, req;
    rig_irq_program(&r, &pend, &req, 0);
    expect_stop(&r, STOP_EXIT);
    uint64_t ref_now = r.sched.now, ref_insns = cpu_instructions(r.cpu);
    rig_free(&r);

    rig_irq_program(&r, &pend, &req, 50000);
    CU_ASSERT_EQUAL(cpu_debug_break_insert(r.cpu, 0x88, false), 0); /* subs, after the loop's str */
    expect_debug_stop(&r, CPU_DEBUG_BREAK, 0x88);
    CU_ASSERT_EQUAL(dreg(&r, 1), 10);
    CU_ASSERT_EQUAL(peek(&r, SRAM), 10); /* the str before it ran */
    expect_debug_stop(&r, CPU_DEBUG_BREAK, 0x88);
    CU_ASSERT_EQUAL(dreg(&r, 1), 9);
    CU_ASSERT_EQUAL(cpu_debug_break_remove(r.cpu, 0x88, false), 0);
    CU_ASSERT_EQUAL(cpu_debug_break_remove(r.cpu, 0x88, false), -1);
    static const uint32_t steps[] = {0x8a, 0x86, 0x88}; /* subs, bne (taken), str */
    for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
        cpu_debug_step(r.cpu);
        expect_debug_stop(&r, CPU_DEBUG_STEP, steps[i]);
    }
    CU_ASSERT_EQUAL(dreg(&r, 1), 8);
    /* a stop requested while the core sleeps in the WFI: time stands at the request */
    expect_debug_stop(&r, CPU_DEBUG_REQUEST, 0x90);
    CU_ASSERT_EQUAL(r.sched.now, 50000);
    /* the handler's store, seen after it: PC at the bx lr */
    CU_ASSERT_EQUAL(cpu_debug_watch_insert(r.cpu, SRAM + 4, 4, CPU_WATCH_WRITE), 0);
    expect_debug_stop(&r, CPU_DEBUG_WATCH, 0x9e);
    CU_ASSERT(r.sched.now >= 100000);
    expect_stop(&r, STOP_EXIT); /* no more writes there */
    CU_ASSERT_EQUAL(peek(&r, SRAM + 4), 1);
    CU_ASSERT_EQUAL(r.sched.now, ref_now);
    CU_ASSERT_EQUAL(cpu_instructions(r.cpu), ref_insns);
    rig_free(&r);
}

/* Watchpoints by kind and overlap, and the stop's data address. */
static void test_debug_watch_kinds(void)
{
    Rig r;
    SchedEvent pend, req;
    rig_irq_program(&r, &pend, &req, 0);
    /* a read watch on the handler's counter: its ldr, stopped at the adds after it */
    CU_ASSERT_EQUAL(cpu_debug_watch_insert(r.cpu, SRAM + 6, 1, CPU_WATCH_READ), 0);
    CU_ASSERT_EQUAL(cpu_debug_watch_insert(r.cpu, SRAM + 0x100, 4, CPU_WATCH_ACCESS), 0); /* never touched */
    CpuStop st;
    cpu_run(r.cpu, &st);
    CU_ASSERT_EQUAL(st.reason, STOP_DEBUG);
    CU_ASSERT_EQUAL(st.debug, CPU_DEBUG_WATCH);
    CU_ASSERT_EQUAL(st.pc, 0x9a);
    CU_ASSERT_EQUAL(st.addr, SRAM + 6); /* the watched byte inside the 4-byte load */
    CU_ASSERT_EQUAL(st.access, 'r');
    CU_ASSERT_EQUAL(cpu_debug_watch_remove(r.cpu, SRAM + 6, 1, CPU_WATCH_WRITE), -1); /* another kind */
    CU_ASSERT_EQUAL(cpu_debug_watch_remove(r.cpu, SRAM + 6, 1, CPU_WATCH_READ), 0);
    /* an access watch: the str is next */
    CU_ASSERT_EQUAL(cpu_debug_watch_insert(r.cpu, SRAM + 4, 4, CPU_WATCH_ACCESS), 0);
    cpu_run(r.cpu, &st);
    CU_ASSERT_EQUAL(st.debug, CPU_DEBUG_WATCH);
    CU_ASSERT_EQUAL(st.pc, 0x9e);
    CU_ASSERT_EQUAL(st.access, 'a');
    cpu_debug_clear(r.cpu);
    expect_stop(&r, STOP_EXIT);
    rig_free(&r);
}

/* A breakpoint set after the code around it was translated still stops the run
 * (Unicorn 2.0.1 keeps translated code without the new hook unless it is dropped):
 * `b .` stopped on request, then a breakpoint on it. A hardware one says so. */
static void test_debug_break_after_translation(void)
{
    Rig r;
    rig_arm(&r, arm_spin, sizeof arm_spin, 0, 0, 0x10000, 0, 100000);
    SchedEvent req;
    sched_event_init(&req, "request", request_stop, &r);
    sched_at(&r.sched, &req, 1000);
    expect_debug_stop(&r, CPU_DEBUG_REQUEST, 0x80);
    uint64_t t = r.sched.now;
    CU_ASSERT(t >= 1000 && t < 1100);
    CU_ASSERT_EQUAL(cpu_debug_break_insert(r.cpu, 0x81, true), 0); /* Thumb bit: ignored */
    expect_debug_stop(&r, CPU_DEBUG_HWBREAK, 0x80);
    CU_ASSERT(r.sched.now > t); /* one more turn of the loop, not the same instruction */
    CU_ASSERT_EQUAL(cpu_debug_break_remove(r.cpu, 0x80, true), 0);
    expect_stop(&r, STOP_TIMEOUT);
    rig_free(&r);
}

/* Registers by the debugger's numbers, and memory without device side effects. */
static void test_debug_regs_mem(void)
{
    Rig r;
    rig_arm(&r, arm_irq, sizeof arm_irq, 0, 0x96, 0x10000, 0, 0);
    Cpu *c = r.cpu;
    CU_ASSERT_STRING_EQUAL(cpu_debug_arch(c), "arm");
    CU_ASSERT_EQUAL(cpu_debug_reg_count(c), 23); /* r0-r12 sp lr pc xpsr, msp psp primask basepri faultmask control */
    CU_ASSERT_STRING_EQUAL(cpu_debug_reg_info(c, 13)->name, "sp");
    CU_ASSERT_STRING_EQUAL(cpu_debug_reg_info(c, 16)->name, "xpsr");
    CU_ASSERT_STRING_EQUAL(cpu_debug_reg_info(c, 16)->feature, "org.gnu.gdb.arm.m-profile");
    CU_ASSERT_STRING_EQUAL(cpu_debug_reg_info(c, 17)->name, "msp");
    CU_ASSERT_STRING_EQUAL(cpu_debug_reg_info(c, 17)->feature, "org.gnu.gdb.arm.m-system");
    CU_ASSERT_PTR_NULL(cpu_debug_reg_info(c, 23));
    CU_ASSERT_EQUAL(dreg(&r, 15), 0x80);         /* reset PC, without the Thumb bit */
    CU_ASSERT_EQUAL(dreg(&r, 13), SRAM + 0x1000); /* sp */
    CU_ASSERT_EQUAL(dreg(&r, 17), SRAM + 0x1000); /* msp */
    CU_ASSERT_EQUAL(dreg(&r, 16) & (1u << 24), 1u << 24); /* xPSR.T */
    CU_ASSERT_EQUAL(cpu_debug_reg_write(c, 3, 0x1234), 0);
    CU_ASSERT_EQUAL(dreg(&r, 3), 0x1234);
    CU_ASSERT_EQUAL(cpu_debug_reg_write(c, 99, 0), -1);
    uint32_t w;
    CU_ASSERT_EQUAL(cpu_debug_mem_read(c, 0x80, &w, 4), 0);
    CU_ASSERT_EQUAL(w, 0x5000f04fu);
    CU_ASSERT_EQUAL(cpu_debug_mem_read(c, 0xfffe, &w, 4), -1);     /* runs past the flash */
    CU_ASSERT_EQUAL(cpu_debug_mem_read(c, 0x40000000, &w, 4), -1); /* no memory */
    w = 0xabcd;
    CU_ASSERT_EQUAL(cpu_debug_mem_write(c, SRAM + 8, &w, 4), 0);
    CU_ASSERT_EQUAL(peek(&r, SRAM + 8), 0xabcd);
    /* a jump: PC written, the run goes on there (the exit) */
    CU_ASSERT_EQUAL(cpu_debug_reg_write(c, 15, 0x90), 0);
    expect_stop(&r, STOP_EXIT);
    CU_ASSERT_EQUAL(cpu_instructions(c), 3);
    rig_free(&r);

    /* RV32: x0 reads as zero, the counters read simulated time and are read-only */
    rig_rv(&r, CORE_RV32IMAC, rv_smode, sizeof rv_smode, 0x10000, 0);
    c = r.cpu;
    CU_ASSERT_STRING_EQUAL(cpu_debug_arch(c), "riscv:rv32");
    CU_ASSERT_STRING_EQUAL(cpu_debug_reg_info(c, 0)->name, "zero");
    CU_ASSERT_STRING_EQUAL(cpu_debug_reg_info(c, 32)->name, "pc");
    size_t mcycle = 0, satp = 0;
    for (size_t i = 0; i < cpu_debug_reg_count(c); i++) {
        mcycle = strcmp(cpu_debug_reg_info(c, i)->name, "mcycle") ? mcycle : i;
        satp = strcmp(cpu_debug_reg_info(c, i)->name, "satp") ? satp : i;
    }
    CU_ASSERT(mcycle > 32);
    CU_ASSERT_EQUAL(satp, 0); /* no S-mode on the rv32imac */
    CU_ASSERT_EQUAL(cpu_debug_reg_write(c, 0, 5), 0);
    CU_ASSERT_EQUAL(dreg(&r, 0), 0);
    CU_ASSERT_EQUAL(dreg(&r, 32), 0x80000000u);
    r.sched.now = 12345;
    CU_ASSERT_EQUAL(dreg(&r, mcycle), 12345);
    CU_ASSERT_EQUAL(cpu_debug_reg_write(c, mcycle, 0), -1);
    rig_free(&r);
}

static const TestCase debug_tests[] = {
    {"a debugged run takes the time of an undebugged one", test_debug_same_time},
    {"watchpoints: kinds, overlaps, data address", test_debug_watch_kinds},
    {"a breakpoint set after translation stops the run", test_debug_break_after_translation},
    {"registers by number, memory", test_debug_regs_mem},
    {NULL, NULL},
};

/* Thumb, linked at 0x80: returns through another register than LR, in a loop (so
   that the blocks are known after the first round: the block hook's common case).
   reset:
     movs r4, #3
   loop:                @ 0x82
     bl vararg          @ returns with bx r3
     ldr r0, =f
     bl trampoline      @ returns to 0x8c through f, which trampoline jumps to
     subs r4, #1
     bne loop
     movs r0, #0x18
     ldr r1, =0x20026
     bkpt 0xab
   vararg:              @ 0x96
     push {r0-r3}
     push {lr}
     pop {r3}
     add sp, #16
     bx r3
   trampoline:          @ 0xa0
     bx r0              @ a tail call through a pointer: no return
     nop
   f:                   @ 0xa4
     nop
     nop
     bx lr
   .ltorg
 */
static const uint8_t arm_returns_loop[] = {
    0x03, 0x24, 0x00, 0xf0, 0x08, 0xf8, 0x09, 0x48, 0x00, 0xf0, 0x0a, 0xf8, 0x01, 0x3c, 0xf8, 0xd1, 0x18, 0x20,
    0x07, 0x49, 0xab, 0xbe, 0x0f, 0xb4, 0x00, 0xb5, 0x08, 0xbc, 0x04, 0xb0, 0x18, 0x47, 0x00, 0x47, 0x00, 0xbf,
    0x00, 0xbf, 0x00, 0xbf, 0x70, 0x47, 0x00, 0x00, 0xa5, 0x00, 0x00, 0x00, 0x26, 0x00, 0x02, 0x00};

/* Returns through another register without a sampler, so that the block hook's
 * common case meets them (in the loop, from the second round): bx r3 in vararg pops
 * the frame of its call, bx r0 in trampoline pops nothing; both programs reach the
 * exit with no frame left. */
static void test_arm_returns_unsampled(void)
{
    static const struct {
        const uint8_t *code;
        size_t len;
    } progs[] = {{arm_returns, sizeof arm_returns}, {arm_returns_loop, sizeof arm_returns_loop}};
    for (size_t i = 0; i < ARRAY_SIZE(progs); i++) {
        Rig r;
        rig_arm(&r, progs[i].code, progs[i].len, 0, 0, 0x10000, 0, 0);
        CpuStop st;
        cpu_run(r.cpu, &st);
        CU_ASSERT(st.reason == STOP_EXIT && r.exits == 1);
        CU_ASSERT_EQUAL(r.exit_depth, 0);
        rig_free(&r);
    }
}

static const TestCase cpu_tests[] = {
    {"arm: WFI, IRQ entry/exit, semihosting exit", test_arm_wfi_irq_exit},
    {"arm: SVC", test_arm_svc},
    {"arm: unmapped read, a read across the end of SRAM", test_arm_unmapped_read},
    {"arm: write to flash", test_arm_flash_write},
    {"arm: access beyond --sram", test_arm_sram_limit},
    {"arm: stack limit", test_arm_stack_limit},
    {"arm: stack limit, SP written from a register", test_arm_stack_limit_dynamic},
    {"arm: deadlock", test_arm_deadlock},
    {"arm: a sleep only the host can end waits for it", test_arm_sleep_waits_for_host},
    {"arm: a sleep ended by host input", test_arm_sleep_woken_by_host},
    {"arm: cycle limit", test_arm_cycle_limit},
    {"arm: deterministic time", test_arm_deterministic_time},
    {"arm: two Cpus keep their own invalid-instruction PC", test_arm_two_cpus_invalid_pc},
    {"arm: unaligned LDRD, a base the block starts with", test_arm_ldrd_unaligned},
    {"arm: unaligned LDM, a base loaded in the block", test_arm_ldm_loaded_base},
    {"arm: unaligned access with --keep-going, conditional", test_arm_unaligned_keep_going},
    {"arm: unaligned LDREX", test_arm_ldrex_unaligned},
    {"arm: mirrors, unimplemented regions", test_arm_mirrors_unimplemented},
    {"rv32: timer interrupt, ecall, mcycle", test_rv_timer_ecall_mcycle},
    {"arm: semihosting writes have the firmware's permissions", test_arm_semihost_write_permissions},
    {"rv32: semihosting writes have the firmware's permissions", test_rv_semihost_write_permissions},
    {"rv32gc: S-mode and PMP CSRs; rv32imac: no satp", test_rv_smode_csrs},
    {"arm: samples at calls and returns", test_arm_sample_stacks},
    {"arm: an interrupt's frame in a sample", test_arm_sample_interrupt_frame},
    {"arm: entry hooks by address, in the order added", test_arm_entry_hooks_order},
    {"arm: returns to a computed address, through another register", test_arm_sample_returns},
    {"arm: returns through another register in the block hook's common case", test_arm_returns_unsampled},
    {NULL, NULL},
};

int main(void)
{
    static const TestSuite suites[] = {{"cpu", cpu_tests}, {"cpu-debug", debug_tests}, {NULL, NULL}};
    return cunit_run(suites);
}
