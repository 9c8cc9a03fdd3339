/* fuzz_util.c: the harnesses' shared helpers: memfd inputs, scratch directories, the
 * synthetic image (tests/loader_elf.c builds it). */
#include "config.h"

#include <dirent.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/util.h"
#include "fuzz/fuzz_util.h"
#include "tests/loader_elf.h"

void fuzz_check_failed(const char *what, const char *file, int line)
{
    fprintf(stderr, "%s:%d: property failed: %s\n", file, line, what);
    abort();
}

bool fuzz_outcome(bool ok, char *err)
{
    FUZZ_CHECK(ok == !err);
    free(err);
    return ok;
}

/* All of buf to fd; aborts on a short write (a host problem, not a finding). */
static void write_all(int fd, const uint8_t *buf, size_t n)
{
    while (n) {
        ssize_t w = write(fd, buf, n);
        if (w <= 0) {
            perror("fuzz: write");
            abort();
        }
        buf += w;
        n -= (size_t)w;
    }
}

int fuzz_memfd(const uint8_t *data, size_t size, char *path, size_t n)
{
    int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
    if (fd < 0) {
        perror("fuzz: memfd_create");
        abort();
    }
    write_all(fd, data, size);
    snprintf(path, n, "/proc/self/fd/%d", fd);
    return fd;
}

char *fuzz_cstring(const uint8_t *data, size_t size)
{
    char *s = xmalloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

char *fuzz_scratch_dir(void)
{
    const char *t = getenv("TMPDIR");
    char *dir = xasprintf("%s/baregc-fuzz-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(dir)) {
        perror("fuzz: mkdtemp");
        abort();
    }
    return dir;
}

void fuzz_write_file(const char *dir, const char *name, const uint8_t *data, size_t size)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        perror(path);
        abort();
    }
    free(path);
}

void fuzz_scratch_remove(char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        for (struct dirent *e; (e = readdir(d));) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *path = xasprintf("%s/%s", dir, e->d_name);
            unlink(path);
            free(path);
        }
        closedir(d);
    }
    rmdir(dir);
    free(dir);
}

Image *fuzz_synthetic_image(void)
{
    static const TeSeg seg[] = {
        {.paddr = 0, .vaddr = 0, .filesz = 0x100, .memsz = 0x400, .flags = PF_R | PF_X},
        {.paddr = 0x20000000, .vaddr = 0x20000000, .filesz = 0, .memsz = 0x1000, .flags = PF_R | PF_W},
    };
    static const TeSym sym[] = {
        {"gc_collect", 0x101, 0x20, STT_FUNC, STB_GLOBAL},
        {"gc_mark", 0x121, 0x20, STT_FUNC, STB_GLOBAL},
        {"gc_sweep", 0x141, 0x20, STT_FUNC, STB_GLOBAL},
        {"gc_mark_phase", 0x161, 0x20, STT_FUNC, STB_GLOBAL},
        {"gc_sweep_phase", 0x181, 0x20, STT_FUNC, STB_GLOBAL},
        {"gc_start", 0x1a1, 0x20, STT_FUNC, STB_GLOBAL},
        {"gc_end", 0x1c1, 0x20, STT_FUNC, STB_GLOBAL},
        {"gc_alloc", 0x1e1, 0x20, STT_FUNC, STB_GLOBAL},
        {"gc_free", 0x201, 0x20, STT_FUNC, STB_GLOBAL},
        {"gc_realloc", 0x221, 0x20, STT_FUNC, STB_GLOBAL},
        {"gc_stats", 0x20000000, 32, STT_OBJECT, STB_GLOBAL},
        {"heap_used", 0x20000020, 4, STT_OBJECT, STB_GLOBAL},
        {"_heap_start", 0x20000100, 0, STT_NOTYPE, STB_GLOBAL},
        {"_heap_end", 0x20000f00, 0, STT_NOTYPE, STB_GLOBAL},
        {"__baregc_gcev", 0x20000024, 4, STT_OBJECT, STB_GLOBAL},
    };
    const TeSpec spec = {.machine = EM_ARM, .type = ET_EXEC, .entry = 0x101, .seg = seg, .nseg = 2,
                         .sym = sym, .nsym = sizeof sym / sizeof sym[0]};
    size_t len;
    uint8_t *buf = te_build(&spec, &len);
    char path[48];
    int fd = fuzz_memfd(buf, len, path, sizeof path);
    char *err = NULL;
    Image *img = image_load(path, NULL, &err);
    close(fd);
    free(buf);
    if (!img) {
        fprintf(stderr, "fuzz: the synthetic image does not load: %s\n", err);
        abort();
    }
    return img;
}
