/* riscv.h: RV32 machine-mode CSRs and the SiFive CLINT (msip, mtimecmp, mtime). */
#ifndef FW_RISCV_H
#define FW_RISCV_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#define REG8(addr) (*(volatile uint8_t *)(uintptr_t)(addr))

#define csr_read(csr) ({ uint32_t v_; __asm volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csr_write(csr, val) __asm volatile("csrw " #csr ", %0" ::"rK"(val) : "memory")
#define csr_set(csr, bits) __asm volatile("csrs " #csr ", %0" ::"rK"(bits) : "memory")
#define csr_clear(csr, bits) __asm volatile("csrc " #csr ", %0" ::"rK"(bits) : "memory")

#define MSTATUS_MIE (1u << 3)
#define MSTATUS_MPIE (1u << 7)
#define MSTATUS_MPP (3u << 11)
#define MIE_MSIE (1u << 3)
#define MIE_MTIE (1u << 7)
#define MIE_MEIE (1u << 11)
#define MCAUSE_INT 0x80000000u
#define MCAUSE_MSI (MCAUSE_INT | 3)
#define MCAUSE_MTI (MCAUSE_INT | 7)
#define MCAUSE_MEI (MCAUSE_INT | 11)
#define MCAUSE_ILLEGAL 2u
#define MCAUSE_BREAKPOINT 3u
#define MCAUSE_LOAD_FAULT 5u
#define MCAUSE_ECALL_M 11u

/* CLINT (same layout on sifive_e and virt) */
#define CLINT_BASE 0x02000000u
#define CLINT_MSIP REG32(CLINT_BASE + 0x0000)
#define CLINT_MTIMECMP_LO REG32(CLINT_BASE + 0x4000)
#define CLINT_MTIMECMP_HI REG32(CLINT_BASE + 0x4004)
#define CLINT_MTIME_LO REG32(CLINT_BASE + 0xBFF8)
#define CLINT_MTIME_HI REG32(CLINT_BASE + 0xBFFC)

static inline uint64_t clint_mtime(void)
{
    uint32_t hi, lo, hi2;
    do {
        hi = CLINT_MTIME_HI;
        lo = CLINT_MTIME_LO;
        hi2 = CLINT_MTIME_HI;
    } while (hi != hi2);
    return (uint64_t)hi << 32 | lo;
}

/* Never passes through a value below both the old and the new compare value. */
static inline void clint_set_mtimecmp(uint64_t when)
{
    CLINT_MTIMECMP_HI = 0xFFFFFFFFu;
    CLINT_MTIMECMP_LO = (uint32_t)when;
    CLINT_MTIMECMP_HI = (uint32_t)(when >> 32);
}

/* Registers saved by the trap entry in crt0_riscv.S, in this order. */
enum {
    TF_RA, TF_T0, TF_T1, TF_T2, TF_A0, TF_A1, TF_A2, TF_A3, TF_A4, TF_A5, TF_A6, TF_A7,
    TF_T3, TF_T4, TF_T5, TF_T6, TF_WORDS
};

/* Called by the trap entry (mtvec direct mode) with mcause, mepc and the saved
 * registers (which it may change); returns the mepc to resume at. The weak default in
 * riscv.c handles the machine timer (the board tick) and stops on anything else. */
uint32_t trap_handler(uint32_t mcause, uint32_t mepc, uint32_t *frame);
/* The board's own part of trap handling: 1 if it handled `mcause` (the tick). */
int board_handle_trap(uint32_t mcause);
void trap_entry(void);

#endif
