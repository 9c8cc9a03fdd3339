/* image.c: reads a firmware ELF (ELF32 LE, ARM or RISC-V) with libelf: segments, symbols,
 * the ARM build attributes, and from DWARF with libdw (looked up lazily, cached): code
 * ranges, lines, inline chains and struct layouts. */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/image.h"
#include "base/util.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif
#ifndef SHT_ARM_ATTRIBUTES
#define SHT_ARM_ATTRIBUTES 0x70000003
#endif

typedef struct ImageCode ImageCode;
typedef struct ImageRow ImageRow;
typedef struct ImageSeq ImageSeq;
typedef struct ImageChain ImageChain;

struct Image {
    char *path;
    uint8_t *buf;        /* the whole file */
    size_t size;         /* bytes */
    Elf *elf;
    int machine;
    uint32_t entry;
    ImageArmArch arm_arch;
    ImageSegment *seg;
    size_t nseg;
    ImageSymbol *sym;    /* sorted by address */
    size_t nsym;
    char *names;         /* all symbol names, NUL-separated */
    size_t *by_name;     /* indices into sym, sorted by name (globals first among equals) */
    size_t *funcs;       /* indices of function symbols, sorted by address */
    size_t nfunc;
    bool has_dwarf;      /* a .debug_info / .debug_line section exists */
    bool dwarf_tried;    /* dwarf_begin_elf was attempted (once) */
    Dwarf *dwarf;
    bool code_built;     /* rows, seqs, lines and code below are built (once) */
    ImageRow *rows;      /* every line program's rows, a sequence after another */
    size_t nrows, caprows;
    ImageSeq *seqs;      /* the line sequences */
    size_t nseqs, capseqs;
    ImageCode *lines;    /* which sequence owns an address: disjoint, sorted by address */
    size_t nlines;
    ImageCode *code;     /* which function (DIE) owns an address: disjoint, sorted */
    size_t ncode;
    ImageChain *chains;  /* inline chains looked up: an open-addressing table by address */
    size_t nchains, capchains;
    ImageFrame *levels;  /* the chains' levels */
    size_t nlevels, caplevels;
};

/* ---- error helpers ---- */

static const char *machine_name(unsigned m)
{
    switch (m) {
    case EM_NONE: return "no machine";
    case EM_SPARC: return "SPARC";
    case EM_386: return "Intel 80386";
    case EM_68K: return "Motorola 68000";
    case EM_MIPS: return "MIPS";
    case EM_PPC: return "PowerPC";
    case EM_PPC64: return "PowerPC64";
    case EM_S390: return "S/390";
    case EM_SH: return "SuperH";
    case EM_SPARCV9: return "SPARC v9";
    case EM_IA_64: return "IA-64";
    case EM_X86_64: return "x86-64";
    case EM_AVR: return "AVR";
    case EM_MSP430: return "MSP430";
    case EM_XTENSA: return "Xtensa";
    case EM_AARCH64: return "AArch64";
    case 258: return "LoongArch";
    default: return NULL;
    }
}

static const char *etype_name(unsigned t)
{
    switch (t) {
    case ET_NONE: return "no file type";
    case ET_REL: return "a relocatable object file (ET_REL): link it first";
    case ET_DYN: return "a shared object or position-independent executable (ET_DYN)";
    case ET_CORE: return "a core dump (ET_CORE)";
    default: return "an unknown file type";
    }
}

static Image *fail(Image *img, int *kind, int k, char **err, const char *fmt, ...) BG_PRINTF(5, 6);

static Image *fail(Image *img, int *kind, int k, char **err, const char *fmt, ...)
{
    if (kind)
        *kind = k;
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        char *msg = xvasprintf(fmt, ap);
        va_end(ap);
        set_err(err, "%s", msg);
        free(msg);
    }
    image_free(img);
    return NULL;
}

/* ---- reading ---- */

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* The section's bytes when they lie inside the file, else NULL. */
static const uint8_t *section_bytes(const Image *img, const GElf_Shdr *sh)
{
    if (sh->sh_type == SHT_NOBITS || (uint64_t)sh->sh_offset + sh->sh_size > img->size)
        return NULL;
    return img->buf + sh->sh_offset;
}

/* ---- ARM build attributes ---- */

static bool uleb(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t x = 0;
    for (unsigned shift = 0; *p < end; shift += 7) {
        uint8_t b = *(*p)++;
        if (shift < 64)
            x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return true;
        }
    }
    return false;
}

static bool skip_ntbs(const uint8_t **p, const uint8_t *end)
{
    const uint8_t *z = memchr(*p, 0, (size_t)(end - *p));
    if (!z)
        return false;
    *p = z + 1;
    return true;
}

/* Tag_CPU_arch (6) and Tag_CPU_arch_profile (7) from the file-scope attributes of the
 * "aeabi" subsection (ARM IHI 0045 "Addenda to, and Errata in, the ABI for the Arm
 * Architecture", build attributes). */
static ImageArmArch parse_arm_attributes(const uint8_t *p, size_t n)
{
    const uint8_t *end = p + n;
    long arch = -1, profile = -1;
    if (n < 1 || *p != 'A')
        return IMAGE_ARM_UNKNOWN;
    p++;
    while (end - p >= 4) {
        uint32_t len = rd32(p);
        if (len < 4 || len > (size_t)(end - p))
            break;
        const uint8_t *sub_end = p + len, *q = p + 4;
        const char *vendor = (const char *)q;
        if (!skip_ntbs(&q, sub_end))
            break;
        if (strcmp(vendor, "aeabi") == 0) {
            while (sub_end - q >= 5) {
                const uint8_t *tag_start = q;
                uint64_t tag;
                if (!uleb(&q, sub_end, &tag) || sub_end - q < 4)
                    break;
                uint32_t size = rd32(q);
                q += 4;
                if (size < (uint32_t)(q - tag_start) || size > (size_t)(sub_end - tag_start))
                    break;
                const uint8_t *ss_end = tag_start + size;
                if (tag == 1) { /* Tag_File */
                    while (q < ss_end) {
                        uint64_t t, v = 0;
                        if (!uleb(&q, ss_end, &t))
                            break;
                        bool ok;
                        if (t == 4 || t == 5 || t == 67 || t == 65) /* strings */
                            ok = skip_ntbs(&q, ss_end);
                        else if (t == 32) /* Tag_compatibility: ULEB then NTBS */
                            ok = uleb(&q, ss_end, &v) && skip_ntbs(&q, ss_end);
                        else if (t >= 32 && (t & 1))
                            ok = skip_ntbs(&q, ss_end);
                        else
                            ok = uleb(&q, ss_end, &v);
                        if (!ok)
                            break;
                        if (t == 6)
                            arch = (long)v;
                        else if (t == 7)
                            profile = (long)v;
                    }
                }
                q = ss_end;
            }
        }
        p = sub_end;
    }
    switch (arch) {
    case 11: /* v6-M */
    case 12: /* v6S-M */
        return IMAGE_ARM_V6M;
    case 10: /* v7 */
        return profile == 'M' ? IMAGE_ARM_V7M : IMAGE_ARM_UNKNOWN;
    case 13: /* v7E-M */
        return IMAGE_ARM_V7EM;
    case 16: /* v8-M.baseline */
    case 17: /* v8-M.mainline */
    case 21: /* v8.1-M.mainline */
        return IMAGE_ARM_V8M;
    default:
        return IMAGE_ARM_UNKNOWN;
    }
}

/* ---- symbols ---- */

typedef struct RawSym {
    ImageSymbol s;
    size_t name_off;
    bool global;
} RawSym;

static int cmp_rawsym_addr(const void *a, const void *b)
{
    const RawSym *x = a, *y = b;
    if (x->s.addr != y->s.addr)
        return x->s.addr < y->s.addr ? -1 : 1;
    if (x->s.is_func != y->s.is_func)
        return x->s.is_func ? -1 : 1;
    if (x->global != y->global)
        return x->global ? -1 : 1;
    if (x->s.size != y->s.size)
        return x->s.size > y->s.size ? -1 : 1;
    return strcmp(x->s.name, y->s.name);
}

/* For the name index: sort context (qsort has none). */
static const Image *sort_img;
static const bool *sort_global;

static int cmp_by_name(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(sort_img->sym[i].name, sort_img->sym[j].name);
    if (c)
        return c;
    if (sort_global[i] != sort_global[j])
        return sort_global[i] ? -1 : 1;
    if (sort_img->sym[i].is_func != sort_img->sym[j].is_func)
        return sort_img->sym[i].is_func ? -1 : 1;
    return i < j ? -1 : i > j;
}

static bool skip_symbol_name(const char *name)
{
    /* ARM/RISC-V mapping symbols ($a $t $d $x, possibly with a suffix) and local labels */
    return !*name || name[0] == '$' || strncmp(name, ".L", 2) == 0;
}

static int load_symbols(Image *img, Elf_Scn *scn, const GElf_Shdr *sh, char **err)
{
    const uint8_t *syms = section_bytes(img, sh);
    Elf_Scn *strscn = elf_getscn(img->elf, sh->sh_link);
    GElf_Shdr strsh;
    if (!syms || sh->sh_entsize != sizeof(Elf32_Sym) || !strscn || !gelf_getshdr(strscn, &strsh)) {
        set_err(err, "%s: truncated or malformed symbol table", img->path);
        return -1;
    }
    const uint8_t *strs = section_bytes(img, &strsh);
    if (!strs || strsh.sh_type != SHT_STRTAB) {
        set_err(err, "%s: truncated or malformed symbol string table", img->path);
        return -1;
    }
    size_t strsize = strsh.sh_size;
    size_t n = sh->sh_size / sizeof(Elf32_Sym);
    RawSym *raw = xcalloc(n ? n : 1, sizeof *raw);
    size_t nraw = 0, names_len = 0;
    (void)scn;
    for (size_t i = 1; i < n; i++) {
        Elf32_Sym s;
        memcpy(&s, syms + i * sizeof s, sizeof s);
        unsigned type = ELF32_ST_TYPE(s.st_info), bind = ELF32_ST_BIND(s.st_info);
        if (s.st_shndx == SHN_UNDEF || type == STT_SECTION || type == STT_FILE || type == STT_TLS)
            continue;
        if (s.st_name >= strsize)
            continue;
        const char *name = (const char *)strs + s.st_name;
        size_t len = strnlen(name, strsize - s.st_name);
        if (len == strsize - s.st_name || skip_symbol_name(name))
            continue; /* unterminated, or not interesting */
        RawSym *r = &raw[nraw++];
        r->s.is_func = type == STT_FUNC || type == STT_GNU_IFUNC;
        r->s.addr = s.st_value;
        if (r->s.is_func && img->machine == EM_ARM)
            r->s.addr &= ~1u;
        r->s.size = s.st_size;
        r->s.name = name;
        r->global = bind == STB_GLOBAL || bind == STB_WEAK;
        r->name_off = names_len;
        names_len += len + 1;
    }
    qsort(raw, nraw, sizeof *raw, cmp_rawsym_addr);

    /* Copy the names so nothing points into libelf's buffers. */
    img->names = xmalloc(names_len ? names_len : 1);
    img->sym = xcalloc(nraw ? nraw : 1, sizeof *img->sym);
    bool *global = xcalloc(nraw ? nraw : 1, sizeof *global);
    img->nsym = nraw;
    size_t off = 0;
    for (size_t i = 0; i < nraw; i++) {
        size_t len = strlen(raw[i].s.name) + 1;
        memcpy(img->names + off, raw[i].s.name, len);
        img->sym[i] = raw[i].s;
        img->sym[i].name = img->names + off;
        global[i] = raw[i].global;
        off += len;
    }
    free(raw);

    img->by_name = xcalloc(nraw ? nraw : 1, sizeof *img->by_name);
    img->funcs = xcalloc(nraw ? nraw : 1, sizeof *img->funcs);
    for (size_t i = 0; i < nraw; i++) {
        img->by_name[i] = i;
        if (img->sym[i].is_func)
            img->funcs[img->nfunc++] = i; /* already in address order */
    }
    sort_img = img;
    sort_global = global;
    qsort(img->by_name, nraw, sizeof *img->by_name, cmp_by_name);
    sort_img = NULL;
    sort_global = NULL;
    free(global);
    return 0;
}

/* ---- sections ---- */

static int load_sections(Image *img, char **err)
{
    size_t shstrndx;
    if (elf_getshdrstrndx(img->elf, &shstrndx) != 0)
        shstrndx = 0;
    bool have_symtab = false;
    for (Elf_Scn *scn = elf_nextscn(img->elf, NULL); scn; scn = elf_nextscn(img->elf, scn)) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh))
            continue;
        const char *name = shstrndx ? elf_strptr(img->elf, shstrndx, sh.sh_name) : NULL;
        if (sh.sh_type == SHT_SYMTAB && !have_symtab) {
            if (load_symbols(img, scn, &sh, err) < 0)
                return -1;
            have_symtab = true;
        } else if (img->machine == EM_ARM && sh.sh_type == SHT_ARM_ATTRIBUTES) {
            const uint8_t *p = section_bytes(img, &sh);
            if (p)
                img->arm_arch = parse_arm_attributes(p, sh.sh_size);
        } else if (name && (strcmp(name, ".debug_info") == 0 || strcmp(name, ".debug_line") == 0)) {
            if (section_bytes(img, &sh) || sh.sh_type == SHT_NOBITS)
                img->has_dwarf = img->has_dwarf || sh.sh_type != SHT_NOBITS;
        }
    }
    if (!have_symtab) {
        img->sym = xcalloc(1, sizeof *img->sym);
        img->by_name = xcalloc(1, sizeof *img->by_name);
        img->funcs = xcalloc(1, sizeof *img->funcs);
    }
    return 0;
}

/* ---- the image ---- */

Image *image_load(const char *path, int *kind, char **err)
{
    Image *img = xcalloc(1, sizeof *img);
    img->path = xstrdup(path);
    if (read_whole_file(path, &img->buf, &img->size, err) < 0) {
        if (kind)
            *kind = LOAD_ERR_OPEN;
        image_free(img);
        return NULL;
    }
    const uint8_t *b = img->buf;
    size_t size = img->size;
    if (size == 0)
        return fail(img, kind, LOAD_ERR_FORMAT, err, "%s: empty file, not a firmware ELF", path);
    if (size < SELFMAG || memcmp(b, ELFMAG, SELFMAG) != 0)
        return fail(img, kind, LOAD_ERR_FORMAT, err, "%s: not an ELF file", path);
    if (size < EI_NIDENT)
        return fail(img, kind, LOAD_ERR_FORMAT, err, "%s: truncated ELF file (%zu bytes)", path, size);
    if (b[EI_CLASS] == ELFCLASS64)
        return fail(img, kind, LOAD_ERR_FORMAT, err,
                    "%s: a 64-bit (ELF64) file; baregc needs a 32-bit (ELF32) firmware image", path);
    if (b[EI_CLASS] != ELFCLASS32)
        return fail(img, kind, LOAD_ERR_FORMAT, err, "%s: unknown ELF class %u", path, b[EI_CLASS]);
    if (b[EI_DATA] == ELFDATA2MSB)
        return fail(img, kind, LOAD_ERR_FORMAT, err,
                    "%s: a big-endian ELF; baregc needs a little-endian firmware image", path);
    if (b[EI_DATA] != ELFDATA2LSB)
        return fail(img, kind, LOAD_ERR_FORMAT, err, "%s: unknown ELF data encoding %u", path, b[EI_DATA]);
    if (size < sizeof(Elf32_Ehdr))
        return fail(img, kind, LOAD_ERR_FORMAT, err,
                    "%s: truncated: %zu bytes, shorter than the %zu-byte ELF header", path, size,
                    sizeof(Elf32_Ehdr));

    Elf32_Ehdr eh;
    memcpy(&eh, b, sizeof eh);
    if (eh.e_machine != EM_ARM && eh.e_machine != EM_RISCV) {
        const char *mn = machine_name(eh.e_machine);
        if (mn)
            return fail(img, kind, LOAD_ERR_FORMAT, err,
                        "%s: an ELF for %s (machine %u); baregc runs ARM (Cortex-M) and RISC-V (RV32) images",
                        path, mn, eh.e_machine);
        return fail(img, kind, LOAD_ERR_FORMAT, err,
                    "%s: an ELF for machine %u; baregc runs ARM (Cortex-M) and RISC-V (RV32) images", path,
                    eh.e_machine);
    }
    if (eh.e_type != ET_EXEC)
        return fail(img, kind, LOAD_ERR_FORMAT, err, "%s: not an executable: %s; baregc needs a linked ET_EXEC image",
                    path, etype_name(eh.e_type));
    img->machine = eh.e_machine;
    img->entry = eh.e_entry;

    /* Program headers: check their extent ourselves. */
    if (eh.e_phnum == 0 || eh.e_phoff == 0)
        return fail(img, kind, LOAD_ERR_FORMAT, err, "%s: no program headers, so no loadable segment", path);
    if (eh.e_phentsize != sizeof(Elf32_Phdr))
        return fail(img, kind, LOAD_ERR_FORMAT, err, "%s: malformed: program header entries of %u bytes (expected %zu)",
                    path, eh.e_phentsize, sizeof(Elf32_Phdr));
    uint64_t ph_end = (uint64_t)eh.e_phoff + (uint64_t)eh.e_phnum * sizeof(Elf32_Phdr);
    if (ph_end > size)
        return fail(img, kind, LOAD_ERR_FORMAT, err,
                    "%s: truncated: the program headers end at byte %llu but the file has %zu bytes", path,
                    (unsigned long long)ph_end, size);
    /* Section headers likewise (libelf checks them too, less explicitly). */
    if (eh.e_shoff != 0) {
        if (eh.e_shentsize != sizeof(Elf32_Shdr))
            return fail(img, kind, LOAD_ERR_FORMAT, err,
                        "%s: malformed: section header entries of %u bytes (expected %zu)", path, eh.e_shentsize,
                        sizeof(Elf32_Shdr));
        uint64_t sh_end = (uint64_t)eh.e_shoff + (uint64_t)(eh.e_shnum ? eh.e_shnum : 1) * sizeof(Elf32_Shdr);
        if (sh_end > size)
            return fail(img, kind, LOAD_ERR_FORMAT, err,
                        "%s: truncated: the section headers end at byte %llu but the file has %zu bytes", path,
                        (unsigned long long)sh_end, size);
    }

    img->seg = xcalloc(eh.e_phnum, sizeof *img->seg);
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf32_Phdr ph;
        memcpy(&ph, b + eh.e_phoff + (size_t)i * sizeof ph, sizeof ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        if (ph.p_filesz > ph.p_memsz)
            return fail(img, kind, LOAD_ERR_FORMAT, err,
                        "%s: malformed: segment %u has more bytes in the file (%u) than in memory (%u)", path, i,
                        ph.p_filesz, ph.p_memsz);
        if ((uint64_t)ph.p_offset + ph.p_filesz > size)
            return fail(img, kind, LOAD_ERR_FORMAT, err,
                        "%s: truncated: segment %u needs bytes up to %llu but the file has %zu", path, i,
                        (unsigned long long)ph.p_offset + ph.p_filesz, size);
        if ((uint64_t)ph.p_paddr + ph.p_memsz > 0x100000000ull || (uint64_t)ph.p_vaddr + ph.p_memsz > 0x100000000ull)
            return fail(img, kind, LOAD_ERR_FORMAT, err,
                        "%s: malformed: segment %u at 0x%08x (%u bytes) runs past the 4 GiB address space", path, i,
                        ph.p_paddr, ph.p_memsz);
        img->seg[img->nseg++] = (ImageSegment){
            .paddr = ph.p_paddr,
            .vaddr = ph.p_vaddr,
            .filesz = ph.p_filesz,
            .memsz = ph.p_memsz,
            .flags = ph.p_flags,
            .data = b + ph.p_offset,
        };
    }
    if (img->nseg == 0)
        return fail(img, kind, LOAD_ERR_FORMAT, err, "%s: no loadable segment (PT_LOAD with a memory size > 0)", path);

    if (elf_version(EV_CURRENT) == EV_NONE)
        return fail(img, kind, LOAD_ERR_FORMAT, err, "%s: libelf: %s", path, elf_errmsg(-1));
    img->elf = elf_memory((char *)img->buf, img->size);
    if (!img->elf || elf_kind(img->elf) != ELF_K_ELF)
        return fail(img, kind, LOAD_ERR_FORMAT, err, "%s: malformed ELF: %s", path, elf_errmsg(-1));
    char *serr = NULL;
    if (load_sections(img, &serr) < 0) {
        Image *r = fail(img, kind, LOAD_ERR_FORMAT, err, "%s", serr);
        free(serr);
        return r;
    }
    return img;
}

void image_free(Image *img)
{
    if (!img)
        return;
    if (img->dwarf)
        dwarf_end(img->dwarf);
    if (img->elf)
        elf_end(img->elf);
    free(img->rows);
    free(img->seqs);
    free(img->lines);
    free(img->code);
    free(img->chains);
    free(img->levels);
    free(img->seg);
    free(img->sym);
    free(img->names);
    free(img->by_name);
    free(img->funcs);
    free(img->buf);
    free(img->path);
    free(img);
}

const char *image_path(const Image *img) { return img->path; }
int image_machine(const Image *img) { return img->machine; }
uint32_t image_entry(const Image *img) { return img->entry; }
ImageArmArch image_arm_arch(const Image *img) { return img->arm_arch; }
size_t image_segment_count(const Image *img) { return img->nseg; }

const ImageSegment *image_segment(const Image *img, size_t i) { return i < img->nseg ? &img->seg[i] : NULL; }

size_t image_symbol_count(const Image *img) { return img->nsym; }

const ImageSymbol *image_symbol(const Image *img, size_t i) { return i < img->nsym ? &img->sym[i] : NULL; }

/* Keys for partition_point over the image's sorted tables. */
typedef struct ImageKey {
    const Image *img;
    const char *name;
    const ImageCode *code; /* a table of code ranges */
    const ImageRow *rows;  /* a line sequence's rows */
    uint32_t addr;
} ImageKey;

static bool name_below(const void *ctx, size_t i)
{
    const ImageKey *k = ctx;
    return strcmp(k->img->sym[k->img->by_name[i]].name, k->name) < 0;
}

static bool func_at_or_below(const void *ctx, size_t i)
{
    const ImageKey *k = ctx;
    return k->img->sym[k->img->funcs[i]].addr <= k->addr;
}

const ImageSymbol *image_symbol_by_name(const Image *img, const char *name)
{
    /* the first entry with name >= name */
    size_t lo = partition_point(img->nsym, name_below, &(ImageKey){.img = img, .name = name});
    if (lo < img->nsym && strcmp(img->sym[img->by_name[lo]].name, name) == 0)
        return &img->sym[img->by_name[lo]];
    return NULL;
}

/* Does addr lie in the same loadable segment (by run address) as sym? */
static bool same_segment(const Image *img, uint32_t a, uint32_t b)
{
    for (size_t i = 0; i < img->nseg; i++) {
        uint64_t lo = img->seg[i].vaddr, hi = lo + img->seg[i].memsz;
        if (a >= lo && a < hi)
            return b >= lo && b < hi;
    }
    return false;
}

const ImageSymbol *image_function_at(const Image *img, uint32_t addr)
{
    if (img->machine == EM_ARM)
        addr &= ~1u;
    /* the first function above addr */
    size_t lo = partition_point(img->nfunc, func_at_or_below, &(ImageKey){.img = img, .addr = addr});
    if (lo == 0)
        return NULL;
    /* Among the functions at the nearest address at or below addr, one that contains it. */
    uint32_t at = img->sym[img->funcs[lo - 1]].addr;
    const ImageSymbol *sized0 = NULL;
    for (size_t k = lo; k > 0 && img->sym[img->funcs[k - 1]].addr == at; k--) {
        const ImageSymbol *s = &img->sym[img->funcs[k - 1]];
        if (s->size && addr - s->addr < s->size)
            return s;
        if (!s->size)
            sized0 = s;
    }
    /* A function of unknown size extends to the next symbol, within its segment. */
    if (sized0 && same_segment(img, sized0->addr, addr))
        return sized0;
    return NULL;
}

/* ---- DWARF code ranges, lines and inline chains ---- */

/* An address range owned by one thing (a function's DIE, a line sequence); in a table
 * of them, disjoint and sorted. */
struct ImageCode {
    uint32_t lo, hi;     /* [lo, hi) */
    uint64_t owner;      /* a DIE offset, or an index into Image.seqs */
};

/* A row of a line program: from addr to the next row of its sequence, `line` of `file`. */
struct ImageRow {
    uint32_t addr;
    int line;            /* 0: no line (DWARF's line 0, or a line <= 0) */
    const char *file;    /* owned by libdw; NULL if the file index is out of range */
    const char *dir;     /* the unit's DW_AT_comp_dir (owned by libdw); NULL if none */
};

/* A line sequence: its rows in program order (never decreasing in address), up to its
 * end of sequence. */
struct ImageSeq {
    uint32_t lo, hi;     /* [first row's address, end of sequence) */
    size_t first, n;     /* Image.rows[first, first + n) */
};

/* A range before overlaps are resolved. */
typedef struct Span {
    uint64_t lo, hi;
    uint64_t owner;
    size_t seq;          /* order found: a total order for qsort */
} Span;

typedef struct Spans {
    Span *s;
    size_t n, cap;
} Spans;

/* An inline chain looked up once: levels [first, first + n) of Image.levels. */
struct ImageChain {
    uint32_t addr;
    uint32_t first;
    uint32_t n;
    bool used;
};

/* The libdw handle, opened on first use; NULL without DWARF. */
static Dwarf *image_dwarf(Image *img)
{
    if (!img->dwarf_tried) {
        img->dwarf_tried = true;
        if (img->has_dwarf && img->elf)
            img->dwarf = dwarf_begin_elf(img->elf, DWARF_C_READ, NULL);
    }
    return img->dwarf;
}

static void span_push(Spans *sp, uint64_t lo, uint64_t hi, uint64_t owner)
{
    if (sp->n == sp->cap) {
        sp->cap = sp->cap ? sp->cap * 2 : 256;
        sp->s = xrealloc(sp->s, sp->cap * sizeof *sp->s);
    }
    sp->s[sp->n] = (Span){.lo = lo, .hi = hi, .owner = owner, .seq = sp->n};
    sp->n++;
}

static int cmp_spans(const void *a, const void *b)
{
    const Span *x = a, *y = b;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    if (x->hi != y->hi)
        return x->hi > y->hi ? -1 : 1; /* the longer first: the narrower one wins */
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Whether a range is real code: not empty, inside 32 bits, and not a linker's tombstone
 * for a discarded section (GNU ld relocates it to 0, lld to -1 or -2: a range that
 * starts at 0 counts only when the entry point or a function of known size is there). */
static bool span_real(const Image *img, const Span *s)
{
    if (s->lo >= s->hi || s->hi > UINT32_MAX)
        return false;
    if (s->lo == 0) {
        const ImageSymbol *f = image_function_at(img, 0);
        return (f && f->addr == 0 && f->size) || (img->entry & ~1u) == 0;
    }
    return true;
}

static void code_emit(ImageCode **t, size_t *n, size_t *cap, uint64_t lo, uint64_t hi, uint64_t owner)
{
    if (*n && (*t)[*n - 1].hi == lo && (*t)[*n - 1].owner == owner) {
        (*t)[*n - 1].hi = (uint32_t)hi;
        return;
    }
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        *t = xrealloc(*t, *cap * sizeof **t);
    }
    (*t)[(*n)++] = (ImageCode){(uint32_t)lo, (uint32_t)hi, owner};
}

/* The real ranges among sp (span_real) as a table of disjoint ones into *t, *n: where
 * ranges overlap, the one that starts last owns the addresses until it ends, then the
 * one it covered owns them again. A function thus owns its code over a discarded one's
 * range at address 0 (when that counts as code at all). Frees sp's array. */
static void code_resolve(const Image *img, Spans *sp, ImageCode **t, size_t *n)
{
    size_t k = 0, cap = 0, depth = 0;
    for (size_t i = 0; i < sp->n; i++)
        if (span_real(img, &sp->s[i]))
            sp->s[k++] = sp->s[i];
    if (k)
        qsort(sp->s, k, sizeof *sp->s, cmp_spans);
    const Span **stack = xmalloc((k ? k : 1) * sizeof *stack);
    uint64_t pos = 0;
    for (size_t i = 0; i <= k; i++) {
        uint64_t next = i < k ? sp->s[i].lo : UINT64_MAX;
        while (depth && pos < next) {
            const Span *top = stack[depth - 1];
            if (top->hi <= pos) {
                depth--;
                continue;
            }
            uint64_t end = top->hi < next ? top->hi : next;
            code_emit(t, n, &cap, pos, end, top->owner);
            pos = end;
        }
        if (i < k) {
            stack[depth++] = &sp->s[i];
            pos = sp->s[i].lo;
        }
    }
    free(stack);
    free(sp->s);
}

static bool code_at_or_below(const void *ctx, size_t i)
{
    const ImageKey *k = ctx;
    return k->code[i].lo <= k->addr;
}

static bool row_at_or_below(const void *ctx, size_t i)
{
    const ImageKey *k = ctx;
    return k->rows[i].addr <= k->addr;
}

/* The range of table t (n entries) holding addr, or NULL. */
static const ImageCode *code_at(const ImageCode *t, size_t n, uint32_t addr)
{
    size_t i = partition_point(n, code_at_or_below, &(ImageKey){.code = t, .addr = addr});
    return i > 0 && addr < t[i - 1].hi ? &t[i - 1] : NULL;
}

/* die's address ranges. On ARM the Thumb bit is cleared (an assembler's DW_TAG_subprogram
 * has it in DW_AT_low_pc, as in the symbol's value). */
static void span_die(const Image *img, Spans *sp, Dwarf_Die *die)
{
    Dwarf_Addr base, lo, hi, mask = img->machine == EM_ARM ? ~(Dwarf_Addr)1 : ~(Dwarf_Addr)0;
    for (ptrdiff_t off = 0; (off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0;)
        span_push(sp, lo & mask, hi & mask, dwarf_dieoffset(die));
}

/* The subprograms with code among parent's children, and inside namespaces, modules and
 * classes (where C++, Rust and Go compilers put them). */
static void span_functions(const Image *img, Spans *sp, Dwarf_Die *parent, int depth)
{
    Dwarf_Die c;
    if (depth > 8 || dwarf_child(parent, &c) != 0)
        return;
    do {
        switch (dwarf_tag(&c)) {
        case DW_TAG_subprogram:
            span_die(img, sp, &c);
            break;
        case DW_TAG_namespace:
        case DW_TAG_module:
        case DW_TAG_class_type:
        case DW_TAG_structure_type:
            span_functions(img, sp, &c, depth + 1);
            break;
        default:
            break;
        }
    } while (dwarf_siblingof(&c, &c) == 0);
}

/* ---- line programs ---- */

/* A little-endian reader that stops at `end` (then `bad`). */
typedef struct Rd {
    const uint8_t *p, *end;
    bool bad;
} Rd;

static uint64_t rd_n(Rd *r, size_t n)
{
    if (n > 8 || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        r->p = r->end;
        return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)r->p[i] << (8 * i);
    r->p += n;
    return v;
}

static uint64_t rd_uleb(Rd *r)
{
    uint64_t v = 0;
    if (!uleb(&r->p, r->end, &v))
        r->bad = true;
    return v;
}

static int64_t rd_sleb(Rd *r)
{
    uint64_t x = 0;
    unsigned shift = 0;
    while (r->p < r->end) {
        uint8_t b = *r->p++;
        if (shift < 64)
            x |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) {
            if (shift < 64 && (b & 0x40))
                x |= ~(uint64_t)0 << shift;
            return (int64_t)x;
        }
    }
    r->bad = true;
    return 0;
}

/* The state of a line program while it runs (DWARF 5, 6.2.2). */
typedef struct LineVm {
    Image *img;
    Dwarf_Files *files;
    size_t nfiles;
    const char *dir;     /* the unit's compilation directory, NULL */
    uint64_t addr;
    int64_t line;
    uint64_t file;
    size_t seq_first;    /* Image.rows index of the open sequence's first row */
    bool seq_bad;        /* the open sequence goes backwards or past 32 bits: dropped */
} LineVm;

static void vm_reset(LineVm *vm)
{
    vm->addr = 0;
    vm->line = 1;
    vm->file = 1;
    vm->seq_first = vm->img->nrows;
    vm->seq_bad = false;
}

static void vm_row(LineVm *vm)
{
    Image *img = vm->img;
    if (vm->addr > UINT32_MAX || (img->nrows > vm->seq_first && vm->addr < img->rows[img->nrows - 1].addr))
        vm->seq_bad = true;
    if (vm->seq_bad)
        return;
    if (img->nrows == img->caprows) {
        img->caprows = img->caprows ? img->caprows * 2 : 4096;
        img->rows = xrealloc(img->rows, img->caprows * sizeof *img->rows);
    }
    const char *file = vm->file < vm->nfiles ? dwarf_filesrc(vm->files, vm->file, NULL, NULL) : NULL;
    img->rows[img->nrows++] =
        (ImageRow){(uint32_t)vm->addr, vm->line > 0 && vm->line <= INT32_MAX ? (int)vm->line : 0, file, vm->dir};
}

/* DW_LNE_end_sequence: the rows since the last one become a sequence. */
static void vm_end(LineVm *vm)
{
    Image *img = vm->img;
    size_t n = img->nrows - vm->seq_first;
    if (vm->seq_bad || vm->addr > UINT32_MAX || (n && vm->addr < img->rows[img->nrows - 1].addr))
        img->nrows = vm->seq_first;
    else if (n) {
        if (img->nseqs == img->capseqs) {
            img->capseqs = img->capseqs ? img->capseqs * 2 : 256;
            img->seqs = xrealloc(img->seqs, img->capseqs * sizeof *img->seqs);
        }
        img->seqs[img->nseqs++] = (ImageSeq){img->rows[vm->seq_first].addr, (uint32_t)vm->addr, vm->seq_first, n};
    }
    vm_reset(vm);
}

/* Runs the line program at `off` of .debug_line (`sec`, `size` bytes), DWARF 2 to 5,
 * appending its rows and sequences; file names from `files` (the unit's, as libdw
 * read them from the same header), relative ones relative to `dir` (the unit's
 * compilation directory, or NULL). A program that ends without ending its sequence
 * leaves that sequence out. False on a malformed header. */
static bool run_line_program(Image *img, const uint8_t *sec, size_t size, uint64_t off, Dwarf_Files *files,
                             size_t nfiles, const char *dir)
{
    if (off >= size)
        return false;
    Rd r = {sec + off, sec + size, false};
    uint64_t len = rd_n(&r, 4);
    size_t offsz = 4;
    if (len == 0xffffffffu) {
        len = rd_n(&r, 8);
        offsz = 8;
    }
    if (r.bad || len > (uint64_t)(r.end - r.p))
        return false;
    r.end = r.p + len;
    unsigned version = (unsigned)rd_n(&r, 2);
    if (version < 2 || version > 5)
        return false;
    if (version >= 5)
        rd_n(&r, 2); /* address_size, segment_selector_size */
    uint64_t hlen = rd_n(&r, offsz);
    if (r.bad || hlen > (uint64_t)(r.end - r.p))
        return false;
    const uint8_t *prog = r.p + hlen;
    unsigned min_inst = (unsigned)rd_n(&r, 1);
    if (version >= 4)
        rd_n(&r, 1); /* maximum_operations_per_instruction: 1 but on VLIW machines */
    rd_n(&r, 1);     /* default_is_stmt */
    int line_base = (int8_t)rd_n(&r, 1);
    unsigned line_range = (unsigned)rd_n(&r, 1), opcode_base = (unsigned)rd_n(&r, 1);
    const uint8_t *std_len = r.p;
    if (r.bad || line_range == 0 || opcode_base == 0 || (size_t)(prog - r.p) < opcode_base - 1)
        return false;
    r.p = prog;
    LineVm vm = {.img = img, .files = files, .nfiles = nfiles, .dir = dir};
    vm_reset(&vm);
    while (r.p < r.end && !r.bad) {
        unsigned op = (unsigned)rd_n(&r, 1);
        if (op >= opcode_base) { /* a special opcode */
            unsigned adj = op - opcode_base;
            vm.addr += (uint64_t)(adj / line_range) * min_inst;
            vm.line += line_base + (int)(adj % line_range);
            vm_row(&vm);
            continue;
        }
        switch (op) {
        case 0: { /* extended: length, sub-opcode, operands */
            uint64_t n = rd_uleb(&r);
            if (r.bad || n == 0 || n > (uint64_t)(r.end - r.p))
                break;
            const uint8_t *next = r.p + n;
            unsigned sub = (unsigned)rd_n(&r, 1);
            if (sub == 1) /* DW_LNE_end_sequence */
                vm_end(&vm);
            else if (sub == 2) /* DW_LNE_set_address */
                vm.addr = rd_n(&r, (size_t)n - 1);
            r.p = next; /* others (define_file, set_discriminator, ...) skipped */
            break;
        }
        case 1: vm_row(&vm); break;                                       /* copy */
        case 2: vm.addr += rd_uleb(&r) * min_inst; break;                 /* advance_pc */
        case 3: vm.line += rd_sleb(&r); break;                            /* advance_line */
        case 4: vm.file = rd_uleb(&r); break;                             /* set_file */
        case 8: vm.addr += (uint64_t)((255 - opcode_base) / line_range) * min_inst; break; /* const_add_pc */
        case 9: vm.addr += rd_n(&r, 2); break;                            /* fixed_advance_pc */
        default: /* set_column, negate_stmt, ..., set_isa, unknown: skip their operands */
            for (unsigned k = 0; k < std_len[op - 1] && !r.bad; k++)
                rd_uleb(&r);
            break;
        }
    }
    img->nrows = vm.seq_first; /* an unended sequence */
    return true;
}

/* .debug_line's bytes (decompressed if need be), or NULL. */
static const uint8_t *debug_line(Image *img, size_t *size)
{
    size_t shstrndx;
    if (elf_getshdrstrndx(img->elf, &shstrndx) != 0)
        return NULL;
    for (Elf_Scn *scn = elf_nextscn(img->elf, NULL); scn; scn = elf_nextscn(img->elf, scn)) {
        GElf_Shdr sh;
        const char *name;
        if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(img->elf, shstrndx, sh.sh_name)) ||
            strcmp(name, ".debug_line") != 0 || sh.sh_type == SHT_NOBITS)
            continue;
        if ((sh.sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0)
            return NULL;
        Elf_Data *d = elf_getdata(scn, NULL);
        if (!d || !d->d_buf)
            return NULL;
        *size = d->d_size;
        return d->d_buf;
    }
    return NULL;
}

/* A unit's compilation directory (DW_AT_comp_dir), NULL when it names none. */
static const char *die_comp_dir(Dwarf_Die *cu)
{
    Dwarf_Attribute a;
    const char *dir = dwarf_attr(cu, DW_AT_comp_dir, &a) ? dwarf_formstring(&a) : NULL;
    return dir && *dir ? dir : NULL;
}

/* Every line sequence and every function's code ranges, once: img->lines (owners:
 * sequences) and img->code (owners: subprogram DIEs). */
static void build_code(Image *img)
{
    img->code_built = true;
    Dwarf *dw = image_dwarf(img);
    if (!dw)
        return;
    size_t size = 0;
    const uint8_t *sec = debug_line(img, &size);
    Spans fn = {0}, seq = {0};
    Dwarf_Off off = 0, next;
    size_t hsize;
    while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
        Dwarf_Die cu;
        Dwarf_Attribute a;
        Dwarf_Word stmt;
        Dwarf_Files *files;
        size_t nfiles;
        if (dwarf_offdie(dw, off + hsize, &cu)) {
            span_functions(img, &fn, &cu, 0);
            if (sec && dwarf_attr(&cu, DW_AT_stmt_list, &a) && dwarf_formudata(&a, &stmt) == 0 &&
                dwarf_getsrcfiles(&cu, &files, &nfiles) == 0)
                run_line_program(img, sec, size, stmt, files, nfiles, die_comp_dir(&cu));
        }
        off = next;
    }
    for (size_t i = 0; i < img->nseqs; i++)
        span_push(&seq, img->seqs[i].lo, img->seqs[i].hi, i);
    code_resolve(img, &fn, &img->code, &img->ncode);
    code_resolve(img, &seq, &img->lines, &img->nlines);
}

/* The file and line of addr: the last row at or below it of the sequence that owns it;
 * *dir (when dir is not NULL) the compilation directory of its unit. */
static bool line_at(const Image *img, uint32_t addr, const char **file, int *line, const char **dir)
{
    const ImageCode *c = code_at(img->lines, img->nlines, addr);
    if (!c)
        return false;
    const ImageSeq *s = &img->seqs[c->owner];
    const ImageRow *rows = img->rows + s->first;
    size_t i = partition_point(s->n, row_at_or_below, &(ImageKey){.rows = rows, .addr = addr});
    if (i == 0 || !rows[i - 1].line || !rows[i - 1].file)
        return false;
    *file = rows[i - 1].file;
    *line = rows[i - 1].line;
    if (dir)
        *dir = rows[i - 1].dir;
    return true;
}

/* ---- inline chains ---- */

/* A function's name as DWARF gives it: its linkage name (as the symbol table spells it)
 * when it has one, else its name; an inlined or out-of-line instance takes them from
 * its abstract origin. NULL when it has none (or an empty one). */
static const char *die_function_name(Dwarf_Die *die)
{
    Dwarf_Attribute a;
    const char *s = NULL;
    if (dwarf_attr_integrate(die, DW_AT_linkage_name, &a) || dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &a))
        s = dwarf_formstring(&a);
    if (!s || !*s)
        s = dwarf_diename(die);
    return s && *s ? s : NULL;
}

/* The line declaring die's function, when it is declared in `file`; else 0. */
static int die_start_line(Dwarf_Die *die, const char *file)
{
    int line = 0;
    const char *decl = dwarf_decl_file(die);
    if (!file || !decl || strcmp(decl, file) != 0 || dwarf_decl_line(die, &line) != 0 || line < 0)
        return 0;
    return line;
}

/* The file and line an inlined subroutine was called from (DW_AT_call_file/line). */
static void die_call_site(Dwarf_Die *cu, Dwarf_Die *inl, const char **file, int *line)
{
    Dwarf_Attribute a;
    Dwarf_Word w;
    Dwarf_Files *files;
    size_t nfiles;
    *file = NULL;
    *line = 0;
    if (dwarf_attr(inl, DW_AT_call_line, &a) && dwarf_formudata(&a, &w) == 0 && w <= INT32_MAX)
        *line = (int)w;
    if (dwarf_attr(inl, DW_AT_call_file, &a) && dwarf_formudata(&a, &w) == 0 &&
        dwarf_getsrcfiles(cu, &files, &nfiles) == 0 && w < nfiles)
        *file = dwarf_filesrc(files, w, NULL, NULL);
}

/* The scopes from the function at fn down to the innermost inlined subroutine holding
 * addr (lexical blocks are looked through, not kept): out[0] = fn. Returns how many. A
 * chain deeper than max keeps its outer levels; *cut is then the first inlined
 * subroutine left out (its call site is the line of the innermost level kept). */
static size_t inline_path(Dwarf_Die *fn, uint32_t addr, Dwarf_Die *out, size_t max, Dwarf_Die *cut, bool *is_cut)
{
    size_t n = 0;
    out[n++] = *fn;
    *is_cut = false;
    Dwarf_Die cur = *fn, c;
    for (int guard = 0; guard < 256 && dwarf_child(&cur, &c) == 0; guard++) {
        bool found = false;
        do {
            int tag = dwarf_tag(&c);
            if ((tag == DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block || tag == DW_TAG_try_block ||
                 tag == DW_TAG_catch_block) &&
                dwarf_haspc(&c, addr) == 1) {
                found = true;
                break;
            }
        } while (dwarf_siblingof(&c, &c) == 0);
        if (!found)
            break;
        cur = c;
        if (dwarf_tag(&c) != DW_TAG_inlined_subroutine)
            continue;
        if (n == max) {
            *cut = c;
            *is_cut = true;
            break;
        }
        out[n++] = c;
    }
    return n;
}

/* Where a function without a DWARF entry (assembly) starts, for its start_line: the line
 * at its symbol's address, when that is in `file`; else 0. */
static int symbol_start_line(const Image *img, const ImageSymbol *sym, const char *file)
{
    const char *f;
    int line;
    if (!sym || !file || !line_at(img, sym->addr, &f, &line, NULL) || strcmp(f, file) != 0)
        return 0;
    return line;
}

/* Looks addr's chain up (not cached) into out (IMAGE_MAX_INLINE levels); returns how many. */
static size_t chain_lookup(Image *img, uint32_t addr, ImageFrame *out)
{
    const ImageSymbol *sym = image_function_at(img, addr);
    if (!img->code_built)
        build_code(img);
    const char *file = NULL, *dir = NULL;
    int line = 0;
    if (!line_at(img, addr, &file, &line, &dir)) {
        file = dir = NULL;
        line = 0;
    }
    const ImageCode *c = code_at(img->code, img->ncode, addr);
    Dwarf_Die fn, cu;
    if (!c || !dwarf_offdie(img->dwarf, c->owner, &fn) || !dwarf_diecu(&fn, &cu, NULL, NULL)) {
        if (!sym && !file)
            return 0;
        out[0] = (ImageFrame){.function = sym ? sym->name : NULL, .file = file, .line = line,
                              .start_line = symbol_start_line(img, sym, file), .dir = file ? dir : NULL};
        return 1;
    }
    dir = die_comp_dir(&cu); /* every level's file is named by the function's unit */
    Dwarf_Die path[IMAGE_MAX_INLINE], cut;
    bool is_cut;
    size_t n = inline_path(&fn, addr, path, IMAGE_MAX_INLINE, &cut, &is_cut);
    if (is_cut)
        die_call_site(&cu, &cut, &file, &line);
    for (size_t k = 0; k < n; k++) { /* out[k] = path[n - 1 - k]: innermost first */
        Dwarf_Die *d = &path[n - 1 - k];
        bool outer = k == n - 1;
        const char *name = outer && sym ? sym->name : die_function_name(d);
        out[k] = (ImageFrame){.function = name, .file = file, .line = line, .inlined = !outer,
                              .start_line = die_start_line(d, file), .dir = file ? dir : NULL};
        if (!outer)
            die_call_site(&cu, d, &file, &line);
    }
    return n;
}

static size_t chain_home(uint32_t addr, size_t mask)
{
    return (size_t)((addr * 0x9e3779b1u) >> 7) & mask;
}

/* The cached chain of addr, looked up on first use. */
static const ImageChain *chain_get(Image *img, uint32_t addr)
{
    size_t mask = img->capchains - 1;
    if (img->capchains) {
        for (size_t i = chain_home(addr, mask); img->chains[i].used; i = (i + 1) & mask)
            if (img->chains[i].addr == addr)
                return &img->chains[i];
    }
    if ((img->nchains + 1) * 2 > img->capchains) {
        ImageChain *old = img->chains;
        size_t oldcap = img->capchains;
        img->capchains = oldcap ? oldcap * 2 : 1024;
        img->chains = xcalloc(img->capchains, sizeof *img->chains);
        mask = img->capchains - 1;
        for (size_t k = 0; k < oldcap; k++) {
            if (!old[k].used)
                continue;
            size_t i = chain_home(old[k].addr, mask);
            while (img->chains[i].used)
                i = (i + 1) & mask;
            img->chains[i] = old[k];
        }
        free(old);
    }
    ImageFrame tmp[IMAGE_MAX_INLINE];
    size_t n = chain_lookup(img, addr, tmp);
    if (img->nlevels + n > img->caplevels) {
        img->caplevels = (img->nlevels + n) * 2 + 256;
        img->levels = xrealloc(img->levels, img->caplevels * sizeof *img->levels);
    }
    if (n)
        memcpy(img->levels + img->nlevels, tmp, n * sizeof *tmp);
    size_t i = chain_home(addr, mask);
    while (img->chains[i].used)
        i = (i + 1) & mask;
    img->chains[i] = (ImageChain){.addr = addr, .first = (uint32_t)img->nlevels, .n = (uint32_t)n, .used = true};
    img->nlevels += n;
    img->nchains++;
    return &img->chains[i];
}

size_t image_frames_at(const Image *img, uint32_t addr, ImageFrame *out, size_t max)
{
    Image *m = (Image *)img; /* the chains are a cache */
    if (img->machine == EM_ARM)
        addr &= ~1u;
    const ImageChain *c = chain_get(m, addr);
    size_t n = c->n < max ? c->n : max;
    if (n)
        memcpy(out, img->levels + c->first, n * sizeof *out);
    return n;
}

const char *image_source_path(const ImageFrame *f, char *buf, size_t n)
{
    if (!f->file)
        return NULL;
    if (f->file[0] == '/' || !f->dir || !f->dir[0])
        snprintf(buf, n, "%s", f->file);
    else
        snprintf(buf, n, "%s%s%s", f->dir, f->dir[strlen(f->dir) - 1] == '/' ? "" : "/", f->file);
    return buf;
}

/* The ranges of the inlined instances of `function` among die's descendants, into sp. */
static void inline_instances(const Image *img, Spans *sp, Dwarf_Die *die, const char *function, int depth)
{
    Dwarf_Die c;
    if (depth > 64 || dwarf_child(die, &c) != 0)
        return;
    do {
        if (dwarf_tag(&c) == DW_TAG_inlined_subroutine) {
            const char *name = die_function_name(&c);
            if (name && !strcmp(name, function))
                span_die(img, sp, &c);
        }
        inline_instances(img, sp, &c, function, depth + 1);
    } while (dwarf_siblingof(&c, &c) == 0);
}

size_t image_inline_ranges(const Image *img, const char *function, ImageRange **out)
{
    *out = NULL;
    Dwarf *dw = img && function ? image_dwarf((Image *)img) : NULL; /* opened lazily: a cache */
    if (!dw)
        return 0;
    Spans sp = {0};
    Dwarf_Off off = 0, next;
    size_t hsize;
    while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
        Dwarf_Die cu;
        if (dwarf_offdie(dw, off + hsize, &cu))
            inline_instances(img, &sp, &cu, function, 0);
        off = next;
    }
    size_t k = 0;
    for (size_t i = 0; i < sp.n; i++)
        if (span_real(img, &sp.s[i]))
            sp.s[k++] = sp.s[i];
    if (k)
        qsort(sp.s, k, sizeof *sp.s, cmp_spans);
    size_t n = 0;
    for (size_t i = 0; i < k; i++) {
        if (n && sp.s[i].lo <= (*out)[n - 1].hi) {
            if (sp.s[i].hi > (*out)[n - 1].hi)
                (*out)[n - 1].hi = (uint32_t)sp.s[i].hi;
            continue;
        }
        *out = xrealloc(*out, (n + 1) * sizeof **out);
        (*out)[n++] = (ImageRange){(uint32_t)sp.s[i].lo, (uint32_t)sp.s[i].hi};
    }
    free(sp.s);
    return n;
}

bool image_line_at(const Image *img, uint32_t addr, const char **file, int *line)
{
    ImageFrame f;
    if (!image_frames_at(img, addr, &f, 1) || !f.file || f.line <= 0)
        return false;
    if (file)
        *file = f.file;
    if (line)
        *line = f.line;
    return true;
}

bool image_has_dwarf(const Image *img) { return img->has_dwarf; }

/* ---- DWARF types ---- */

/* Follows typedefs and qualifiers to the type underneath; false if none. */
static bool strip_type(Dwarf_Die *die)
{
    for (int depth = 0; depth < 32; depth++) {
        int tag = dwarf_tag(die);
        if (tag != DW_TAG_typedef && tag != DW_TAG_const_type && tag != DW_TAG_volatile_type &&
            tag != DW_TAG_restrict_type && tag != DW_TAG_atomic_type)
            return true;
        Dwarf_Attribute a;
        if (!dwarf_attr_integrate(die, DW_AT_type, &a) || !dwarf_formref_die(&a, die))
            return false;
    }
    return false; /* a loop of typedefs: malformed */
}

static bool is_aggregate(Dwarf_Die *die)
{
    int tag = dwarf_tag(die);
    return (tag == DW_TAG_structure_type || tag == DW_TAG_union_type) && !dwarf_hasattr(die, DW_AT_declaration);
}

/* A member's byte offset: a constant (DWARF 3+) or a DW_OP_plus_uconst expression (DWARF 2). */
static bool member_location(Dwarf_Die *member, uint64_t *off)
{
    Dwarf_Attribute a;
    if (!dwarf_attr_integrate(member, DW_AT_data_member_location, &a)) {
        *off = 0; /* members of a union carry none */
        return true;
    }
    switch (dwarf_whatform(&a)) {
    case DW_FORM_data1:
    case DW_FORM_data2:
    case DW_FORM_data4:
    case DW_FORM_data8:
    case DW_FORM_udata:
    case DW_FORM_sdata:
    case DW_FORM_implicit_const: {
        Dwarf_Word w;
        if (dwarf_formudata(&a, &w) != 0)
            return false;
        *off = w;
        return true;
    }
    default: {
        Dwarf_Op *ops;
        size_t nops;
        if (dwarf_getlocation(&a, &ops, &nops) != 0 || nops != 1)
            return false;
        if (ops[0].atom != DW_OP_plus_uconst && ops[0].atom != DW_OP_constu)
            return false;
        *off = ops[0].number;
        return true;
    }
    }
}

/* Walks a dotted member path ("mem.area.gc_pool_start") from the aggregate type at die. */
static bool member_path_offset(Dwarf_Die *type, const char *path, uint64_t *total)
{
    uint64_t sum = 0;
    Dwarf_Die cur = *type;
    while (*path) {
        const char *dot = strchr(path, '.');
        size_t len = dot ? (size_t)(dot - path) : strlen(path);
        if (len == 0 || !strip_type(&cur) || !is_aggregate(&cur))
            return false;
        Dwarf_Die child;
        bool found = false;
        if (dwarf_child(&cur, &child) == 0) {
            do {
                if (dwarf_tag(&child) != DW_TAG_member)
                    continue;
                const char *name = dwarf_diename(&child);
                if (!name || strlen(name) != len || memcmp(name, path, len) != 0)
                    continue;
                uint64_t off;
                Dwarf_Attribute a;
                if (!member_location(&child, &off))
                    return false;
                sum += off;
                if (dot && (!dwarf_attr_integrate(&child, DW_AT_type, &a) || !dwarf_formref_die(&a, &cur)))
                    return false;
                found = true;
                break;
            } while (dwarf_siblingof(&child, &child) == 0);
        }
        if (!found)
            return false;
        path = dot ? dot + 1 : path + len;
    }
    *total = sum;
    return true;
}

bool image_member_offset(const Image *img, const char *struct_name, const char *member, uint32_t *offset)
{
    if (!img || !struct_name || !member || !*member)
        return false;
    Dwarf *dw = image_dwarf((Image *)img); /* opened lazily: a cache */
    if (!dw)
        return false;
    Dwarf_Off off = 0, next;
    size_t hsize;
    while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
        Dwarf_Die cudie, die;
        if (dwarf_offdie(dw, off + hsize, &cudie) && dwarf_child(&cudie, &die) == 0) {
            do {
                int tag = dwarf_tag(&die);
                if (tag != DW_TAG_typedef && tag != DW_TAG_structure_type && tag != DW_TAG_union_type)
                    continue;
                const char *name = dwarf_diename(&die);
                if (!name || strcmp(name, struct_name) != 0)
                    continue;
                Dwarf_Die t = die;
                uint64_t total;
                if (strip_type(&t) && is_aggregate(&t) && member_path_offset(&t, member, &total) &&
                    total <= UINT32_MAX) {
                    *offset = (uint32_t)total;
                    return true;
                }
            } while (dwarf_siblingof(&die, &die) == 0);
        }
        off = next;
    }
    return false;
}

char *image_describe_addr(const Image *img, uint32_t addr, char *buf, size_t n)
{
    if (!buf || n == 0)
        return buf;
    const ImageSymbol *f = img ? image_function_at(img, addr) : NULL;
    const char *file;
    int line;
    bool have_line = img && image_line_at(img, addr, &file, &line);
    char where[256] = "";
    if (have_line) {
        const char *base = strrchr(file, '/');
        snprintf(where, sizeof where, " (%s:%d)", base ? base + 1 : file, line);
    }
    uint32_t a = img && img->machine == EM_ARM ? addr & ~1u : addr;
    if (f && a != f->addr)
        snprintf(buf, n, "%s+0x%x%s", f->name, a - f->addr, where);
    else if (f)
        snprintf(buf, n, "%s%s", f->name, where);
    else
        snprintf(buf, n, "0x%08x%s", addr, where);
    return buf;
}
