/* json_out.h: JSON string literals for the hand-streamed JSON writers. */
#ifndef BAREGC_JSON_OUT_H
#define BAREGC_JSON_OUT_H

#include <stdio.h>

/* s as a JSON string literal (null for NULL): quotes, backslashes and control
 * characters escaped, invalid UTF-8 bytes written as U+FFFD. */
void json_put_string(FILE *f, const char *s);

#endif
