/* fuzz_events_bin.c: libFuzzer harness of the events.bin decoder (record_events_decode,
 * traces/record_events.c), from memory: the counts record.json would give are taken
 * from the file's own header (so the records themselves are reached), into a recording
 * with as many stacks as real runs have. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz_record_check.h"
#include "fuzz/fuzz_util.h"
#include "traces/traces.h"

#define MAGIC_LEN 16   /* "baregc-events/1\n" */
#define NSTACKS 1024   /* stacks the recording holds (ids 0..1023) */

/* A LEB128 varint at *p (below end); 0 when there is none. */
static uint64_t varint(const uint8_t **p, const uint8_t *end)
{
    uint64_t v = 0;
    for (unsigned shift = 0; *p < end && shift < 64; shift += 7) {
        uint8_t b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t na = 0, nf = 0;
    if (size > MAGIC_LEN) {
        const uint8_t *p = data + MAGIC_LEN, *end = data + size;
        na = (size_t)varint(&p, end);
        nf = (size_t)varint(&p, end);
    }
    Recording *r = rec_new();
    for (uint32_t i = 1; i < NSTACKS; i++)
        rec_stack(r, &i, 1);
    char *err = NULL;
    if (fuzz_outcome(record_events_decode(r, data, size, na, nf, &err) == 0, err)) {
        FUZZ_CHECK(r->nallocs == na && r->nfrees == nf);
        fuzz_check_recording(r);
    }
    rec_free(r);
    return 0;
}
