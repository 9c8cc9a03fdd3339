/* util.h: allocation that aborts on exhaustion, error strings, logging, size/duration parsing. */
#ifndef BAREGC_UTIL_H
#define BAREGC_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#if defined(__GNUC__)
#define BG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define BG_LIKELY(x) __builtin_expect(!!(x), 1)
#define BG_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define BG_NOINLINE __attribute__((noinline))
#define BG_INLINE inline __attribute__((always_inline))
#else
#define BG_PRINTF(a, b)
#define BG_LIKELY(x) (x)
#define BG_UNLIKELY(x) (x)
#define BG_NOINLINE
#define BG_INLINE inline
#endif
/* No inter-procedural analysis of a function (GCC's noipa; clang: noinline). */
#if defined(__GNUC__) && !defined(__clang__)
#define BG_NOIPA __attribute__((noinline, noipa))
#else
#define BG_NOIPA BG_NOINLINE
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Out-of-memory is not recoverable: these print a message and abort. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
/* n zeroed bytes aligned to align (a power of two); free() releases them. */
void *xcalloc_aligned(size_t align, size_t n);
void *xrealloc(void *p, size_t n);
/* Arrays that may grow to many megabytes (a recording's allocations and frees, the
 * events.bin encoder's buffer). From XBIG_MIN bytes on, one lives in a mapping of its
 * own, in transparent huge pages (madvise), and grows by mremap: no copy, and no
 * page touched twice. On this project's VMs the first touch of a 4 KiB page costs
 * about 11 us, and a recording of a million allocations touches 20 000 of them.
 * xbig_grow gives n bytes keeping the first cap bytes of p (NULL, or what xbig_grow
 * gave with capacity cap); bytes past cap are zero. xbig_free needs the same
 * capacity. */
#define XBIG_MIN (1u << 20)
void *xbig_grow(void *p, size_t cap, size_t n);
void xbig_free(void *p, size_t cap);

/* Binary search over [0, n) for a predicate that holds for a prefix of the indices and
 * not after it (a sorted array and "element i is below the key"): the first index for
 * which below(ctx, i) is false, n when it holds for all. */
size_t partition_point(size_t n, bool (*below)(const void *ctx, size_t i), const void *ctx);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) BG_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap);

/* Error convention: functions return 0 (or a pointer) on success and a negative
 * value (or NULL) on failure; on failure, and only then, *err (when err is not
 * NULL) receives a malloc'd one-line message that the caller frees. */
void set_err(char **err, const char *fmt, ...) BG_PRINTF(2, 3);

/* Messages of the simulator itself go to stderr prefixed "baregc: ".
 * log_guest reports guest misbehaviour (e.g. a write to a read-only register):
 * the run goes on; each distinct format string is printed at most a few times. */
void log_set_quiet(bool quiet);
/* A line on stderr that messages must not run into (a run's progress line): before
 * every message, fn is called to clear it. NULL: none. */
void log_set_before(void (*fn)(void));
/* The firmware's own output to the host (console UART, semihosting): the function
 * above is called before each write (log_before_output), and the last byte written is
 * noted after it (log_after_output), so that the line goes only where the firmware's
 * output stands at the start of a line (log_output_mid_line: it does not). */
void log_before_output(void);
void log_after_output(uint8_t last);
bool log_output_mid_line(void);
bool log_is_quiet(void);
void log_info(const char *fmt, ...) BG_PRINTF(1, 2);
void log_warn(const char *fmt, ...) BG_PRINTF(1, 2);
void log_error(const char *fmt, ...) BG_PRINTF(1, 2);
void log_guest(const char *fmt, ...) BG_PRINTF(1, 2);

/* "24K", "1M", "0x6000", "65536" -> bytes (K/M/G are powers of 1024).
 * Returns 0 or -1 on malformed input or overflow. */
/* A whole file into a malloc'd buffer with a NUL after the last byte (*size bytes
 * read). -1 with *err naming the file on failure. */
int read_whole_file(const char *path, uint8_t **buf, size_t *size, char **err);
/* A text file (no NUL bytes) as a NUL-terminated string; NULL with *err. */
char *read_text_file(const char *path, size_t *len, char **err);
/* The message every JSON reader gives when its parser stopped at `at` in the
 * NUL-terminated text (at NULL, or outside the text: its end): "not valid JSON at line
 * L, column C" (1-based; columns count bytes), followed by ` near '...'` (up to 20 bytes
 * of that line from there, control characters as '?') when anything follows on the
 * line. Into buf; returns buf. */
const char *json_error_text(const char *text, const char *at, char *buf, size_t n);
/* The first `\u0000` escape inside a string of the JSON text, or NULL: cJSON would
 * cut the string there (a name "gc\u0000x" read as "gc"), so the readers refuse it.
 * json_nul_text says where: "line L, column C: a NUL character (\\u0000) in a string". */
const char *json_nul_escape(const char *text);
const char *json_nul_text(const char *text, const char *at, char *buf, size_t n);

int parse_size(const char *s, uint64_t *bytes);
/* "10s", "250ms", "100us", "5000ns", "1.5s" -> nanoseconds. Returns 0 or -1. */
int parse_duration(const char *s, uint64_t *ns);
/* "25000000", "25MHz", "32.768kHz", "1GHz" -> Hz. Returns 0 or -1. */
int parse_hz(const char *s, uint64_t *hz);
/* Plain unsigned integer, decimal or 0x hex, whole string. Returns 0 or -1. */
int parse_u64(const char *s, uint64_t *v);

#endif
