/* The greeting's reply for the C floors (greet-floor.c, greet-floor-uring.c), byte-exact with the
 * Python reference: "Hello, ('127.0.0.1', 54321)!\n" (IPv4 only). */
#ifndef GREET_REPLY_H
#define GREET_REPLY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline char *greet_put_uint(char *p, unsigned v)
{
    char t[10];
    int n = 0;
    do t[n++] = (char)('0' + v % 10); while (v /= 10);
    while (n) *p++ = t[--n];
    return p;
}

/* Writes the reply to buf (64 bytes are enough) and returns its length; ip and port in host byte order. */
static inline size_t greet_format_reply(char *buf, uint32_t ip, unsigned port)
{
    char *p = buf;
    memcpy(p, "Hello, ('", 9), p += 9;
    for (int i = 3; i >= 0; i--) {
        p = greet_put_uint(p, ip >> (8 * i) & 255);
        if (i) *p++ = '.';
    }
    memcpy(p, "', ", 3), p += 3;
    p = greet_put_uint(p, port);
    memcpy(p, ")!\n", 3), p += 3;
    return (size_t)(p - buf);
}

#endif
