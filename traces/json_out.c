/* json_out.c: writing JSON string literals for the writers that stream JSON by hand
 * (trace.json, record.json): escaped as JSON requires, invalid UTF-8 as U+FFFD. */
#include "config.h"

#include "base/utf8.h"
#include "traces/json_out.h"

/* A JSON string (null for NULL): escapes as JSON requires, invalid UTF-8 -> U+FFFD. */
void json_put_string(FILE *f, const char *str)
{
    if (!str) {
        fputs("null", f);
        return;
    }
    const unsigned char *s = (const unsigned char *)str;
    fputc('"', f);
    while (*s) {
        unsigned c = *s;
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc((int)c, f);
            s++;
        } else if (c == '\n') {
            fputs("\\n", f), s++;
        } else if (c == '\r') {
            fputs("\\r", f), s++;
        } else if (c == '\t') {
            fputs("\\t", f), s++;
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(f, "\\u%04x", c), s++;
        } else {
            size_t n = utf8_seq_len((const char *)s);
            if (n == 0) {
                fputs("\\ufffd", f);
                s++;
            } else {
                fwrite(s, 1, n, f);
                s += n;
            }
        }
    }
    fputc('"', f);
}
