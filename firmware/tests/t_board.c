/* t_board.c: every memory and device the QEMU machine has where the board file says it
 * is, checked the same way under QEMU and baregc. One "PASS name" / "FAIL name ..." line
 * per check on the UART. Built per board (BOARD_MPS2: mps2-an385/an386, the MPS2 memory
 * map; BOARD_LM3S6965: lm3s6965evb):
 *  - each RAM written and read, through its mirrors too; mps2: code written into SSRAM1
 *    and run there and through its mirror, then rewritten and run again;
 *  - reads of QEMU's unimplemented regions give zero and writes there are ignored;
 *  - the console UART's transmit interrupt, a timer interrupt (mps2: CMSDK timer 0);
 *    lm3s6965evb: the PL011's identification and reset values, and its receive
 *    interrupt: the line read from the UART input is echoed uppercased;
 *  - last, an LDRD from an address that is not word aligned: a UsageFault (UNALIGNED)
 *    escalated to HardFault. The handler checks CFSR, HFSR and the stacked PC and exits
 *    7; baregc without --keep-going stops at the LDRD instead (exit 82).
 * Exits 1 when a check before the LDRD fails. */
#include <stdbool.h>
#include <stdint.h>

#include "board.h"
#include "cortexm.h"
#include "semihost.h"

static int failures;

static void check(const char *name, bool ok, uint32_t got)
{
    if (ok) {
        uart_printf("PASS %s\n", name);
    } else {
        uart_printf("FAIL %s (0x%08lx)\n", name, (unsigned long)got);
        failures++;
    }
}

/* ---- memories ---- */

typedef struct Ram {
    const char *name;
    uint32_t addr;       /* a free spot in it */
    bool zero;           /* reads as zero before the firmware writes it */
    uint32_t mirror[3];  /* the same spot through its mirrors (0: none) */
} Ram;

#if defined(BOARD_MPS2)
static const Ram rams[] = {
    {"ssram1", 0x00380000u, true, {0x00780000u}},
    {"block ram", 0x01000100u, true, {0x01004100u, 0x01008100u, 0x0100C100u}},
    {"ssram2/3", 0x20200000u, true, {0x20600000u}},
    {"psram", 0x21000000u, true, {0}},
    {"psram end", 0x21FFFFF8u, true, {0}},
};
/* Unimplemented regions (QEMU's create_unimplemented_device, and the PPB's default). */
static const uint32_t raz[] = {
    0x00800000u, 0x00FFFFFCu, 0x01010000u, 0x1FFFFFFCu, 0x20800000u, 0x4000A000u, 0x40010000u,
    0x4002B000u, 0x40030000u, 0x41000000u, 0xE0002000u, 0xE0040000u,
};
#elif defined(BOARD_LM3S6965)
static const Ram rams[] = {
    {"sram", 0x20008000u, true, {0}},
    {"sram end", 0x2000FFF8u, true, {0}},
};
static const uint32_t raz[] = {
    0x40002000u, 0x40021000u, 0x40028000u, 0x4002C000u, 0x4002D000u, 0x4003C000u,
    0x400FC000u, 0x400FD000u, 0xE0002000u, 0xE0040000u,
};
#else
#error "define BOARD_MPS2 or BOARD_LM3S6965"
#endif

static void test_rams(void)
{
    for (unsigned i = 0; i < sizeof rams / sizeof rams[0]; i++) {
        const Ram *r = &rams[i];
        volatile uint32_t *p = (volatile uint32_t *)r->addr;
        uint32_t first = p[0];
        p[0] = 0xA5000000u | i;
        p[1] = ~p[0];
        bool ok = p[0] == (0xA5000000u | i) && p[1] == ~(0xA5000000u | i);
        for (unsigned m = 0; m < 3 && r->mirror[m]; m++) {
            volatile uint32_t *q = (volatile uint32_t *)r->mirror[m];
            volatile uint8_t *qb = (volatile uint8_t *)r->mirror[m];
            ok = ok && q[0] == p[0];
            q[1] = 0x5A000000u | m;
            qb[0] = 0x77;
            ok = ok && p[1] == (0x5A000000u | m) && (p[0] & 0xFF) == 0x77;
        }
        check(r->name, ok && (!r->zero || first == 0), first);
    }
}

#if defined(BOARD_MPS2)
/* Thumb code written into SSRAM1: adds r0, #imm; bx lr. */
static uint32_t run_at(uint32_t addr, uint32_t arg)
{
    uint32_t (*f)(uint32_t) = (uint32_t (*)(uint32_t))(addr | 1u);
    cm_dsb_isb();
    return f(arg);
}

static void test_code_in_ram(void)
{
    volatile uint16_t *code = (volatile uint16_t *)0x00380100u;
    code[0] = 0x3000u | 42u; /* adds r0, #42 */
    code[1] = 0x4770u;       /* bx lr */
    check("ssram1 runs code", run_at(0x00380100u, 1) == 43, 0);
    check("ssram1 mirror runs it", run_at(0x00780100u, 2) == 44, 0);
    code[0] = 0x3000u | 7u;  /* rewritten where it ran: adds r0, #7 */
    check("ssram1 runs rewritten code", run_at(0x00380100u, 1) == 8, 0);
}
#endif

static void test_raz(void)
{
    bool ok = true;
    uint32_t got = 0;
    for (unsigned i = 0; i < sizeof raz / sizeof raz[0] && ok; i++) {
        volatile uint32_t *p = (volatile uint32_t *)raz[i];
        *p = 0xFFFFFFFFu;
        got = *p | *(volatile uint8_t *)(raz[i] + 1);
        ok = got == 0;
    }
    check("unimplemented regions read as zero", ok, got);
}

/* ---- interrupts ---- */

static volatile uint32_t irq_count[64];

static void wait_for(volatile uint32_t *count, uint32_t n)
{
    for (unsigned spin = 0; *count < n && spin < 100000; spin++) {
    }
}

#if defined(BOARD_MPS2)
#define UART0 0x40004000u
#define TIMER0 0x40000000u

void IRQ1_Handler(void) /* UART0 TX */
{
    REG32(UART0 + 0x0C) = 1u; /* INTCLEAR TX */
    irq_count[1]++;
}

void IRQ8_Handler(void) /* timer 0 */
{
    REG32(TIMER0 + 0x0C) = 1u; /* INTCLEAR */
    irq_count[8]++;
}

static void test_devices(void)
{
    REG32(UART0 + 0x08) |= 4u; /* TX interrupt enable */
    nvic_enable(1);
    uart_putc('*');
    wait_for(&irq_count[1], 1);
    REG32(UART0 + 0x08) &= ~4u;
    nvic_disable(1);
    uart_putc('\n');
    check("uart0 tx interrupt", irq_count[1] == 1, irq_count[1]);

    REG32(TIMER0 + 0x08) = 2500u; /* RELOAD */
    REG32(TIMER0 + 0x04) = 2500u; /* VALUE */
    nvic_enable(8);
    REG32(TIMER0 + 0x00) = 1u | 8u; /* enable, interrupt enable */
    while (irq_count[8] < 3)
        board_wfi();
    REG32(TIMER0 + 0x00) = 0;
    nvic_disable(8);
    check("timer0 interrupts", irq_count[8] >= 3, irq_count[8]);
}
#elif defined(BOARD_LM3S6965)
#define UART0 0x4000C000u
enum { DR = 0x000, FR = 0x018, CR = 0x030, IFLS = 0x034, IMSC = 0x038, MIS = 0x040, ICR = 0x044 };
enum { INT_RX = 1u << 4, INT_TX = 1u << 5 };

static char line[64];
static volatile uint32_t line_len;
static volatile bool line_done;

void IRQ5_Handler(void) /* UART0 */
{
    if (REG32(UART0 + MIS) & INT_TX) {
        REG32(UART0 + ICR) = INT_TX;
        irq_count[5]++;
    }
    while (!(REG32(UART0 + FR) & (1u << 4))) { /* RXFE clear: a byte waits */
        char c = (char)(REG32(UART0 + DR) & 0xFF);
        if (c == '\n')
            line_done = true;
        else if (line_len < sizeof line - 1 && !line_done)
            line[line_len++] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
    }
}

static void test_devices(void)
{
    static const uint8_t luminary[8] = {0x11, 0x00, 0x18, 0x01, 0x0d, 0xf0, 0x05, 0xb1};
    bool ids = true;
    for (unsigned u = 0; u < 3; u++)
        for (unsigned i = 0; i < 8; i++)
            ids = ids && REG32(UART0 + u * 0x1000u + 0xFE0u + 4 * i) == luminary[i];
    check("pl011 ids (luminary) on uart0-2", ids, 0);
    check("pl011 uart1 reset values", REG32(0x4000D000u + CR) == 0x300 && REG32(0x4000D000u + IFLS) == 0x12 &&
                                          (REG32(0x4000D000u + FR) & 0x80),
          REG32(0x4000D000u + CR));
    REG32(0x4000D000u + DR) = 'x'; /* no console: dropped */
    REG32(0x4000E000u + DR) = 'y';
    SYST_CSR = 0;
    check("systick without a reference clock", (SYST_CSR & SYST_CSR_CLKSOURCE) != 0, SYST_CSR);
    check("nvic: 64 interrupts", REG32(0xE000E004u) == 1, REG32(0xE000E004u));

    REG32(UART0 + ICR) = INT_TX; /* set by every byte sent so far */
    REG32(UART0 + IMSC) = INT_TX;
    nvic_enable(5);
    uart_putc('*');
    wait_for(&irq_count[5], 1);
    REG32(UART0 + IMSC) = 0;
    uart_putc('\n');
    check("uart0 tx interrupt", irq_count[5] == 1, irq_count[5]);

    board_tick_start(100); /* wakes QEMU's main loop, which feeds the UART */
    REG32(UART0 + IMSC) = INT_RX;
    while (!line_done)
        board_wfi();
    REG32(UART0 + IMSC) = 0;
    board_tick_stop();
    nvic_disable(5);
    line[line_len] = 0;
    uart_printf("rx interrupt: %s\n", line);
}
#endif

/* ---- the unaligned LDRD ---- */

extern const char t_board_ldrd[]; /* the LDRD's address */
static uint32_t words[4];

__attribute__((naked, noinline)) static void ldrd_at(uint32_t addr __attribute__((unused)))
{
    __asm volatile(".global t_board_ldrd\n"
                   "t_board_ldrd: ldrd r2, r3, [r0]\n\t"
                   "bx lr");
}

/* Aligned LDRD/LDM through a pointer loaded just before: no fault. */
static uint32_t load_through(const uint32_t *const *pp)
{
    uint32_t sum;
    __asm volatile("ldr r1, [%1]\n\t"
                   "ldrd r2, r3, [r1]\n\t"
                   "ldm r1, {r2, r3}\n\t"
                   "adds %0, r2, r3"
                   : "=r"(sum)
                   : "r"(pp)
                   : "r1", "r2", "r3", "memory");
    return sum;
}

void hardfault_c(const uint32_t *frame);
void hardfault_c(const uint32_t *frame)
{
    uint32_t cfsr = SCB_CFSR, hfsr = SCB_HFSR;
    bool unaligned = (cfsr >> 24) & 1, forced = (hfsr >> 30) & 1, pc = frame[6] == (uint32_t)t_board_ldrd;
    uart_printf("hardfault: CFSR.UNALIGNED %d, HFSR.FORCED %d, stacked PC %s\n", unaligned, forced,
                pc ? "at the LDRD" : "elsewhere");
    sh_exit(unaligned && forced && pc ? 7 : 8);
}

__attribute__((naked)) void HardFault_Handler(void)
{
    __asm volatile("mrs r0, msp\n\t"
                   "b hardfault_c");
}

int main(void)
{
    board_init();
    uart_puts("board: " BOARD_NAME "\n");
    test_rams();
#if defined(BOARD_MPS2)
    test_code_in_ram();
#endif
    test_raz();
    board_irq_enable();
    test_devices();

    words[0] = 40;
    words[1] = 2;
    const uint32_t *p = words;
    check("aligned LDRD and LDM", load_through(&p) == 42, 0);
    if (failures)
        return 1;
    uart_puts("unaligned LDRD\n");
    ldrd_at((uint32_t)&words[0] + 2);
    uart_puts("survived\n");
    return 1;
}
