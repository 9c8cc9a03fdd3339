/* gdbpacket.c: GDB remote serial protocol framing (see gdbpacket.h): the receiver's
 * state machine, checksums, binary escapes and hex. */
#include "config.h"

#include <string.h>

#include "sim/gdbpacket.h"

static int hex_digit(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static const char hex_chars[] = "0123456789abcdef";

void gdb_rx_init(GdbRx *rx) { memset(rx, 0, sizeof *rx); }

GdbRxEvent gdb_rx_byte(GdbRx *rx, uint8_t byte)
{
    switch (rx->state) {
    case RX_IDLE:
        if (byte == '$') {
            rx->state = RX_DATA;
            rx->len = 0;
            rx->sum = 0;
            rx->overflow = false;
        }
        return byte == 0x03 ? GDB_RX_INTERRUPT : byte == '+' ? GDB_RX_ACK : byte == '-' ? GDB_RX_NAK : GDB_RX_NONE;
    case RX_DATA:
        if (byte == '#') {
            rx->state = RX_SUM1;
        } else if (byte == '$') { /* a new packet: the sender gave up on the last */
            rx->len = 0;
            rx->sum = 0;
            rx->overflow = false;
        } else {
            rx->sum = (uint8_t)(rx->sum + byte);
            if (rx->len < GDB_PACKET_MAX)
                rx->buf[rx->len++] = (char)byte;
            else
                rx->overflow = true;
        }
        return GDB_RX_NONE;
    case RX_SUM1:
        rx->given = (uint8_t)byte;
        rx->state = RX_SUM2;
        return GDB_RX_NONE;
    case RX_SUM2: {
        rx->state = RX_IDLE;
        int hi = hex_digit(rx->given), lo = hex_digit(byte);
        rx->buf[rx->len] = 0;
        if (hi < 0 || lo < 0 || (uint8_t)(hi << 4 | lo) != rx->sum || rx->overflow)
            return GDB_RX_BAD;
        return GDB_RX_PACKET;
    }
    }
    return GDB_RX_NONE;
}

uint8_t gdb_checksum(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum;
}

size_t gdb_frame(const void *payload, size_t len, char *out)
{
    uint8_t sum = gdb_checksum(payload, len);
    out[0] = '$';
    memcpy(out + 1, payload, len);
    out[len + 1] = '#';
    out[len + 2] = hex_chars[sum >> 4];
    out[len + 3] = hex_chars[sum & 15];
    return len + 4;
}

static bool needs_escape(uint8_t b) { return b == '$' || b == '#' || b == '}' || b == '*'; }

size_t gdb_escape(const uint8_t *in, size_t len, char *out, size_t cap, size_t *used)
{
    size_t n = 0, i = 0;
    for (; i < len; i++) {
        bool esc = needs_escape(in[i]);
        if (n + (esc ? 2 : 1) > cap)
            break;
        if (esc) {
            out[n++] = '}';
            out[n++] = (char)(in[i] ^ 0x20);
        } else {
            out[n++] = (char)in[i];
        }
    }
    *used = i;
    return n;
}

long gdb_unescape(char *data, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '}') {
            if (++i == len)
                return -1;
            data[n++] = (char)(data[i] ^ 0x20);
        } else {
            data[n++] = data[i];
        }
    }
    return (long)n;
}

void gdb_hex_encode(const uint8_t *in, size_t len, char *out)
{
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hex_chars[in[i] >> 4];
        out[2 * i + 1] = hex_chars[in[i] & 15];
    }
}

int gdb_hex_decode(const char *hex, size_t len, uint8_t *out)
{
    for (size_t i = 0; i < len; i++) {
        int hi = hex_digit((unsigned char)hex[2 * i]), lo = hi < 0 ? -1 : hex_digit((unsigned char)hex[2 * i + 1]);
        if (lo < 0)
            return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

int gdb_hex_u32(const char **s, uint32_t *v)
{
    const char *p = *s;
    uint64_t x = 0;
    int d;
    while ((d = hex_digit((unsigned char)*p)) >= 0) {
        x = x << 4 | (uint64_t)d;
        if (x > UINT32_MAX)
            return -1;
        p++;
    }
    if (p == *s)
        return -1;
    *s = p;
    *v = (uint32_t)x;
    return 0;
}
