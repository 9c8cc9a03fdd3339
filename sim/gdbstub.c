/* gdbstub.c: the GDB remote protocol server (gdbstub.h): the socket, the commands of
 * a stopped target, stop replies, and the loop that runs the machine between stops.
 * While the firmware runs, a background scheduler event looks at the socket every
 * millisecond of simulated time (for Ctrl-C, a client that connects or goes away):
 * such events never change what the firmware does. */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "cpu/debug.h"
#include "sim/exitcode.h"
#include "sim/gdbpacket.h"
#include "sim/gdbstub.h"
#include "traces/budget.h"
#include "traces/stats.h"

#define POLL_NS 1000000ull  /* simulated time between looks at the socket (1 ms) */
#define WAIT_MS 200         /* host time between looks at Ctrl-C while waiting for the client */
#define THREAD "thread:01;" /* the one thread, in stop replies */

/* GDB's signal numbers (not the host's). */
enum { SIG_INT = 2, SIG_ILL = 4, SIG_TRAP = 5, SIG_ABRT = 6, SIG_BUS = 10, SIG_SEGV = 11, SIG_ALRM = 14 };

/* Why the stub asked the CPU to stop (bits). */
enum { WHY_CONNECT = 1, WHY_INTERRUPT = 2, WHY_BUDGET = 4, WHY_LOST = 8 };

/* What a packet asked of the stopped target. */
typedef enum Resume { STAY, RESUME } Resume;

/* read_byte's results that are not bytes. */
enum { RB_LOST = -1, RB_INTERRUPTED = -2, RB_NONE = -3 };

typedef struct Reply {
    char buf[GDB_PACKET_MAX + 1];
    size_t len;
} Reply;

struct GdbStub {
    GdbStubConfig cfg;
    Cpu *cpu;
    Sched *sched;
    char *host;
    unsigned port;
    char where[300];         /* host:port as GDB's `target remote` takes it ([host]:port for IPv6) */
    int listen_fd, fd;       /* -1: none */
    GdbRx rx;
    uint8_t in[4096];        /* received, not yet looked at */
    size_t in_pos, in_len;
    char out[GDB_PACKET_MAX + 8]; /* the last packet sent, framed (sent again on '-') */
    size_t out_len;
    Reply r;
    bool swbreak, hwbreak;   /* the client understands these stop reasons */
    bool awaiting;           /* the client resumed the target and waits for a stop reply */
    unsigned why;            /* WHY_*: stops the stub asked for */
    char stop_reply[64];     /* the last stop, as '?' reports it */
    SchedEvent tick;
    uint64_t tick_cycles;
    size_t pc_reg;           /* the number of the register named "pc" */
    char *xml;               /* the target description */
    size_t xml_len;
    uint64_t budget_cycles;  /* --gdb-break-budget's max_pause_us; 0: none */
    double budget_us;
    bool budget_hit;
    char note[200];          /* why the budget stopped the run */
    double stopped_s;        /* host seconds spent stopped */
    bool (*idle)(void *opaque); /* the Sched.on_idle this stub stands in front of */
    void *idle_opaque;
};

/* ---- the connection ---- */

static double host_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void client_close(GdbStub *g)
{
    if (g->fd >= 0)
        close(g->fd);
    g->fd = -1;
    g->awaiting = false;
    g->in_pos = g->in_len = 0;
    gdb_rx_init(&g->rx);
}

static void send_bytes(GdbStub *g, const char *p, size_t n)
{
    while (n && g->fd >= 0) {
        ssize_t k = send(g->fd, p, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            client_close(g); /* gone: as if it had detached (its breakpoints go when stopped) */
            return;
        }
        p += k;
        n -= (size_t)k;
    }
}

static void send_packet(GdbStub *g, const char *payload, size_t len)
{
    g->out_len = gdb_frame(payload, len, g->out);
    send_bytes(g, g->out, g->out_len);
}

static void send_text(GdbStub *g, const char *s) { send_packet(g, s, strlen(s)); }

/* Wait until fd can be read: true, or false when a Ctrl-C on the terminal asked the run
 * to stop (then the run ends at once, interrupted). */
static bool wait_readable(GdbStub *g, int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    for (;;) {
        if (cpu_interrupt_pending(g->cpu))
            return false;
        int n = poll(&p, 1, WAIT_MS);
        if (n > 0 || (n < 0 && errno != EINTR))
            return true; /* readable, or an error the read reports */
    }
}

/* The next byte from the client: waiting for it (block) or not (RB_NONE when there is
 * none yet); RB_LOST when the client has gone, RB_INTERRUPTED on a Ctrl-C. */
static int read_byte(GdbStub *g, bool block)
{
    while (g->in_pos == g->in_len) {
        if (block && !wait_readable(g, g->fd))
            return RB_INTERRUPTED;
        ssize_t n = recv(g->fd, g->in, sizeof g->in, block ? 0 : MSG_DONTWAIT);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && !block && (errno == EAGAIN || errno == EWOULDBLOCK))
            return RB_NONE;
        if (n <= 0)
            return RB_LOST;
        g->in_pos = 0;
        g->in_len = (size_t)n;
    }
    return g->in[g->in_pos++];
}

static bool client_accept(GdbStub *g)
{
    int fd = accept(g->listen_fd, NULL, NULL);
    if (fd < 0)
        return false;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    client_close(g);
    g->fd = fd;
    g->swbreak = g->hwbreak = false;
    log_info("GDB connected");
    return true;
}

/* Wait for a client (the run stays stopped): false on a Ctrl-C. */
static bool wait_client(GdbStub *g, const char *why)
{
    double t0 = host_now();
    fprintf(stderr, "baregc: %s: waiting for GDB on %s\n", why, g->where);
    while (g->fd < 0 && wait_readable(g, g->listen_fd))
        if (!client_accept(g) && errno != EINTR && errno != EAGAIN)
            break;
    g->stopped_s += host_now() - t0;
    return g->fd >= 0;
}

/* g->where, from g->host and g->port. */
static void set_where(GdbStub *g)
{
    snprintf(g->where, sizeof g->where, strchr(g->host, ':') ? "[%s]:%u" : "%s:%u", g->host, g->port);
}

static int listen_on(GdbStub *g, char **err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    char port[8];
    snprintf(port, sizeof port, "%u", g->port);
    struct addrinfo *res = NULL;
    int e = getaddrinfo(g->host, port, &hints, &res);
    if (e) {
        set_err(err, "--gdb %s: cannot resolve the host: %s", g->where, gai_strerror(e));
        return -1;
    }
    int fd = -1, saved = 0;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        int one = 1;
        if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
                        bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1) < 0)) {
            saved = errno;
            close(fd);
            fd = -1;
        } else if (fd < 0) {
            saved = errno;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        set_err(err, "--gdb %s: cannot listen there: %s", g->where, strerror(saved));
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) /* port 0: the one we got */
        g->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                 : ((struct sockaddr_in *)&ss)->sin_port);
    set_where(g);
    g->listen_fd = fd;
    return 0;
}

/* ---- replies ---- */

static void reply_clear(GdbStub *g) { g->r.len = 0; }

static void BG_PRINTF(2, 3) reply_printf(GdbStub *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(g->r.buf + g->r.len, sizeof g->r.buf - g->r.len, fmt, ap);
    va_end(ap);
    if (n > 0)
        g->r.len = g->r.len + (size_t)n < sizeof g->r.buf ? g->r.len + (size_t)n : sizeof g->r.buf - 1;
}

static void reply_hex(GdbStub *g, const void *data, size_t len)
{
    if (2 * len > sizeof g->r.buf - 1 - g->r.len)
        len = (sizeof g->r.buf - 1 - g->r.len) / 2;
    gdb_hex_encode(data, len, g->r.buf + g->r.len);
    g->r.len += 2 * len;
}

/* A register's value as the packets carry it: its bytes, little-endian, in hex. */
static void reply_reg(GdbStub *g, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    reply_hex(g, b, 4);
}

static uint32_t reg_from_hex(const uint8_t b[4])
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Console output through an 'O' packet (only while the client waits for a stop reply). */
static void send_console(GdbStub *g, const char *text)
{
    reply_clear(g);
    reply_printf(g, "O");
    reply_hex(g, text, strlen(text));
    send_packet(g, g->r.buf, g->r.len);
}

/* ---- the target description ---- */

/* The registers of g / G: the first feature's (the core's). */
static size_t core_regs(GdbStub *g)
{
    size_t n = cpu_debug_reg_count(g->cpu), k = 1;
    const char *feature = cpu_debug_reg_info(g->cpu, 0)->feature;
    while (k < n && !strcmp(cpu_debug_reg_info(g->cpu, k)->feature, feature))
        k++;
    return k;
}

/* The registers, one feature after another, numbered in order; the registers outside
 * the core feature are not saved and restored around calls GDB makes (the counters
 * are read-only). */
static void build_xml(GdbStub *g)
{
    FILE *f = open_memstream(&g->xml, &g->xml_len);
    if (!f)
        abort();
    fprintf(f, "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n"
               "<architecture>%s</architecture>\n", cpu_debug_arch(g->cpu));
    size_t n = cpu_debug_reg_count(g->cpu), ncore = core_regs(g);
    const char *feature = NULL;
    for (size_t i = 0; i < n; i++) {
        const CpuRegInfo *r = cpu_debug_reg_info(g->cpu, i);
        if (!feature || strcmp(feature, r->feature)) {
            fprintf(f, "%s<feature name=\"%s\">\n", feature ? "</feature>\n" : "", r->feature);
            feature = r->feature;
        }
        fprintf(f, "<reg name=\"%s\" bitsize=\"%u\" regnum=\"%zu\" type=\"%s\"", r->name, r->bits, i, r->type);
        if (r->group)
            fprintf(f, " group=\"%s\"", r->group);
        fprintf(f, "%s/>\n", i >= ncore ? " save-restore=\"no\"" : "");
    }
    fprintf(f, "</feature>\n</target>\n");
    fclose(f);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(cpu_debug_reg_info(g->cpu, i)->name, "pc"))
            g->pc_reg = i;
}

/* qXfer:features:read:target.xml:OFFSET,LENGTH */
static void xfer_features(GdbStub *g, const char *args)
{
    static const char annex[] = "target.xml:";
    uint32_t off, len;
    const char *p = args + strlen(annex);
    if (strncmp(args, annex, strlen(annex)) || gdb_hex_u32(&p, &off) < 0 || *p++ != ',' ||
        gdb_hex_u32(&p, &len) < 0) {
        reply_printf(g, "E00");
        return;
    }
    if (off >= g->xml_len) {
        reply_printf(g, "l");
        return;
    }
    size_t want = g->xml_len - off < len ? g->xml_len - off : len, used;
    size_t cap = sizeof g->r.buf - 2;
    size_t n = gdb_escape((const uint8_t *)g->xml + off, want, g->r.buf + 1, cap, &used);
    g->r.buf[0] = off + used >= g->xml_len ? 'l' : 'm';
    g->r.len = n + 1;
}

/* ---- the commands of a stopped target ---- */

/* "ADDR,LEN" at *s (advanced past it): 0 or -1. */
static int parse_addr_len(const char **s, uint32_t *addr, uint32_t *len)
{
    return gdb_hex_u32(s, addr) < 0 || *(*s)++ != ',' || gdb_hex_u32(s, len) < 0 ? -1 : 0;
}

static void read_registers(GdbStub *g)
{
    for (size_t i = 0, n = core_regs(g); i < n; i++) {
        uint32_t v = 0;
        cpu_debug_reg_read(g->cpu, i, &v);
        reply_reg(g, v);
    }
}

static void write_registers(GdbStub *g, const char *hex, size_t len)
{
    size_t n = core_regs(g);
    uint8_t b[4];
    if (len != 8 * n) {
        reply_printf(g, "E01");
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (gdb_hex_decode(hex + 8 * i, 4, b) < 0 || cpu_debug_reg_write(g->cpu, i, reg_from_hex(b)) < 0) {
            reply_printf(g, "E01");
            return;
        }
    reply_printf(g, "OK");
}

/* p N, P N=VALUE */
static void one_register(GdbStub *g, const char *args, bool write)
{
    uint32_t n, v = 0;
    uint8_t b[4];
    if (gdb_hex_u32(&args, &n) < 0 || (write && (*args++ != '=' || strlen(args) != 8 || gdb_hex_decode(args, 4, b) < 0))) {
        reply_printf(g, "E01");
        return;
    }
    if (write ? cpu_debug_reg_write(g->cpu, n, reg_from_hex(b)) < 0 : cpu_debug_reg_read(g->cpu, n, &v) < 0) {
        reply_printf(g, "E00");
        return;
    }
    if (write)
        reply_printf(g, "OK");
    else
        reply_reg(g, v);
}

/* m ADDR,LEN */
static void read_memory(GdbStub *g, const char *args)
{
    uint32_t addr, len;
    uint8_t buf[GDB_PACKET_MAX / 2];
    if (parse_addr_len(&args, &addr, &len) < 0) {
        reply_printf(g, "E01");
        return;
    }
    if (len > sizeof buf)
        len = sizeof buf;
    if (cpu_debug_mem_read(g->cpu, addr, buf, len) < 0)
        reply_printf(g, "E14"); /* EFAULT: outside the memories */
    else
        reply_hex(g, buf, len);
}

/* M ADDR,LEN:HEX and X ADDR,LEN:BINARY (data escaped) */
static void write_memory(GdbStub *g, char *args, size_t n, bool binary)
{
    uint32_t addr, len;
    const char *p = args;
    uint8_t buf[GDB_PACKET_MAX];
    if (parse_addr_len(&p, &addr, &len) < 0 || *p++ != ':' || len > sizeof buf) {
        reply_printf(g, "E01");
        return;
    }
    size_t avail = n - (size_t)(p - args);
    long got = binary ? gdb_unescape((char *)p, avail) : (long)avail / 2;
    if (got != (long)len || (binary ? (memcpy(buf, p, len), 0) : gdb_hex_decode(p, len, buf)) < 0) {
        reply_printf(g, "E01");
        return;
    }
    reply_printf(g, cpu_debug_mem_write(g->cpu, addr, buf, len) < 0 ? "E14" : "OK");
}

/* Z TYPE,ADDR,KIND / z ...: software and hardware breakpoints, write, read and access
 * watchpoints (KIND: the watched length). */
static void break_watch(GdbStub *g, const char *args, bool insert)
{
    uint32_t type, addr, kind;
    if (gdb_hex_u32(&args, &type) < 0 || *args++ != ',' || parse_addr_len(&args, &addr, &kind) < 0) {
        reply_printf(g, "E01");
        return;
    }
    int rc;
    switch (type) {
    case 0:
    case 1:
        rc = insert ? cpu_debug_break_insert(g->cpu, addr, type == 1) : cpu_debug_break_remove(g->cpu, addr, type == 1);
        break;
    case 2:
    case 3:
    case 4: {
        CpuWatchKind k = type == 2 ? CPU_WATCH_WRITE : type == 3 ? CPU_WATCH_READ : CPU_WATCH_ACCESS;
        rc = insert ? cpu_debug_watch_insert(g->cpu, addr, kind, k) : cpu_debug_watch_remove(g->cpu, addr, kind, k);
        break;
    }
    default:
        return; /* unsupported: the empty reply */
    }
    reply_printf(g, rc < 0 ? "E01" : "OK");
}

/* c [ADDR], s [ADDR], C SIG[;ADDR], S SIG[;ADDR] (the signal is not delivered: the
 * firmware has none). */
static Resume resume(GdbStub *g, char action, const char *args)
{
    uint32_t addr;
    if (action == 'C' || action == 'S') {
        args = strchr(args, ';');
        args = args ? args + 1 : "";
    }
    if (*args && gdb_hex_u32(&args, &addr) == 0)
        cpu_debug_reg_write(g->cpu, g->pc_reg, addr);
    if (action == 's' || action == 'S')
        cpu_debug_step(g->cpu);
    g->awaiting = true;
    return RESUME;
}

/* vCont;ACTION[:THREAD][;ACTION...]: the first action is the one thread's. */
static Resume vcont(GdbStub *g, const char *args)
{
    if (!strcmp(args, "?")) {
        reply_printf(g, "vCont;c;C;s;S");
        return STAY;
    }
    if (*args++ != ';' || !strchr("cCsS", *args)) {
        reply_printf(g, "E01");
        return STAY;
    }
    if (*args == 's' || *args == 'S')
        cpu_debug_step(g->cpu);
    g->awaiting = true;
    return RESUME;
}

static void q_supported(GdbStub *g, const char *features)
{
    g->swbreak = strstr(features, "swbreak+") != NULL;
    g->hwbreak = strstr(features, "hwbreak+") != NULL;
    reply_printf(g, "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+", GDB_PACKET_MAX);
}

static void monitor(GdbStub *g, const char *hex);

static void query(GdbStub *g, const char *q)
{
    if (!strncmp(q, "Supported", 9))
        q_supported(g, q + 9);
    else if (!strncmp(q, "Xfer:features:read:", 19))
        xfer_features(g, q + 19);
    else if (!strncmp(q, "Rcmd,", 5))
        monitor(g, q + 5);
    else if (!strcmp(q, "C"))
        reply_printf(g, "QC01");
    else if (!strcmp(q, "fThreadInfo"))
        reply_printf(g, "m01");
    else if (!strcmp(q, "sThreadInfo"))
        reply_printf(g, "l");
    else if (!strncmp(q, "Attached", 8))
        reply_printf(g, "1");
    else if (!strncmp(q, "Symbol", 6))
        reply_printf(g, "OK");
    /* anything else: the empty reply (not supported) */
}

/* The client is gone (`what` it did): its breakpoints and watchpoints with it. */
static void detach(GdbStub *g, const char *what)
{
    cpu_debug_clear(g->cpu);
    client_close(g);
    log_info("GDB %s", what);
}

/* One packet: reply, and say whether the target resumes. */
static Resume handle(GdbStub *g, char *pkt, size_t len)
{
    Resume res = STAY;
    reply_clear(g);
    switch (pkt[0]) {
    case '?':
        reply_printf(g, "%s", g->stop_reply);
        break;
    case 'g':
        read_registers(g);
        break;
    case 'G':
        write_registers(g, pkt + 1, len - 1);
        break;
    case 'p':
    case 'P':
        one_register(g, pkt + 1, pkt[0] == 'P');
        break;
    case 'm':
        read_memory(g, pkt + 1);
        break;
    case 'M':
    case 'X':
        write_memory(g, pkt + 1, len - 1, pkt[0] == 'X');
        break;
    case 'Z':
    case 'z':
        break_watch(g, pkt + 1, pkt[0] == 'Z');
        break;
    case 'c':
    case 'C':
    case 's':
    case 'S':
        return resume(g, pkt[0], pkt + 1);
    case 'v':
        if (!strncmp(pkt, "vCont", 5) && (res = vcont(g, pkt + 5)) == RESUME)
            return res;
        break; /* vMustReplyEmpty and the rest: empty */
    case 'q':
        query(g, pkt + 1);
        break;
    case 'H':
    case 'T':
        reply_printf(g, "OK"); /* the one thread */
        break;
    case 'D':
        send_text(g, "OK");
        detach(g, "detached: the run goes on");
        return RESUME;
    case 'k':
        detach(g, "killed the run: it ends here, as if interrupted");
        cpu_request_interrupt(g->cpu);
        return RESUME;
    default:
        break; /* not supported: the empty reply */
    }
    send_packet(g, g->r.buf, g->r.len);
    return res;
}

/* Serve the client while the firmware is stopped, until it resumes (or detaches, or
 * goes away, or a Ctrl-C ends the run). */
static void serve(GdbStub *g)
{
    double t0 = host_now();
    Resume r = STAY;
    while (r == STAY && g->fd >= 0) {
        int b = read_byte(g, true);
        if (b == RB_INTERRUPTED)
            break;
        if (b < 0) {
            detach(g, "went away: the run goes on");
            break;
        }
        switch (gdb_rx_byte(&g->rx, (uint8_t)b)) {
        case GDB_RX_PACKET:
            send_bytes(g, "+", 1);
            r = handle(g, g->rx.buf, g->rx.len);
            break;
        case GDB_RX_BAD:
            send_bytes(g, "-", 1);
            break;
        case GDB_RX_NAK:
            send_bytes(g, g->out, g->out_len);
            break;
        default:
            break;
        }
    }
    if (g->fd < 0)
        cpu_debug_clear(g->cpu); /* a client that went away while sending to it */
    g->stopped_s += host_now() - t0;
}

/* ---- monitor gc, monitor heap ---- */

static int heap_mem(void *opaque, uint32_t addr, void *buf, size_t len)
{
    return cpu_debug_mem_read(opaque, addr, buf, len);
}

static void print_bytes(FILE *f, const char *what, int64_t v)
{
    if (v == REC_UNKNOWN)
        fprintf(f, "%s ?", what);
    else
        fprintf(f, "%s %lld bytes", what, (long long)v);
}

/* The heap now, from the adapter's own reading of guest memory. */
static void print_heap(GdbStub *g, FILE *f)
{
    GcRuntime *rt = g->cfg.rt;
    if (!rt) {
        fprintf(f, "heap: no collector recognised in this image (see --gc-runtime, --gc-profile)\n");
        return;
    }
    GcHeapState st = {.used = REC_UNKNOWN, .free = REC_UNKNOWN, .largest_free = REC_UNKNOWN};
    if (!rt->heap_state || rt->heap_state(rt, heap_mem, g->cpu, false, &st) < 0) {
        fprintf(f, "heap (%s): not readable %s\n", rt->name, rt->heap_state ? "now" : "by this adapter");
        free(st.blocks);
        return;
    }
    fprintf(f, "heap (%s):", rt->name);
    print_bytes(f, " used", st.used);
    print_bytes(f, ", free", st.free);
    print_bytes(f, ", largest free block", st.largest_free);
    if (rt->heap_end > rt->heap_start)
        fprintf(f, " (heap 0x%08x..0x%08x)", rt->heap_start, rt->heap_end);
    fprintf(f, "\n");
    free(st.blocks);
}

static double us_of(GdbStub *g, uint64_t cycles) { return stats_cycles_to_us(cycles, g->sched->clock_hz); }

static void print_gc(GdbStub *g, FILE *f)
{
    const Recording *r = g->cfg.rec;
    uint64_t now = g->sched->now, total = 0, longest = 0;
    long open = rec_pause_at(r, now); /* only an open pause holds now */
    size_t done = open >= 0 ? r->npauses - 1 : r->npauses, at = 0;
    for (size_t i = 0; i < done; i++) {
        uint64_t d = r->pauses[i].end - r->pauses[i].start;
        total += d;
        if (d > longest) {
            longest = d;
            at = i;
        }
    }
    fprintf(f, "pauses: %zu so far, %.3f ms in total", done, us_of(g, total) / 1e3);
    if (done)
        fprintf(f, ", longest %.1f us (#%zu), last %.1f us (#%zu)", us_of(g, longest), at + 1,
                us_of(g, r->pauses[done - 1].end - r->pauses[done - 1].start), done);
    fprintf(f, "\n");
    if (open >= 0) {
        const RecPause *p = &r->pauses[open];
        fprintf(f, "in pause #%ld: began at %.3f ms, %.1f us so far, triggered %s\n", open + 1,
                us_of(g, p->start) / 1e3, us_of(g, now - p->start),
                p->trigger == REC_TRIGGER_ALLOC      ? "by an allocation"
                : p->trigger == REC_TRIGGER_EXPLICIT ? "explicitly"
                                                     : "by the runtime");
    } else {
        fprintf(f, "not in a pause\n");
    }
    print_heap(g, f);
    fprintf(f, "simulated time: %.3f ms (%llu cycles)\n", us_of(g, now) / 1e3, (unsigned long long)now);
}

/* qRcmd,HEX: `monitor gc`, `monitor heap`, `monitor help`; the output as the reply. */
static void monitor(GdbStub *g, const char *hex)
{
    size_t n = strlen(hex) / 2;
    char *cmd = xcalloc(1, n + 1), *text = NULL;
    size_t text_len = 0;
    FILE *f = open_memstream(&text, &text_len);
    if (!f)
        abort();
    if (gdb_hex_decode(hex, n, (uint8_t *)cmd) < 0)
        fprintf(f, "baregc: a monitor command that is not hex\n");
    else if (!strcmp(cmd, "gc"))
        print_gc(g, f);
    else if (!strcmp(cmd, "heap"))
        print_heap(g, f);
    else
        fprintf(f, "%sbaregc monitor commands:\n"
                   "  monitor gc    the collector's pauses so far, the pause now (if in one), the heap now\n"
                   "  monitor heap  the heap now: bytes used, free, largest free block\n",
                !strcmp(cmd, "help") ? "" : "unknown monitor command; ");
    fclose(f);
    reply_hex(g, text, text_len);
    free(text);
    free(cmd);
}

/* ---- stops ---- */

/* A pause ended (--gdb-break-budget): the first one over the budget stops the run at
 * the collector's return, with its caller's frames in view. */
static void on_pause_end(void *opaque, size_t i)
{
    GdbStub *g = opaque;
    const RecPause *p = &g->cfg.rec->pauses[i];
    if (g->budget_hit || p->end - p->start <= g->budget_cycles)
        return;
    g->budget_hit = true;
    snprintf(g->note, sizeof g->note,
             "baregc: pause #%zu lasted %.1f us, over the budget's max_pause_us of %.1f us: stopped where the "
             "collector returned\n", i + 1, us_of(g, p->end - p->start), g->budget_us);
    g->why |= WHY_BUDGET;
    cpu_debug_request_stop(g->cpu);
}

/* While the firmware runs: a client to accept, Ctrl-C from the client, a client gone.
 * True if the run is to stop. */
static bool look_at_socket(GdbStub *g)
{
    unsigned why = 0;
    if (g->fd < 0) {
        struct pollfd p = {.fd = g->listen_fd, .events = POLLIN};
        if (poll(&p, 1, 0) > 0 && client_accept(g))
            why = WHY_CONNECT;
    }
    for (int b; !why && g->fd >= 0 && (b = read_byte(g, false)) != RB_NONE;)
        if (b < 0)
            why = WHY_LOST;
        else if (gdb_rx_byte(&g->rx, (uint8_t)b) == GDB_RX_INTERRUPT)
            why = WHY_INTERRUPT;
    if (why) {
        g->why |= why;
        cpu_debug_request_stop(g->cpu);
    }
    return why != 0;
}

static void tick(void *opaque, uint64_t due)
{
    GdbStub *g = opaque;
    sched_at(g->sched, &g->tick, due + g->tick_cycles);
    look_at_socket(g);
}

/* Sched.on_idle, in front of the UART's: the core sleeps until live input comes, with
 * simulated time standing still (no tick runs): look at the socket between its waits. */
static bool idle(void *opaque)
{
    GdbStub *g = opaque;
    return look_at_socket(g) || g->idle(g->idle_opaque);
}

/* The stop reply of a STOP_DEBUG stop. */
static void describe_stop(GdbStub *g, const CpuStop *st, unsigned why)
{
    int n = snprintf(g->stop_reply, sizeof g->stop_reply, "T%02x", why & WHY_INTERRUPT ? SIG_INT : SIG_TRAP);
    char *p = g->stop_reply + n;
    size_t left = sizeof g->stop_reply - (size_t)n;
    if (st->debug == CPU_DEBUG_WATCH)
        snprintf(p, left, "%swatch:%08x;" THREAD, st->access == 'w' ? "" : st->access == 'r' ? "r" : "a", st->addr);
    else if (st->debug == CPU_DEBUG_BREAK && g->swbreak)
        snprintf(p, left, "swbreak:;" THREAD);
    else if (st->debug == CPU_DEBUG_HWBREAK && g->hwbreak)
        snprintf(p, left, "hwbreak:;" THREAD);
    else
        snprintf(p, left, THREAD);
}

/* The firmware stopped for the debugger: tell the client, serve it. */
static void debug_stop(GdbStub *g, const CpuStop *st)
{
    unsigned why = g->why;
    g->why = 0;
    if (why & WHY_LOST)
        detach(g, "went away: the run goes on");
    if (st->debug != CPU_DEBUG_REQUEST || (why & ~WHY_LOST))
        describe_stop(g, st, why);
    if (why & WHY_BUDGET) {
        fputs(g->note, stderr);
        if (g->fd < 0 && !wait_client(g, "stopped over the pause budget"))
            return;
        if (g->awaiting)
            send_console(g, g->note);
    }
    if (g->fd < 0) {
        cpu_debug_clear(g->cpu); /* nobody to tell: the run goes on */
        return;
    }
    if (g->awaiting) {
        send_text(g, g->stop_reply);
        g->awaiting = false;
    }
    serve(g);
}

static int stop_signal(StopReason r)
{
    switch (r) {
    case STOP_UNMAPPED:
    case STOP_SRAM_LIMIT:
    case STOP_FLASH_WRITE:
    case STOP_STACK: return SIG_SEGV;
    case STOP_HARDFAULT: return SIG_BUS;
    case STOP_BAD_INSN: return SIG_ILL;
    case STOP_TIMEOUT: return SIG_ALRM;
    case STOP_INTERRUPTED: return SIG_INT;
    default: return SIG_ABRT;
    }
}

/* The run is over: an exit is reported as such; a fault as a stop the client may look
 * at (registers, memory) until it resumes or detaches; then the connection closes. */
static void final_stop(GdbStub *g, const CpuStop *st)
{
    if (g->fd < 0)
        return;
    char text[64];
    int sig = stop_signal(st->reason);
    if (st->reason == STOP_EXIT || st->reason == STOP_RESET) {
        snprintf(text, sizeof text, "W%02x", st->reason == STOP_EXIT ? st->exit_code & 0xff : 0);
    } else if (st->reason == STOP_INTERRUPTED) {
        snprintf(text, sizeof text, "X%02x", sig);
    } else {
        /* The fault's own instruction (Unicorn leaves PC at its block's start): the
         * registers are as that instruction found them. */
        cpu_debug_reg_write(g->cpu, g->pc_reg, st->pc);
        char *msg = xasprintf("baregc: the run ended: %s: %s\n", cpu_stop_name(st->reason), st->detail);
        if (g->awaiting)
            send_console(g, msg);
        free(msg);
        snprintf(g->stop_reply, sizeof g->stop_reply, "T%02x" THREAD, sig);
        if (g->awaiting)
            send_text(g, g->stop_reply);
        g->awaiting = false;
        serve(g);
        snprintf(text, sizeof text, "X%02x", sig);
    }
    if (g->awaiting)
        send_text(g, text);
    client_close(g);
}

double gdbstub_run(GdbStub *g, CpuStop *stop)
{
    sched_event_init(&g->tick, "gdb", tick, g);
    g->tick.background = true;
    sched_in(g->sched, &g->tick, g->tick_cycles);
    g->idle = g->sched->on_idle;
    g->idle_opaque = g->sched->on_idle_opaque;
    if (g->idle) {
        g->sched->on_idle = idle;
        g->sched->on_idle_opaque = g;
    }
    snprintf(g->stop_reply, sizeof g->stop_reply, "T%02x" THREAD, SIG_TRAP);
    if (g->cfg.opt->wait && wait_client(g, "--gdb-wait"))
        serve(g);
    for (;;) {
        machine_run(g->cfg.m, stop);
        if (stop->reason != STOP_DEBUG)
            break;
        debug_stop(g, stop);
    }
    final_stop(g, stop);
    sched_cancel(g->sched, &g->tick);
    if (g->idle) {
        g->sched->on_idle = g->idle;
        g->sched->on_idle_opaque = g->idle_opaque;
    }
    return g->stopped_s;
}

/* ---- set-up ---- */

/* --gdb-break-budget FILE: 0, else the exit status with *err: EXIT_NO_INPUT for a file
 * that cannot be read or is no budget file, EXIT_USAGE for one without max_pause_us. */
static int load_budget(GdbStub *g, const char *path, char **err)
{
    Budget *b = budget_load(path, err);
    if (!b) {
        char *why = *err;
        *err = NULL;
        set_err(err, "--gdb-break-budget: %s", why);
        free(why);
        return EXIT_NO_INPUT;
    }
    bool has = b->has[BUDGET_MAX_PAUSE];
    g->budget_us = b->limit[BUDGET_MAX_PAUSE];
    budget_free(b);
    if (!has) {
        set_err(err, "--gdb-break-budget: %s sets no max_pause_us", path);
        return EXIT_USAGE;
    }
    g->budget_cycles = stats_us_to_cycles(g->budget_us, g->sched->clock_hz);
    gc_observer_on_pause_end(g->cfg.obs, on_pause_end, g);
    return 0;
}

GdbStub *gdbstub_new(const GdbStubConfig *cfg, int *rc, char **err)
{
    GdbStub *g = xcalloc(1, sizeof *g);
    g->cfg = *cfg;
    g->cpu = machine_cpu(cfg->m);
    g->sched = machine_sched(cfg->m);
    g->host = xstrdup(cfg->opt->host);
    g->port = cfg->opt->port;
    set_where(g);
    g->listen_fd = g->fd = -1;
    gdb_rx_init(&g->rx);
    uint64_t t = sched_ns_to_cycles(g->sched, POLL_NS);
    g->tick_cycles = t ? t : 1;
    if (cfg->opt->break_budget && (*rc = load_budget(g, cfg->opt->break_budget, err)) != 0) {
        gdbstub_free(g);
        return NULL;
    }
    if (listen_on(g, err) < 0) {
        *rc = EXIT_IO;
        gdbstub_free(g);
        return NULL;
    }
    build_xml(g);
    fprintf(stderr, "baregc: GDB server listening on %s\n", g->where);
    return g;
}

void gdbstub_free(GdbStub *g)
{
    if (!g)
        return;
    client_close(g);
    if (g->listen_fd >= 0)
        close(g->listen_fd);
    free(g->xml);
    free(g->host);
    free(g);
}
