/* fuzz_gc_events.c: libFuzzer harness of the GC event-channel decoder (gc/events.c).
 * The input is a sequence of 5-byte stimulus-port writes: a control byte, then the
 * value (little-endian). Control bits 0-1 give the size (0 and 3: 4 bytes, 1: 1 byte,
 * 2: 2 bytes), bits 2-7 the port: 0 is port 24 (event words), 1 port 25 (arguments),
 * any other value that port (mostly other ITM users, which the decoder ignores). The sink
 * checks what events.h promises: pauses and phases balanced and nested, phase names
 * printable, each kind of error reported at most once. */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "fuzz/fuzz_util.h"
#include "gc/events.h"
#include "gc/record.h"

#define ERROR_KINDS 11 /* the kinds of malformation gc/events.c reports */

typedef struct SinkState {
    bool in_pause;
    unsigned phases;
    unsigned errors;
} SinkState;

static void on_pause_begin(void *o, int trigger, bool incremental)
{
    SinkState *s = o;
    (void)incremental;
    FUZZ_CHECK(!s->in_pause && trigger >= REC_TRIGGER_UNKNOWN && trigger <= REC_TRIGGER_ALLOC);
    s->in_pause = true;
}

static void on_pause_end(void *o)
{
    SinkState *s = o;
    FUZZ_CHECK(s->in_pause && s->phases == 0);
    s->in_pause = false;
}

static void on_phase_begin(void *o, const char *name)
{
    SinkState *s = o;
    size_t n = strlen(name);
    FUZZ_CHECK(s->in_pause && n >= 1 && n <= 32);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(name[i] >= 0x20 && name[i] <= 0x7e);
    s->phases++;
}

static void on_phase_end(void *o)
{
    SinkState *s = o;
    FUZZ_CHECK(s->in_pause && s->phases > 0);
    s->phases--;
}

static void on_error(void *o, const char *msg)
{
    SinkState *s = o;
    FUZZ_CHECK(msg && *msg);
    s->errors++;
    FUZZ_CHECK(s->errors <= ERROR_KINDS);
}

/* The input's writes into d. */
static void feed(GcEventDecoder *d, const uint8_t *data, size_t size)
{
    static const unsigned sizes[4] = {4, 1, 2, 4};
    for (size_t i = 0; i + 5 <= size; i += 5) {
        uint8_t c = data[i];
        uint32_t v = (uint32_t)data[i + 1] | (uint32_t)data[i + 2] << 8 | (uint32_t)data[i + 3] << 16 |
                     (uint32_t)data[i + 4] << 24;
        unsigned port = c >> 2 < 2 ? 24u + (c >> 2) : c >> 2u;
        gcev_decoder_write(d, port, v, sizes[c & 3]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SinkState st = {0};
    const GcEventSink sink = {.pause_begin = on_pause_begin, .pause_end = on_pause_end,
                              .phase_begin = on_phase_begin, .phase_end = on_phase_end,
                              .error = on_error, .opaque = &st};
    GcEventDecoder *d = gcev_decoder_new(&sink);
    feed(d, data, size);
    gcev_decoder_free(d);
    d = gcev_decoder_new(NULL); /* no callbacks at all */
    feed(d, data, size);
    gcev_decoder_free(d);
    return 0;
}
