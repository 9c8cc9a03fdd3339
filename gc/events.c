/* events.c: decodes the explicit GC event channel (docs/events.md): event words on
 * port 24 open an event, argument words on port 25 fill the innermost incomplete one.
 * Interrupt handlers write whole events, so incomplete events nest like a stack; a
 * completed event is dispatched to the sink and popped. Malformed input is reported
 * once per kind through sink->error and skipped; nothing in the stream can crash. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gc/events.h"
#include "gc/record.h"
#include "base/util.h"

/* The protocol, as firmware/common/gcevents.h writes it. */
enum { PORT_EVENT = 24, PORT_ARG = 25 };
enum {
    OP_HELLO = 0x01,
    OP_PAUSE_BEGIN = 0x10,
    OP_PAUSE_END = 0x11,
    OP_PHASE_BEGIN = 0x12,
    OP_PHASE_END = 0x13,
    OP_ALLOC = 0x20,
    OP_FREE = 0x21,
    OP_HEAP = 0x22,
};
#define PROTOCOL_VERSION 1u
#define SIZE_ESCAPE 0xFFFFFu /* ALLOC's payload when the size follows as a second argument */
#define NAME_MAX_BYTES 32    /* a phase name's longest */
#define MAX_NEST 16          /* incomplete events held at once (nested interrupts) */
#define MAX_ARGS 15          /* the 4-bit argument count */

#define WORD_OP(w) ((w) >> 24)
#define WORD_NARGS(w) (((w) >> 20) & 0xFu)
#define WORD_PAYLOAD(w) ((w)&0xFFFFFu)

typedef enum ErrKind {
    E_SIZE,      /* a write that is not 32 bits */
    E_OPCODE,    /* an opcode this decoder does not know */
    E_FORMAT,    /* a known opcode with the wrong argument count or payload */
    E_ORPHAN,    /* an argument word with no event waiting for it */
    E_TRUNCATED, /* events that never received all their arguments */
    E_RESTART,   /* the firmware started over (HELLO) in the middle of things */
    E_NAME,      /* an empty or unprintable phase name */
    E_TRIGGER,   /* an unknown pause trigger */
    E_PAUSE,     /* unbalanced pause begin/end */
    E_PHASE,     /* unbalanced phase begin/end, or a phase outside a pause */
    E_VERSION,   /* a protocol version this decoder does not speak */
    E__COUNT,
} ErrKind;

typedef struct Frame {
    uint32_t word;             /* the event word */
    unsigned need, have;       /* argument words */
    bool skip;                 /* unknown or malformed: consume the arguments, dispatch nothing */
    uint32_t args[MAX_ARGS];
} Frame;

struct GcEventDecoder {
    GcEventSink sink;
    Frame stack[MAX_NEST];
    unsigned depth;
    bool ignoring;             /* after an unsupported HELLO: until a supported one */
    bool pause_open;
    unsigned phases_open;
    uint32_t reported;         /* ErrKind bits already reported */
};

static void report(GcEventDecoder *d, ErrKind k, const char *fmt, ...) BG_PRINTF(3, 4);

static void report(GcEventDecoder *d, ErrKind k, const char *fmt, ...)
{
    if (d->reported & (1u << k))
        return;
    d->reported |= 1u << k;
    if (!d->sink.error)
        return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    d->sink.error(d->sink.opaque, msg);
}

GcEventDecoder *gcev_decoder_new(const GcEventSink *sink)
{
    GcEventDecoder *d = xcalloc(1, sizeof *d);
    if (sink)
        d->sink = *sink;
    return d;
}

void gcev_decoder_free(GcEventDecoder *d) { free(d); }

/* ---- dispatch of complete events ---- */

static void close_phases(GcEventDecoder *d)
{
    for (; d->phases_open; d->phases_open--)
        if (d->sink.phase_end)
            d->sink.phase_end(d->sink.opaque);
}

static void do_pause_begin(GcEventDecoder *d, uint32_t payload)
{
    unsigned trig = payload & 0xF;
    if (d->pause_open) {
        report(d, E_PAUSE, "a pause began while one was open (the second is ignored)");
        return;
    }
    if (trig > REC_TRIGGER_ALLOC) {
        report(d, E_TRIGGER, "unknown pause trigger %u (recorded as unknown)", trig);
        trig = REC_TRIGGER_UNKNOWN;
    }
    d->pause_open = true;
    if (d->sink.pause_begin)
        d->sink.pause_begin(d->sink.opaque, (int)trig, (payload & 0x100) != 0);
}

static void do_pause_end(GcEventDecoder *d)
{
    if (!d->pause_open) {
        report(d, E_PAUSE, "a pause ended that had not begun (ignored)");
        return;
    }
    if (d->phases_open) {
        report(d, E_PHASE, "a pause ended with %u phase%s still open (closed with it)", d->phases_open,
               d->phases_open == 1 ? "" : "s");
        close_phases(d);
    }
    d->pause_open = false;
    if (d->sink.pause_end)
        d->sink.pause_end(d->sink.opaque);
}

static void do_phase_begin(GcEventDecoder *d, const Frame *f)
{
    unsigned n = WORD_PAYLOAD(f->word);
    char name[NAME_MAX_BYTES + 1];
    for (unsigned i = 0; i < n; i++) {
        unsigned char c = (unsigned char)(f->args[i / 4] >> (8 * (i % 4)));
        if (c < 0x20 || c > 0x7e) {
            report(d, E_NAME, "a phase name holds byte 0x%02x (printable ASCII only; the phase is ignored)", c);
            return;
        }
        name[i] = (char)c;
    }
    name[n] = '\0';
    if (!d->pause_open) {
        report(d, E_PHASE, "phase \"%s\" began outside a pause (ignored)", name);
        return;
    }
    d->phases_open++;
    if (d->sink.phase_begin)
        d->sink.phase_begin(d->sink.opaque, name);
}

static void do_phase_end(GcEventDecoder *d)
{
    if (!d->phases_open) {
        report(d, E_PHASE, "a phase ended that had not begun (ignored)");
        return;
    }
    d->phases_open--;
    if (d->sink.phase_end)
        d->sink.phase_end(d->sink.opaque);
}

static void do_hello(GcEventDecoder *d, uint32_t version)
{
    if (d->depth) {
        report(d, E_RESTART, "the firmware restarted the channel with %u event%s incomplete (dropped)",
               d->depth, d->depth == 1 ? "" : "s");
        d->depth = 0;
    }
    if (d->pause_open) {
        report(d, E_RESTART, "the firmware restarted the channel inside a pause (closed there)");
        close_phases(d);
        d->pause_open = false;
        if (d->sink.pause_end)
            d->sink.pause_end(d->sink.opaque);
    }
    d->ignoring = version != PROTOCOL_VERSION;
    if (d->ignoring)
        report(d, E_VERSION, "protocol version %u (this decoder speaks version %u; the stream is ignored)", version,
               PROTOCOL_VERSION);
}

static void dispatch(GcEventDecoder *d, const Frame *f)
{
    const GcEventSink *s = &d->sink;
    uint32_t payload = WORD_PAYLOAD(f->word);
    if (f->skip)
        return;
    switch (WORD_OP(f->word)) {
    case OP_PAUSE_BEGIN: do_pause_begin(d, payload); break;
    case OP_PAUSE_END: do_pause_end(d); break;
    case OP_PHASE_BEGIN: do_phase_begin(d, f); break;
    case OP_PHASE_END: do_phase_end(d); break;
    case OP_ALLOC:
        if (s->alloc)
            s->alloc(s->opaque, f->args[0], payload == SIZE_ESCAPE ? f->args[1] : payload);
        break;
    case OP_FREE:
        if (s->free)
            s->free(s->opaque, f->args[0]);
        break;
    case OP_HEAP:
        if (s->heap)
            s->heap(s->opaque, f->args[0], f->args[1], f->args[2]);
        break;
    }
}

/* ---- framing ---- */

/* Whether a known opcode's event word is well formed: its argument count is the one
 * its payload implies. */
static bool well_formed(uint32_t w, const char **why)
{
    unsigned n = WORD_NARGS(w);
    uint32_t p = WORD_PAYLOAD(w);
    switch (WORD_OP(w)) {
    case OP_HELLO:
    case OP_PAUSE_BEGIN:
    case OP_PAUSE_END:
    case OP_PHASE_END:
        *why = "takes no arguments";
        return n == 0;
    case OP_PHASE_BEGIN:
        *why = "needs a name of 1..32 bytes in (length + 3) / 4 arguments";
        return p >= 1 && p <= NAME_MAX_BYTES && n == (p + 3) / 4;
    case OP_ALLOC:
        *why = "takes the address, and the size when the payload is 0xFFFFF";
        return n == (p == SIZE_ESCAPE ? 2u : 1u);
    case OP_FREE:
        *why = "takes one argument (the address)";
        return n == 1;
    case OP_HEAP:
        *why = "takes three arguments (used, free, largest free)";
        return n == 3;
    }
    return false;
}

static bool known_op(unsigned op)
{
    switch (op) {
    case OP_HELLO:
    case OP_PAUSE_BEGIN:
    case OP_PAUSE_END:
    case OP_PHASE_BEGIN:
    case OP_PHASE_END:
    case OP_ALLOC:
    case OP_FREE:
    case OP_HEAP:
        return true;
    }
    return false;
}

static void event_word(GcEventDecoder *d, uint32_t w)
{
    unsigned op = WORD_OP(w);
    if (op == OP_HELLO && WORD_NARGS(w) == 0) {
        do_hello(d, WORD_PAYLOAD(w));
        return;
    }
    if (d->ignoring)
        return;
    Frame f = {.word = w, .need = WORD_NARGS(w)};
    const char *why = "";
    if (!known_op(op)) {
        report(d, E_OPCODE, "unknown opcode 0x%02x (event word 0x%08x; skipped with its %u argument%s)", op, w,
               f.need, f.need == 1 ? "" : "s");
        f.skip = true;
    } else if (!well_formed(w, &why)) {
        report(d, E_FORMAT, "malformed event word 0x%08x: opcode 0x%02x %s (skipped)", w, op, why);
        f.skip = true;
    }
    if (f.need == 0) {
        dispatch(d, &f);
        return;
    }
    if (d->depth == MAX_NEST) {
        report(d, E_TRUNCATED,
               "more than %d events are waiting for arguments: the oldest never got them (dropped)", MAX_NEST);
        memmove(&d->stack[0], &d->stack[1], (MAX_NEST - 1) * sizeof d->stack[0]);
        d->depth--;
    }
    d->stack[d->depth++] = f;
}

static void arg_word(GcEventDecoder *d, uint32_t v)
{
    if (d->ignoring)
        return;
    if (!d->depth) {
        report(d, E_ORPHAN, "argument word 0x%08x with no event waiting for it (ignored)", v);
        return;
    }
    Frame *f = &d->stack[d->depth - 1];
    f->args[f->have++] = v;
    if (f->have == f->need) {
        Frame done = *f;
        d->depth--;
        dispatch(d, &done);
    }
}

void gcev_decoder_write(GcEventDecoder *d, unsigned port, uint32_t value, unsigned size)
{
    if (!d || (port != PORT_EVENT && port != PORT_ARG))
        return;
    if (size != 4) {
        report(d, E_SIZE, "a %u-byte write on port %u (the channel writes 32-bit words; ignored)", size, port);
        return;
    }
    if (port == PORT_EVENT)
        event_word(d, value);
    else
        arg_word(d, value);
}

bool gcev_image_uses_events(const Image *img)
{
    return img && image_symbol_by_name(img, "__baregc_gcev") != NULL;
}
