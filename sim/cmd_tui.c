/* cmd_tui.c: `baregc tui`: run a firmware image under a live ncurses view, or replay a recorded run (--from DIR). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/cmd.h"
#include "sim/exitcode.h"
#include "sim/machine.h"
#include "sim/session.h"
#include "base/stopsig.h"
#include "base/util.h"
#include "traces/budget.h"
#include "traces/stats.h"
#include "traces/traces.h"
#include "ui/tui.h"
#include "ui/tui_model.h"

#define REFRESH_S 0.1       /* seconds between redraws while the simulation runs */
#define KEY_POLL_S 0.02     /* seconds between key polls while it runs */
#define DRAW_SHARE 20       /* a redraw may take at most 1/DRAW_SHARE of the time */
#define TICKS_PER_SIM_S 2000 /* front-end ticks per simulated second */

typedef struct TuiOpts {
    SessionOptions so;
    const char *budget_file; /* --budget FILE */
    const char *from;        /* --from DIR */
    bool exit_at_end;        /* --exit-at-end */
    bool start_paused;       /* --start-paused */
} TuiOpts;

static void tui_usage(FILE *out)
{
    fprintf(out,
            "Usage: baregc tui FIRMWARE.elf [OPTIONS]\n"
            "       baregc tui --from DIR [--budget FILE]\n\n"
            "Run a firmware image under a live terminal view: the pause timeline, heap use\n"
            "against the SRAM limit, statistics, the top allocation sites and the UART\n"
            "console. --from replays a run recorded with `baregc run --out DIR`.\n\n"
            "Keys: space pause/resume, n run to the end of the next collection, g run until a\n"
            "pause longer than the budget, +/- zoom the time axis, arrows select a collection\n"
            "or scroll, tab move the focus, ? help, q quit.\n\n"
            "Options (and those of `baregc run`; the UART goes to the view, not stdout):\n"
            "  --budget FILE        a budget file (as for baregc check): its max_pause_us draws the\n"
            "                       budget line and is what g runs to\n"
            "  --from DIR           replay DIR/record.json instead of running\n"
            "  --exit-at-end        quit when the firmware ends (instead of waiting for q)\n"
            "  --start-paused       wait for a key (space, n, g) before the first instruction\n");
    session_usage(out);
    fprintf(out, "  --help               this text\n\n"
                 "NO_COLOR in the environment turns colours off. The exit status is the run's (see\n"
                 "`baregc run --help`); quitting before the end counts as interrupted (%d).\n",
            EXIT_INTERRUPTED);
}

static int parse_args(TuiOpts *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r = session_parse_option(&o->so, "tui", argc, argv, &i);
        if (r < 0)
            return -1;
        if (r > 0)
            continue;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            tui_usage(stdout);
            return 1;
        } else if (!strcmp(a, "--budget") || !strcmp(a, "--from")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "baregc tui: %s needs a value\n", a);
                return -1;
            }
            *(a[2] == 'b' ? &o->budget_file : &o->from) = argv[++i];
        } else if (!strncmp(a, "--budget=", 9)) {
            o->budget_file = a + 9;
        } else if (!strncmp(a, "--from=", 7)) {
            o->from = a + 7;
        } else if (!strcmp(a, "--exit-at-end")) {
            o->exit_at_end = true;
        } else if (!strcmp(a, "--start-paused")) {
            o->start_paused = true;
        } else if (a[0] == '-' && a[1]) {
            cmd_unknown_option(&cmd_tui, a);
            return -1;
        } else if (!o->so.elf) {
            o->so.elf = a;
        } else {
            fprintf(stderr, "baregc tui: more than one firmware image given ('%s' and '%s')\n", o->so.elf, a);
            return -1;
        }
    }
    if (!o->so.elf == !o->from) {
        fprintf(stderr, "baregc tui: give a firmware image or --from DIR (see baregc tui --help)\n");
        return -1;
    }
    return 0;
}

/* max_pause_us of a budget file (traces/budget.h), in us: 0 when it sets none, -1
 * (message printed) on error. */
static double read_budget_us(const char *path)
{
    char *err = NULL;
    Budget *b = budget_load(path, &err);
    if (!b) {
        fprintf(stderr, "baregc tui: --budget: %s\n", err);
        free(err);
        return -1;
    }
    double us = b->has[BUDGET_MAX_PAUSE] ? b->limit[BUDGET_MAX_PAUSE] : 0;
    if (us <= 0)
        fprintf(stderr, "baregc tui: note: %s sets no max_pause_us: no budget line\n", path);
    budget_free(b);
    return us;
}

static double host_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- live ---- */

typedef struct Live {
    Session *s;
    Machine *m;
    Tui *tui;
    TuiModel model;
    bool paused, quit, stop_next, until_budget;
    double last_draw, last_keys, draw_interval; /* host seconds */
    double speed_host;   /* host seconds at the speed baseline */
    uint64_t speed_sim;  /* cycles at the speed baseline */
    double speed;        /* x real time, < 0 unknown */
} Live;

static const char *name_function(void *opaque, uint32_t addr, char *buf, size_t n)
{
    return traces_addr_text(opaque, addr, true, "\n", buf, n);
}

static void live_refresh(Live *l, TuiState state)
{
    double t = host_now();
    uint64_t now = sched_now(machine_sched(l->m));
    uint64_t hz = session_board(l->s)->clock_hz;
    if (state == TUI_RUNNING && t > l->speed_host && now >= l->speed_sim && hz) {
        if (t - l->speed_host >= 0.25) {
            l->speed = (double)(now - l->speed_sim) / (double)hz / (t - l->speed_host);
            l->speed_host = t;
            l->speed_sim = now;
        }
    }
    TuiLive lv = {.state = state, .now = now, .speed = l->speed, .uart_partial = session_uart_partial(l->s)};
    tui_model_update(&l->model, session_recording(l->s), &lv);
    tui_draw(l->tui);
    double done = host_now();
    /* Slow redraws (a huge recording) come less often: at most 1/DRAW_SHARE of the time. */
    l->draw_interval = (done - t) * DRAW_SHARE > REFRESH_S ? (done - t) * DRAW_SHARE : REFRESH_S;
    l->last_draw = done;
}

static void live_requests(Live *l, int req)
{
    if (req & TUI_REQ_QUIT) {
        l->quit = true;
        l->paused = false;
        session_interrupt(l->s);
    }
    if (req & TUI_REQ_TOGGLE) {
        l->paused = !l->paused;
        l->stop_next = l->until_budget = false;
    }
    if (req & TUI_REQ_NEXT) {
        l->paused = false;
        l->stop_next = true;
        tui_message(l->tui, "running to the end of the next collection");
    }
    if (req & TUI_REQ_BUDGET) {
        if (!l->model.budget) {
            tui_message(l->tui, "g needs a pause budget: --budget FILE");
        } else {
            l->paused = false;
            l->until_budget = true;
            tui_message(l->tui, "running until a pause longer than the budget");
        }
    }
}

/* Inside the simulation (a block boundary): block while paused. */
static void live_wait(Live *l)
{
    bool drawn = false;
    while (l->paused && !l->quit && !stopsig_received()) {
        if (!drawn) {
            live_refresh(l, TUI_PAUSED);
            drawn = true;
        }
        int req = tui_key(l->tui, 200);
        live_requests(l, req);
        if (req & TUI_REQ_REDRAW)
            drawn = false;
    }
    /* The time spent paused does not count for the speed. */
    l->speed_host = host_now();
    l->speed_sim = sched_now(machine_sched(l->m));
    if (!l->quit && !stopsig_received())
        live_refresh(l, TUI_RUNNING);
}

static void on_tick(void *opaque)
{
    Live *l = opaque;
    if (stopsig_received() || l->quit) {
        session_interrupt(l->s);
        return;
    }
    double t = host_now();
    if (t - l->last_keys >= KEY_POLL_S) {
        l->last_keys = t;
        int req = tui_key(l->tui, 0);
        live_requests(l, req);
        if (req & TUI_REQ_REDRAW)
            l->last_draw = 0;
    }
    if (l->paused)
        live_wait(l);
    else if (t - l->last_draw >= l->draw_interval)
        live_refresh(l, TUI_RUNNING);
}

static void on_pause_end(void *opaque, size_t pause)
{
    Live *l = opaque;
    const Recording *r = session_recording(l->s);
    if (pause >= r->npauses || l->quit || stopsig_received())
        return;
    const RecPause *p = &r->pauses[pause];
    if (l->stop_next) {
        l->stop_next = false;
        l->paused = true;
        tui_message(l->tui, "paused after collection #%zu", pause + 1);
    } else if (l->until_budget && l->model.budget && p->end - p->start > l->model.budget) {
        char a[32];
        l->until_budget = false;
        l->paused = true;
        tui_message(l->tui, "paused after collection #%zu: %s, over the budget", pause + 1,
                    tui_fmt_cycles(&l->model, p->end - p->start, a, sizeof a));
    }
    if (l->paused)
        live_wait(l);
}

static int run_live(TuiOpts *o, double budget_us)
{
    SessionOptions so = o->so;
    if (so.uart_pty) { /* waiting for its input would hold the view still */
        fprintf(stderr, "baregc tui: --uart pty is not supported: the view shows the console (--uart-in FILE "
                        "feeds it)\n");
        return EXIT_USAGE;
    }
    /* The console is drawn from the recording: keep the UART off the terminal. */
    if (!so.uart_out)
        so.uart_out = "/dev/null";
    if (!so.uart_in)
        so.uart_in = "/dev/null";
    log_set_quiet(so.quiet);
    int rc;
    Session *s = session_open(&so, &rc);
    if (!s)
        return rc;
    Live *l = xcalloc(1, sizeof *l);
    l->s = s;
    l->m = session_machine(s);
    uint64_t hz = session_board(s)->clock_hz;
    tui_model_init(&l->model, budget_us > 0 ? stats_us_to_cycles(budget_us, hz) : 0, name_function,
                   (void *)session_image(s));
    char *err = NULL;
    l->tui = tui_start(&l->model, false, &err);
    if (!l->tui) {
        fprintf(stderr, "baregc tui: %s\n", err);
        free(err);
        tui_model_free(&l->model);
        free(l);
        session_close(s);
        return EXIT_USAGE;
    }
    l->speed = -1;
    l->draw_interval = REFRESH_S;
    l->speed_host = host_now();
    session_on_tick(s, hz / TICKS_PER_SIM_S ? hz / TICKS_PER_SIM_S : 1, on_tick, l);
    session_on_pause_end(s, on_pause_end, l);
    if (o->start_paused) {
        l->paused = true;
        tui_message(l->tui, "paused at reset: space runs, n runs to the end of the next collection");
        live_wait(l);
    } else {
        live_refresh(l, TUI_RUNNING);
    }

    session_run(s);
    rc = session_finish(s); /* --out files; the summary waits in the held stderr */
    bool faulted = rc == EXIT_INTERNAL || (rc >= EXIT_FAULT_MEMORY && rc <= EXIT_DEADLOCK);
    TuiState end = faulted ? TUI_FAULTED : TUI_FINISHED;
    if (!l->quit && !stopsig_received() && !o->exit_at_end) {
        l->paused = false;
        live_refresh(l, end);
        for (;;) {
            int req = tui_key(l->tui, 200);
            if ((req & TUI_REQ_QUIT) || stopsig_received())
                break;
            if (req & TUI_REQ_REDRAW)
                live_refresh(l, end);
        }
    }
    tui_stop(l->tui);
    rc = stopsig_status(rc);
    tui_model_free(&l->model);
    free(l);
    session_close(s);
    return rc;
}

/* ---- replay ---- */

static const char *name_recorded(void *opaque, uint32_t addr, char *buf, size_t n)
{
    return traces_frame_text(opaque, NULL, addr, "\n", buf, n);
}

static int run_replay(TuiOpts *o, double budget_us)
{
    char *err = NULL;
    Recording *r = record_json_load(o->from, &err);
    if (!r) {
        fprintf(stderr, "baregc tui: %s\n", err);
        free(err);
        return EXIT_NO_INPUT;
    }
    TuiModel model;
    tui_model_init(&model, budget_us > 0 ? stats_us_to_cycles(budget_us, r->run.clock_hz) : 0, name_recorded, r);
    TuiLive lv = {.state = TUI_REPLAY, .now = r->run.cycles, .speed = -1};
    tui_model_update(&model, r, &lv);
    Tui *t = tui_start(&model, true, &err);
    if (!t) {
        fprintf(stderr, "baregc tui: %s\n", err);
        free(err);
        tui_model_free(&model);
        rec_free(r);
        return EXIT_USAGE;
    }
    tui_draw(t);
    while (!stopsig_received()) {
        int req = tui_key(t, 200);
        if (req & TUI_REQ_QUIT)
            break;
        if (req & TUI_REQ_REDRAW)
            tui_draw(t);
    }
    tui_stop(t);
    tui_model_free(&model);
    rec_free(r);
    return stopsig_status(EXIT_OK);
}

static int tui_exec(int argc, char **argv)
{
    TuiOpts o = {0};
    int r = parse_args(&o, argc, argv);
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    if (!tui_available()) {
        fprintf(stderr, "baregc tui: built without ncurses (install libncurses-dev and reconfigure)\n");
        return EXIT_USAGE;
    }
    double budget_us = 0;
    if (o.budget_file && (budget_us = read_budget_us(o.budget_file)) < 0)
        return EXIT_NO_INPUT;
    stopsig_catch(); /* before the terminal is taken: curses then leaves the signals alone */
    stopsig_on_abandon(tui_restore_terminal);
    return o.from ? run_replay(&o, budget_us) : run_live(&o, budget_us);
}

const Command cmd_tui = {
    .name = "tui",
    .summary = "run a firmware image under a live terminal view (or replay one: --from DIR)",
    .exec = tui_exec,
    .usage = tui_usage,
};
