/* cmd_view.c: `baregc view`: the heap map of a run, live in an SDL2 window or replayed
 * from a recorded run (--from DIR), or exported headless as a PNG (--png). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "sim/cmd.h"
#include "sim/exitcode.h"
#include "sim/session.h"
#include "base/outfile.h"
#include "base/stopsig.h"
#include "base/util.h"
#include "traces/traces.h"
#include "ui/heapmap.h"
#include "ui/png.h"
#include "ui/view.h"

#define VIEW_W 1280 /* pixels: default window / image size */
#define VIEW_H 800

typedef struct ViewArgs {
    SessionOptions so;
    const char *from;       /* --from DIR */
    const char *png;        /* --png FILE */
    const char *dump_map;   /* --dump-map FILE */
    const char *screenshot; /* --screenshot FILE */
    long at;                /* --at N: collection number from 1; 0 = the last */
    int width, height;      /* pixels */
    bool exit_at_end;
} ViewArgs;

static void view_usage(FILE *out)
{
    fprintf(out,
            "Usage: baregc view FIRMWARE.elf [OPTIONS]\n"
            "       baregc view --from DIR [OPTIONS]\n\n"
            "The heap map: SRAM as a grid of cells in address order (.data/.bss, the stack with\n"
            "its high-water mark, the GC heap block by block: free, allocated, marked in the\n"
            "current collection, freed by this collection), a timeline of pauses and heap use\n"
            "with a scrubber, a tooltip with the address, size, age and allocation site of the\n"
            "block under the mouse, and a legend. With FIRMWARE.elf the window follows the run\n"
            "live and stays open for replay when it ends; --from DIR replays a run recorded with\n"
            "`baregc run --out DIR` (its record.json).\n\n"
            "Options:\n"
            "  --from DIR           replay the recording in DIR instead of running firmware\n"
            "  --png FILE           no window: run to the end (or load --from) and write the heap\n"
            "                       map at collection --at as a PNG (needs no display, no SDL)\n"
            "  --at N               the collection to show, numbered from 1 as in gctrace.log\n"
            "                       (default: the last)\n"
            "  --size WxH           image / window size in pixels (default %dx%d)\n"
            "  --dump-map FILE      also write the map as text: one line per cell with its\n"
            "                       address, what it shows and its pixel rectangle\n"
            "  --screenshot FILE    window: save its pixels as a PNG when the run has ended\n"
            "  --exit-at-end        window: close when the run ends (after --screenshot)\n"
            "  --help               this text\n\n"
            "Window keys: left/right (or drag the timeline) move through the collections,\n"
            "home/end the first/last (end follows a live run again), space holds/resumes a live\n"
            "run, q or Escape quits (a live run is interrupted; --out files are still written).\n\n"
            "Run options (with FIRMWARE.elf):\n",
            VIEW_W, VIEW_H);
    session_usage(out);
    fprintf(out, "\nExit status: as `baregc run` (see baregc run --help); %d when --png / --dump-map /\n"
                 "--screenshot cannot be written, %d for a bad --at or no window (built without SDL2,\n"
                 "no display).\n",
            EXIT_IO, EXIT_USAGE);
}

static int view_parse_wxh(const char *s, int *w, int *h)
{
    char *end;
    long a = strtol(s, &end, 10);
    if (end == s || (*end != 'x' && *end != 'X'))
        return -1;
    const char *p = end + 1;
    long b = strtol(p, &end, 10);
    if (end == p || *end || a < 64 || b < 64 || a > 8192 || b > 8192)
        return -1;
    *w = (int)a;
    *h = (int)b;
    return 0;
}

static int parse_args(ViewArgs *a, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        int r = session_parse_option(&a->so, "view", argc, argv, &i);
        if (r < 0)
            return -1;
        if (r > 0)
            continue;
        const char **dst = NULL;
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            view_usage(stdout);
            return 1;
        } else if (!strcmp(s, "--from")) {
            dst = &a->from;
        } else if (!strcmp(s, "--png")) {
            dst = &a->png;
        } else if (!strcmp(s, "--dump-map")) {
            dst = &a->dump_map;
        } else if (!strcmp(s, "--screenshot")) {
            dst = &a->screenshot;
        } else if (!strcmp(s, "--exit-at-end")) {
            a->exit_at_end = true;
            continue;
        } else if (!strcmp(s, "--at") || !strcmp(s, "--size")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "baregc view: %s needs a value\n", s);
                return -1;
            }
            const char *val = argv[++i];
            if (!strcmp(s, "--at")) {
                char *end;
                errno = 0;
                long n = strtol(val, &end, 10);
                if (end == val || *end || errno || n < 1) {
                    fprintf(stderr, "baregc view: --at %s: wanted a collection number from 1\n", val);
                    return -1;
                }
                a->at = n;
            } else if (view_parse_wxh(val, &a->width, &a->height) < 0) {
                fprintf(stderr, "baregc view: --size %s: wanted WIDTHxHEIGHT, 64..8192 each\n", val);
                return -1;
            }
            continue;
        } else if (s[0] == '-' && s[1]) {
            cmd_unknown_option(&cmd_view, s);
            return -1;
        } else if (!a->so.elf) {
            a->so.elf = s;
            continue;
        } else {
            fprintf(stderr, "baregc view: more than one firmware image given ('%s' and '%s')\n", a->so.elf, s);
            return -1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "baregc view: %s needs a value\n", s);
            return -1;
        }
        *dst = argv[++i];
    }
    if (!a->so.elf == !a->from) {
        fprintf(stderr, "baregc view: give either a firmware image or --from DIR (see baregc view --help)\n");
        return -1;
    }
    if (a->png && (a->screenshot || a->exit_at_end)) {
        fprintf(stderr, "baregc view: --png opens no window: --screenshot and --exit-at-end do not apply\n");
        return -1;
    }
    return 0;
}

/* ---- headless: PNG and text dump ---- */

static const char *cell_key(HeapMapColor c)
{
    switch (c) {
    case HM_UNUSED: return "unused";
    case HM_STATIC: return "static";
    case HM_STACK: return "stack";
    case HM_STACK_USED: return "stack-used";
    case HM_HEAP: return "heap";
    case HM_FREE: return "free";
    case HM_ALLOCATED: return "allocated";
    case HM_MARKED: return "marked";
    case HM_FREED: return "freed";
    default: return "other";
    }
}

/* The selected pause (index) for --at, or -1 when there is none; *bad set when --at
 * asks for a collection the recording does not have. */
static long pick_pause(const Recording *r, long at, bool *bad)
{
    *bad = false;
    if (!r->npauses) {
        *bad = at > 0;
        return -1;
    }
    if (at > (long)r->npauses) {
        *bad = true;
        return -1;
    }
    return at > 0 ? at - 1 : (long)r->npauses - 1;
}

static void dump_cell(void *opaque, uint32_t addr, HeapMapColor col, HeapMapRect rc, bool head)
{
    (void)head;
    fprintf(opaque, "cell 0x%08x %s %d %d %d %d\n", addr, cell_key(col), rc.x, rc.y, rc.w, rc.h);
}

typedef struct Dump {
    const HeapMapLayout *l;
    const Recording *r;
    const HeapMapView *v;
} Dump;

/* The --dump-map text onto f (an OutFileWriter). */
static int dump_map(void *ctx, FILE *f, char **err)
{
    const HeapMapLayout *l = ((const Dump *)ctx)->l;
    const Recording *r = ((const Dump *)ctx)->r;
    const HeapMapView *v = ((const Dump *)ctx)->v;
    (void)err;
    fprintf(f, "# baregc view --dump-map: the heap map as drawn in a %dx%d image\n", l->width, l->height);
    fprintf(f, "# cell ADDRESS KIND X Y W H (pixels); colour KIND RRGGBB; stack-mark ADDRESS X Y W H\n");
    fprintf(f, "size %d %d\n", l->width, l->height);
    fprintf(f, "collection %ld of %zu\n", v->pause + 1, r->npauses);
    if (v->pause >= 0 && (size_t)v->pause < r->npauses)
        fprintf(f, "heap_after %lld\n", (long long)r->pauses[v->pause].heap_after);
    fprintf(f, "cell_bytes %u\nrange 0x%08x 0x%08x\nsram_hidden %u\n", l->cell_bytes, l->first, l->end, l->sram_hidden);
    static const HeapMapColor kinds[] = {HM_UNUSED, HM_STATIC, HM_STACK, HM_STACK_USED, HM_HEAP,
                                         HM_FREE,   HM_ALLOCATED, HM_MARKED, HM_FREED};
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
        fprintf(f, "colour %s %06x\n", cell_key(kinds[i]), heapmap_color(kinds[i]));
    fprintf(f, "colour stack-mark %06x\n", heapmap_color(HM_STACK_MARK));
    uint32_t low = v->stack_low ? v->stack_low : r->run.stack_low;
    HeapMapRect mark;
    if (r->run.stack_top && low && heapmap_addr_rect(l, low, &mark))
        fprintf(f, "stack-mark 0x%08x %d %d %d %d\n", low, mark.x, mark.y, heapmap_mark_width(l), mark.h);
    heapmap_each_cell(l, r, v, dump_cell, f);
    return 0;
}

static int write_dump(const char *path, const HeapMapLayout *l, const Recording *r, const HeapMapView *v, char **err)
{
    return outfile_write(path, dump_map, &(Dump){l, r, v}, err);
}

/* --png / --dump-map of a finished recording. Returns 0 or an exit status. */
static int export_headless(const ViewArgs *a, const Recording *r)
{
    bool bad;
    long pause = pick_pause(r, a->at, &bad);
    if (bad) {
        fprintf(stderr, "baregc view: --at %ld: the run has %zu collections\n", a->at, r->npauses);
        return EXIT_USAGE;
    }
    HeapMapLayout l;
    heapmap_layout_default(&l, a->width, a->height);
    char *err = NULL;
    if (heapmap_layout(&l, r, &err) < 0) {
        fprintf(stderr, "baregc view: %s\n", err);
        free(err);
        return EXIT_USAGE;
    }
    HeapMapView v = {.pause = pause};
    int rc = 0;
    if (a->png) {
        uint8_t *px = xmalloc((size_t)l.width * (size_t)l.height * 4);
        heapmap_render(&l, r, &v, px);
        heapmap_render_text(&l, r, &v, px);
        if (png_write_rgba(a->png, px, l.width, l.height, (size_t)l.width * 4, &err) < 0)
            rc = EXIT_IO;
        free(px);
    }
    if (!rc && a->dump_map && write_dump(a->dump_map, &l, r, &v, &err) < 0)
        rc = EXIT_IO;
    if (rc) {
        fprintf(stderr, "baregc view: %s\n", err);
        free(err);
    }
    return rc;
}

/* ---- the window ---- */

typedef struct Live {
    Session *s;
    View *v;
    bool quit;
} Live;

static void live_tick(void *opaque)
{
    Live *lv = opaque;
    if (lv->quit)
        return;
    Machine *m = session_machine(lv->s);
    uint32_t low = cpu_min_sp(machine_cpu(m));
    view_live_update(lv->v, machine_sched(m)->now, low == UINT32_MAX ? 0 : low);
    if (!view_poll(lv->v)) {
        lv->quit = true;
        session_interrupt(lv->s);
    }
}

static void live_pause_end(void *opaque, size_t pause)
{
    (void)pause;
    live_tick(opaque);
}

/* After the run (or for --from): screenshot, then replay until closed. */
static int window_after(const ViewArgs *a, View *v, bool quit)
{
    int rc = 0;
    if (a->screenshot && !quit) {
        char *err = NULL;
        if (view_screenshot(v, a->screenshot, &err) < 0) {
            fprintf(stderr, "baregc view: %s\n", err);
            free(err);
            rc = EXIT_IO;
        }
    }
    if (!a->exit_at_end && !quit)
        view_loop(v);
    return rc;
}

static ViewOptions window_options(const ViewArgs *a, const char *title)
{
    return (ViewOptions){.width = a->width, .height = a->height, .title = title, .no_hover = a->screenshot != NULL};
}

static int view_exec(int argc, char **argv)
{
    ViewArgs a = {.width = VIEW_W, .height = VIEW_H};
    int r = parse_args(&a, argc, argv);
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    log_set_quiet(a.so.quiet);
    stopsig_catch(); /* before SDL: it then leaves SIGINT and SIGTERM to us */
    /* --png, or --dump-map without a window to screenshot: no window, no SDL */
    bool headless = a.png != NULL || (a.dump_map != NULL && a.screenshot == NULL);
    if (!headless && !view_available()) {
        char *err = NULL;
        view_open(&(ViewOptions){0}, NULL, NULL, &err);
        fprintf(stderr, "baregc view: %s\n", err);
        free(err);
        return EXIT_USAGE;
    }

    if (a.from) {
        char *err = NULL;
        Recording *rec = record_json_load(a.from, &err);
        if (!rec) {
            fprintf(stderr, "baregc view: %s\n", err);
            free(err);
            return EXIT_NO_INPUT;
        }
        int rc;
        if (headless) {
            rc = export_headless(&a, rec);
        } else {
            bool bad;
            long pause = pick_pause(rec, a.at, &bad);
            if (bad) {
                fprintf(stderr, "baregc view: --at %ld: the run has %zu collections\n", a.at, rec->npauses);
                rec_free(rec);
                return EXIT_USAGE;
            }
            char *title = xasprintf("baregc view: %s (replay of %s)", rec->run.image ? rec->run.image : "?", a.from);
            ViewOptions vo = window_options(&a, title);
            View *v = view_open(&vo, rec, NULL, &err);
            free(title);
            if (!v) {
                fprintf(stderr, "baregc view: %s\n", err);
                free(err);
                rec_free(rec);
                return EXIT_USAGE;
            }
            view_select(v, pause);
            rc = a.dump_map ? export_headless(&a, rec) : 0;
            int wrc = window_after(&a, v, false);
            rc = rc ? rc : wrc;
            view_close(v);
        }
        rec_free(rec);
        return stopsig_status(rc);
    }

    int rc;
    Session *s = session_open(&a.so, &rc);
    if (!s)
        return rc;
    View *v = NULL;
    Live lv = {.s = s};
    if (!headless) {
        char *err = NULL;
        char *title = xasprintf("baregc view: %s", a.so.elf);
        ViewOptions vo = window_options(&a, title);
        v = view_open(&vo, session_recording(s), session_image(s), &err);
        free(title);
        if (!v) {
            fprintf(stderr, "baregc view: %s\n", err);
            free(err);
            session_close(s);
            return EXIT_USAGE;
        }
        lv.v = v;
        uint64_t hz = session_recording(s)->run.clock_hz;
        session_on_tick(s, hz >= 1000 ? hz / 1000 : 1, live_tick, &lv); /* every 1 ms simulated */
        session_on_pause_end(s, live_pause_end, &lv);
    }
    session_run(s);
    rc = session_finish(s);
    const Recording *rec = session_recording(s);
    if (headless) {
        int erc = export_headless(&a, rec);
        if (erc && (rc == EXIT_OK || erc == EXIT_IO))
            rc = erc;
    } else {
        view_live_end(v);
        bool bad;
        long pause = pick_pause(rec, a.at, &bad);
        if (bad)
            fprintf(stderr, "baregc view: --at %ld: the run has %zu collections\n", a.at, rec->npauses);
        else if (a.at)
            view_select(v, pause);
        if (a.dump_map && !bad) {
            int erc = export_headless(&a, rec);
            if (erc && rc == EXIT_OK)
                rc = erc;
        }
        int wrc = window_after(&a, v, lv.quit);
        if (wrc && rc == EXIT_OK)
            rc = wrc;
        view_close(v);
    }
    session_close(s);
    return stopsig_status(rc);
}

const Command cmd_view = {
    .name = "view",
    .summary = "the heap map in a window (SDL2), live or replayed (--from), or as a PNG (--png)",
    .exec = view_exec,
    .usage = view_usage,
};
