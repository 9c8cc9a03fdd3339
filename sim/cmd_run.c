/* cmd_run.c: `baregc run`: run a firmware image to completion and report how it ended. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/cmd.h"
#include "sim/exitcode.h"
#include "sim/machine.h"
#include "sim/options.h"

typedef struct RunOptions {
    MachineOptions mo;
    const char *elf;
    const char *uart_out;
    const char *uart_in;
    uint64_t max_cycles;
    uint64_t max_time_ns;
    bool quiet;
    bool keep_going;
} RunOptions;

static void run_usage(FILE *out)
{
    fprintf(out,
            "Usage: baregc run FIRMWARE.elf [OPTIONS]\n\n"
            "Run a Cortex-M or RV32 firmware image on a simulated board, in simulated time.\n"
            "UART output goes to stdout; baregc's own messages and the run summary to stderr.\n\n"
            "Options:\n");
    machine_options_usage(out);
    fprintf(out,
            "  --uart-out FILE      write the console UART's output to FILE instead of stdout\n"
            "  --uart-in FILE       feed the console UART's input from FILE (default: stdin)\n"
            "  --max-cycles N       stop after N simulated cycles (exit %d)\n"
            "  --max-time DURATION  stop after DURATION of simulated time, e.g. 2s, 500ms (exit %d)\n"
            "  --keep-going         deliver faults to the firmware (HardFault / trap handler) instead of stopping\n"
            "  --quiet              no summary or notes on stderr (faults are still reported)\n"
            "  --help               this text\n\n"
            "Exit status:\n"
            "  0-63  the firmware's own exit status (semihosting SYS_EXIT / SYS_EXIT_EXTENDED;\n"
            "        a SYSRESETREQ counts as 0)\n"
            "  %d    bad command line          %d  bad firmware image\n"
            "  %d    input file not readable   %d  bad or unsuitable board\n"
            "  %d    internal error            %d  output file not writable\n"
            "  %d    memory fault (unmapped, beyond --sram, write to flash)\n"
            "  %d    stack overflow            %d  HardFault / lockup / unhandled trap\n"
            "  %d    undefined instruction     %d  --max-cycles / --max-time reached\n"
            "  %d    deadlock (sleeps forever) %d  interrupted (Ctrl-C)\n",
            EXIT_TIMEOUT, EXIT_TIMEOUT, EXIT_USAGE, EXIT_BAD_IMAGE, EXIT_NO_INPUT, EXIT_BAD_BOARD, EXIT_INTERNAL,
            EXIT_IO, EXIT_FAULT_MEMORY, EXIT_FAULT_STACK, EXIT_FAULT_HARD, EXIT_FAULT_INSN, EXIT_TIMEOUT,
            EXIT_DEADLOCK, EXIT_INTERRUPTED);
}

/* "--name VALUE" or "--name=VALUE": returns the value and advances *i, or NULL. */
static const char *opt_value(const char *name, int argc, char **argv, int *i, bool *bad)
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
        fprintf(stderr, "baregc run: %s needs a value\n", name);
        *bad = true;
        return NULL;
    }
    return argv[++*i];
}

static int parse_args(RunOptions *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool bad = false;
        const char *v;
        int r = machine_options_parse(&o->mo, argc, argv, &i);
        if (r < 0)
            return -1;
        if (r > 0)
            continue;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            run_usage(stdout);
            return 1;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            o->quiet = true;
        } else if (!strcmp(a, "--keep-going")) {
            o->keep_going = true;
        } else if ((v = opt_value("--uart-out", argc, argv, &i, &bad))) {
            o->uart_out = v;
        } else if ((v = opt_value("--uart-in", argc, argv, &i, &bad))) {
            o->uart_in = v;
        } else if ((v = opt_value("--max-cycles", argc, argv, &i, &bad))) {
            if (parse_u64(v, &o->max_cycles) < 0 || !o->max_cycles) {
                fprintf(stderr, "baregc run: --max-cycles: expected a positive number of cycles, got '%s'\n", v);
                return -1;
            }
        } else if ((v = opt_value("--max-time", argc, argv, &i, &bad))) {
            if (parse_duration(v, &o->max_time_ns) < 0 || !o->max_time_ns) {
                fprintf(stderr, "baregc run: --max-time: expected a duration like 2s or 150ms, got '%s'\n", v);
                return -1;
            }
        } else if (bad) {
            return -1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "baregc run: unknown option '%s' (see baregc run --help)\n", a);
            return -1;
        } else if (!o->elf) {
            o->elf = a;
        } else {
            fprintf(stderr, "baregc run: more than one firmware image given ('%s' and '%s')\n", o->elf, a);
            return -1;
        }
    }
    if (!o->elf) {
        fprintf(stderr, "baregc run: no firmware image given (see baregc run --help)\n");
        return -1;
    }
    return 0;
}

static int exit_code_for(const CpuStop *s)
{
    switch (s->reason) {
    case STOP_EXIT: return s->exit_code & 0xff;
    case STOP_RESET: return EXIT_OK;
    case STOP_UNMAPPED:
    case STOP_SRAM_LIMIT:
    case STOP_FLASH_WRITE: return EXIT_FAULT_MEMORY;
    case STOP_STACK: return EXIT_FAULT_STACK;
    case STOP_HARDFAULT: return EXIT_FAULT_HARD;
    case STOP_BAD_INSN: return EXIT_FAULT_INSN;
    case STOP_TIMEOUT: return EXIT_TIMEOUT;
    case STOP_DEADLOCK: return EXIT_DEADLOCK;
    case STOP_INTERRUPTED: return EXIT_INTERRUPTED;
    case STOP_INTERNAL: break;
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

static void report_fault(const RunOptions *o, Machine *m, const Image *img, const CpuStop *s)
{
    Sched *sc = machine_sched(m);
    char where[256], lr[256], t[32];
    image_describe_addr(img, s->pc, where, sizeof where);
    image_describe_addr(img, s->lr & ~1u, lr, sizeof lr);
    fmt_time(t, sizeof t, sched_cycles_to_ns(sc, sc->now));
    fflush(stdout);
    fprintf(stderr, "baregc: guest fault: %s: %s\n", cpu_stop_name(s->reason), s->detail);
    fprintf(stderr, "  pc   0x%08x  %s\n", s->pc, where);
    fprintf(stderr, "  lr   0x%08x  %s\n", s->lr, lr);
    fprintf(stderr, "  sp   0x%08x", s->sp);
    const char *sym;
    uint32_t lim = machine_stack_limit(m, &sym);
    if (lim)
        fprintf(stderr, "  (stack limit 0x%08x from %s)", lim, sym);
    fprintf(stderr, "\n  time %s simulated (%llu cycles, %llu instructions)\n", t, (unsigned long long)sc->now,
            (unsigned long long)cpu_instructions(machine_cpu(m)));
    if (!o->keep_going && (s->reason == STOP_UNMAPPED || s->reason == STOP_SRAM_LIMIT ||
                           s->reason == STOP_FLASH_WRITE || s->reason == STOP_BAD_INSN))
        fprintf(stderr, "  (--keep-going delivers this fault to the firmware's fault handler instead)\n");
}

static void report_summary(const RunOptions *o, Machine *m, const Board *b, const CpuStop *s, double host_s)
{
    Sched *sc = machine_sched(m);
    uint64_t ns = sched_cycles_to_ns(sc, sc->now);
    uint64_t insns = cpu_instructions(machine_cpu(m));
    char t[32], how[200];
    fmt_time(t, sizeof t, ns);
    switch (s->reason) {
    case STOP_EXIT: snprintf(how, sizeof how, "the firmware exited with status %d", s->exit_code); break;
    case STOP_RESET: snprintf(how, sizeof how, "the firmware requested a system reset (SYSRESETREQ)"); break;
    default: snprintf(how, sizeof how, "stopped: %s", cpu_stop_name(s->reason)); break;
    }
    fprintf(stderr,
            "baregc: %s on %s (%s @ %.3f MHz): %s after %s of simulated time (%llu cycles, %llu instructions); "
            "host %.3f s, %.1f MIPS, %.2fx real time\n",
            o->elf, b->name, core_name(b->core), b->clock_hz / 1e6, how,
            t, (unsigned long long)sc->now, (unsigned long long)insns, host_s,
            host_s > 0 ? insns / host_s / 1e6 : 0.0, host_s > 0 ? (ns / 1e9) / host_s : 0.0);
}

static Machine *running;

static void on_sigint(int sig)
{
    (void)sig;
    if (running)
        machine_interrupt(running);
    signal(SIGINT, SIG_DFL); /* a second Ctrl-C ends the process at once */
}

static double host_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run_exec(int argc, char **argv)
{
    RunOptions o = {0};
    int r = parse_args(&o, argc, argv);
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    log_set_quiet(o.quiet);

    Image *img = NULL;
    Board *board = NULL;
    int rc = machine_setup(&o.mo, o.elf, o.quiet, &img, &board);
    if (rc)
        return rc;

    FILE *uart_out = stdout;
    int uart_in = STDIN_FILENO;
    if (o.uart_out && !(uart_out = fopen(o.uart_out, "w"))) {
        log_error("cannot write %s: %s", o.uart_out, strerror(errno));
        rc = EXIT_IO;
        goto out;
    }
    if (o.uart_in && (uart_in = open(o.uart_in, O_RDONLY)) < 0) {
        log_error("cannot read %s: %s", o.uart_in, strerror(errno));
        rc = EXIT_NO_INPUT;
        goto out;
    }
    uint64_t max_cycles = o.max_cycles;
    if (o.max_time_ns) {
        uint64_t c = (uint64_t)((unsigned __int128)o.max_time_ns * board->clock_hz / 1000000000u);
        if (!max_cycles || c < max_cycles)
            max_cycles = c ? c : 1;
    }
    MachineConfig mc = {
        .board = board,
        .img = img,
        .uart_out = uart_out,
        .uart_in_fd = uart_in,
        .max_cycles = max_cycles,
        .keep_going = o.keep_going,
    };
    char *err = NULL;
    Machine *m = machine_new(&mc, &err);
    if (!m) {
        log_error("%s", err);
        free(err);
        rc = EXIT_BAD_BOARD;
        goto out;
    }
    running = m;
    signal(SIGINT, on_sigint);
    double t0 = host_seconds();
    CpuStop stop;
    machine_run(m, &stop);
    double host = host_seconds() - t0;
    signal(SIGINT, SIG_DFL);
    running = NULL;
    if (stop.reason != STOP_EXIT && stop.reason != STOP_RESET && stop.reason != STOP_INTERRUPTED)
        report_fault(&o, m, img, &stop);
    if (!o.quiet)
        report_summary(&o, m, board, &stop, host);
    rc = exit_code_for(&stop);
    machine_free(m);
    if (uart_out != stdout && fclose(uart_out) != 0 && rc == EXIT_OK)
        rc = EXIT_IO;
    uart_out = stdout;
out:
    if (uart_out && uart_out != stdout)
        fclose(uart_out);
    if (uart_in >= 0 && uart_in != STDIN_FILENO)
        close(uart_in);
    board_free(board);
    image_free(img);
    return rc;
}

const Command cmd_run = {
    .name = "run",
    .summary = "run a firmware image to completion (UART on stdout, summary on stderr)",
    .exec = run_exec,
    .usage = run_usage,
};
