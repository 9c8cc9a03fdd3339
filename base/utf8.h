/* utf8.h: text that came from outside (file names, symbol and profile names, the guest's
 * bytes) made fit for the text baregc writes: valid UTF-8 whatever the bytes were. */
#ifndef BAREGC_UTF8_H
#define BAREGC_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define UTF8_REPLACEMENT 0xfffdu /* U+FFFD, what an invalid byte becomes */

/* The length of the valid UTF-8 sequence at s (1 to 4 bytes: the shortest form of a
 * code point up to U+10FFFF that is not a surrogate), 0 when s starts none. Reads no
 * further than a NUL. */
size_t utf8_seq_len(const char *s);

/* The character at *s, advancing *s past it: the code point of a valid sequence, else
 * UTF8_REPLACEMENT for the one byte that starts none. *s must not be at the final NUL. */
uint32_t utf8_next(const char **s);

/* Writes code point c (up to U+10FFFF) onto f in UTF-8. */
void utf8_put(FILE *f, uint32_t c);

/* Is code point c a character XML 1.0 allows in a document (tab, LF, CR and U+0020
 * up, without the surrogates, U+FFFE and U+FFFF)? */
bool utf8_xml_char(uint32_t c);

/* A malloc'd copy of s in valid UTF-8: each byte that starts no valid sequence becomes
 * U+FFFD. NULL for NULL. */
char *utf8_clean(const char *s);

#endif
