/* gdbpacket.h: the framing of GDB's remote serial protocol, without I/O: packets
 * "$payload#cc" (cc: the payload's byte sum modulo 256, two hex digits), the '+' / '-'
 * acknowledgements, the 0x03 byte that interrupts a running target, binary data
 * escaped with '}' (the byte XOR 0x20), and hex. Run-length encoding is neither sent
 * nor expected (GDB never sends it). */
#ifndef BAREGC_GDBPACKET_H
#define BAREGC_GDBPACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GDB_PACKET_MAX 0x4000 /* bytes of payload we accept (qSupported's PacketSize) */

/* What a received byte completed. */
typedef enum GdbRxEvent {
    GDB_RX_NONE,      /* nothing yet */
    GDB_RX_PACKET,    /* a packet with a good checksum: GdbRx.buf, .len (NUL-terminated) */
    GDB_RX_BAD,       /* a packet with a bad checksum, or too long: answer '-' */
    GDB_RX_INTERRUPT, /* 0x03 outside a packet */
    GDB_RX_ACK,       /* '+' */
    GDB_RX_NAK,       /* '-': send the last packet again */
} GdbRxEvent;

/* The receiver: feed it the bytes as they come, in any pieces. */
typedef struct GdbRx {
    enum { RX_IDLE, RX_DATA, RX_SUM1, RX_SUM2 } state;
    char buf[GDB_PACKET_MAX + 1];
    size_t len;
    uint8_t sum;       /* of the payload so far */
    uint8_t given;     /* the checksum's first hex digit */
    bool overflow;
} GdbRx;

void gdb_rx_init(GdbRx *rx);
GdbRxEvent gdb_rx_byte(GdbRx *rx, uint8_t byte);

/* The checksum of a payload. */
uint8_t gdb_checksum(const void *data, size_t len);
/* "$payload#cc" into out (len + 4 bytes). The payload must need no escaping (text, hex,
 * or data gdb_escape made). Returns the bytes written. */
size_t gdb_frame(const void *payload, size_t len, char *out);

/* Binary data as a packet carries it: '$', '#', '}' and '*' escaped. Writes at most
 * cap bytes, taking as many input bytes as fit whole; returns the bytes written and
 * sets *used to the input bytes taken. */
size_t gdb_escape(const uint8_t *in, size_t len, char *out, size_t cap, size_t *used);
/* Undo gdb_escape in place; returns the length, or -1 for an escape at the end. */
long gdb_unescape(char *data, size_t len);

/* Hex (two lower-case digits a byte) of len bytes into out (2 * len bytes, no NUL). */
void gdb_hex_encode(const uint8_t *in, size_t len, char *out);
/* len bytes from 2 * len hex digits; -1 on a non-hex digit. */
int gdb_hex_decode(const char *hex, size_t len, uint8_t *out);
/* A hex number at *s (up to the first non-hex character, which *s is left at); -1
 * when there is no digit or it does not fit 32 bits. */
int gdb_hex_u32(const char **s, uint32_t *v);

#endif
