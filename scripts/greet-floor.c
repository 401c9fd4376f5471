/* greet-floor: the system-call floor of greetbench's Java servers, measured in C.
 *
 * A measurement aid for scripts/bench-servers.sh --floor, not a server to compare models with.
 * It is the C yardstick's loop (one thread, one epoll instance; per connection accept4 -> read ->
 * write -> close, the read tried at once and epoll only when the request is not there yet) with
 * the system calls that the Java servers cannot avoid switched on in groups, so that what those
 * calls cost is measured without any JVM in the way:
 *
 *   -J  the JDK channel's calls per accepted socket, as ServerSocketChannelImpl.accept and
 *       SocketChannel.configureBlocking(false) make them on JDK 21-25: accept without
 *       SOCK_NONBLOCK, fcntl(F_GETFL) (finishAccept's configureBlocking(true)), two getsockname
 *       (the accepted channel's Net.localAddress: address, then port), then fcntl(F_GETFL) and
 *       fcntl(F_SETFL, O_NONBLOCK).
 *   -L  the protocol's lingering close (PROTOCOL.md) the way the nio server does it: after the
 *       reply, shutdown(SHUT_WR), then the client's end of stream read 2 ms later; when it is not
 *       there yet, an epoll registration and a read when it is ready; then close.
 *
 * With both, a connection costs the calls of the nio server (and, but for the JDK poller's way of
 * parking, of the loom server); the difference between its CPU per exchange and the Java servers'
 * is what the JVM, the JDK's Java code and the server's own code add on top.
 *
 * usage: greet-floor [-p PORT] [-J] [-L]     listens on 127.0.0.1:PORT (default 8888)
 *
 * Single-threaded: run it pinned to one CPU (bench-servers.sh pins every server to CPU 0). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "greet-floor.h"

#define END_OF_STREAM_WAIT_NS 2000000ull /* the nio server's END_OF_STREAM_WAIT_NANOS */
#define LINGERING (1ull << 63)           /* in peer[fd]: output shut down, waiting for the end of stream */

static int jdk_calls, linger_close, ep, lfd;
static uint64_t *peer; /* fd -> ip << 16 | port while waiting for the request; LINGERING after the reply */
static size_t max_fds;
static char rbuf[64 * 1024];

/* Connections waiting out END_OF_STREAM_WAIT_NS after their reply, in reply order (so in deadline order). */
static int *due_fd;
static uint64_t *due_ns;
static size_t due_head, due_tail;

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* Lingering: discard input until the end of stream (close) or until nothing is there (wait in epoll). */
static void discard(int fd)
{
    for (;;) {
        ssize_t n = read(fd, rbuf, sizeof rbuf);
        if (n > 0)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (!(peer[fd] & LINGERING)) {
                peer[fd] = LINGERING;
                struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
                if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0)
                    return;
            } else {
                return; /* level-triggered: the rest comes with the next event */
            }
        }
        close(fd); /* end of stream, an error, or no registration possible */
        return;
    }
}

/* The first read: 0 while nothing has arrived (keep waiting), 1 once the exchange moved on. */
static int serve(int fd, uint64_t pa)
{
    ssize_t n = read(fd, rbuf, sizeof rbuf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    if (n >= 0) {
        char out[64];
        (void)!write(fd, out, greet_format_reply(out, (uint32_t)(pa >> 16), (unsigned)(pa & 0xffff)));
        if (linger_close && n > 0) {
            shutdown(fd, SHUT_WR);
            if (peer[fd] != 0) { /* already in epoll for the request: it stays there */
                peer[fd] = LINGERING;
            } else if (due_tail - due_head < max_fds) {
                due_fd[due_tail % max_fds] = fd;
                due_ns[due_tail % max_fds] = now_ns() + END_OF_STREAM_WAIT_NS;
                due_tail++;
            } else {
                close(fd);
            }
            return 1;
        }
    }
    close(fd);
    return 1;
}

static void accept_all(void)
{
    for (;;) {
        struct sockaddr_in sa;
        socklen_t sl = sizeof sa;
        int fd = accept4(lfd, (struct sockaddr *)&sa, &sl, jdk_calls ? SOCK_CLOEXEC : SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            return; /* EAGAIN, or out of descriptors: the connection waits in the backlog */
        }
        if (jdk_calls) {
            struct sockaddr_storage local;
            socklen_t ll = sizeof local;
            (void)fcntl(fd, F_GETFL);
            (void)getsockname(fd, (struct sockaddr *)&local, &ll);
            ll = sizeof local;
            (void)getsockname(fd, (struct sockaddr *)&local, &ll);
            int flags = fcntl(fd, F_GETFL);
            (void)fcntl(fd, F_SETFL, flags | O_NONBLOCK);
        }
        uint64_t pa = (uint64_t)ntohl(sa.sin_addr.s_addr) << 16 | ntohs(sa.sin_port);
        peer[fd] = 0;
        if (serve(fd, pa))
            continue;
        peer[fd] = pa;
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
            close(fd);
    }
}

int main(int argc, char **argv)
{
    int port = 8888, opt;
    while ((opt = getopt(argc, argv, "p:JL")) != -1) {
        switch (opt) {
        case 'p': port = atoi(optarg); break;
        case 'J': jdk_calls = 1; break;
        case 'L': linger_close = 1; break;
        default:
            fprintf(stderr, "usage: greet-floor [-p PORT] [-J] [-L]\n");
            return 2;
        }
    }
    if (port <= 0 || port > 65535) {
        fprintf(stderr, "greet-floor: -p takes a port from 1 to 65535\n");
        return 2;
    }
    rlim_t limit = greet_raise_nofile();
    max_fds = limit < (1 << 20) ? limit : (1 << 20);
    peer = calloc(max_fds, sizeof *peer);
    due_fd = calloc(max_fds, sizeof *due_fd);
    due_ns = calloc(max_fds, sizeof *due_ns);
    if (!peer || !due_fd || !due_ns) {
        perror("greet-floor: calloc");
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);

    lfd = greet_listen(port, SOCK_NONBLOCK, "greet-floor");
    ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd}, evs[256];
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) < 0) {
        perror("greet-floor: epoll");
        return 1;
    }
    printf("greet-floor: serving on 127.0.0.1:%d%s%s\n", port, jdk_calls ? ", the JDK's calls" : "",
           linger_close ? ", lingering close" : "");
    fflush(stdout);
    for (;;) {
        int timeout = -1;
        if (due_head != due_tail) {
            int64_t left = (int64_t)(due_ns[due_head % max_fds] - now_ns());
            timeout = left <= 0 ? 0 : (int)((left + 999999) / 1000000);
        }
        int n = epoll_wait(ep, evs, 256, timeout);
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd == lfd)
                accept_all();
            else if (peer[fd] & LINGERING)
                discard(fd);
            else
                serve(fd, peer[fd]);
        }
        uint64_t t = now_ns();
        while (due_head != due_tail && due_ns[due_head % max_fds] <= t) {
            discard(due_fd[due_head % max_fds]);
            due_head++;
        }
    }
}
