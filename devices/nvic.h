/* nvic.h: Cortex-M exception model: NVIC + SCB (+ the CoreDebug DEMCR word) registers
 * in the System Control Space, and the pending/active/priority logic the CPU asks. */
#ifndef BAREGC_NVIC_H
#define BAREGC_NVIC_H

#include "devices/device.h"

/* Exception numbers (ARMv7-M ARM B1.5.2). External IRQ n is exception 16 + n. */
enum {
    EXC_RESET = 1,
    EXC_NMI = 2,
    EXC_HARDFAULT = 3,
    EXC_MEMMANAGE = 4,
    EXC_BUSFAULT = 5,
    EXC_USAGEFAULT = 6,
    EXC_SVCALL = 11,
    EXC_DEBUGMON = 12,
    EXC_PENDSV = 14,
    EXC_SYSTICK = 15,
    EXC_IRQ0 = 16,
};

#define NVIC_MAX_EXC (16 + 240)
/* "No exception can preempt": the execution priority in thread mode with no masks. */
#define NVIC_PRIO_THREAD 0x100

typedef struct Nvic Nvic;

typedef struct NvicConfig {
    bool armv6m;     /* Cortex-M0/M0+: no BASEPRI/FAULTMASK, word-only IPR, no SHPR1 */
    int num_irq;     /* external interrupts implemented (e.g. 32 on M0, up to 240) */
    int prio_bits;   /* implemented priority bits (2 on M0/M0+, 3 on the MPS2 M3/M4) */
    uint32_t cpuid;  /* value of SCB CPUID */
    /* Notified whenever the set of pending exceptions changes, so the CPU checks
     * for a preemption at its next block boundary. */
    void (*notify)(void *opaque);
    /* AIRCR.SYSRESETREQ written (with the key): the run ends cleanly. */
    void (*sysreset)(void *opaque);
    void *opaque;
    const uint64_t *now;  /* simulated time (cycles), to stamp when exceptions become pending */
} NvicConfig;

Nvic *nvic_new(const NvicConfig *cfg);
void nvic_free(Nvic *n);
void nvic_reset(Nvic *n);

/* Register window: the whole SCS page 0xE000E000..0xE000EFFF (offsets within it).
 * SysTick (0x010..0x01F) is a separate device, mapped in front of this one.
 * In the registry this is the class "nvic" (DEVICE_ROLE_EXC_MODEL | DEVICE_ROLE_INTC):
 * its create() takes the NvicConfig from DeviceConfig.core and the clock from
 * DeviceConfig.sched, and its device object is the Nvic. */
uint32_t nvic_read(Nvic *n, uint32_t offset, unsigned size);
void nvic_write(Nvic *n, uint32_t offset, uint32_t value, unsigned size);

/* Inputs. External IRQ lines are level-sensitive: while the level is high the
 * interrupt is (re)pended whenever it is not active. System exceptions
 * (SysTick, PendSV, NMI...) are pended with nvic_set_pending. */
IrqLine nvic_irq_line(Nvic *n, int irq);       /* external IRQ n (exception 16+n) */
IrqLine nvic_exc_line(Nvic *n, int exc);       /* a rising level pends system exception exc */
void nvic_set_pending(Nvic *n, int exc);
void nvic_clear_pending(Nvic *n, int exc);
bool nvic_is_pending(const Nvic *n, int exc);
bool nvic_is_active(const Nvic *n, int exc);
/* Cycle at which exc last became pending (0 without a clock). */
uint64_t nvic_pending_since(const Nvic *n, int exc);

/* Priority of exception exc: -3 Reset, -2 NMI, -1 HardFault, else the programmed
 * value (0..255, lower is more urgent). Group priority honours AIRCR.PRIGROUP. */
int nvic_priority(const Nvic *n, int exc);
/* Execution priority (ARMv7-M B1.5.4): the most urgent group priority among
 * active exceptions, lowered by PRIMASK (0), BASEPRI (its value) and FAULTMASK
 * (-1); NVIC_PRIO_THREAD when nothing applies. primask/faultmask are 0/1,
 * basepri is the raw register (0 = no effect). */
int nvic_exec_priority(const Nvic *n, int primask, int basepri, int faultmask);
/* The pending exception that would preempt at `exec_prio` (its group priority
 * is strictly lower), the most urgent one, lowest number first on ties; 0 if none. */
int nvic_pending_to_take(const Nvic *n, int exec_prio);
/* Any exception pending and enabled, regardless of masks (what wakes WFI). */
bool nvic_wakeup_pending(const Nvic *n);
/* Exception entry: pending -> active. */
void nvic_acknowledge(Nvic *n, int exc);
/* Exception return from exc: clears active. Returns 0, or -1 if exc was not active
 * (an illegal EXC_RETURN: the CPU escalates to HardFault). */
int nvic_complete(Nvic *n, int exc);
/* Number of active exceptions (for EXC_RETURN "return to thread" checks). */
int nvic_active_count(const Nvic *n);
/* SCB fields the CPU needs. */
uint32_t nvic_vtor(const Nvic *n);
void nvic_set_vtor(Nvic *n, uint32_t vtor);
/* SCR.SLEEPONEXIT: go back to sleep on return to thread mode. */
bool nvic_sleep_on_exit(const Nvic *n);
/* Fault status, for reports: set CFSR/HFSR bits the way the core would. */
void nvic_record_fault(Nvic *n, uint32_t cfsr_bits, uint32_t hfsr_bits, uint32_t fault_addr);

#endif
