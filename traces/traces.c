/* traces.c: writes every output file of a run into a directory, each whole or not at
 * all (base/outfile.h), and says in the directory when the set is not complete. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/outfile.h"
#include "base/util.h"
#include "traces/pprof.h"
#include "traces/traces.h"

/* mkdir -p */
static int make_dirs(const char *dir, char **err)
{
    char *p = xstrdup(dir);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
    for (char *s = p + 1; ; s++) {
        bool last = *s == '\0';
        if (*s == '/' || last) {
            *s = '\0';
            if (mkdir(p, 0777) < 0 && errno != EEXIST) {
                set_err(err, "%s: cannot create directory: %s", p, strerror(errno));
                free(p);
                return -1;
            }
            if (last)
                break;
            *s = '/';
        }
    }
    struct stat st;
    if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode)) {
        set_err(err, "%s: not a directory", p);
        free(p);
        return -1;
    }
    free(p);
    return 0;
}

typedef struct Out {
    const Recording *r;
    const Image *img;
    const Stats *stats;
    RecordEvents ev; /* events.bin, encoded once: record.json names its size and CRC */
} Out;

typedef int (*WriteFn)(const Out *o, FILE *f, char **err);

static int write_pprof(const Out *o, FILE *f, PprofKind kind, char **err)
{
    uint8_t *buf;
    size_t n;
    if (pprof_build(o->r, o->img, kind, &buf, &n, err) < 0)
        return -1;
    size_t w = fwrite(buf, 1, n, f);
    free(buf);
    return w == n ? 0 : -1;
}

static int w_heap(const Out *o, FILE *f, char **err) { return write_pprof(o, f, PPROF_HEAP, err); }
static int w_pauses(const Out *o, FILE *f, char **err) { return write_pprof(o, f, PPROF_GC_PAUSES, err); }
static int w_cpu(const Out *o, FILE *f, char **err) { return write_pprof(o, f, PPROF_CPU, err); }
static int w_trace(const Out *o, FILE *f, char **err) { return trace_json_write(o->r, o->img, f); }
static int w_gctrace(const Out *o, FILE *f, char **err) { return gctrace_write(o->r, f); }
static int w_summary(const Out *o, FILE *f, char **err) { return summary_write_json(o->r, o->stats, f); }
static int w_record(const Out *o, FILE *f, char **err) { return record_json_write(o->r, o->img, &o->ev, f); }
static int w_events(const Out *o, FILE *f, char **err)
{
    return fwrite(o->ev.data, 1, o->ev.len, f) == o->ev.len ? 0 : -1;
}

/* The order they are written in: the small files that say the most first (summary.json
 * is what scripts read), so that a disk that fills up takes the large ones. */
static const struct {
    const char *name;
    WriteFn fn;
} outputs[] = {
    {"summary.json", w_summary}, {"gctrace.log", w_gctrace}, {"heap.pb.gz", w_heap},
    {"gc-pauses.pb.gz", w_pauses}, {"cpu.pb.gz", w_cpu}, {"trace.json", w_trace},
    /* events.bin first: record.json names it; and these two last (write_outputs) */
    {RECORD_EVENTS_FILE, w_events}, {"record.json", w_record},
};

typedef struct OneOut {
    const Out *o;
    WriteFn fn;
} OneOut;

static int write_fn(void *ctx, FILE *f, char **err)
{
    const OneOut *one = ctx;
    return one->fn(one->o, f, err);
}

/* dir/name through the output-file helper; a failure is appended to *errs (one line
 * each), and the file an earlier run left under that name is removed, so that no file
 * of another run is taken for one of this run. */
static int write_one(const Out *o, const char *dir, const char *name, WriteFn fn, char **errs)
{
    char *dst = xasprintf("%s/%s", dir, name);
    char *err = NULL;
    int rc = outfile_write(dst, write_fn, &(OneOut){o, fn}, &err);
    if (rc < 0) {
        struct stat st;
        if (lstat(dst, &st) == 0 && S_ISREG(st.st_mode))
            unlink(dst);
        char *all = *errs ? xasprintf("%s\n%s", *errs, err) : xstrdup(err);
        free(*errs);
        *errs = all;
    }
    free(err);
    free(dst);
    return rc;
}

static int write_text(void *ctx, FILE *f, char **err)
{
    (void)err;
    fputs(ctx, f);
    return 0;
}

/* TRACES_INCOMPLETE in dir, saying why (the failures, or that the files are being
 * written), or its removal once every file is there. */
static void mark_incomplete(const char *dir, bool writing, const char *failures)
{
    char *path = xasprintf("%s/%s", dir, TRACES_INCOMPLETE);
    if (!writing && !failures) {
        unlink(path);
    } else {
        char *text = writing ? xstrdup("baregc is writing this directory's files, or was stopped while it did: "
                                       "until this file is gone, they are not a complete set.\n")
                             : xasprintf("baregc could not write every file of this run: the files below are "
                                         "missing, the others are complete.\n%s\n",
                                         failures);
        (void)outfile_write(path, write_text, text, NULL); /* when this fails, the first text stays */
        free(text);
    }
    free(path);
}

static void *encode_events(void *arg)
{
    Out *o = arg;
    record_events_encode(o->r, &o->ev);
    return NULL;
}

/* events.bin is encoded on a thread of its own while the files before it are written
 * (both only read the recording); events.bin and record.json wait for it. Every file
 * is tried, whatever happens to the others. */
static int write_outputs(Out *o, const char *dir, size_t first, char **err)
{
    mark_incomplete(dir, true, NULL);
    pthread_t t;
    bool threaded = first < ARRAY_SIZE(outputs) - 2 && !pthread_create(&t, NULL, encode_events, o);
    if (!threaded)
        encode_events(o);
    char *errs = NULL;
    size_t i = first;
    for (; i < ARRAY_SIZE(outputs) - 2; i++)
        write_one(o, dir, outputs[i].name, outputs[i].fn, &errs);
    if (threaded)
        pthread_join(t, NULL);
    for (; i < ARRAY_SIZE(outputs); i++)
        write_one(o, dir, outputs[i].name, outputs[i].fn, &errs);
    record_events_free(&o->ev);
    mark_incomplete(dir, false, errs);
    if (!errs)
        return 0;
    set_err(err, "%s", errs);
    free(errs);
    return -1;
}

int traces_write_record(const Recording *r, const Image *img, const char *dir, char **err)
{
    Out o = {.r = r, .img = img};
    return write_outputs(&o, dir, ARRAY_SIZE(outputs) - 2, err);
}

int traces_write_all(const Recording *r, const Stats *s, const Image *img, const char *dir, char **err)
{
    if (!dir || !*dir) {
        set_err(err, "no output directory");
        return -1;
    }
    if (make_dirs(dir, err) < 0)
        return -1;
    Stats own;
    if (!s)
        stats_compute(r, &own);
    Out o = {.r = r, .img = img, .stats = s ? s : &own};
    int rc = write_outputs(&o, dir, 0, err);
    if (!s)
        stats_free(&own);
    return rc;
}
