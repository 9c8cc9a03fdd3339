/* util.c: allocation, error strings, logging and unit parsing shared by every module. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/util.h"

static void oom(size_t n)
{
    fprintf(stderr, "baregc: out of memory (%zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *xcalloc_aligned(size_t align, size_t n)
{
    size_t size = (n + align - 1) / align * align;
    void *p = aligned_alloc(align, size ? size : align);
    if (!p)
        oom(n);
    return memset(p, 0, size ? size : align);
}

void *xcalloc(size_t count, size_t n)
{
    void *p = calloc(count ? count : 1, n ? n : 1);
    if (!p)
        oom(count * n);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

#define HUGE_PAGE ((size_t)2 << 20)
static size_t huge_round(size_t n) { return (n + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE; }

static void *big_map(size_t n)
{
    void *q = mmap(NULL, huge_round(n), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (q == MAP_FAILED)
        oom(n);
#if defined(HAVE_MADVISE) && HAVE_DECL_MADV_HUGEPAGE
    (void)madvise(q, huge_round(n), MADV_HUGEPAGE); /* advice: without it, 4 KiB pages */
#endif
    return q;
}

void *xbig_grow(void *p, size_t cap, size_t n)
{
    if (n <= cap)
        return p;
    if (n < XBIG_MIN) { /* small: the C heap, zeroed past cap like the mapping */
        uint8_t *q = xrealloc(p, n);
        memset(q + cap, 0, n - cap);
        return q;
    }
    if (cap < XBIG_MIN) { /* from the C heap into a mapping */
        void *q = big_map(n);
        if (cap)
            memcpy(q, p, cap);
        free(p);
        return q;
    }
    if (huge_round(n) == huge_round(cap))
        return p;
#if defined(HAVE_MREMAP) && HAVE_DECL_MREMAP_MAYMOVE
    void *q = mremap(p, huge_round(cap), huge_round(n), MREMAP_MAYMOVE);
    if (q == MAP_FAILED)
        oom(n);
#else
    void *q = big_map(n);
    memcpy(q, p, cap);
    munmap(p, huge_round(cap));
#endif
    return q;
}

void xbig_free(void *p, size_t cap)
{
    if (cap < XBIG_MIN)
        free(p);
    else if (p)
        munmap(p, huge_round(cap));
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

char *xvasprintf(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0)
        n = 0;
    char *s = xmalloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}

void set_err(char **err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    free(*err);
    *err = xvasprintf(fmt, ap);
    va_end(ap);
}

static bool quiet;
static void (*before)(void);

void log_set_quiet(bool q) { quiet = q; }
void log_set_before(void (*fn)(void)) { before = fn; }
bool log_is_quiet(void) { return quiet; }

static bool output_mid_line;

void log_before_output(void)
{
    if (before)
        before();
}

void log_after_output(uint8_t last) { output_mid_line = last != '\n'; }
bool log_output_mid_line(void) { return output_mid_line; }

static void vlog(const char *prefix, const char *fmt, va_list ap)
{
    fflush(stdout);
    if (before)
        before();
    fprintf(stderr, "baregc: %s", prefix);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void log_info(const char *fmt, ...)
{
    if (quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog("", fmt, ap);
    va_end(ap);
}

void log_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog("warning: ", fmt, ap);
    va_end(ap);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog("error: ", fmt, ap);
    va_end(ap);
}

/* Guest errors are rate-limited per format string: a firmware that hammers a
 * read-only register must not flood the terminal. */
#define GUEST_LOG_SLOTS 64
#define GUEST_LOG_MAX 3

void log_guest(const char *fmt, ...)
{
    static const char *seen[GUEST_LOG_SLOTS];
    static unsigned count[GUEST_LOG_SLOTS];
    unsigned i;
    for (i = 0; i < GUEST_LOG_SLOTS && seen[i] && seen[i] != fmt; i++)
        ;
    if (i < GUEST_LOG_SLOTS) {
        seen[i] = fmt;
        if (++count[i] > GUEST_LOG_MAX)
            return;
    }
    if (quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    vlog("guest error: ", fmt, ap);
    va_end(ap);
    if (i < GUEST_LOG_SLOTS && count[i] == GUEST_LOG_MAX)
        fprintf(stderr, "baregc: (further messages like this one are not shown)\n");
}

int parse_u64(const char *s, uint64_t *v)
{
    if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || *end)
        return -1;
    *v = x;
    return 0;
}

/* A non-negative decimal number with optional fraction, then a suffix. */
static int split_number(const char *s, double *num, const char **suffix)
{
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (errno || !isfinite(d) || d < 0)
        return -1;
    *num = d;
    *suffix = end;
    return 0;
}

static int scaled(double num, double scale, uint64_t *out)
{
    double v = num * scale;
    if (v >= 18446744073709551615.0)
        return -1;
    *out = (uint64_t)(v + 0.5);
    return 0;
}

int parse_size(const char *s, uint64_t *bytes)
{
    if (s && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        return parse_u64(s, bytes);
    double num;
    const char *suf;
    if (split_number(s, &num, &suf) < 0)
        return -1;
    double scale;
    if (!*suf || !strcmp(suf, "B"))
        scale = 1;
    else if (!strcmp(suf, "K") || !strcmp(suf, "k") || !strcmp(suf, "KB") || !strcmp(suf, "KiB"))
        scale = 1024.0;
    else if (!strcmp(suf, "M") || !strcmp(suf, "MB") || !strcmp(suf, "MiB"))
        scale = 1024.0 * 1024;
    else if (!strcmp(suf, "G") || !strcmp(suf, "GB") || !strcmp(suf, "GiB"))
        scale = 1024.0 * 1024 * 1024;
    else
        return -1;
    double v = num * scale;
    if (v >= 18446744073709551615.0 || v != floor(v))
        return -1; /* beyond 64 bits (checked before any conversion), or fractional bytes */
    return scaled(num, scale, bytes);
}

int parse_duration(const char *s, uint64_t *ns)
{
    double num;
    const char *suf;
    if (split_number(s, &num, &suf) < 0)
        return -1;
    double scale;
    if (!strcmp(suf, "s"))
        scale = 1e9;
    else if (!strcmp(suf, "ms"))
        scale = 1e6;
    else if (!strcmp(suf, "us"))
        scale = 1e3;
    else if (!strcmp(suf, "ns"))
        scale = 1;
    else if (!strcmp(suf, "m") || !strcmp(suf, "min"))
        scale = 60e9;
    else
        return -1;
    return scaled(num, scale, ns);
}

int parse_hz(const char *s, uint64_t *hz)
{
    double num;
    const char *suf;
    if (split_number(s, &num, &suf) < 0)
        return -1;
    double scale;
    if (!*suf || !strcmp(suf, "Hz"))
        scale = 1;
    else if (!strcmp(suf, "kHz") || !strcmp(suf, "k") || !strcmp(suf, "K"))
        scale = 1e3;
    else if (!strcmp(suf, "MHz") || !strcmp(suf, "M"))
        scale = 1e6;
    else if (!strcmp(suf, "GHz") || !strcmp(suf, "G"))
        scale = 1e9;
    else
        return -1;
    return scaled(num, scale, hz);
}

int read_whole_file(const char *path, uint8_t **buf, size_t *size, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_err(err, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *b = xmalloc(cap);
    for (;;) {
        size_t got = fread(b + n, 1, cap - n - 1, f);
        n += got;
        if (n < cap - 1) {
            if (ferror(f)) {
                set_err(err, "%s: cannot read: %s", path, strerror(errno ? errno : EIO));
                fclose(f);
                free(b);
                return -1;
            }
            break;
        }
        cap *= 2;
        b = xrealloc(b, cap);
    }
    fclose(f);
    b[n] = 0;
    *buf = b;
    *size = n;
    return 0;
}

char *read_text_file(const char *path, size_t *len, char **err)
{
    uint8_t *b;
    size_t n;
    if (read_whole_file(path, &b, &n, err) < 0)
        return NULL;
    if (memchr(b, 0, n)) {
        set_err(err, "%s: not a text file (contains a NUL byte)", path);
        free(b);
        return NULL;
    }
    if (len)
        *len = n;
    return (char *)b;
}

/* Line and column (1-based) of `at` in text; at outside the text: its end. */
static void json_line_col(const char **text, const char **at, int *line, int *col)
{
    if (!*text)
        *text = "";
    size_t len = strlen(*text);
    if (!*at || *at < *text || *at > *text + len)
        *at = *text + len;
    *line = *col = 1;
    for (const char *p = *text; p < *at; p++) {
        if (*p == '\n')
            ++*line, *col = 1;
        else
            ++*col;
    }
}

const char *json_error_text(const char *text, const char *at, char *buf, size_t n)
{
    int line, col;
    json_line_col(&text, &at, &line, &col);
    char near[21];
    size_t k = 0;
    for (const char *p = at; *p && *p != '\n' && *p != '\r' && k < sizeof near - 1; p++)
        near[k++] = (unsigned char)*p < 0x20 ? '?' : *p;
    near[k] = '\0';
    snprintf(buf, n, "not valid JSON at line %d, column %d%s%s%s", line, col, k ? " near '" : "", near, k ? "'" : "");
    return buf;
}

const char *json_nul_escape(const char *text)
{
    bool in_string = false;
    for (const char *p = text; p && *p; p++) {
        if (*p == '"')
            in_string = !in_string;
        else if (in_string && *p == '\\') {
            if (p[1] == 'u' && strncmp(p + 2, "0000", 4) == 0)
                return p;
            if (p[1])
                p++; /* the escaped character, whatever it is */
        }
    }
    return NULL;
}

const char *json_nul_text(const char *text, const char *at, char *buf, size_t n)
{
    int line, col;
    json_line_col(&text, &at, &line, &col);
    snprintf(buf, n, "line %d, column %d: a NUL character (\\u0000) in a string", line, col);
    return buf;
}

size_t partition_point(size_t n, bool (*below)(const void *ctx, size_t i), const void *ctx)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (below(ctx, mid))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
