/* bitfont.h: a built-in 5x8 bitmap font (printable ASCII) drawn into RGBA buffers, for
 * text in images made without SDL (the heap map's PNG export). Integer pixel writes
 * only, so the same text gives the same bytes everywhere. */
#ifndef BAREGC_BITFONT_H
#define BAREGC_BITFONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A glyph is 5 pixels wide and 8 high (7 above the baseline, 1 below for descenders);
 * at scale s, a character advances BITFONT_ADVANCE * s pixels and a line
 * BITFONT_LINE * s. */
#define BITFONT_W 5
#define BITFONT_H 8
#define BITFONT_ADVANCE 6
#define BITFONT_LINE 10

/* The rows of character c, top first, bit 4 the leftmost pixel; characters outside
 * 0x20..0x7e are drawn as '?'. */
const uint8_t *bitfont_glyph(unsigned char c);

/* Pixels: the width of s at scale (scale >= 1). */
int bitfont_width(const char *s, int scale);

/* Draws s with its top left at (x, y) in rgba (width x height pixels, R G B A, rows
 * top first) in colour 0xRRGGBB at integer scale (>= 1), only within the clip
 * rectangle [x, x + max_w) x [y, y + BITFONT_LINE * scale) and the image; the
 * background is left as it is. */
void bitfont_draw(uint8_t *rgba, int width, int height, int x, int y, int scale, uint32_t rgb, const char *s,
                  int max_w);

#endif
