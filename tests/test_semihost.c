/* test_semihost.c: the semihosting host driven through semihost_call with a fake guest memory (32-bit conventions). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/semihost.h"
#include "base/util.h"
#include "tests/cunit_main.h"

/* ---- fake guest memory: MEM_SIZE bytes at MEM_BASE, anything else faults; the
 * firmware may not store into [RO_BASE, RO_BASE + RO_SIZE) (as flash): the machine's
 * write refuses it (and would stop the run) ---- */

#define MEM_BASE 0x20000000u
#define MEM_SIZE 0x10000u /* bytes */
#define RO_BASE (MEM_BASE + 0x8000)
#define RO_SIZE 0x1000u   /* bytes */

typedef struct FakeMem {
    uint8_t bytes[MEM_SIZE];
    int reads, writes;
    int refused;          /* writes into the read-only part */
} FakeMem;

static int in_range(uint32_t addr, size_t len)
{
    return addr >= MEM_BASE && len <= MEM_SIZE && addr - MEM_BASE <= MEM_SIZE - len;
}

static int mem_read(void *opaque, uint32_t addr, void *buf, size_t len)
{
    FakeMem *m = opaque;
    m->reads++;
    if (!in_range(addr, len))
        return -1;
    memcpy(buf, m->bytes + (addr - MEM_BASE), len);
    return 0;
}

static int mem_write(void *opaque, uint32_t addr, const void *buf, size_t len)
{
    FakeMem *m = opaque;
    m->writes++;
    if (!in_range(addr, len))
        return -1;
    if (addr < RO_BASE + RO_SIZE && addr + len > RO_BASE) {
        m->refused++;
        return -1;
    }
    memcpy(m->bytes + (addr - MEM_BASE), buf, len);
    return 0;
}

static void put(FakeMem *m, uint32_t addr, const void *data, size_t len)
{
    CU_ASSERT_FATAL(in_range(addr, len));
    memcpy(m->bytes + (addr - MEM_BASE), data, len);
}

static void put_words(FakeMem *m, uint32_t addr, uint32_t a, uint32_t b, uint32_t c)
{
    uint32_t w[3] = {a, b, c};
    put(m, addr, w, sizeof w);
}

static uint32_t get_word(const FakeMem *m, uint32_t addr)
{
    uint32_t w;
    memcpy(&w, m->bytes + (addr - MEM_BASE), 4);
    return w;
}

/* ---- the rig ---- */

typedef struct Rig {
    FakeMem *mem;
    Sched sched;
    FILE *out, *err;
    char *outbuf, *errbuf;
    size_t outlen, errlen; /* bytes */
    int in_fd;
    Semihost *sh;
} Rig;

static void rig_open(Rig *r, const char *input)
{
    memset(r, 0, sizeof *r);
    r->mem = xcalloc(1, sizeof *r->mem);
    sched_init(&r->sched, 1000000);
    r->out = open_memstream(&r->outbuf, &r->outlen);
    r->err = open_memstream(&r->errbuf, &r->errlen);
    CU_ASSERT_FATAL(r->out && r->err);
    r->in_fd = -1;
    if (input) {
        int fds[2];
        CU_ASSERT_FATAL(pipe(fds) == 0);
        size_t n = strlen(input);
        CU_ASSERT_FATAL(write(fds[1], input, n) == (ssize_t)n);
        close(fds[1]);
        r->in_fd = fds[0];
    }
    SemihostConfig c = {
        .out = r->out, .err = r->err, .in_fd = r->in_fd, .sched = &r->sched,
        .mem = {.read = mem_read, .write = mem_write, .opaque = r->mem},
        .cmdline = "fw --fast", .heap_base = 0x20001000, .heap_limit = 0x20004000,
        .stack_base = 0x20008000, .stack_limit = 0x20006000,
    };
    r->sh = semihost_new(&c);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r->sh);
}

static void rig_close(Rig *r)
{
    semihost_free(r->sh);
    fclose(r->out);
    fclose(r->err);
    free(r->outbuf);
    free(r->errbuf);
    if (r->in_fd >= 0)
        close(r->in_fd);
    free(r->mem);
}

static const char *out_text(Rig *r)
{
    fflush(r->out);
    return r->outbuf ? r->outbuf : "";
}

static const char *err_text(Rig *r)
{
    fflush(r->err);
    return r->errbuf ? r->errbuf : "";
}

/* One call that must continue (return 0); its result. */
static uint32_t call(Rig *r, uint32_t op, uint32_t param)
{
    uint32_t result = 0xDEADBEEF;
    CU_ASSERT_EQUAL(semihost_call(r->sh, op, param, &result), 0);
    return result;
}

static uint32_t sh_errno(Rig *r) { return call(r, SYS_ERRNO, 0); }

#define BLOCK (MEM_BASE + 0x100) /* parameter block */
#define STR (MEM_BASE + 0x200)   /* strings and buffers */

/* SYS_OPEN of name with mode (0 "r" .. 11 "a+b"). */
static uint32_t sh_open(Rig *r, const char *name, uint32_t mode)
{
    put(r->mem, STR + 0x800, name, strlen(name) + 1);
    put_words(r->mem, BLOCK + 0x40, STR + 0x800, mode, (uint32_t)strlen(name));
    return call(r, SYS_OPEN, BLOCK + 0x40);
}

/* ---- console output ---- */

static void test_writec_write0(void)
{
    Rig r;
    rig_open(&r, NULL);
    put(r.mem, STR, "x", 1);
    CU_ASSERT_EQUAL(call(&r, SYS_WRITEC, STR), 0);
    put(r.mem, STR, "hello\0world", 12);
    CU_ASSERT_EQUAL(call(&r, SYS_WRITE0, STR), 0);
    /* console output goes to the error stream, as QEMU does */
    CU_ASSERT_STRING_EQUAL(err_text(&r), "xhello");
    CU_ASSERT_STRING_EQUAL(out_text(&r), "");
    /* bad addresses: nothing written, no crash */
    call(&r, SYS_WRITEC, 0x10);
    call(&r, SYS_WRITE0, 0xFFFFFFF0);
    CU_ASSERT_STRING_EQUAL(err_text(&r), "xhello");
    /* a string running off the end of memory stops there */
    put(r.mem, MEM_BASE + MEM_SIZE - 3, "abc", 3);
    call(&r, SYS_WRITE0, MEM_BASE + MEM_SIZE - 3);
    CU_ASSERT_STRING_EQUAL(err_text(&r), "xhelloabc");
    rig_close(&r);
}

static void test_write_handles(void)
{
    Rig r;
    rig_open(&r, NULL);
    uint32_t out = sh_open(&r, ":tt", 4); /* "w": stdout */
    uint32_t err = sh_open(&r, ":tt", 8); /* "a": stderr */
    uint32_t in = sh_open(&r, ":tt", 0);  /* "r": stdin */
    CU_ASSERT(out >= 1 && out != (uint32_t)-1);
    CU_ASSERT(err >= 1 && err != (uint32_t)-1 && err != out);
    CU_ASSERT(in >= 1 && in != (uint32_t)-1 && in != out && in != err);
    put(r.mem, STR, "to stdout\n", 10);
    put_words(r.mem, BLOCK, out, STR, 10);
    CU_ASSERT_EQUAL(call(&r, SYS_WRITE, BLOCK), 0); /* 0 bytes not written */
    put(r.mem, STR, "to stderr", 9);
    put_words(r.mem, BLOCK, err, STR, 9);
    CU_ASSERT_EQUAL(call(&r, SYS_WRITE, BLOCK), 0);
    CU_ASSERT_STRING_EQUAL(out_text(&r), "to stdout\n");
    CU_ASSERT_STRING_EQUAL(err_text(&r), "to stderr");
    /* writing to the input handle or an unknown handle: nothing written, EBADF */
    put_words(r.mem, BLOCK, in, STR, 9);
    CU_ASSERT_EQUAL(call(&r, SYS_WRITE, BLOCK), 9);
    CU_ASSERT_EQUAL(sh_errno(&r), EBADF);
    put_words(r.mem, BLOCK, 99, STR, 9);
    CU_ASSERT_EQUAL(call(&r, SYS_WRITE, BLOCK), 9);
    /* a buffer that runs off guest memory: the bytes not written are reported */
    put_words(r.mem, BLOCK, out, MEM_BASE + MEM_SIZE - 4, 600);
    CU_ASSERT(call(&r, SYS_WRITE, BLOCK) > 0);
    /* a bad parameter block */
    CU_ASSERT_EQUAL(call(&r, SYS_WRITE, 0x4), (uint32_t)-1);
    CU_ASSERT_EQUAL(sh_errno(&r), EFAULT);
    CU_ASSERT_STRING_EQUAL(err_text(&r), "to stderr");
    /* ISTTY, ISERROR, CLOSE */
    put_words(r.mem, BLOCK, out, 0, 0);
    CU_ASSERT_EQUAL(call(&r, SYS_ISTTY, BLOCK), 1);
    CU_ASSERT_EQUAL(call(&r, SYS_CLOSE, BLOCK), 0);
    CU_ASSERT_EQUAL(call(&r, SYS_CLOSE, BLOCK), (uint32_t)-1); /* already closed */
    CU_ASSERT_EQUAL(sh_errno(&r), EBADF);
    put_words(r.mem, BLOCK, out, STR, 3);
    CU_ASSERT_EQUAL(call(&r, SYS_WRITE, BLOCK), 3);
    put_words(r.mem, BLOCK, (uint32_t)-1, 0, 0);
    CU_ASSERT_EQUAL(call(&r, SYS_ISERROR, BLOCK), 1);
    put_words(r.mem, BLOCK, 0, 0, 0);
    CU_ASSERT_EQUAL(call(&r, SYS_ISERROR, BLOCK), 0);
    rig_close(&r);
}

static void test_open_is_console_only(void)
{
    Rig r;
    rig_open(&r, NULL);
    CU_ASSERT_EQUAL(sh_open(&r, "/etc/passwd", 0), (uint32_t)-1);
    CU_ASSERT_EQUAL(sh_errno(&r), ENOENT);
    CU_ASSERT_EQUAL(sh_open(&r, "out.txt", 4), (uint32_t)-1);
    CU_ASSERT_EQUAL(access("out.txt", F_OK), -1);
    put(r.mem, STR, "x.txt", 6);
    put_words(r.mem, BLOCK, STR, 5, 0);
    CU_ASSERT_EQUAL(call(&r, SYS_REMOVE, BLOCK), (uint32_t)-1);
    CU_ASSERT_EQUAL(sh_errno(&r), EPERM);
    CU_ASSERT_EQUAL(call(&r, SYS_SYSTEM, BLOCK), (uint32_t)-1);
    /* a name longer than the host accepts, or at a bad address */
    put_words(r.mem, BLOCK, STR, 0, 4000);
    CU_ASSERT_EQUAL(call(&r, SYS_OPEN, BLOCK), (uint32_t)-1);
    put_words(r.mem, BLOCK, 0x100, 0, 3);
    CU_ASSERT_EQUAL(call(&r, SYS_OPEN, BLOCK), (uint32_t)-1);
    CU_ASSERT_EQUAL(sh_errno(&r), EFAULT);
    /* handles run out */
    int opened = 0;
    while (opened < 100 && sh_open(&r, ":tt", 4) != (uint32_t)-1)
        opened++;
    CU_ASSERT(opened > 0 && opened < 100);
    CU_ASSERT_EQUAL(sh_errno(&r), EMFILE);
    rig_close(&r);
}

static void test_features(void)
{
    Rig r;
    rig_open(&r, NULL);
    uint32_t h = sh_open(&r, ":semihosting-features", 0);
    CU_ASSERT_FATAL(h != (uint32_t)-1);
    put_words(r.mem, BLOCK, h, 0, 0);
    CU_ASSERT_EQUAL(call(&r, SYS_FLEN, BLOCK), 5);
    CU_ASSERT_EQUAL(call(&r, SYS_ISTTY, BLOCK), 0);
    put_words(r.mem, BLOCK, h, STR, 8);
    CU_ASSERT_EQUAL(call(&r, SYS_READ, BLOCK), 3); /* 5 of 8 read */
    CU_ASSERT_EQUAL(memcmp(r.mem->bytes + (STR - MEM_BASE), "SHFB\x03", 5), 0);
    CU_ASSERT_EQUAL(call(&r, SYS_READ, BLOCK), 8); /* at the end */
    put_words(r.mem, BLOCK, h, 4, 0);
    CU_ASSERT_EQUAL(call(&r, SYS_SEEK, BLOCK), 0);
    put_words(r.mem, BLOCK, h, STR + 0x10, 1);
    CU_ASSERT_EQUAL(call(&r, SYS_READ, BLOCK), 0);
    CU_ASSERT_EQUAL(r.mem->bytes[STR + 0x10 - MEM_BASE], 0x03); /* EXIT_EXTENDED | STDOUT_STDERR */
    put_words(r.mem, BLOCK, h, 6, 0);
    CU_ASSERT_EQUAL(call(&r, SYS_SEEK, BLOCK), (uint32_t)-1);
    CU_ASSERT_EQUAL(sh_open(&r, ":semihosting-features", 4), (uint32_t)-1); /* read-only */
    rig_close(&r);
}

static void test_read_console(void)
{
    Rig r;
    rig_open(&r, "abcdef");
    uint32_t in = sh_open(&r, ":tt", 0);
    put_words(r.mem, BLOCK, in, STR, 4);
    CU_ASSERT_EQUAL(call(&r, SYS_READ, BLOCK), 0);
    CU_ASSERT_EQUAL(memcmp(r.mem->bytes + (STR - MEM_BASE), "abcd", 4), 0);
    CU_ASSERT_EQUAL(call(&r, SYS_READC, 0), 'e');
    put_words(r.mem, BLOCK, in, STR, 4);
    CU_ASSERT_EQUAL(call(&r, SYS_READ, BLOCK), 3); /* only "f" left */
    CU_ASSERT_EQUAL(r.mem->bytes[STR - MEM_BASE], 'f');
    CU_ASSERT_EQUAL(call(&r, SYS_READ, BLOCK), 4); /* end of input */
    CU_ASSERT_EQUAL(call(&r, SYS_READC, 0), (uint32_t)-1);
    rig_close(&r);

    rig_open(&r, NULL); /* no input at all */
    in = sh_open(&r, ":tt", 0);
    put_words(r.mem, BLOCK, in, STR, 4);
    CU_ASSERT_EQUAL(call(&r, SYS_READ, BLOCK), 4);
    CU_ASSERT_EQUAL(call(&r, SYS_READC, 0), (uint32_t)-1);
    rig_close(&r);
}

/* ---- exit ---- */

static void test_exit(void)
{
    Rig r;
    rig_open(&r, NULL);
    uint32_t result = 77;
    /* 32-bit SYS_EXIT: the parameter is the reason; ApplicationExit is success */
    CU_ASSERT_EQUAL(semihost_call(r.sh, SYS_EXIT, ADP_STOPPED_APPLICATION_EXIT, &result), 1);
    CU_ASSERT_EQUAL(result, 0);
    result = 77;
    CU_ASSERT_EQUAL(semihost_call(r.sh, SYS_EXIT, 0x20023, &result), 1); /* RunTimeErrorUnknown */
    CU_ASSERT_EQUAL(result, 1);
    result = 77;
    CU_ASSERT_EQUAL(semihost_call(r.sh, SYS_EXIT, 0, &result), 1);
    CU_ASSERT_EQUAL(result, 1);
    /* SYS_EXIT_EXTENDED: a block {reason, subcode}; the subcode is the status */
    put_words(r.mem, BLOCK, ADP_STOPPED_APPLICATION_EXIT, 42, 0);
    result = 77;
    CU_ASSERT_EQUAL(semihost_call(r.sh, SYS_EXIT_EXTENDED, BLOCK, &result), 1);
    CU_ASSERT_EQUAL(result, 42);
    put_words(r.mem, BLOCK, ADP_STOPPED_APPLICATION_EXIT, 0, 0);
    CU_ASSERT_EQUAL(semihost_call(r.sh, SYS_EXIT_EXTENDED, BLOCK, &result), 1);
    CU_ASSERT_EQUAL(result, 0);
    put_words(r.mem, BLOCK, 0x20023, 42, 0);
    CU_ASSERT_EQUAL(semihost_call(r.sh, SYS_EXIT_EXTENDED, BLOCK, &result), 1);
    CU_ASSERT_EQUAL(result, 1);
    result = 77;
    CU_ASSERT_EQUAL(semihost_call(r.sh, SYS_EXIT_EXTENDED, 0x8, &result), 1); /* bad block */
    CU_ASSERT_EQUAL(result, 1);
    rig_close(&r);
}

/* ---- the rest ---- */

static void test_unknown_op(void)
{
    Rig r;
    rig_open(&r, NULL);
    CU_ASSERT_EQUAL(call(&r, 0x99, BLOCK), (uint32_t)-1);
    CU_ASSERT_EQUAL(sh_errno(&r), ENOSYS);
    CU_ASSERT_EQUAL(call(&r, 0x100, 0), (uint32_t)-1);
    CU_ASSERT_STRING_EQUAL(out_text(&r), "");
    rig_close(&r);
}

static void test_no_memory(void)
{
    Rig r;
    rig_open(&r, NULL);
    semihost_set_mem(r.sh, (GuestMem){0}); /* nothing readable */
    CU_ASSERT_EQUAL(call(&r, SYS_WRITE, BLOCK), (uint32_t)-1);
    call(&r, SYS_WRITE0, STR);
    call(&r, SYS_WRITEC, STR);
    uint32_t result = 77;
    CU_ASSERT_EQUAL(semihost_call(r.sh, SYS_EXIT_EXTENDED, BLOCK, &result), 1);
    CU_ASSERT_EQUAL(result, 1);
    CU_ASSERT_STRING_EQUAL(err_text(&r), "");
    semihost_set_mem(r.sh, (GuestMem){.read = mem_read, .write = mem_write, .opaque = r.mem});
    put(r.mem, STR, "k", 1);
    call(&r, SYS_WRITEC, STR);
    CU_ASSERT_STRING_EQUAL(err_text(&r), "k");
    rig_close(&r);
}

static void test_time_and_info(void)
{
    Rig r;
    rig_open(&r, NULL); /* 1 MHz clock */
    r.sched.now = 2500000; /* 2.5 s */
    CU_ASSERT_EQUAL(call(&r, SYS_CLOCK, 0), 250); /* centiseconds */
    CU_ASSERT_EQUAL(call(&r, SYS_TIME, 0), 2);
    CU_ASSERT_EQUAL(call(&r, SYS_TICKFREQ, 0), 1000000);
    CU_ASSERT_EQUAL(call(&r, SYS_ELAPSED, BLOCK), 0);
    uint64_t t;
    memcpy(&t, r.mem->bytes + (BLOCK - MEM_BASE), 8);
    CU_ASSERT_EQUAL(t, 2500000);
    /* HEAPINFO: the parameter block holds a pointer to four words */
    put_words(r.mem, BLOCK, STR, 0, 0);
    CU_ASSERT_EQUAL(call(&r, SYS_HEAPINFO, BLOCK), 0);
    CU_ASSERT_EQUAL(get_word(r.mem, STR), 0x20001000);
    CU_ASSERT_EQUAL(get_word(r.mem, STR + 4), 0x20004000);
    CU_ASSERT_EQUAL(get_word(r.mem, STR + 8), 0x20008000);
    CU_ASSERT_EQUAL(get_word(r.mem, STR + 12), 0x20006000);
    /* GET_CMDLINE: {buffer, size}; size becomes the length */
    put_words(r.mem, BLOCK, STR, 64, 0);
    CU_ASSERT_EQUAL(call(&r, SYS_GET_CMDLINE, BLOCK), 0);
    CU_ASSERT_STRING_EQUAL((const char *)r.mem->bytes + (STR - MEM_BASE), "fw --fast");
    CU_ASSERT_EQUAL(get_word(r.mem, BLOCK + 4), 9);
    put_words(r.mem, BLOCK, STR, 4, 0); /* too small */
    CU_ASSERT_EQUAL(call(&r, SYS_GET_CMDLINE, BLOCK), (uint32_t)-1);
    rig_close(&r);
}

/* Every call that writes guest memory, aimed where the firmware may not store: the
 * write is refused, the call fails with EFAULT and writes nothing after it. */
static void test_writes_refused(void)
{
    Rig r;
    rig_open(&r, "xyz");
    uint32_t in = sh_open(&r, ":tt", 0);
    put_words(r.mem, BLOCK, in, RO_BASE, 3);
    CU_ASSERT_EQUAL(call(&r, SYS_READ, BLOCK), (uint32_t)-1);
    CU_ASSERT_EQUAL(sh_errno(&r), EFAULT);
    CU_ASSERT_EQUAL(get_word(r.mem, RO_BASE), 0);
    CU_ASSERT_EQUAL(r.mem->refused, 1);

    put_words(r.mem, BLOCK, RO_BASE, 64, 0); /* GET_CMDLINE: the buffer is read-only */
    CU_ASSERT_EQUAL(call(&r, SYS_GET_CMDLINE, BLOCK), (uint32_t)-1);
    CU_ASSERT_EQUAL(sh_errno(&r), EFAULT);
    CU_ASSERT_EQUAL(get_word(r.mem, BLOCK + 4), 64); /* the length is not written */
    CU_ASSERT_EQUAL(r.mem->refused, 2);

    put_words(r.mem, RO_BASE, STR, 64, 0); /* GET_CMDLINE: the block itself is read-only */
    CU_ASSERT_EQUAL(call(&r, SYS_GET_CMDLINE, RO_BASE), (uint32_t)-1);
    CU_ASSERT_EQUAL(sh_errno(&r), EFAULT);
    CU_ASSERT_EQUAL(get_word(r.mem, RO_BASE + 4), 64);
    CU_ASSERT_EQUAL(r.mem->refused, 3);

    put_words(r.mem, BLOCK, RO_BASE + 0x10, 0, 0); /* HEAPINFO: where the four words go */
    CU_ASSERT_EQUAL(call(&r, SYS_HEAPINFO, BLOCK), (uint32_t)-1);
    CU_ASSERT_EQUAL(sh_errno(&r), EFAULT);
    CU_ASSERT_EQUAL(get_word(r.mem, RO_BASE + 0x10), 0);
    CU_ASSERT_EQUAL(r.mem->refused, 4);

    r.sched.now = 12345;
    CU_ASSERT_EQUAL(call(&r, SYS_ELAPSED, RO_BASE + 0x20), (uint32_t)-1);
    CU_ASSERT_EQUAL(sh_errno(&r), EFAULT);
    CU_ASSERT_EQUAL(get_word(r.mem, RO_BASE + 0x20), 0);
    CU_ASSERT_EQUAL(r.mem->refused, 5);
    rig_close(&r);
}

static const TestCase semihost_cases[] = {
    {"writec, write0", test_writec_write0},
    {"write to handles", test_write_handles},
    {"open: console only", test_open_is_console_only},
    {"semihosting-features", test_features},
    {"read console", test_read_console},
    {"exit, exit_extended", test_exit},
    {"unknown op", test_unknown_op},
    {"no guest memory", test_no_memory},
    {"time, heapinfo, cmdline", test_time_and_info},
    {"writes where the firmware may not store", test_writes_refused},
    {NULL, NULL},
};

int main(void)
{
    log_set_quiet(true);
    static const TestSuite suites[] = {
        {"semihost", semihost_cases},
        {NULL, NULL},
    };
    return cunit_run(suites);
}
