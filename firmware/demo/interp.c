/* interp.c: the interpreter benchmark image (mps2-an385): a bytecode program run by the
 * virtual machine of vm.c on gcrt, as a MicroPython or Lua firmware runs a script:
 * short handlers reached by indirect jumps, a frame allocated per call, boxed integers,
 * strings, arrays and maps. Fixed iteration counts, no timer, no UART status polling
 * (as bench.c); the last round's results and a checksum on the UART, the collector's
 * counters on the semihosting console, exit 0. */
#include <stdint.h>

#include "board.h"
#include "gc.h"
#include "semihost.h"
#include "vm.h"

#ifndef INTERP_HEAP_BYTES
#define INTERP_HEAP_BYTES (64 * 1024)
#endif
#ifndef INTERP_ROUNDS
#define INTERP_ROUNDS 32
#endif
#define FIB_N 18            /* fib(18): 8361 calls */
#define LIST_N 600          /* pairs in a list (each holding a boxed integer) */
#define SORT_N 96           /* integers insertion-sorted */
#define STRINGS_N 120       /* strings built */
#define WORDS_N 800         /* words counted in a map */
#define WORDS_DISTINCT 251  /* distinct words */
#define PARTICLES_N 48      /* maps of four fields */
#define PARTICLES_STEPS 40  /* steps moving them all */

extern char __heap_start[], __heap_end[];

/* Globals: the functions, then the last round's results. */
enum {
    G_FIB, G_LIST_BUILD, G_LIST_SUM, G_SORT, G_STRINGS, G_WORDS, G_PARTICLES, G_SHOW, G_MAIN,
    R_FIB, R_LIST, R_SORT, R_STRINGS, R_WORDS, R_PARTICLES,
};

/* Constants (vm_const_str in this order, by build_constants). */
enum {
    K_COMMA, K_EMPTY, K_W, K_X, K_Y, K_VX, K_VY,
    K_FIB, K_LIST, K_SORT, K_STRINGS, K_WORDS, K_PARTICLES,
};

static void build_constants(void)
{
    static const char *const text[] = {
        [K_COMMA] = ",", [K_EMPTY] = "", [K_W] = "w", [K_X] = "x", [K_Y] = "y",
        [K_VX] = "vx", [K_VY] = "vy",
        [K_FIB] = "interp: fib ", [K_LIST] = "interp: list ", [K_SORT] = "interp: sort ",
        [K_STRINGS] = "interp: strings ", [K_WORDS] = "interp: words ",
        [K_PARTICLES] = "interp: particles ",
    };

    for (unsigned i = 0; i < sizeof text / sizeof text[0]; i++)
        vm_const_str(text[i]);
}

/* ---- an assembler's shorthand ---- */

static void op(int o)
{
    vm_emit(o, 0);
}

static void push_int(int32_t n)
{
    vm_emit(OP_INT, n);
}

static void local(int i)
{
    vm_emit(OP_LOCAL, i);
}

static void set_local(int i)
{
    vm_emit(OP_SETLOCAL, i);
}

static void global(int g)
{
    vm_emit(OP_GLOBAL, g);
}

static void konst(int k)
{
    vm_emit(OP_CONST, k);
}

/* local i = local i + by */
static void add_to(int i, int32_t by)
{
    local(i);
    push_int(by);
    op(OP_ADD);
    set_local(i);
}

/* push local s * 31: the first half of s = s * 31 + x, a checksum's step */
static void times_31(int s)
{
    local(s);
    push_int(31);
    op(OP_MUL);
}

/* return what is on the stack: the body becomes global g, a function of nargs
 * arguments and nlocals locals */
static void define(int g, int nargs, int nlocals)
{
    op(OP_RET);
    vm_set_global(g, vm_function(nargs, nlocals));
}

/* for var in range(limit): the limit is what vm_emit(limit_op, limit_arg) pushes,
 * evaluated before each iteration. The body follows; end_for closes it. */
typedef struct Loop {
    int top, done, var;
} Loop;

static Loop for_range(int var, int limit_op, int32_t limit_arg)
{
    Loop l = {vm_label(), vm_label(), var};

    push_int(0);
    set_local(var);
    vm_bind(l.top);
    local(var);
    vm_emit(limit_op, limit_arg);
    op(OP_LT);
    vm_jump(OP_JMPF, l.done);
    return l;
}

static void end_for(Loop l)
{
    add_to(l.var, 1);
    vm_jump(OP_JMP, l.top);
    vm_bind(l.done);
}

/* ---- the program ---- */

/* fib(n): naive recursion, one frame allocated per call. */
static void build_fib(void)
{
    enum { N };
    int recurse = vm_label();

    local(N);
    push_int(2);
    op(OP_LT);
    vm_jump(OP_JMPF, recurse);
    local(N);
    op(OP_RET);
    vm_bind(recurse);
    for (int k = 1; k <= 2; k++) {
        global(G_FIB);
        local(N);
        push_int(k);
        op(OP_SUB);
        vm_emit(OP_CALL, 1);
    }
    op(OP_ADD);
    define(G_FIB, 1, 1);
}

/* list_build(n): a list of n pairs, each holding i * 40503 * 65599 (boxed, mostly). */
static void build_list_build(void)
{
    enum { N, L, I };
    Loop each;

    op(OP_NIL);
    set_local(L);
    each = for_range(I, OP_LOCAL, N);
    local(I);
    push_int(40503);
    op(OP_MUL);
    push_int(65599);
    op(OP_MUL);
    local(L);
    op(OP_PAIR);
    set_local(L);
    end_for(each);
    local(L);
    define(G_LIST_BUILD, 1, 3);
}

/* list_sum(l): the sum of the list's cars (wrapping). */
static void build_list_sum(void)
{
    enum { L, S };
    int top = vm_label(), done = vm_label();

    push_int(0);
    set_local(S);
    vm_bind(top);
    local(L);
    vm_jump(OP_JMPF, done);
    local(S);
    local(L);
    op(OP_CAR);
    op(OP_ADD);
    set_local(S);
    local(L);
    op(OP_CDR);
    set_local(L);
    vm_jump(OP_JMP, top);
    vm_bind(done);
    local(S);
    define(G_LIST_SUM, 1, 2);
}

/* sort(n, seed): n pseudo-random integers in an array, insertion-sorted; a checksum
 * of the sorted array. */
static void build_sort(void)
{
    enum { N, SEED, A, X, I, J, V, S };
    int outer = vm_label(), inner = vm_label(), place = vm_label(), sorted = vm_label();
    Loop each;

    op(OP_ARRAY);
    set_local(A);
    local(SEED);
    set_local(X);
    each = for_range(I, OP_LOCAL, N); /* x = x * 69069 + 1; append((x >> 16) & 32767) */
    local(X);
    push_int(69069);
    op(OP_MUL);
    push_int(1);
    op(OP_ADD);
    set_local(X);
    local(A);
    local(X);
    push_int(16);
    op(OP_SHR);
    push_int(32767);
    op(OP_AND);
    op(OP_APPEND);
    end_for(each);

    push_int(1);
    set_local(I);
    vm_bind(outer); /* while i < n: v = a[i]; j = i - 1 */
    local(I);
    local(N);
    op(OP_LT);
    vm_jump(OP_JMPF, sorted);
    local(A);
    local(I);
    op(OP_GET);
    set_local(V);
    local(I);
    push_int(1);
    op(OP_SUB);
    set_local(J);
    vm_bind(inner); /* while j >= 0 and v < a[j]: a[j + 1] = a[j]; j = j - 1 */
    push_int(-1);
    local(J);
    op(OP_LT);
    vm_jump(OP_JMPF, place);
    local(V);
    local(A);
    local(J);
    op(OP_GET);
    op(OP_LT);
    vm_jump(OP_JMPF, place);
    local(A);
    local(J);
    push_int(1);
    op(OP_ADD);
    local(A);
    local(J);
    op(OP_GET);
    op(OP_SET);
    add_to(J, -1);
    vm_jump(OP_JMP, inner);
    vm_bind(place); /* a[j + 1] = v */
    local(A);
    local(J);
    push_int(1);
    op(OP_ADD);
    local(V);
    op(OP_SET);
    add_to(I, 1);
    vm_jump(OP_JMP, outer);

    vm_bind(sorted); /* s = s * 31 + a[i] over the array */
    push_int(0);
    set_local(S);
    each = for_range(I, OP_LOCAL, N);
    times_31(S);
    local(A);
    local(I);
    op(OP_GET);
    op(OP_ADD);
    set_local(S);
    end_for(each);
    local(S);
    define(G_SORT, 2, 8);
}

/* strings(n): n strings "i,i*i" in an array, the sum of their lengths; then a string
 * grown by concatenation, 24 times, and its length. */
static void build_strings(void)
{
    enum { N, A, I, S, T };
    Loop each;

    op(OP_ARRAY);
    set_local(A);
    each = for_range(I, OP_LOCAL, N);
    local(A);
    local(I);
    op(OP_STR);
    konst(K_COMMA);
    op(OP_CAT);
    local(I);
    local(I);
    op(OP_MUL);
    op(OP_STR);
    op(OP_CAT);
    op(OP_APPEND);
    end_for(each);

    push_int(0);
    set_local(T);
    each = for_range(I, OP_LOCAL, N);
    local(T);
    local(A);
    local(I);
    op(OP_GET);
    op(OP_LEN);
    op(OP_ADD);
    set_local(T);
    end_for(each);

    konst(K_EMPTY);
    set_local(S);
    each = for_range(I, OP_INT, 24);
    local(S);
    local(I);
    op(OP_STR);
    op(OP_CAT);
    set_local(S);
    end_for(each);
    local(T);
    push_int(1000);
    op(OP_MUL);
    local(S);
    op(OP_LEN);
    op(OP_ADD);
    define(G_STRINGS, 1, 5);
}

/* words(n): counts n words "w<k>" (k = i * 7919 mod 251) in a map; a checksum of the
 * counts looked up again by freshly built keys, plus the number of keys. */
static void build_words(void)
{
    enum { N, M, I, K, C, S };
    int zero = vm_label(), have = vm_label();
    Loop each;

    op(OP_MAP);
    set_local(M);
    each = for_range(I, OP_LOCAL, N);
    konst(K_W); /* k = "w" .. str(i * 7919 % 251) */
    local(I);
    push_int(7919);
    op(OP_MUL);
    push_int(WORDS_DISTINCT);
    op(OP_MOD);
    op(OP_STR);
    op(OP_CAT);
    set_local(K);
    local(M); /* m[k] = (m[k] or 0) + 1 */
    local(K);
    local(M);
    local(K);
    op(OP_GET);
    set_local(C);
    local(C);
    vm_jump(OP_JMPF, zero);
    local(C);
    vm_jump(OP_JMP, have);
    vm_bind(zero);
    push_int(0);
    vm_bind(have);
    push_int(1);
    op(OP_ADD);
    op(OP_SET);
    end_for(each);

    push_int(0);
    set_local(S);
    each = for_range(I, OP_INT, WORDS_DISTINCT);
    times_31(S);
    local(M);
    konst(K_W);
    local(I);
    op(OP_STR);
    op(OP_CAT);
    op(OP_GET);
    op(OP_ADD);
    set_local(S);
    end_for(each);
    local(S);
    local(M);
    op(OP_LEN);
    op(OP_ADD);
    define(G_WORDS, 1, 6);
}

/* p[field] = p[field] + p[by] */
static void field_add(int p, int field, int by)
{
    local(p);
    konst(field);
    local(p);
    konst(field);
    op(OP_GET);
    local(p);
    konst(by);
    op(OP_GET);
    op(OP_ADD);
    op(OP_SET);
}

/* p[field] = i * mul, then (when mod is not 0) taken mod `mod`, less sub */
static void field_set(int p, int field, int i, int32_t mul, int32_t mod, int32_t sub)
{
    local(p);
    konst(field);
    local(i);
    if (mul != 1) {
        push_int(mul);
        op(OP_MUL);
    }
    if (mod) {
        push_int(mod);
        op(OP_MOD);
        push_int(sub);
        op(OP_SUB);
    }
    op(OP_SET);
}

/* particles(n, steps): n maps {x, y, vx, vy} (objects with attributes, as a script's
 * instances are), all moved `steps` times; the sum of x * 3 + y. */
static void build_particles(void)
{
    enum { N, STEPS, PS, I, P, T, S };
    Loop each, step;

    op(OP_ARRAY);
    set_local(PS);
    each = for_range(I, OP_LOCAL, N);
    op(OP_MAP);
    set_local(P);
    field_set(P, K_X, I, 1, 0, 0);
    field_set(P, K_Y, I, 3, 0, 0);
    field_set(P, K_VX, I, 1, 7, 3);
    field_set(P, K_VY, I, 1, 5, 2);
    local(PS);
    local(P);
    op(OP_APPEND);
    end_for(each);

    step = for_range(T, OP_LOCAL, STEPS);
    each = for_range(I, OP_LOCAL, N);
    local(PS);
    local(I);
    op(OP_GET);
    set_local(P);
    field_add(P, K_X, K_VX);
    field_add(P, K_Y, K_VY);
    end_for(each);
    end_for(step);

    push_int(0);
    set_local(S);
    each = for_range(I, OP_LOCAL, N);
    local(PS);
    local(I);
    op(OP_GET);
    set_local(P);
    local(S);
    local(P);
    konst(K_X);
    op(OP_GET);
    push_int(3);
    op(OP_MUL);
    op(OP_ADD);
    local(P);
    konst(K_Y);
    op(OP_GET);
    op(OP_ADD);
    set_local(S);
    end_for(each);
    local(S);
    define(G_PARTICLES, 2, 7);
}

/* show(label, v): prints label .. str(v). */
static void build_show(void)
{
    enum { LABEL, V };

    local(LABEL);
    local(V);
    op(OP_STR);
    op(OP_CAT);
    op(OP_PRINT);
    op(OP_NIL);
    define(G_SHOW, 2, 2);
}

/* main(): INTERP_ROUNDS rounds of every workload, acc = acc * 31 + each result; then
 * the last round's results printed; returns acc. */
enum { M_R, M_ACC };

static void acc_begin(int fn)
{
    times_31(M_ACC);
    global(fn);
}

static void acc_end(int nargs, int result)
{
    vm_emit(OP_CALL, nargs);
    op(OP_DUP);
    vm_emit(OP_SETGLOBAL, result);
    op(OP_ADD);
    set_local(M_ACC);
}

static Value build_main(void)
{
    static const struct {
        int label, result;
    } shown[] = {
        {K_FIB, R_FIB}, {K_LIST, R_LIST}, {K_SORT, R_SORT},
        {K_STRINGS, R_STRINGS}, {K_WORDS, R_WORDS}, {K_PARTICLES, R_PARTICLES},
    };
    Value main_fn;
    Loop round;

    push_int(0);
    set_local(M_ACC);
    round = for_range(M_R, OP_INT, INTERP_ROUNDS);
    acc_begin(G_FIB);
    push_int(FIB_N);
    acc_end(1, R_FIB);
    acc_begin(G_LIST_SUM);
    global(G_LIST_BUILD);
    push_int(LIST_N);
    vm_emit(OP_CALL, 1);
    acc_end(1, R_LIST);
    acc_begin(G_SORT);
    push_int(SORT_N);
    local(M_R);
    acc_end(2, R_SORT);
    acc_begin(G_STRINGS);
    push_int(STRINGS_N);
    acc_end(1, R_STRINGS);
    acc_begin(G_WORDS);
    push_int(WORDS_N);
    acc_end(1, R_WORDS);
    acc_begin(G_PARTICLES);
    push_int(PARTICLES_N);
    push_int(PARTICLES_STEPS);
    acc_end(2, R_PARTICLES);
    end_for(round);

    for (unsigned i = 0; i < sizeof shown / sizeof shown[0]; i++) {
        global(G_SHOW);
        konst(shown[i].label);
        global(shown[i].result);
        vm_emit(OP_CALL, 2);
        op(OP_POP);
    }
    local(M_ACC);
    op(OP_RET);
    main_fn = vm_function(0, 2);
    vm_set_global(G_MAIN, main_fn);
    return main_fn;
}

int main(void)
{
    char *heap_end = __heap_end;
    Value program;
    Value acc;

    board_init();
    if ((uintptr_t)(heap_end - __heap_start) > INTERP_HEAP_BYTES)
        heap_end = __heap_start + INTERP_HEAP_BYTES;
    gc_init(__heap_start, heap_end);
    gc_report_pauses = 0;

    build_constants();
    build_fib();
    build_list_build();
    build_list_sum();
    build_sort();
    build_strings();
    build_words();
    build_particles();
    build_show();
    program = build_main();
    uart_printf("interp: %d rounds\n", INTERP_ROUNDS);
    acc = vm_run(program);
    uart_printf("interp: checksum %08lx\n", (unsigned long)(uint32_t)vm_int(acc));
    gc_print_stats(); /* semihosting: the collector's counters */
    return 0;
}
