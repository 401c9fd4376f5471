/* What the C floors (greet-floor.c, greet-floor-uring.c) share: the reply, byte-exact with the
 * Python reference ("Hello, ('127.0.0.1', 54321)!\n", IPv4 only), the descriptor limit and the
 * listener on 127.0.0.1. */
#ifndef GREET_FLOOR_H
#define GREET_FLOOR_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>

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

/* Raises the soft descriptor limit to the hard one; returns the new soft limit. */
static inline rlim_t greet_raise_nofile(void)
{
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    return rl.rlim_cur;
}

/* A listener on 127.0.0.1:port with SO_REUSEADDR and the largest backlog (somaxconn caps it);
 * type_flags adds to SOCK_STREAM | SOCK_CLOEXEC. Exits with 1 and a message naming `who` if it fails. */
static inline int greet_listen(int port, int type_flags, const char *who)
{
    int one = 1;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | type_flags, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 65535) < 0) {
        fprintf(stderr, "%s: listen on 127.0.0.1:%d: ", who, port);
        perror(NULL);
        exit(1);
    }
    return fd;
}

#endif
