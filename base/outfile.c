/* outfile.c: every output file written one way: a temporary file renamed over a regular
 * file, written through to a device or FIFO, refused for a directory; errors reported. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/outfile.h"
#include "base/util.h"

#define OUT_BUF (1 << 16) /* bytes of stdio buffer */

/* Runs the writer on f and closes f: 0, or -1 with *err naming path. */
static int write_and_close(FILE *f, const char *path, OutFileWriter write, void *ctx, char **err)
{
    setvbuf(f, NULL, _IOFBF, OUT_BUF);
    char *werr = NULL;
    errno = 0;
    int rc = write(ctx, f, &werr);
    int e = errno;
    if (fflush(f) != 0 || ferror(f)) {
        rc = -1;
        e = errno ? errno : e;
    }
    if (fclose(f) != 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    if (rc < 0) {
        if (werr)
            set_err(err, "%s: %s", path, werr);
        else
            set_err(err, "%s: cannot write: %s", path, strerror(e ? e : EIO));
    }
    free(werr);
    return rc;
}

/* A new temporary file beside target, created with mode (less the umask). */
static FILE *open_temp(const char *target, mode_t mode, char **tmp, char **err)
{
    const char *slash = strrchr(target, '/');
    int dirlen = slash ? (int)(slash - target + 1) : 0;
    const char *base = slash ? slash + 1 : target;
    for (unsigned n = 0;; n++) {
        *tmp = n ? xasprintf("%.*s.%s.%ld.%u.tmp", dirlen, target, base, (long)getpid(), n)
                 : xasprintf("%.*s.%s.%ld.tmp", dirlen, target, base, (long)getpid());
        int fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd >= 0) {
            FILE *f = fdopen(fd, "wb");
            if (f)
                return f;
            close(fd);
            unlink(*tmp);
        }
        int e = errno;
        free(*tmp);
        *tmp = NULL;
        if (e != EEXIST || n >= 100) {
            set_err(err, "%s: cannot create a file beside it: %s", target, strerror(e));
            return NULL;
        }
    }
}

/* target is, or will be, a regular file: write a temporary one and rename it over. */
static int write_replacing(const char *path, const char *target, const struct stat *old, OutFileWriter write,
                           void *ctx, char **err)
{
    mode_t mode = old ? (old->st_mode & 07777) : 0666;
    char *tmp;
    FILE *f = open_temp(target, mode, &tmp, err);
    if (!f)
        return -1;
    if (old)
        (void)fchmod(fileno(f), mode); /* as the file replaced, whatever the umask */
    int rc = write_and_close(f, path, write, ctx, err);
    if (rc == 0 && rename(tmp, target) < 0) {
        set_err(err, "%s: cannot rename %s into place: %s", path, tmp, strerror(errno));
        rc = -1;
    }
    if (rc < 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

/* A device, a FIFO or a socket (or a dangling link's target): written through. */
static int write_through(const char *path, const char *target, OutFileWriter write, void *ctx, char **err)
{
    FILE *f = fopen(target, "wb");
    if (!f) {
        set_err(err, "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    return write_and_close(f, path, write, ctx, err);
}

int outfile_write(const char *path, OutFileWriter write, void *ctx, char **err)
{
    struct stat st;
    char *target = NULL;
    bool link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
    if (link)
        target = realpath(path, NULL); /* NULL: a dangling link (or a loop) */
    const char *t = target ? target : path;
    int rc = -1;
    if (stat(t, &st) < 0) {
        if (errno != ENOENT)
            set_err(err, "%s: %s", path, strerror(errno));
        else if (link)
            rc = write_through(path, path, write, ctx, err); /* creates the link's target */
        else
            rc = write_replacing(path, t, NULL, write, ctx, err);
    } else if (S_ISDIR(st.st_mode)) {
        set_err(err, "%s: is a directory", path);
    } else if (S_ISREG(st.st_mode)) {
        rc = write_replacing(path, t, &st, write, ctx, err);
    } else {
        rc = write_through(path, t, write, ctx, err);
    }
    free(target);
    return rc;
}

typedef struct Bytes {
    const void *data;
    size_t n;
} Bytes;

static int write_bytes(void *ctx, FILE *f, char **err)
{
    const Bytes *b = ctx;
    (void)err;
    return fwrite(b->data, 1, b->n, f) == b->n ? 0 : -1;
}

int outfile_write_bytes(const char *path, const void *data, size_t n, char **err)
{
    Bytes b = {data, n};
    return outfile_write(path, write_bytes, &b, err);
}
