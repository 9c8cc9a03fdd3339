/* session.c: one recorded run of a firmware image (see session.h): options, machine,
 * GC adapter + observer, recording, fault report, summary and output files. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gc/observe.h"
#include "gc/runtime.h"
#include "sim/exitcode.h"
#include "sim/gdbstub.h"
#include "sim/session.h"
#include "base/stopsig.h"
#include "base/utf8.h"
#include "base/util.h"
#include "traces/traces.h"

#define DEFAULT_CPU_SAMPLE_CYCLES 10000   /* cycles between CPU profile samples */
#define DEFAULT_HEAP_SAMPLE_NS 10000000   /* 10 ms of simulated time between heap samples */

struct Session {
    SessionOptions o;
    Image *img;
    Board *board;
    Machine *m;
    FILE *uart_out;
    bool uart_out_new;     /* --uart-out was created by session_open, not yet kept */
    bool uart_out_kept;    /* ... and emptied: the run is set up */
    int uart_in;
    CharDevPty pty;  /* --uart pty (master -1: none) */
    GcRuntime *rt;
    GcObserver *obs;
    Recording *rec;
    CpuStop stop;
    char line[256];  /* the console UART's unfinished line */
    size_t nline;
    SchedEvent tick;
    uint64_t tick_cycles;
    void (*tick_fn)(void *opaque);
    void *tick_opaque;
    double host_s;   /* host seconds spent running (the summary's speed only; never in a file) */
    uint64_t max_cycles; /* cycles: the limit --max-cycles / --max-time set (0 = none) */
    GdbStub *gdb;    /* --gdb: the debugger's server (NULL: none) */
};

Recording *session_recording(Session *s)
{
    if (s->obs)
        gc_observer_sync(s->obs);
    return s->rec;
}
Machine *session_machine(Session *s) { return s->m; }
const Image *session_image(Session *s) { return s->img; }
const Board *session_board(Session *s) { return s->board; }
void session_interrupt(Session *s) { machine_interrupt(s->m); }

/* "--name VALUE" or "--name=VALUE": returns the value and advances *i, or NULL. */
static const char *opt_value(const char *cmd, const char *name, int argc, char **argv, int *i, bool *bad)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != 0)
        return NULL;
    if (*i + 1 >= argc) {
        fprintf(stderr, "baregc %s: %s needs a value\n", cmd, name);
        *bad = true;
        return NULL;
    }
    return argv[++*i];
}

int session_parse_option(SessionOptions *o, const char *cmd, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    bool bad = false;
    const char *v;
    int r = machine_options_parse(&o->mo, argc, argv, i);
    if (r == 0)
        r = machine_set_option_parse(&o->mo, argc, argv, i);
    if (r)
        return r;
    if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
        o->quiet = true;
    } else if (!strcmp(a, "--keep-going")) {
        o->keep_going = true;
    } else if ((v = opt_value(cmd, "--uart-out", argc, argv, i, &bad))) {
        o->uart_out = v;
    } else if ((v = opt_value(cmd, "--uart-in", argc, argv, i, &bad))) {
        o->uart_in = v;
    } else if ((v = opt_value(cmd, "--uart", argc, argv, i, &bad))) {
        if (strcmp(v, "stdio") && strcmp(v, "pty")) {
            fprintf(stderr, "baregc %s: --uart: expected stdio or pty, got '%s'\n", cmd, v);
            return -1;
        }
        o->uart_pty = !strcmp(v, "pty");
    } else if ((v = opt_value(cmd, "--out", argc, argv, i, &bad))) {
        o->out_dir = v;
    } else if ((v = opt_value(cmd, "--gc-runtime", argc, argv, i, &bad))) {
        if (strcmp(v, "none") && !gc_adapter_find(v)) {
            fprintf(stderr, "baregc %s: --gc-runtime: unknown runtime '%s' (one of:", cmd, v);
            size_t n;
            const GcAdapterClass *const *ad = gc_adapters(&n);
            for (size_t k = 0; k < n; k++)
                fprintf(stderr, " %s", ad[k]->name);
            fprintf(stderr, ", none)\n");
            return -1;
        }
        o->gc_runtime = v;
    } else if ((v = opt_value(cmd, "--gc-profile", argc, argv, i, &bad))) {
        o->gc_profile = v;
    } else if ((v = opt_value(cmd, "--cpu-sample-cycles", argc, argv, i, &bad))) {
        if (parse_u64(v, &o->cpu_sample_cycles) < 0 || !o->cpu_sample_cycles) {
            fprintf(stderr, "baregc %s: --cpu-sample-cycles: expected a positive number, got '%s'\n", cmd, v);
            return -1;
        }
    } else if ((v = opt_value(cmd, "--heap-sample", argc, argv, i, &bad))) {
        if (parse_duration(v, &o->heap_sample_ns) < 0 || !o->heap_sample_ns) {
            fprintf(stderr, "baregc %s: --heap-sample: expected a duration like 1ms, got '%s'\n", cmd, v);
            return -1;
        }
    } else if ((v = opt_value(cmd, "--max-cycles", argc, argv, i, &bad))) {
        if (parse_u64(v, &o->max_cycles) < 0 || !o->max_cycles) {
            fprintf(stderr, "baregc %s: --max-cycles: expected a positive number of cycles, got '%s'\n", cmd, v);
            return -1;
        }
    } else if ((v = opt_value(cmd, "--max-time", argc, argv, i, &bad))) {
        if (parse_duration(v, &o->max_time_ns) < 0 || !o->max_time_ns) {
            fprintf(stderr, "baregc %s: --max-time: expected a duration like 2s or 150ms, got '%s'\n", cmd, v);
            return -1;
        }
    } else {
        return bad ? -1 : 0;
    }
    if (o->gc_runtime && o->gc_profile) {
        fprintf(stderr, "baregc %s: give --gc-runtime or --gc-profile, not both\n", cmd);
        return -1;
    }
    return 1;
}

void session_usage(FILE *out)
{
    machine_options_usage(out);
    machine_set_usage(out);
    fprintf(out,
            "  --uart stdio|pty     the console UART on stdin/stdout (default; a terminal is put\n"
            "                       in raw mode), or on a new pseudo-terminal whose path is printed\n"
            "                       on stderr (the run does not wait for it to be opened)\n"
            "  --uart-out FILE      write the console UART's output to FILE instead\n"
            "  --uart-in FILE       feed the console UART's input from FILE instead: one byte per\n"
            "                       character time, the same on every run (a pipe or terminal\n"
            "                       is read as it comes)\n"
            "  --max-cycles N       stop after N simulated cycles (exit %d)\n"
            "  --max-time DURATION  stop after DURATION of simulated time, e.g. 2s, 500ms (exit %d)\n"
            "  --keep-going         deliver faults to the firmware (HardFault / trap handler) instead of stopping\n"
            "  --out DIR            write the recording: heap.pb.gz, gc-pauses.pb.gz, cpu.pb.gz (pprof),\n"
            "                       trace.json (Perfetto), gctrace.log, summary.json, record.json\n"
            "  --gc-runtime NAME    the collector's adapter (gcrt, micropython, tinygo, lua, events,\n"
            "                       or none); default: detected from the image's symbols\n"
            "  --gc-profile FILE    a JSON description of any other collector (docs/gc-profile.md)\n"
            "  --cpu-sample-cycles N  CPU profile: one call-stack sample every N cycles (default %d)\n"
            "  --heap-sample DURATION heap use sampled every DURATION of simulated time (default 10ms)\n"
            "  --quiet              no summary or notes on stderr (faults are still reported)\n",
            EXIT_TIMEOUT, EXIT_TIMEOUT, DEFAULT_CPU_SAMPLE_CYCLES);
}

/* A claim on SRAM below the stack's top raises the floor to its end: one that lies
 * in [base, top) and does not hold top - 1 (a claim that does is the stack itself). */
static void claim(uint32_t *floor, uint32_t base, uint32_t top, uint32_t addr, uint32_t len)
{
    if (len && addr >= base && addr < top && top - 1 - addr >= len && addr + len > *floor)
        *floor = addr + len;
}

/* The end of the highest static use of SRAM below the stack's top: the data objects
 * (sized symbols that are not functions) and the image bytes the segments load and
 * run at (data, and code in RAM); base when there is none. Where the stack sits below
 * .data/.bss, nothing of them is below it. */
static uint32_t static_floor(const Image *img, uint32_t base, uint32_t top)
{
    uint32_t floor = base;
    for (size_t i = 0; i < image_symbol_count(img); i++) {
        const ImageSymbol *sym = image_symbol(img, i);
        if (!sym->is_func)
            claim(&floor, base, top, sym->addr, sym->size);
    }
    for (size_t i = 0; i < image_segment_count(img); i++) {
        const ImageSegment *g = image_segment(img, i);
        claim(&floor, base, top, g->vaddr, g->filesz);
        claim(&floor, base, top, g->paddr, g->filesz);
    }
    return floor;
}

static void fill_run_info(Session *s)
{
    RecRunInfo *ri = &s->rec->run;
    const Board *b = s->board;
    /* names from outside (a path, JSON files) in valid UTF-8, as every output wants them */
    ri->image = utf8_clean(s->o.elf);
    ri->board = utf8_clean(b->name);
    ri->core = xstrdup(core_name(b->core));
    ri->runtime = utf8_clean(s->rt ? s->rt->name : "none");
    ri->clock_hz = b->clock_hz;
    BoardMemory *sram = board_main_sram(s->board);
    if (sram) {
        ri->sram_base = sram->base;
        ri->sram_size = sram->limit;
        /* .data/.bss: the loaded segments whose run address is in SRAM */
        uint32_t end = sram->base;
        for (size_t i = 0; i < image_segment_count(s->img); i++) {
            const ImageSegment *g = image_segment(s->img, i);
            if (g->vaddr - sram->base < sram->limit && g->vaddr + g->memsz > end)
                end = g->vaddr + g->memsz;
        }
        ri->static_bytes = end - sram->base;
        ri->stack_top = sram->base + sram->limit;
    }
    static const char *const tops[] = {"__StackTop", "_estack", "__stack", "_stack_top", "__stack_top", NULL};
    for (size_t i = 0; tops[i]; i++) {
        const ImageSymbol *sym = image_symbol_by_name(s->img, tops[i]);
        if (sym) {
            ri->stack_top = sym->addr;
            break;
        }
    }
    ri->stack_limit = machine_stack_limit(s->m, NULL);
    if (sram)
        ri->stack_floor = static_floor(s->img, sram->base, ri->stack_top);
    if (s->rt) {
        ri->heap_start = s->rt->heap_start;
        ri->heap_end = s->rt->heap_end;
    }
}

/* The collector's adapter: --gc-profile, --gc-runtime, or detected. NULL without
 * error when none applies. */
static int open_runtime(Session *s, int *rc)
{
    char *err = NULL;
    const SessionOptions *o = &s->o;
    if (o->gc_profile) {
        s->rt = gc_profile_open(o->gc_profile, s->img, &err);
    } else if (o->gc_runtime && !strcmp(o->gc_runtime, "none")) {
        return 0;
    } else {
        const GcAdapterClass *ac = o->gc_runtime ? gc_adapter_find(o->gc_runtime) : gc_adapter_detect(s->img);
        if (!ac) {
            if (!o->quiet)
                log_info("no garbage collector recognised in %s (pass --gc-runtime or --gc-profile): "
                         "recording interrupts and the CPU profile only", o->elf);
            return 0;
        }
        s->rt = ac->open(s->img, &err);
        if (s->rt && !o->gc_runtime && !o->quiet)
            log_info("GC runtime: %s (detected from the image's symbols)", s->rt->name);
    }
    if (!s->rt) {
        log_error("%s", err);
        free(err);
        *rc = EXIT_BAD_PROFILE;
        return -1;
    }
    return 0;
}

/* Console UART lines become "uart" instants of the recording. */
static void uart_tap(void *opaque, uint8_t byte)
{
    Session *s = opaque;
    if (byte == '\n' || s->nline == sizeof s->line - 1) {
        s->line[s->nline] = 0;
        rec_instant(s->rec, machine_sched(s->m)->now, "uart", "%s", s->line);
        s->nline = 0;
        if (byte == '\n')
            return;
    }
    if (byte != '\r')
        s->line[s->nline++] = (char)byte;
}

const char *session_uart_partial(Session *s)
{
    s->line[s->nline] = 0;
    return s->line;
}

static void tick_event(void *opaque, uint64_t due)
{
    Session *s = opaque;
    s->tick_fn(s->tick_opaque);
    sched_at(machine_sched(s->m), &s->tick, due + s->tick_cycles);
}

void session_on_tick(Session *s, uint64_t cycles, void (*fn)(void *opaque), void *opaque)
{
    Sched *sc = machine_sched(s->m);
    if (s->tick.queued)
        sched_cancel(sc, &s->tick);
    s->tick_fn = fn;
    s->tick_opaque = opaque;
    s->tick_cycles = cycles ? cycles : 1;
    sched_event_init(&s->tick, "front-end", tick_event, s);
    s->tick.background = true;
    sched_in(sc, &s->tick, s->tick_cycles);
}

void session_on_pause_end(Session *s, void (*fn)(void *opaque, size_t pause), void *opaque)
{
    gc_observer_on_pause_end(s->obs, fn, opaque);
}

/* The machine's trace port (ITM / gc-trace-port) feeds the observer. */
static void trace_write(void *opaque, unsigned port, uint32_t value, unsigned size)
{
    Session *s = opaque;
    if (s->obs)
        gc_observer_trace_write(s->obs, port, value, size);
}

/* --uart-out, opened without emptying it: a run refused before it starts (a bad
 * --uart-in, a missing symbol, a board the image does not fit, a busy GDB port) leaves
 * the file as it was, or absent. uart_out_keep empties it once the run is set up. */
static int uart_out_open(Session *s, const char *path)
{
    struct stat st;
    s->uart_out_new = lstat(path, &st) < 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return -1;
    if (!(s->uart_out = fdopen(fd, "w"))) {
        close(fd);
        return -1;
    }
    return 0;
}

static int uart_out_keep(Session *s)
{
    struct stat st;
    int fd = fileno(s->uart_out);
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ftruncate(fd, 0) < 0) {
        log_error("cannot write %s: %s", s->o.uart_out, strerror(errno));
        return -1;
    }
    s->uart_out_kept = true;
    return 0;
}

Session *session_open(const SessionOptions *o, int *rc)
{
    stopsig_catch(); /* before the terminal is taken (chardev, curses, SDL) */
    Session *s = xcalloc(1, sizeof *s);
    s->o = *o;
    s->uart_out = stdout;
    s->uart_in = STDIN_FILENO;
    s->pty.master = s->pty.slave = -1;
    char *err = NULL;
    if (o->uart_pty) { /* first, so that the path is the first line on stderr (as QEMU) */
        if (chardev_pty_open(&s->pty, &err) < 0) {
            log_error("%s", err);
            free(err);
            *rc = EXIT_IO;
            goto fail;
        }
        fprintf(stderr, "baregc: the console UART is on the pseudo-terminal %s\n", s->pty.path);
        s->uart_out = s->pty.out;
        s->uart_in = s->pty.master;
    }
    *rc = machine_setup(&o->mo, o->elf, o->quiet, &s->img, &s->board);
    if (*rc)
        goto fail;
    MachineWrite writes[MACHINE_MAX_SETS];
    if ((*rc = machine_sets_resolve(&o->mo, s->img, s->board, o->quiet, writes)) != 0)
        goto fail;
    if (o->uart_out && uart_out_open(s, o->uart_out) < 0) {
        s->uart_out = NULL;
        log_error("cannot write %s: %s", o->uart_out, strerror(errno));
        *rc = EXIT_IO;
        goto fail;
    }
    struct stat st;
    if (o->uart_in && ((s->uart_in = open(o->uart_in, O_RDONLY)) < 0 || fstat(s->uart_in, &st) < 0)) {
        log_error("cannot read %s: %s", o->uart_in, strerror(errno));
        *rc = EXIT_NO_INPUT;
        goto fail;
    }
    if (o->uart_in && S_ISDIR(st.st_mode)) {
        log_error("--uart-in %s: a directory, not a file, pipe or terminal", o->uart_in);
        *rc = EXIT_NO_INPUT;
        goto fail;
    }
    if (open_runtime(s, rc) < 0)
        goto fail;
    uint64_t max_cycles = o->max_cycles;
    if (o->max_time_ns) {
        uint64_t c = (uint64_t)((unsigned __int128)o->max_time_ns * s->board->clock_hz / 1000000000u);
        if (!max_cycles || c < max_cycles)
            max_cycles = c ? c : 1;
    }
    s->max_cycles = max_cycles;
    MachineConfig mc = {
        .board = s->board,
        .img = s->img,
        .uart_out = s->uart_out,
        .uart_in_fd = s->uart_in,
        .max_cycles = max_cycles,
        .keep_going = o->keep_going,
        .trace = {.write = trace_write, .opaque = s},
        .writes = writes,
        .nwrites = o->mo.nset,
    };
    s->m = machine_new(&mc, &err);
    if (!s->m) {
        log_error("%s", err);
        free(err);
        *rc = EXIT_BAD_BOARD;
        goto fail;
    }
    s->rec = rec_new();
    fill_run_info(s);
    Sched *sc = machine_sched(s->m);
    GcObserverConfig oc = {
        .cpu = machine_cpu(s->m),
        .sched = sc,
        .img = s->img,
        .rt = s->rt,
        .rec = s->rec,
        .heap_sample_cycles = sched_ns_to_cycles(sc, o->heap_sample_ns ? o->heap_sample_ns : DEFAULT_HEAP_SAMPLE_NS),
        .cpu_sample_cycles = o->cpu_sample_cycles ? o->cpu_sample_cycles : DEFAULT_CPU_SAMPLE_CYCLES,
        .heap_maps = true,
    };
    s->obs = gc_observer_new(&oc, &err);
    if (!s->obs) {
        log_error("%s", err);
        free(err);
        *rc = EXIT_INTERNAL;
        goto fail;
    }
    chardev_set_tap(machine_console(s->m), uart_tap, s);
    if (o->gdb.on) {
        GdbStubConfig gc = {.opt = &s->o.gdb, .m = s->m, .rec = s->rec, .rt = s->rt, .obs = s->obs};
        s->gdb = gdbstub_new(&gc, rc, &err);
        if (!s->gdb) {
            log_error("%s", err);
            free(err);
            goto fail;
        }
    }
    if (o->uart_out && uart_out_keep(s) < 0) {
        *rc = EXIT_IO;
        goto fail;
    }
    return s;
fail:
    session_close(s);
    return NULL;
}

static double host_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The first stop signal (base/stopsig.h) stops the run at the next block. */
static void stop_on_signal(void *opaque) { session_interrupt(opaque); }

void session_run(Session *s)
{
    stopsig_set_stop(stop_on_signal, s);
    double t0 = host_seconds();
    if (s->gdb)
        s->host_s -= gdbstub_run(s->gdb, &s->stop); /* (less the time stopped in the debugger) */
    else
        machine_run(s->m, &s->stop);
    s->host_s += host_seconds() - t0;
    stopsig_set_stop(NULL, NULL);
}

static int exit_code_for(const CpuStop *s)
{
    switch (s->reason) {
    case STOP_EXIT: return s->exit_code >= 0 && s->exit_code <= EXIT_FIRMWARE_MAX ? s->exit_code : EXIT_FIRMWARE_OTHER;
    case STOP_RESET: return EXIT_OK;
    case STOP_UNMAPPED:
    case STOP_SRAM_LIMIT:
    case STOP_FLASH_WRITE: return EXIT_FAULT_MEMORY;
    case STOP_STACK: return EXIT_FAULT_STACK;
    case STOP_HARDFAULT: return EXIT_FAULT_HARD;
    case STOP_BAD_INSN: return EXIT_FAULT_INSN;
    case STOP_TIMEOUT: return EXIT_TIMEOUT;
    case STOP_DEADLOCK: return EXIT_DEADLOCK;
    case STOP_INTERRUPTED: return stopsig_received() ? stopsig_exit_code(stopsig_received()) : EXIT_INTERRUPTED;
    case STOP_INTERNAL:
    case STOP_DEBUG: break;
    }
    return EXIT_INTERNAL;
}

/* "1.234567 s" / "12.345 ms" / "56.7 us" of simulated time. */
static void fmt_time(char *buf, size_t n, uint64_t ns)
{
    if (ns >= 1000000000ull)
        snprintf(buf, n, "%.6f s", ns / 1e9);
    else if (ns >= 1000000ull)
        snprintf(buf, n, "%.3f ms", ns / 1e6);
    else
        snprintf(buf, n, "%.3f us", ns / 1e3);
}

/* One frame of the fault's backtrace: its address, then the functions there, the
 * inlined ones first, one a line. */
static void report_frame(const Image *img, size_t k, uint32_t addr, bool return_address)
{
    char text[2048];
    if (img)
        traces_addr_text(img, addr, return_address, "\n                    ", text, sizeof text);
    else
        snprintf(text, sizeof text, "0x%08x", addr);
    fprintf(stderr, "    #%-2zu 0x%08x  %s\n", k, addr, text);
}

/* The shadow call stack at the fault, symbolized: the faulting PC, then the return
 * addresses of the active calls (named at their calls), innermost first. A deep one
 * (runaway recursion) shows its innermost and outermost frames. */
static void report_backtrace(Machine *m, const Image *img, uint32_t pc)
{
    enum { MAX_SHADOW = 65536, INNER = 16, OUTER = 4 };
    uint32_t *ret = xmalloc(MAX_SHADOW * sizeof *ret);
    size_t n = cpu_callers(machine_cpu(m), ret, MAX_SHADOW);
    fprintf(stderr, "  backtrace (the shadow call stack, innermost first):\n");
    report_frame(img, 0, pc, false);
    for (size_t k = 0; k < n; k++) {
        if (n > INNER + OUTER && k == INNER) {
            fprintf(stderr, "    ... %zu frames left out ...\n", n - INNER - OUTER);
            k = n - OUTER;
        }
        report_frame(img, k + 1, ret[k], true);
    }
    free(ret);
}

/* What stopped a run that --max-cycles / --max-time ended, as the user gave it:
 * "--max-time 2 s reached (50000000 cycles)", "--max-cycles 2000000 reached". */
static void limit_reached(const SessionOptions *o, uint64_t limit, char *buf, size_t n)
{
    static const struct {
        uint64_t ns;
        const char *unit;
    } units[] = {{1000000000u, "s"}, {1000000u, "ms"}, {1000u, "us"}, {1, "ns"}};
    if (!o->max_time_ns || (o->max_cycles && o->max_cycles <= limit)) {
        snprintf(buf, n, "--max-cycles %llu reached", (unsigned long long)limit);
        return;
    }
    size_t u = 0;
    while (o->max_time_ns % units[u].ns)
        u++;
    snprintf(buf, n, "--max-time %llu %s reached (%llu cycles)", (unsigned long long)(o->max_time_ns / units[u].ns),
             units[u].unit, (unsigned long long)limit);
}

/* The headline of a stop that is not the firmware's own end, into buf: a fault, or
 * the cycle limit (no fault). */
static void stop_headline(const Session *s, char *buf, size_t n)
{
    const CpuStop *st = &s->stop;
    if (st->reason == STOP_TIMEOUT) {
        char lim[96];
        limit_reached(&s->o, s->max_cycles, lim, sizeof lim);
        snprintf(buf, n, "stopped: %s", lim);
    } else {
        snprintf(buf, n, "guest fault: %s: %s", cpu_stop_name(st->reason), st->detail);
    }
}

static void report_stop(const SessionOptions *o, Machine *m, const Image *img, const CpuStop *s, const char *headline)
{
    Sched *sc = machine_sched(m);
    char where[256], lr[256], t[32];
    image_describe_addr(img, s->pc, where, sizeof where);
    image_describe_addr(img, s->lr & ~1u, lr, sizeof lr);
    fmt_time(t, sizeof t, sched_cycles_to_ns(sc, sc->now));
    fflush(stdout);
    fprintf(stderr, "baregc: %s\n", headline);
    fprintf(stderr, "  pc   0x%08x  %s\n", s->pc, where);
    fprintf(stderr, "  lr   0x%08x  %s\n", s->lr, lr);
    fprintf(stderr, "  sp   0x%08x", s->sp);
    const char *sym;
    uint32_t lim = machine_stack_limit(m, &sym);
    if (lim)
        fprintf(stderr, "  (stack limit 0x%08x from %s)", lim, sym);
    fprintf(stderr, "\n  time %s simulated (%llu cycles, %llu instructions)\n", t, (unsigned long long)sc->now,
            (unsigned long long)cpu_instructions(machine_cpu(m)));
    report_backtrace(m, img, s->pc);
    if (!o->keep_going && (s->reason == STOP_UNMAPPED || s->reason == STOP_SRAM_LIMIT ||
                           s->reason == STOP_FLASH_WRITE || s->reason == STOP_BAD_INSN))
        fprintf(stderr, "  (--keep-going delivers this fault to the firmware's fault handler instead)\n");
}

static void report_summary(const SessionOptions *o, Machine *m, const Board *b, const CpuStop *s, double host_s)
{
    Sched *sc = machine_sched(m);
    uint64_t ns = sched_cycles_to_ns(sc, sc->now);
    uint64_t insns = cpu_instructions(machine_cpu(m));
    char t[32], how[200];
    fmt_time(t, sizeof t, ns);
    char sig[32];
    switch (s->reason) {
    case STOP_EXIT:
        snprintf(how, sizeof how, "the firmware exited with status %d%s", s->exit_code,
                 exit_code_for(s) == EXIT_FIRMWARE_OTHER ? " (outside 0-63: exit 79)" : "");
        break;
    case STOP_RESET: snprintf(how, sizeof how, "the firmware requested a system reset (SYSRESETREQ)"); break;
    case STOP_INTERRUPTED:
        snprintf(how, sizeof how, "stopped: interrupted%s%s%s", stopsig_received() ? " (" : "",
                 stopsig_received() ? stopsig_name(stopsig_received(), sig, sizeof sig) : "",
                 stopsig_received() ? ")" : "");
        break;
    default: snprintf(how, sizeof how, "stopped: %s", cpu_stop_name(s->reason)); break;
    }
    fprintf(stderr,
            "baregc: %s on %s (%s @ %.3f MHz): %s after %s of simulated time (%llu cycles, %llu instructions); "
            "host %.3f s, %.1f MIPS, %.2fx real time\n",
            o->elf, b->name, core_name(b->core), b->clock_hz / 1e6, how,
            t, (unsigned long long)sc->now, (unsigned long long)insns, host_s,
            host_s > 0 ? insns / host_s / 1e6 : 0.0, host_s > 0 ? (ns / 1e9) / host_s : 0.0);
}

/* The console UART's output: an error writing it is output lost, said once (true),
 * unless it is the reader gone away that a stop signal (SIGPIPE) already stopped the
 * run for. */
static bool uart_out_failed(Session *s)
{
    int e = chardev_out_error(machine_console(s->m));
    if (!e || (e == EPIPE && stopsig_received()))
        return false;
    const char *where = s->o.uart_out ? s->o.uart_out : s->uart_out == stdout ? "standard output" : s->pty.path;
    log_error("cannot write the console UART's output to %s: %s", where, strerror(e));
    if (s->uart_out == stdout)
        clearerr(stdout); /* said here: not again at exit */
    return true;
}

/* --out: every file, each failure said on a line of its own. */
static bool out_files_failed(Session *s, const Stats *stats)
{
    char *err = NULL;
    if (traces_write_all(s->rec, stats, s->img, s->o.out_dir, &err) == 0)
        return false;
    for (char *line = err, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        log_error("%s", line);
    }
    free(err);
    return true;
}

int session_finish(Session *s)
{
    const CpuStop *st = &s->stop;
    bool stopped = st->reason != STOP_EXIT && st->reason != STOP_RESET && st->reason != STOP_INTERRUPTED;
    char headline[256];
    stop_headline(s, headline, sizeof headline);
    if (stopped)
        report_stop(&s->o, s->m, s->img, st, headline);
    int rc = exit_code_for(st);
    gc_observer_finish(s->obs);
    RecRunInfo *ri = &s->rec->run;
    ri->cycles = machine_sched(s->m)->now;
    ri->instructions = cpu_instructions(machine_cpu(s->m));
    ri->exit_reason = xstrdup(st->reason == STOP_EXIT ? "exit" : cpu_stop_name(st->reason));
    /* the firmware's own status whole (32 bits), else the process's */
    ri->exit_code = st->reason == STOP_EXIT ? st->exit_code : rc;
    ri->partial = st->reason == STOP_INTERRUPTED;
    char sig[32];
    if (stopped) /* "guest fault: " or "stopped: " is the kind */
        rec_instant(s->rec, ri->cycles, st->reason == STOP_TIMEOUT ? "stop" : "fault", "%s",
                    strchr(headline, ':') + 2);
    else if (ri->partial && stopsig_received())
        rec_instant(s->rec, ri->cycles, "stop", "%s: the run was interrupted",
                    stopsig_name(stopsig_received(), sig, sizeof sig));
    bool summary = !s->o.quiet && s->rt;
    Stats stats; /* computed once for the summary and the files: it reads every allocation */
    if (summary || s->o.out_dir)
        stats_compute(s->rec, &stats);
    if (!s->o.quiet) {
        report_summary(&s->o, s->m, s->board, st, s->host_s);
        if (summary)
            traces_print_summary(s->rec, &stats, stderr);
    }
    bool lost = uart_out_failed(s); /* first: the files are written whatever it says */
    if (s->o.out_dir && out_files_failed(s, &stats))
        lost = true;
    if (summary || s->o.out_dir)
        stats_free(&stats);
    return lost ? EXIT_IO : rc;
}

void session_close(Session *s)
{
    if (!s)
        return;
    if (s->m && s->tick.queued)
        sched_cancel(machine_sched(s->m), &s->tick);
    gdbstub_free(s->gdb);
    gc_observer_free(s->obs);
    machine_free(s->m);
    rec_free(s->rec);
    gc_runtime_free(s->rt);
    if (s->uart_out && s->uart_out != stdout && s->uart_out != s->pty.out) {
        fclose(s->uart_out);
        if (s->uart_out_new && !s->uart_out_kept)
            unlink(s->o.uart_out); /* refused before the run: as if never named */
    }
    if (s->uart_in >= 0 && s->uart_in != STDIN_FILENO && s->uart_in != s->pty.master)
        close(s->uart_in);
    chardev_pty_close(&s->pty);
    board_free(s->board);
    image_free(s->img);
    free(s);
}
