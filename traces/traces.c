/* traces.c: writes every output file of a run into a directory, each atomically
 * (a hidden temporary file renamed into place). */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static const struct {
    const char *name;
    WriteFn fn;
} outputs[] = {
    {"heap.pb.gz", w_heap},       {"gc-pauses.pb.gz", w_pauses}, {"cpu.pb.gz", w_cpu},
    {"trace.json", w_trace},      {"gctrace.log", w_gctrace},    {"summary.json", w_summary},
    /* events.bin first: record.json names it; and these two last (write_outputs) */
    {RECORD_EVENTS_FILE, w_events}, {"record.json", w_record},
};

static int write_one(const Out *o, const char *dir, const char *name, WriteFn fn, char **err)
{
    char *tmp = xasprintf("%s/.%s.tmp", dir, name);
    char *dst = xasprintf("%s/%s", dir, name);
    int rc = -1;
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        set_err(err, "%s: %s", tmp, strerror(errno));
        goto out;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 16);
    char *werr = NULL;
    int wrc = fn(o, f, &werr);
    int cerr = fclose(f);
    if (wrc < 0 || cerr != 0) {
        if (werr)
            set_err(err, "%s: %s", dst, werr);
        else
            set_err(err, "%s: write failed: %s", tmp, strerror(errno ? errno : EIO));
        free(werr);
        unlink(tmp);
        goto out;
    }
    if (rename(tmp, dst) < 0) {
        set_err(err, "%s: cannot rename into place: %s", dst, strerror(errno));
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    free(tmp);
    free(dst);
    return rc;
}

static void *encode_events(void *arg)
{
    Out *o = arg;
    record_events_encode(o->r, &o->ev);
    return NULL;
}

/* events.bin is encoded on a thread of its own while the files before it are written
 * (both only read the recording); events.bin and record.json wait for it. */
static int write_outputs(Out *o, const char *dir, size_t first, char **err)
{
    pthread_t t;
    bool threaded = first < ARRAY_SIZE(outputs) - 2 && !pthread_create(&t, NULL, encode_events, o);
    if (!threaded)
        encode_events(o);
    int rc = 0;
    size_t i = first;
    for (; i < ARRAY_SIZE(outputs) - 2 && rc == 0; i++)
        rc = write_one(o, dir, outputs[i].name, outputs[i].fn, err);
    if (threaded)
        pthread_join(t, NULL);
    for (; i < ARRAY_SIZE(outputs) && rc == 0; i++)
        rc = write_one(o, dir, outputs[i].name, outputs[i].fn, err);
    record_events_free(&o->ev);
    return rc;
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
