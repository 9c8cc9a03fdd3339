/* pprof_synth.c: writes every output file of a synthetic recording (over a small test
 * ELF with symbols and DWARF lines) into a directory, for e2e_pprof_synth.sh to read
 * with go tool pprof. Usage: pprof_synth DIR (DIR/synth.elf is written too). */
#include "config.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>

#include "gc/record.h"
#include "base/image.h"
#include "base/util.h"
#include "tests/loader_elf.h"
#include "traces/traces.h"

static const TeSeg segs[] = {
    {.paddr = 0, .vaddr = 0, .filesz = 0x100, .memsz = 0x100, .flags = PF_R | PF_X},
};
static const TeSym syms[] = {
    {"main", 0x11, 0x10, STT_FUNC, STB_GLOBAL}, /* DWARF: t.c line 10 at 0x10, 12 at 0x14 */
    {"make_node", 0x21, 0x10, STT_FUNC, STB_GLOBAL},
    {"make_string", 0x31, 0x10, STT_FUNC, STB_GLOBAL},
    {"gc_collect", 0x41, 0x10, STT_FUNC, STB_GLOBAL},
    {"gc_mark", 0x51, 0x10, STT_FUNC, STB_GLOBAL},
};

/* Known totals the script checks:
 *   heap: make_node 10 x 24 B (4 freed), make_string 5 x 100 B (none freed)
 *         alloc_space 740 B, inuse_space 644 B
 *   gc pauses: 4 collections from make_node's allocation path, 250 us in all
 *   cpu: gc_mark 7 samples, make_node 2, main 1; 1 ms each */
static Recording *synth(const char *elf)
{
    Recording *r = rec_new();
    r->run.image = xstrdup(elf);
    r->run.board = xstrdup("synthetic");
    r->run.runtime = xstrdup("none");
    r->run.clock_hz = 10000000; /* 10 MHz */
    r->run.cycles = 1000000;    /* 100 ms */
    uint32_t fn[] = {0x24, 0x15}, fs[] = {0x34, 0x1b}, fc[] = {0x44, 0x24, 0x15}, fm[] = {0x54, 0x44, 0x24, 0x15};
    uint32_t fmain[] = {0x12};
    StackId n = rec_stack(r, fn, 2), s = rec_stack(r, fs, 2), c = rec_stack(r, fc, 3), m = rec_stack(r, fm, 4);
    StackId mn = rec_stack(r, fmain, 1);
    uint64_t t = 100;
    for (uint32_t i = 0; i < 10; i++)
        rec_alloc(r, t++, 0x20000000 + i * 32, 24, n);
    for (uint32_t i = 0; i < 5; i++)
        rec_alloc(r, t++, 0x20001000 + i * 128, 100, s);
    for (uint32_t i = 0; i < 4; i++) {
        rec_pause_begin(r, 1000 + i * 10000, REC_TRIGGER_ALLOC, c, false);
        rec_phase_begin(r, "mark", 1000 + i * 10000);
        rec_phase_end(r, 1000 + i * 10000 + 400);
        rec_free_block(r, 1000 + i * 10000 + 450, 0x20000000 + i * 32, true);
        rec_pause_end(r, 1000 + i * 10000 + 625); /* 62.5 us */
    }
    r->cpu_sample_cycles = 10000; /* 1 ms */
    for (int i = 0; i < 7; i++)
        rec_cpu_sample(r, m);
    rec_cpu_sample(r, n);
    rec_cpu_sample(r, n);
    rec_cpu_sample(r, mn);
    return r;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: pprof_synth DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    char *err = NULL;
    TeSpec spec = {
        .machine = EM_ARM, .type = ET_EXEC, .entry = 0x11, .seg = segs, .nseg = ARRAY_SIZE(segs),
        .sym = syms, .nsym = ARRAY_SIZE(syms), .dwarf = true, .dwarf_addr = 0x10,
    };
    size_t len;
    uint8_t *buf = te_build(&spec, &len);
    char *elf = xasprintf("%s/synth.elf", dir);
    if (te_write(elf, buf, len) < 0) {
        fprintf(stderr, "pprof_synth: cannot write %s\n", elf);
        return 1;
    }
    free(buf);
    int kind;
    Image *img = image_load(elf, &kind, &err);
    if (!img) {
        fprintf(stderr, "pprof_synth: %s\n", err);
        return 1;
    }
    Recording *r = synth(elf);
    int rc = traces_write_all(r, NULL, img, dir, &err);
    if (rc < 0)
        fprintf(stderr, "pprof_synth: %s\n", err);
    free(err);
    rec_free(r);
    image_free(img);
    free(elf);
    return rc < 0 ? 1 : 0;
}
