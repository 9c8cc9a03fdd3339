/* cmd_check.c: `baregc check`: hold a run (live, or recorded with --from) against a GC
 * budget file, optionally against a baseline run; a table, JUnit XML, exit 0/1/2. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cmd.h"
#include "sim/progress.h"
#include "sim/session.h"
#include "base/outfile.h"
#include "base/util.h"
#include "traces/budget.h"
#include "traces/stats.h"

/* The exit statuses of `baregc check` (not those of exitcode.h: CI wants three). */
enum {
    CHECK_PASS = 0,  /* every item within budget (and no regression) */
    CHECK_FAIL = 1,  /* an item beyond its limit, or regressed against the baseline */
    CHECK_ERROR = 2, /* bad command line or inputs, or the run failed */
};

static void check_usage(FILE *out)
{
    fprintf(out,
            "Usage: baregc check FIRMWARE.elf --budget BUDGET.json [OPTIONS] [RUN OPTIONS]\n"
            "       baregc check --from DIR --budget BUDGET.json [OPTIONS]\n\n"
            "Run a firmware image (or read a run recorded with `baregc run --out DIR`) and hold its\n"
            "garbage collector against a budget: pause lengths and percentiles, minimum mutator\n"
            "utilization, GC CPU fraction, peak heap, SRAM and stack headroom, fragmentation,\n"
            "allocation failures. Prints one line per budget item (measured, limit, margin,\n"
            "PASS/FAIL) and the worst pause with its trigger stack on stdout. The firmware's UART\n"
            "output is discarded unless --uart-out is given; the run summary goes to stderr\n"
            "(--quiet to drop it). Budget keys: README.md, examples/budget.json.\n\n"
            "Options:\n"
            "  --budget FILE        the budget (JSON); required\n"
            "  --from DIR           check a run recorded with --out instead of running FIRMWARE.elf\n"
            "                       (DIR/record.json and events.bin: the live run's verdicts)\n"
            "  --junit FILE         also write the verdicts as JUnit XML (one testcase per item)\n"
            "  --baseline DIR       compare with an earlier recorded run: an item that got worse by\n"
            "                       more than the tolerance fails, even inside its budget\n"
            "  --tolerance PCT      allowed worsening against the baseline, percent (default 0:\n"
            "                       the simulation is deterministic)\n"
            "  --help               this text\n\n"
            "Run options (as for `baregc run`; not with --from):\n");
    session_usage(out);
    fprintf(out,
            "\nA run that ends by --max-cycles / --max-time is checked like one that exits with status 0.\n"
            "--baseline DIR is read as --from DIR is (its record.json); items the baseline run could\n"
            "not observe are not compared.\n\n"
            "Exit status:\n"
            "  %d  every budget item passed (and nothing regressed against the baseline)\n"
            "  %d  a budget item failed, or an item regressed against the baseline\n"
            "  %d  bad command line, bad or unreadable budget, missing or bad DIR files, or the run\n"
            "     failed: the image could not be loaded, the firmware faulted, exited with a\n"
            "     non-zero status or was interrupted\n",
            CHECK_PASS, CHECK_FAIL, CHECK_ERROR);
}

typedef struct CheckArgs {
    SessionOptions so;
    bool run_opts;         /* a run option was given */
    const char *budget;
    const char *from;
    const char *junit;
    const char *baseline;
    double tolerance;      /* percent */
    bool have_tolerance;
} CheckArgs;

static const char *arg_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "baregc check: %s needs a value\n", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

/* 0 ok, 1 --help, -1 bad. */
static int parse_args(CheckArgs *a, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char **slot = NULL;
        if (!strcmp(s, "--budget"))
            slot = &a->budget;
        else if (!strcmp(s, "--from"))
            slot = &a->from;
        else if (!strcmp(s, "--junit"))
            slot = &a->junit;
        else if (!strcmp(s, "--baseline"))
            slot = &a->baseline;
        if (slot) {
            if (!(*slot = arg_value(argc, argv, &i)))
                return -1;
            continue;
        }
        if (!strcmp(s, "--tolerance")) {
            const char *v = arg_value(argc, argv, &i);
            if (!v)
                return -1;
            char *end;
            errno = 0;
            a->tolerance = strtod(v, &end);
            if (end == v || *end || errno || !isfinite(a->tolerance) || a->tolerance < 0) {
                fprintf(stderr, "baregc check: --tolerance: expected a percentage >= 0, got '%s'\n", v);
                return -1;
            }
            a->have_tolerance = true;
            continue;
        }
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            check_usage(stdout);
            return 1;
        }
        int r = session_parse_option(&a->so, "check", argc, argv, &i);
        if (r < 0)
            return -1;
        if (r > 0) {
            a->run_opts = true;
            continue;
        }
        if (s[0] == '-' && s[1]) {
            cmd_unknown_option(&cmd_check, s);
            return -1;
        }
        if (a->so.elf) {
            fprintf(stderr, "baregc check: more than one firmware image given ('%s' and '%s')\n", a->so.elf, s);
            return -1;
        }
        a->so.elf = s;
    }
    if (!a->budget) {
        fprintf(stderr, "baregc check: no --budget given (see baregc check --help)\n");
        return -1;
    }
    if (a->from && (a->so.elf || a->run_opts)) {
        fprintf(stderr, "baregc check: --from checks a recorded run: give no firmware image or run options\n");
        return -1;
    }
    if (!a->from && !a->so.elf) {
        fprintf(stderr, "baregc check: no firmware image (or --from DIR) given (see baregc check --help)\n");
        return -1;
    }
    if (a->have_tolerance && !a->baseline) {
        fprintf(stderr, "baregc check: --tolerance needs --baseline\n");
        return -1;
    }
    return 0;
}

/* What --junit writes: the verdicts (rep), or, when rep is NULL, one failing testcase
 * saying why the run could not be checked. */
typedef struct Junit {
    const BudgetReport *rep;
    const Measured *m;
    const char *why;
} Junit;

static int put_junit(void *ctx, FILE *f, char **err)
{
    const Junit *j = ctx;
    (void)err;
    return j->rep ? budget_write_junit(j->rep, j->m, f) : budget_write_junit_failed(j->m, j->why, f);
}

/* --junit FILE (base/outfile.h); rc, or CHECK_ERROR when it cannot be written. */
static int write_junit(const char *path, const Junit *j, int rc)
{
    char *err = NULL;
    if (outfile_write(path, put_junit, (void *)j, &err) == 0)
        return rc;
    fprintf(stderr, "baregc check: %s\n", err);
    free(err);
    return CHECK_ERROR;
}

/* Runs the firmware and fills m from its recording. CHECK_PASS when it ran (m filled),
 * CHECK_ERROR when it could not be set up or recorded (why says so). */
static int check_live(CheckArgs *a, const Budget *b, Measured *m, char *why, size_t n)
{
    if (!a->so.uart_out)
        a->so.uart_out = "/dev/null"; /* stdout is the table's */
    log_set_quiet(a->so.quiet);
    int rc;
    Session *s = session_open(&a->so, &rc);
    if (!s) {
        snprintf(why, n, "the firmware could not be run (baregc run would exit %d)", rc);
        return CHECK_ERROR;
    }
    Progress *p = progress_start(s, &a->so);
    session_run(s);
    progress_end(p);
    rc = session_finish(s);
    Recording *r = session_recording(s);
    Stats st;
    stats_compute(r, &st);
    measured_from_recording(m, r, &st, session_image(s), b);
    stats_free(&st);
    session_close(s);
    if (a->so.out_dir && rc != 0 && m->exit_code == 0) {
        snprintf(why, n, "the recording could not be written to %s", a->so.out_dir);
        measured_free(m);
        return CHECK_ERROR;
    }
    return CHECK_PASS;
}

static int check_exec(int argc, char **argv)
{
    CheckArgs a = {0};
    int r = parse_args(&a, argc, argv);
    if (r)
        return r > 0 ? CHECK_PASS : CHECK_ERROR;

    char *err = NULL;
    char why[512];
    int rc = CHECK_ERROR;
    Measured m = {0}, base = {0};
    bool have_m = false, have_base = false;
    Budget *b = budget_load(a.budget, &err);
    if (!b) {
        snprintf(why, sizeof why, "%s", err);
        free(err);
        goto fail;
    }
    if (a.baseline) {
        if (measured_from_dir(&base, a.baseline, b, &err) < 0) {
            snprintf(why, sizeof why, "--baseline: %s", err);
            free(err);
            goto fail;
        }
        have_base = true;
        char bwhy[200];
        if (!measured_run_ok(&base, bwhy, sizeof bwhy)) {
            snprintf(why, sizeof why, "--baseline %s: %s", a.baseline, bwhy);
            goto fail;
        }
    }
    if (a.from) {
        if (measured_from_dir(&m, a.from, b, &err) < 0) {
            snprintf(why, sizeof why, "%s", err);
            free(err);
            goto fail;
        }
    } else if (check_live(&a, b, &m, why, sizeof why) != CHECK_PASS) {
        goto fail;
    }
    have_m = true;
    char rwhy[200];
    if (!measured_run_ok(&m, rwhy, sizeof rwhy)) {
        snprintf(why, sizeof why, "cannot check this run: %s", rwhy);
        goto fail;
    }

    BudgetReport rep;
    budget_evaluate(b, &m, have_base ? &base : NULL, a.tolerance, &rep);
    budget_print_table(&rep, &m, stdout);
    fflush(stdout);
    rc = rep.failures || rep.regressions ? CHECK_FAIL : CHECK_PASS;
    if (a.junit)
        rc = write_junit(a.junit, &(Junit){.rep = &rep, .m = &m}, rc);
    budget_report_free(&rep);
    goto out;
fail: /* why: the reason, said, and the one failing testcase of the JUnit file */
    fprintf(stderr, "baregc check: %s\n", why);
    if (a.junit)
        write_junit(a.junit, &(Junit){.m = have_m ? &m : NULL, .why = why}, rc);
out:
    if (have_m)
        measured_free(&m);
    if (have_base)
        measured_free(&base);
    budget_free(b);
    return rc;
}

const Command cmd_check = {
    .name = "check",
    .summary = "hold a run (or a recorded one, --from) against a GC budget; exit 0 pass, 1 fail, 2 error",
    .exec = check_exec,
    .usage = check_usage,
    .io_status = CHECK_ERROR,
};
