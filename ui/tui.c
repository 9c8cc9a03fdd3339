/* tui.c: the ncurses views of `baregc tui` (header, pause timeline, statistics, heap, allocation sites, UART) and its keys. */
#include "config.h"

#include <curses.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "ui/tui.h"

enum { FOCUS_TIMELINE, FOCUS_HEAP, FOCUS_UART, FOCUS_SITES, FOCUS_COUNT };
static const char *const focus_names[FOCUS_COUNT] = {"pauses", "heap", "uart", "sites"};

enum { PAIR_BAR = 1, PAIR_OVER, PAIR_BUDGET, PAIR_TITLE, PAIR_USED, PAIR_FREE, PAIR_STATE };

#define STATS_W 30   /* columns of the right-hand panels */
#define MIN_COLS 60
#define MIN_LINES 16

struct Tui {
    const TuiModel *m;
    bool replay;
    bool color;
    int focus;
    bool help;
    char msg[160];
    uint64_t span;      /* cycles across the time axis; 0 = the whole run */
    uint64_t t0;        /* cycles: left edge when not following */
    bool follow;        /* the right edge stays at `now` */
    long cursor;        /* the selected collection, -1 = the latest */
    size_t uart_back;   /* console lines scrolled back from the bottom */
    size_t sites_top;   /* first site shown */
    int plot_cols;      /* columns of the time axis at the last draw */
};

bool tui_available(void) { return true; }

/* ---- terminal ownership: restore on exit, on fatal signals ---- */

static volatile sig_atomic_t curses_active;
static int saved_stderr = -1;
static FILE *held_stderr;

void tui_restore_terminal(void)
{
    if (curses_active) {
        curses_active = 0;
        endwin();
    }
    if (saved_stderr >= 0) {
        dup2(saved_stderr, STDERR_FILENO);
        close(saved_stderr);
        saved_stderr = -1;
    }
}

static void on_fatal(int sig)
{
    tui_restore_terminal();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void restore_at_exit(void)
{
    tui_restore_terminal();
}

Tui *tui_start(const TuiModel *m, bool replay, char **err)
{
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        set_err(err, "the TUI needs a terminal on stdin and stdout");
        return NULL;
    }
    static bool hooked;
    if (!hooked) {
        atexit(restore_at_exit);
        hooked = true;
    }
    static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGABRT};
    for (size_t i = 0; i < ARRAY_SIZE(fatal); i++)
        signal(fatal[i], on_fatal);

    /* Hold stderr (log messages, the run summary) until the screen is given back. */
    fflush(stderr);
    held_stderr = tmpfile();
    if (held_stderr) {
        saved_stderr = dup(STDERR_FILENO);
        dup2(fileno(held_stderr), STDERR_FILENO);
    }
    if (!initscr()) {
        tui_restore_terminal();
        set_err(err, "cannot initialise the terminal (TERM=%s)", getenv("TERM") ? getenv("TERM") : "");
        return NULL;
    }
    curses_active = 1;
    cbreak();   /* keys at once; Ctrl-C still raises SIGINT */
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);

    Tui *t = xcalloc(1, sizeof *t);
    t->m = m;
    t->replay = replay;
    t->follow = true;
    t->cursor = -1;
    const char *nc = getenv("NO_COLOR");
    t->color = has_colors() && !(nc && *nc);
    if (t->color) {
        start_color();
        use_default_colors();
        init_pair(PAIR_BAR, COLOR_GREEN, -1);
        init_pair(PAIR_OVER, COLOR_RED, -1);
        init_pair(PAIR_BUDGET, COLOR_YELLOW, -1);
        init_pair(PAIR_TITLE, COLOR_CYAN, -1);
        init_pair(PAIR_USED, COLOR_BLUE, -1);
        init_pair(PAIR_FREE, COLOR_GREEN, -1);
        init_pair(PAIR_STATE, COLOR_YELLOW, -1);
    }
    return t;
}

void tui_stop(Tui *t)
{
    if (!t)
        return;
    tui_restore_terminal();
    if (held_stderr) {
        /* Replay what was written to stderr meanwhile. */
        fflush(held_stderr);
        rewind(held_stderr);
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, held_stderr)) > 0)
            fwrite(buf, 1, n, stderr);
        fclose(held_stderr);
        held_stderr = NULL;
    }
    free(t);
}

void tui_message(Tui *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->msg, sizeof t->msg, fmt, ap);
    va_end(ap);
}

/* ---- drawing helpers ---- */

static void style_on(const Tui *t, int pair, attr_t extra)
{
    attr_t a = extra;
    if (t->color && pair)
        a |= COLOR_PAIR(pair);
    attron(a);
}

static void style_off(const Tui *t, int pair, attr_t extra)
{
    attr_t a = extra;
    if (t->color && pair)
        a |= COLOR_PAIR(pair);
    attroff(a);
}

/* Text at (y, x), cut to w columns; control characters shown as '?'. */
static void put(int y, int x, int w, const char *s)
{
    if (w <= 0 || y < 0 || y >= LINES)
        return;
    move(y, x);
    for (int i = 0; i < w && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        addch(c < 0x20 || c >= 0x7f ? '?' : c);
    }
}

static void putf(int y, int x, int w, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void putf(int y, int x, int w, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    put(y, x, w, buf);
}

/* A panel title "-- text ---...", reversed when the panel has the focus. */
static void title(const Tui *t, int y, int x, int w, const char *text, bool focused)
{
    if (w <= 0)
        return;
    move(y, x);
    for (int i = 0; i < w; i++)
        addch('-');
    style_on(t, PAIR_TITLE, focused ? A_REVERSE | A_BOLD : A_BOLD);
    putf(y, x + 1, w - 2, " %s ", text);
    style_off(t, PAIR_TITLE, focused ? A_REVERSE | A_BOLD : A_BOLD);
}

static const char *basename_of(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* The visible time axis: [t0, t0 + span), per_col cycles per column. */
static void time_axis(Tui *t, int cols, uint64_t *t0, uint64_t *per_col)
{
    const TuiModel *m = t->m;
    uint64_t now = m->now ? m->now : 1;
    uint64_t span = t->span && t->span < now ? t->span : now;
    if (cols < 1)
        cols = 1;
    uint64_t pc = (span + (uint64_t)cols - 1) / (uint64_t)cols;
    if (!pc)
        pc = 1;
    span = pc * (uint64_t)cols;
    uint64_t start;
    if (!t->span || t->span >= now)
        start = 0;
    else if (t->follow)
        start = now > span ? now - span : 0;
    else
        start = t->t0;
    /* Keep the selected collection in view. */
    if (t->cursor >= 0 && (size_t)t->cursor < m->npauses) {
        uint64_t s = m->pauses[t->cursor].start;
        if (s < start || s >= start + span) {
            start = s > span / 2 ? s - span / 2 : 0;
            t->t0 = start;
            t->follow = false;
        }
    }
    *t0 = start;
    *per_col = pc;
}

static long selected(const Tui *t)
{
    if (!t->m->npauses)
        return -1;
    if (t->cursor < 0 || (size_t)t->cursor >= t->m->npauses)
        return (long)t->m->npauses - 1;
    return t->cursor;
}

/* ---- the panels ---- */

static void draw_header(Tui *t)
{
    const TuiModel *m = t->m;
    char a[32], b[80];
    style_on(t, 0, A_BOLD);
    putf(0, 0, COLS, "baregc tui  %s  %s %s @ %.3f MHz", basename_of(m->image), m->board, m->core,
         m->clock_hz / 1e6);
    style_off(t, 0, A_BOLD);
    int x = 0;
    putf(1, x, COLS, "sim %s", tui_fmt_cycles(m, m->now, a, sizeof a));
    x = 18;
    if (m->state == TUI_REPLAY)
        putf(1, x, COLS - x, "recorded run");
    else if (m->speed >= 0)
        putf(1, x, COLS - x, "speed %.2fx", m->speed);
    else
        putf(1, x, COLS - x, "speed -");
    x = 36;
    put(1, x, COLS - x, "state: ");
    style_on(t, PAIR_STATE, A_BOLD);
    put(1, x + 7, COLS - x - 7, tui_state_name(m->state));
    style_off(t, PAIR_STATE, A_BOLD);
    if ((m->state == TUI_FINISHED || m->state == TUI_FAULTED) && m->exit_reason[0]) {
        snprintf(b, sizeof b, " (%s)", m->exit_reason);
        put(1, x + 7 + (int)strlen(tui_state_name(m->state)), COLS - x - 20, b);
    }
    if (COLS >= 72)
        putf(1, COLS - 15, 15, "focus: %s", focus_names[t->focus]);
}

static void draw_timeline(Tui *t, int y, int x, int w, int h)
{
    const TuiModel *m = t->m;
    char a[32], b[32], head[128];
    int rows = h - 1, cols = w;
    uint64_t t0, pc;
    time_axis(t, cols, &t0, &pc);
    t->plot_cols = cols;
    uint64_t *col = xcalloc((size_t)cols, sizeof *col);
    uint64_t top = tui_model_columns(m, t0, pc, (size_t)cols, col);
    if (m->budget && m->budget + m->budget / 4 > top)
        top = m->budget + m->budget / 4;
    if (!top)
        top = 1;
    if (m->budget)
        snprintf(head, sizeof head, "Pauses  top %s  budget %s (%zu over)", tui_fmt_cycles(m, top, a, sizeof a),
                 tui_fmt_cycles(m, m->budget, b, sizeof b), m->over_budget);
    else
        snprintf(head, sizeof head, "Pauses  top %s  %s/col", tui_fmt_cycles(m, top, a, sizeof a),
                 tui_fmt_cycles(m, pc, b, sizeof b));
    title(t, y, x, w, head, t->focus == FOCUS_TIMELINE);
    int budget_row = -1; /* rows counted from the bottom, 1-based */
    if (m->budget)
        budget_row = (int)((double)m->budget / (double)top * rows + 0.5);
    long sel = selected(t);
    long sel_col = -1;
    if (sel >= 0 && m->pauses[sel].start >= t0)
        sel_col = (long)((m->pauses[sel].start - t0) / pc);
    for (int c = 0; c < cols; c++) {
        int hgt = 0;
        if (col[c])
            hgt = (int)((double)col[c] / (double)top * rows + 0.999);
        if (col[c] && !hgt)
            hgt = 1;
        if (hgt > rows)
            hgt = rows;
        bool over = m->budget && col[c] > m->budget;
        for (int r = 1; r <= rows; r++) {
            int yy = y + h - r;
            if (r <= hgt) {
                int pair = over ? PAIR_OVER : PAIR_BAR;
                attr_t extra = c == sel_col ? A_REVERSE : 0;
                style_on(t, pair, extra);
                mvaddch(yy, x + c, c == sel_col ? '|' : '#');
                style_off(t, pair, extra);
            } else if (r == budget_row) {
                style_on(t, PAIR_BUDGET, 0);
                mvaddch(yy, x + c, '-');
                style_off(t, PAIR_BUDGET, 0);
            } else if (c == sel_col && r == 1) {
                mvaddch(yy, x + c, '^');
            }
        }
    }
    free(col);
}

static void draw_stats(Tui *t, int y, int x, int w, int h)
{
    const TuiModel *m = t->m;
    char a[32];
    title(t, y, x, w, "Statistics", false);
    int r = y + 1, end = y + h;
    if (r < end) putf(r++, x, w, " collections  %zu", m->count);
    if (r < end) putf(r++, x, w, " max pause    %s", tui_fmt_cycles(m, m->pause_max, a, sizeof a));
    if (r < end) putf(r++, x, w, " p99 pause    %s", tui_fmt_cycles(m, m->p99, a, sizeof a));
    if (r < end) putf(r++, x, w, " GC CPU       %.2f %%", m->gc_cpu * 100);
    if (r < end) {
        if (m->mmu_1ms >= 0) putf(r++, x, w, " MMU 1 ms     %.3f", m->mmu_1ms);
        else putf(r++, x, w, " MMU 1 ms     -");
    }
    if (r < end) {
        if (m->mmu_10ms >= 0) putf(r++, x, w, " MMU 10 ms    %.3f", m->mmu_10ms);
        else putf(r++, x, w, " MMU 10 ms    -");
    }
    if (r < end)
        putf(r++, x, w, " peak heap    %s", m->peak_heap == REC_UNKNOWN ? "-" : tui_fmt_bytes(m->peak_heap, a, sizeof a));
    if (r < end)
        putf(r++, x, w, " headroom     %s", m->headroom == REC_UNKNOWN ? "-" : tui_fmt_bytes(m->headroom, a, sizeof a));
    if (r < end && m->budget)
        putf(r++, x, w, " over budget  %zu", m->over_budget);
    /* what the allocations asked for and what the allocator charged them */
    if (r < end)
        putf(r++, x, w, " requested    %s", tui_fmt_bytes((int64_t)m->alloc_bytes, a, sizeof a));
    if (r < end)
        putf(r++, x, w, " charged      %s", m->alloc_charged < 0 ? "n/a" : tui_fmt_bytes(m->alloc_charged, a, sizeof a));
}

static void draw_heap(Tui *t, int y, int x, int w, int h)
{
    const TuiModel *m = t->m;
    char a[32], b[32], head[128];
    int rows = h - 1, cols = w;
    int64_t limit = m->heap_size ? m->heap_size : m->heap_capacity ? m->heap_capacity : m->sram_size;
    if (limit < m->heap_max)
        limit = m->heap_max;
    if (limit <= 0)
        limit = 1;
    snprintf(head, sizeof head, "Heap (%s) #used -largest  %s / SRAM %s", m->heap_basis,
             tui_fmt_bytes(limit, a, sizeof a), tui_fmt_bytes(m->sram_size, b, sizeof b));
    title(t, y, x, w, head, t->focus == FOCUS_HEAP);
    uint64_t t0, pc;
    time_axis(t, cols, &t0, &pc);
    int64_t *used = xcalloc((size_t)cols, sizeof *used), *lf = xcalloc((size_t)cols, sizeof *lf);
    tui_model_heap_columns(m, t0, pc, (size_t)cols, used, lf);
    for (int c = 0; c < cols; c++) {
        int hu = used[c] < 0 ? 0 : (int)((double)used[c] / (double)limit * rows + 0.5);
        int hl = lf[c] < 0 ? -1 : (int)((double)lf[c] / (double)limit * rows + 0.5);
        if (used[c] > 0 && !hu)
            hu = 1;
        for (int r = 1; r <= rows; r++) {
            int yy = y + h - r;
            if (r <= hu) {
                style_on(t, PAIR_USED, 0);
                mvaddch(yy, x + c, '#');
                style_off(t, PAIR_USED, 0);
            } else if (r == hl) {
                style_on(t, PAIR_FREE, 0);
                mvaddch(yy, x + c, '-');
                style_off(t, PAIR_FREE, 0);
            }
        }
    }
    free(used);
    free(lf);
}

static void draw_sites(Tui *t, int y, int x, int w, int h)
{
    const TuiModel *m = t->m;
    char a[32];
    title(t, y, x, w, "Allocation sites (requested)", t->focus == FOCUS_SITES);
    int rows = h - 1;
    if ((size_t)rows > m->nsites)
        t->sites_top = 0;
    else if (t->sites_top > m->nsites - (size_t)rows)
        t->sites_top = m->nsites - (size_t)rows;
    for (int r = 0; r < rows; r++) {
        size_t i = t->sites_top + (size_t)r;
        if (i >= m->nsites)
            break;
        const TuiSite *s = &m->sites[i];
        tui_fmt_bytes((int64_t)s->bytes, a, sizeof a);
        int nw = w - 12;
        putf(y + 1 + r, x, w, " %-*.*s%10s", nw - 1 > 0 ? nw - 1 : 0, nw - 1 > 0 ? nw - 1 : 0, s->name, a);
    }
    if (!m->nsites)
        put(y + 1, x, w, " (no allocations yet)");
}

static void draw_uart(Tui *t, int y, int x, int w, int h)
{
    const TuiModel *m = t->m;
    char head[64];
    size_t n = tui_model_uart_count(m);
    bool partial = m->uart_partial[0] != 0;
    size_t total = n + (partial ? 1 : 0);
    int rows = h - 1;
    if (t->uart_back + (size_t)rows > total)
        t->uart_back = total > (size_t)rows ? total - (size_t)rows : 0;
    if (t->uart_back)
        snprintf(head, sizeof head, "UART (%zu lines, scrolled back %zu)", m->nuart, t->uart_back);
    else
        snprintf(head, sizeof head, "UART (%zu lines)", m->nuart);
    title(t, y, x, w, head, t->focus == FOCUS_UART);
    size_t last = total - t->uart_back; /* one past the last line shown */
    size_t first = last > (size_t)rows ? last - (size_t)rows : 0;
    for (size_t k = first; k < last; k++) {
        const char *line = k < n ? tui_model_uart_line(m, k) : m->uart_partial;
        put(y + 1 + (int)(k - first), x, w, line ? line : "");
    }
}

static void draw_detail(Tui *t, int y)
{
    const TuiModel *m = t->m;
    long sel = selected(t);
    if (sel < 0) {
        put(y, 0, COLS, "no collections yet");
        return;
    }
    const TuiPause *p = &m->pauses[sel];
    char a[32], b[32], c[32], d[32];
    char heap[96] = "";
    if (p->heap_before != REC_UNKNOWN && p->heap_after != REC_UNKNOWN)
        snprintf(heap, sizeof heap, "  heap %s -> %s", tui_fmt_bytes(p->heap_before, c, sizeof c),
                 tui_fmt_bytes(p->heap_after, d, sizeof d));
    style_on(t, 0, A_BOLD);
    putf(y, 0, COLS, "GC #%ld/%zu%s @%s  %s%s%s", sel + 1, m->npauses, t->cursor < 0 ? "" : "*",
         tui_fmt_cycles(m, p->start, a, sizeof a), tui_fmt_cycles(m, p->end - p->start, b, sizeof b),
         m->budget && p->end - p->start > m->budget ? " OVER BUDGET" : "", heap);
    style_off(t, 0, A_BOLD);
}

static void draw_hint(Tui *t, int y)
{
    if (t->msg[0]) {
        style_on(t, PAIR_STATE, A_BOLD);
        put(y, 0, COLS, t->msg);
        style_off(t, PAIR_STATE, A_BOLD);
    } else if (t->replay) {
        put(y, 0, COLS, "<-/-> collection  +/- zoom  tab focus  ? help  q quit");
    } else {
        put(y, 0, COLS, "spc pause  n next GC  g >budget  +/- zoom  tab focus  ? help  q quit");
    }
}

static void draw_help(Tui *t)
{
    static const char *const lines[] = {
        "Keys",
        "",
        "space    pause / resume the simulation",
        "n        run to the end of the next collection",
        "g        run until a pause longer than --budget",
        "+ / -    zoom the time axis in / out",
        "<- / ->  select the previous / next collection",
        "         (heap panel: scroll the time axis)",
        "up/down  scroll the UART console / the sites",
        "home/end first / latest collection",
        "tab      move the focus between panels",
        "?        this help (any key closes it)",
        "q        quit (--out files are still written)",
    };
    int n = (int)ARRAY_SIZE(lines);
    int w = 50 < COLS - 2 ? 50 : COLS - 2;
    int h = n + 2 < LINES - 2 ? n + 2 : LINES - 2;
    int y0 = (LINES - h) / 2, x0 = (COLS - w) / 2;
    for (int r = 0; r < h; r++) {
        move(y0 + r, x0);
        for (int c = 0; c < w; c++)
            addch(r == 0 || r == h - 1 ? '-' : (c == 0 || c == w - 1) ? '|' : ' ');
    }
    for (int i = 0; i < n && i < h - 2; i++)
        put(y0 + 1 + i, x0 + 2, w - 4, lines[i]);
}

void tui_draw(Tui *t)
{
    erase();
    if (COLS < MIN_COLS || LINES < MIN_LINES) {
        putf(0, 0, COLS, "terminal too small (%dx%d; needs %dx%d)", COLS, LINES, MIN_COLS, MIN_LINES);
        putf(1, 0, COLS, "%s: %zu collections", tui_state_name(t->m->state), t->m->count);
        refresh();
        return;
    }
    draw_header(t);
    int body = LINES - 4;          /* between the header and the two bottom rows */
    int top_h = body * 9 / 20;     /* 80x24: 9, 6, 5 rows */
    int mid_h = body * 6 / 20;
    if (top_h < 9)
        top_h = 9;
    int uart_h = body - top_h - mid_h;
    int left_w = COLS - STATS_W - 1;
    draw_timeline(t, 2, 0, left_w, top_h);
    draw_stats(t, 2, left_w + 1, STATS_W, top_h);
    draw_heap(t, 2 + top_h, 0, left_w, mid_h);
    draw_sites(t, 2 + top_h, left_w + 1, STATS_W, mid_h);
    draw_uart(t, 2 + top_h + mid_h, 0, COLS, uart_h);
    draw_detail(t, LINES - 2);
    draw_hint(t, LINES - 1);
    if (t->help)
        draw_help(t);
    refresh();
}

/* ---- keys ---- */

static void move_cursor(Tui *t, long delta)
{
    const TuiModel *m = t->m;
    if (!m->npauses)
        return;
    long c = t->cursor < 0 ? (long)m->npauses - 1 : t->cursor;
    c += delta;
    if (c < 0)
        c = 0;
    if (c >= (long)m->npauses)
        c = (long)m->npauses - 1;
    t->cursor = c;
}

static void scroll_time(Tui *t, int dir)
{
    const TuiModel *m = t->m;
    if (!t->span || t->span >= m->now)
        return;
    uint64_t t0, pc;
    time_axis(t, t->plot_cols, &t0, &pc);
    uint64_t step = t->span / 4 ? t->span / 4 : 1;
    t->cursor = -1;
    if (dir < 0) {
        t->t0 = t0 > step ? t0 - step : 0;
        t->follow = false;
    } else {
        t->t0 = t0 + step;
        if (t->t0 + t->span >= m->now)
            t->follow = true;
    }
}

static void zoom(Tui *t, bool in)
{
    uint64_t now = t->m->now ? t->m->now : 1;
    uint64_t span = t->span && t->span < now ? t->span : now;
    if (in) {
        uint64_t min = t->plot_cols > 0 ? (uint64_t)t->plot_cols : 1;
        if (span / 2 >= min) {
            uint64_t t0, pc;
            time_axis(t, t->plot_cols, &t0, &pc);
            t->t0 = t0 + span / 4;
            t->span = span / 2;
        }
    } else {
        t->span = span * 2 >= now ? 0 : span * 2;
        if (t->span && t->t0 > t->span / 4)
            t->t0 -= t->span / 4;
    }
}

int tui_key(Tui *t, int timeout_ms)
{
    timeout(timeout_ms);
    int ch = getch();
    if (ch == ERR)
        return 0;
    int req = TUI_REQ_REDRAW;
    t->msg[0] = 0;
    if (t->help && ch != KEY_RESIZE) {
        t->help = false;
        return req;
    }
    switch (ch) {
    case KEY_RESIZE: return req | TUI_REQ_RESIZE;
    case 'q': case 'Q': return req | TUI_REQ_QUIT;
    case ' ': return t->replay ? req : req | TUI_REQ_TOGGLE;
    case 'n': return t->replay ? req : req | TUI_REQ_NEXT;
    case 'g': return t->replay ? req : req | TUI_REQ_BUDGET;
    case '?': case 'h': t->help = true; return req;
    case '\t': t->focus = (t->focus + 1) % FOCUS_COUNT; return req;
    case KEY_BTAB: t->focus = (t->focus + FOCUS_COUNT - 1) % FOCUS_COUNT; return req;
    case '+': case '=': zoom(t, true); return req;
    case '-': case '_': zoom(t, false); return req;
    case KEY_HOME: t->cursor = 0; return req;
    case KEY_END: t->cursor = -1; t->follow = true; return req;
    case 12: /* Ctrl-L */ clearok(stdscr, TRUE); return req;
    default: break;
    }
    int dir = ch == KEY_LEFT ? -1 : ch == KEY_RIGHT ? 1 : ch == KEY_UP ? -2 : ch == KEY_DOWN ? 2 :
              ch == KEY_PPAGE ? -3 : ch == KEY_NPAGE ? 3 : 0;
    if (!dir)
        return 0;
    switch (t->focus) {
    case FOCUS_TIMELINE:
        if (dir == -1 || dir == 1)
            move_cursor(t, dir);
        else if (dir == -3 || dir == 3)
            move_cursor(t, dir * 3);
        break;
    case FOCUS_HEAP:
        if (dir == -1 || dir == 1)
            scroll_time(t, dir);
        break;
    case FOCUS_UART: {
        size_t step = dir == -3 || dir == 3 ? 5 : 1;
        if (dir < 0)
            t->uart_back += step;
        else
            t->uart_back = t->uart_back > step ? t->uart_back - step : 0;
        break;
    }
    case FOCUS_SITES:
        if (dir < 0 && t->sites_top)
            t->sites_top--;
        else if (dir > 0)
            t->sites_top++;
        break;
    }
    return req;
}
