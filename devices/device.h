/* device.h: what a device model is: a private state, a const DeviceClass, IRQ lines out. */
#ifndef BAREGC_DEVICE_H
#define BAREGC_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "base/chardev.h"
#include "base/sched.h"
#include "base/util.h"

/* An interrupt line: the device calls irq_set(line, level); the receiver (NVIC,
 * PLIC, CPU-local line) decides what a level or an edge means. */
typedef struct IrqLine {
    void (*set)(void *opaque, int num, int level);
    void *opaque;
    int num;
} IrqLine;

static inline void irq_set(const IrqLine *l, int level)
{
    if (l->set)
        l->set(l->opaque, l->num, level);
}

#define DEVICE_MAX_IRQ 4

/* Where trace devices (ITM, gc-trace-port) send each stimulus-port write: port
 * number, the value written and its size in bytes. write == NULL: discarded. */
typedef struct TraceSink {
    void (*write)(void *opaque, unsigned port, uint32_t value, unsigned size);
    void *opaque;
} TraceSink;

/* The core, as a device that holds part of its state sees it: the core's exception
 * model (DEVICE_ROLE_EXC_MODEL) reads this, a test finisher only sysreset and exit;
 * other devices ignore it. */
typedef struct DeviceCore {
    bool armv6m;     /* ARMv6-M (Cortex-M0/M0+) rather than ARMv7-M */
    uint32_t cpuid;  /* the core's identification register (Cortex-M CPUID) */
    int num_irq;     /* external interrupts the board gives the core */
    int prio_bits;   /* implemented priority bits */
    /* The set of pending exceptions changed: the core looks for one to take at its
     * next block boundary. */
    void (*notify)(void *opaque);
    /* The firmware asked for a system reset: the run ends cleanly. */
    void (*sysreset)(void *opaque);
    /* The firmware asked to end the run with an exit status (as semihosting SYS_EXIT). */
    void (*exit)(void *opaque, int status);
    void *opaque;
} DeviceCore;

/* Everything a device is created from. */
typedef struct DeviceConfig {
    const char *name;      /* instance name, e.g. "uart0" */
    uint32_t base;         /* address of the register window */
    uint32_t clock_hz;     /* core clock */
    const cJSON *params;   /* the device's JSON object in the board file (may be NULL) */
    Sched *sched;
    CharDev *chardev;      /* UARTs: host end (NULL: output discarded, no input) */
    int nirq;              /* lines wired, in the order the class documents */
    IrqLine irq[DEVICE_MAX_IRQ];
    TraceSink trace;       /* trace devices: where stimulus-port writes go */
    DeviceCore core;       /* exception models: the core they serve */
} DeviceConfig;

/* What the machine needs of a device beyond its register window (DeviceClass.roles,
 * a set). The machine finds devices by role, never by type name. */
enum {
    DEVICE_ROLE_CONSOLE = 1 << 0,   /* a UART that can be the console: takes cfg->chardev */
    DEVICE_ROLE_TIMEBASE = 1 << 1,  /* the core's timer (RISC-V mtime): has timebase */
    DEVICE_ROLE_INTC = 1 << 2,      /* an interrupt controller: has irq_input */
    /* The core's exception model (Cortex-M: the NVIC/SCS): has exc_line and a
     * default_base; its device object is an Nvic (devices/nvic.h), which the machine
     * hands to the core. A core that needs one gets it at default_base when the
     * board lists none. */
    DEVICE_ROLE_EXC_MODEL = 1 << 3,
};

/* Register accesses: offset from base, size in bytes (1, 2 or 4). Offsets the
 * model does not know are logged with log_guest and read as 0. */
typedef struct DeviceClass {
    const char *type;  /* as in board JSON: "cmsdk-uart", "ns16550a", ... */
    const char *desc;  /* one line, with the manual it follows */
    uint32_t size;     /* bytes of register window */
    unsigned roles;    /* DEVICE_ROLE_* */
    uint32_t default_base; /* exception models: where the machine puts one the board does not list */
    /* > 0: every IRQ line of the device pends this system exception of the core's
     * exception model (SysTick: 15), whatever number the board file gives. */
    int sys_exc;
    void *(*create)(const DeviceConfig *cfg, char **err);
    void (*destroy)(void *dev);
    void (*reset)(void *dev);
    uint32_t (*read)(void *dev, uint32_t offset, unsigned size);
    void (*write)(void *dev, uint32_t offset, uint32_t value, unsigned size);
    /* Interrupt controllers only: the line for input n (an IRQ number in the
     * board file). Returns a line with set == NULL when n is out of range. */
    IrqLine (*irq_input)(void *dev, int n);
    /* Exception models only: the line whose rising level pends system exception
     * exc. Returns a line with set == NULL when exc is not one. */
    IrqLine (*exc_line)(void *dev, int exc);
    /* Timebases only: the timer's count now (e.g. mtime, in its own ticks). */
    uint64_t (*timebase)(void *dev);
} DeviceClass;

/* The registry (devices/registry.c): every class, NULL-terminated. */
extern const DeviceClass *const device_classes[];
/* The class board files call `type`, or NULL. */
const DeviceClass *device_class_find(const char *type);
/* The first class in the registry with every role in `roles`, or NULL. */
const DeviceClass *device_class_with_role(unsigned roles);

/* Helpers for create(): read an optional unsigned parameter from cfg->params.
 * Returns 0 (and *out = dflt when absent) or -1 with *err set on a wrong type. */
int device_param_u32(const DeviceConfig *cfg, const char *key, uint32_t dflt, uint32_t *out, char **err);

#endif
