/* test_events.c: the explicit GC event channel: the ITM and gc-trace-port devices
 * forward stimulus-port writes to their TraceSink; the decoder turns hand-written word
 * streams into sink calls, and malformed streams into one error per kind, never a crash;
 * images are recognised by the __baregc_gcev marker. The words below are written as
 * firmware/common/gcevents.h writes them (op << 24 | nargs << 20 | payload). */
#include "config.h"

#include <elf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/device.h"
#include "gc/events.h"
#include "gc/record.h"
#include "base/image.h"
#include "tests/cunit_main.h"
#include "tests/loader_elf.h"

extern const DeviceClass itm_class, traceport_class;

/* ---- a recording TraceSink ---- */

typedef struct TraceLog {
    unsigned n;
    unsigned port[32];
    uint32_t value[32];
    unsigned size[32];
} TraceLog;

static void log_write(void *opaque, unsigned port, uint32_t value, unsigned size)
{
    TraceLog *l = opaque;
    if (l->n < 32) {
        l->port[l->n] = port;
        l->value[l->n] = value;
        l->size[l->n] = size;
    }
    l->n++;
}

static void *make_dev(const DeviceClass *cls, TraceLog *l, bool with_sink)
{
    DeviceConfig cfg = {.name = "t", .base = 0, .clock_hz = 1000000};
    if (with_sink)
        cfg.trace = (TraceSink){.write = log_write, .opaque = l};
    char *err = NULL;
    void *d = cls->create(&cfg, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_PTR_NULL(err);
    if (cls->reset)
        cls->reset(d);
    return d;
}

enum { ITM_TER = 0xE00, ITM_TPR = 0xE40, ITM_TCR = 0xE80, ITM_LAR = 0xFB0, ITM_LSR = 0xFB4 };

static void test_itm_gating(void)
{
    TraceLog l = {0};
    const DeviceClass *c = &itm_class;
    void *d = make_dev(c, &l, true);
    CU_ASSERT_STRING_EQUAL(c->type, "itm");
    /* Reset: locked, everything off; ports read ready. */
    CU_ASSERT_EQUAL(c->read(d, ITM_LSR, 4), 3);
    CU_ASSERT_EQUAL(c->read(d, 24 * 4, 4), 1);
    c->write(d, 24 * 4, 0x11111111, 4);
    CU_ASSERT_EQUAL(l.n, 0);
    /* Writes to the control registers are ignored while locked. */
    c->write(d, ITM_TCR, 1, 4);
    c->write(d, ITM_TER, 1u << 24, 4);
    CU_ASSERT_EQUAL(c->read(d, ITM_TCR, 4), 0);
    CU_ASSERT_EQUAL(c->read(d, ITM_TER, 4), 0);
    /* Unlock, enable the ITM but not the port: still dropped. */
    c->write(d, ITM_LAR, 0xC5ACCE55, 4);
    CU_ASSERT_EQUAL(c->read(d, ITM_LSR, 4), 1);
    c->write(d, ITM_TCR, 0xFFFFFFFF, 4);
    CU_ASSERT_EQUAL(c->read(d, ITM_TCR, 4), 0x007F0F1F); /* BUSY and reserved bits read 0 */
    c->write(d, 24 * 4, 0x22222222, 4);
    CU_ASSERT_EQUAL(l.n, 0);
    /* Port 24 and 25 on: forwarded with port, value and size. */
    c->write(d, ITM_TER, (1u << 24) | (1u << 25), 4);
    CU_ASSERT_EQUAL(c->read(d, ITM_TER, 4), (1u << 24) | (1u << 25));
    c->write(d, 24 * 4, 0x12345678, 4);
    c->write(d, 25 * 4, 0xABCD, 2);
    c->write(d, 26 * 4, 0x99, 1); /* port 26 is not enabled */
    CU_ASSERT_EQUAL_FATAL(l.n, 2);
    CU_ASSERT_EQUAL(l.port[0], 24);
    CU_ASSERT_EQUAL(l.value[0], 0x12345678);
    CU_ASSERT_EQUAL(l.size[0], 4);
    CU_ASSERT_EQUAL(l.port[1], 25);
    CU_ASSERT_EQUAL(l.value[1], 0xABCD);
    CU_ASSERT_EQUAL(l.size[1], 2);
    /* ITMENA off again: dropped. */
    c->write(d, ITM_TCR, 0, 4);
    c->write(d, 24 * 4, 1, 4);
    CU_ASSERT_EQUAL(l.n, 2);
    /* Identification: CID0..3 = 0D E0 05 B1. */
    CU_ASSERT_EQUAL(c->read(d, 0xFF0, 4), 0x0D);
    CU_ASSERT_EQUAL(c->read(d, 0xFFC, 4), 0xB1);
    /* Reset locks and disables again. */
    c->reset(d);
    CU_ASSERT_EQUAL(c->read(d, ITM_TER, 4), 0);
    CU_ASSERT_EQUAL(c->read(d, ITM_LSR, 4), 3);
    c->destroy(d);
}

static void test_itm_no_sink(void)
{
    TraceLog l = {0};
    void *d = make_dev(&itm_class, &l, false);
    itm_class.write(d, ITM_LAR, 0xC5ACCE55, 4);
    itm_class.write(d, ITM_TCR, 1, 4);
    itm_class.write(d, ITM_TER, 0xFFFFFFFF, 4);
    itm_class.write(d, 0, 'x', 1); /* discarded, no crash */
    itm_class.write(d, 3, 'x', 1); /* misaligned: a guest error, dropped */
    CU_ASSERT_EQUAL(l.n, 0);
    itm_class.destroy(d);
}

static void test_traceport(void)
{
    TraceLog l = {0};
    const DeviceClass *c = &traceport_class;
    void *d = make_dev(c, &l, true);
    CU_ASSERT_STRING_EQUAL(c->type, "gc-trace-port");
    CU_ASSERT_EQUAL(c->read(d, 0x80, 4), 0x50544347); /* "GCTP" */
    CU_ASSERT_EQUAL(c->read(d, 0x84, 4), 1);
    CU_ASSERT_EQUAL(c->read(d, 24 * 4, 4), 1);
    c->write(d, 24 * 4, 0x10000001, 4);
    c->write(d, 25 * 4, 0xFFFFFFFF, 1); /* a byte write keeps the low byte */
    c->write(d, 0x80, 5, 4);            /* the ID is read-only: not forwarded */
    c->write(d, 25 * 4 + 2, 5, 2);      /* misaligned: not forwarded */
    CU_ASSERT_EQUAL_FATAL(l.n, 2);
    CU_ASSERT_EQUAL(l.port[0], 24);
    CU_ASSERT_EQUAL(l.value[0], 0x10000001);
    CU_ASSERT_EQUAL(l.port[1], 25);
    CU_ASSERT_EQUAL(l.value[1], 0xFF);
    CU_ASSERT_EQUAL(l.size[1], 1);
    c->destroy(d);
    d = make_dev(c, &l, false);
    c->write(d, 0, 1, 4); /* no sink: discarded */
    CU_ASSERT_EQUAL(l.n, 2);
    c->destroy(d);
}

/* ---- a sink that writes each call as a line ---- */

typedef struct Calls {
    char text[4096];
    unsigned nerrors;
    char errors[8][256];
} Calls;

static void addf(Calls *c, const char *fmt, ...) BG_PRINTF(2, 3);
static void addf(Calls *c, const char *fmt, ...)
{
    size_t len = strlen(c->text);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->text + len, sizeof c->text - len, fmt, ap);
    va_end(ap);
}

static void s_pause_begin(void *o, int trig, bool inc) { addf(o, "pause(%d%s) ", trig, inc ? ",inc" : ""); }
static void s_pause_end(void *o) { addf(o, "end "); }
static void s_phase_begin(void *o, const char *name) { addf(o, "phase(%s) ", name); }
static void s_phase_end(void *o) { addf(o, "/phase "); }
static void s_alloc(void *o, uint32_t a, uint32_t s) { addf(o, "alloc(%x,%u) ", a, s); }
static void s_free(void *o, uint32_t a) { addf(o, "free(%x) ", a); }
static void s_heap(void *o, uint32_t u, uint32_t f, uint32_t l) { addf(o, "heap(%u,%u,%u) ", u, f, l); }
static void s_error(void *o, const char *msg)
{
    Calls *c = o;
    if (c->nerrors < 8)
        snprintf(c->errors[c->nerrors], sizeof c->errors[0], "%s", msg);
    c->nerrors++;
    addf(c, "ERR ");
}

static GcEventDecoder *decoder(Calls *c)
{
    memset(c, 0, sizeof *c);
    GcEventSink s = {
        .pause_begin = s_pause_begin, .pause_end = s_pause_end, .phase_begin = s_phase_begin,
        .phase_end = s_phase_end, .alloc = s_alloc, .free = s_free, .heap = s_heap, .error = s_error,
        .opaque = c,
    };
    return gcev_decoder_new(&s);
}

#define EV(op, nargs, payload) (((uint32_t)(op) << 24) | ((uint32_t)(nargs) << 20) | (uint32_t)(payload))
#define HELLO EV(0x01, 0, 1)
#define PAUSE(trig) EV(0x10, 0, (trig))
#define PAUSE_END EV(0x11, 0, 0)
#define PHASE(len) EV(0x12, ((len) + 3) / 4, (len))
#define PHASE_END EV(0x13, 0, 0)
#define ALLOC(size) EV(0x20, 1, (size))
#define FREE EV(0x21, 1, 0)
#define HEAP EV(0x22, 3, 0)
#define NAME4(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

/* A word stream: {port, value}, written as 32-bit writes. */
typedef struct W {
    unsigned port;
    uint32_t v;
} W;

static void feed(GcEventDecoder *d, const W *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        gcev_decoder_write(d, w[i].port, w[i].v, 4);
}
#define FEED(d, ...)                                     \
    do {                                                 \
        static const W w_[] = {__VA_ARGS__};             \
        feed((d), w_, sizeof w_ / sizeof w_[0]);         \
    } while (0)

static void test_decode_cycle(void)
{
    Calls c;
    GcEventDecoder *d = decoder(&c);
    FEED(d, {24, HELLO}, {24, ALLOC(24)}, {25, 0x20001000}, {24, PAUSE(REC_TRIGGER_ALLOC)},
         {24, HEAP}, {25, 1000}, {25, 3000}, {25, 2000},
         {24, PHASE(4)}, {25, NAME4('m', 'a', 'r', 'k')}, {24, PHASE_END},
         {24, PHASE(5)}, {25, NAME4('s', 'w', 'e', 'e')}, {25, 'p'},
         {24, FREE}, {25, 0x20001000}, {24, PHASE_END}, {24, PAUSE_END},
         {24, HEAP}, {25, 976}, {25, 3024}, {25, 2024},
         {24, EV(0x10, 0, 0x101)}, {24, PAUSE_END});
    CU_ASSERT_STRING_EQUAL(c.text, "alloc(20001000,24) pause(2) heap(1000,3000,2000) phase(mark) /phase "
                                   "phase(sweep) free(20001000) /phase end heap(976,3024,2024) "
                                   "pause(1,inc) end ");
    CU_ASSERT_EQUAL(c.nerrors, 0);
    gcev_decoder_free(d);
}

static void test_decode_long_names_and_sizes(void)
{
    Calls c;
    GcEventDecoder *d = decoder(&c);
    /* A 32-byte name, and an allocation too big for the payload (escape + size word). */
    FEED(d, {24, PAUSE(0)}, {24, PHASE(32)}, {25, NAME4('a', 'b', 'c', 'd')}, {25, NAME4('e', 'f', 'g', 'h')},
         {25, NAME4('i', 'j', 'k', 'l')}, {25, NAME4('m', 'n', 'o', 'p')}, {25, NAME4('q', 'r', 's', 't')},
         {25, NAME4('u', 'v', 'w', 'x')}, {25, NAME4('y', 'z', '0', '1')}, {25, NAME4('2', '3', '4', '5')},
         {24, PHASE_END}, {24, PAUSE_END}, {24, EV(0x20, 2, 0xFFFFF)}, {25, 0x80000000}, {25, 0x01000000},
         {24, ALLOC(0)}, {25, 0});
    CU_ASSERT_STRING_EQUAL(c.text, "pause(0) phase(abcdefghijklmnopqrstuvwxyz012345) /phase end "
                                   "alloc(80000000,16777216) alloc(0,0) ");
    CU_ASSERT_EQUAL(c.nerrors, 0);
    gcev_decoder_free(d);
}

/* An interrupt handler's whole events land between the words of the main program's
 * event: they nest, and each argument goes to the innermost incomplete event. */
static void test_decode_nested_interrupts(void)
{
    Calls c;
    GcEventDecoder *d = decoder(&c);
    FEED(d, {24, HEAP}, {25, 1},                           /* main: HEAP, first argument */
         {24, ALLOC(8)},                                   /* interrupt 1: ALLOC ... */
         {24, FREE}, {25, 0xF00},                          /* ... preempted by interrupt 2: FREE */
         {25, 0xA00},                                      /* interrupt 1 completes */
         {25, 2}, {25, 3});                                /* main completes */
    CU_ASSERT_STRING_EQUAL(c.text, "free(f00) alloc(a00,8) heap(1,2,3) ");
    CU_ASSERT_EQUAL(c.nerrors, 0);
    gcev_decoder_free(d);
}

static void test_decode_errors_once_per_kind(void)
{
    Calls c;
    GcEventDecoder *d = decoder(&c);
    /* An unknown opcode with two arguments: reported, skipped with its arguments. */
    FEED(d, {24, EV(0x7F, 2, 0)}, {25, 1}, {25, 2}, {24, EV(0x7E, 0, 0)}, {24, FREE}, {25, 0x40});
    CU_ASSERT_STRING_EQUAL(c.text, "ERR free(40) ");
    CU_ASSERT_EQUAL(c.nerrors, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.errors[0], "unknown opcode 0x7f"));
    /* Orphan arguments: one error for both. */
    FEED(d, {25, 7}, {25, 8});
    CU_ASSERT_EQUAL(c.nerrors, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.errors[1], "no event waiting"));
    /* Wrong write sizes on the channel's ports: ignored, reported once; other ports are not ours. */
    gcev_decoder_write(d, 24, PAUSE(1), 2);
    gcev_decoder_write(d, 25, 1, 1);
    gcev_decoder_write(d, 0, 'h', 1);
    gcev_decoder_write(d, 31, 0xFFFFFFFF, 4);
    CU_ASSERT_EQUAL(c.nerrors, 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.errors[2], "2-byte write on port 24"));
    /* Malformed known opcodes: HEAP with 2 arguments, PHASE with a wrong count. */
    FEED(d, {24, EV(0x22, 2, 0)}, {25, 1}, {25, 2}, {24, EV(0x12, 1, 9)}, {25, 0});
    CU_ASSERT_EQUAL(c.nerrors, 4);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.errors[3], "malformed"));
    /* Unbalanced pauses and phases, a phase outside a pause, a bad trigger, a bad name. */
    FEED(d, {24, PAUSE_END}, {24, PHASE_END}, {24, PHASE(1)}, {25, 'x'}, {24, PAUSE(9)},
         {24, PAUSE(1)}, {24, PHASE(2)}, {25, 0x0A41}, {24, PHASE(1)}, {25, 'y'}, {24, PAUSE_END},
         {24, PAUSE_END});
    CU_ASSERT_EQUAL(c.nerrors, 8); /* pause, phase, trigger, name */
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "free(40) ERR ERR ERR ERR ERR ERR pause(0) ERR phase(y) /phase end "));
    gcev_decoder_free(d);
}

static void test_decode_truncated(void)
{
    Calls c;
    GcEventDecoder *d = decoder(&c);
    /* 17 events that never get their arguments: the oldest is dropped. */
    for (int i = 0; i < 17; i++)
        gcev_decoder_write(d, 24, FREE, 4);
    CU_ASSERT_EQUAL(c.nerrors, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.errors[0], "waiting for arguments"));
    for (int i = 0; i < 16; i++)
        gcev_decoder_write(d, 25, (uint32_t)i, 4);
    gcev_decoder_write(d, 25, 99, 4); /* nothing left waiting */
    CU_ASSERT_EQUAL(c.nerrors, 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "free(0) free(1) "));
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "free(f) ERR "));
    /* A restart (HELLO) inside a pause and an incomplete event: closed, dropped, reported. */
    FEED(d, {24, PAUSE(1)}, {24, PHASE(1)}, {25, 'm'}, {24, HEAP}, {25, 5}, {24, HELLO}, {25, 6});
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "pause(1) phase(m) ERR /phase end "));
    CU_ASSERT_EQUAL(c.nerrors, 3); /* the restart; the orphan argument 6 was a kind already reported */
    CU_ASSERT_PTR_NOT_NULL(strstr(c.errors[2], "restarted"));
    gcev_decoder_free(d);
}

static void test_decode_version(void)
{
    Calls c;
    GcEventDecoder *d = decoder(&c);
    FEED(d, {24, EV(0x01, 0, 2)}, {24, PAUSE(1)}, {24, FREE}, {25, 1}, {24, HELLO}, {24, PAUSE(1)});
    CU_ASSERT_STRING_EQUAL(c.text, "ERR pause(1) ");
    CU_ASSERT_PTR_NOT_NULL(strstr(c.errors[0], "version 2"));
    gcev_decoder_free(d);
}

/* Random words: the decoder never crashes and never calls the sink with a name that is
 * not printable. A seeded xorshift, so every run sees the same words. */
static void test_decode_garbage(void)
{
    Calls c;
    GcEventDecoder *d = decoder(&c);
    uint32_t x = 0x9E3779B9u;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        unsigned port = 24 + (x & 1);
        uint32_t v = x;
        if ((x >> 1) % 4 == 0) /* often a known opcode with a plausible count */
            v = (v & 0x0F0FFFFFu) | ((0x10u + (x >> 3) % 4) << 24);
        gcev_decoder_write(d, port, v, (x >> 8) % 16 ? 4 : 2);
        if (strlen(c.text) > 3000)
            c.text[0] = '\0';
    }
    CU_ASSERT(c.nerrors >= 3);
    CU_ASSERT(c.nerrors <= 11); /* once per kind */
    gcev_decoder_free(d);
    /* A decoder without callbacks: every path is a no-op. */
    GcEventSink none = {0};
    d = gcev_decoder_new(&none);
    FEED(d, {24, PAUSE(1)}, {24, PHASE(1)}, {25, 'a'}, {24, ALLOC(1)}, {25, 1}, {24, EV(0x55, 0, 0)},
         {24, PAUSE_END}, {25, 3});
    gcev_decoder_free(d);
    gcev_decoder_write(NULL, 24, 0, 4);
    gcev_decoder_free(NULL);
}

/* ---- detection ---- */

static bool detect_with(const char *sym)
{
    static const TeSeg segs[] = {
        {.paddr = 0x80000000, .vaddr = 0x80000000, .filesz = 0x40, .memsz = 0x40, .flags = PF_R | PF_X},
    };
    TeSym syms[] = {
        {"_start", 0x80000000, 4, STT_FUNC, STB_GLOBAL},
        {sym, 0x80000020, 8, STT_OBJECT, STB_WEAK},
    };
    TeSpec s = {.machine = EM_RISCV, .type = ET_EXEC, .entry = 0x80000000, .seg = segs, .nseg = 1,
                .sym = syms, .nsym = 2};
    size_t len;
    uint8_t *buf = te_build(&s, &len);
    char *path = te_path(sym);
    CU_ASSERT_FATAL(te_write(path, buf, len) == 0);
    int kind = 0;
    char *err = NULL;
    Image *img = image_load(path, &kind, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(img);
    bool r = gcev_image_uses_events(img);
    image_free(img);
    free(path);
    free(buf);
    return r;
}

static void test_detect(void)
{
    CU_ASSERT_TRUE(detect_with("__baregc_gcev"));
    CU_ASSERT_FALSE(detect_with("gc_collect"));
    CU_ASSERT_FALSE(gcev_image_uses_events(NULL));
    te_cleanup();
}

int main(void)
{
    static const TestCase devices[] = {
        {"ITM: LAR, TCR.ITMENA and TER gate the forwarding", test_itm_gating},
        {"ITM: no sink, misaligned writes", test_itm_no_sink},
        {"gc-trace-port: ID and forwarding", test_traceport},
        {NULL, NULL},
    };
    static const TestCase decoding[] = {
        {"a collection cycle", test_decode_cycle},
        {"32-byte names, escaped sizes, failed allocations", test_decode_long_names_and_sizes},
        {"interrupt handlers' events nest", test_decode_nested_interrupts},
        {"malformed streams: one error per kind", test_decode_errors_once_per_kind},
        {"truncated events and restarts", test_decode_truncated},
        {"unsupported protocol version", test_decode_version},
        {"random words", test_decode_garbage},
        {"image detection by __baregc_gcev", test_detect},
        {NULL, NULL},
    };
    static const TestSuite suites[] = {
        {"trace devices", devices},
        {"decoder", decoding},
        {NULL, NULL},
    };
    return cunit_run(suites);
}
