/* t_csr_riscv.c: the privileged state of the core as QEMU 7.2 has it, from machine
 * mode: on virt-rv32 (QEMU's rv32: M, S and U modes) the S-mode CSRs (sstatus, sie,
 * sip, stvec, sepc, scause, stval, sscratch, scounteren, satp with Bare and Sv32
 * written: WARL, kept), medeleg and mideleg are written and read back, traps and
 * interrupts taken in M-mode stay there whatever the delegation; on both boards the
 * PMP CSRs (pmpcfg0-3, pmpaddr0-15) are written and read back, and a CSR that does
 * not exist (pmpcfg4, pmpaddr16, a custom one; on sifive_e every S-mode CSR) or a
 * write to a read-only one (mhartid, cycle) is an illegal instruction whose mtval
 * is the instruction. One line per check, never a timing-dependent value; exit 0
 * when all pass, else 1. In a simulator that stops on an undefined instruction,
 * run with the option that delivers it to the firmware (baregc: --keep-going). */
#include <stdint.h>

#include "board.h"
#include "riscv.h"
#include "semihost.h"

static volatile int illegal_traps;  /* illegal-instruction traps taken */
static volatile int mtval_mismatch; /* ... whose mtval was not the instruction */
static volatile uint32_t last_cause;
static volatile int ssi_traps;      /* supervisor software interrupts taken in M-mode */
static int failures;

#define CSR_SIP_SSIP (1u << 1) /* in sip and mip */
#define S_INTS 0x222u /* SSIP, STIP, SEIP */

/* Illegal instructions (all 4-byte CSR instructions here) are skipped; a supervisor
 * software interrupt left undelegated is cleared. Anything else ends the test. */
uint32_t trap_handler(uint32_t mcause, uint32_t mepc, uint32_t *frame)
{
    (void)frame;
    last_cause = mcause;
    if (mcause == MCAUSE_ILLEGAL) {
        const volatile uint16_t *insn = (const volatile uint16_t *)(uintptr_t)mepc; /* 2-byte aligned */
        illegal_traps++;
        if (csr_read(mtval) != ((uint32_t)insn[1] << 16 | insn[0]))
            mtval_mismatch++;
        return mepc + 4;
    }
    if (mcause == (MCAUSE_INT | 1)) {
        ssi_traps++;
        csr_clear(mip, CSR_SIP_SSIP);
        return mepc;
    }
    if (mcause == MCAUSE_ECALL_M)
        return mepc + 4;
    uart_printf("unexpected trap mcause 0x%08lx mepc 0x%08lx\n", (unsigned long)mcause, (unsigned long)mepc);
    sh_exit(1);
}

static void check(const char *name, int ok)
{
    uart_printf("%s %s\n", ok ? "PASS" : "FAIL", name);
    if (!ok)
        failures++;
}

/* CSR accesses by number (each CSR needs instructions of its own, hence macros);
 * PROBE writes `v`, reads the CSR back and counts the illegal traps the two took. */
#define CSR_WR(num, v) __asm volatile("csrw " #num ", %0" ::"r"(v) : "memory")
#define CSR_RD(num) ({ uint32_t v_; __asm volatile("csrr %0, " #num : "=r"(v_)::"memory"); v_; })

typedef struct Probe {
    uint32_t read;
    int traps;
} Probe;

#define PROBE(num, v) ({ int t0_ = illegal_traps; uint32_t r_ = 0xA5A5A5A5u; CSR_WR(num, v); \
                         r_ = CSR_RD(num); (Probe){r_, illegal_traps - t0_}; })

/* A write then a read both legal, the read as `want`. */
static void check_rw(const char *name, Probe p, uint32_t want)
{
    if (p.traps == 0 && p.read == want) {
        uart_printf("PASS %s = 0x%08lx\n", name, (unsigned long)want);
        return;
    }
    failures++;
    uart_printf("FAIL %s: read 0x%08lx (wanted 0x%08lx), %d illegal\n", name, (unsigned long)p.read,
                (unsigned long)want, p.traps);
}

/* Both the write and the read are illegal instructions. */
static void check_absent(const char *name, Probe p)
{
    check(name, p.traps == 2);
}

static void misa_letters(void)
{
    static const char order[] = "IMAFDCSU";
    char buf[sizeof order];
    uint32_t misa = csr_read(misa);
    int n = 0;
    for (int i = 0; order[i]; i++)
        if (misa & (1u << (order[i] - 'A')))
            buf[n++] = order[i];
    buf[n] = 0;
    uart_printf("misa: RV%d %s (of %s)\n", misa >> 30 == 1 ? 32 : 0, buf, order);
}

/* Every PMP register: pmpaddr first (a locked entry would ignore it), then the
 * configurations, none locked (L = 0) and none write-only (R = 0, W = 1 is reserved),
 * then all cleared again. Non-locked entries never restrict M-mode. */
static void pmp(void)
{
    uint32_t bad = 0;
#define PMPADDR(n) do { Probe p_ = PROBE(0x3B0 + n, 0x20000000u + (n) * 0x111u); \
        if (p_.traps || p_.read != 0x20000000u + (n) * 0x111u) bad |= 1u << (n); } while (0)
    PMPADDR(0); PMPADDR(1); PMPADDR(2); PMPADDR(3); PMPADDR(4); PMPADDR(5); PMPADDR(6); PMPADDR(7);
    PMPADDR(8); PMPADDR(9); PMPADDR(10); PMPADDR(11); PMPADDR(12); PMPADDR(13); PMPADDR(14); PMPADDR(15);
#undef PMPADDR
    check("pmpaddr0-15 written and read back", bad == 0);
    check_rw("pmpcfg0 (RWX NA4, RX TOR, R NAPOT, off)", PROBE(0x3A0, 0x00190D17u), 0x00190D17u);
    check_rw("pmpcfg1", PROBE(0x3A1, 0x07050301u), 0x07050301u);
    check_rw("pmpcfg2", PROBE(0x3A2, 0x1F0F0B09u), 0x1F0F0B09u);
    check_rw("pmpcfg3", PROBE(0x3A3, 0x00000007u), 0x00000007u);
    CSR_WR(0x3A0, 0u);
    CSR_WR(0x3A1, 0u);
    CSR_WR(0x3A2, 0u);
    CSR_WR(0x3A3, 0u);
    check("pmpcfg0 cleared", CSR_RD(0x3A0) == 0);
    check_absent("pmpcfg4 does not exist", PROBE(0x3A4, 0u));
    check_absent("pmpaddr16 does not exist", PROBE(0x3C0, 0u));
}

#ifdef HAVE_SMODE
static void smode(void)
{
    /* sstatus: SIE, SPIE, SPP, SUM, MXR (no FS: the FPU stays off) */
    check_rw("sstatus", PROBE(0x100, 0x000C0122u), 0x000C0122u);
    check("mstatus shows the sstatus bits", (csr_read(mstatus) & 0x000C0122u) == 0x000C0122u);
    CSR_WR(0x100, 0u);
    check_rw("stvec (vectored)", PROBE(0x105, 0x80001001u), 0x80001001u);
    check_rw("stvec reserved mode 2: the write is ignored", PROBE(0x105, 0x80002002u), 0x80001001u);
    check_rw("sepc", PROBE(0x141, 0x80001234u), 0x80001234u);
    check_rw("scause", PROBE(0x142, 0x8000000Fu), 0x8000000Fu);
    check_rw("stval", PROBE(0x143, 0xDEADBEEFu), 0xDEADBEEFu);
    check_rw("sscratch", PROBE(0x140, 0x12345678u), 0x12345678u);
    check_rw("scounteren", PROBE(0x106, 0x7u), 0x7u);
    check_rw("satp Bare", PROBE(0x180, 0u), 0u);
    check_rw("satp Sv32, ASID 5, PPN 0x12345 (kept)", PROBE(0x180, 0x80000000u | 5u << 22 | 0x12345u),
             0x80000000u | 5u << 22 | 0x12345u);
    CSR_WR(0x180, 0u);
    check("satp back to Bare", CSR_RD(0x180) == 0);

    /* Delegation: the S-mode bits can be set; QEMU's H extension adds bits of its own,
     * so only these are compared. */
    check_rw("medeleg (misaligned fetch, breakpoint, U ecall, page faults)", PROBE(0x302, 0xB109u), 0xB109u);
    CSR_WR(0x302, 0xFFFFFFFFu);
    check("medeleg: bits 0-13 and 15 writable", (CSR_RD(0x302) & 0xFFFFu) == 0xBFFFu);
    /* Traps taken in M-mode stay in M-mode, delegated or not. */
    int before = illegal_traps;
    __asm volatile("ecall" ::: "memory");
    check("ecall with everything delegated: taken in M-mode (mcause 11)", last_cause == MCAUSE_ECALL_M);
    (void)CSR_RD(0x7C0); /* a custom CSR that does not exist */
    check("illegal instruction with everything delegated: taken in M-mode", illegal_traps == before + 1);
    CSR_WR(0x302, 0u);
    check_rw("mideleg (S-mode interrupts)", ({ Probe p_ = PROBE(0x303, S_INTS); p_.read &= S_INTS; p_; }), S_INTS);

    /* sie and sip show the delegated interrupts' bits of mie and mip. */
    check_rw("sie", PROBE(0x104, S_INTS), S_INTS);
    check("mie shows the sie bits", (csr_read(mie) & S_INTS) == S_INTS);
    CSR_WR(0x104, 0u);
    check_rw("sip: SSIP set", ({ Probe p_ = PROBE(0x144, CSR_SIP_SSIP); p_.read &= S_INTS; p_; }), CSR_SIP_SSIP);
    check("mip shows SSIP", (csr_read(mip) & S_INTS) == CSR_SIP_SSIP);
    /* A delegated interrupt is not taken in M-mode, even with everything enabled. */
    csr_set(mie, CSR_SIP_SSIP);
    csr_set(mstatus, MSTATUS_MIE);
    for (volatile int i = 0; i < 100; i++) {
    }
    csr_clear(mstatus, MSTATUS_MIE);
    check("SSIP delegated: not taken in M-mode", ssi_traps == 0);
    /* Not delegated, it is a machine-level trap (mcause 0x80000001). */
    CSR_WR(0x303, 0u);
    csr_set(mstatus, MSTATUS_MIE);
    for (volatile int i = 0; i < 100; i++) {
    }
    csr_clear(mstatus, MSTATUS_MIE);
    csr_clear(mie, CSR_SIP_SSIP);
    check("SSIP not delegated: taken in M-mode, mcause 0x80000001", ssi_traps == 1);
    check("SSIP cleared by the handler", (csr_read(mip) & CSR_SIP_SSIP) == 0);
}
#else
/* No S-mode (the E31): every supervisor CSR is an illegal instruction. */
static void smode(void)
{
    check_absent("sstatus does not exist", PROBE(0x100, 0u));
    check_absent("sie does not exist", PROBE(0x104, 0u));
    check_absent("stvec does not exist", PROBE(0x105, 0u));
    check_absent("scounteren does not exist", PROBE(0x106, 0u));
    check_absent("sscratch does not exist", PROBE(0x140, 0u));
    check_absent("sepc does not exist", PROBE(0x141, 0u));
    check_absent("scause does not exist", PROBE(0x142, 0u));
    check_absent("stval does not exist", PROBE(0x143, 0u));
    check_absent("sip does not exist", PROBE(0x144, 0u));
    check_absent("satp does not exist", PROBE(0x180, 0u));
}
#endif

int main(void)
{
    board_init();
    uart_puts("t-csr: " BOARD_NAME "\n");
    misa_letters();
    smode();
    pmp();

    int before = illegal_traps;
    CSR_WR(0xF14, 1u); /* mhartid is read-only */
    check("mhartid write: illegal", illegal_traps == before + 1);
    check("mhartid reads 0", CSR_RD(0xF14) == 0);
    CSR_WR(0xC00, 0u); /* cycle is read-only */
    check("cycle write: illegal", illegal_traps == before + 2);
    (void)CSR_RD(0x7C0);
    check("custom CSR 0x7c0: illegal", illegal_traps == before + 3);
    check("mtval is the instruction on every illegal-instruction trap", mtval_mismatch == 0);

    uart_printf("t-csr: %d failed\n", failures);
    sh_exit(failures ? 1 : 0);
}
