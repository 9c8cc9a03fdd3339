/* outfile.h: how every output file of baregc is written: whole or not at all where the
 * name is (or will be) a regular file, through to the device or FIFO where it is not, and
 * never silently: every write error is reported. */
#ifndef BAREGC_OUTFILE_H
#define BAREGC_OUTFILE_H

#include <stdio.h>

/* Writes the file's content onto f: 0, or -1 (with *err set, or not when the stream's
 * own error says it all). */
typedef int (*OutFileWriter)(void *ctx, FILE *f, char **err);

/* Writes `path` with write(ctx, f, err). Where `path` follows symbolic links to:
 *  - a regular file, or nothing yet: the content goes to a new hidden file beside it
 *    (".NAME.PID.tmp", with the permissions a new file gets, or those of the file it
 *    replaces), renamed over it once it is complete. A reader sees the old file or the
 *    new one, never a part; on failure the old file is left as it was, and the
 *    temporary one removed. A symbolic link stays a link: its target is replaced.
 *  - a character or block device, a FIFO or a socket (/dev/null, /dev/stdout, a pipe
 *    given as /dev/fd/N): written through, never replaced (a FIFO's open waits for
 *    its reader).
 *  - a directory: refused.
 * Returns 0, or -1 with *err "PATH: what went wrong" (the writer's message, or the
 * system's: "No space left on device"). */
int outfile_write(const char *path, OutFileWriter write, void *ctx, char **err);

/* The same for a buffer of n bytes. */
int outfile_write_bytes(const char *path, const void *data, size_t n, char **err);

#endif
