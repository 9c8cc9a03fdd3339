/* vm.h: a small stack-bytecode interpreter on gcrt, the engine of the interpreter
 * benchmark (interp.c): tagged values, frames on the heap, boxed integers, strings,
 * arrays, hash maps, and threaded dispatch through a table of label addresses.
 *
 * Values are 32-bit words: an integer in 31 bits is (n << 1) | 1, nil is 0, anything
 * else points to a heap object (gc_alloc'd, so 16-byte aligned) whose first word is
 * its type. Integers are 32-bit and wrap; one that does not fit in 31 bits is boxed
 * (an allocation, as a big integer is in MicroPython). Every call allocates its frame.
 * The collector finds everything conservatively: the value stack, the globals and the
 * constants are statics, the interpreter's registers are on the C stack. */
#ifndef FW_VM_H
#define FW_VM_H

#include <stdint.h>

typedef uintptr_t Value;

#define VM_NIL ((Value)0)

/* Instructions are one word: the opcode in bits 0-7, a signed argument in bits 8-31.
 * Stack effects are written [before -- after], the top of the stack on the right. */
enum {
    OP_INT,       /* [-- n]        the argument as an integer */
    OP_CONST,     /* [-- k]        constant #arg (vm_const_str) */
    OP_NIL,       /* [-- nil] */
    OP_LOCAL,     /* [-- v]        local #arg of the current frame */
    OP_SETLOCAL,  /* [v --] */
    OP_GLOBAL,    /* [-- v]        global #arg */
    OP_SETGLOBAL, /* [v --] */
    OP_POP,       /* [v --] */
    OP_DUP,       /* [v -- v v] */
    OP_ADD,       /* [a b -- a+b]  32-bit integers, wrapping */
    OP_SUB,       /* [a b -- a-b] */
    OP_MUL,       /* [a b -- a*b] */
    OP_MOD,       /* [a b -- a mod b]  b > 0; the result is in [0, b) */
    OP_AND,       /* [a b -- a&b] */
    OP_SHR,       /* [a b -- a>>b] logical, b taken mod 32 */
    OP_LT,        /* [a b -- a<b]  1 or 0 */
    OP_EQ,        /* [a b -- a==b] integers and strings by value, the rest by identity */
    OP_NOT,       /* [v -- !v]     nil and 0 are false, everything else true */
    OP_JMP,       /* [--]          to the instruction `arg` words after the next one */
    OP_JMPF,      /* [v --]        the same jump, taken when v is false */
    OP_CALL,      /* [f a1..an -- r]  n = arg: a function of n arguments */
    OP_RET,       /* [r --]        back to the caller, r on its stack */
    OP_PAIR,      /* [a d -- (a . d)] */
    OP_CAR,       /* [p -- a] */
    OP_CDR,       /* [p -- d] */
    OP_ARRAY,     /* [-- []] */
    OP_MAP,       /* [-- {}] */
    OP_APPEND,    /* [arr v --] */
    OP_GET,       /* [c k -- c[k]] array index, or map key (nil when absent) */
    OP_SET,       /* [c k v --]    c[k] = v (an array index must exist) */
    OP_LEN,       /* [c -- n]      string, array or map */
    OP_STR,       /* [v -- s]      decimal text of an integer; a string stays itself */
    OP_CAT,       /* [s t -- st] */
    OP_PRINT,     /* [v --]        the value and a newline on the console UART */
    OP_COUNT
};

/* Building functions: emit a body, then vm_function makes it a function object.
 * Jumps go to labels bound anywhere in the same body. A program's mistakes (too many
 * instructions or labels, an unbound label) stop the firmware with exit status 3. */
void vm_emit(int op, int32_t arg);
int vm_label(void);
void vm_bind(int label);
void vm_jump(int op, int label); /* OP_JMP or OP_JMPF */
Value vm_function(int nargs, int nlocals);

/* Constant #index: the string s (kept alive by the interpreter). */
int vm_const_str(const char *s);

/* Globals, GC roots. */
#define VM_GLOBALS 32
void vm_set_global(int index, Value v);

/* Run the function fn (of no arguments) to its return; its result. A type error or
 * an exhausted heap prints "interp: error: ..." on the UART and exits with status 3. */
Value vm_run(Value fn);

/* The 32-bit integer v, or 0 when v is not an integer. */
int32_t vm_int(Value v);

#endif
