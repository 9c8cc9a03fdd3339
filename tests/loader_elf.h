/* loader_elf.h: builds small ELF32 images in memory for the loader and board tests. */
#ifndef BAREGC_TESTS_LOADER_ELF_H
#define BAREGC_TESTS_LOADER_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct TeSeg {
    uint32_t paddr, vaddr;
    uint32_t filesz;      /* bytes of data: `data`, or a pattern when it is NULL */
    uint32_t memsz;       /* bytes */
    uint32_t flags;       /* PF_* */
    const uint8_t *data;
} TeSeg;

typedef struct TeSym {
    const char *name;
    uint32_t value;
    uint32_t size;        /* bytes */
    unsigned type, bind;  /* STT_*, STB_* */
} TeSym;

/* A member of a struct described in DWARF (TeSpec.structs). */
typedef struct TeMember {
    const char *name;
    uint32_t offset;      /* bytes */
    const char *type;     /* tag of another TeStruct in the spec (nested), or NULL: a 4-byte int */
    bool dwarf2_expr;     /* the offset as a DW_OP_plus_uconst expression (DWARF 2 style) */
} TeMember;

typedef struct TeStruct {
    const char *tag;      /* struct tag */
    const char *typedef_name; /* a typedef naming it, or NULL */
    const TeMember *members;
    size_t nmembers;
    uint32_t size;        /* bytes */
    bool declaration;     /* incomplete: DW_AT_declaration, no members */
} TeStruct;

typedef struct TeSpec {
    unsigned machine;     /* EM_ARM or EM_RISCV */
    unsigned type;        /* ET_EXEC, ... */
    uint32_t entry;
    const TeSeg *seg;
    size_t nseg;
    const TeSym *sym;
    size_t nsym;
    const uint8_t *arm_attrs; /* contents of .ARM.attributes, or NULL */
    size_t arm_attrs_len;
    bool dwarf;           /* a CU "t.c" with lines 10 at dwarf_addr, 12 at +4, end at +12 */
    uint32_t dwarf_addr;
    const TeStruct *structs; /* a second CU "types.c" with these struct types (and .debug_info
                              * even when dwarf is false) */
    size_t nstructs;
} TeSpec;

/* The file bytes (malloc'd) and their length. Segment data byte k of segment i is its
 * data[k], or (uint8_t)(i * 16 + k) without data. */
uint8_t *te_build(const TeSpec *s, size_t *len);
/* A fresh file name in a per-process temporary directory (malloc'd). */
char *te_path(const char *name);
int te_write(const char *path, const uint8_t *buf, size_t len);
/* Removes the files written and the directory (call at the end). */
void te_cleanup(void);

/* Offsets in an ELF32 header worth patching. */
enum { TE_EI_CLASS = 4, TE_EI_DATA = 5, TE_E_TYPE = 16, TE_E_MACHINE = 18 };

#endif
