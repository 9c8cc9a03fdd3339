/* traces.h: the traces module's public API: every output file of a run from its
 * Recording (pprof profiles, Chrome trace JSON, gctrace log, summary JSON) and the
 * human summary. Reads the recording only; never calls back into the simulator. */
#ifndef BAREGC_TRACES_H
#define BAREGC_TRACES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "gc/record.h"
#include "base/image.h"
#include "traces/stats.h"

/* Writes summary.json, gctrace.log, heap.pb.gz, gc-pauses.pb.gz, cpu.pb.gz, trace.json,
 * events.bin and record.json, in that order, into dir (created, with its parents, if
 * missing), each through outfile_write (whole or not at all: readers never see a part
 * of a file). Every file is tried whatever happens to the others. While they are
 * written, and afterwards when one could not be, dir holds TRACES_INCOMPLETE (a text
 * file naming the files that are missing and why; an earlier run's file of a name
 * that could not be written is removed); it is removed when every file is written.
 * img may be NULL (functions are then named by address). s: stats_compute(r) when the
 * caller has it, else NULL (computed here). Returns 0, or -1 with *err naming every
 * failure, one a line ("DIR/trace.json: cannot write: No space left on device"). */
#define TRACES_INCOMPLETE "INCOMPLETE"
int traces_write_all(const Recording *r, const Stats *s, const Image *img, const char *dir, char **err);

/* One paragraph for a human (stderr at the end of a run): pauses, GC CPU fraction,
 * MMU, allocation, heap, SRAM, stack, interrupt latency. s as for traces_write_all. */
void traces_print_summary(const Recording *r, const Stats *s, FILE *f);

/* The writers, each onto an open stream; -1 when the stream reports an error.
 * docs/formats.md describes each format. */
int trace_json_write(const Recording *r, const Image *img, FILE *f);
int gctrace_write(const Recording *r, FILE *f);
int summary_write_json(const Recording *r, const Stats *s, FILE *f);

/* record.json: the whole recording (run facts, pauses and phases, heap samples and
 * heap maps, interrupts, instants, stacks with their frames symbolized) and, beside it,
 * events.bin: every allocation and free, in a compact binary form that record.json
 * names with its size and CRC-32. Written by traces_write_all, read back for replay
 * (tui/view --from), reports (baregc report) and checks of recorded runs (baregc
 * check --from). traces/record_json.c, traces/record_events.c; formats in
 * docs/formats.md. */
#define RECORD_EVENTS_FILE "events.bin"
typedef struct RecordEvents {
    uint8_t *data; /* the bytes of events.bin, owned */
    size_t len;
    size_t cap;    /* data's capacity (xbig_grow), for record_events_free */
    uint32_t crc;  /* CRC-32 (zlib's) of data */
} RecordEvents;
void record_events_encode(const Recording *r, RecordEvents *ev);
void record_events_free(RecordEvents *ev);
/* The allocations and frees in data into r (whose stacks are loaded), which must hold
 * none yet; nallocs and nfrees are the counts record.json gives. -1 and *err (the
 * problem, without the file name) on a malformed file. */
int record_events_decode(Recording *r, const uint8_t *data, size_t len, size_t nallocs, size_t nfrees, char **err);
/* record.json onto f; ev is r's events as they are written beside it (NULL: encoded
 * here, to name them). */
int record_json_write(const Recording *r, const Image *img, const RecordEvents *ev, FILE *f);
/* events.bin and record.json into dir (which must exist), as traces_write_all writes
 * them. */
int traces_write_record(const Recording *r, const Image *img, const char *dir, char **err);
/* dir/record.json and dir/events.bin into a new Recording (names of frames kept in it
 * for traces_frame_name: Recording.names holds each frame's levels, '\n' between). NULL
 * and *err naming the file and the problem. */
Recording *record_json_load(const char *dir, char **err);

/* Frame names. A frame is named with the functions inlined at it: its inline chain,
 * innermost first, each level "func (file.c:12)" ("func" without a line, "0x%08x" for
 * what no symbol or DWARF names), every level but the last (the function that holds the
 * code) followed by TRACES_INLINED, the levels joined by a separator:
 *   xalloc (workloads.c:31) [inlined] ← str_new (workloads.c:151) [inlined] ← wl_strings (workloads.c:204)
 * TRACES_FRAME_SEP joins them on one line; "\n" gives one level a line. */
#define TRACES_INLINED " [inlined]"
#define TRACES_FRAME_SEP " \u2190 " /* " ← " */
/* A frame address of r's stacks: from img when given (named as a return address, at its
 * call, unless it occurs only as the sampled PC at the leaf of CPU-profile stacks), else
 * from the names a loaded recording carries (as record.json wrote them), else "0x%08x".
 * Returns buf. */
const char *traces_frame_text(const Recording *r, const Image *img, uint32_t addr, const char *sep, char *buf,
                              size_t n);
/* traces_frame_text joined by TRACES_FRAME_SEP. */
const char *traces_frame_name(const Recording *r, const Image *img, uint32_t addr, char *buf, size_t n);
/* Any code address from img alone: a return address (named at its call instruction) or
 * a PC (at itself). Returns buf. */
const char *traces_addr_text(const Image *img, uint32_t addr, bool return_address, const char *sep, char *buf,
                             size_t n);

#endif
