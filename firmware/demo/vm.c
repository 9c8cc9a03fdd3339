/* vm.c: the interpreter benchmark's bytecode virtual machine on gcrt (see vm.h). */
#include <string.h>

#include "board.h"
#include "gc.h"
#include "semihost.h"
#include "vm.h"

#define VM_STACK 256     /* values on the operand stack */
#define VM_CONSTS 32     /* constants */
#define ASM_WORDS 1024   /* instructions in one function body being built */
#define ASM_LABELS 64
#define ASM_FIXUPS 128
#define MAP_MIN_CAP 8    /* slots of a new map (a power of two) */

/* Object types: the first word of every heap object (a frame adds its local count). */
enum { T_NIL, T_INT, T_BOX, T_PAIR, T_STR, T_ARRAY, T_MAP, T_CODE, T_FUNC, T_FRAME };

typedef struct Box {
    uint32_t type;
    int32_t n;
} Box;

typedef struct Pair {
    uint32_t type;
    Value car, cdr;
} Pair;

typedef struct Str {
    uint32_t type;
    uint32_t len;     /* bytes, without the terminating NUL */
    uint32_t hash;    /* FNV-1a of the bytes */
    char s[];
} Str;

typedef struct Array {
    uint32_t type;
    uint32_t len, cap; /* values */
    Value *items;      /* its own allocation, replaced as the array grows */
} Array;

typedef struct Map {
    uint32_t type;
    uint32_t count, cap; /* keys, slots (a power of two) */
    Value *slots;        /* cap pairs of key and value; a nil key is an empty slot */
} Map;

typedef struct Code {
    uint32_t type;
    uint32_t len;        /* instructions */
    uint32_t insn[];
} Code;

typedef struct Func {
    uint32_t type;
    uint32_t nargs, nlocals;
    const uint32_t *code; /* points into a Code object (interior pointers keep it) */
} Func;

typedef struct Frame {
    uint32_t type;        /* T_FRAME | nlocals << 8 */
    struct Frame *caller;
    const uint32_t *ret_pc;
    Value local[];
} Frame;

/* GC roots: statics in .bss, scanned whole (stale values above the stack top too). */
static Value vstack[VM_STACK];
static Value vm_globals[VM_GLOBALS];
static Value consts[VM_CONSTS];
static int nconsts;

/* The body being built (scanned as a root too, but it holds opcodes and small arguments). */
static uint32_t asm_buf[ASM_WORDS];
static int asm_len;
static int32_t asm_label_at[ASM_LABELS];
static int asm_nlabels;
static struct {
    uint16_t at, label;
} asm_fixup[ASM_FIXUPS];
static int asm_nfixups;

#define INT0 ((Value)1)
#define INT1 ((Value)3)

__attribute__((noreturn, noinline)) static void vm_fail(const char *what)
{
    uart_printf("interp: error: %s\n", what);
    sh_exit(3);
}

static void *vm_alloc(uint32_t bytes, uint32_t type)
{
    uint32_t *p = gc_alloc(bytes);

    if (!p)
        vm_fail("out of memory");
    p[0] = type;
    return p;
}

/* ---- values ---- */

static inline uint32_t type_of(Value v)
{
    if (v & 1)
        return T_INT;
    if (v == VM_NIL)
        return T_NIL;
    return *(const uint32_t *)v & 0xFFu;
}

static inline int32_t small_of(Value v)
{
    return (int32_t)v >> 1;
}

__attribute__((noinline)) static Value box_new(int32_t n)
{
    Box *b = vm_alloc(sizeof *b, T_BOX);

    b->n = n;
    return (Value)b;
}

static inline Value int_new(int32_t n)
{
    Value v = ((uint32_t)n << 1) | 1u;

    return small_of(v) == n ? v : box_new(n);
}

static int32_t int_of(Value v)
{
    if (v & 1)
        return small_of(v);
    if (type_of(v) != T_BOX)
        vm_fail("not an integer");
    return ((const Box *)v)->n;
}

int32_t vm_int(Value v)
{
    if (v & 1)
        return small_of(v);
    return type_of(v) == T_BOX ? ((const Box *)v)->n : 0;
}

static inline int truthy(Value v)
{
    return v != VM_NIL && v != INT0;
}

/* ---- strings ---- */

static uint32_t fnv1a(const char *s, uint32_t len)
{
    uint32_t h = 2166136261u;

    for (uint32_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

/* A string of len bytes, filled by the caller, which then sets its hash. */
static Str *str_alloc(uint32_t len)
{
    Str *s = vm_alloc(sizeof *s + len + 1, T_STR);

    s->len = len;
    return s;
}

static Value str_from(const char *text, uint32_t len)
{
    Str *s = str_alloc(len);

    memcpy(s->s, text, len);
    s->hash = fnv1a(s->s, len);
    return (Value)s;
}

static const Str *as_str(Value v)
{
    if (type_of(v) != T_STR)
        vm_fail("not a string");
    return (const Str *)v;
}

static Value str_cat(Value a, Value b)
{
    const Str *x = as_str(a), *y = as_str(b);
    Str *s = str_alloc(x->len + y->len);

    memcpy(s->s, x->s, x->len);
    memcpy(s->s + x->len, y->s, y->len);
    s->hash = fnv1a(s->s, s->len);
    return (Value)s;
}

/* Decimal digits of n into the end of buf; returns the first. */
static char *decimal(int32_t n, char *end)
{
    uint32_t u = n < 0 ? 0u - (uint32_t)n : (uint32_t)n;
    char *p = end;

    do {
        *--p = (char)('0' + u % 10u);
        u /= 10u;
    } while (u);
    if (n < 0)
        *--p = '-';
    return p;
}

static Value to_str(Value v)
{
    char buf[12];
    char *p;

    if (type_of(v) == T_STR)
        return v;
    p = decimal(int_of(v), buf + sizeof buf);
    return str_from(p, (uint32_t)(buf + sizeof buf - p));
}

/* ---- equality and hashing ---- */

static int equal(Value a, Value b)
{
    uint32_t ta, tb;

    if (a == b)
        return 1;
    ta = type_of(a);
    tb = type_of(b);
    if (ta == T_BOX && tb == T_BOX)
        return ((const Box *)a)->n == ((const Box *)b)->n;
    if (ta == T_STR && tb == T_STR) {
        const Str *x = (const Str *)a, *y = (const Str *)b;
        return x->hash == y->hash && x->len == y->len && memcmp(x->s, y->s, x->len) == 0;
    }
    return 0; /* integers are canonical: a small one is never boxed */
}

static uint32_t hash_of(Value v)
{
    switch (type_of(v)) {
    case T_INT:
    case T_BOX:
        return (uint32_t)int_of(v) * 2654435761u;
    case T_STR:
        return ((const Str *)v)->hash;
    default:
        return (uint32_t)v >> 4;
    }
}

/* ---- arrays ---- */

static Array *as_array(Value v)
{
    if (type_of(v) != T_ARRAY)
        vm_fail("not an array");
    return (Array *)v;
}

static void array_push(Array *a, Value v)
{
    if (a->len == a->cap) {
        uint32_t cap = a->cap ? a->cap * 2 : 4;
        Value *items = gc_alloc(cap * sizeof *items);

        if (!items)
            vm_fail("out of memory");
        memcpy(items, a->items, a->len * sizeof *items);
        gc_free(a->items); /* as a realloc would: nothing else points to it */
        a->items = items;
        a->cap = cap;
    }
    a->items[a->len++] = v;
}

static Value *array_at(Array *a, Value k)
{
    int32_t i = int_of(k);

    if (i < 0 || (uint32_t)i >= a->len)
        vm_fail("array index out of range");
    return &a->items[i];
}

/* ---- maps: open addressing, linear probing, at most 3/4 full ---- */

static Value *map_slot(Value *slots, uint32_t cap, Value key)
{
    uint32_t mask = cap - 1, i = hash_of(key) & mask;

    while (slots[2 * i] != VM_NIL && !equal(slots[2 * i], key))
        i = (i + 1) & mask;
    return &slots[2 * i];
}

static Value *map_slots_new(uint32_t cap)
{
    Value *slots = gc_alloc(2 * cap * sizeof *slots);

    if (!slots)
        vm_fail("out of memory");
    return slots;
}

static void map_grow(Map *m)
{
    uint32_t cap = m->cap * 2;
    Value *slots = map_slots_new(cap), *old = m->slots;

    for (uint32_t i = 0; i < m->cap; i++) {
        if (old[2 * i] != VM_NIL) {
            Value *s = map_slot(slots, cap, old[2 * i]);
            s[0] = old[2 * i];
            s[1] = old[2 * i + 1];
        }
    }
    m->slots = slots;
    m->cap = cap;
    gc_free(old);
}

static Value map_new(void)
{
    Map *m = vm_alloc(sizeof *m, T_MAP);

    m->cap = MAP_MIN_CAP;
    m->slots = map_slots_new(MAP_MIN_CAP);
    return (Value)m;
}

static void map_set(Map *m, Value key, Value v)
{
    Value *s;

    if (key == VM_NIL)
        vm_fail("nil map key");
    if ((m->count + 1) * 4 > m->cap * 3)
        map_grow(m);
    s = map_slot(m->slots, m->cap, key);
    if (s[0] == VM_NIL) {
        s[0] = key;
        m->count++;
    }
    s[1] = v;
}

/* ---- containers ---- */

static Value get(Value c, Value k)
{
    switch (type_of(c)) {
    case T_ARRAY:
        return *array_at((Array *)c, k);
    case T_MAP: {
        Map *m = (Map *)c;
        return map_slot(m->slots, m->cap, k)[1]; /* nil when absent */
    }
    default:
        vm_fail("indexing neither an array nor a map");
    }
}

static void set(Value c, Value k, Value v)
{
    switch (type_of(c)) {
    case T_ARRAY:
        *array_at((Array *)c, k) = v;
        break;
    case T_MAP:
        map_set((Map *)c, k, v);
        break;
    default:
        vm_fail("indexing neither an array nor a map");
    }
}

static Value len_of(Value c)
{
    switch (type_of(c)) {
    case T_STR:
        return int_new((int32_t)((const Str *)c)->len);
    case T_ARRAY:
        return int_new((int32_t)((const Array *)c)->len);
    case T_MAP:
        return int_new((int32_t)((const Map *)c)->count);
    default:
        vm_fail("no length");
    }
}

static Pair *as_pair(Value v)
{
    if (type_of(v) != T_PAIR)
        vm_fail("not a pair");
    return (Pair *)v;
}

static void print(Value v)
{
    char buf[12];

    switch (type_of(v)) {
    case T_NIL:
        uart_puts("nil");
        break;
    case T_INT:
    case T_BOX:
        buf[11] = '\0';
        uart_puts(decimal(int_of(v), buf + 11));
        break;
    case T_STR:
        uart_puts(((const Str *)v)->s);
        break;
    default:
        uart_puts("<object>");
        break;
    }
    uart_putc('\n');
}

/* ---- building functions ---- */

void vm_emit(int op, int32_t arg)
{
    if (op < 0 || op >= OP_COUNT)
        vm_fail("no such opcode");
    if (asm_len == ASM_WORDS)
        vm_fail("function body too long");
    asm_buf[asm_len++] = (uint32_t)op | ((uint32_t)arg << 8);
}

int vm_label(void)
{
    if (asm_nlabels == ASM_LABELS)
        vm_fail("too many labels");
    asm_label_at[asm_nlabels] = -1;
    return asm_nlabels++;
}

void vm_bind(int label)
{
    asm_label_at[label] = asm_len;
}

void vm_jump(int op, int label)
{
    if (asm_nfixups == ASM_FIXUPS)
        vm_fail("too many jumps");
    asm_fixup[asm_nfixups].at = (uint16_t)asm_len;
    asm_fixup[asm_nfixups].label = (uint16_t)label;
    asm_nfixups++;
    vm_emit(op, 0);
}

Value vm_function(int nargs, int nlocals)
{
    Code *code;
    Func *f;

    for (int i = 0; i < asm_nfixups; i++) {
        int at = asm_fixup[i].at, to = asm_label_at[asm_fixup[i].label];
        if (to < 0)
            vm_fail("jump to an unbound label");
        asm_buf[at] = (asm_buf[at] & 0xFFu) | ((uint32_t)(to - (at + 1)) << 8);
    }
    code = vm_alloc(sizeof *code + (uint32_t)asm_len * sizeof(uint32_t), T_CODE);
    code->len = (uint32_t)asm_len;
    memcpy(code->insn, asm_buf, (uint32_t)asm_len * sizeof(uint32_t));
    f = vm_alloc(sizeof *f, T_FUNC);
    f->nargs = (uint32_t)nargs;
    f->nlocals = (uint32_t)(nlocals > nargs ? nlocals : nargs);
    f->code = code->insn;
    asm_len = asm_nlabels = asm_nfixups = 0;
    return (Value)f;
}

int vm_const_str(const char *s)
{
    if (nconsts == VM_CONSTS)
        vm_fail("too many constants");
    consts[nconsts] = str_from(s, (uint32_t)strlen(s));
    return nconsts++;
}

void vm_set_global(int index, Value v)
{
    vm_globals[index] = v;
}

/* ---- the interpreter ---- */

/* A frame for f, its arguments copied from args (the rest of its locals nil). */
static Frame *frame_new(const Func *f, const Value *args, uint32_t nargs)
{
    Frame *fr = vm_alloc(sizeof *fr + f->nlocals * sizeof(Value), T_FRAME | f->nlocals << 8);

    for (uint32_t i = 0; i < nargs; i++)
        fr->local[i] = args[i];
    return fr;
}

static const Func *as_func(Value v, uint32_t nargs)
{
    if (type_of(v) != T_FUNC)
        vm_fail("calling a non-function");
    if (((const Func *)v)->nargs != nargs)
        vm_fail("wrong number of arguments");
    return (const Func *)v;
}

/* Threaded dispatch: every handler ends in its own indirect jump through ops[]. */
#define NEXT()                        \
    do {                              \
        insn = *pc++;                 \
        goto *ops[insn & 0xFFu];      \
    } while (0)
#define ARG ((int32_t)insn >> 8)

Value vm_run(Value fn)
{
    static const void *const ops[OP_COUNT] = {
        [OP_INT] = &&op_int,       [OP_CONST] = &&op_const,   [OP_NIL] = &&op_nil,
        [OP_LOCAL] = &&op_local,   [OP_SETLOCAL] = &&op_setlocal,
        [OP_GLOBAL] = &&op_global, [OP_SETGLOBAL] = &&op_setglobal,
        [OP_POP] = &&op_pop,       [OP_DUP] = &&op_dup,       [OP_ADD] = &&op_add,
        [OP_SUB] = &&op_sub,       [OP_MUL] = &&op_mul,       [OP_MOD] = &&op_mod,
        [OP_AND] = &&op_and,       [OP_SHR] = &&op_shr,       [OP_LT] = &&op_lt,
        [OP_EQ] = &&op_eq,         [OP_NOT] = &&op_not,       [OP_JMP] = &&op_jmp,
        [OP_JMPF] = &&op_jmpf,     [OP_CALL] = &&op_call,     [OP_RET] = &&op_ret,
        [OP_PAIR] = &&op_pair,     [OP_CAR] = &&op_car,       [OP_CDR] = &&op_cdr,
        [OP_ARRAY] = &&op_array,   [OP_MAP] = &&op_map,       [OP_APPEND] = &&op_append,
        [OP_GET] = &&op_get,       [OP_SET] = &&op_set,       [OP_LEN] = &&op_len,
        [OP_STR] = &&op_str,       [OP_CAT] = &&op_cat,       [OP_PRINT] = &&op_print,
    };
    const Func *f = as_func(fn, 0);
    Frame *fp = frame_new(f, NULL, 0);
    const uint32_t *pc = f->code;
    Value *sp = vstack;
    uint32_t insn;

    NEXT();

op_int:
    *sp++ = ((uint32_t)ARG << 1) | 1u;
    NEXT();
op_const:
    *sp++ = consts[ARG];
    NEXT();
op_nil:
    *sp++ = VM_NIL;
    NEXT();
op_local:
    *sp++ = fp->local[ARG];
    NEXT();
op_setlocal:
    fp->local[ARG] = *--sp;
    NEXT();
op_global:
    *sp++ = vm_globals[ARG];
    NEXT();
op_setglobal:
    vm_globals[ARG] = *--sp;
    NEXT();
op_pop:
    sp--;
    NEXT();
op_dup:
    sp[0] = sp[-1];
    sp++;
    NEXT();
op_add:
    if (sp[-2] & sp[-1] & 1)
        sp[-2] = int_new(small_of(sp[-2]) + small_of(sp[-1]));
    else
        sp[-2] = int_new((int32_t)((uint32_t)int_of(sp[-2]) + (uint32_t)int_of(sp[-1])));
    sp--;
    NEXT();
op_sub:
    if (sp[-2] & sp[-1] & 1)
        sp[-2] = int_new(small_of(sp[-2]) - small_of(sp[-1]));
    else
        sp[-2] = int_new((int32_t)((uint32_t)int_of(sp[-2]) - (uint32_t)int_of(sp[-1])));
    sp--;
    NEXT();
op_mul:
    sp[-2] = int_new((int32_t)((uint32_t)int_of(sp[-2]) * (uint32_t)int_of(sp[-1])));
    sp--;
    NEXT();
op_mod: {
    int32_t b = int_of(sp[-1]), r;
    if (b <= 0)
        vm_fail("modulo by a number not above 0");
    r = int_of(sp[-2]) % b;
    sp[-2] = int_new(r < 0 ? r + b : r);
    sp--;
    NEXT();
}
op_and:
    sp[-2] = int_new(int_of(sp[-2]) & int_of(sp[-1]));
    sp--;
    NEXT();
op_shr:
    sp[-2] = int_new((int32_t)((uint32_t)int_of(sp[-2]) >> (int_of(sp[-1]) & 31)));
    sp--;
    NEXT();
op_lt:
    if (sp[-2] & sp[-1] & 1)
        sp[-2] = (int32_t)sp[-2] < (int32_t)sp[-1] ? INT1 : INT0;
    else
        sp[-2] = int_of(sp[-2]) < int_of(sp[-1]) ? INT1 : INT0;
    sp--;
    NEXT();
op_eq:
    sp[-2] = equal(sp[-2], sp[-1]) ? INT1 : INT0;
    sp--;
    NEXT();
op_not:
    sp[-1] = truthy(sp[-1]) ? INT0 : INT1;
    NEXT();
op_jmp:
    pc += ARG;
    NEXT();
op_jmpf:
    if (!truthy(*--sp))
        pc += ARG;
    NEXT();
op_call: {
    uint32_t n = (uint32_t)ARG;
    const Func *callee = as_func(sp[-(int32_t)n - 1], n);
    Frame *fr = frame_new(callee, sp - n, n);
    if (sp + 32 > vstack + VM_STACK)
        vm_fail("value stack overflow");
    fr->caller = fp;
    fr->ret_pc = pc;
    sp -= n + 1;
    fp = fr;
    pc = callee->code;
    NEXT();
}
op_ret: {
    Value r = *--sp;
    if (!fp->caller)
        return r;
    pc = fp->ret_pc;
    fp = fp->caller;
    *sp++ = r;
    NEXT();
}
op_pair: {
    Pair *p = vm_alloc(sizeof *p, T_PAIR);
    p->car = sp[-2];
    p->cdr = sp[-1];
    sp[-2] = (Value)p;
    sp--;
    NEXT();
}
op_car:
    sp[-1] = as_pair(sp[-1])->car;
    NEXT();
op_cdr:
    sp[-1] = as_pair(sp[-1])->cdr;
    NEXT();
op_array:
    *sp++ = (Value)vm_alloc(sizeof(Array), T_ARRAY);
    NEXT();
op_map:
    *sp++ = map_new();
    NEXT();
op_append:
    array_push(as_array(sp[-2]), sp[-1]);
    sp -= 2;
    NEXT();
op_get:
    sp[-2] = get(sp[-2], sp[-1]);
    sp--;
    NEXT();
op_set:
    set(sp[-3], sp[-2], sp[-1]);
    sp -= 3;
    NEXT();
op_len:
    sp[-1] = len_of(sp[-1]);
    NEXT();
op_str:
    sp[-1] = to_str(sp[-1]);
    NEXT();
op_cat:
    sp[-2] = str_cat(sp[-2], sp[-1]);
    sp--;
    NEXT();
op_print:
    print(*--sp);
    NEXT();
}
