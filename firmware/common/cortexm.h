/* cortexm.h: Cortex-M system registers (ARMv6-M / ARMv7-M ARM, "System Control Space"). */
#ifndef FW_CORTEXM_H
#define FW_CORTEXM_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#define REG8(addr) (*(volatile uint8_t *)(uintptr_t)(addr))

/* SysTick */
#define SYST_CSR REG32(0xE000E010)   /* bit0 ENABLE, bit1 TICKINT, bit2 CLKSOURCE, bit16 COUNTFLAG */
#define SYST_RVR REG32(0xE000E014)   /* reload value, 24 bits */
#define SYST_CVR REG32(0xE000E018)   /* current value; any write clears it */
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2)
#define SYST_CSR_COUNTFLAG (1u << 16)

/* NVIC: external interrupt n is exception 16 + n */
#define NVIC_ISER(n) REG32(0xE000E100 + 4 * ((n) / 32))
#define NVIC_ICER(n) REG32(0xE000E180 + 4 * ((n) / 32))
#define NVIC_ISPR(n) REG32(0xE000E200 + 4 * ((n) / 32))
#define NVIC_ICPR(n) REG32(0xE000E280 + 4 * ((n) / 32))
#define NVIC_IABR(n) REG32(0xE000E300 + 4 * ((n) / 32))
#define NVIC_IPR_WORD(n) REG32(0xE000E400 + 4 * ((n) / 4))

/* SCB */
#define SCB_ICSR REG32(0xE000ED04)   /* bit28 PENDSVSET, bit26 PENDSTSET, [8:0] VECTACTIVE */
#define SCB_VTOR REG32(0xE000ED08)   /* not on Cortex-M0 */
#define SCB_AIRCR REG32(0xE000ED0C)
#define SCB_SCR REG32(0xE000ED10)
#define SCB_CCR REG32(0xE000ED14)
#define SCB_SHPR2 REG32(0xE000ED1C)  /* [31:24] SVCall priority */
#define SCB_SHPR3 REG32(0xE000ED20)  /* [23:16] PendSV, [31:24] SysTick priority */
#define SCB_SHCSR REG32(0xE000ED24)
#define SCB_CFSR REG32(0xE000ED28)   /* ARMv7-M only */
#define SCB_HFSR REG32(0xE000ED2C)   /* ARMv7-M only */
#define SCB_ICSR_PENDSVSET (1u << 28)
#define SCB_ICSR_PENDSTSET (1u << 26)

/* Debug: DWT cycle counter (ARMv7-M only) */
#define DEMCR REG32(0xE000EDFC)      /* bit24 TRCENA */
#define DWT_CTRL REG32(0xE0001000)   /* bit0 CYCCNTENA */
#define DWT_CYCCNT REG32(0xE0001004)

/* Exception numbers */
enum {
    EXC_NMI = 2, EXC_HARDFAULT = 3, EXC_MEMMANAGE = 4, EXC_BUSFAULT = 5, EXC_USAGEFAULT = 6,
    EXC_SVCALL = 11, EXC_DEBUGMON = 12, EXC_PENDSV = 14, EXC_SYSTICK = 15, EXC_IRQ0 = 16,
};

/* Priority of external interrupt n (the top bits are the implemented ones: use
 * multiples of 0x40 so 2 implemented bits, as on Cortex-M0, suffice). */
static inline void nvic_set_priority(int n, uint8_t prio)
{
    uint32_t shift = 8 * ((uint32_t)n % 4);
    uint32_t w = NVIC_IPR_WORD(n);
    w = (w & ~(0xFFu << shift)) | ((uint32_t)prio << shift);
    NVIC_IPR_WORD(n) = w;    /* word access: Cortex-M0 allows no byte access here */
}
static inline void nvic_enable(int n) { NVIC_ISER(n) = 1u << (n % 32); }
static inline void nvic_disable(int n) { NVIC_ICER(n) = 1u << (n % 32); }
static inline void nvic_pend(int n) { NVIC_ISPR(n) = 1u << (n % 32); }
static inline void nvic_unpend(int n) { NVIC_ICPR(n) = 1u << (n % 32); }

static inline uint32_t cm_get_ipsr(void)
{
    uint32_t v;
    __asm volatile("mrs %0, ipsr" : "=r"(v));
    return v;
}
static inline uint32_t cm_get_primask(void)
{
    uint32_t v;
    __asm volatile("mrs %0, primask" : "=r"(v));
    return v;
}
static inline void cm_dsb_isb(void)
{
    __asm volatile("dsb\n\tisb" ::: "memory");
}
#if __ARM_ARCH >= 7
static inline void cm_set_basepri(uint32_t v)
{
    __asm volatile("msr basepri, %0" ::"r"(v) : "memory");
}
static inline uint32_t cm_get_basepri(void)
{
    uint32_t v;
    __asm volatile("mrs %0, basepri" : "=r"(v));
    return v;
}
#endif

/* Vector table: handlers defined (weakly) in startup_cortexm.c. */
typedef void (*cm_vector_t)(void);
extern const cm_vector_t cm_vectors[];
#ifndef BOARD_NUM_IRQ
#define BOARD_NUM_IRQ 32
#endif
#define CM_NUM_VECTORS (16 + BOARD_NUM_IRQ)

#endif
