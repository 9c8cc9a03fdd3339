/* crc.h: CRC-32 through zlib's crc32_z. libunicorn 2.0.1 exports a crc32 of its own,
 * byte at a time and about twenty times slower than zlib's, and a call to plain
 * crc32() in a program linked with both binds to it (12.6 MB of events.bin took
 * 50 ms). crc32_z is zlib's alone. */
#ifndef BAREGC_CRC_H
#define BAREGC_CRC_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

/* CRC-32 (IEEE, as zlib's; start with 0) of n bytes, continuing crc. */
static inline uint32_t crc32_of(uint32_t crc, const void *p, size_t n) { return (uint32_t)crc32_z(crc, p, n); }

#endif
