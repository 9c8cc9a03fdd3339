/* semihost.c: semihosting host ("Semihosting for AArch32 and AArch64", ARM, v3;
 * the RISC-V semihosting spec reuses it), 32-bit conventions. Only the console is
 * reachable: ":tt" and ":semihosting-features" open, every other path fails, so a
 * firmware never touches host files. Time calls read simulated time. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/semihost.h"
#include "base/util.h"

#define MAX_HANDLES 16
#define MAX_STRING 65536 /* bytes of a guest string or buffer handled per call */

typedef enum { H_FREE, H_IN, H_OUT, H_ERR, H_FEATURES } HandleKind;

struct Semihost {
    SemihostConfig cfg;
    HandleKind handle[MAX_HANDLES]; /* handle numbers are index + 1 */
    uint32_t features_pos;
    int last_errno;
};

/* "SHFB" magic, then feature byte 0: EXIT_EXTENDED (bit 0), STDOUT_STDERR (bit 1). */
static const uint8_t features[5] = {'S', 'H', 'F', 'B', 0x03};

Semihost *semihost_new(const SemihostConfig *cfg)
{
    Semihost *sh = xcalloc(1, sizeof *sh);
    sh->cfg = *cfg;
    return sh;
}

void semihost_free(Semihost *sh) { free(sh); }
void semihost_set_mem(Semihost *sh, GuestMem mem) { sh->cfg.mem = mem; }

static int rd(Semihost *sh, uint32_t addr, void *buf, size_t len)
{
    return sh->cfg.mem.read ? sh->cfg.mem.read(sh->cfg.mem.opaque, addr, buf, len) : -1;
}

static int wr(Semihost *sh, uint32_t addr, const void *buf, size_t len)
{
    return sh->cfg.mem.write ? sh->cfg.mem.write(sh->cfg.mem.opaque, addr, buf, len) : -1;
}

/* Parameter block words. */
static int args(Semihost *sh, uint32_t param, uint32_t *a, int n)
{
    return rd(sh, param, a, 4u * (unsigned)n);
}

static uint32_t fail(Semihost *sh, int e)
{
    sh->last_errno = e;
    return (uint32_t)-1;
}

static HandleKind kind_of(const Semihost *sh, uint32_t h)
{
    return h >= 1 && h <= MAX_HANDLES ? sh->handle[h - 1] : H_FREE;
}

static FILE *stream_of(const Semihost *sh, HandleKind k) { return k == H_OUT ? sh->cfg.out : sh->cfg.err; }

static uint64_t now_ns(const Semihost *sh) { return sh->cfg.sched ? sched_cycles_to_ns(sh->cfg.sched, sh->cfg.sched->now) : 0; }

static uint32_t sys_open(Semihost *sh, uint32_t param)
{
    uint32_t a[3];
    char name[64];
    if (args(sh, param, a, 3) < 0 || a[2] >= sizeof name || rd(sh, a[0], name, a[2]) < 0)
        return fail(sh, EFAULT);
    name[a[2]] = 0;
    HandleKind k;
    if (!strcmp(name, ":tt"))
        k = a[1] < 4 ? H_IN : a[1] < 8 ? H_OUT : H_ERR;
    else if (!strcmp(name, ":semihosting-features") && a[1] < 2)
        k = H_FEATURES;
    else
        return fail(sh, ENOENT); /* no host files */
    for (uint32_t i = 0; i < MAX_HANDLES; i++) {
        if (sh->handle[i] == H_FREE) {
            sh->handle[i] = k;
            if (k == H_FEATURES)
                sh->features_pos = 0;
            return i + 1;
        }
    }
    return fail(sh, EMFILE);
}

static uint32_t sys_write0(Semihost *sh, uint32_t addr)
{
    char c;
    log_before_output();
    for (uint32_t n = 0; n < MAX_STRING && rd(sh, addr + n, &c, 1) == 0 && c; n++) {
        fputc(c, sh->cfg.err);
        log_after_output((uint8_t)c);
    }
    fflush(sh->cfg.err);
    return 0;
}

static uint32_t sys_write(Semihost *sh, uint32_t param)
{
    uint32_t a[3];
    if (args(sh, param, a, 3) < 0)
        return fail(sh, EFAULT);
    HandleKind k = kind_of(sh, a[0]);
    if (k != H_OUT && k != H_ERR)
        return (void)fail(sh, EBADF), a[2];
    uint8_t buf[512];
    uint32_t left = a[2] > MAX_STRING ? MAX_STRING : a[2], addr = a[1];
    FILE *f = stream_of(sh, k);
    log_before_output();
    while (left) {
        uint32_t n = left < sizeof buf ? left : (uint32_t)sizeof buf;
        if (rd(sh, addr, buf, n) < 0)
            break;
        fwrite(buf, 1, n, f);
        log_after_output(buf[n - 1]);
        addr += n;
        left -= n;
    }
    fflush(f);
    return left + (a[2] - (a[2] > MAX_STRING ? MAX_STRING : a[2])); /* bytes not written */
}

static uint32_t sys_read(Semihost *sh, uint32_t param)
{
    uint32_t a[3];
    if (args(sh, param, a, 3) < 0)
        return fail(sh, EFAULT);
    HandleKind k = kind_of(sh, a[0]);
    uint8_t buf[512];
    uint32_t want = a[2] > sizeof buf ? (uint32_t)sizeof buf : a[2], got = 0;
    if (k == H_FEATURES) {
        while (got < want && sh->features_pos < sizeof features)
            buf[got++] = features[sh->features_pos++];
    } else if (k == H_IN) {
        if (sh->cfg.in_fd >= 0) {
            ssize_t r = read(sh->cfg.in_fd, buf, want);
            got = r > 0 ? (uint32_t)r : 0;
        }
    } else {
        return (void)fail(sh, EBADF), a[2];
    }
    if (got && wr(sh, a[1], buf, got) < 0)
        return fail(sh, EFAULT);
    return a[2] - got; /* bytes not read */
}

static uint32_t sys_readc(Semihost *sh)
{
    uint8_t c;
    if (sh->cfg.in_fd >= 0 && read(sh->cfg.in_fd, &c, 1) == 1)
        return c;
    return (uint32_t)-1;
}

static uint32_t sys_heapinfo(Semihost *sh, uint32_t param)
{
    uint32_t block;
    if (rd(sh, param, &block, 4) < 0)
        return fail(sh, EFAULT);
    uint32_t v[4] = {sh->cfg.heap_base, sh->cfg.heap_limit, sh->cfg.stack_base, sh->cfg.stack_limit};
    if (wr(sh, block, v, sizeof v) < 0)
        return fail(sh, EFAULT);
    return 0;
}

int semihost_call(void *opaque, uint32_t op, uint32_t param, uint32_t *result)
{
    Semihost *sh = opaque;
    uint32_t a[2];
    uint32_t r = 0;
    switch (op) {
    case SYS_OPEN: r = sys_open(sh, param); break;
    case SYS_CLOSE:
        if (args(sh, param, a, 1) < 0 || kind_of(sh, a[0]) == H_FREE)
            r = fail(sh, EBADF);
        else
            sh->handle[a[0] - 1] = H_FREE;
        break;
    case SYS_WRITEC: {
        uint8_t c;
        if (rd(sh, param, &c, 1) == 0) {
            log_before_output();
            fputc(c, sh->cfg.err);
            log_after_output(c);
            fflush(sh->cfg.err);
        }
        break;
    }
    case SYS_WRITE0: r = sys_write0(sh, param); break;
    case SYS_WRITE: r = sys_write(sh, param); break;
    case SYS_READ: r = sys_read(sh, param); break;
    case SYS_READC: r = sys_readc(sh); break;
    case SYS_ISERROR:
        r = args(sh, param, a, 1) < 0 ? fail(sh, EFAULT) : (int32_t)a[0] < 0;
        break;
    case SYS_ISTTY:
        if (args(sh, param, a, 1) < 0)
            r = fail(sh, EFAULT);
        else {
            HandleKind k = kind_of(sh, a[0]);
            r = k == H_FREE ? fail(sh, EBADF) : k != H_FEATURES;
        }
        break;
    case SYS_SEEK:
        if (args(sh, param, a, 2) < 0 || kind_of(sh, a[0]) != H_FEATURES || a[1] > sizeof features)
            r = fail(sh, EINVAL);
        else
            sh->features_pos = a[1];
        break;
    case SYS_FLEN:
        r = args(sh, param, a, 1) < 0 || kind_of(sh, a[0]) != H_FEATURES ? fail(sh, EINVAL)
                                                                          : (uint32_t)sizeof features;
        break;
    case SYS_CLOCK: r = (uint32_t)(now_ns(sh) / 10000000u); break;
    case SYS_TIME: r = (uint32_t)(now_ns(sh) / 1000000000u); break;
    case SYS_ERRNO: r = (uint32_t)sh->last_errno; break;
    case SYS_GET_CMDLINE: {
        const char *cl = sh->cfg.cmdline ? sh->cfg.cmdline : "firmware";
        size_t n = strlen(cl) + 1;
        if (args(sh, param, a, 2) < 0 || n > a[1]) {
            r = fail(sh, EINVAL);
            break;
        }
        uint32_t len = (uint32_t)n - 1;
        if (wr(sh, a[0], cl, n) < 0 || wr(sh, param + 4, &len, 4) < 0)
            r = fail(sh, EFAULT);
        break;
    }
    case SYS_HEAPINFO: r = sys_heapinfo(sh, param); break;
    case SYS_EXIT:
        /* 32-bit: the parameter is the reason itself; only ApplicationExit is success (as QEMU) */
        *result = param == ADP_STOPPED_APPLICATION_EXIT ? 0 : 1;
        return 1;
    case SYS_EXIT_EXTENDED:
        if (args(sh, param, a, 2) < 0)
            *result = 1;
        else
            *result = a[0] == ADP_STOPPED_APPLICATION_EXIT ? a[1] : 1;
        return 1;
    case SYS_ELAPSED: {
        uint64_t t = sh->cfg.sched ? sh->cfg.sched->now : 0;
        r = wr(sh, param, &t, 8) < 0 ? fail(sh, EFAULT) : 0;
        break;
    }
    case SYS_TICKFREQ: r = sh->cfg.sched ? sh->cfg.sched->clock_hz : 0; break;
    case SYS_REMOVE:
    case SYS_RENAME:
    case SYS_SYSTEM:
    case SYS_TMPNAM: r = fail(sh, EPERM); break; /* no host access */
    default:
        log_guest("semihosting: unsupported operation 0x%x", op);
        r = fail(sh, ENOSYS);
        break;
    }
    *result = r;
    return 0;
}
