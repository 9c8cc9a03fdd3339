/* cmd_run.c: `baregc run`: run a firmware image to completion and report how it ended. */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "sim/cmd.h"
#include "sim/exitcode.h"
#include "base/stopsig.h"
#include "sim/progress.h"
#include "sim/session.h"

static void run_usage(FILE *out)
{
    fprintf(out,
            "Usage: baregc run FIRMWARE.elf [OPTIONS]\n\n"
            "Run a Cortex-M or RV32 firmware image on a simulated board, in simulated time, and\n"
            "record its garbage collector: pauses, phases, allocations, heap use, interrupt latency.\n"
            "The console UART is stdin and stdout (--uart pty: a pseudo-terminal); baregc's own\n"
            "messages and the run summary go to stderr.\n\n"
            "Options:\n");
    session_usage(out);
    gdb_options_usage(out);
    fprintf(out,
            "  --help               this text\n\n"
            "Exit status:\n"
            "  0-63  the firmware's own exit status (semihosting SYS_EXIT / SYS_EXIT_EXTENDED;\n"
            "        a SYSRESETREQ counts as 0)\n"
            "  %d    bad command line          %d  bad firmware image\n"
            "  %d    input file not readable   %d  bad or unsuitable board\n"
            "  %d    bad --gc-profile, or a runtime symbol missing\n"
            "  %d    internal error            %d  an output not writable (file, UART, stdout),\n"
            "                                      or the --gdb address unusable\n"
            "  %d    memory fault (unmapped, beyond --sram, write to flash)\n"
            "  %d    stack overflow            %d  HardFault / lockup / unhandled trap\n"
            "  %d    undefined instruction     %d  --max-cycles / --max-time reached\n"
            "  %d    deadlock (sleeps forever)\n"
            "  %d    the firmware's exit status is outside 0-63 (summary.json has it whole)\n"
            "  128+N stopped by signal N: %d SIGINT (Ctrl-C), %d SIGTERM, %d SIGHUP, %d SIGPIPE;\n"
            "        --out files are still written, marked partial\n",
            EXIT_USAGE, EXIT_BAD_IMAGE, EXIT_NO_INPUT, EXIT_BAD_BOARD, EXIT_BAD_PROFILE, EXIT_INTERNAL, EXIT_IO,
            EXIT_FAULT_MEMORY, EXIT_FAULT_STACK, EXIT_FAULT_HARD, EXIT_FAULT_INSN, EXIT_TIMEOUT, EXIT_DEADLOCK,
            EXIT_FIRMWARE_OTHER, EXIT_INTERRUPTED, stopsig_exit_code(SIGTERM), stopsig_exit_code(SIGHUP),
            stopsig_exit_code(SIGPIPE));
}

static int parse_args(SessionOptions *o, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int r = session_parse_option(o, "run", argc, argv, &i);
        if (r < 0)
            return -1;
        if (r > 0)
            continue;
        if ((r = gdb_options_parse(&o->gdb, argc, argv, &i)) != 0) {
            if (r < 0)
                return -1;
            continue;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            run_usage(stdout);
            return 1;
        } else if (a[0] == '-' && a[1]) {
            cmd_unknown_option(&cmd_run, a);
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
    return gdb_options_check(&o->gdb);
}

static int run_exec(int argc, char **argv)
{
    SessionOptions o = {0};
    int r = parse_args(&o, argc, argv);
    if (r)
        return r > 0 ? EXIT_OK : EXIT_USAGE;
    log_set_quiet(o.quiet);
    int rc;
    Session *s = session_open(&o, &rc);
    if (!s)
        return rc;
    Progress *p = progress_start(s, &o);
    session_run(s);
    progress_end(p);
    rc = session_finish(s);
    session_close(s);
    return rc;
}

const Command cmd_run = {
    .name = "run",
    .summary = "run a firmware image and record its GC (UART on stdout, summary on stderr)",
    .exec = run_exec,
    .usage = run_usage,
};
