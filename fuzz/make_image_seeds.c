/* make_image_seeds.c: small synthetic firmware images for the fuzz_image seeds (run by
 * fuzz/make-corpus.sh): what the built firmware lacks or holds only in large files,
 * i.e. DWARF struct types with nested members (as MicroPython's, both DWARF 3 constant
 * and DWARF 2 expression offsets), ARM build attributes of every core kind, and DWARF
 * line tables, each in an image of a few hundred bytes. Usage: make_image_seeds DIR. */
#include "config.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "tests/loader_elf.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const TeSeg segs[] = {
    {.paddr = 0, .vaddr = 0, .filesz = 0x40, .memsz = 0x200, .flags = PF_R | PF_X},
    {.paddr = 0x200, .vaddr = 0x20000000, .filesz = 8, .memsz = 0x100, .flags = PF_R | PF_W},
};
static const TeSym syms[] = {
    {"Reset_Handler", 0x41, 0x20, STT_FUNC, STB_GLOBAL},
    {"gc_collect", 0x61, 0, STT_FUNC, STB_GLOBAL},
    {"helper", 0x61, 8, STT_FUNC, STB_LOCAL},
    {"mp_state_ctx", 0x20000000, 0xe0, STT_OBJECT, STB_GLOBAL},
    {"__StackLimit", 0x20000100, 0, STT_NOTYPE, STB_GLOBAL},
};

/* MicroPython-like types: mp_state_ctx_t.mem.area.*, and a DWARF 2 variant. */
static const TeMember area[] = {{"gc_pool_start", 12, NULL, false}, {"next", 20, NULL, false}};
static const TeMember mem[] = {{"area", 0, "_mp_state_mem_area_t", false}};
static const TeMember ctx[] = {{"mem", 0x60, "_mp_state_mem_t", false}};
static const TeStruct types[] = {
    {"_mp_state_mem_area_t", "mp_state_mem_area_t", area, N(area), 24, false},
    {"_mp_state_mem_t", "mp_state_mem_t", mem, N(mem), 0x80, false},
    {"_mp_state_ctx_t", "mp_state_ctx_t", ctx, N(ctx), 0xe0, false},
    {"incomplete", NULL, NULL, 0, 0, true},
};
static const TeMember old_mem[] = {{"gc_pool_start", 8, NULL, true}, {"area", 0, "_mp_state_mem_t", true}};
static const TeMember old_ctx[] = {{"mem", 0x40, "_mp_state_mem_t", true}};
static const TeStruct old_types[] = {
    {"_mp_state_mem_t", "mp_state_mem_t", old_mem, N(old_mem), 0x40, false},
    {"_mp_state_ctx_t", "mp_state_ctx_t", old_ctx, N(old_ctx), 0x80, false},
};

/* .ARM.attributes with Tag_CPU_arch `arch`, profile 'M', and the other tag forms. */
static size_t attrs(uint8_t *out, uint8_t arch)
{
    const uint8_t file[] = {1, 0, 0, 0, 0,            /* Tag_File and its size (set below) */
                            5, 'm', '4', 0,           /* Tag_CPU_name: NTBS */
                            32, 1, 'g', 'n', 'u', 0,  /* Tag_compatibility: ULEB, NTBS */
                            6, arch, 7, 'M', 9, 2,    /* Tag_CPU_arch, _profile, THUMB_ISA_use */
                            0x81, 0x01, 'x', 0};      /* tag 129 (odd, >= 32): NTBS */
    size_t o = 0;
    out[o++] = 'A';
    uint32_t sub = 4 + 6 + sizeof file;
    memcpy(out + o, &sub, 4);
    memcpy(out + o + 4, "aeabi", 6);
    memcpy(out + o + 10, file, sizeof file);
    uint32_t fsize = sizeof file;
    memcpy(out + o + 11, &fsize, 4);
    return o + sub;
}

static void write_seed(const char *dir, const char *name, const TeSpec *s)
{
    size_t len;
    uint8_t *buf = te_build(s, &len);
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
    free(path);
    free(buf);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_image_seeds DIR\n");
        return 64;
    }
    const char *dir = argv[1];
    TeSpec s = {.machine = EM_ARM, .type = ET_EXEC, .entry = 0x41, .seg = segs, .nseg = N(segs), .sym = syms,
                .nsym = N(syms), .dwarf = true, .dwarf_addr = 0x40, .structs = types, .nstructs = N(types)};
    write_seed(dir, "synth-mp-types.elf", &s);
    s.structs = old_types;
    s.nstructs = N(old_types);
    s.dwarf = false;
    write_seed(dir, "synth-mp-dwarf2.elf", &s);
    uint8_t a[64];
    static const struct {
        const char *name;
        uint8_t arch;
    } cores[] = {{"synth-v6m.elf", 12}, {"synth-v7em.elf", 13}, {"synth-v8m.elf", 17}};
    for (size_t i = 0; i < N(cores); i++) {
        TeSpec t = {.machine = EM_ARM, .type = ET_EXEC, .entry = 0x41, .seg = segs, .nseg = N(segs),
                    .arm_attrs = a, .arm_attrs_len = attrs(a, cores[i].arch)};
        write_seed(dir, cores[i].name, &t);
    }
    TeSpec rv = {.machine = EM_RISCV, .type = ET_EXEC, .entry = 0x40, .seg = segs, .nseg = N(segs), .sym = syms,
                 .nsym = N(syms), .dwarf = true, .dwarf_addr = 0x40};
    write_seed(dir, "synth-rv-lines.elf", &rv);
    return 0;
}
