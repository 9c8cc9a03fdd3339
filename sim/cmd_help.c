/* cmd_help.c: what the commands' --help texts list: their options, read back for
 * "did you mean" and for shell completion, so neither can drift from the help. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/suggest.h"
#include "base/util.h"
#include "sim/cmd.h"

/* One "-x" / "--name" token at p: its length, 0 if p holds none. */
static size_t option_token(const char *p)
{
    if (p[0] != '-' || !(isalnum((unsigned char)p[1]) || (p[1] == '-' && isalnum((unsigned char)p[2]))))
        return 0;
    size_t n = 1 + strspn(p + 1, "-");
    return n + strspn(p + n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");
}

/* An option line, "  -o, --output FILE   text": its options into out[*n..] (up to max),
 * each with the placeholder that follows the last of them. */
static void parse_line(const char *line, CmdOption *out, size_t *n, size_t max)
{
    if (strncmp(line, "  -", 3) != 0)
        return;
    const char *p = line + 2;
    size_t first = *n;
    size_t len;
    while ((len = option_token(p)) > 0) {
        if (*n < max && len < sizeof out->name) {
            memcpy(out[*n].name, p, len);
            out[*n].name[len] = 0;
            out[*n].value[0] = 0;
            ++*n;
        }
        p += len;
        if (strncmp(p, ", ", 2) != 0 || p[2] != '-')
            break;
        p += 2;
    }
    if (p[0] != ' ' || p[1] == ' ' || p[1] == 0)
        return;
    size_t vlen = strcspn(p + 1, " \n");
    if (vlen >= sizeof out->value)
        return;
    for (size_t i = first; i < *n; i++) {
        memcpy(out[i].value, p + 1, vlen);
        out[i].value[vlen] = 0;
    }
}

size_t cmd_options(const Command *c, CmdOption *out, size_t max)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (!f)
        return 0;
    c->usage(f);
    fclose(f);
    size_t n = 0;
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        parse_line(line, out, &n, max);
        line = nl ? nl + 1 : NULL;
    }
    free(text);
    return n;
}

void cmd_unknown_option(const Command *c, const char *arg)
{
    CmdOption opts[CMD_MAX_OPTIONS];
    const char *names[CMD_MAX_OPTIONS];
    size_t n = cmd_options(c, opts, CMD_MAX_OPTIONS);
    for (size_t i = 0; i < n; i++)
        names[i] = opts[i].name;
    /* "--ouT=DIR" is a mistyped "--out". */
    char word[SUGGEST_MAX_LEN + 1];
    snprintf(word, sizeof word, "%.*s", (int)strcspn(arg, "="), arg);
    const char *near = suggest_closest(word, names, n);
    if (near)
        fprintf(stderr, "baregc %s: unknown option '%s'; did you mean '%s'? (see baregc %s --help)\n", c->name, arg,
                near, c->name);
    else
        fprintf(stderr, "baregc %s: unknown option '%s' (see baregc %s --help)\n", c->name, arg, c->name);
}
