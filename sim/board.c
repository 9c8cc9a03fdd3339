/* board.c: board descriptions from JSON (cJSON): strict validation, built-in boards, --sram
 * and --clock, and whether an image fits a board.
 *
 * Schema (docs/boards.md has the long form):
 * {
 *   "name": "mps2-an385",                 required, the board's name
 *   "description": "...",                 optional
 *   "qemu_machine": "mps2-an385",         optional: the QEMU -M machine it mirrors
 *   "core": "cortex-m3",                  required: cortex-m0 cortex-m0plus cortex-m3 cortex-m4 rv32imac
 *   "clock_hz": 25000000,                 required: a number, or a string like "25MHz"
 *   "boot_addr": "0x00000000",            Cortex-M only (vector table at reset), default 0
 *   "nvic": {"num_irq": 32, "prio_bits": 3},  Cortex-M only; defaults 32 and 2 (v6-M) / 3
 *   "memories": [                         required, at least one "sram"; no overlaps
 *     {"name": "flash", "base": "0x00000000", "size": "4M", "kind": "flash"}, ...],
 *   "devices": [                          optional
 *     {"type": "cmsdk-uart", "name": "uart0", "base": "0x40004000", "irq": [0, 1], ...}, ...],
 *   "console": "uart0"                    optional: the device that is the console (default:
 *                                         the first device whose model can be one)
 * }
 * Numbers may be JSON numbers or strings: addresses "0x..." or decimal, sizes with a K/M/G
 * suffix (powers of 1024), clocks with Hz/kHz/MHz/GHz. A device's "irq" is a number (NVIC
 * external IRQ or PLIC source), "msip"/"mtip"/"meip" (RISC-V CPU-local lines), or an array
 * of up to 4 of those. Any other device key is a parameter for the device model, which
 * receives the whole object. Device types are checked by the machine (the registry). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/board.h"
#include "base/util.h"

/* The generated sim/builtin_boards.c: {name, JSON text} in order of preference. */
extern const char *const board_builtin_src[][2];
extern const size_t board_builtin_src_count;

/* ---- formatting ---- */

char *board_format_size(uint64_t bytes, char *buf, size_t n)
{
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
        snprintf(buf, n, "%llu MiB", (unsigned long long)(bytes >> 20));
    else if (bytes >= 1024 && bytes % 1024 == 0 && bytes < (1u << 20))
        snprintf(buf, n, "%llu KiB", (unsigned long long)(bytes >> 10));
    else if (bytes >= (1u << 20))
        snprintf(buf, n, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
    else if (bytes >= 1024)
        snprintf(buf, n, "%.1f KiB", (double)bytes / 1024.0);
    else
        snprintf(buf, n, "%llu bytes", (unsigned long long)bytes);
    return buf;
}

char *board_format_hz(uint64_t hz, char *buf, size_t n)
{
    if (hz >= 1000000 && hz % 1000000 == 0)
        snprintf(buf, n, "%llu MHz", (unsigned long long)(hz / 1000000));
    else if (hz >= 1000 && hz % 1000 == 0)
        snprintf(buf, n, "%llu kHz", (unsigned long long)(hz / 1000));
    else
        snprintf(buf, n, "%llu Hz", (unsigned long long)hz);
    return buf;
}

/* ---- parsing ---- */

typedef struct Ctx {
    const char *origin;
    char **err;
} Ctx;

static int bad(Ctx *c, const char *fmt, ...) BG_PRINTF(2, 3);

static int bad(Ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = xvasprintf(fmt, ap);
    va_end(ap);
    set_err(c->err, "board %s: %s", c->origin, msg);
    free(msg);
    return -1;
}

/* Unknown or repeated keys in an object are errors. */
static int check_keys(Ctx *c, const cJSON *obj, const char *where, const char *const *allowed)
{
    for (const cJSON *k = obj->child; k; k = k->next) {
        bool ok = false;
        for (size_t i = 0; allowed[i]; i++)
            ok = ok || strcmp(k->string, allowed[i]) == 0;
        if (!ok) {
            char list[256] = "";
            for (size_t i = 0; allowed[i]; i++) {
                strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
                strncat(list, allowed[i], sizeof list - strlen(list) - 1);
            }
            return bad(c, "%s%s%s: unknown key (known keys: %s)", where, *where ? "." : "", k->string, list);
        }
        for (const cJSON *e = obj->child; e != k; e = e->next)
            if (strcmp(e->string, k->string) == 0)
                return bad(c, "%s%s%s: key given twice", where, *where ? "." : "", k->string);
    }
    return 0;
}

enum NumKind { NUM_ADDR, NUM_SIZE, NUM_HZ, NUM_INT };

/* A JSON number (whole, >= 0) or a string in the kind's notation, up to max. */
static int get_num(Ctx *c, const cJSON *v, const char *key, enum NumKind kind, uint64_t max, uint64_t *out)
{
    static const char *const expect[] = {
        [NUM_ADDR] = "an address like \"0x20000000\"",
        [NUM_SIZE] = "a size like \"24K\"",
        [NUM_HZ] = "a frequency like \"25MHz\"",
        [NUM_INT] = "a whole number",
    };
    uint64_t x;
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d < 0 || d > 18446744073709549568.0 || d != (double)(uint64_t)d)
            return bad(c, "%s: expected %s", key, expect[kind]);
        x = (uint64_t)d;
    } else if (cJSON_IsString(v) && kind != NUM_INT) {
        int r = kind == NUM_ADDR ? parse_u64(v->valuestring, &x)
                : kind == NUM_SIZE ? parse_size(v->valuestring, &x)
                                   : parse_hz(v->valuestring, &x);
        if (r < 0)
            return bad(c, "%s: expected %s, got \"%s\"", key, expect[kind], v->valuestring);
    } else {
        return bad(c, "%s: expected %s", key, expect[kind]);
    }
    if (x > max)
        return bad(c, "%s: %llu is too large (at most %llu)", key, (unsigned long long)x, (unsigned long long)max);
    *out = x;
    return 0;
}

static int get_string(Ctx *c, const cJSON *obj, const char *key, const char *where, bool required, char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v || cJSON_IsNull(v)) {
        if (required)
            return bad(c, "%s%s%s: missing", where, *where ? "." : "", key);
        *out = NULL;
        return 0;
    }
    if (!cJSON_IsString(v) || (required && !*v->valuestring))
        return bad(c, "%s%s%s: expected a %sstring", where, *where ? "." : "", key, required ? "non-empty " : "");
    *out = xstrdup(v->valuestring);
    return 0;
}

static int parse_memory(Ctx *c, const cJSON *o, size_t i, BoardMemory *m)
{
    static const char *const keys[] = {"name", "base", "size", "kind", NULL};
    char where[64], key[96];
    snprintf(where, sizeof where, "memories[%zu]", i);
    if (!cJSON_IsObject(o))
        return bad(c, "%s: expected an object", where);
    if (check_keys(c, o, where, keys) < 0 || get_string(c, o, "name", where, true, &m->name) < 0)
        return -1;
    uint64_t base, size;
    const cJSON *v;
    snprintf(key, sizeof key, "%s.base", where);
    if (!(v = cJSON_GetObjectItemCaseSensitive(o, "base")))
        return bad(c, "%s: missing", key);
    if (get_num(c, v, key, NUM_ADDR, UINT32_MAX, &base) < 0)
        return -1;
    snprintf(key, sizeof key, "%s.size", where);
    if (!(v = cJSON_GetObjectItemCaseSensitive(o, "size")))
        return bad(c, "%s: missing", key);
    if (get_num(c, v, key, NUM_SIZE, UINT32_MAX, &size) < 0)
        return -1;
    if (size == 0)
        return bad(c, "%s: must be more than 0", key);
    if (base + size > 0x100000000ull)
        return bad(c, "%s: 0x%08llx + %llu bytes runs past the 4 GiB address space", where,
                   (unsigned long long)base, (unsigned long long)size);
    snprintf(key, sizeof key, "%s.kind", where);
    v = cJSON_GetObjectItemCaseSensitive(o, "kind");
    if (!v)
        return bad(c, "%s: missing (\"flash\" or \"sram\")", key);
    if (cJSON_IsString(v) && strcmp(v->valuestring, "flash") == 0)
        m->kind = BOARD_MEM_FLASH;
    else if (cJSON_IsString(v) && strcmp(v->valuestring, "sram") == 0)
        m->kind = BOARD_MEM_SRAM;
    else
        return bad(c, "%s: expected \"flash\" or \"sram\"", key);
    m->base = (uint32_t)base;
    m->size = m->limit = (uint32_t)size;
    return 0;
}

static int parse_irq_one(Ctx *c, const cJSON *v, const char *key, BoardIrq *q)
{
    if (cJSON_IsString(v)) {
        static const struct { const char *name; int bit; } local[] = {{"msip", 3}, {"mtip", 7}, {"meip", 11}};
        for (size_t i = 0; i < ARRAY_SIZE(local); i++)
            if (strcmp(v->valuestring, local[i].name) == 0) {
                *q = (BoardIrq){.cpu_local = true, .num = local[i].bit};
                return 0;
            }
        uint64_t n;
        if (parse_u64(v->valuestring, &n) == 0 && n < 1024) {
            *q = (BoardIrq){.cpu_local = false, .num = (int)n};
            return 0;
        }
        return bad(c, "%s: expected an IRQ number or \"msip\", \"mtip\", \"meip\", got \"%s\"", key, v->valuestring);
    }
    uint64_t n;
    if (!cJSON_IsNumber(v))
        return bad(c, "%s: expected an IRQ number or \"msip\", \"mtip\", \"meip\"", key);
    if (get_num(c, v, key, NUM_INT, 1023, &n) < 0)
        return -1;
    *q = (BoardIrq){.cpu_local = false, .num = (int)n};
    return 0;
}

static int parse_device(Ctx *c, const cJSON *o, size_t i, BoardDevice *d)
{
    char where[64], key[96];
    snprintf(where, sizeof where, "devices[%zu]", i);
    if (!cJSON_IsObject(o))
        return bad(c, "%s: expected an object", where);
    for (const cJSON *k = o->child; k; k = k->next)
        for (const cJSON *e = o->child; e != k; e = e->next)
            if (strcmp(e->string, k->string) == 0)
                return bad(c, "%s.%s: key given twice", where, k->string);
    if (get_string(c, o, "type", where, true, &d->type) < 0 || get_string(c, o, "name", where, true, &d->name) < 0)
        return -1;
    /* Say which device in later messages. */
    snprintf(where, sizeof where, "devices[%zu] (%s)", i, d->name);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "base");
    uint64_t base;
    snprintf(key, sizeof key, "%s.base", where);
    if (!v)
        return bad(c, "%s: missing", key);
    if (get_num(c, v, key, NUM_ADDR, UINT32_MAX, &base) < 0)
        return -1;
    d->base = (uint32_t)base;
    v = cJSON_GetObjectItemCaseSensitive(o, "irq");
    if (v && cJSON_IsArray(v)) {
        int n = cJSON_GetArraySize(v);
        if (n > (int)ARRAY_SIZE(d->irq))
            return bad(c, "%s.irq: at most %zu interrupt lines", where, ARRAY_SIZE(d->irq));
        int j = 0;
        for (const cJSON *e = v->child; e; e = e->next, j++) {
            snprintf(key, sizeof key, "%s.irq[%d]", where, j);
            if (parse_irq_one(c, e, key, &d->irq[j]) < 0)
                return -1;
        }
        d->nirq = n;
    } else if (v) {
        snprintf(key, sizeof key, "%s.irq", where);
        if (parse_irq_one(c, v, key, &d->irq[0]) < 0)
            return -1;
        d->nirq = 1;
    }
    d->params = cJSON_Duplicate(o, true);
    return 0;
}

static bool ranges_overlap(uint64_t a, uint64_t an, uint64_t b, uint64_t bn) { return a < b + bn && b < a + an; }

Board *board_parse(const char *json_text, const char *origin, char **err)
{
    static const char *const top_keys[] = {"name", "description", "qemu_machine", "core", "clock_hz",
                                           "boot_addr", "nvic", "memories", "devices", "console", NULL};
    static const char *const nvic_keys[] = {"num_irq", "prio_bits", NULL};
    Ctx cx = {origin ? origin : "(unnamed)", err}, *c = &cx;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(json_text ? json_text : "", &end, true);
    if (!root) {
        char why[96];
        bad(c, "%s", json_error_text(json_text, end ? end : cJSON_GetErrorPtr(), why, sizeof why));
        return NULL;
    }
    Board *b = xcalloc(1, sizeof *b);
    const cJSON *v;
    uint64_t x;
    if (!cJSON_IsObject(root)) {
        bad(c, "expected a JSON object at the top level");
        goto fail;
    }
    if (check_keys(c, root, "", top_keys) < 0 || get_string(c, root, "name", "", true, &b->name) < 0 ||
        get_string(c, root, "description", "", false, &b->description) < 0 ||
        get_string(c, root, "qemu_machine", "", false, &b->qemu_machine) < 0)
        goto fail;
    if (!b->description)
        b->description = xstrdup("");

    v = cJSON_GetObjectItemCaseSensitive(root, "core");
    if (!v) {
        bad(c, "core: missing");
        goto fail;
    }
    int core = cJSON_IsString(v) ? core_from_name(v->valuestring) : -1;
    if (core < 0) {
        char list[128] = "";
        for (int i = 0; i < CORE__COUNT; i++) {
            strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
            strncat(list, core_name((CoreModel)i), sizeof list - strlen(list) - 1);
        }
        bad(c, "core: unknown core %s%s%s (known: %s)", cJSON_IsString(v) ? "\"" : "",
            cJSON_IsString(v) ? v->valuestring : "(not a string)", cJSON_IsString(v) ? "\"" : "", list);
        goto fail;
    }
    b->core = (CoreModel)core;

    v = cJSON_GetObjectItemCaseSensitive(root, "clock_hz");
    if (!v) {
        bad(c, "clock_hz: missing");
        goto fail;
    }
    if (get_num(c, v, "clock_hz", NUM_HZ, UINT32_MAX, &x) < 0)
        goto fail;
    if (x == 0) {
        bad(c, "clock_hz: must be more than 0");
        goto fail;
    }
    b->clock_hz = (uint32_t)x;

    v = cJSON_GetObjectItemCaseSensitive(root, "boot_addr");
    if (v && !core_boots_from_vector_table(b->core)) {
        bad(c, "boot_addr: only Cortex-M boards have one (RISC-V starts at the ELF entry point)");
        goto fail;
    }
    if (v) {
        if (get_num(c, v, "boot_addr", NUM_ADDR, UINT32_MAX, &x) < 0)
            goto fail;
        if (x & 0x7f) {
            bad(c, "boot_addr: 0x%08llx is not 128-byte aligned (a vector table's minimum alignment)",
                (unsigned long long)x);
            goto fail;
        }
        b->boot_addr = (uint32_t)x;
    }

    b->num_irq = 32;
    b->prio_bits = core_is_armv6m(b->core) ? 2 : 3;
    v = cJSON_GetObjectItemCaseSensitive(root, "nvic");
    if (v && !core_has_nvic(b->core)) {
        bad(c, "nvic: only Cortex-M boards have an NVIC (RISC-V boards list a \"plic\" device)");
        goto fail;
    }
    if (v) {
        if (!cJSON_IsObject(v)) {
            bad(c, "nvic: expected an object like {\"num_irq\": 32, \"prio_bits\": 3}");
            goto fail;
        }
        if (check_keys(c, v, "nvic", nvic_keys) < 0)
            goto fail;
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(v, "num_irq");
        int max_irq = core_is_armv6m(b->core) ? 32 : 496;
        if (n) {
            if (get_num(c, n, "nvic.num_irq", NUM_INT, (uint64_t)max_irq, &x) < 0)
                goto fail;
            if (x == 0) {
                bad(c, "nvic.num_irq: must be between 1 and %d", max_irq);
                goto fail;
            }
            b->num_irq = (int)x;
        }
        n = cJSON_GetObjectItemCaseSensitive(v, "prio_bits");
        if (n) {
            int lo = core_is_armv6m(b->core) ? 2 : 3, hi = core_is_armv6m(b->core) ? 2 : 8;
            if (get_num(c, n, "nvic.prio_bits", NUM_INT, 8, &x) < 0)
                goto fail;
            if ((int)x < lo || (int)x > hi) {
                if (lo == hi)
                    bad(c, "nvic.prio_bits: must be %d for a %s", lo, core_name(b->core));
                else
                    bad(c, "nvic.prio_bits: must be between %d and %d for a %s", lo, hi, core_name(b->core));
                goto fail;
            }
            b->prio_bits = (int)x;
        }
    }

    v = cJSON_GetObjectItemCaseSensitive(root, "memories");
    if (!v) {
        bad(c, "memories: missing");
        goto fail;
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0) {
        bad(c, "memories: expected a non-empty array");
        goto fail;
    }
    b->mem = xcalloc((size_t)cJSON_GetArraySize(v), sizeof *b->mem);
    for (const cJSON *e = v->child; e; e = e->next) {
        if (parse_memory(c, e, b->nmem, &b->mem[b->nmem]) < 0) {
            b->nmem++; /* free what was filled in */
            goto fail;
        }
        b->nmem++;
    }
    for (size_t i = 0; i < b->nmem; i++) {
        for (size_t j = 0; j < i; j++) {
            if (ranges_overlap(b->mem[i].base, b->mem[i].size, b->mem[j].base, b->mem[j].size)) {
                bad(c, "memories[%zu] (%s, 0x%08x..0x%08llx) overlaps memories[%zu] (%s)", i, b->mem[i].name,
                    b->mem[i].base, (unsigned long long)b->mem[i].base + b->mem[i].size - 1, j, b->mem[j].name);
                goto fail;
            }
            if (strcmp(b->mem[i].name, b->mem[j].name) == 0) {
                bad(c, "memories[%zu].name: \"%s\" is used twice", i, b->mem[i].name);
                goto fail;
            }
        }
    }
    if (!board_main_sram(b)) {
        bad(c, "memories: a board needs at least one memory of kind \"sram\"");
        goto fail;
    }

    v = cJSON_GetObjectItemCaseSensitive(root, "devices");
    if (v && !cJSON_IsArray(v)) {
        bad(c, "devices: expected an array");
        goto fail;
    }
    if (v) {
        b->dev = xcalloc((size_t)cJSON_GetArraySize(v) + 1, sizeof *b->dev);
        for (const cJSON *e = v->child; e; e = e->next) {
            BoardDevice *d = &b->dev[b->ndev++];
            if (parse_device(c, e, b->ndev - 1, d) < 0)
                goto fail;
            for (size_t j = 0; j + 1 < b->ndev; j++)
                if (strcmp(b->dev[j].name, d->name) == 0) {
                    bad(c, "devices[%zu].name: \"%s\" is used twice", b->ndev - 1, d->name);
                    goto fail;
                }
            for (size_t j = 0; j < b->nmem; j++)
                if (ranges_overlap(d->base, 1, b->mem[j].base, b->mem[j].size)) {
                    bad(c, "devices[%zu] (%s).base: 0x%08x lies inside memories[%zu] (%s)", b->ndev - 1, d->name,
                        d->base, j, b->mem[j].name);
                    goto fail;
                }
        }
    }
    if (get_string(c, root, "console", "", false, &b->console) < 0)
        goto fail;
    if (b->console && !board_device(b, b->console)) {
        bad(c, "console: no device is named \"%s\"", b->console);
        goto fail;
    }
    cJSON_Delete(root);
    return b;
fail:
    cJSON_Delete(root);
    board_free(b);
    return NULL;
}

void board_free(Board *b)
{
    if (!b)
        return;
    free(b->name);
    free(b->description);
    free(b->qemu_machine);
    for (size_t i = 0; i < b->nmem; i++)
        free(b->mem[i].name);
    free(b->mem);
    for (size_t i = 0; i < b->ndev; i++) {
        free(b->dev[i].type);
        free(b->dev[i].name);
        cJSON_Delete(b->dev[i].params);
    }
    free(b->dev);
    free(b->console);
    free(b);
}

const BoardDevice *board_device(const Board *b, const char *name)
{
    for (size_t i = 0; i < b->ndev; i++)
        if (strcmp(b->dev[i].name, name) == 0)
            return &b->dev[i];
    return NULL;
}

Board *board_load_file(const char *path, char **err)
{
    char *why = NULL;
    char *text = read_text_file(path, NULL, &why);
    if (!text) {
        set_err(err, "board %s", why);
        free(why);
        return NULL;
    }
    Board *b = board_parse(text, path, err);
    free(text);
    return b;
}

size_t board_builtin_count(void) { return board_builtin_src_count; }

const char *board_builtin_name(size_t i) { return i < board_builtin_src_count ? board_builtin_src[i][0] : NULL; }

const char *board_builtin_json(size_t i) { return i < board_builtin_src_count ? board_builtin_src[i][1] : NULL; }

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

Board *board_lookup(const char *name_or_path, char **err)
{
    if (strchr(name_or_path, '/') || ends_with(name_or_path, ".json"))
        return board_load_file(name_or_path, err);
    for (size_t i = 0; i < board_builtin_src_count; i++)
        if (strcmp(board_builtin_src[i][0], name_or_path) == 0)
            return board_parse(board_builtin_src[i][1], board_builtin_src[i][0], err);
    char list[512] = "";
    for (size_t i = 0; i < board_builtin_src_count; i++) {
        strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, board_builtin_src[i][0], sizeof list - strlen(list) - 1);
    }
    set_err(err, "unknown board \"%s\" (built-in boards: %s; or give the path of a board .json file)", name_or_path,
            list);
    return NULL;
}

BoardMemory *board_main_sram(Board *b)
{
    for (size_t i = 0; i < b->nmem; i++)
        if (b->mem[i].kind == BOARD_MEM_SRAM)
            return &b->mem[i];
    return NULL;
}

int board_set_sram(Board *b, uint64_t bytes, char **err)
{
    BoardMemory *m = board_main_sram(b);
    char sz[32];
    if (!m) {
        set_err(err, "--sram: board %s has no SRAM", b->name);
        return -1;
    }
    if (bytes == 0) {
        set_err(err, "--sram: must be more than 0");
        return -1;
    }
    if (bytes > m->size) {
        set_err(err, "--sram %llu: more than the %s of SRAM board %s has", (unsigned long long)bytes,
                board_format_size(m->size, sz, sizeof sz), b->name);
        return -1;
    }
    m->limit = (uint32_t)bytes;
    return 0;
}

int board_set_clock(Board *b, uint64_t hz, char **err)
{
    if (hz == 0 || hz > UINT32_MAX) {
        set_err(err, "--clock: must be between 1 Hz and 4.29 GHz");
        return -1;
    }
    b->clock_hz = (uint32_t)hz;
    return 0;
}

/* ---- does an image fit? ---- */

static const BoardMemory *memory_holding(const Board *b, uint64_t addr, uint64_t len)
{
    for (size_t i = 0; i < b->nmem; i++) {
        const BoardMemory *m = &b->mem[i];
        if (addr >= m->base && addr + len <= (uint64_t)m->base + m->size && (len || addr < (uint64_t)m->base + m->size))
            return m;
    }
    return NULL;
}

/* The range [addr, addr+len) of segment i must lie in one memory, within its limit. */
static int check_range(const Board *b, size_t i, const char *what, uint32_t addr, uint32_t len, char **err)
{
    char lim[32];
    const BoardMemory *m = memory_holding(b, addr, len);
    if (!m) {
        set_err(err, "segment %zu %sat 0x%08x (%u bytes) lies outside every memory of board %s", i, what, addr, len,
                b->name);
        return -1;
    }
    if ((uint64_t)addr + len > (uint64_t)m->base + m->limit) {
        set_err(err, "segment %zu %sat 0x%08x (%u bytes) ends beyond the %s usable in %s of board %s (--sram)", i,
                what, addr, len, board_format_size(m->limit, lim, sizeof lim), m->name, b->name);
        return -1;
    }
    return 0;
}

static const char *arch_name(int machine) { return machine == 40 ? "ARM" : machine == 243 ? "RISC-V" : "unknown"; }

int board_check_image(const Board *b, const Image *img, char **err)
{
    int want = core_elf_machine(b->core);
    if (image_machine(img) != want) {
        set_err(err, "image is %s, board %s has a %s", arch_name(image_machine(img)), b->name, core_name(b->core));
        return -1;
    }
    ImageArmArch aa = image_arm_arch(img);
    if ((aa == IMAGE_ARM_V7M || aa == IMAGE_ARM_V7EM || aa == IMAGE_ARM_V8M) && core_is_armv6m(b->core)) {
        set_err(err, "image is built for %s, board %s has a %s (ARMv6-M)",
                aa == IMAGE_ARM_V7M ? "ARMv7-M" : aa == IMAGE_ARM_V7EM ? "ARMv7E-M" : "ARMv8-M", b->name,
                core_name(b->core));
        return -1;
    }
    if (aa == IMAGE_ARM_V7EM && b->core == CORE_CORTEX_M3) {
        set_err(err, "image is built for ARMv7E-M (Cortex-M4), board %s has a cortex-m3 (ARMv7-M)", b->name);
        return -1;
    }
    /* Flash total first: the friendliest message when the image is simply too big. */
    uint64_t flash_total = 0, flash_need = 0;
    for (size_t i = 0; i < b->nmem; i++)
        if (b->mem[i].kind == BOARD_MEM_FLASH)
            flash_total += b->mem[i].limit;
    for (size_t i = 0; i < image_segment_count(img); i++) {
        const ImageSegment *s = image_segment(img, i);
        const BoardMemory *m = memory_holding(b, s->paddr, 1);
        if (m && m->kind == BOARD_MEM_FLASH)
            flash_need += s->filesz;
    }
    if (flash_need > flash_total) {
        char a[32], t[32];
        set_err(err, "image needs %s of flash, board %s has %s", board_format_size(flash_need, a, sizeof a), b->name,
                board_format_size(flash_total, t, sizeof t));
        return -1;
    }
    for (size_t i = 0; i < image_segment_count(img); i++) {
        const ImageSegment *s = image_segment(img, i);
        if (check_range(b, i, "", s->paddr, s->memsz, err) < 0)
            return -1;
        /* Where it runs (.data, .bss live in SRAM even when loaded from flash). */
        if (s->vaddr != s->paddr && check_range(b, i, "run address ", s->vaddr, s->memsz, err) < 0)
            return -1;
    }
    return 0;
}

static bool core_suits(CoreModel c, ImageArmArch aa)
{
    switch (aa) {
    case IMAGE_ARM_V6M: return core_is_armv6m(c);
    case IMAGE_ARM_V7M: return c == CORE_CORTEX_M3;
    case IMAGE_ARM_V7EM: return c == CORE_CORTEX_M4;
    default: return false;
    }
}

/* A board with flash boots from it: on such a board the entry point must be in flash
 * (an image linked to run from RAM, like the virt ones, is not for it). */
static bool boots_on(const Board *b, const Image *img)
{
    bool has_flash = false;
    for (size_t i = 0; i < b->nmem; i++)
        has_flash = has_flash || b->mem[i].kind == BOARD_MEM_FLASH;
    uint32_t entry = image_entry(img) & (image_machine(img) == 40 ? ~1u : ~0u);
    const BoardMemory *m = memory_holding(b, entry, 1);
    return !has_flash || (m && m->kind == BOARD_MEM_FLASH);
}

Board *board_guess(const Image *img, char **err)
{
    ImageArmArch aa = image_arm_arch(img);
    char *why = NULL;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < board_builtin_src_count; i++) {
            Board *b = board_parse(board_builtin_src[i][1], board_builtin_src[i][0], err);
            if (!b) {
                free(why);
                return NULL;
            }
            bool try = core_elf_machine(b->core) == image_machine(img) && (pass == 1 || core_suits(b->core, aa));
            char *e = NULL;
            if (try && board_check_image(b, img, &e) == 0 && !boots_on(b, img))
                e = xasprintf("board %s boots from flash, the entry point 0x%08x is not in it", b->name,
                              image_entry(img));
            if (try && !e) {
                free(why);
                return b;
            }
            if (try && pass == 1) {
                char *w = xasprintf("%s%s%s", why ? why : "", why ? "; " : "", e);
                free(why);
                why = w;
            }
            free(e);
            board_free(b);
        }
    }
    if (why)
        set_err(err, "no built-in board fits %s (%s); name one with --board", image_path(img), why);
    else
        set_err(err, "no built-in board has a %s core for %s; name one with --board", arch_name(image_machine(img)),
                image_path(img));
    free(why);
    return NULL;
}
