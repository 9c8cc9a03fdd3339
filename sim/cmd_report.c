/* cmd_report.c: `baregc report DIR`: one self-contained HTML page of a recorded run. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/cmd.h"
#include "sim/exitcode.h"
#include "base/outfile.h"
#include "base/util.h"
#include "traces/budget.h"
#include "traces/report.h"
#include "traces/stats.h"
#include "traces/traces.h"

static void report_usage(FILE *out)
{
    fprintf(out, "Usage: baregc report DIR [--budget BUDGET.json] [--baseline DIR0] [-o FILE]\n\n"
                 "Write one self-contained HTML page (inline CSS and SVG; nothing is fetched) about a run\n"
                 "recorded with `baregc run --out DIR` (it reads DIR/record.json): the run facts, the\n"
                 "budget table when a budget is given, the pause timeline (with the budget's pause limit),\n"
                 "the pause histogram, the MMU curve, heap use and the largest free block over time\n"
                 "against the SRAM limit, the top allocation sites and the gctrace lines. With a\n"
                 "baseline, a section comparing the run with it: the table of `baregc diff DIR0 DIR`,\n"
                 "the allocation sites and collection triggers that grew, both pause histograms and\n"
                 "both MMU curves. Prints where it wrote the page.\n\n"
                 "Options:\n"
                 "  --budget FILE        hold the run against this budget (as `baregc check`)\n"
                 "  --baseline DIR0      compare with an earlier run recorded with --out\n"
                 "  -o, --output FILE    where to write the page (default DIR/report.html)\n"
                 "  --help               this text\n\n"
                 "Exit status: 0 written, %d bad command line, %d the record.json or events.bin of DIR\n"
                 "or DIR0, or the budget, missing or unreadable, %d the page cannot be written.\n",
            EXIT_USAGE, EXIT_NO_INPUT, EXIT_IO);
}

typedef struct Page {
    const Recording *r;
    const Budget *b;
    const Measured *m;
    const BudgetReport *rep;
    const Recording *base;
    const char *base_dir;
} Page;

static int put_page(void *ctx, FILE *f, char **err)
{
    const Page *p = ctx;
    (void)err;
    return report_write_html_baseline(p->r, NULL, p->b, p->m, p->rep, p->base, p->base_dir, f);
}

/* Writes to path as base/outfile.h does: whole, or through to a device. */
static int write_page(const char *path, const Recording *r, const Budget *b, const Measured *m,
                      const BudgetReport *rep, const Recording *base, const char *base_dir, char **err)
{
    return outfile_write(path, put_page, &(Page){r, b, m, rep, base, base_dir}, err);
}

static int exec_report(int argc, char **argv)
{
    const char *dir = NULL, *budget = NULL, *out = NULL, *base_dir = NULL;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if ((!strcmp(s, "--budget") || !strcmp(s, "-o") || !strcmp(s, "--output") || !strcmp(s, "--baseline"))) {
            if (i + 1 >= argc) {
                fprintf(stderr, "baregc report: %s needs a value\n", s);
                return EXIT_USAGE;
            }
            if (!strcmp(s, "--budget"))
                budget = argv[++i];
            else if (!strcmp(s, "--baseline"))
                base_dir = argv[++i];
            else
                out = argv[++i];
        } else if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            report_usage(stdout);
            return EXIT_OK;
        } else if (s[0] == '-' && s[1]) {
            cmd_unknown_option(&cmd_report, s);
            return EXIT_USAGE;
        } else if (dir) {
            fprintf(stderr, "baregc report: more than one directory given ('%s' and '%s')\n", dir, s);
            return EXIT_USAGE;
        } else {
            dir = s;
        }
    }
    if (!dir) {
        fprintf(stderr, "baregc report: no run directory given (see baregc report --help)\n");
        return EXIT_USAGE;
    }
    char *err = NULL;
    Recording *r = record_json_load(dir, &err);
    if (!r) {
        fprintf(stderr, "baregc report: %s\n", err);
        free(err);
        return EXIT_NO_INPUT;
    }
    Recording *base = NULL;
    if (base_dir && !(base = recorded_run_load(base_dir, &err))) {
        fprintf(stderr, "baregc report: --baseline: %s\n", err);
        free(err);
        rec_free(r);
        return EXIT_NO_INPUT;
    }
    Budget *b = NULL;
    Measured m;
    BudgetReport rep;
    memset(&m, 0, sizeof m);
    memset(&rep, 0, sizeof rep);
    if (budget) {
        b = budget_load(budget, &err);
        if (!b) {
            fprintf(stderr, "baregc report: %s\n", err);
            free(err);
            rec_free(base);
            rec_free(r);
            return EXIT_NO_INPUT;
        }
        Stats st;
        stats_compute(r, &st);
        measured_from_recording(&m, r, &st, NULL, b);
        stats_free(&st);
        budget_evaluate(b, &m, NULL, 0, &rep);
    }
    char *path = out ? xstrdup(out) : xasprintf("%s/report.html", dir);
    int rc = write_page(path, r, b, b ? &m : NULL, b ? &rep : NULL, base, base_dir, &err);
    if (rc < 0) {
        fprintf(stderr, "baregc report: %s\n", err);
        free(err);
    } else {
        printf("baregc report: wrote %s\n", path);
    }
    free(path);
    if (b) {
        budget_report_free(&rep);
        measured_free(&m);
        budget_free(b);
    }
    rec_free(base);
    rec_free(r);
    return rc < 0 ? EXIT_IO : EXIT_OK;
}

const Command cmd_report = {
    .name = "report",
    .summary = "write a self-contained HTML report of a recorded run",
    .exec = exec_report,
    .usage = report_usage,
};
