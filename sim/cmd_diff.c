/* cmd_diff.c: `baregc diff A B`: two recorded runs side by side. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cmd.h"
#include "sim/exitcode.h"
#include "traces/budget.h"
#include "traces/diff.h"

static void diff_usage(FILE *out)
{
    fprintf(out, "Usage: baregc diff A B\n\n"
                 "Compare two runs recorded with `baregc run --out DIR` (A the earlier one, the\n"
                 "baseline; B the later one), each read from DIR/record.json and DIR/events.bin: pause\n"
                 "count, total and percentiles, GC CPU fraction, MMU at 100 us, 1 ms, 10 ms and 100 ms,\n"
                 "allocation, peak heap, worst fragmentation, SRAM and stack headroom, interrupt\n"
                 "latency. One line a figure: A, B, the difference, the change in percent of A, which\n"
                 "way is worse, and whether B is worse, better or the same. Then the allocation sites\n"
                 "that grew (bytes, objects) and the collection triggers that grew (pause time,\n"
                 "pauses), named with their inline chains, matched between the runs by name. The same\n"
                 "comparison in HTML: `baregc report B --baseline A`.\n\n"
                 "Options:\n"
                 "  --help   this text\n\n"
                 "Exit status: 0 compared (whatever changed; `baregc check --baseline` gates on a\n"
                 "change), %d bad command line, %d a DIR's record.json or events.bin missing,\n"
                 "unreadable or malformed, %d stdout cannot be written.\n",
            EXIT_USAGE, EXIT_NO_INPUT, EXIT_IO);
}

static int exec_diff(int argc, char **argv)
{
    const char *dirs[2] = {NULL, NULL};
    size_t ndirs = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            diff_usage(stdout);
            return EXIT_OK;
        }
        if (s[0] == '-' && s[1]) {
            cmd_unknown_option(&cmd_diff, s);
            return EXIT_USAGE;
        }
        if (ndirs == 2) {
            fprintf(stderr, "baregc diff: more than two directories given ('%s')\n", s);
            return EXIT_USAGE;
        }
        dirs[ndirs++] = s;
    }
    if (ndirs < 2) {
        fprintf(stderr, "baregc diff: give two recorded runs, A and B (see baregc diff --help)\n");
        return EXIT_USAGE;
    }
    Recording *r[2] = {NULL, NULL};
    for (size_t i = 0; i < 2; i++) {
        char *err = NULL;
        r[i] = recorded_run_load(dirs[i], &err);
        if (!r[i]) {
            fprintf(stderr, "baregc diff: %s\n", err);
            free(err);
            rec_free(r[0]);
            return EXIT_NO_INPUT;
        }
    }
    RunDiff d;
    diff_compute(r[0], r[1], NULL, &d);
    diff_print(&d, dirs[0], dirs[1], stdout);
    diff_free(&d);
    rec_free(r[0]);
    rec_free(r[1]);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "baregc diff: cannot write the comparison to stdout\n");
        return EXIT_IO;
    }
    return EXIT_OK;
}

const Command cmd_diff = {
    .name = "diff",
    .summary = "compare two recorded runs: figures, changes, allocation sites that grew",
    .exec = exec_diff,
    .usage = diff_usage,
};
