/* cmd_sweep.c: `baregc sweep`: one firmware image over a matrix of SRAM sizes and
 * clocks, each run a child `baregc run` process, then a CSV and an HTML page. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "sim/cmd.h"
#include "sim/exitcode.h"
#include "base/util.h"
#include "traces/budget.h"
#include "traces/report.h"

#define MAX_VALUES 64 /* per swept parameter */

static void sweep_usage(FILE *out)
{
    fprintf(out,
            "Usage: baregc sweep FIRMWARE.elf --sram 16K,24K,32K,48K [--clock 25MHz,48MHz] [OPTIONS]\n\n"
            "Run a firmware image once per combination of the listed SRAM sizes and clocks (in that\n"
            "order: SRAM sizes outer, clocks inner), in parallel child processes (`baregc run ... --out\n"
            "DIR/<params> --quiet`, the firmware's output in DIR/<params>/uart.txt, baregc's messages\n"
            "in DIR/<params>/stderr.txt). Progress goes to stderr. Then writes DIR/sweep.csv, one row\n"
            "per run in matrix order (parameters, exit status, pauses, max pause and p99 in us, GC CPU\n"
            "fraction, peak heap, minimum SRAM headroom, allocation failures, out of memory, budget\n"
            "verdict), and DIR/sweep.html (the table and a chart of max pause and p99 against SRAM).\n\n"
            "Options:\n"
            "  --sram LIST          comma-separated SRAM sizes (e.g. 16K,24K,32K)\n"
            "  --clock LIST         comma-separated core clocks (e.g. 25MHz,48MHz)\n"
            "  --budget FILE        hold each run against a budget: a PASS/FAIL column\n"
            "  -j N                 runs at once (default: the number of CPUs)\n"
            "  -o, --out DIR        where to write everything (default: sweep)\n"
            "  --board, --gc-runtime, --gc-profile, --max-cycles, --max-time, --cpu-sample-cycles,\n"
            "  --heap-sample, --uart-in, --keep-going\n"
            "                       passed to every run (see `baregc run --help`)\n"
            "  --help               this text\n\n"
            "A run is out of memory when an allocation failed or a fault ended it (exit 80-83).\n"
            "Exit status: 0 the sweep ran (whatever the runs' own statuses), %d bad command line,\n"
            "%d the budget is unreadable, %d an output file cannot be written, %d a run could not be\n"
            "started.\n",
            EXIT_USAGE, EXIT_NO_INPUT, EXIT_IO, EXIT_INTERNAL);
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

typedef struct SweepArgs {
    const char *elf;
    const char *out;
    const char *budget;
    int jobs;
    char *sram[MAX_VALUES];   /* as given (owned) */
    uint64_t sram_bytes[MAX_VALUES];
    size_t nsram;
    char *clock[MAX_VALUES];
    uint64_t clock_hz[MAX_VALUES];
    size_t nclock;
    const char **pass;        /* passed-through arguments */
    size_t npass;
} SweepArgs;

/* Splits a comma-separated list; each item checked by parse. */
static int split_list(const char *opt, const char *v, char **items, uint64_t *vals, size_t *n,
                      int (*parse)(const char *, uint64_t *))
{
    char *copy = xstrdup(v);
    char *save = NULL;
    int rc = 0;
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        while (*t == ' ')
            t++;
        if (*n == MAX_VALUES) {
            fprintf(stderr, "baregc sweep: %s: more than %d values\n", opt, MAX_VALUES);
            rc = -1;
            break;
        }
        uint64_t x;
        if (parse(t, &x) < 0 || x == 0) {
            fprintf(stderr, "baregc sweep: %s: '%s' is not a %s\n", opt, t,
                    !strcmp(opt, "--sram") ? "size (e.g. 24K)" : "clock (e.g. 48MHz)");
            rc = -1;
            break;
        }
        for (size_t k = 0; k < *n; k++)
            if (vals[k] == x) {
                fprintf(stderr, "baregc sweep: %s: '%s' is listed twice\n", opt, t);
                rc = -1;
            }
        if (rc < 0)
            break;
        items[*n] = xstrdup(t);
        vals[(*n)++] = x;
    }
    if (rc == 0 && *n == 0) {
        fprintf(stderr, "baregc sweep: %s: no values\n", opt);
        rc = -1;
    }
    free(copy);
    return rc;
}

static int parse_hz_u64(const char *s, uint64_t *v)
{
    return parse_hz(s, v);
}

/* 0 ok, 1 --help, -1 bad. */
static int parse_args(SweepArgs *a, int argc, char **argv)
{
    a->pass = xcalloc((size_t)argc + 1, sizeof *a->pass);
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        bool needs = !strcmp(s, "--sram") || !strcmp(s, "--clock") || !strcmp(s, "--budget") || !strcmp(s, "-j") ||
                     !strcmp(s, "-o") || !strcmp(s, "--out");
        if (needs && i + 1 >= argc) {
            fprintf(stderr, "baregc sweep: %s needs a value\n", s);
            return -1;
        }
        if (!strcmp(s, "--sram")) {
            if (split_list(s, argv[++i], a->sram, a->sram_bytes, &a->nsram, parse_size) < 0)
                return -1;
        } else if (!strcmp(s, "--clock")) {
            if (split_list(s, argv[++i], a->clock, a->clock_hz, &a->nclock, parse_hz_u64) < 0)
                return -1;
        } else if (!strcmp(s, "--budget")) {
            a->budget = argv[++i];
        } else if (!strcmp(s, "-o") || !strcmp(s, "--out")) {
            a->out = argv[++i];
        } else if (!strcmp(s, "-j")) {
            uint64_t j;
            if (parse_u64(argv[++i], &j) < 0 || j == 0 || j > 256) {
                fprintf(stderr, "baregc sweep: -j: expected 1..256, got '%s'\n", argv[i]);
                return -1;
            }
            a->jobs = (int)j;
        } else if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            sweep_usage(stdout);
            return 1;
        } else if (s[0] == '-' && s[1]) {
            size_t k = 0;
            while (k < ARRAY_SIZE(passthrough) && strcmp(s, passthrough[k].name))
                k++;
            if (k == ARRAY_SIZE(passthrough)) {
                fprintf(stderr, "baregc sweep: unknown option '%s' (see baregc sweep --help)\n", s);
                return -1;
            }
            a->pass[a->npass++] = s;
            if (passthrough[k].value) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "baregc sweep: %s needs a value\n", s);
                    return -1;
                }
                a->pass[a->npass++] = argv[++i];
            }
        } else if (a->elf) {
            fprintf(stderr, "baregc sweep: more than one firmware image given ('%s' and '%s')\n", a->elf, s);
            return -1;
        } else {
            a->elf = s;
        }
    }
    if (!a->elf) {
        fprintf(stderr, "baregc sweep: no firmware image given (see baregc sweep --help)\n");
        return -1;
    }
    if (!a->nsram && !a->nclock) {
        fprintf(stderr, "baregc sweep: nothing to sweep: give --sram and/or --clock lists\n");
        return -1;
    }
    return 0;
}

static void args_free(SweepArgs *a)
{
    for (size_t i = 0; i < a->nsram; i++)
        free(a->sram[i]);
    for (size_t i = 0; i < a->nclock; i++)
        free(a->clock[i]);
    free(a->pass);
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

static int make_dir(const char *d, char **err)
{
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

typedef struct Job {
    size_t sram, clock;  /* indices, SIZE_MAX = not swept */
    pid_t pid;
} Job;

/* Starts `baregc run` for row i. -1 when fork fails. */
static pid_t start_run(const SweepArgs *a, const Job *j, const char *outdir)
{
    const char **argv = xcalloc(a->npass + 16, sizeof *argv);
    size_t k = 0;
    argv[k++] = "baregc";
    argv[k++] = "run";
    argv[k++] = a->elf;
    if (j->sram != SIZE_MAX) {
        argv[k++] = "--sram";
        argv[k++] = a->sram[j->sram];
    }
    if (j->clock != SIZE_MAX) {
        argv[k++] = "--clock";
        argv[k++] = a->clock[j->clock];
    }
    for (size_t i = 0; i < a->npass; i++)
        argv[k++] = a->pass[i];
    bool have_uart_in = false;
    for (size_t i = 0; i < a->npass; i++)
        have_uart_in |= !strcmp(a->pass[i], "--uart-in");
    argv[k++] = "--out";
    argv[k++] = outdir;
    argv[k++] = "--quiet";
    argv[k] = NULL;
    char *uart = xasprintf("%s/uart.txt", outdir);
    char *errf = xasprintf("%s/stderr.txt", outdir);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
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
        execv(self, (char *const *)argv);
#else
        const char *self = cmd_program;
        execvp(self, (char *const *)argv);
#endif
        dprintf(2, "baregc sweep: cannot run %s: %s\n", self, strerror(errno));
        _exit(127);
    }
    free(uart);
    free(errf);
    free(argv);
    return pid;
}

static const cJSON *jpath(const cJSON *root, const char *a, const char *b)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, a);
    return b ? cJSON_GetObjectItemCaseSensitive(o, b) : o;
}

static bool jnum(const cJSON *v, double *out)
{
    if (!cJSON_IsNumber(v))
        return false;
    *out = v->valuedouble;
    return true;
}

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
    const cJSON *er = jpath(root, "run", "exit_reason");
    if (cJSON_IsString(er))
        w->exit_reason = xstrdup(er->valuestring);
    w->has_summary = jnum(jpath(root, "pauses", "count"), &w->pauses) &&
                     jnum(jpath(root, "gc_cpu_fraction", NULL), &w->gc_cpu_fraction);
    w->has_max_pause = jnum(jpath(root, "pauses", "max_us"), &w->max_pause_us);
    w->has_p99 = jnum(jpath(root, "pauses", "p99_us"), &w->p99_us);
    w->has_peak = jnum(jpath(root, "heap", "peak_bytes"), &w->peak_heap);
    w->has_headroom = jnum(jpath(root, "sram", "min_headroom_bytes"), &w->min_headroom);
    jnum(jpath(root, "alloc_failures", NULL), &w->alloc_failures);
    cJSON_Delete(root);
}

/* A number as summary.json prints it (cJSON's formatting), or "" when unknown. */
static void csv_num(FILE *f, bool known, double v)
{
    fputc(',', f);
    if (!known)
        return;
    cJSON *n = cJSON_CreateNumber(v);
    char *s = cJSON_PrintUnformatted(n);
    fputs(s ? s : "", f);
    cJSON_free(s);
    cJSON_Delete(n);
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

static int write_csv(const SweepArgs *a, const Job *jobs, const SweepRow *rows, size_t n, FILE *f)
{
    fputs("params,sram,sram_bytes,clock,clock_hz,dir,exit_status,exit_reason,pauses,max_pause_us,p99_us,"
          "gc_cpu_fraction,peak_heap_bytes,min_headroom_bytes,alloc_failures,out_of_memory,budget\n",
          f);
    for (size_t i = 0; i < n; i++) {
        const SweepRow *w = &rows[i];
        const Job *j = &jobs[i];
        csv_str(f, w->params);
        fputc(',', f);
        csv_str(f, j->sram != SIZE_MAX ? a->sram[j->sram] : "");
        csv_num(f, j->sram != SIZE_MAX, (double)w->sram);
        fputc(',', f);
        csv_str(f, j->clock != SIZE_MAX ? a->clock[j->clock] : "");
        csv_num(f, j->clock != SIZE_MAX, (double)w->clock_hz);
        fputc(',', f);
        csv_str(f, w->dir);
        fprintf(f, ",%d,", w->status);
        csv_str(f, w->exit_reason ? w->exit_reason : "");
        csv_num(f, w->has_summary, w->pauses);
        csv_num(f, w->has_max_pause, w->max_pause_us);
        csv_num(f, w->has_p99, w->p99_us);
        csv_num(f, w->has_summary, w->gc_cpu_fraction);
        csv_num(f, w->has_peak, w->peak_heap);
        csv_num(f, w->has_headroom, w->min_headroom);
        csv_num(f, w->has_summary, w->alloc_failures);
        fprintf(f, ",%s,%s\n", w->oom ? "yes" : "no", w->verdict < 0 ? "" : w->verdict ? "PASS" : "FAIL");
    }
    return ferror(f) ? -1 : 0;
}

typedef struct PageArgs {
    const SweepArgs *a;
    const Job *jobs;
    const SweepRow *rows;
    size_t n;
    bool csv;
} PageArgs;

/* path written through path.tmp and a rename. */
static int write_file(const char *path, const PageArgs *p)
{
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    int rc = -1;
    if (f) {
        rc = p->csv ? write_csv(p->a, p->jobs, p->rows, p->n, f)
                    : report_write_sweep_html(p->rows, p->n, p->a->elf, p->a->budget != NULL, f);
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

static int default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

static int exec_sweep(int argc, char **argv)
{
    SweepArgs a = {.out = "sweep"};
    int pr = parse_args(&a, argc, argv);
    if (pr != 0) {
        args_free(&a);
        return pr > 0 ? EXIT_OK : EXIT_USAGE;
    }
    char *err = NULL;
    Budget *budget = NULL;
    if (a.budget && !(budget = budget_load(a.budget, &err))) {
        fprintf(stderr, "baregc sweep: %s\n", err);
        free(err);
        args_free(&a);
        return EXIT_NO_INPUT;
    }
    if (make_dir(a.out, &err) < 0) {
        fprintf(stderr, "baregc sweep: %s\n", err);
        free(err);
        budget_free(budget);
        args_free(&a);
        return EXIT_IO;
    }

    /* The matrix, SRAM outer, clock inner. */
    size_t ns = a.nsram ? a.nsram : 1, nc = a.nclock ? a.nclock : 1, n = ns * nc;
    Job *jobs = xcalloc(n, sizeof *jobs);
    SweepRow *rows = xcalloc(n, sizeof *rows);
    char **outdirs = xcalloc(n, sizeof *outdirs);
    int rc = EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        Job *j = &jobs[i];
        SweepRow *w = &rows[i];
        j->sram = a.nsram ? i / nc : SIZE_MAX;
        j->clock = a.nclock ? i % nc : SIZE_MAX;
        j->pid = -1;
        char name[256] = "", params[256] = "";
        if (j->sram != SIZE_MAX) {
            dir_append(name, sizeof name, "sram", a.sram[j->sram]);
            snprintf(params, sizeof params, "--sram %s", a.sram[j->sram]);
            w->sram = a.sram_bytes[j->sram];
        }
        if (j->clock != SIZE_MAX) {
            dir_append(name, sizeof name, "clock", a.clock[j->clock]);
            size_t l = strlen(params);
            snprintf(params + l, sizeof params - l, "%s--clock %s", l ? " " : "", a.clock[j->clock]);
            w->clock_hz = a.clock_hz[j->clock];
        }
        w->params = xstrdup(params);
        w->dir = xstrdup(name);
        w->status = -1;
        w->verdict = -1;
        outdirs[i] = xasprintf("%s/%s", a.out, name);
        if (make_dir(outdirs[i], &err) < 0) {
            fprintf(stderr, "baregc sweep: %s\n", err);
            free(err);
            err = NULL;
            rc = EXIT_IO;
        }
    }

    int maxjobs = a.jobs ? a.jobs : default_jobs();
    size_t next = 0, running = 0, finished = 0;
    while (rc == EXIT_OK && finished < n) {
        while (next < n && running < (size_t)maxjobs) {
            pid_t pid = start_run(&a, &jobs[next], outdirs[next]);
            if (pid < 0) {
                fprintf(stderr, "baregc sweep: cannot start a run: %s\n", strerror(errno));
                rc = EXIT_INTERNAL;
                break;
            }
            jobs[next++].pid = pid;
            running++;
        }
        if (running == 0)
            break;
        int st;
        pid_t pid = waitpid(-1, &st, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "baregc sweep: waitpid: %s\n", strerror(errno));
            rc = EXIT_INTERNAL;
            break;
        }
        size_t i = 0;
        while (i < n && jobs[i].pid != pid)
            i++;
        if (i == n)
            continue; /* not one of ours */
        jobs[i].pid = -1;
        running--;
        finished++;
        SweepRow *w = &rows[i];
        w->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        if (w->status == 0)
            fprintf(stderr, "[%zu/%zu] %s: done\n", finished, n, w->params);
        else if (w->status >= EXIT_FAULT_MEMORY && w->status <= EXIT_FAULT_INSN)
            fprintf(stderr, "[%zu/%zu] %s: fault (exit %d), see %s/stderr.txt\n", finished, n, w->params, w->status,
                    outdirs[i]);
        else if (WIFSIGNALED(st))
            fprintf(stderr, "[%zu/%zu] %s: killed by signal %d\n", finished, n, w->params, WTERMSIG(st));
        else
            fprintf(stderr, "[%zu/%zu] %s: exit %d, see %s/stderr.txt\n", finished, n, w->params, w->status,
                    outdirs[i]);
    }
    /* On an error, wait for what still runs. */
    for (size_t i = 0; i < n; i++)
        if (jobs[i].pid > 0)
            waitpid(jobs[i].pid, NULL, 0);

    if (rc == EXIT_OK) {
        for (size_t i = 0; i < n; i++) {
            SweepRow *w = &rows[i];
            read_summary(w, outdirs[i]);
            w->oom = (w->has_summary && w->alloc_failures > 0) ||
                     (w->status >= EXIT_FAULT_MEMORY && w->status <= EXIT_FAULT_INSN);
            if (budget) {
                Measured m;
                memset(&m, 0, sizeof m);
                if (measured_from_dir(&m, outdirs[i], budget, &err) < 0) {
                    free(err);
                    err = NULL;
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
        }
        PageArgs p = {.a = &a, .jobs = jobs, .rows = rows, .n = n, .csv = true};
        char *csv = xasprintf("%s/sweep.csv", a.out), *html = xasprintf("%s/sweep.html", a.out);
        if (write_file(csv, &p) < 0)
            rc = EXIT_IO;
        p.csv = false;
        if (rc == EXIT_OK && write_file(html, &p) < 0)
            rc = EXIT_IO;
        if (rc == EXIT_OK)
            fprintf(stderr, "baregc sweep: %zu runs: %s, %s\n", n, csv, html);
        free(csv);
        free(html);
    }

    for (size_t i = 0; i < n; i++) {
        free(rows[i].params);
        free(rows[i].dir);
        free(rows[i].exit_reason);
        free(outdirs[i]);
    }
    free(outdirs);
    free(rows);
    free(jobs);
    budget_free(budget);
    args_free(&a);
    return rc;
}

const Command cmd_sweep = {
    .name = "sweep",
    .summary = "run an image over a matrix of SRAM sizes and clocks: CSV and HTML",
    .exec = exec_sweep,
    .usage = sweep_usage,
};
