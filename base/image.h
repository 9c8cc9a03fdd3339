/* image.h: firmware ELF images (libelf): loadable segments by physical address,
 * symbols both ways, and DWARF (libdw) when present: lines, inline chains, struct layouts. */
#ifndef BAREGC_IMAGE_H
#define BAREGC_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ImageSegment {
    uint32_t paddr;    /* load (physical) address: where the bytes go */
    uint32_t vaddr;    /* run address */
    uint32_t filesz;   /* bytes present in the file */
    uint32_t memsz;    /* bytes in memory (the rest is zero) */
    uint32_t flags;    /* PF_R | PF_W | PF_X */
    const uint8_t *data; /* filesz bytes, owned by the Image */
} ImageSegment;

typedef struct ImageSymbol {
    const char *name;
    uint32_t addr;     /* Thumb bit cleared for functions */
    uint32_t size;     /* bytes (0 if unknown) */
    bool is_func;
} ImageSymbol;

/* The flavour of ARM core an image was built for, from .ARM.attributes
 * (Tag_CPU_arch); IMAGE_ARM_UNKNOWN when absent or not ARM. */
typedef enum ImageArmArch { IMAGE_ARM_UNKNOWN, IMAGE_ARM_V6M, IMAGE_ARM_V7M, IMAGE_ARM_V7EM, IMAGE_ARM_V8M } ImageArmArch;

typedef struct Image Image;

/* Errors (return NULL, *err set to a one-line message naming the file):
 * LOAD_ERR_OPEN (cannot open/read: exit 66) or LOAD_ERR_FORMAT (not an ELF,
 * truncated, not ELF32 little-endian, not EM_ARM/EM_RISCV, no loadable segment:
 * exit 65) in *kind. */
enum { LOAD_ERR_OPEN = -1, LOAD_ERR_FORMAT = -2 };
Image *image_load(const char *path, int *kind, char **err);
void image_free(Image *img);

const char *image_path(const Image *img);
int image_machine(const Image *img);       /* EM_ARM (40) or EM_RISCV (243) */
uint32_t image_entry(const Image *img);
ImageArmArch image_arm_arch(const Image *img);
size_t image_segment_count(const Image *img);
const ImageSegment *image_segment(const Image *img, size_t i);

size_t image_symbol_count(const Image *img);
const ImageSymbol *image_symbol(const Image *img, size_t i);   /* sorted by address */
const ImageSymbol *image_symbol_by_name(const Image *img, const char *name);
/* The function symbol containing addr (Thumb bit ignored), or NULL. */
const ImageSymbol *image_function_at(const Image *img, uint32_t addr);

/* One level of what the code at an address is: a function and a line in it. Code that
 * was inlined has several levels. Strings are owned by the image; NULL when unknown. */
typedef struct ImageFrame {
    const char *function; /* the outermost level: the symbol's name (else DWARF's); an inlined
                           * level: DWARF's (the linkage name, else the name) */
    const char *file;     /* the file of `line`, as DWARF names it */
    int line;             /* 0 when unknown */
    int start_line;       /* the line declaring `function`, when that is in `file`; else 0 */
    bool inlined;         /* this level was inlined into the next one */
    const char *dir;      /* the compilation directory of the unit naming `file`
                           * (DW_AT_comp_dir), a relative `file` being relative to it; NULL
                           * when unknown */
} ImageFrame;

#define IMAGE_MAX_INLINE 32 /* levels of a chain kept (the outermost; deeper ones are left out) */

/* The inline chain at addr (Thumb bit ignored), innermost first, as addr2line -i gives
 * it: level 0 is the code at addr with addr's line (the line table's row: its file and
 * line); each next level the function the previous one was inlined into, at the line of
 * that call (DW_AT_call_file/line); the last, the function that holds the code. Up to
 * max levels into out; returns how many: 0 when addr lies in no function symbol, no
 * DWARF function and no line sequence. The line comes from the one line sequence that
 * owns addr (its last row at or below addr), never from a row past an end of sequence
 * or from another sequence; where sequences overlap, the one that starts last owns the
 * addresses it covers. Sequences and functions a linker left at address 0 (GNU ld) or
 * -1 (lld) for discarded code are ignored, unless code may lie at 0 (the entry point or
 * a function of known size). Looked up once per address, then cached. */
size_t image_frames_at(const Image *img, uint32_t addr, ImageFrame *out, size_t max);
/* The path of f's file as a reader on the build machine opens it: `file` when it is
 * absolute (or no directory is known), else `dir`/`file` (joined as DWARF gives them, not
 * normalized). NULL when f has no file; else buf. */
const char *image_source_path(const ImageFrame *f, char *buf, size_t n);

/* An address range [lo, hi). */
typedef struct ImageRange {
    uint32_t lo, hi;
} ImageRange;

/* Where the function named `function` (DWARF's linkage name, else its name) was inlined:
 * the address ranges of all its DW_TAG_inlined_subroutine instances, nested ones included,
 * ascending, those that overlap or touch merged, the Thumb bit clear; ranges a linker left
 * for discarded code are ignored (as image_frames_at does). Returns how many, into *out
 * (malloc'd; NULL when none); 0 without DWARF. */
size_t image_inline_ranges(const Image *img, const char *function, ImageRange **out);
/* Level 0's file and line (image_frames_at); false when unknown. The file string is
 * owned by the image. */
bool image_line_at(const Image *img, uint32_t addr, const char **file, int *line);
bool image_has_dwarf(const Image *img);
/* The byte offset of `member` inside the struct (or union) named `struct_name` (a
 * typedef name or a struct tag), from DWARF. `member` may be a dotted path through
 * nested aggregates ("mem.area.gc_pool_start"). False when the image has no DWARF,
 * no complete type of that name, or no such member. */
bool image_member_offset(const Image *img, const char *struct_name, const char *member, uint32_t *offset);
/* "func+0x12 (file.c:34)" or "0x00001234" into buf; returns buf. */
char *image_describe_addr(const Image *img, uint32_t addr, char *buf, size_t n);

#endif
