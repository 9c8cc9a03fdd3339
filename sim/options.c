/* options.c: the shared machine options (--board, --sram, --clock, --set) and the set-up
 * they lead to: load the image, pick or guess the board, adjust it, check the image fits,
 * resolve the --set variables. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sim/exitcode.h"
#include "sim/options.h"
#include "base/util.h"

/* "--name VALUE" or "--name=VALUE" at argv[*i]: 1 with *val set (and *i advanced past
 * a separate value), 0 if argv[*i] is another option, -1 when the value is missing. */
static int take(const char *name, int argc, char **argv, int *i, const char **val)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0 || (a[n] != 0 && a[n] != '='))
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (*i + 1 >= argc) {
        log_error("%s needs a value (see --help)", name);
        return -1;
    }
    *val = argv[++*i];
    return 1;
}

int machine_options_parse(MachineOptions *o, int argc, char **argv, int *i)
{
    const char *v;
    int r;
    if ((r = take("--board", argc, argv, i, &v)) != 0) {
        if (r > 0 && !*v) {
            log_error("--board: expected a board name or a .json file");
            return -1;
        }
        if (r > 0)
            o->board = v;
        return r;
    }
    if ((r = take("--sram", argc, argv, i, &v)) != 0) {
        if (r > 0 && (parse_size(v, &o->sram_bytes) < 0 || o->sram_bytes == 0)) {
            log_error("--sram: expected a size like 24K or 1M, got '%s'", v);
            return -1;
        }
        return r;
    }
    if ((r = take("--clock", argc, argv, i, &v)) != 0) {
        if (r > 0 && (parse_hz(v, &o->clock_hz) < 0 || o->clock_hz == 0 || o->clock_hz > UINT32_MAX)) {
            log_error("--clock: expected a frequency like 48MHz or 16000000, got '%s'", v);
            return -1;
        }
        return r;
    }
    return 0;
}

int options_list_next(const char **p, char *buf, size_t n)
{
    const char *s = *p;
    if (!s)
        return 0;
    while (*s == ' ')
        s++;
    const char *comma = strchr(s, ',');
    size_t len = comma ? (size_t)(comma - s) : strlen(s);
    *p = comma ? comma + 1 : NULL;
    if (len == 0 || len >= n)
        return -1;
    memcpy(buf, s, len);
    buf[len] = 0;
    return 1;
}

int machine_set_value_parse(const char *text, uint64_t *magnitude, bool *negative)
{
    *negative = text[0] == '-';
    return parse_size(text + *negative, magnitude);
}

/* One SYMBOL=VALUE item into o. -1 after printing an error. */
static int add_set(MachineOptions *o, const char *item)
{
    const char *eq = strchr(item, '=');
    if (!eq || eq == item || !eq[1]) {
        log_error("--set: expected SYMBOL=VALUE, got '%s'", item);
        return -1;
    }
    if (o->nset == MACHINE_MAX_SETS) {
        log_error("--set: more than %d variables", MACHINE_MAX_SETS);
        return -1;
    }
    MachineSet *m = &o->set[o->nset];
    size_t len = (size_t)(eq - item);
    if (len >= sizeof m->symbol || strlen(eq + 1) >= sizeof m->text) {
        log_error("--set: '%s' is too long", item);
        return -1;
    }
    memcpy(m->symbol, item, len);
    m->symbol[len] = 0;
    strcpy(m->text, eq + 1);
    if (machine_set_value_parse(m->text, &m->magnitude, &m->negative) < 0) {
        log_error("--set %s: expected an integer or a size like 24K, got '%s'", m->symbol, m->text);
        return -1;
    }
    for (size_t k = 0; k < o->nset; k++)
        if (!strcmp(o->set[k].symbol, m->symbol)) {
            log_error("--set: %s is given twice", m->symbol);
            return -1;
        }
    o->nset++;
    return 0;
}

int machine_set_option_parse(MachineOptions *o, int argc, char **argv, int *i)
{
    const char *v;
    int r = take("--set", argc, argv, i, &v);
    if (r <= 0)
        return r;
    char item[MACHINE_SET_SYMBOL_MAX + 32];
    int got;
    while ((got = options_list_next(&v, item, sizeof item)) > 0)
        if (add_set(o, item) < 0)
            return -1;
    if (got < 0) {
        log_error("--set: an empty or too long item in '%s'", argv[*i]);
        return -1;
    }
    return 1;
}

void machine_set_usage(FILE *out)
{
    fprintf(out, "  --set SYMBOL=VALUE[,SYMBOL=VALUE...]\n"
                 "                       give variables of the image values before reset (a heap size, a\n"
                 "                       GC threshold): initialised data of 1, 2, 4 or 8 bytes in RAM;\n"
                 "                       VALUE an integer or a size (24K)\n");
}

int machine_sets_resolve(const MachineOptions *o, const Image *img, const Board *b, bool quiet, MachineWrite *w)
{
    for (size_t i = 0; i < o->nset; i++) {
        const MachineSet *m = &o->set[i];
        char *err = NULL;
        if (machine_resolve_write(b, img, m->symbol, m->magnitude, m->negative, &w[i], &err) < 0) {
            log_error("--set %s=%s: %s", m->symbol, m->text, err);
            free(err);
            return EXIT_USAGE;
        }
        if (quiet)
            continue;
        if (w[i].addr == w[i].run_addr)
            log_info("--set %s=%s: %u bytes at 0x%08x", m->symbol, m->text, w[i].size, w[i].run_addr);
        else
            log_info("--set %s=%s: %u bytes at 0x%08x, written where the start-up code copies .data from "
                     "(0x%08x)", m->symbol, m->text, w[i].size, w[i].run_addr, w[i].addr);
    }
    return EXIT_OK;
}

void machine_options_usage(FILE *out)
{
    fprintf(out, "  --board NAME|FILE    the board: a built-in one (see `baregc boards`) or a board .json\n"
                 "                       file; default: chosen from the image\n"
                 "  --sram SIZE          make the board's SRAM SIZE bytes long (e.g. 24K) to model a\n"
                 "                       smaller part\n"
                 "  --clock HZ           core clock (e.g. 48MHz) instead of the board's\n");
}

/* "[HOST:]PORT" (the host may be empty, an IPv6 one in brackets): 0, or -1 with a message. */
static int parse_listen(GdbOptions *o, const char *v)
{
    const char *colon = strrchr(v, ':');
    const char *port = colon ? colon + 1 : v, *host = v;
    size_t hlen = colon ? (size_t)(colon - v) : 0;
    if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
        host++;
        hlen -= 2;
    }
    uint64_t p;
    if (parse_u64(port, &p) < 0 || p > 65535 || hlen >= sizeof o->host) {
        log_error("--gdb: expected [HOST:]PORT (e.g. 1234, 127.0.0.1:1234 or [::1]:1234), got '%s'", v);
        return -1;
    }
    snprintf(o->host, sizeof o->host, "%.*s", (int)hlen, host);
    if (!hlen)
        snprintf(o->host, sizeof o->host, "127.0.0.1");
    o->port = (unsigned)p;
    o->on = true;
    return 0;
}

int gdb_options_parse(GdbOptions *o, int argc, char **argv, int *i)
{
    const char *v;
    int r;
    if (!strcmp(argv[*i], "--gdb-wait")) {
        o->wait = true;
        return 1;
    }
    if ((r = take("--gdb-break-budget", argc, argv, i, &v)) != 0) {
        if (r > 0)
            o->break_budget = v;
        return r;
    }
    if ((r = take("--gdb", argc, argv, i, &v)) != 0)
        return r > 0 && parse_listen(o, v) < 0 ? -1 : r;
    return 0;
}

int gdb_options_check(const GdbOptions *o)
{
    if (!o->on && (o->wait || o->break_budget)) {
        log_error("%s needs --gdb [HOST:]PORT", o->wait ? "--gdb-wait" : "--gdb-break-budget");
        return -1;
    }
    return 0;
}

void gdb_options_usage(FILE *out)
{
    fprintf(out, "  --gdb [HOST:]PORT    serve GDB's remote protocol on HOST:PORT (default host\n"
                 "                       127.0.0.1; port 0: any free one, said on stderr):\n"
                 "                       `target remote HOST:PORT` in gdb-multiarch or arm-none-eabi-gdb\n"
                 "  --gdb-wait           stop before the first instruction until GDB connects\n"
                 "  --gdb-break-budget FILE  stop in the debugger at the end of the first pause longer\n"
                 "                       than FILE's max_pause_us (a budget file, as for check)\n");
}

int machine_setup(const MachineOptions *o, const char *elf_path, bool quiet, Image **img_out, Board **board_out)
{
    char *err = NULL;
    int kind = 0;
    *img_out = NULL;
    *board_out = NULL;
    Image *img = image_load(elf_path, &kind, &err);
    if (!img) {
        log_error("%s", err);
        free(err);
        return kind == LOAD_ERR_OPEN ? EXIT_NO_INPUT : EXIT_BAD_IMAGE;
    }
    Board *b;
    if (o->board) {
        b = board_lookup(o->board, &err);
        if (!b && (strchr(o->board, '/') || strstr(o->board, ".json"))) {
            /* A board file that cannot be opened is a missing input, like a missing image. */
            FILE *f = fopen(o->board, "r");
            bool missing = !f;
            if (f)
                fclose(f);
            if (missing) {
                log_error("%s", err);
                free(err);
                image_free(img);
                return EXIT_NO_INPUT;
            }
        }
    } else {
        b = board_guess(img, &err);
        if (b && !quiet)
            log_info("no --board given: using %s (%s), chosen from the image", b->name, core_name(b->core));
    }
    if (!b)
        goto bad_board;
    board_choose_main_sram(b, img);
    if (o->sram_bytes && board_set_sram(b, o->sram_bytes, &err) < 0)
        goto bad_board;
    if (o->clock_hz && board_set_clock(b, o->clock_hz, &err) < 0)
        goto bad_board;
    if (board_check_image(b, img, &err) < 0) {
        char *e = xasprintf("%s: %s", image_path(img), err);
        free(err);
        err = e;
        goto bad_board;
    }
    *img_out = img;
    *board_out = b;
    return EXIT_OK;
bad_board:
    log_error("%s", err);
    free(err);
    board_free(b);
    image_free(img);
    return EXIT_BAD_BOARD;
}
