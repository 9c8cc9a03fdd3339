/* gcevents.h: the explicit GC event channel: a collector reports its pauses, phases,
 * allocations, frees and heap figures itself, as 32-bit words on ITM stimulus ports
 * 24 and 25 (Cortex-M3/M4/M33: SWO on real hardware) or on baregc's gc-trace-port
 * (RISC-V). Header-only. Wire protocol, addresses and the reasoning: docs/events.md.
 *
 * Usage: call gcev_init() once (after which the channel is on only if the port took
 * the enable: an ITM that reads back TCR.ITMENA and the TER bits, a trace port that
 * answers with its ID), then the gcev_* calls anywhere, interrupt handlers included.
 * With the channel off every call returns at once, so the same image runs harmlessly
 * under QEMU (which discards the writes) or on a board without a debugger.
 *
 * Build-time switches:
 *   GCEV_DISABLE              every call compiles to nothing
 *   GCEV_TRACE_PORT_BASE=addr use a gc-trace-port at addr (default on RISC-V:
 *                             0x00002F00; on Cortex-M it replaces the ITM)
 *   GCEV_ITM_SPIN=n           polls of a full ITM FIFO before the channel gives up
 *   GCEV_CRITICAL_BEGIN()/END()  wrap each multi-word event (default: nothing; see
 *                             docs/events.md for when preemptive threads need them)
 * On ARMv6-M (Cortex-M0/M0+) there is no ITM: without GCEV_TRACE_PORT_BASE the calls
 * are no-ops. */
#ifndef GCEVENTS_H
#define GCEVENTS_H

#include <stdint.h>

/* Why a pause began (the same numbers as baregc's RecTrigger). */
enum {
    GCEV_TRIGGER_UNKNOWN = 0,
    GCEV_TRIGGER_EXPLICIT = 1, /* the program asked for a collection */
    GCEV_TRIGGER_ALLOC = 2,    /* an allocation found the heap full or over a threshold */
};

/* ---- the wire protocol (docs/events.md) ---- */
#define GCEV_PORT_EVENT 24u /* an event word: opcode << 24 | argument count << 20 | payload */
#define GCEV_PORT_ARG 25u   /* an argument word of the innermost incomplete event */
#define GCEV_PROTOCOL_VERSION 1u
#define GCEV_NAME_MAX 32u   /* bytes of a phase name (longer names are cut) */

#define GCEV_OP_HELLO 0x01u       /* payload: protocol version */
#define GCEV_OP_PAUSE_BEGIN 0x10u /* payload: bits 3..0 trigger, bit 8 incremental */
#define GCEV_OP_PAUSE_END 0x11u
#define GCEV_OP_PHASE_BEGIN 0x12u /* payload: name length n (1..32); args: (n+3)/4 name words */
#define GCEV_OP_PHASE_END 0x13u
#define GCEV_OP_ALLOC 0x20u       /* payload: size (0xFFFFF: it follows); args: addr [, size] */
#define GCEV_OP_FREE 0x21u        /* args: addr */
#define GCEV_OP_HEAP 0x22u        /* args: used, free, largest free block (bytes) */
#define GCEV_WORD(op, nargs, payload) \
    (((uint32_t)(op) << 24) | ((uint32_t)(nargs) << 20) | ((uint32_t)(payload)&0xFFFFFu))
#define GCEV_SIZE_ESCAPE 0xFFFFFu

/* gc-trace-port registers (offsets from its base): port n at 4n, ID at 0x80. */
#define GCEV_TP_ID_OFFSET 0x80u
#define GCEV_TP_ID 0x50544347u /* "GCTP" in little-endian bytes */

/* ITM registers (ARMv7-M ARM, Appendix "ITM"; CoreSight ITM). */
#define GCEV_ITM_BASE 0xE0000000u
#define GCEV_ITM_TER_OFFSET 0xE00u /* stimulus port enables, bit n = port n */
#define GCEV_ITM_TCR_OFFSET 0xE80u /* bit 0 ITMENA, bits 22..16 TraceBusID */
#define GCEV_ITM_LAR_OFFSET 0xFB0u /* write 0xC5ACCE55 to unlock */
#define GCEV_ITM_UNLOCK 0xC5ACCE55u
#define GCEV_DEMCR 0xE000EDFCu     /* bit 24 TRCENA */

#if defined(GCEV_DISABLE)
#define GCEV_NONE 1
#elif defined(GCEV_TRACE_PORT_BASE)
#define GCEV_USE_TP 1
#elif defined(__riscv)
#define GCEV_TRACE_PORT_BASE 0x00002F00u
#define GCEV_USE_TP 1
#elif defined(__arm__) && (defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || \
                           defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8_1M_MAIN__))
#define GCEV_USE_ITM 1
#else
#define GCEV_NONE 1 /* ARMv6-M, ARMv8-M Baseline, a host build: no channel */
#endif

#ifndef GCEV_ITM_SPIN
#define GCEV_ITM_SPIN 10000u
#endif
#ifndef GCEV_CRITICAL_BEGIN
#define GCEV_CRITICAL_BEGIN() ((void)0)
#define GCEV_CRITICAL_END() ((void)0)
#endif

/* The channel's state, one copy per image (a weak definition in every file that
 * includes this header; the linker keeps one). Its symbol tells baregc that the
 * image reports through the channel. */
typedef struct GcevState {
    volatile uint32_t enabled; /* 1 after a successful gcev_init() */
    volatile uint32_t dropped; /* words lost to a stuck ITM FIFO (then enabled = 0) */
} GcevState;

#ifndef GCEV_NONE
__attribute__((weak, used)) GcevState __baregc_gcev;

#define GCEV_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

static inline void gcev_put(uint32_t port, uint32_t word)
{
#if defined(GCEV_USE_ITM)
    volatile uint32_t *stim = &GCEV_REG(GCEV_ITM_BASE + 4u * port);
    uint32_t spin = GCEV_ITM_SPIN;
    while (*stim == 0) { /* bit 0 FIFOREADY */
        if (--spin == 0) {
            __baregc_gcev.dropped++;
            __baregc_gcev.enabled = 0; /* nobody drains the FIFO: stop for good */
            return;
        }
    }
    *stim = word;
#else
    GCEV_REG(GCEV_TRACE_PORT_BASE + 4u * port) = word;
#endif
}

static inline void gcev_init(void)
{
#if defined(GCEV_USE_ITM)
    GCEV_REG(GCEV_DEMCR) |= 1u << 24; /* TRCENA: power the ITM */
    GCEV_REG(GCEV_ITM_BASE + GCEV_ITM_LAR_OFFSET) = GCEV_ITM_UNLOCK;
    uint32_t tcr = GCEV_REG(GCEV_ITM_BASE + GCEV_ITM_TCR_OFFSET);
    if (!(tcr & 1u)) /* a debugger that set the ITM up keeps its settings */
        GCEV_REG(GCEV_ITM_BASE + GCEV_ITM_TCR_OFFSET) = (tcr & ~(0x7Fu << 16)) | (1u << 16) | 1u;
    uint32_t mask = (1u << GCEV_PORT_EVENT) | (1u << GCEV_PORT_ARG);
    GCEV_REG(GCEV_ITM_BASE + GCEV_ITM_TER_OFFSET) |= mask;
    __baregc_gcev.enabled = (GCEV_REG(GCEV_ITM_BASE + GCEV_ITM_TCR_OFFSET) & 1u) &&
                            (GCEV_REG(GCEV_ITM_BASE + GCEV_ITM_TER_OFFSET) & mask) == mask;
#else
    __baregc_gcev.enabled = GCEV_REG(GCEV_TRACE_PORT_BASE + GCEV_TP_ID_OFFSET) == GCEV_TP_ID;
#endif
    if (__baregc_gcev.enabled)
        gcev_put(GCEV_PORT_EVENT, GCEV_WORD(GCEV_OP_HELLO, 0, GCEV_PROTOCOL_VERSION));
}

static inline int gcev_enabled(void) { return __baregc_gcev.enabled != 0; }
static inline uint32_t gcev_dropped(void) { return __baregc_gcev.dropped; }

/* A pause of the collector begins; `incremental`: one bounded step of an
 * incremental collector. */
static inline void gcev_pause_begin_ex(unsigned trigger, int incremental)
{
    if (__baregc_gcev.enabled)
        gcev_put(GCEV_PORT_EVENT, GCEV_WORD(GCEV_OP_PAUSE_BEGIN, 0, (trigger & 0xFu) | (incremental ? 0x100u : 0)));
}
static inline void gcev_pause_begin(unsigned trigger) { gcev_pause_begin_ex(trigger, 0); }
static inline void gcev_pause_end(void)
{
    if (__baregc_gcev.enabled)
        gcev_put(GCEV_PORT_EVENT, GCEV_WORD(GCEV_OP_PAUSE_END, 0, 0));
}

/* A phase of the open pause ("mark", "sweep", ...); phases may nest. */
static inline void gcev_phase_begin(const char *name)
{
    if (!__baregc_gcev.enabled)
        return;
    uint32_t n = 0;
    if (!name || !name[0])
        name = "?";
    while (n < GCEV_NAME_MAX && name[n])
        n++;
    GCEV_CRITICAL_BEGIN();
    gcev_put(GCEV_PORT_EVENT, GCEV_WORD(GCEV_OP_PHASE_BEGIN, (n + 3) / 4, n));
    for (uint32_t i = 0; i < n; i += 4) {
        uint32_t w = 0;
        for (uint32_t j = 0; j < 4 && i + j < n; j++)
            w |= (uint32_t)(uint8_t)name[i + j] << (8 * j);
        gcev_put(GCEV_PORT_ARG, w);
    }
    GCEV_CRITICAL_END();
}
static inline void gcev_phase_end(void)
{
    if (__baregc_gcev.enabled)
        gcev_put(GCEV_PORT_EVENT, GCEV_WORD(GCEV_OP_PHASE_END, 0, 0));
}

/* An allocation of `size` bytes at `ptr` (NULL: the allocation failed). */
static inline void gcev_alloc(const void *ptr, uint32_t size)
{
    if (!__baregc_gcev.enabled)
        return;
    GCEV_CRITICAL_BEGIN();
    if (size < GCEV_SIZE_ESCAPE)
        gcev_put(GCEV_PORT_EVENT, GCEV_WORD(GCEV_OP_ALLOC, 1, size));
    else
        gcev_put(GCEV_PORT_EVENT, GCEV_WORD(GCEV_OP_ALLOC, 2, GCEV_SIZE_ESCAPE));
    gcev_put(GCEV_PORT_ARG, (uint32_t)(uintptr_t)ptr);
    if (size >= GCEV_SIZE_ESCAPE)
        gcev_put(GCEV_PORT_ARG, size);
    GCEV_CRITICAL_END();
}

/* The block at `ptr` was freed (inside a pause: swept by the collector). */
static inline void gcev_free(const void *ptr)
{
    if (!__baregc_gcev.enabled)
        return;
    GCEV_CRITICAL_BEGIN();
    gcev_put(GCEV_PORT_EVENT, GCEV_WORD(GCEV_OP_FREE, 1, 0));
    gcev_put(GCEV_PORT_ARG, (uint32_t)(uintptr_t)ptr);
    GCEV_CRITICAL_END();
}

/* The heap's state in bytes: in use, free, largest free block. Inside a pause (right
 * after gcev_pause_begin) it is the heap before the collection; the first report
 * after gcev_pause_end is its result. */
static inline void gcev_heap(uint32_t used, uint32_t free_bytes, uint32_t largest_free)
{
    if (!__baregc_gcev.enabled)
        return;
    GCEV_CRITICAL_BEGIN();
    gcev_put(GCEV_PORT_EVENT, GCEV_WORD(GCEV_OP_HEAP, 3, 0));
    gcev_put(GCEV_PORT_ARG, used);
    gcev_put(GCEV_PORT_ARG, free_bytes);
    gcev_put(GCEV_PORT_ARG, largest_free);
    GCEV_CRITICAL_END();
}

#else /* no channel on this target */

static inline void gcev_init(void) {}
static inline int gcev_enabled(void) { return 0; }
static inline uint32_t gcev_dropped(void) { return 0; }
static inline void gcev_pause_begin_ex(unsigned trigger, int incremental) { (void)trigger, (void)incremental; }
static inline void gcev_pause_begin(unsigned trigger) { (void)trigger; }
static inline void gcev_pause_end(void) {}
static inline void gcev_phase_begin(const char *name) { (void)name; }
static inline void gcev_phase_end(void) {}
static inline void gcev_alloc(const void *ptr, uint32_t size) { (void)ptr, (void)size; }
static inline void gcev_free(const void *ptr) { (void)ptr; }
static inline void gcev_heap(uint32_t used, uint32_t free_bytes, uint32_t largest_free)
{
    (void)used, (void)free_bytes, (void)largest_free;
}

#endif
#endif
