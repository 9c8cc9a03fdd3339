/* png.c: a minimal PNG encoder (PNG spec, ISO/IEC 15948): signature, IHDR (8-bit
 * RGBA, no interlace), one zlib-compressed IDAT with filter type 0 on every row, IEND;
 * each chunk's CRC-32 from zlib (crc32_of). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/crc.h"
#include "base/outfile.h"
#include "base/util.h"
#include "ui/png.h"

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Append one chunk (length, type, data, CRC over type and data) at *pos. */
static void put_chunk(uint8_t *buf, size_t *pos, const char type[4], const uint8_t *data, size_t n)
{
    uint8_t *p = buf + *pos;
    put_be32(p, (uint32_t)n);
    memcpy(p + 4, type, 4);
    if (n)
        memcpy(p + 8, data, n);
    uint32_t crc = crc32_of(0, p + 4, n + 4);
    put_be32(p + 8 + n, (uint32_t)crc);
    *pos += n + 12;
}

int png_encode_rgba(const uint8_t *rgba, int width, int height, size_t stride, uint8_t **out, size_t *len,
                    char **err)
{
    if (width <= 0 || height <= 0 || width > 1 << 15 || height > 1 << 15 || stride < (size_t)width * 4) {
        set_err(err, "PNG: bad image size %dx%d", width, height);
        return -1;
    }
    size_t row = (size_t)width * 4 + 1;
    size_t rawlen = row * (size_t)height;
    uint8_t *raw = xmalloc(rawlen);
    for (int y = 0; y < height; y++) {
        raw[(size_t)y * row] = 0; /* filter: none */
        memcpy(raw + (size_t)y * row + 1, rgba + (size_t)y * stride, (size_t)width * 4);
    }
    uLongf zlen = compressBound((uLong)rawlen);
    uint8_t *z = xmalloc(zlen);
    int zr = compress2(z, &zlen, raw, (uLong)rawlen, 6);
    free(raw);
    if (zr != Z_OK) {
        free(z);
        set_err(err, "PNG: zlib compress2 failed (%d)", zr);
        return -1;
    }
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    uint8_t ihdr[13];
    put_be32(ihdr, (uint32_t)width);
    put_be32(ihdr + 4, (uint32_t)height);
    ihdr[8] = 8;  /* bit depth */
    ihdr[9] = 6;  /* colour type: RGBA */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* adaptive filtering (type 0 used throughout) */
    ihdr[12] = 0; /* no interlace */
    size_t total = sizeof sig + (12 + sizeof ihdr) + (12 + zlen) + 12;
    uint8_t *buf = xmalloc(total);
    size_t pos = sizeof sig;
    memcpy(buf, sig, sizeof sig);
    put_chunk(buf, &pos, "IHDR", ihdr, sizeof ihdr);
    put_chunk(buf, &pos, "IDAT", z, zlen);
    put_chunk(buf, &pos, "IEND", NULL, 0);
    free(z);
    *out = buf;
    *len = pos;
    return 0;
}

int png_write_rgba(const char *path, const uint8_t *rgba, int width, int height, size_t stride, char **err)
{
    uint8_t *buf;
    size_t len;
    char *e = NULL;
    if (png_encode_rgba(rgba, width, height, stride, &buf, &len, &e) < 0) {
        set_err(err, "%s: %s", path, e);
        free(e);
        return -1;
    }
    int rc = outfile_write_bytes(path, buf, len, err);
    free(buf);
    return rc;
}
