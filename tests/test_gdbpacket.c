/* test_gdbpacket.c: the GDB remote protocol's framing (sim/gdbpacket.h): checksums,
 * packets received in pieces, bad checksums, acknowledgements and the interrupt byte,
 * binary escapes both ways, hex. */
#include "config.h"

#include <string.h>

#include "sim/gdbpacket.h"
#include "tests/cunit_main.h"

/* Feed a string; returns the last event that was not GDB_RX_NONE. */
static GdbRxEvent feed(GdbRx *rx, const char *s, size_t n)
{
    GdbRxEvent last = GDB_RX_NONE;
    for (size_t i = 0; i < n; i++) {
        GdbRxEvent e = gdb_rx_byte(rx, (uint8_t)s[i]);
        if (e != GDB_RX_NONE)
            last = e;
    }
    return last;
}

static void test_checksum(void)
{
    /* Known packets as GDB sends them. */
    CU_ASSERT_EQUAL(gdb_checksum("g", 1), 0x67);
    CU_ASSERT_EQUAL(gdb_checksum("qC", 2), 0xb4);
    CU_ASSERT_EQUAL(gdb_checksum("", 0), 0);
    CU_ASSERT_EQUAL(gdb_checksum("vMustReplyEmpty", 15), 0x3a);
    char out[32];
    size_t n = gdb_frame("OK", 2, out);
    CU_ASSERT_EQUAL(n, 6);
    CU_ASSERT_NSTRING_EQUAL(out, "$OK#9a", 6);
    n = gdb_frame("", 0, out);
    CU_ASSERT_NSTRING_EQUAL(out, "$#00", 4);
}

static void test_receive(void)
{
    GdbRx rx;
    gdb_rx_init(&rx);
    /* a whole packet */
    CU_ASSERT_EQUAL(feed(&rx, "$qC#b4", 6), GDB_RX_PACKET);
    CU_ASSERT_STRING_EQUAL(rx.buf, "qC");
    CU_ASSERT_EQUAL(rx.len, 2);
    /* in pieces, after an ack; checksum digits in upper case too */
    CU_ASSERT_EQUAL(feed(&rx, "+$m200", 6), GDB_RX_ACK);
    CU_ASSERT_EQUAL(feed(&rx, "001dc,4#", 8), GDB_RX_NONE);
    char pkt[32];
    size_t n = gdb_frame("m200001dc,4", 11, pkt);
    CU_ASSERT_EQUAL(gdb_rx_byte(&rx, (uint8_t)pkt[n - 2]), GDB_RX_NONE);
    CU_ASSERT_EQUAL(gdb_rx_byte(&rx, (uint8_t)pkt[n - 1]), GDB_RX_PACKET);
    CU_ASSERT_STRING_EQUAL(rx.buf, "m200001dc,4");
    CU_ASSERT_EQUAL(feed(&rx, "$qC#B4", 6), GDB_RX_PACKET);
    /* a bad checksum, a checksum that is not hex */
    CU_ASSERT_EQUAL(feed(&rx, "$qC#b5", 6), GDB_RX_BAD);
    CU_ASSERT_EQUAL(feed(&rx, "$qC#zz", 6), GDB_RX_BAD);
    /* interrupt, nak, and noise between packets */
    CU_ASSERT_EQUAL(gdb_rx_byte(&rx, 0x03), GDB_RX_INTERRUPT);
    CU_ASSERT_EQUAL(gdb_rx_byte(&rx, '-'), GDB_RX_NAK);
    CU_ASSERT_EQUAL(gdb_rx_byte(&rx, 'x'), GDB_RX_NONE);
    /* 0x03 inside a packet is data (binary X packets may carry it) */
    char bin[] = "$X0,1:\x03#00";
    bin[sizeof bin - 3] = "0123456789abcdef"[gdb_checksum(bin + 1, 6) >> 4];
    bin[sizeof bin - 2] = "0123456789abcdef"[gdb_checksum(bin + 1, 6) & 15];
    CU_ASSERT_EQUAL(feed(&rx, bin, sizeof bin - 1), GDB_RX_PACKET);
    CU_ASSERT_EQUAL(rx.len, 6);
    CU_ASSERT_EQUAL(rx.buf[5], 0x03);
    /* a new '$' restarts a packet */
    CU_ASSERT_EQUAL(feed(&rx, "$garbage$qC#b4", 14), GDB_RX_PACKET);
    CU_ASSERT_STRING_EQUAL(rx.buf, "qC");
}

static void test_too_long(void)
{
    static char big[GDB_PACKET_MAX + 16];
    GdbRx rx;
    gdb_rx_init(&rx);
    memset(big, 'a', sizeof big);
    CU_ASSERT_EQUAL(gdb_rx_byte(&rx, '$'), GDB_RX_NONE);
    feed(&rx, big, sizeof big);
    uint8_t sum = gdb_checksum(big, sizeof big);
    char tail[4] = {'#', "0123456789abcdef"[sum >> 4], "0123456789abcdef"[sum & 15], 0};
    CU_ASSERT_EQUAL(feed(&rx, tail, 3), GDB_RX_BAD); /* the sum is right, the length is not */
    CU_ASSERT_EQUAL(feed(&rx, "$g#67", 5), GDB_RX_PACKET); /* and the next one is fine */
}

static void test_escape(void)
{
    const uint8_t data[] = {'a', '$', '#', '}', '*', 0x00, 0x03, 0xff};
    char out[32];
    size_t used;
    size_t n = gdb_escape(data, sizeof data, out, sizeof out, &used);
    CU_ASSERT_EQUAL(used, sizeof data);
    CU_ASSERT_EQUAL(n, sizeof data + 4);
    CU_ASSERT_EQUAL(memcmp(out, "a}\x04}\x03}]}\x0a\x00\x03\xff", n), 0);
    /* no '$' or '#' left in the escaped form: it frames */
    CU_ASSERT_PTR_NULL(memchr(out, '$', n));
    CU_ASSERT_PTR_NULL(memchr(out, '#', n));
    CU_ASSERT_EQUAL(gdb_unescape(out, n), (long)sizeof data);
    CU_ASSERT_EQUAL(memcmp(out, data, sizeof data), 0);
    /* only whole escapes fit: 3 bytes of room take "a" and not half of "}\x04" */
    n = gdb_escape(data, sizeof data, out, 2, &used);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_EQUAL(used, 1);
    /* an escape with nothing after it */
    char bad[] = {'x', '}'};
    CU_ASSERT_EQUAL(gdb_unescape(bad, 2), -1);
}

static void test_hex(void)
{
    const uint8_t b[] = {0x00, 0x1f, 0xa0, 0xff};
    char h[9] = {0};
    gdb_hex_encode(b, 4, h);
    CU_ASSERT_STRING_EQUAL(h, "001fa0ff");
    uint8_t back[4];
    CU_ASSERT_EQUAL(gdb_hex_decode("001FA0ff", 4, back), 0);
    CU_ASSERT_EQUAL(memcmp(back, b, 4), 0);
    CU_ASSERT_EQUAL(gdb_hex_decode("0g", 1, back), -1);
    const char *s = "20000104,4:";
    uint32_t v;
    CU_ASSERT_EQUAL(gdb_hex_u32(&s, &v), 0);
    CU_ASSERT_EQUAL(v, 0x20000104u);
    CU_ASSERT_EQUAL(*s, ',');
    s = ",4";
    CU_ASSERT_EQUAL(gdb_hex_u32(&s, &v), -1); /* no digit */
    s = "100000000";
    CU_ASSERT_EQUAL(gdb_hex_u32(&s, &v), -1); /* beyond 32 bits */
    s = "ffffffff";
    CU_ASSERT_EQUAL(gdb_hex_u32(&s, &v), 0);
    CU_ASSERT_EQUAL(v, 0xffffffffu);
}

static const TestCase gdbpacket_tests[] = {
    {"checksums and framing", test_checksum},
    {"receiving: pieces, acks, bad checksums, interrupt", test_receive},
    {"receiving: a packet too long is refused", test_too_long},
    {"binary escapes", test_escape},
    {"hex", test_hex},
    {NULL, NULL},
};

int main(void)
{
    static const TestSuite suites[] = {{"gdbpacket", gdbpacket_tests}, {NULL, NULL}};
    return cunit_run(suites);
}
