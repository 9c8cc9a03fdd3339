/* board.c: board descriptions from JSON (cJSON): strict validation, built-in boards, --sram
 * and --clock (and which memory is the main SRAM), whether an image fits a board, and
 * which built-in board an image is for.
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
 *   "memories": [                         required, at least one "sram" or "ram"; no overlaps
 *     {"name": "ssram1", "base": "0x00000000", "size": "4M", "kind": "ram"},    kinds: flash ram sram
 *     {"name": "ssram1-mirror", "base": "0x00400000", "alias_of": "ssram1"}, ...],  a mirror
 *   "main_sram": "ssram23",               optional: the main SRAM (default: the first "sram")
 *   "unimplemented": [                    optional: read as zero, writes ignored; memories and
 *     {"name": "VGA", "base": "0x41000000", "size": "2M"}, ...],   devices inside take precedence
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
#include "devices/device.h"
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
    else if (hz >= 1000000 && hz % 100000 == 0)
        snprintf(buf, n, "%llu.%llu MHz", (unsigned long long)(hz / 1000000), (unsigned long long)(hz / 100000 % 10));
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

/* base and size of obj (where: "memories[1]"), within the 4 GiB space, size > 0. */
static int parse_range(Ctx *c, const cJSON *o, const char *where, uint32_t *base_out, uint32_t *size_out)
{
    char key[96];
    uint64_t base, size;
    const cJSON *v;
    snprintf(key, sizeof key, "%s.base", where);
    if (!(v = cJSON_GetObjectItemCaseSensitive(o, "base")))
        return bad(c, "%s: missing", key);
    if (get_num(c, v, key, NUM_ADDR, UINT32_MAX, &base) < 0)
        return -1;
    if (!size_out) {
        *base_out = (uint32_t)base;
        return 0;
    }
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
    *base_out = (uint32_t)base;
    *size_out = (uint32_t)size;
    return 0;
}

static const struct { const char *name; int kind; } memory_kinds[] = {
    {"flash", BOARD_MEM_FLASH}, {"ram", BOARD_MEM_RAM}, {"sram", BOARD_MEM_SRAM}};

/* One memory: {name, base, size, kind}, or a mirror {name, base, alias_of}, whose
 * target's name goes to *alias (resolved once every memory is read). */
static int parse_memory(Ctx *c, const cJSON *o, size_t i, BoardMemory *m, char **alias)
{
    static const char *const keys[] = {"name", "base", "size", "kind", NULL};
    static const char *const alias_keys[] = {"name", "base", "alias_of", NULL};
    char where[64], key[96];
    snprintf(where, sizeof where, "memories[%zu]", i);
    m->alias_of = -1;
    if (!cJSON_IsObject(o))
        return bad(c, "%s: expected an object", where);
    bool is_alias = cJSON_GetObjectItemCaseSensitive(o, "alias_of") != NULL;
    if (check_keys(c, o, where, is_alias ? alias_keys : keys) < 0 ||
        get_string(c, o, "name", where, true, &m->name) < 0)
        return -1;
    if (is_alias)
        m->alias_of = -2; /* until resolve_alias */
    if ((is_alias && get_string(c, o, "alias_of", where, true, alias) < 0) ||
        parse_range(c, o, where, &m->base, is_alias ? NULL : &m->size) < 0)
        return -1;
    if (m->base & (BOARD_PAGE - 1))
        return bad(c, "%s.base: 0x%08x is not on a 4 KiB boundary (memories are mapped in whole 4 KiB pages)", where,
                   m->base);
    if (is_alias)
        return 0;
    m->limit = m->size;
    snprintf(key, sizeof key, "%s.kind", where);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "kind");
    for (size_t k = 0; v && cJSON_IsString(v) && k < ARRAY_SIZE(memory_kinds); k++)
        if (strcmp(v->valuestring, memory_kinds[k].name) == 0)
            m->kind = memory_kinds[k].kind;
    if (!v)
        return bad(c, "%s: missing (\"flash\", \"ram\" or \"sram\")", key);
    if (!m->kind)
        return bad(c, "%s: expected \"flash\", \"ram\" or \"sram\"", key);
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

/* A mirror (alias_of -2 until now) takes the size, kind and limit of the memory it
 * names, which must be one of the board's memories and not itself a mirror. */
static int resolve_alias(Ctx *c, Board *b, size_t i, const char *target)
{
    BoardMemory *m = &b->mem[i];
    for (size_t j = 0; j < b->nmem; j++) {
        if (strcmp(b->mem[j].name, target) != 0)
            continue;
        if (b->mem[j].alias_of != -1)
            return bad(c, "memories[%zu].alias_of: \"%s\" is itself a mirror", i, target);
        m->alias_of = (int)j;
        m->size = m->limit = b->mem[j].size;
        m->kind = b->mem[j].kind;
        if ((uint64_t)m->base + m->size > 0x100000000ull)
            return bad(c, "memories[%zu]: 0x%08x + %u bytes (the size of %s) runs past the 4 GiB address space", i,
                       m->base, m->size, target);
        return 0;
    }
    return bad(c, "memories[%zu].alias_of: no other memory is named \"%s\"", i, target);
}

/* The memories: each read, mirrors resolved, no two overlapping or named alike. */
static int parse_memories(Ctx *c, const cJSON *root, Board *b)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "memories");
    if (!v)
        return bad(c, "memories: missing");
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) == 0)
        return bad(c, "memories: expected a non-empty array");
    size_t n = (size_t)cJSON_GetArraySize(v);
    b->mem = xcalloc(n, sizeof *b->mem);
    char **alias = xcalloc(n, sizeof *alias);
    int rc = 0;
    for (const cJSON *e = v->child; e && rc == 0; e = e->next, b->nmem++) /* nmem counts a failed one: freed */
        rc = parse_memory(c, e, b->nmem, &b->mem[b->nmem], &alias[b->nmem]);
    for (size_t i = 0; i < b->nmem && rc == 0; i++)
        if (alias[i])
            rc = resolve_alias(c, b, i, alias[i]);
    for (size_t i = 0; i < n; i++)
        free(alias[i]);
    free(alias);
    for (size_t i = 0; i < b->nmem && rc == 0; i++) {
        for (size_t j = 0; j < i && rc == 0; j++) {
            const BoardMemory *m = &b->mem[i];
            if (ranges_overlap(m->base, m->size, b->mem[j].base, b->mem[j].size))
                rc = bad(c, "memories[%zu] (%s, 0x%08x..0x%08llx) overlaps memories[%zu] (%s)", i, m->name, m->base,
                         (unsigned long long)m->base + m->size - 1, j, b->mem[j].name);
            else if (strcmp(m->name, b->mem[j].name) == 0)
                rc = bad(c, "memories[%zu].name: \"%s\" is used twice", i, m->name);
        }
    }
    return rc;
}

static bool is_ram_kind(int kind) { return kind == BOARD_MEM_SRAM || kind == BOARD_MEM_RAM; }

/* "main_sram": the name of a RAM of the board that is not a mirror; default the first
 * "sram" memory, else the first "ram". */
static int parse_main_sram(Ctx *c, const cJSON *root, Board *b)
{
    char *name = NULL;
    b->main_sram = -1;
    if (get_string(c, root, "main_sram", "", false, &name) < 0)
        return -1;
    for (int pass = 0; pass < 2 && b->main_sram < 0; pass++) {
        for (size_t i = 0; i < b->nmem && b->main_sram < 0; i++) {
            const BoardMemory *m = &b->mem[i];
            bool pick = name ? strcmp(m->name, name) == 0
                             : m->alias_of < 0 && m->kind == (pass == 0 ? BOARD_MEM_SRAM : BOARD_MEM_RAM);
            if (pick && (m->alias_of >= 0 || !is_ram_kind(m->kind))) {
                bad(c, "main_sram: memory \"%s\" is %s", name,
                    m->alias_of >= 0 ? "a mirror (name the memory it mirrors)" : "not of kind \"sram\" or \"ram\"");
                free(name);
                return -1;
            }
            if (pick)
                b->main_sram = (int)i;
        }
    }
    int rc = 0;
    if (b->main_sram < 0 && name)
        rc = bad(c, "main_sram: no memory is named \"%s\"", name);
    else if (b->main_sram < 0)
        rc = bad(c, "memories: a board needs at least one memory of kind \"sram\" or \"ram\"");
    free(name);
    return rc;
}

/* "unimplemented": [{"name", "base", "size"}, ...], named uniquely, not overlapping each
 * other (memories and devices may lie inside them). */
static int parse_unimplemented(Ctx *c, const cJSON *root, Board *b)
{
    static const char *const keys[] = {"name", "base", "size", NULL};
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "unimplemented");
    if (!v)
        return 0;
    if (!cJSON_IsArray(v))
        return bad(c, "unimplemented: expected an array of {\"name\", \"base\", \"size\"}");
    b->unimp = xcalloc((size_t)cJSON_GetArraySize(v) + 1, sizeof *b->unimp);
    for (const cJSON *e = v->child; e; e = e->next) {
        char where[64];
        snprintf(where, sizeof where, "unimplemented[%zu]", b->nunimp);
        BoardRegion *r = &b->unimp[b->nunimp++];
        if (!cJSON_IsObject(e))
            return bad(c, "%s: expected an object", where);
        if (check_keys(c, e, where, keys) < 0 || get_string(c, e, "name", where, true, &r->name) < 0 ||
            parse_range(c, e, where, &r->base, &r->size) < 0)
            return -1;
        for (size_t j = 0; j + 1 < b->nunimp; j++) {
            const BoardRegion *o = &b->unimp[j];
            if (strcmp(o->name, r->name) == 0)
                return bad(c, "%s.name: \"%s\" is used twice", where, r->name);
            if (ranges_overlap(r->base, r->size, o->base, o->size))
                return bad(c, "%s (%s) overlaps unimplemented[%zu] (%s)", where, r->name, j, o->name);
        }
    }
    return 0;
}

/* ---- what a machine can map ---- */

/* At most BOARD_MAX_PARTS memories (mirrors included), unimplemented regions and
 * devices, counted before any is read. */
static int check_parts(Ctx *c, const cJSON *root)
{
    static const char *const lists[] = {"memories", "unimplemented", "devices"};
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, lists[i]);
        n += cJSON_IsArray(v) ? (size_t)cJSON_GetArraySize(v) : 0;
    }
    if (n > BOARD_MAX_PARTS)
        return bad(c, "memories, unimplemented, devices: %zu in all, more than the %d a board may have (Unicorn "
                   "maps each one on its own; docs/boards.md)", n, BOARD_MAX_PARTS);
    return 0;
}

static uint64_t page_down(uint64_t a) { return a & ~(uint64_t)(BOARD_PAGE - 1); }
static uint64_t page_up(uint64_t a) { return (a + BOARD_PAGE - 1) & ~(uint64_t)(BOARD_PAGE - 1); }

/* A device's register window [lo, hi) and its model. */
typedef struct Window {
    const char *name;
    uint64_t lo, hi;
    const DeviceClass *cls;
} Window;

/* Windows may not overlap, except that a system exception's source (SysTick) may sit
 * inside the exception model's window (the System Control Space page). */
static bool may_nest(const Window *in, const Window *out)
{
    return in->cls->sys_exc > 0 && (out->cls->roles & DEVICE_ROLE_EXC_MODEL) && in->lo >= out->lo && in->hi <= out->hi;
}

static int check_overlap(Ctx *c, size_t i, const Window *w, const char *what, const Window *o)
{
    if (!ranges_overlap(w->lo, w->hi - w->lo, o->lo, o->hi - o->lo) || may_nest(w, o) || may_nest(o, w))
        return 0;
    return bad(c, "devices[%zu] (%s, 0x%08llx..0x%08llx) overlaps %s (%s, 0x%08llx..0x%08llx)", i, w->name,
               (unsigned long long)w->lo, (unsigned long long)w->hi - 1, what, o->name, (unsigned long long)o->lo,
               (unsigned long long)o->hi - 1);
}

/* Every device has a known model whose register window lies in the 4 GiB space, on
 * no page of a memory (the machine maps memories and devices in 4 KiB pages) and over
 * no other device's, the exception model a Cortex-M core gets unlisted included. */
static int check_devices(Ctx *c, const Board *b)
{
    Window *w = xcalloc(b->ndev + 1, sizeof *w);
    bool listed_exc = false;
    int rc = 0;
    for (size_t i = 0; i < b->ndev && rc == 0; i++) {
        const BoardDevice *d = &b->dev[i];
        w[i] = (Window){.name = d->name, .lo = d->base, .cls = device_class_find(d->type)};
        if (!w[i].cls) {
            char known[512] = "";
            for (size_t k = 0; device_classes[k]; k++) {
                strncat(known, k ? ", " : "", sizeof known - strlen(known) - 1);
                strncat(known, device_classes[k]->type, sizeof known - strlen(known) - 1);
            }
            rc = bad(c, "devices[%zu] (%s).type: unknown device type \"%s\" (known: %s)", i, d->name, d->type, known);
            break;
        }
        w[i].hi = w[i].lo + w[i].cls->size;
        listed_exc = listed_exc || (w[i].cls->roles & DEVICE_ROLE_EXC_MODEL);
        if (w[i].hi > 0x100000000ull) {
            rc = bad(c, "devices[%zu] (%s).base: 0x%08x: the %u-byte register window of a %s runs past the 4 GiB "
                     "address space", i, d->name, d->base, w[i].cls->size, d->type);
            break;
        }
        for (size_t j = 0; j < b->nmem && rc == 0; j++) {
            const BoardMemory *m = &b->mem[j];
            uint64_t lo = page_down(w[i].lo), hi = page_up(w[i].hi);
            if (ranges_overlap(lo, hi - lo, m->base, page_up((uint64_t)m->base + m->size) - m->base))
                rc = bad(c, "devices[%zu] (%s, 0x%08llx..0x%08llx) shares a 4 KiB page with memories[%zu] (%s)", i,
                         d->name, (unsigned long long)w[i].lo, (unsigned long long)w[i].hi - 1, j, m->name);
        }
        for (size_t j = 0; j < i && rc == 0; j++) {
            char what[48];
            snprintf(what, sizeof what, "devices[%zu]", j);
            rc = check_overlap(c, i, &w[i], what, &w[j]);
        }
    }
    const DeviceClass *exc = device_class_with_role(DEVICE_ROLE_EXC_MODEL);
    if (rc == 0 && !listed_exc && core_has_nvic(b->core) && exc) {
        Window e = {.name = exc->type, .lo = exc->default_base, .hi = (uint64_t)exc->default_base + exc->size, .cls = exc};
        for (size_t i = 0; i < b->ndev && rc == 0; i++)
            rc = check_overlap(c, i, &w[i], "the core's exception model", &e);
    }
    free(w);
    return rc;
}

Board *board_parse(const char *json_text, const char *origin, char **err)
{
    static const char *const top_keys[] = {"name",      "description",   "qemu_machine", "core",    "clock_hz",
                                           "boot_addr", "nvic",          "memories",     "main_sram",
                                           "unimplemented", "devices", "console", NULL};
    static const char *const nvic_keys[] = {"num_irq", "prio_bits", NULL};
    Ctx cx = {origin ? origin : "(unnamed)", err}, *c = &cx;
    const char *end = NULL, *nul = json_nul_escape(json_text);
    cJSON *root = nul ? NULL : cJSON_ParseWithOpts(json_text ? json_text : "", &end, true);
    if (!root) {
        char why[96];
        bad(c, "%s", nul ? json_nul_text(json_text, nul, why, sizeof why)
                         : json_error_text(json_text, end ? end : cJSON_GetErrorPtr(), why, sizeof why));
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

    if (check_parts(c, root) < 0 || parse_memories(c, root, b) < 0 || parse_main_sram(c, root, b) < 0 ||
        parse_unimplemented(c, root, b) < 0)
        goto fail;

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
    if (check_devices(c, b) < 0 || get_string(c, root, "console", "", false, &b->console) < 0)
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
    for (size_t i = 0; i < b->nunimp; i++)
        free(b->unimp[i].name);
    free(b->unimp);
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

BoardMemory *board_main_sram(Board *b) { return b->main_sram >= 0 ? &b->mem[b->main_sram] : NULL; }

bool board_image_word(const Image *img, uint32_t addr, uint32_t *w)
{
    for (size_t i = 0; i < image_segment_count(img); i++) {
        const ImageSegment *s = image_segment(img, i);
        if (addr >= s->paddr && (uint64_t)addr + 4 <= (uint64_t)s->paddr + s->filesz) {
            const uint8_t *p = s->data + (addr - s->paddr);
            *w = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
            return true;
        }
    }
    return false;
}

static const BoardMemory *memory_holding(const Board *b, uint64_t addr, uint64_t len);

/* The image's initial stack pointer (Cortex-M: the vector table's first word). */
static bool initial_sp(const Board *b, const Image *img, uint32_t *sp)
{
    return core_boots_from_vector_table(b->core) && board_image_word(img, b->boot_addr, sp) && *sp;
}

void board_choose_main_sram(Board *b, const Image *img)
{
    uint32_t sp;
    if (!initial_sp(b, img, &sp))
        return;
    const BoardMemory *m = memory_holding(b, sp - 1u, 1); /* the stack grows down from sp */
    if (m && m->alias_of >= 0)
        m = &b->mem[m->alias_of];
    if (m && is_ram_kind(m->kind))
        b->main_sram = (int)(m - b->mem);
}

int board_set_sram(Board *b, uint64_t bytes, char **err)
{
    BoardMemory *m = board_main_sram(b);
    char sz[32];
    if (bytes == 0) {
        set_err(err, "--sram: must be more than 0");
        return -1;
    }
    if (bytes > m->size) {
        set_err(err, "--sram %llu: more than the %s of SRAM board %s has in %s", (unsigned long long)bytes,
                board_format_size(m->size, sz, sizeof sz), b->name, m->name);
        return -1;
    }
    for (size_t i = 0; i < b->nmem; i++)
        if (&b->mem[i] == m || b->mem[i].alias_of == b->main_sram)
            b->mem[i].limit = (uint32_t)bytes;
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

/* A board with flash or code RAM boots from it: on such a board the entry point must
 * be in one (an image linked to run from RAM, like the virt ones, is not for it). */
static bool boots_on(const Board *b, const Image *img)
{
    bool has_boot = false;
    for (size_t i = 0; i < b->nmem; i++)
        has_boot = has_boot || b->mem[i].kind == BOARD_MEM_FLASH || b->mem[i].kind == BOARD_MEM_RAM;
    uint32_t entry = image_entry(img) & (image_machine(img) == 40 ? ~1u : ~0u);
    const BoardMemory *m = memory_holding(b, entry, 1);
    return !has_boot || (m && (m->kind == BOARD_MEM_FLASH || m->kind == BOARD_MEM_RAM));
}

/* Symbols that name where an image's RAM (or its stack or heap, at the top of it) ends. */
static const char *const ram_end_symbols[] = {"_estack", "__StackTop", "_heap_end", "__heap_end",
                                              "__kernel_ram_end", NULL};

/* Does the image say its RAM ends where one of the board's RAMs ends? */
static bool ram_end_matches(const Board *b, const Image *img)
{
    uint32_t ends[ARRAY_SIZE(ram_end_symbols)];
    size_t n = 0;
    if (initial_sp(b, img, &ends[n]))
        n++;
    for (size_t k = 0; ram_end_symbols[k]; k++) {
        const ImageSymbol *sym = image_symbol_by_name(img, ram_end_symbols[k]);
        if (sym)
            ends[n++] = sym->addr;
    }
    for (size_t i = 0; i < b->nmem; i++)
        for (size_t k = 0; k < n; k++)
            if (is_ram_kind(b->mem[i].kind) && (uint64_t)b->mem[i].base + b->mem[i].size == ends[k])
                return true;
    return false;
}

/* Passes of board_guess, most particular first: the core matches the image's build
 * attributes and a RAM ends where the image's does; the core matches; any core of the
 * image's architecture. */
enum { GUESS_RAM_END, GUESS_CORE, GUESS_ANY, GUESS__PASSES };

Board *board_guess(const Image *img, char **err)
{
    ImageArmArch aa = image_arm_arch(img);
    char *why = NULL;
    for (int pass = 0; pass < GUESS__PASSES; pass++) {
        for (size_t i = 0; i < board_builtin_src_count; i++) {
            Board *b = board_parse(board_builtin_src[i][1], board_builtin_src[i][0], err);
            if (!b) {
                free(why);
                return NULL;
            }
            bool try = core_elf_machine(b->core) == image_machine(img) &&
                       (pass == GUESS_ANY || core_suits(b->core, aa)) &&
                       (pass != GUESS_RAM_END || ram_end_matches(b, img));
            char *e = NULL;
            if (try && board_check_image(b, img, &e) == 0 && !boots_on(b, img))
                e = xasprintf("board %s boots from its flash or code RAM, the entry point 0x%08x is not in it",
                              b->name, image_entry(img));
            if (try && !e) {
                free(why);
                board_choose_main_sram(b, img);
                return b;
            }
            if (try && pass == GUESS_ANY) {
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
