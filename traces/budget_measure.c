/* budget_measure.c: the measured values a budget is held against, from a run's
 * Recording: the live run's, or a recorded run's loaded from its record.json. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "traces/budget.h"
#include "traces/traces.h"

static void set_value(Measured *m, BudgetKey k, double v)
{
    m->known[k] = true;
    m->value[k] = v;
}

/* A headroom in bytes, or unknown with the reason stats gives. */
static void set_bytes(Measured *m, BudgetKey k, int64_t v, const char *why)
{
    if (v != REC_UNKNOWN)
        set_value(m, k, (double)v);
    else if (why[0])
        m->why[k] = xstrdup(why);
}

static double us_of(uint64_t cycles, uint64_t hz)
{
    /* The same conversion as summary.json. */
    return (double)stats_cycles_to_ns(cycles, hz) / 1000.0;
}

static const char *trigger_name(RecTrigger t)
{
    switch (t) {
    case REC_TRIGGER_EXPLICIT: return "explicit";
    case REC_TRIGGER_ALLOC: return "alloc";
    default: return "unknown";
    }
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

void measured_from_recording(Measured *m, const Recording *r, const Stats *s, const Image *img, const Budget *b)
{
    memset(m, 0, sizeof *m);
    const RecRunInfo *ri = &r->run;
    uint64_t hz = ri->clock_hz;
    m->exit_code = ri->exit_code;
    m->exit_reason = dup_or_null(ri->exit_reason);
    m->partial = ri->partial;
    m->image = dup_or_null(ri->image);
    m->board = dup_or_null(ri->board);
    m->runtime = dup_or_null(ri->runtime);
    m->seconds = (double)stats_cycles_to_ns(ri->cycles, hz) / 1e9;

    set_value(m, BUDGET_MAX_PAUSE, s->npauses ? us_of(s->pause_max, hz) : 0);
    set_value(m, BUDGET_P99_PAUSE, s->npauses ? us_of(s->p99, hz) : 0);
    set_value(m, BUDGET_P999_PAUSE, s->npauses ? us_of(s->p999, hz) : 0);
    set_value(m, BUDGET_MEAN_PAUSE, s->npauses ? s->pause_mean * 1e6 / (double)(hz ? hz : 1000000) : 0);
    set_value(m, BUDGET_GC_CPU_FRACTION, s->gc_cpu_fraction);
    if (s->peak_heap >= 0)
        set_value(m, BUDGET_PEAK_HEAP, (double)s->peak_heap);
    set_bytes(m, BUDGET_SRAM_HEADROOM, s->min_sram_headroom, s->sram_headroom_why);
    set_bytes(m, BUDGET_STACK_HEADROOM, s->stack_headroom, s->stack_headroom_why);
    if (s->worst_frag >= 0)
        set_value(m, BUDGET_FRAGMENTATION, s->worst_frag);
    set_value(m, BUDGET_ALLOC_FAILURES, (double)r->alloc_failures);
    set_value(m, BUDGET_MIN_PAUSES, (double)s->npauses);

    m->nmmu = b ? b->nmmu : 0;
    m->mmu = m->nmmu ? xcalloc(m->nmmu, sizeof *m->mmu) : NULL;
    if (m->nmmu) {
        size_t nspans;
        StatsSpan *spans = stats_pause_spans(r, &nspans);
        for (size_t i = 0; i < m->nmmu; i++)
            m->mmu[i] = stats_mmu(spans, nspans, ri->cycles, stats_us_to_cycles(b->mmu[i].window_us, hz));
        free(spans);
    }

    if (s->longest_pause >= 0 && (size_t)s->longest_pause < r->npauses) {
        const RecPause *p = &r->pauses[s->longest_pause];
        m->worst_pause = (uint64_t)s->longest_pause + 1;
        m->worst_pause_time_known = true;
        m->worst_pause_start_ns = stats_cycles_to_ns(p->start, hz);
        m->worst_pause_us = m->value[BUDGET_MAX_PAUSE];
        m->worst_trigger = xstrdup(trigger_name(p->trigger));
        size_t n;
        const uint32_t *fr = rec_stack_frames(r, p->stack, &n);
        /* As record.json names them, so a recorded run reads the same; a frame with
         * functions inlined at it gives a line to each (traces_frame_text). */
        for (size_t k = 0; k < n && m->nframes < MEASURED_MAX_FRAMES; k++) {
            char buf[1024];
            traces_frame_text(r, img, fr[k], "\n", buf, sizeof buf);
            for (char *lv = buf, *nl; lv && m->nframes < MEASURED_MAX_FRAMES; lv = nl ? nl + 1 : NULL) {
                nl = strchr(lv, '\n');
                if (nl)
                    *nl = '\0';
                m->frames[m->nframes++] = xstrdup(lv);
            }
        }
        if (!n)
            m->stack_note = "no trigger stack recorded";
    }
}

Recording *recorded_run_load(const char *dir, char **err)
{
    Recording *r = record_json_load(dir, err);
    if (!r) {
        char *path = xasprintf("%s/record.json", dir);
        if (access(path, F_OK) != 0 && errno == ENOENT) /* replaces the loader's "cannot open" */
            set_err(err, "%s: not found: a recorded run is read from the record.json and %s that "
                         "`baregc run --out DIR` writes",
                    path, RECORD_EVENTS_FILE);
        free(path);
    }
    return r;
}

int measured_from_dir(Measured *m, const char *dir, const Budget *b, char **err)
{
    memset(m, 0, sizeof *m);
    Recording *r = recorded_run_load(dir, err);
    if (!r)
        return -1;
    Stats s;
    stats_compute(r, &s);
    measured_from_recording(m, r, &s, NULL, b);
    stats_free(&s);
    rec_free(r);
    return 0;
}

void measured_free(Measured *m)
{
    if (!m)
        return;
    free(m->mmu);
    free(m->exit_reason);
    free(m->image);
    free(m->board);
    free(m->runtime);
    free(m->worst_trigger);
    for (size_t i = 0; i < m->nframes; i++)
        free(m->frames[i]);
    for (size_t k = 0; k < BUDGET__COUNT; k++)
        free(m->why[k]);
    memset(m, 0, sizeof *m);
}

bool measured_run_ok(const Measured *m, char *why, size_t n)
{
    const char *r = m->exit_reason ? m->exit_reason : "?";
    if (m->partial)
        snprintf(why, n, "the run was interrupted (the recording is partial)");
    else if (!strcmp(r, "timeout"))
        return true;
    else if (strcmp(r, "exit") && strcmp(r, "reset"))
        snprintf(why, n, "the firmware stopped: %s (exit status %d)", r, m->exit_code);
    else if (m->exit_code != 0)
        snprintf(why, n, "the firmware exited with status %d", m->exit_code);
    else
        return true;
    return false;
}
