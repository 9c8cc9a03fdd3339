/* trace_json.c: the run as Chrome Trace Event JSON (Perfetto UI, chrome://tracing):
 * pauses with nested phases, a heap counter, interrupt entries, instants. Streamed with
 * a hand writer: fixed-decimal microsecond timestamps, strings escaped as valid UTF-8. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "traces/json_out.h"
#include "traces/traces.h"

enum { TID_GC = 1, TID_IRQ = 2, TID_EVENTS = 3 };

typedef struct JsonOut {
    FILE *f;
    uint64_t hz;
    bool first;  /* no event written yet */
} JsonOut;

/* A JSON string literal ("" for NULL). */
static void json_str(FILE *f, const char *str) { json_put_string(f, str ? str : ""); }

/* Cycles as microseconds with three decimals (ns resolution). */
static void json_us(FILE *f, uint64_t cycles, uint64_t hz)
{
    uint64_t ns = stats_cycles_to_ns(cycles, hz);
    fprintf(f, "%" PRIu64 ".%03" PRIu64, ns / 1000, ns % 1000);
}

static void json_i64(FILE *f, int64_t v)
{
    if (v == REC_UNKNOWN)
        fputs("null", f);
    else
        fprintf(f, "%" PRId64, v);
}

/* The start of an event object: separator, ph, pid, tid, name, ts. */
static void ev_begin(JsonOut *o, const char *ph, int tid, const char *name, uint64_t ts)
{
    fputs(o->first ? "\n" : ",\n", o->f);
    o->first = false;
    fprintf(o->f, "{\"ph\":\"%s\",\"pid\":1,\"tid\":%d,\"name\":", ph, tid);
    json_str(o->f, name);
    fputs(",\"ts\":", o->f);
    json_us(o->f, ts, o->hz);
}

static void meta(JsonOut *o, const char *what, int tid, const char *name)
{
    fputs(o->first ? "\n" : ",\n", o->f);
    o->first = false;
    fprintf(o->f, "{\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"name\":\"%s\",\"args\":{\"name\":", tid, what);
    json_str(o->f, name);
    fputs("}}", o->f);
}

static const char *trigger_name(RecTrigger t)
{
    switch (t) {
    case REC_TRIGGER_EXPLICIT: return "explicit";
    case REC_TRIGGER_ALLOC: return "alloc";
    default: return "unknown";
    }
}

static void pause_events(JsonOut *o, const Recording *r, const Image *img)
{
    uint64_t total = r->run.cycles;
    for (size_t i = 0; i < r->npauses; i++) {
        const RecPause *p = &r->pauses[i];
        uint64_t end = p->end;
        if (i == r->npauses - 1 && r->priv_pause_open)
            end = total;
        if (end < p->start)
            end = p->start;
        ev_begin(o, "X", TID_GC, "GC pause", p->start);
        fputs(",\"cat\":\"gc\",\"dur\":", o->f);
        json_us(o->f, end - p->start, o->hz);
        fprintf(o->f, ",\"args\":{\"n\":%zu,\"trigger\":\"%s\",\"incremental\":%s,\"heap_before\":", i + 1,
                trigger_name(p->trigger), p->incremental ? "true" : "false");
        json_i64(o->f, p->heap_before);
        fputs(",\"heap_after\":", o->f);
        json_i64(o->f, p->heap_after);
        fputs(",\"freed\":", o->f);
        json_i64(o->f, p->freed_bytes);
        fputs(",\"freed_requested\":", o->f);
        json_i64(o->f, p->freed_requested);
        fputs(",\"freed_objects\":", o->f);
        json_i64(o->f, p->freed_objects);
        fputs(",\"free_after\":", o->f);
        json_i64(o->f, p->free_after);
        fputs(",\"largest_free_after\":", o->f);
        json_i64(o->f, p->largest_free_after);
        fprintf(o->f, ",\"irq_delayed\":%" PRIu32, p->irq_delayed);
        size_t n;
        const uint32_t *fr = rec_stack_frames(r, p->stack, &n);
        if (n) {
            fputs(",\"stack\":[", o->f);
            for (size_t k = 0; k < n && k < 16; k++) {
                char buf[160];
                if (img)
                    image_describe_addr(img, (fr[k] & ~1u) - 1, buf, sizeof buf); /* return addresses */
                else
                    snprintf(buf, sizeof buf, "0x%08" PRIx32, fr[k]);
                if (k)
                    fputc(',', o->f);
                json_str(o->f, buf);
            }
            fputc(']', o->f);
        }
        fputs("}}", o->f);
        /* Phases, clipped to the pause so the slices nest. */
        for (uint32_t k = 0; k < p->nphases; k++) {
            size_t pi = (size_t)p->first_phase + k;
            if (pi >= r->nphases)
                break;
            const RecPhase *ph = &r->phases[pi];
            uint64_t a = ph->start < p->start ? p->start : ph->start;
            uint64_t b = (ph->end == 0 || ph->end > end) ? end : ph->end;
            if (b < a)
                b = a;
            const char *name = ph->name < r->nphase_names ? r->phase_names[ph->name] : "phase";
            ev_begin(o, "X", TID_GC, name, a);
            fputs(",\"cat\":\"gc\",\"dur\":", o->f);
            json_us(o->f, b - a, o->hz);
            fputc('}', o->f);
        }
    }
}

static void heap_events(JsonOut *o, const Recording *r)
{
    for (size_t i = 0; i < r->nsamples; i++) {
        const RecHeapSample *h = &r->samples[i];
        if (h->used < 0 && h->free < 0 && h->largest_free < 0)
            continue;
        ev_begin(o, "C", TID_GC, "heap", h->time);
        fputs(",\"args\":{", o->f);
        const char *sep = "";
        if (h->used >= 0) {
            fprintf(o->f, "%s\"used\":%" PRId64, sep, h->used);
            sep = ",";
        }
        if (h->free >= 0) {
            fprintf(o->f, "%s\"free\":%" PRId64, sep, h->free);
            sep = ",";
        }
        if (h->largest_free >= 0)
            fprintf(o->f, "%s\"largest_free\":%" PRId64, sep, h->largest_free);
        fputs("}}", o->f);
    }
}

static void irq_events(JsonOut *o, const Recording *r)
{
    for (size_t i = 0; i < r->nirqs; i++) {
        const RecIrq *q = &r->irqs[i];
        char name[32];
        stats_irq_name(r, q->irq, name, sizeof name);
        ev_begin(o, "i", TID_IRQ, name, q->entered);
        fputs(",\"s\":\"t\",\"cat\":\"irq\",\"args\":{\"latency_us\":", o->f);
        json_us(o->f, q->entered >= q->pending ? q->entered - q->pending : 0, o->hz);
        fputs(",\"pending_ts\":", o->f);
        json_us(o->f, q->pending, o->hz);
        if (q->pause >= 0)
            fprintf(o->f, ",\"held_back_by_pause\":%" PRId32, q->pause + 1);
        fputs("}}", o->f);
    }
}

static void instant_events(JsonOut *o, const Recording *r)
{
    for (size_t i = 0; i < r->ninstants; i++) {
        const RecInstant *in = &r->instants[i];
        char kind[sizeof in->kind + 1];
        memcpy(kind, in->kind, sizeof in->kind);
        kind[sizeof in->kind] = '\0';
        ev_begin(o, "i", TID_EVENTS, kind, in->time);
        fputs(",\"s\":\"t\",\"cat\":", o->f);
        json_str(o->f, kind);
        fputs(",\"args\":{\"text\":", o->f);
        json_str(o->f, in->text);
        fputs("}}", o->f);
    }
}

int trace_json_write(const Recording *r, const Image *img, FILE *f)
{
    JsonOut o = {.f = f, .hz = r->run.clock_hz, .first = true};
    const RecRunInfo *ri = &r->run;
    fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"image\":", f);
    json_str(f, ri->image);
    fputs(",\"board\":", f);
    json_str(f, ri->board);
    fputs(",\"runtime\":", f);
    json_str(f, ri->runtime);
    fprintf(f, ",\"clock_hz\":%" PRIu64 ",\"cycles\":%" PRIu64 ",\"partial\":%s,\"heap_basis\":\"%s\"},"
               "\"traceEvents\":[",
            ri->clock_hz, ri->cycles, ri->partial ? "true" : "false", stats_basis_name(stats_heap_basis(r)));

    char pname[512];
    const char *base = ri->image ? strrchr(ri->image, '/') : NULL;
    snprintf(pname, sizeof pname, "baregc: %s on %s (%s)", base ? base + 1 : (ri->image ? ri->image : "?"),
             ri->board ? ri->board : "?", ri->runtime ? ri->runtime : "?");
    meta(&o, "process_name", 0, pname);
    meta(&o, "thread_name", TID_GC, "GC");
    meta(&o, "thread_name", TID_IRQ, "interrupts");
    meta(&o, "thread_name", TID_EVENTS, "events");
    pause_events(&o, r, img);
    heap_events(&o, r);
    irq_events(&o, r);
    instant_events(&o, r);
    fputs("\n]}\n", f);
    return ferror(f) ? -1 : 0;
}
