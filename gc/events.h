/* events.h: the decoder of the explicit GC event channel: the 32-bit words firmware
 * writes through firmware/common/gcevents.h onto ITM stimulus ports 24 (event words)
 * and 25 (argument words), or the same ports of a gc-trace-port, turned into calls
 * on a GcEventSink. Wire protocol: docs/events.md. */
#ifndef BAREGC_EVENTS_H
#define BAREGC_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/image.h"

/* What the decoded stream says. Every callback may be NULL (ignored). `error` is
 * called at most once per kind of malformation (unknown opcode, wrong write size,
 * argument without an event, truncated event, bad phase name, unbalanced pause or
 * phase, unsupported version); decoding goes on after it. */
typedef struct GcEventSink {
    void (*pause_begin)(void *o, int trigger /* RecTrigger */, bool incremental);
    void (*pause_end)(void *o);
    void (*phase_begin)(void *o, const char *name);
    void (*phase_end)(void *o);
    void (*alloc)(void *o, uint32_t addr, uint32_t size);
    void (*free)(void *o, uint32_t addr);
    void (*heap)(void *o, uint32_t used, uint32_t free, uint32_t largest_free);
    void (*error)(void *o, const char *msg); /* a malformed stream: reported once per kind */
    void *opaque;
} GcEventSink;

typedef struct GcEventDecoder GcEventDecoder;

/* A decoder that calls `sink` (copied). Never fails (out of memory aborts). */
GcEventDecoder *gcev_decoder_new(const GcEventSink *sink);
void gcev_decoder_free(GcEventDecoder *d);
/* One stimulus-port write: port number, value, size in bytes (1, 2 or 4). Writes to
 * ports other than 24 and 25 are ignored (they belong to other ITM users). */
void gcev_decoder_write(GcEventDecoder *d, unsigned port, uint32_t value, unsigned size);

/* Whether the image reports through the channel: it holds the marker variable
 * `__baregc_gcev` that gcevents.h defines. */
bool gcev_image_uses_events(const Image *img);

#endif
