/* fuzz_gc_profile.c: libFuzzer harness of the GC profile parser (gc/profile.c,
 * --gc-profile FILE): any bytes as a profile, resolved against a synthetic image that
 * has the symbols the seeds name, then the heap counters read from fake guest memory. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz/fuzz_util.h"
#include "gc/runtime.h"

/* Guest memory: every byte reads as the low byte of its address. */
static int read_pattern(void *opaque, uint32_t addr, void *buf, size_t len)
{
    (void)opaque;
    for (size_t i = 0; i < len; i++)
        ((uint8_t *)buf)[i] = (uint8_t)(addr + i);
    return 0;
}

/* What runtime.h promises about an opened runtime. */
static void check_runtime(GcRuntime *rt)
{
    FUZZ_CHECK(rt->name && *rt->name && rt->nhooks > 0);
    for (size_t i = 0; i < rt->nhooks; i++) {
        const GcHook *h = &rt->hooks[i];
        FUZZ_CHECK(h->symbol && *h->symbol);
        FUZZ_CHECK(h->optional || h->addr);
        FUZZ_CHECK(h->kind != GC_HOOK_PHASE || h->phase);
        FUZZ_CHECK(h->size_arg >= 0 && h->size_arg <= 7 && h->ptr_arg >= 0 && h->ptr_arg <= 7);
    }
    for (size_t i = 0; i < rt->nnotes; i++)
        FUZZ_CHECK(rt->notes[i]);
    if (rt->heap_state) {
        GcHeapState hs = {.used = REC_UNKNOWN, .free = REC_UNKNOWN, .largest_free = REC_UNKNOWN};
        FUZZ_CHECK(rt->heap_state(rt, read_pattern, NULL, true, &hs) == 0);
        free(hs.blocks);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[48];
    int fd = fuzz_memfd(data, size, path, sizeof path);
    Image *img = fuzz_synthetic_image();
    char *err = NULL;
    GcRuntime *rt = gc_profile_open(path, img, &err);
    close(fd);
    if (fuzz_outcome(rt != NULL, err)) {
        check_runtime(rt);
        gc_runtime_free(rt);
    }
    image_free(img);
    return 0;
}
