/* utf8.c: UTF-8 validation and repair for every text output (JSON, XML, HTML, logs). */
#include "config.h"

#include <string.h>

#include "base/utf8.h"
#include "base/util.h"

size_t utf8_seq_len(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned c = s[0], min;
    size_t n;
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0)
        n = 2, min = 0x80, c &= 0x1f;
    else if ((c & 0xf0) == 0xe0)
        n = 3, min = 0x800, c &= 0x0f;
    else if ((c & 0xf8) == 0xf0)
        n = 4, min = 0x10000, c &= 0x07;
    else
        return 0;
    for (size_t i = 1; i < n; i++) { /* a NUL is no continuation byte: stops here */
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    return n;
}

uint32_t utf8_next(const char **str)
{
    const unsigned char *s = (const unsigned char *)*str;
    size_t n = utf8_seq_len(*str);
    if (n == 0) {
        (*str)++;
        return UTF8_REPLACEMENT;
    }
    *str += n;
    if (n == 1)
        return s[0];
    uint32_t c = s[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++)
        c = c << 6 | (s[i] & 0x3f);
    return c;
}

void utf8_put(FILE *f, uint32_t c)
{
    if (c < 0x80) {
        fputc((int)c, f);
        return;
    }
    unsigned n = c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    fputc((int)((0xf00u >> n & 0xf0u) | c >> (6 * (n - 1))), f); /* 110x, 1110, 11110 */
    for (unsigned i = n - 1; i > 0; i--)
        fputc((int)(0x80 | ((c >> (6 * (i - 1))) & 0x3f)), f);
}

bool utf8_xml_char(uint32_t c)
{
    if (c < 0x20)
        return c == '\t' || c == '\n' || c == '\r';
    return c < 0xd800 || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

char *utf8_clean(const char *s)
{
    if (!s)
        return NULL;
    size_t len = strlen(s);
    char *out = xmalloc(len * 3 + 1), *o = out; /* one byte becomes at most three */
    while (*s) {
        size_t n = utf8_seq_len(s);
        if (n) {
            memcpy(o, s, n);
            o += n;
            s += n;
        } else {
            memcpy(o, "\xef\xbf\xbd", 3); /* U+FFFD */
            o += 3;
            s++;
        }
    }
    *o = 0;
    return out;
}
