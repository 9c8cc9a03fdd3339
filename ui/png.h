/* png.h: a minimal PNG encoder for 8-bit RGBA images (IHDR, one IDAT, IEND; zlib for
 * the compression and the chunk CRCs), for the heap map export and screenshots. */
#ifndef BAREGC_PNG_H
#define BAREGC_PNG_H

#include <stddef.h>
#include <stdint.h>

/* Encode width x height pixels (R G B A bytes, rows top first, `stride` bytes apart)
 * into a new buffer (*out, *len; free() it). -1 with *err on bad dimensions or a zlib
 * failure. */
int png_encode_rgba(const uint8_t *rgba, int width, int height, size_t stride, uint8_t **out, size_t *len,
                    char **err);

/* Encode and write to path (base/outfile.h: whole, or through to a device). -1 with *err naming
 * the file. */
int png_write_rgba(const char *path, const uint8_t *rgba, int width, int height, size_t stride, char **err);

#endif
