/* The floor's side of the OpenD protocol, shared by floor.c,
 * interleaved.c and two_floors.c: request frames built once (protobuf by hand, SHA-1 from
 * libcrypto, per /work/shared/spec/opend-protocol.md), sent whole, and each
 * reply read whole (44-byte header, then the body length it announces)
 * without decoding it. No library here. */
#ifndef FLOOR_WIRE_H
#define FLOOR_WIRE_H

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/sha.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench_clock.h"

enum { HEADER_LENGTH = 44, INIT_CONNECT = 1001, SHORT_INTEREST = 3249, MAX_MESSAGE = 512, MAX_REPLY = 1 << 20 };

/* A protobuf message being written: bytes and their count. */
typedef struct {
    uint8_t bytes[MAX_MESSAGE];
    size_t length;
} message;

static void put_varint(message *m, uint64_t value) {
    do {
        uint8_t byte = value & 0x7f;
        value >>= 7;
        m->bytes[m->length++] = byte | (value ? 0x80 : 0);
    } while (value);
}

static void put_varint_field(message *m, unsigned field, uint64_t value) {
    put_varint(m, field << 3 | 0);
    put_varint(m, value);
}

static void put_bytes_field(message *m, unsigned field, const void *bytes, size_t length) {
    put_varint(m, field << 3 | 2);
    put_varint(m, length);
    memcpy(m->bytes + m->length, bytes, length);
    m->length += length;
}

/* Every OpenD request is `Request { required C2S c2s = 1; }`. */
static message request_wrapping(const message *c2s) {
    message request = {.length = 0};
    put_bytes_field(&request, 1, c2s->bytes, c2s->length);
    return request;
}

static void put_u32_le(uint8_t *at, uint32_t value) {
    for (int i = 0; i < 4; i++) at[i] = (uint8_t)(value >> (8 * i));
}

static uint32_t get_u32_le(const uint8_t *at) {
    return (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16 | (uint32_t)at[3] << 24;
}

/* A whole frame: the 44-byte header (with the body's SHA-1), then the body. */
typedef struct {
    uint8_t bytes[HEADER_LENGTH + MAX_MESSAGE];
    size_t length;
} frame;

static frame make_frame(uint32_t proto_id, uint32_t serial, const message *body) {
    frame f = {.length = HEADER_LENGTH + body->length};
    memset(f.bytes, 0, HEADER_LENGTH);
    f.bytes[0] = 'F';
    f.bytes[1] = 'T';
    put_u32_le(f.bytes + 2, proto_id);
    put_u32_le(f.bytes + 8, serial);
    put_u32_le(f.bytes + 12, (uint32_t)body->length);
    SHA1(body->bytes, body->length, f.bytes + 16);
    memcpy(f.bytes + HEADER_LENGTH, body->bytes, body->length);
    return f;
}

static frame init_connect_frame(void) {
    message c2s = {.length = 0};
    put_varint_field(&c2s, 1, 300);                  /* clientVer */
    put_bytes_field(&c2s, 2, "floor", 5);            /* clientID */
    message request = request_wrapping(&c2s);
    return make_frame(INIT_CONNECT, 1, &request);
}

/* CODE is "MARKET.SYMBOL", split at the first dot. */
static frame short_interest_frame(const char *code, int num) {
    const char *dot = strchr(code, '.');
    if (dot == NULL || (strncmp(code, "HK", 2) != 0 && strncmp(code, "US", 2) != 0) || dot != code + 2) {
        fprintf(stderr, "error: code %s is not HK.SYMBOL or US.SYMBOL\n", code);
        exit(2);
    }
    message security = {.length = 0};
    put_varint_field(&security, 1, code[0] == 'H' ? 1 : 11);
    put_bytes_field(&security, 2, dot + 1, strlen(dot + 1));
    message c2s = {.length = 0};
    put_bytes_field(&c2s, 1, security.bytes, security.length);
    put_varint_field(&c2s, 3, (uint64_t)num);
    message request = request_wrapping(&c2s);
    return make_frame(SHORT_INTEREST, 2, &request);
}

static void fail(const char *what) {
    perror(what);
    exit(1);
}

static void send_all(int fd, const uint8_t *bytes, size_t length) {
    while (length > 0) {
        ssize_t sent = send(fd, bytes, length, 0);
        if (sent <= 0) fail("send");
        bytes += sent;
        length -= (size_t)sent;
    }
}

static double busy_poll_seconds;

/* Receives length bytes, polling without blocking until wall time poll_until. */
static void receive_all(int fd, uint8_t *bytes, size_t length, double poll_until) {
    while (length > 0) {
        int polling = poll_until > 0 && wall_seconds() < poll_until;
        ssize_t received = recv(fd, bytes, length, polling ? MSG_DONTWAIT : 0);
        if (received < 0 && polling && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            sched_yield(); /* as the library: give way to a server sharing this CPU */
            continue;
        }
        if (received <= 0) fail("recv");
        bytes += received;
        length -= (size_t)received;
    }
}

/* Reads frames until the reply to proto_id (skipping pushes); returns its body length. */
static size_t receive_reply(int fd, uint32_t proto_id, uint8_t *body) {
    double poll_until = busy_poll_seconds > 0 ? wall_seconds() + busy_poll_seconds : 0;
    for (;;) {
        uint8_t header[HEADER_LENGTH];
        receive_all(fd, header, HEADER_LENGTH, poll_until);
        if (header[0] != 'F' || header[1] != 'T') {
            fprintf(stderr, "error: bad frame header\n");
            exit(1);
        }
        uint32_t length = get_u32_le(header + 12);
        if (length > MAX_REPLY) {
            fprintf(stderr, "error: reply body of %u bytes\n", length);
            exit(1);
        }
        receive_all(fd, body, length, poll_until);
        if (get_u32_le(header + 2) == proto_id) return length;
    }
}

static int connect_to_gateway(const char *host, const char *port) {
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *found;
    if (getaddrinfo(host, port, &hints, &found) != 0) fail("getaddrinfo");
    int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    if (fd < 0 || connect(fd, found->ai_addr, found->ai_addrlen) != 0) fail("connect");
    freeaddrinfo(found);
    int on = 1;  /* as the library does: a request must not wait for Nagle */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    return fd;
}

/* A connection that has made its InitConnect and one checked 3249 call
 * (the reply's retType, field 1, must be 0), so that the next call is a
 * steady-state one. body: MAX_REPLY bytes for the replies. */
static int open_floor_connection(const char *host, const char *port, const frame *init, const frame *request,
                                 uint8_t *body) {
    int fd = connect_to_gateway(host, port);
    send_all(fd, init->bytes, init->length);
    receive_reply(fd, INIT_CONNECT, body);
    send_all(fd, request->bytes, request->length);
    size_t length = receive_reply(fd, SHORT_INTEREST, body);
    if (length < 2 || body[0] != 0x08 || body[1] != 0x00) {
        fprintf(stderr, "error: the gateway refused the request (retType is not 0)\n");
        exit(1);
    }
    return fd;
}

/* One call of the floor: the pre-encoded request out, the whole reply in. */
static inline void floor_call(int fd, const frame *request, uint8_t *body) {
    send_all(fd, request->bytes, request->length);
    receive_reply(fd, SHORT_INTEREST, body);
}

#endif
