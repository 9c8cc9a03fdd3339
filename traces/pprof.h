/* pprof.h: pprof profiles (profile.proto, gzip'd) from a Recording: heap by allocation
 * stack, GC pauses by trigger stack, CPU by sample stack. Functions and lines come
 * from the image's symbols and DWARF, so pprof never symbolizes on its own. */
#ifndef BAREGC_TRACES_PPROF_H
#define BAREGC_TRACES_PPROF_H

#include <stddef.h>
#include <stdint.h>

#include "gc/record.h"
#include "base/image.h"

typedef enum PprofKind {
    PPROF_HEAP,      /* alloc_objects/count, alloc_space/bytes, inuse_objects/count,
                      * inuse_space/bytes; period space/bytes 1; default alloc_space */
    PPROF_GC_PAUSES, /* pauses/count, pause/nanoseconds; label "trigger" */
    PPROF_CPU,       /* samples/count, cpu/nanoseconds; period cpu/nanoseconds */
} PprofKind;

/* The profile as uncompressed protobuf into a malloc'd *out (*len bytes). img may be
 * NULL: functions are then named by address ("0x000012a4"). Deterministic. */
void pprof_encode(const Recording *r, const Image *img, PprofKind kind, uint8_t **out, size_t *len);

/* gzip (no name, no mtime, OS "unknown": byte-identical for identical input) into a
 * malloc'd *out. -1 with *err on a zlib failure. */
int pprof_gzip(const uint8_t *in, size_t n, uint8_t **out, size_t *outlen, char **err);

/* pprof_encode + pprof_gzip. */
int pprof_build(const Recording *r, const Image *img, PprofKind kind, uint8_t **out, size_t *len,
                char **err);

#endif
