/* fuzz_util.h: what the libFuzzer harnesses share: an input handed to an API that
 * takes a path (a memfd, nothing on disk), a scratch directory for one input, and a
 * small synthetic firmware image. Nothing here keeps state from one input to the next. */
#ifndef BAREGC_FUZZ_UTIL_H
#define BAREGC_FUZZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/image.h"

/* libFuzzer's entry point, defined once per harness. Returns 0 (inputs are never
 * rejected); a crash, a sanitizer report, a leak or a failed FUZZ_CHECK is a finding. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property the code under test promises: abort (a finding) when it does not hold. */
#define FUZZ_CHECK(cond) ((cond) ? (void)0 : fuzz_check_failed(#cond, __FILE__, __LINE__))
void fuzz_check_failed(const char *what, const char *file, int line) __attribute__((noreturn));

/* The error contract of the project's functions: a message exactly when the call
 * failed (ok false). Frees the message; returns ok. */
bool fuzz_outcome(bool ok, char *err);

/* The bytes in an anonymous memory file; *path (n bytes, at least 32) names it as
 * /proc/self/fd/N. Returns the descriptor, for the caller to close. */
int fuzz_memfd(const uint8_t *data, size_t size, char *path, size_t n);

/* A NUL-terminated copy of the bytes (malloc'd); the text ends at the first NUL. */
char *fuzz_cstring(const uint8_t *data, size_t size);

/* A fresh empty directory under $TMPDIR (malloc'd path), and its removal with every
 * file written into it by fuzz_write_file. */
char *fuzz_scratch_dir(void);
void fuzz_scratch_remove(char *dir);
void fuzz_write_file(const char *dir, const char *name, const uint8_t *data, size_t size);

/* A small ARM image (built in memory, loaded from a memfd) whose symbols are those the
 * seeds of the harnesses name: the functions gc_collect, gc_mark, gc_sweep,
 * gc_mark_phase, gc_sweep_phase, gc_start, gc_end, gc_alloc, gc_free, gc_realloc and
 * the objects gc_stats, heap_used, _heap_start, _heap_end, __baregc_gcev. Free with
 * image_free. */
Image *fuzz_synthetic_image(void);

#endif
