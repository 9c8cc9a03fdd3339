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
} DeviceConfig;

/* Register accesses: offset from base, size in bytes (1, 2 or 4). Offsets the
 * model does not know are logged with log_guest and read as 0. */
typedef struct DeviceClass {
    const char *type;  /* as in board JSON: "cmsdk-uart", "ns16550a", ... */
    const char *desc;  /* one line, with the manual it follows */
    uint32_t size;     /* bytes of register window */
    bool is_intc;      /* an interrupt controller: has irq_input */
    void *(*create)(const DeviceConfig *cfg, char **err);
    void (*destroy)(void *dev);
    void (*reset)(void *dev);
    uint32_t (*read)(void *dev, uint32_t offset, unsigned size);
    void (*write)(void *dev, uint32_t offset, uint32_t value, unsigned size);
    /* Interrupt controllers only: the line for input n (an IRQ number in the
     * board file). Returns a line with set == NULL when n is out of range. */
    IrqLine (*irq_input)(void *dev, int n);
} DeviceClass;

/* The registry (devices/registry.c): every class, NULL-terminated. */
extern const DeviceClass *const device_classes[];
const DeviceClass *device_class_find(const char *type);

/* Helpers for create(): read an optional unsigned parameter from cfg->params.
 * Returns 0 (and *out = dflt when absent) or -1 with *err set on a wrong type. */
int device_param_u32(const DeviceConfig *cfg, const char *key, uint32_t dflt, uint32_t *out, char **err);

#endif
