/* fuzz_image.c: libFuzzer harness of the firmware image loader (base/image.c): any bytes
 * as an ELF file, then every lookup the simulator and the writers make (symbols both
 * ways, functions and DWARF lines at addresses, struct member offsets). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/image.h"
#include "fuzz/fuzz_util.h"

#define MAX_LOOKUPS 256 /* symbols and segments looked at per input: bounds the time */

/* What the contracts of image.h promise about one address. */
static void lookup(const Image *img, uint32_t addr)
{
    uint32_t a = image_machine(img) == 40 ? addr & ~1u : addr;
    const ImageSymbol *f = image_function_at(img, addr);
    FUZZ_CHECK(!f || (f->is_func && f->addr <= a));
    const char *file = NULL;
    int line = 0;
    if (image_line_at(img, addr, &file, &line))
        FUZZ_CHECK(file && line > 0);
    char buf[160], tiny[6];
    image_describe_addr(img, addr, buf, sizeof buf);
    FUZZ_CHECK(memchr(buf, 0, sizeof buf));
    image_describe_addr(img, addr, tiny, sizeof tiny);
    FUZZ_CHECK(memchr(tiny, 0, sizeof tiny));
}

static void exercise(const Image *img)
{
    int m = image_machine(img);
    FUZZ_CHECK(m == 40 || m == 243);
    (void)image_entry(img);
    (void)image_arm_arch(img);
    (void)image_has_dwarf(img);
    size_t nseg = image_segment_count(img);
    FUZZ_CHECK(nseg > 0 && !image_segment(img, nseg));
    for (size_t i = 0; i < nseg && i < MAX_LOOKUPS; i++) {
        const ImageSegment *s = image_segment(img, i);
        FUZZ_CHECK(s->filesz <= s->memsz);
        unsigned sum = 0; /* every byte the image says it holds is readable */
        for (uint32_t k = 0; k < s->filesz; k++)
            sum += s->data[k];
        (void)sum;
        lookup(img, s->vaddr);
        lookup(img, s->vaddr + s->memsz - 1);
    }
    size_t nsym = image_symbol_count(img);
    FUZZ_CHECK(!image_symbol(img, nsym));
    for (size_t i = 0; i < nsym; i++) {
        const ImageSymbol *s = image_symbol(img, i);
        FUZZ_CHECK(s->name && *s->name);
        FUZZ_CHECK(i == 0 || image_symbol(img, i - 1)->addr <= s->addr); /* sorted by address */
        if (i >= MAX_LOOKUPS)
            continue;
        const ImageSymbol *byname = image_symbol_by_name(img, s->name);
        FUZZ_CHECK(byname && strcmp(byname->name, s->name) == 0);
        lookup(img, s->addr);
        if (s->size)
            lookup(img, s->addr + s->size - 1);
        uint32_t off;
        if (i < 8) /* a walk over every type: a few are enough */
            image_member_offset(img, s->name, "next", &off);
    }
    FUZZ_CHECK(!image_symbol_by_name(img, ""));
    uint32_t off;
    image_member_offset(img, "mp_state_ctx_t", "mem.area.next", &off);
    image_member_offset(img, "_mp_state_ctx_t", "mem.area.gc_pool_start", &off);
    image_member_offset(img, "mp_state_ctx_t", "mem..x", &off);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[48];
    int fd = fuzz_memfd(data, size, path, sizeof path);
    int kind = 0;
    char *err = NULL;
    Image *img = image_load(path, &kind, &err);
    close(fd);
    if (!fuzz_outcome(img != NULL, err)) {
        FUZZ_CHECK(kind == LOAD_ERR_FORMAT);
        return 0;
    }
    exercise(img);
    /* An address from the input itself, anywhere in the 4 GiB space. */
    if (size >= 4) {
        uint32_t a;
        memcpy(&a, data + size - 4, 4);
        lookup(img, a);
    }
    image_free(img);
    return 0;
}
