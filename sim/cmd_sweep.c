/* cmd_sweep.c: `baregc sweep`: one firmware image over a matrix of SRAM sizes, clocks and
 * --set values, each run a child `baregc run` process, then a CSV and an HTML page. The
 * matrix can be listed (--plan), run a slice at a time on as many machines (--shard K/N)
 * and the slices joined into the same files (--merge). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <cjson/cJSON.h>

#include "sim/cmd.h"
#include "sim/exitcode.h"
#include "sim/options.h"
#include "base/crc.h"
#include "base/util.h"
#include "traces/budget.h"
#include "traces/report.h"

#define MAX_VALUES 64                  /* per swept parameter */
#define MAX_DIMS (2 + MACHINE_MAX_SETS) /* SRAM, clock, the --set variables */
#define MAX_JOBS 100000                /* runs in one sweep */
#define EXIT_RUN_FAILED 1              /* a run faulted, did not end well or failed its budget */
#define MANIFEST_FORMAT "baregc-sweep-shard/1"

static void sweep_usage(FILE *out)
{
    fprintf(out,
            "Usage: baregc sweep FIRMWARE.elf --sram 16K,24K,32K [--clock 25MHz,48MHz]\n"
            "                    [--set SYMBOL=V1,V2,...] [OPTIONS]\n"
            "       baregc sweep FIRMWARE.elf ... --plan | --shard K/N\n"
            "       baregc sweep --merge DIR... [-o DIR]\n\n"
            "Run a firmware image once per combination of the listed SRAM sizes, clocks and values of\n"
            "variables (in that order: SRAM sizes outermost, the last --set variable innermost), in\n"
            "parallel child processes (`baregc run ... --out DIR/<params> --quiet`, the firmware's output\n"
            "in DIR/<params>/uart.txt, baregc's messages in DIR/<params>/stderr.txt). Progress goes to\n"
            "stderr. Then writes DIR/sweep.csv, one row per run in matrix order (parameters, exit status,\n"
            "pauses, max pause and p99 in us, GC CPU fraction, peak heap, minimum SRAM headroom,\n"
            "allocation failures, out of memory, budget verdict), DIR/sweep.html (the table and a chart\n"
            "of max pause and p99 against SRAM, or the first --set variable) and DIR/sweep-1-of-1.json\n"
            "(the matrix and the rows, what --merge reads).\n\n"
            "Options:\n"
            "  --sram LIST          comma-separated SRAM sizes (e.g. 16K,24K,32K)\n"
            "  --clock LIST         comma-separated core clocks (e.g. 25MHz,48MHz)\n"
            "  --set SYMBOL=LIST    values of a variable of the image (e.g. demo_heap_bytes=16K,24K),\n"
            "                       written before reset as `baregc run --set` does; repeat it, or\n"
            "                       continue the list (A=1,2,B=3,4), for several variables\n"
            "  --budget FILE        hold each run against a budget: a PASS/FAIL column\n"
            "  -j N                 runs at once (default: the number of CPUs)\n"
            "  -o, --out DIR        where to write everything (default: sweep)\n"
            "  --plan               print the runs instead, one a line: its number, its parameters and\n"
            "                       its `baregc run` command line, tab-separated\n"
            "  --shard K/N          run only the runs numbered K, K+N, K+2N, ... (from 1, as --plan\n"
            "                       numbers them) and write DIR/sweep-K-of-N.json instead of the CSV\n"
            "                       and HTML; --merge joins the N shards\n"
            "  --merge DIR...       join the shards' DIR/sweep-K-of-N.json into sweep.csv and\n"
            "                       sweep.html in -o DIR, the same bytes as one sweep of every run\n"
            "  --board, --gc-runtime, --gc-profile, --max-cycles, --max-time, --cpu-sample-cycles,\n"
            "  --heap-sample, --uart-in, --keep-going\n"
            "                       passed to every run (see `baregc run --help`)\n"
            "  --help               this text\n\n"
            "A run is out of memory when an allocation failed or a fault ended it (exit 80-83). DIR must\n"
            "be new, empty or a sweep's: the run directories a sweep made there before are removed\n"
            "(a shard removes only its own and those of other sweeps). Ctrl-C, SIGTERM or SIGHUP stop\n"
            "the whole sweep: the runs under way stop and write their files (marked partial), and\n"
            "sweep.csv and sweep.html are written with the rows of the runs that ran (the others say\n"
            "\"not run\"). A second one ends the runs at once.\n\n"
            "Exit status: 0 every run ended well (its firmware exited with status 0 or reset, or it\n"
            "reached --max-cycles / --max-time) and met the budget, %d at least one did not (a fault,\n"
            "a non-zero exit status, a deadlock, a run that could not start, a budget failed: the CSV\n"
            "says which), %d bad command line, a --set the image cannot take, or an -o DIR that is not\n"
            "a sweep's, %d the image, the budget or a shard's files are missing, unreadable, partial\n"
            "or from another sweep, %d an output file cannot be written, %d a run could not be started,\n"
            "130 / 143 / 129 stopped by SIGINT / SIGTERM / SIGHUP (and the image's own set-up errors,\n"
            "65-68, as `baregc run`).\n",
            EXIT_RUN_FAILED, EXIT_USAGE, EXIT_NO_INPUT, EXIT_IO, EXIT_INTERNAL);
}

/* Options handed through to every run, and whether they take a value. */
static const struct {
    const char *name;
    bool value;
} passthrough[] = {
    {"--board", true},      {"--gc-runtime", true},        {"--gc-profile", true},
    {"--max-cycles", true}, {"--max-time", true},          {"--cpu-sample-cycles", true},
    {"--heap-sample", true}, {"--uart-in", true},          {"--keep-going", false},
};

/* ---- the matrix ---- */

typedef enum DimKind { DIM_SRAM, DIM_CLOCK, DIM_SET } DimKind;

/* One swept parameter and its values. */
typedef struct Dim {
    DimKind kind;
    char *symbol;              /* DIM_SET: the variable (owned) */
    char *text[MAX_VALUES];    /* the values as given (owned) */
    uint64_t num[MAX_VALUES];  /* bytes, Hz, or a --set value's magnitude */
    bool neg[MAX_VALUES];      /* a negative --set value */
    size_t n;
} Dim;

typedef struct Sweep {
    char *elf;                 /* as given (owned) */
    char *budget;              /* --budget FILE (owned; NULL: none) */
    const char *out;           /* -o DIR */
    int jobs;                  /* -j (0: the number of CPUs) */
    Dim dim[MAX_DIMS];         /* SRAM, clock, then each --set variable; n == 0: not swept */
    size_t ndim;
    char **pass;               /* passed to every run (owned) */
    size_t npass;
    bool plan;                 /* --plan */
    unsigned shard, nshards;   /* --shard K/N (1/1: every run) */
    bool merge;                /* --merge */
    char **merge_dirs;         /* its directories (argv's) */
    size_t nmerge;
    size_t njobs;              /* runs in the whole matrix */
    char crc[9];               /* the image's CRC-32, hex */
} Sweep;

static const char *dim_option(const Dim *d)
{
    return d->kind == DIM_SRAM ? "--sram" : d->kind == DIM_CLOCK ? "--clock" : "--set";
}

/* Parses one value of d and appends it. -1 after printing an error. */
static int dim_add(Dim *d, const char *text)
{
    uint64_t x = 0;
    bool neg = false, ok;
    const char *what;
    if (d->kind == DIM_SRAM) {
        ok = parse_size(text, &x) == 0 && x > 0;
        what = "a size (e.g. 24K)";
    } else if (d->kind == DIM_CLOCK) {
        ok = parse_hz(text, &x) == 0 && x > 0 && x <= UINT32_MAX;
        what = "a clock (e.g. 48MHz)";
    } else {
        ok = machine_set_value_parse(text, &x, &neg) == 0;
        what = "an integer or a size (e.g. 24K)";
    }
    const char *name = d->kind == DIM_SET ? d->symbol : dim_option(d);
    if (!ok) {
        fprintf(stderr, "baregc sweep: %s: '%s' is not %s\n", name, text, what);
        return -1;
    }
    if (d->n == MAX_VALUES) {
        fprintf(stderr, "baregc sweep: %s: more than %d values\n", name, MAX_VALUES);
        return -1;
    }
    for (size_t k = 0; k < d->n; k++)
        if (d->num[k] == x && d->neg[k] == neg) {
            fprintf(stderr, "baregc sweep: %s: '%s' is listed twice\n", name, text);
            return -1;
        }
    d->text[d->n] = xstrdup(text);
    d->num[d->n] = x;
    d->neg[d->n++] = neg;
    return 0;
}

/* The --set variable's dimension, made when it is new. NULL after an error. */
static Dim *set_dim(Sweep *sw, const char *symbol)
{
    for (size_t i = 2; i < sw->ndim; i++)
        if (!strcmp(sw->dim[i].symbol, symbol))
            return &sw->dim[i];
    if (sw->ndim == MAX_DIMS) {
        fprintf(stderr, "baregc sweep: --set: more than %d variables\n", MACHINE_MAX_SETS);
        return NULL;
    }
    Dim *d = &sw->dim[sw->ndim++];
    d->kind = DIM_SET;
    d->symbol = xstrdup(symbol);
    return d;
}

/* A --sram or --clock list, or a --set list (SYMBOL=VALUE starts a variable, a bare
 * VALUE continues the last one). -1 after printing an error. */
static int add_list(Sweep *sw, const char *opt, const char *list)
{
    char item[MACHINE_SET_SYMBOL_MAX + 32];
    const char *p = list;
    Dim *d = !strcmp(opt, "--sram") ? &sw->dim[0] : !strcmp(opt, "--clock") ? &sw->dim[1] : NULL;
    int got;
    while ((got = options_list_next(&p, item, sizeof item)) > 0) {
        char *eq = d && d->kind != DIM_SET ? NULL : strchr(item, '=');
        if (eq && eq != item) {
            *eq = 0;
            if (!(d = set_dim(sw, item)))
                return -1;
        } else if (!d || eq) {
            fprintf(stderr, "baregc sweep: --set: expected SYMBOL=VALUE first, got '%s'\n", item);
            return -1;
        }
        if (dim_add(d, eq ? eq + 1 : item) < 0)
            return -1;
    }
    if (got != 0) {
        fprintf(stderr, "baregc sweep: %s: an empty or too long item in '%s'\n", opt, list);
        return -1;
    }
    return 0;
}

/* The runs of the matrix: job j's index into the values of each swept dimension (the
 * last dimension varies fastest). */
static size_t job_value(const Sweep *sw, size_t j, size_t d)
{
    size_t stride = 1;
    for (size_t k = d + 1; k < sw->ndim; k++)
        if (sw->dim[k].n)
            stride *= sw->dim[k].n;
    return j / stride % sw->dim[d].n;
}

static bool in_shard(const Sweep *sw, size_t j)
{
    return j % sw->nshards == sw->shard - 1;
}

/* The dimension the chart puts on its x axis: SRAM, else the first --set variable,
 * else the clock. */
static size_t x_dim(const Sweep *sw)
{
    if (sw->dim[0].n)
        return 0;
    for (size_t d = 2; d < sw->ndim; d++)
        if (sw->dim[d].n)
            return d;
    return 1;
}

/* Appends to buf (n bytes) as snprintf does. */
static void append(char *buf, size_t n, const char *fmt, ...) BG_PRINTF(3, 4);
static void append(char *buf, size_t n, const char *fmt, ...)
{
    size_t l = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + l, n - l, fmt, ap);
    va_end(ap);
}

/* A directory name from parameter values: characters other than [A-Za-z0-9._-]
 * become '_'. */
static void dir_append(char *buf, size_t n, const char *key, const char *val)
{
    size_t l = strlen(buf);
    snprintf(buf + l, n - l, "%s%s-%s", l ? "_" : "", key, val);
    for (char *p = buf + l; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
              *p == '-' || *p == '_'))
            *p = '_';
}

/* A job's row as far as the matrix says: parameters, directory, chart position. */
static void row_init(const Sweep *sw, size_t j, SweepRow *w)
{
    char params[4096] = "", name[4096] = "", series[4096] = "";
    size_t xd = x_dim(sw);
    for (size_t d = 0; d < sw->ndim; d++) {
        const Dim *dm = &sw->dim[d];
        if (!dm->n)
            continue;
        size_t v = job_value(sw, j, d);
        char one[256];
        if (dm->kind == DIM_SET)
            snprintf(one, sizeof one, "--set %s=%s", dm->symbol, dm->text[v]);
        else
            snprintf(one, sizeof one, "%s %s", dim_option(dm), dm->text[v]);
        append(params, sizeof params, "%s%s", params[0] ? " " : "", one);
        dir_append(name, sizeof name, dm->kind == DIM_SET ? dm->symbol : dim_option(dm) + 2, dm->text[v]);
        if (d == xd) {
            w->x = dm->neg[v] ? -(double)dm->num[v] : (double)dm->num[v];
            w->x_text = xstrdup(dm->text[v]);
        } else {
            append(series, sizeof series, "%s%s", series[0] ? " " : "", one);
        }
    }
    w->params = xstrdup(params);
    w->dir = xstrdup(name);
    w->series = xstrdup(series);
    w->status = -1;
    w->verdict = -1;
}

static void rows_free(SweepRow *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) {
        free(rows[i].params);
        free(rows[i].dir);
        free(rows[i].x_text);
        free(rows[i].series);
        free(rows[i].exit_reason);
    }
    free(rows);
}

/* The child's command line for job j (a NULL-terminated array of owned strings). */
static char **job_argv(const Sweep *sw, size_t j, const char *outdir, const char *argv0)
{
    char **argv = xcalloc(2 * sw->ndim + sw->npass + 8, sizeof *argv);
    size_t k = 0;
    argv[k++] = xstrdup(argv0);
    argv[k++] = xstrdup("run");
    argv[k++] = xstrdup(sw->elf);
    for (size_t d = 0; d < sw->ndim; d++) {
        const Dim *dm = &sw->dim[d];
        if (!dm->n)
            continue;
        size_t v = job_value(sw, j, d);
        argv[k++] = xstrdup(dim_option(dm));
        argv[k++] = dm->kind == DIM_SET ? xasprintf("%s=%s", dm->symbol, dm->text[v]) : xstrdup(dm->text[v]);
    }
    for (size_t i = 0; i < sw->npass; i++)
        argv[k++] = xstrdup(sw->pass[i]);
    argv[k++] = xstrdup("--out");
    argv[k++] = xstrdup(outdir);
    argv[k++] = xstrdup("--quiet");
    return argv;
}

static void argv_free(char **argv)
{
    for (size_t i = 0; argv[i]; i++)
        free(argv[i]);
    free(argv);
}

/* s as one shell word: as it is when that is safe, else in single quotes. */
static void shell_word(FILE *f, const char *s)
{
    static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+=/.,:@%";
    if (*s && strspn(s, safe) == strlen(s)) {
        fputs(s, f);
        return;
    }
    fputc('\'', f);
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    fputc('\'', f);
}

/* --plan: this shard's runs, one a line: number (from 1), parameters, command line. */
static void print_plan(const Sweep *sw, const SweepRow *rows)
{
    for (size_t j = 0; j < sw->njobs; j++) {
        if (!in_shard(sw, j))
            continue;
        char *outdir = xasprintf("%s/%s", sw->out, rows[j].dir);
        char **argv = job_argv(sw, j, outdir, cmd_program);
        printf("%zu\t%s\t", j + 1, rows[j].params);
        for (size_t k = 0; argv[k]; k++) {
            if (k)
                putchar(' ');
            shell_word(stdout, argv[k]);
        }
        putchar('\n');
        argv_free(argv);
        free(outdir);
    }
}

/* ---- the command line ---- */

/* "K/N" with 1 <= K <= N. */
static int parse_shard(Sweep *sw, const char *v)
{
    unsigned k, n;
    char end;
    if (sscanf(v, "%u/%u%c", &k, &n, &end) != 2 || k < 1 || k > n || n > MAX_JOBS) {
        fprintf(stderr, "baregc sweep: --shard: expected K/N with 1 <= K <= N (e.g. 2/4), got '%s'\n", v);
        return -1;
    }
    sw->shard = k;
    sw->nshards = n;
    return 0;
}

/* A passed-through option at argv[*i] (with its value). 0 when it is not one. */
static int take_passthrough(Sweep *sw, int argc, char **argv, int *i)
{
    size_t k = 0;
    while (k < ARRAY_SIZE(passthrough) && strcmp(argv[*i], passthrough[k].name))
        k++;
    if (k == ARRAY_SIZE(passthrough))
        return 0;
    sw->pass[sw->npass++] = xstrdup(argv[*i]);
    if (passthrough[k].value) {
        if (*i + 1 >= argc) {
            fprintf(stderr, "baregc sweep: %s needs a value\n", argv[*i]);
            return -1;
        }
        sw->pass[sw->npass++] = xstrdup(argv[++*i]);
    }
    return 1;
}

/* What the command line asks for is consistent. -1 after printing an error. */
static int check_args(Sweep *sw, bool matrix_opts)
{
    if (sw->merge) {
        if (matrix_opts || !sw->nmerge) {
            fprintf(stderr, "baregc sweep: --merge takes the shards' directories and -o only\n");
            return -1;
        }
        return 0;
    }
    if (!sw->elf) {
        fprintf(stderr, "baregc sweep: no firmware image given (see baregc sweep --help)\n");
        return -1;
    }
    size_t n = 1;
    bool any = false;
    for (size_t d = 0; d < sw->ndim; d++) {
        if (!sw->dim[d].n)
            continue;
        any = true;
        n *= sw->dim[d].n;
        if (n > MAX_JOBS) {
            fprintf(stderr, "baregc sweep: more than %d runs\n", MAX_JOBS);
            return -1;
        }
    }
    if (!any) {
        fprintf(stderr, "baregc sweep: nothing to sweep: give --sram, --clock and/or --set lists\n");
        return -1;
    }
    sw->njobs = n;
    return 0;
}

/* 0 ok, 1 --help, -1 bad. */
static int parse_args(Sweep *sw, int argc, char **argv)
{
    sw->pass = xcalloc((size_t)argc + 1, sizeof *sw->pass);
    sw->merge_dirs = xcalloc((size_t)argc + 1, sizeof *sw->merge_dirs);
    char **positional = xcalloc((size_t)argc + 1, sizeof *positional);
    size_t npos = 0;
    bool matrix_opts = false; /* options that make no sense with --merge */
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        const char *s = argv[i];
        bool needs = !strcmp(s, "--sram") || !strcmp(s, "--clock") || !strcmp(s, "--set") ||
                     !strcmp(s, "--budget") || !strcmp(s, "-j") || !strcmp(s, "-o") || !strcmp(s, "--out") ||
                     !strcmp(s, "--shard");
        if (needs && i + 1 >= argc) {
            fprintf(stderr, "baregc sweep: %s needs a value\n", s);
            rc = -1;
        } else if (!strcmp(s, "-o") || !strcmp(s, "--out")) {
            sw->out = argv[++i];
        } else if (!strcmp(s, "--merge")) {
            sw->merge = true;
        } else if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            sweep_usage(stdout);
            rc = 1;
        } else if (!strcmp(s, "--sram") || !strcmp(s, "--clock") || !strcmp(s, "--set")) {
            matrix_opts = true;
            rc = add_list(sw, s, argv[++i]);
        } else if (!strcmp(s, "--budget")) {
            matrix_opts = true;
            free(sw->budget);
            sw->budget = xstrdup(argv[++i]);
        } else if (!strcmp(s, "-j")) {
            uint64_t j;
            if (parse_u64(argv[++i], &j) < 0 || j == 0 || j > 256) {
                fprintf(stderr, "baregc sweep: -j: expected 1..256, got '%s'\n", argv[i]);
                rc = -1;
            }
            sw->jobs = (int)j;
        } else if (!strcmp(s, "--plan")) {
            matrix_opts = sw->plan = true;
        } else if (!strcmp(s, "--shard")) {
            matrix_opts = true;
            rc = parse_shard(sw, argv[++i]);
        } else if (s[0] == '-' && s[1]) {
            matrix_opts = true;
            rc = take_passthrough(sw, argc, argv, &i);
            if (rc == 0) {
                cmd_unknown_option(&cmd_sweep, s);
                rc = -1;
            } else if (rc > 0) {
                rc = 0;
            }
        } else {
            positional[npos++] = argv[i];
        }
    }
    if (rc == 0 && sw->merge) {
        memcpy(sw->merge_dirs, positional, npos * sizeof *positional);
        sw->nmerge = npos;
    } else if (rc == 0 && npos > 1) {
        fprintf(stderr, "baregc sweep: more than one firmware image given ('%s' and '%s')\n", positional[0],
                positional[1]);
        rc = -1;
    } else if (rc == 0 && npos == 1) {
        sw->elf = xstrdup(positional[0]);
    }
    free(positional);
    return rc == 0 ? check_args(sw, matrix_opts) : rc;
}

/* An empty sweep (no image, nothing swept) writing into out. */
static void sweep_init(Sweep *sw, const char *out)
{
    memset(sw, 0, sizeof *sw);
    sw->out = out;
    sw->shard = sw->nshards = 1;
    sw->ndim = 2;
    sw->dim[0].kind = DIM_SRAM;
    sw->dim[1].kind = DIM_CLOCK;
}

static void sweep_free(Sweep *sw)
{
    for (size_t d = 0; d < sw->ndim; d++) {
        for (size_t k = 0; k < sw->dim[d].n; k++)
            free(sw->dim[d].text[k]);
        free(sw->dim[d].symbol);
    }
    for (size_t i = 0; i < sw->npass; i++)
        free(sw->pass[i]);
    free(sw->pass);
    free(sw->merge_dirs);
    free(sw->elf);
    free(sw->budget);
}

/* Before any run: the image loads and fits (its board from --board, or chosen), each
 * --set value can be written into it; and its CRC-32. The exit status. */
static int check_image(Sweep *sw)
{
    uint8_t *buf;
    size_t len;
    char *err = NULL;
    if (read_whole_file(sw->elf, &buf, &len, &err) < 0) {
        fprintf(stderr, "baregc sweep: %s\n", err);
        free(err);
        return EXIT_NO_INPUT;
    }
    snprintf(sw->crc, sizeof sw->crc, "%08x", crc32_of(0, buf, len));
    free(buf);
    MachineOptions mo = {0};
    for (size_t i = 0; i + 1 < sw->npass; i++)
        if (!strcmp(sw->pass[i], "--board"))
            mo.board = sw->pass[i + 1];
    Image *img;
    Board *b;
    int rc = machine_setup(&mo, sw->elf, true, &img, &b);
    for (size_t d = 2; rc == EXIT_OK && d < sw->ndim; d++) {
        const Dim *dm = &sw->dim[d];
        for (size_t v = 0; v < dm->n && rc == EXIT_OK; v++) {
            MachineWrite w;
            if (machine_resolve_write(b, img, dm->symbol, dm->num[v], dm->neg[v], &w, &err) < 0) {
                fprintf(stderr, "baregc sweep: --set %s=%s: %s\n", dm->symbol, dm->text[v], err);
                free(err);
                err = NULL;
                rc = EXIT_USAGE;
            }
        }
    }
    board_free(b);
    image_free(img);
    return rc;
}

/* ---- the shard manifest: the matrix and the rows of the runs that ran ---- */

/* What identifies a sweep: the image (path and CRC-32), the budget file, the options
 * passed to the runs and the matrix. Shards of one sweep have the same. */
static cJSON *plan_json(const Sweep *sw)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "image", sw->elf);
    cJSON_AddStringToObject(p, "image_crc32", sw->crc);
    if (sw->budget)
        cJSON_AddStringToObject(p, "budget", sw->budget);
    else
        cJSON_AddNullToObject(p, "budget");
    cJSON *opts = cJSON_AddArrayToObject(p, "options");
    for (size_t i = 0; i < sw->npass; i++)
        cJSON_AddItemToArray(opts, cJSON_CreateString(sw->pass[i]));
    cJSON *dims = cJSON_AddArrayToObject(p, "parameters");
    for (size_t d = 0; d < sw->ndim; d++) {
        const Dim *dm = &sw->dim[d];
        if (!dm->n)
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "option", dim_option(dm));
        if (dm->kind == DIM_SET)
            cJSON_AddStringToObject(o, "symbol", dm->symbol);
        cJSON_AddItemToObject(o, "values", cJSON_CreateStringArray((const char *const *)dm->text, (int)dm->n));
        cJSON_AddItemToArray(dims, o);
    }
    return p;
}

static char *json_text(const cJSON *j)
{
    char *s = cJSON_PrintUnformatted(j);
    char *t = xstrdup(s ? s : "");
    cJSON_free(s);
    return t;
}

/* The sweep a manifest's plan describes (the inverse of plan_json). -1 with *err. */
static int sweep_from_plan(Sweep *sw, const cJSON *plan, char **err)
{
    const cJSON *image = cJSON_GetObjectItemCaseSensitive(plan, "image");
    const cJSON *crc = cJSON_GetObjectItemCaseSensitive(plan, "image_crc32");
    const cJSON *budget = cJSON_GetObjectItemCaseSensitive(plan, "budget");
    const cJSON *opts = cJSON_GetObjectItemCaseSensitive(plan, "options");
    const cJSON *dims = cJSON_GetObjectItemCaseSensitive(plan, "parameters");
    if (!cJSON_IsString(image) || !cJSON_IsString(crc) || strlen(crc->valuestring) >= sizeof sw->crc ||
        !cJSON_IsArray(opts) || !cJSON_IsArray(dims)) {
        set_err(err, "not a sweep's plan");
        return -1;
    }
    sw->elf = xstrdup(image->valuestring);
    strcpy(sw->crc, crc->valuestring);
    sw->budget = cJSON_IsString(budget) ? xstrdup(budget->valuestring) : NULL;
    sw->pass = xcalloc((size_t)cJSON_GetArraySize(opts) + 1, sizeof *sw->pass);
    const cJSON *o;
    cJSON_ArrayForEach(o, opts)
    {
        if (!cJSON_IsString(o)) {
            set_err(err, "a run option is not a string");
            return -1;
        }
        sw->pass[sw->npass++] = xstrdup(o->valuestring);
    }
    cJSON_ArrayForEach(o, dims)
    {
        const cJSON *opt = cJSON_GetObjectItemCaseSensitive(o, "option");
        const cJSON *sym = cJSON_GetObjectItemCaseSensitive(o, "symbol");
        const cJSON *vals = cJSON_GetObjectItemCaseSensitive(o, "values");
        if (!cJSON_IsString(opt) || !cJSON_IsArray(vals)) {
            set_err(err, "a parameter without option or values");
            return -1;
        }
        Dim *d = !strcmp(opt->valuestring, "--sram")    ? &sw->dim[0]
                 : !strcmp(opt->valuestring, "--clock") ? &sw->dim[1]
                 : cJSON_IsString(sym)                  ? set_dim(sw, sym->valuestring)
                                                        : NULL;
        const cJSON *v;
        cJSON_ArrayForEach(v, vals)
        {
            if (!d || !cJSON_IsString(v) || dim_add(d, v->valuestring) < 0) {
                set_err(err, "a bad parameter (%s)", opt->valuestring);
                return -1;
            }
        }
    }
    return check_args(sw, false) < 0 ? (set_err(err, "no parameters"), -1) : 0;
}

static void add_num(cJSON *o, const char *key, bool known, double v)
{
    if (known)
        cJSON_AddNumberToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static cJSON *row_json(size_t j, const SweepRow *w)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "job", (double)(j + 1));
    cJSON_AddNumberToObject(o, "status", w->status);
    add_num(o, "exit_status", w->has_exit_status, (double)w->exit_status);
    if (w->exit_reason)
        cJSON_AddStringToObject(o, "exit_reason", w->exit_reason);
    else
        cJSON_AddNullToObject(o, "exit_reason");
    add_num(o, "pauses", w->has_summary, w->pauses);
    add_num(o, "max_pause_us", w->has_max_pause, w->max_pause_us);
    add_num(o, "p99_us", w->has_p99, w->p99_us);
    add_num(o, "gc_cpu_fraction", w->has_summary, w->gc_cpu_fraction);
    add_num(o, "peak_heap_bytes", w->has_peak, w->peak_heap);
    add_num(o, "min_headroom_bytes", w->has_headroom, w->min_headroom);
    add_num(o, "alloc_failures", w->has_summary, w->alloc_failures);
    cJSON_AddBoolToObject(o, "out_of_memory", w->oom);
    add_num(o, "verdict", w->verdict >= 0, w->verdict);
    return o;
}

static bool jnum(const cJSON *v, double *out)
{
    if (!cJSON_IsNumber(v))
        return false;
    *out = v->valuedouble;
    return true;
}

static const cJSON *jget(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* The row a manifest recorded (the inverse of row_json). */
static void row_from_json(SweepRow *w, const cJSON *o)
{
    double v;
    w->ran = true;
    w->status = jnum(jget(o, "status"), &v) ? (int)v : -1;
    if ((w->has_exit_status = jnum(jget(o, "exit_status"), &v)))
        w->exit_status = (long long)v;
    const cJSON *er = jget(o, "exit_reason");
    if (cJSON_IsString(er))
        w->exit_reason = xstrdup(er->valuestring);
    w->has_summary = jnum(jget(o, "pauses"), &w->pauses) && jnum(jget(o, "gc_cpu_fraction"), &w->gc_cpu_fraction);
    jnum(jget(o, "alloc_failures"), &w->alloc_failures);
    w->has_max_pause = jnum(jget(o, "max_pause_us"), &w->max_pause_us);
    w->has_p99 = jnum(jget(o, "p99_us"), &w->p99_us);
    w->has_peak = jnum(jget(o, "peak_heap_bytes"), &w->peak_heap);
    w->has_headroom = jnum(jget(o, "min_headroom_bytes"), &w->min_headroom);
    w->oom = cJSON_IsTrue(jget(o, "out_of_memory"));
    w->verdict = jnum(jget(o, "verdict"), &v) ? (int)v : -1;
}

static char *manifest_path(const char *dir, unsigned k, unsigned n)
{
    return xasprintf("%s/sweep-%u-of-%u.json", dir, k, n);
}

/* Is name "sweep-K-of-N.json"? */
static bool manifest_name(const char *name, unsigned *k, unsigned *n)
{
    char tail[8];
    return sscanf(name, "sweep-%u-of-%u.%7s", k, n, tail) == 3 && !strcmp(tail, "json");
}

/* path written through path.tmp and a rename; -1 with a message on stderr. */
static int write_via_tmp(const char *path, int (*fill)(const void *ctx, FILE *f), const void *ctx)
{
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    int rc = -1;
    errno = 0;
    if (f) {
        rc = fill(ctx, f);
        if (fclose(f) != 0)
            rc = -1;
        if (rc == 0 && rename(tmp, path) < 0)
            rc = -1;
    }
    if (rc < 0) {
        fprintf(stderr, "baregc sweep: %s: cannot write: %s\n", path, strerror(errno ? errno : EIO));
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

static int fill_text(const void *ctx, FILE *f)
{
    fputs(ctx, f);
    return ferror(f) ? -1 : 0;
}

/* DIR/sweep-K-of-N.json: the plan, the shard, the directories of its runs and the
 * rows of those that ran (partial: not all of them ran, or ended). */
static int write_manifest(const Sweep *sw, const SweepRow *rows, bool partial)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "format", MANIFEST_FORMAT);
    cJSON_AddItemToObject(m, "plan", plan_json(sw));
    cJSON_AddNumberToObject(m, "shard", sw->shard);
    cJSON_AddNumberToObject(m, "shards", sw->nshards);
    cJSON_AddBoolToObject(m, "partial", partial);
    cJSON *dirs = cJSON_AddArrayToObject(m, "dirs");
    cJSON *jrows = cJSON_AddArrayToObject(m, "rows");
    for (size_t j = 0; j < sw->njobs; j++) {
        if (!in_shard(sw, j))
            continue;
        cJSON_AddItemToArray(dirs, cJSON_CreateString(rows[j].dir));
        if (rows[j].ran)
            cJSON_AddItemToArray(jrows, row_json(j, &rows[j]));
    }
    char *text = cJSON_Print(m);
    cJSON_Delete(m);
    char *path = manifest_path(sw->out, sw->shard, sw->nshards);
    char *t = xasprintf("%s\n", text ? text : "");
    int rc = write_via_tmp(path, fill_text, t);
    cJSON_free(text);
    free(t);
    free(path);
    return rc;
}

/* A manifest file's JSON, or NULL with *err. */
static cJSON *manifest_load(const char *path, char **err)
{
    char *text = read_text_file(path, NULL, err);
    if (!text)
        return NULL;
    cJSON *m = cJSON_Parse(text);
    free(text);
    const cJSON *fmt = jget(m, "format");
    double k = 0, n = 0;
    jnum(jget(m, "shard"), &k);
    jnum(jget(m, "shards"), &n);
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, MANIFEST_FORMAT) || !cJSON_IsObject(jget(m, "plan")) ||
        !cJSON_IsArray(jget(m, "rows")) || !(n >= 1 && n <= MAX_JOBS && k >= 1 && k <= n) || k != (unsigned)k ||
        n != (unsigned)n) {
        set_err(err, "%s: not a sweep shard's file (%s)", path, MANIFEST_FORMAT);
        cJSON_Delete(m);
        return NULL;
    }
    return m;
}

/* ---- the output directory ---- */

/* Creates directory d and the missing directories above it (mkdir -p). */
static int make_dir(const char *d, char **err)
{
    char *p = xstrdup(d);
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = 0;
        mkdir(p, 0777); /* (failures show at the last step) */
        *s = '/';
    }
    free(p);
    if (mkdir(d, 0777) < 0 && errno != EEXIST) {
        set_err(err, "%s: cannot create directory: %s", d, strerror(errno));
        return -1;
    }
    struct stat st;
    if (stat(d, &st) < 0 || !S_ISDIR(st.st_mode)) {
        set_err(err, "%s: not a directory", d);
        return -1;
    }
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

/* Removes DIR/name and everything in it (nothing when it is not there). */
static int remove_tree(const char *dir, const char *name, char **err)
{
    char *path = xasprintf("%s/%s", dir, name);
    int rc = nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (rc < 0 && errno != ENOENT)
        set_err(err, "%s: cannot remove: %s", path, strerror(errno));
    free(path);
    return rc < 0 && errno != ENOENT ? -1 : 0;
}

/* A run directory's name as a manifest may list it: one plain name inside the sweep's. */
static bool plain_name(const char *s)
{
    return *s && *s != '.' && !strchr(s, '/');
}

/* Job j's index when name is the directory of a run of this sweep, else SIZE_MAX. */
static size_t job_of_dir(const SweepRow *rows, size_t n, const char *name)
{
    for (size_t j = 0; j < n; j++)
        if (!strcmp(rows[j].dir, name))
            return j;
    return SIZE_MAX;
}

/* A manifest found in the output directory: a sibling shard of this sweep is kept;
 * any other (an earlier sweep, or this shard's own) is removed with the run
 * directories it lists, but those of this sweep's runs that other shards own. */
static int clean_manifest(const Sweep *sw, const SweepRow *rows, const char *plan, const char *name, char **err)
{
    char *path = xasprintf("%s/%s", sw->out, name);
    cJSON *m = manifest_load(path, NULL);
    double k = 0, n = 0;
    jnum(jget(m, "shard"), &k);
    jnum(jget(m, "shards"), &n);
    char *mplan = m ? json_text(jget(m, "plan")) : NULL;
    bool sibling = mplan && !strcmp(mplan, plan) && n == sw->nshards && k != sw->shard;
    int rc = 0;
    const cJSON *dirs = sibling ? NULL : jget(m, "dirs"), *d;
    cJSON_ArrayForEach(d, dirs)
    {
        if (!cJSON_IsString(d) || !plain_name(d->valuestring))
            continue;
        size_t j = job_of_dir(rows, sw->njobs, d->valuestring);
        if ((j == SIZE_MAX || in_shard(sw, j)) && remove_tree(sw->out, d->valuestring, err) < 0)
            rc = -1;
    }
    if (!sibling && rc == 0 && unlink(path) < 0 && errno != ENOENT) {
        set_err(err, "%s: cannot remove: %s", path, strerror(errno));
        rc = -1;
    }
    free(mplan);
    cJSON_Delete(m);
    free(path);
    return rc;
}

/* Makes the output directory ready: new, empty, or a sweep's (it holds sweep.csv or a
 * sweep-K-of-N.json), cleaned as clean_manifest says, with an empty directory for each
 * run of this shard and its manifest claiming them. Anything else is refused
 * (EXIT_USAGE). Returns the exit status. */
static int prepare_out(const Sweep *sw, const SweepRow *rows)
{
    char *err = NULL;
    if (make_dir(sw->out, &err) < 0) {
        fprintf(stderr, "baregc sweep: %s\n", err);
        free(err);
        return EXIT_IO;
    }
    DIR *dir = opendir(sw->out);
    if (!dir) {
        fprintf(stderr, "baregc sweep: %s: %s\n", sw->out, strerror(errno));
        return EXIT_IO;
    }
    char **manifests = NULL;
    size_t nman = 0, others = 0;
    bool csv = false;
    struct dirent *e;
    while ((e = readdir(dir))) {
        unsigned k, n;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (manifest_name(e->d_name, &k, &n)) {
            manifests = xrealloc(manifests, (nman + 1) * sizeof *manifests);
            manifests[nman++] = xstrdup(e->d_name);
        } else {
            csv |= !strcmp(e->d_name, "sweep.csv");
            others++;
        }
    }
    closedir(dir);
    int rc = EXIT_OK;
    if (others && !nman && !csv) {
        fprintf(stderr,
                "baregc sweep: %s is not empty and holds no sweep (no sweep.csv, no sweep-K-of-N.json): give a new "
                "or empty directory, or an earlier sweep's\n",
                sw->out);
        rc = EXIT_USAGE;
    }
    cJSON *pj = plan_json(sw);
    char *plan = json_text(pj);
    cJSON_Delete(pj);
    for (size_t i = 0; i < nman; i++) {
        if (rc == EXIT_OK && clean_manifest(sw, rows, plan, manifests[i], &err) < 0)
            rc = EXIT_IO;
        free(manifests[i]);
    }
    free(manifests);
    free(plan);
    static const char *const outputs[] = {"sweep.csv", "sweep.html", "sweep.csv.tmp", "sweep.html.tmp"};
    for (size_t i = 0; rc == EXIT_OK && i < ARRAY_SIZE(outputs); i++) {
        char *p = xasprintf("%s/%s", sw->out, outputs[i]);
        if (unlink(p) < 0 && errno != ENOENT) {
            err = xasprintf("%s: cannot remove: %s", p, strerror(errno));
            rc = EXIT_IO;
        }
        free(p);
    }
    for (size_t j = 0; rc == EXIT_OK && j < sw->njobs; j++) {
        if (!in_shard(sw, j))
            continue;
        char *p = xasprintf("%s/%s", sw->out, rows[j].dir);
        if (remove_tree(sw->out, rows[j].dir, &err) < 0 || make_dir(p, &err) < 0)
            rc = EXIT_IO;
        free(p);
    }
    if (err) {
        fprintf(stderr, "baregc sweep: %s\n", err);
        free(err);
    }
    if (rc == EXIT_OK && write_manifest(sw, rows, true) < 0)
        rc = EXIT_IO;
    return rc;
}

/* ---- running: child processes, and the signals that stop the sweep ---- */

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};
static volatile sig_atomic_t stop_signal; /* the first stop signal (0: none) */
static volatile sig_atomic_t stop_count;  /* how many came */

static void on_stop(int sig)
{
    if (!stop_signal)
        stop_signal = sig;
    stop_count++;
}

static void on_child(int sig)
{
    (void)sig; /* only wakes sigsuspend */
}

typedef struct Signals {
    sigset_t old_mask;
    struct sigaction old[ARRAY_SIZE(stop_signals) + 1]; /* the stop signals, then SIGCHLD */
} Signals;

/* The stop signals and SIGCHLD are blocked but while waiting (sigsuspend), so that
 * none comes between a check and the wait. SIGHUP is left alone when it is ignored
 * (nohup). */
static void signals_install(Signals *s)
{
    sigset_t block;
    sigemptyset(&block);
    for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++)
        sigaddset(&block, stop_signals[i]);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &s->old_mask);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigfillset(&sa.sa_mask);
    for (size_t i = 0; i <= ARRAY_SIZE(stop_signals); i++) {
        int sig = i < ARRAY_SIZE(stop_signals) ? stop_signals[i] : SIGCHLD;
        sigaction(sig, NULL, &s->old[i]);
        if (sig == SIGHUP && s->old[i].sa_handler == SIG_IGN)
            continue;
        sa.sa_handler = sig == SIGCHLD ? on_child : on_stop;
        sigaction(sig, &sa, NULL);
    }
    stop_signal = 0;
    stop_count = 0;
}

static void signals_restore(const Signals *s)
{
    for (size_t i = 0; i <= ARRAY_SIZE(stop_signals); i++)
        sigaction(i < ARRAY_SIZE(stop_signals) ? stop_signals[i] : SIGCHLD, &s->old[i], NULL);
    sigprocmask(SIG_SETMASK, &s->old_mask, NULL);
}

/* Waits for a signal (a child's end, a stop) with the sweep's signals unblocked. */
static void signals_wait(const Signals *s)
{
    sigset_t m = s->old_mask;
    for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++)
        sigdelset(&m, stop_signals[i]);
    sigdelset(&m, SIGCHLD);
    sigsuspend(&m);
}

/* Starts `baregc run` for job j in its own process group (so that a terminal's
 * Ctrl-C reaches the sweep alone, which stops each run once); on Linux the run is
 * also stopped (SIGINT) if the sweep dies. -1 when fork fails. */
static pid_t start_run(const Sweep *sw, size_t j, const char *outdir, const Signals *sig)
{
    char **argv = job_argv(sw, j, outdir, "baregc");
    bool have_uart_in = false;
    for (size_t i = 0; i < sw->npass; i++)
        have_uart_in |= !strcmp(sw->pass[i], "--uart-in");
    char *uart = xasprintf("%s/uart.txt", outdir);
    char *errf = xasprintf("%s/stderr.txt", outdir);
    pid_t parent = getpid();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
#ifdef __linux__
        prctl(PR_SET_PDEATHSIG, SIGINT);
        if (getppid() != parent)
            _exit(EXIT_INTERRUPTED);
#endif
        for (size_t i = 0; i <= ARRAY_SIZE(stop_signals); i++)
            sigaction(i < ARRAY_SIZE(stop_signals) ? stop_signals[i] : SIGCHLD, &sig->old[i], NULL);
        sigprocmask(SIG_SETMASK, &sig->old_mask, NULL);
        int in = open("/dev/null", O_RDONLY);
        int o = open(uart, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        int e = open(errf, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (in < 0 || o < 0 || e < 0)
            _exit(EXIT_IO);
        if (!have_uart_in)
            dup2(in, 0);
        dup2(o, 1);
        dup2(e, 2);
#ifdef HAVE_PROC_SELF_EXE
        const char *self = "/proc/self/exe";
        execv(self, argv);
#else
        const char *self = cmd_program;
        execvp(self, argv);
#endif
        dprintf(2, "baregc sweep: cannot run %s: %s\n", self, strerror(errno));
        _exit(127);
    }
    (void)parent;
    if (pid > 0)
        setpgid(pid, pid); /* (also in the child: whichever runs first) */
    free(uart);
    free(errf);
    argv_free(argv);
    return pid;
}

static bool is_fault(int status)
{
    return status >= EXIT_FAULT_MEMORY && status <= EXIT_FAULT_INSN;
}

/* One line of progress on stderr for a run that ended. */
static void progress(size_t done, size_t total, const SweepRow *w, int st, const char *outdir)
{
    fprintf(stderr, "[%zu/%zu] %s: ", done, total, w->params);
    if (WIFSIGNALED(st))
        fprintf(stderr, "killed by signal %d\n", WTERMSIG(st));
    else if (w->status == 0)
        fprintf(stderr, "done\n");
    else if (w->status == EXIT_INTERRUPTED)
        fprintf(stderr, "interrupted (exit %d), its files are partial\n", w->status);
    else if (is_fault(w->status))
        fprintf(stderr, "fault (exit %d), see %s/stderr.txt\n", w->status, outdir);
    else
        fprintf(stderr, "exit %d, see %s/stderr.txt\n", w->status, outdir);
}

/* Runs this shard's jobs, at most `maxjobs` at once, until they are done or a stop
 * signal comes (then each run under way gets one SIGINT per signal: the first stops
 * it cleanly, a second at once). Returns EXIT_OK, EXIT_INTERNAL (a run could not be
 * started, or waited for) or 128 + the stop signal. */
static int run_jobs(const Sweep *sw, SweepRow *rows, int maxjobs)
{
    size_t total = 0;
    for (size_t j = 0; j < sw->njobs; j++)
        total += in_shard(sw, j);
    pid_t *pid = xcalloc(sw->njobs + 1, sizeof *pid);
    Signals sig;
    signals_install(&sig);
    size_t next = 0, running = 0, done = 0;
    sig_atomic_t forwarded = 0;
    int rc = EXIT_OK;
    for (;;) {
        if (stop_count > forwarded) {
            for (size_t j = 0; j < sw->njobs; j++)
                if (pid[j] > 0)
                    kill(pid[j], SIGINT);
            forwarded = stop_count;
        }
        while (!stop_signal && rc == EXIT_OK && next < sw->njobs && running < (size_t)maxjobs) {
            size_t j = next++;
            if (!in_shard(sw, j))
                continue;
            char *outdir = xasprintf("%s/%s", sw->out, rows[j].dir);
            pid[j] = start_run(sw, j, outdir, &sig);
            free(outdir);
            if (pid[j] < 0) {
                fprintf(stderr, "baregc sweep: cannot start a run: %s\n", strerror(errno));
                rc = EXIT_INTERNAL;
            } else {
                rows[j].ran = true;
                running++;
            }
        }
        if (running == 0)
            break;
        int st;
        pid_t p = waitpid(-1, &st, WNOHANG);
        if (p == 0 || (p < 0 && errno == EINTR)) {
            if (p == 0)
                signals_wait(&sig);
            continue;
        }
        if (p < 0) {
            fprintf(stderr, "baregc sweep: waitpid: %s\n", strerror(errno));
            rc = EXIT_INTERNAL;
            break;
        }
        size_t j = 0;
        while (j < sw->njobs && pid[j] != p)
            j++;
        if (j == sw->njobs)
            continue; /* not one of ours */
        pid[j] = 0;
        running--;
        SweepRow *w = &rows[j];
        w->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        if (WIFSIGNALED(st))
            w->exit_reason = xasprintf("killed by signal %d", WTERMSIG(st));
        char *outdir = xasprintf("%s/%s", sw->out, w->dir);
        progress(++done, total, w, st, outdir);
        free(outdir);
    }
    signals_restore(&sig);
    free(pid);
    return stop_signal ? 128 + stop_signal : rc;
}

/* ---- rows, CSV and HTML ---- */

/* Fills the row's figures from DIR/summary.json (quietly nothing when it is missing). */
static void read_summary(SweepRow *w, const char *dir)
{
    char *path = xasprintf("%s/summary.json", dir);
    char *text = read_text_file(path, NULL, NULL);
    free(path);
    if (!text)
        return;
    cJSON *root = cJSON_Parse(text);
    free(text);
    if (!root)
        return;
    const cJSON *run = jget(root, "run"), *er = jget(run, "exit_reason");
    if (cJSON_IsString(er)) {
        free(w->exit_reason);
        w->exit_reason = xstrdup(er->valuestring);
    }
    double v;
    if ((w->has_exit_status = jnum(jget(run, "exit_code"), &v)))
        w->exit_status = (long long)v;
    w->has_summary = jnum(jget(jget(root, "pauses"), "count"), &w->pauses) &&
                     jnum(jget(root, "gc_cpu_fraction"), &w->gc_cpu_fraction);
    w->has_max_pause = jnum(jget(jget(root, "pauses"), "max_us"), &w->max_pause_us);
    w->has_p99 = jnum(jget(jget(root, "pauses"), "p99_us"), &w->p99_us);
    w->has_peak = jnum(jget(jget(root, "heap"), "peak_bytes"), &w->peak_heap);
    w->has_headroom = jnum(jget(jget(root, "sram"), "min_headroom_bytes"), &w->min_headroom);
    jnum(jget(root, "alloc_failures"), &w->alloc_failures);
    cJSON_Delete(root);
}

/* The figures of each run of this shard that ran: its summary, out of memory, the
 * budget's verdict. */
static void read_results(const Sweep *sw, SweepRow *rows, const Budget *budget)
{
    for (size_t j = 0; j < sw->njobs; j++) {
        SweepRow *w = &rows[j];
        if (!w->ran)
            continue;
        char *dir = xasprintf("%s/%s", sw->out, w->dir);
        read_summary(w, dir);
        bool fault = is_fault(w->status) && !(w->exit_reason && !strcmp(w->exit_reason, "exit"));
        w->oom = (w->has_summary && w->alloc_failures > 0) || fault;
        if (budget) {
            Measured m;
            memset(&m, 0, sizeof m);
            char *err = NULL;
            if (measured_from_dir(&m, dir, budget, &err) < 0) {
                free(err);
                w->verdict = 0;
            } else {
                BudgetReport rep;
                budget_evaluate(budget, &m, NULL, 0, &rep);
                char why[256];
                w->verdict = measured_run_ok(&m, why, sizeof why) && rep.failures == 0;
                budget_report_free(&rep);
            }
            measured_free(&m);
        }
        free(dir);
    }
}

/* Did a run that ran not end well: a fault, a firmware exit status other than 0, a
 * deadlock, a run that could not start or was killed, a budget failed? Reaching
 * --max-cycles / --max-time is an end like any other (as for `baregc check`). */
static bool row_failed(const SweepRow *w)
{
    if (!w->ran)
        return false;
    if (w->oom || w->verdict == 0)
        return true;
    if (w->status == EXIT_TIMEOUT)
        return false;
    return w->status != 0 || (w->has_exit_status && w->exit_status != 0);
}

/* A number with fixed decimals, or "" when unknown. */
static void csv_fixed(FILE *f, bool known, int decimals, double v)
{
    fputc(',', f);
    if (known)
        fprintf(f, "%.*f", decimals, v);
}

static void csv_str(FILE *f, const char *s)
{
    bool quote = s && strpbrk(s, ",\"\n") != NULL;
    if (quote)
        fputc('"', f);
    for (; s && *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    if (quote)
        fputc('"', f);
}

typedef struct Outputs {
    const Sweep *sw;
    const SweepRow *rows;
    bool partial;
} Outputs;

/* A dimension's two columns for job j: the value as given, and as a number. */
static void csv_dim(FILE *f, const Sweep *sw, size_t d, size_t j)
{
    const Dim *dm = &sw->dim[d];
    fputc(',', f);
    if (!dm->n) {
        fputc(',', f);
        return;
    }
    size_t v = job_value(sw, j, d);
    csv_str(f, dm->text[v]);
    fprintf(f, ",%s%llu", dm->neg[v] ? "-" : "", (unsigned long long)dm->num[v]);
}

static int fill_csv(const void *ctx, FILE *f)
{
    const Outputs *o = ctx;
    const Sweep *sw = o->sw;
    fputs("params,sram,sram_bytes,clock,clock_hz", f);
    for (size_t d = 2; d < sw->ndim; d++) {
        fputs(",", f);
        char *h = xasprintf("set:%s", sw->dim[d].symbol);
        csv_str(f, h);
        fputc(',', f);
        free(h);
        h = xasprintf("set:%s:value", sw->dim[d].symbol);
        csv_str(f, h);
        free(h);
    }
    fputs(",dir,exit_status,exit_reason,pauses,max_pause_us,p99_us,gc_cpu_fraction,peak_heap_bytes,"
          "min_headroom_bytes,alloc_failures,out_of_memory,budget\n",
          f);
    for (size_t j = 0; j < sw->njobs; j++) {
        const SweepRow *w = &o->rows[j];
        csv_str(f, w->params);
        for (size_t d = 0; d < sw->ndim; d++)
            csv_dim(f, sw, d, j);
        fputc(',', f);
        csv_str(f, w->dir);
        fputc(',', f);
        if (w->has_exit_status)
            fprintf(f, "%lld", w->exit_status);
        else if (w->ran && w->status >= 0)
            fprintf(f, "%d", w->status);
        fputc(',', f);
        csv_str(f, !w->ran ? "not run" : w->exit_reason ? w->exit_reason : "");
        csv_fixed(f, w->has_summary, 0, w->pauses);
        csv_fixed(f, w->has_max_pause, 3, w->max_pause_us);
        csv_fixed(f, w->has_p99, 3, w->p99_us);
        csv_fixed(f, w->has_summary, 6, w->gc_cpu_fraction);
        csv_fixed(f, w->has_peak, 0, w->peak_heap);
        csv_fixed(f, w->has_headroom, 0, w->min_headroom);
        csv_fixed(f, w->has_summary, 0, w->alloc_failures);
        fprintf(f, ",%s,%s\n", !w->ran ? "" : w->oom ? "yes" : "no", w->verdict < 0 ? "" : w->verdict ? "PASS" : "FAIL");
    }
    return ferror(f) ? -1 : 0;
}

static int fill_html(const void *ctx, FILE *f)
{
    const Outputs *o = ctx;
    const Sweep *sw = o->sw;
    size_t xd = x_dim(sw);
    SweepPage page = {
        .rows = o->rows,
        .n = sw->njobs,
        .image = sw->elf,
        .budget = sw->budget != NULL,
        .x_name = xd == 0 ? "SRAM" : xd == 1 ? "clock" : sw->dim[xd].symbol,
        .partial = o->partial,
    };
    return report_write_sweep_html(&page, f);
}

/* DIR/sweep.csv and DIR/sweep.html of every run (exit status) */
static int write_outputs(const Sweep *sw, const char *dir, const SweepRow *rows, bool partial)
{
    Outputs o = {.sw = sw, .rows = rows, .partial = partial};
    char *csv = xasprintf("%s/sweep.csv", dir), *html = xasprintf("%s/sweep.html", dir);
    int rc = write_via_tmp(csv, fill_csv, &o) == 0 && write_via_tmp(html, fill_html, &o) == 0 ? EXIT_OK : EXIT_IO;
    if (rc == EXIT_OK && !partial)
        fprintf(stderr, "baregc sweep: %zu run%s: %s, %s\n", sw->njobs, sw->njobs == 1 ? "" : "s", csv, html);
    free(csv);
    free(html);
    return rc;
}

/* 0, or EXIT_RUN_FAILED (saying how many) when a run did not end well. */
static int runs_status(const SweepRow *rows, size_t n)
{
    size_t failed = 0, ran = 0;
    for (size_t j = 0; j < n; j++) {
        failed += row_failed(&rows[j]);
        ran += rows[j].ran;
    }
    if (!failed)
        return EXIT_OK;
    fprintf(stderr, "baregc sweep: %zu of %zu run%s faulted, did not end well or failed the budget (see the CSV)\n",
            failed, ran, ran == 1 ? "" : "s");
    return EXIT_RUN_FAILED;
}

static int default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* ---- the sweep, and --merge ---- */

static int do_sweep(Sweep *sw, SweepRow *rows)
{
    if (sw->plan) {
        print_plan(sw, rows);
        return EXIT_OK;
    }
    char *err = NULL;
    Budget *budget = NULL;
    if (sw->budget && !(budget = budget_load(sw->budget, &err))) {
        fprintf(stderr, "baregc sweep: %s\n", err);
        free(err);
        return EXIT_NO_INPUT;
    }
    int rc = prepare_out(sw, rows);
    if (rc == EXIT_OK)
        rc = run_jobs(sw, rows, sw->jobs ? sw->jobs : default_jobs());
    if (rc == EXIT_INTERNAL || rc == EXIT_IO || rc == EXIT_USAGE) {
        budget_free(budget);
        return rc;
    }
    bool partial = rc != EXIT_OK;
    read_results(sw, rows, budget);
    budget_free(budget);
    if (write_manifest(sw, rows, partial) < 0)
        return EXIT_IO;
    if (sw->nshards == 1 && write_outputs(sw, sw->out, rows, partial) != EXIT_OK)
        return EXIT_IO;
    size_t ran = 0, mine = 0;
    for (size_t j = 0; j < sw->njobs; j++) {
        ran += rows[j].ran;
        mine += in_shard(sw, j);
    }
    if (partial) {
        int sig = rc - 128;
        fprintf(stderr, "baregc sweep: stopped by %s: %zu of %zu run%s started; %s/%s partial\n",
                sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP", ran, mine, mine == 1 ? "" : "s",
                sw->out, sw->nshards == 1 ? "sweep.csv and sweep.html are" : "sweep-K-of-N.json is");
        return rc;
    }
    if (sw->nshards > 1)
        fprintf(stderr, "baregc sweep: shard %u/%u: %zu of %zu run%s: %s/sweep-%u-of-%u.json (join the shards with "
                        "`baregc sweep --merge`)\n",
                sw->shard, sw->nshards, mine, sw->njobs, sw->njobs == 1 ? "" : "s", sw->out, sw->shard, sw->nshards);
    return runs_status(rows, sw->njobs);
}

/* The manifests in the --merge directories, each checked against the first: the
 * same sweep, each shard once and complete. NULL-terminated, or NULL after an error. */
static cJSON **merge_load(const Sweep *args)
{
    cJSON **ms = xcalloc(1, sizeof *ms);
    size_t n = 0;
    for (size_t i = 0; i < args->nmerge; i++) {
        DIR *dir = opendir(args->merge_dirs[i]);
        if (!dir) {
            fprintf(stderr, "baregc sweep: %s: %s\n", args->merge_dirs[i], strerror(errno));
            goto fail;
        }
        size_t before = n;
        struct dirent *e;
        while ((e = readdir(dir))) {
            unsigned k, nn;
            if (!manifest_name(e->d_name, &k, &nn))
                continue;
            char *path = xasprintf("%s/%s", args->merge_dirs[i], e->d_name);
            char *err = NULL;
            cJSON *m = manifest_load(path, &err);
            free(path);
            if (!m) {
                fprintf(stderr, "baregc sweep: %s\n", err);
                free(err);
                closedir(dir);
                goto fail;
            }
            cJSON_AddItemToObject(m, "file", cJSON_CreateString(e->d_name));
            cJSON_AddItemToObject(m, "dir", cJSON_CreateString(args->merge_dirs[i]));
            ms = xrealloc(ms, (n + 2) * sizeof *ms);
            ms[n++] = m;
            ms[n] = NULL;
        }
        closedir(dir);
        if (n == before) {
            fprintf(stderr, "baregc sweep: %s: no sweep-K-of-N.json (not a sweep shard's directory)\n",
                    args->merge_dirs[i]);
            goto fail;
        }
    }
    return ms;
fail:
    for (size_t i = 0; i < n; i++)
        cJSON_Delete(ms[i]);
    free(ms);
    return NULL;
}

static const char *mfile(const cJSON *m, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", jget(m, "dir")->valuestring, jget(m, "file")->valuestring);
    return buf;
}

/* Checks the manifests form one whole sweep and fills rows from them. -1 after an error. */
static int merge_rows(const Sweep *sw, cJSON **ms, SweepRow *rows)
{
    char *plan = json_text(jget(ms[0], "plan"));
    double nshards = jget(ms[0], "shards")->valuedouble;
    bool *have = xcalloc((size_t)nshards + 1, sizeof *have);
    int rc = 0;
    char a[4096], b[4096];
    for (size_t i = 0; ms[i] && rc == 0; i++) {
        const cJSON *m = ms[i];
        char *p = json_text(jget(m, "plan"));
        double k = jget(m, "shard")->valuedouble, n = jget(m, "shards")->valuedouble;
        if (strcmp(p, plan) || n != nshards) {
            fprintf(stderr, "baregc sweep: %s and %s are shards of different sweeps\n", mfile(ms[0], a, sizeof a),
                    mfile(m, b, sizeof b));
            rc = -1;
        } else if (have[(size_t)k]) {
            fprintf(stderr, "baregc sweep: %s: shard %g/%g is given twice\n", mfile(m, a, sizeof a), k, n);
            rc = -1;
        } else if (!cJSON_IsFalse(jget(m, "partial"))) {
            fprintf(stderr, "baregc sweep: %s: shard %g/%g is partial (interrupted, or still running): run it again\n",
                    mfile(m, a, sizeof a), k, n);
            rc = -1;
        }
        free(p);
        if (rc < 0)
            break;
        have[(size_t)k] = true;
        const cJSON *o;
        cJSON_ArrayForEach(o, jget(m, "rows"))
        {
            double job;
            if (!jnum(jget(o, "job"), &job) || job < 1 || job > (double)sw->njobs || job != (double)(size_t)job ||
                (size_t)(job - 1) % (size_t)n != (size_t)k - 1 || rows[(size_t)job - 1].ran) {
                fprintf(stderr, "baregc sweep: %s: a row of no run of shard %g/%g\n", mfile(m, a, sizeof a), k, n);
                rc = -1;
                break;
            }
            row_from_json(&rows[(size_t)job - 1], o);
        }
    }
    for (size_t k = 1; rc == 0 && k <= (size_t)nshards; k++)
        if (!have[k]) {
            fprintf(stderr, "baregc sweep: shard %zu/%g is missing: give the directory it wrote\n", k, nshards);
            rc = -1;
        }
    for (size_t j = 0; rc == 0 && j < sw->njobs; j++)
        if (!rows[j].ran) {
            fprintf(stderr, "baregc sweep: run %zu (%s) has no row\n", j + 1, rows[j].params);
            rc = -1;
        }
    free(have);
    free(plan);
    return rc;
}

static int do_merge(const Sweep *args)
{
    cJSON **ms = merge_load(args);
    if (!ms)
        return EXIT_NO_INPUT;
    Sweep sw;
    sweep_init(&sw, args->out);
    char *err = NULL;
    SweepRow *rows = NULL;
    int rc = EXIT_NO_INPUT;
    char where[4096];
    if (sweep_from_plan(&sw, jget(ms[0], "plan"), &err) < 0) {
        fprintf(stderr, "baregc sweep: %s: %s\n", mfile(ms[0], where, sizeof where), err);
        free(err);
        goto done;
    }
    rows = xcalloc(sw.njobs, sizeof *rows);
    for (size_t j = 0; j < sw.njobs; j++)
        row_init(&sw, j, &rows[j]);
    if (merge_rows(&sw, ms, rows) < 0)
        goto done;
    if (make_dir(sw.out, &err) < 0) {
        fprintf(stderr, "baregc sweep: %s\n", err);
        free(err);
        rc = EXIT_IO;
        goto done;
    }
    rc = write_outputs(&sw, sw.out, rows, false);
    if (rc == EXIT_OK)
        rc = runs_status(rows, sw.njobs);
done:
    rows_free(rows, sw.njobs);
    sweep_free(&sw);
    for (size_t i = 0; ms[i]; i++)
        cJSON_Delete(ms[i]);
    free(ms);
    return rc;
}

static int exec_sweep(int argc, char **argv)
{
    Sweep sw;
    sweep_init(&sw, "sweep");
    int rc = parse_args(&sw, argc, argv);
    if (rc != 0) {
        sweep_free(&sw);
        return rc > 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (sw.merge) {
        rc = do_merge(&sw);
        sweep_free(&sw);
        return rc;
    }
    rc = check_image(&sw);
    SweepRow *rows = xcalloc(sw.njobs, sizeof *rows);
    for (size_t j = 0; j < sw.njobs; j++)
        row_init(&sw, j, &rows[j]);
    if (rc == EXIT_OK)
        rc = do_sweep(&sw, rows);
    rows_free(rows, sw.njobs);
    sweep_free(&sw);
    return rc;
}

const Command cmd_sweep = {
    .name = "sweep",
    .summary = "run an image over a matrix of SRAM sizes, clocks and variables: CSV and HTML",
    .exec = exec_sweep,
    .usage = sweep_usage,
};
