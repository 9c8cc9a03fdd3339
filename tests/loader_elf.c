/* loader_elf.c: a tiny ELF32 writer for tests: program headers, segment data, a symbol
 * table, optional .ARM.attributes, a hand-encoded DWARF line table and DWARF struct types. */
#include "config.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "tests/loader_elf.h"

typedef struct Buf {
    uint8_t *p;
    size_t n, cap;
} Buf;

static size_t put(Buf *b, const void *data, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = xrealloc(b->p, b->cap);
    }
    size_t at = b->n;
    if (data)
        memcpy(b->p + at, data, n);
    else
        memset(b->p + at, 0, n);
    b->n += n;
    return at;
}

static void align(Buf *b, size_t a)
{
    while (b->n % a)
        put(b, "", 1);
}

static void put8(Buf *b, uint8_t v) { put(b, &v, 1); }
static void put16(Buf *b, uint16_t v) { put(b, &v, 2); }
static void put32(Buf *b, uint32_t v) { put(b, &v, 4); }
static void putstr(Buf *b, const char *s) { put(b, s, strlen(s) + 1); }

/* Section bookkeeping for the header table. */
typedef struct Sec {
    const char *name;
    Elf32_Shdr sh;
} Sec;

static void dwarf_sections(uint32_t addr, Buf *abbrev, Buf *info, Buf *line)
{
    /* .debug_abbrev: 1 = DW_TAG_compile_unit, no children: name (string), stmt_list
     * (data4), low_pc (addr), high_pc (addr). */
    const uint8_t ab[] = {1, 0x11, 0, 0x03, 0x08, 0x10, 0x06, 0x11, 0x01, 0x12, 0x01, 0, 0, 0};
    put(abbrev, ab, sizeof ab);

    /* .debug_info: DWARF 3 CU header, then the DIE. */
    Buf d = {0};
    put16(&d, 3);
    put32(&d, 0);      /* abbrev offset */
    put8(&d, 4);       /* address size */
    put8(&d, 1);       /* abbrev 1 */
    putstr(&d, "t.c");
    put32(&d, 0);      /* stmt_list */
    put32(&d, addr);
    put32(&d, addr + 12);
    put32(info, (uint32_t)d.n);
    put(info, d.p, d.n);
    free(d.p);

    /* .debug_line: DWARF 3 header, then the program. */
    Buf h = {0}, prog = {0};
    put8(&h, 1);       /* minimum_instruction_length */
    put8(&h, 1);       /* default_is_stmt */
    put8(&h, (uint8_t)-5); /* line_base */
    put8(&h, 14);      /* line_range */
    put8(&h, 13);      /* opcode_base */
    const uint8_t lens[12] = {0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1};
    put(&h, lens, sizeof lens);
    putstr(&h, "src"); /* include_directories */
    put8(&h, 0);
    putstr(&h, "t.c"); /* file 1, directory 1 */
    put8(&h, 1);
    put8(&h, 0);
    put8(&h, 0);
    put8(&h, 0);
    /* set_address addr; line 10; copy; pc += 4; line += 2; copy; pc += 8; end_sequence */
    put8(&prog, 0);
    put8(&prog, 5);
    put8(&prog, 2);
    put32(&prog, addr);
    put8(&prog, 3);
    put8(&prog, 9);
    put8(&prog, 1);
    put8(&prog, 2);
    put8(&prog, 4);
    put8(&prog, 3);
    put8(&prog, 2);
    put8(&prog, 1);
    put8(&prog, 2);
    put8(&prog, 8);
    put8(&prog, 0);
    put8(&prog, 1);
    put8(&prog, 1);
    put32(line, (uint32_t)(2 + 4 + h.n + prog.n)); /* unit_length */
    put16(line, 3);
    put32(line, (uint32_t)h.n);                     /* header_length */
    put(line, h.p, h.n);
    put(line, prog.p, prog.n);
    free(h.p);
    free(prog.p);
}

static void putuleb(Buf *b, uint64_t v)
{
    do {
        uint8_t c = v & 0x7f;
        v >>= 7;
        put8(b, v ? (uint8_t)(c | 0x80) : c);
    } while (v);
}

/* A CU holding struct types, members, typedefs and an int base type, appended to info
 * (its abbreviations appended to abbrev). DWARF 3, member offsets as ULEB constants or
 * as DW_OP_plus_uconst blocks. */
static void dwarf_types(const TeStruct *st, size_t n, Buf *abbrev, Buf *info)
{
    uint32_t abbrev_off = (uint32_t)abbrev->n;
    const uint8_t ab[] = {
        1, 0x11, 1, 0x03, 0x08, 0, 0,                   /* compile_unit: name */
        2, 0x13, 1, 0x03, 0x08, 0x0b, 0x0f, 0, 0,       /* structure_type: name, byte_size udata */
        3, 0x0d, 0, 0x03, 0x08, 0x49, 0x13, 0x38, 0x0f, 0, 0, /* member: name, type ref4, loc udata */
        4, 0x0d, 0, 0x03, 0x08, 0x49, 0x13, 0x38, 0x0a, 0, 0, /* member: loc block1 */
        5, 0x16, 0, 0x03, 0x08, 0x49, 0x13, 0, 0,       /* typedef: name, type */
        6, 0x24, 0, 0x03, 0x08, 0x0b, 0x0b, 0x3e, 0x0b, 0, 0, /* base_type: name, size, encoding */
        7, 0x13, 0, 0x03, 0x08, 0x3c, 0x0c, 0, 0,       /* structure_type declaration */
        0,
    };
    put(abbrev, ab, sizeof ab);

    enum { HDR = 11 }; /* unit_length, version, abbrev offset, address size */
    Buf d = {0};
    size_t *die_off = xcalloc(n ? n : 1, sizeof *die_off);
    typedef struct Patch { size_t at; const char *tag; } Patch;
    Patch *patch = NULL;
    size_t npatch = 0;
    put8(&d, 1);
    putstr(&d, "types.c");
    size_t int_off = HDR + d.n;
    put8(&d, 6);
    putstr(&d, "int");
    put8(&d, 4);
    put8(&d, 5); /* DW_ATE_signed */
    for (size_t i = 0; i < n; i++) {
        die_off[i] = HDR + d.n;
        if (st[i].declaration) {
            put8(&d, 7);
            putstr(&d, st[i].tag);
            put8(&d, 1);
            continue;
        }
        put8(&d, 2);
        putstr(&d, st[i].tag);
        putuleb(&d, st[i].size);
        for (size_t k = 0; k < st[i].nmembers; k++) {
            const TeMember *m = &st[i].members[k];
            put8(&d, m->dwarf2_expr ? 4 : 3);
            putstr(&d, m->name);
            patch = xrealloc(patch, (npatch + 1) * sizeof *patch);
            patch[npatch++] = (Patch){d.n, m->type};
            put32(&d, 0);
            if (m->dwarf2_expr) {
                Buf e = {0};
                put8(&e, 0x23); /* DW_OP_plus_uconst */
                putuleb(&e, m->offset);
                put8(&d, (uint8_t)e.n);
                put(&d, e.p, e.n);
                free(e.p);
            } else {
                putuleb(&d, m->offset);
            }
        }
        put8(&d, 0);
    }
    for (size_t i = 0; i < n; i++) {
        if (!st[i].typedef_name)
            continue;
        put8(&d, 5);
        putstr(&d, st[i].typedef_name);
        uint32_t ref = (uint32_t)die_off[i];
        put32(&d, ref);
    }
    put8(&d, 0);
    for (size_t p = 0; p < npatch; p++) {
        uint32_t ref = (uint32_t)int_off;
        for (size_t i = 0; patch[p].tag && i < n; i++)
            if (strcmp(st[i].tag, patch[p].tag) == 0 && !st[i].declaration)
                ref = (uint32_t)die_off[i];
        memcpy(d.p + patch[p].at, &ref, 4);
    }
    put32(info, (uint32_t)(2 + 4 + 1 + d.n));
    put16(info, 3);
    put32(info, abbrev_off);
    put8(info, 4);
    put(info, d.p, d.n);
    free(d.p);
    free(patch);
    free(die_off);
}

uint8_t *te_build(const TeSpec *s, size_t *len)
{
    Buf b = {0};
    Elf32_Ehdr eh = {0};
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS32;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = (uint16_t)s->type;
    eh.e_machine = (uint16_t)s->machine;
    eh.e_version = EV_CURRENT;
    eh.e_entry = s->entry;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = sizeof(Elf32_Phdr);
    eh.e_phnum = (uint16_t)s->nseg;
    eh.e_shentsize = sizeof(Elf32_Shdr);
    put(&b, NULL, sizeof eh);
    eh.e_phoff = s->nseg ? (uint32_t)b.n : 0;
    size_t phoff = put(&b, NULL, s->nseg * sizeof(Elf32_Phdr));

    Sec sec[16];
    size_t nsec = 0;
    sec[nsec++] = (Sec){"", {0}};
    for (size_t i = 0; i < s->nseg; i++) {
        align(&b, 4);
        Elf32_Phdr ph = {
            .p_type = PT_LOAD,
            .p_offset = (uint32_t)b.n,
            .p_vaddr = s->seg[i].vaddr,
            .p_paddr = s->seg[i].paddr,
            .p_filesz = s->seg[i].filesz,
            .p_memsz = s->seg[i].memsz,
            .p_flags = s->seg[i].flags,
            .p_align = 4,
        };
        for (uint32_t k = 0; k < s->seg[i].filesz; k++)
            put8(&b, s->seg[i].data ? s->seg[i].data[k] : (uint8_t)(i * 16 + k));
        memcpy(b.p + phoff + i * sizeof ph, &ph, sizeof ph);
        if (s->seg[i].filesz) {
            char *name = xasprintf(".seg%zu", i);
            sec[nsec++] = (Sec){name, {.sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC, .sh_addr = s->seg[i].vaddr,
                                        .sh_offset = ph.p_offset, .sh_size = ph.p_filesz, .sh_addralign = 4}};
        }
    }

    /* .strtab and .symtab */
    Buf str = {0}, sym = {0};
    put8(&str, 0);
    put(&sym, NULL, sizeof(Elf32_Sym));
    for (size_t i = 0; i < s->nsym; i++) {
        Elf32_Sym e = {
            .st_name = (uint32_t)put(&str, s->sym[i].name, strlen(s->sym[i].name) + 1),
            .st_value = s->sym[i].value,
            .st_size = s->sym[i].size,
            .st_info = (unsigned char)ELF32_ST_INFO(s->sym[i].bind, s->sym[i].type),
            .st_shndx = SHN_ABS,
        };
        put(&sym, &e, sizeof e);
    }
    align(&b, 4);
    size_t symtab_idx = nsec;
    sec[nsec++] = (Sec){".symtab", {.sh_type = SHT_SYMTAB, .sh_offset = (uint32_t)put(&b, sym.p, sym.n),
                                    .sh_size = (uint32_t)sym.n, .sh_link = (uint32_t)(symtab_idx + 1),
                                    .sh_info = 1, .sh_addralign = 4, .sh_entsize = sizeof(Elf32_Sym)}};
    sec[nsec++] = (Sec){".strtab", {.sh_type = SHT_STRTAB, .sh_offset = (uint32_t)put(&b, str.p, str.n),
                                    .sh_size = (uint32_t)str.n, .sh_addralign = 1}};
    free(sym.p);
    free(str.p);
    if (s->arm_attrs)
        sec[nsec++] = (Sec){".ARM.attributes",
                            {.sh_type = 0x70000003, .sh_offset = (uint32_t)put(&b, s->arm_attrs, s->arm_attrs_len),
                             .sh_size = (uint32_t)s->arm_attrs_len, .sh_addralign = 1}};
    if (s->dwarf || s->nstructs) {
        Buf ab = {0}, in = {0}, ln = {0};
        if (s->dwarf)
            dwarf_sections(s->dwarf_addr, &ab, &in, &ln);
        if (s->nstructs)
            dwarf_types(s->structs, s->nstructs, &ab, &in);
        sec[nsec++] = (Sec){".debug_abbrev", {.sh_type = SHT_PROGBITS, .sh_offset = (uint32_t)put(&b, ab.p, ab.n),
                                              .sh_size = (uint32_t)ab.n, .sh_addralign = 1}};
        sec[nsec++] = (Sec){".debug_info", {.sh_type = SHT_PROGBITS, .sh_offset = (uint32_t)put(&b, in.p, in.n),
                                            .sh_size = (uint32_t)in.n, .sh_addralign = 1}};
        if (s->dwarf)
            sec[nsec++] = (Sec){".debug_line", {.sh_type = SHT_PROGBITS, .sh_offset = (uint32_t)put(&b, ln.p, ln.n),
                                                .sh_size = (uint32_t)ln.n, .sh_addralign = 1}};
        free(ab.p);
        free(in.p);
        free(ln.p);
    }
    /* .shstrtab last */
    Buf shstr = {0};
    put8(&shstr, 0);
    size_t shstr_idx = nsec;
    sec[nsec++] = (Sec){".shstrtab", {.sh_type = SHT_STRTAB, .sh_addralign = 1}};
    for (size_t i = 1; i < nsec; i++)
        sec[i].sh.sh_name = (uint32_t)put(&shstr, sec[i].name, strlen(sec[i].name) + 1);
    sec[shstr_idx].sh.sh_offset = (uint32_t)put(&b, shstr.p, shstr.n);
    sec[shstr_idx].sh.sh_size = (uint32_t)shstr.n;
    free(shstr.p);

    align(&b, 4);
    eh.e_shoff = (uint32_t)b.n;
    eh.e_shnum = (uint16_t)nsec;
    eh.e_shstrndx = (uint16_t)shstr_idx;
    for (size_t i = 0; i < nsec; i++) {
        put(&b, &sec[i].sh, sizeof sec[i].sh);
        if (strncmp(sec[i].name, ".seg", 4) == 0)
            free((char *)sec[i].name);
    }
    memcpy(b.p, &eh, sizeof eh);
    *len = b.n;
    return b.p;
}

static char *tmpdir;
static char **written;
static size_t nwritten;

char *te_path(const char *name)
{
    if (!tmpdir) {
        const char *t = getenv("TMPDIR");
        char *tmpl = xasprintf("%s/baregc-test-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(tmpl)) {
            perror("mkdtemp");
            exit(1);
        }
        tmpdir = tmpl;
    }
    char *p = xasprintf("%s/%s", tmpdir, name);
    written = xrealloc(written, (nwritten + 1) * sizeof *written);
    written[nwritten++] = xstrdup(p);
    return p;
}

int te_write(const char *path, const uint8_t *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = len ? fwrite(buf, 1, len, f) : 0;
    return fclose(f) == 0 && n == len ? 0 : -1;
}

void te_cleanup(void)
{
    for (size_t i = 0; i < nwritten; i++) {
        unlink(written[i]);
        free(written[i]);
    }
    free(written);
    written = NULL;
    nwritten = 0;
    if (tmpdir)
        rmdir(tmpdir);
    free(tmpdir);
    tmpdir = NULL;
}
