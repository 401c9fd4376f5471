/* greet-floor-uring: the floor of the netty server's system calls, measured in C on io_uring.
 *
 * A measurement aid for scripts/bench-servers.sh --floor (built only where liburing is installed),
 * like greet-floor.c for the JDK's channels. One thread, one ring; per connection, as the netty
 * server does it on Netty's io_uring transport: accept, recv and send through the ring; after the
 * reply, shutdown(SHUT_WR) as a direct system call (the greeting handler's); then a recv through
 * the ring until the client's end of stream (the protocol's lingering close); then close through
 * the ring.
 *
 *   -N  also Netty's own direct calls per accepted socket: three getsockname (the socket's family
 *       and local address, as Netty's io_uring channel asks for them) and setsockopt(TCP_NODELAY),
 *       which Netty's channel config sets unconditionally.
 *
 * usage: greet-floor-uring [-p PORT] [-N]     listens on 127.0.0.1:PORT (default 8888)
 *
 * Single-threaded: run it pinned to one CPU (bench-servers.sh pins every server to CPU 0). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "greet-floor.h"

enum op { ACCEPT, FIRST_RECV, SEND, DRAIN_RECV, CLOSE };

struct conn {
    int fd;
    enum op op;
    uint32_t ip;
    unsigned port;
    char out[64];
    size_t out_len;
    char in[64 * 1024];
};

static struct io_uring ring;
static int lfd, netty_calls;
static struct sockaddr_in accept_addr;
static socklen_t accept_len;
static struct conn accept_token = {.fd = -1, .op = ACCEPT};

static struct io_uring_sqe *sqe(void)
{
    struct io_uring_sqe *s = io_uring_get_sqe(&ring);
    if (!s) { /* the submission queue is full: hand it to the kernel and take a fresh one */
        io_uring_submit(&ring);
        s = io_uring_get_sqe(&ring);
    }
    return s;
}

static void arm_accept(void)
{
    accept_len = sizeof accept_addr;
    struct io_uring_sqe *s = sqe();
    io_uring_prep_accept(s, lfd, (struct sockaddr *)&accept_addr, &accept_len, SOCK_CLOEXEC);
    io_uring_sqe_set_data(s, &accept_token);
}

static void submit(struct conn *c, enum op op)
{
    struct io_uring_sqe *s = sqe();
    c->op = op;
    switch (op) {
    case FIRST_RECV:
    case DRAIN_RECV: io_uring_prep_recv(s, c->fd, c->in, sizeof c->in, 0); break;
    case SEND: io_uring_prep_send(s, c->fd, c->out, c->out_len, MSG_NOSIGNAL); break;
    case CLOSE: io_uring_prep_close(s, c->fd); break;
    case ACCEPT: break;
    }
    io_uring_sqe_set_data(s, c);
}

static void accepted(int fd)
{
    if (netty_calls) {
        struct sockaddr_storage local;
        socklen_t ll;
        int one = 1;
        for (int i = 0; i < 3; i++) {
            ll = sizeof local;
            (void)getsockname(fd, (struct sockaddr *)&local, &ll);
        }
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    struct conn *c = malloc(sizeof *c);
    if (!c) {
        close(fd);
        return;
    }
    c->fd = fd;
    c->ip = ntohl(accept_addr.sin_addr.s_addr);
    c->port = ntohs(accept_addr.sin_port);
    submit(c, FIRST_RECV);
}

static void completed(struct conn *c, int res)
{
    switch (c->op) {
    case FIRST_RECV:
        if (res < 0) {
            submit(c, CLOSE);
            return;
        }
        c->out_len = greet_format_reply(c->out, c->ip, c->port);
        c->in[0] = res == 0; /* end of stream before any byte: no lingering needed after the reply */
        submit(c, SEND);
        return;
    case SEND:
        if (res < 0 || c->in[0]) {
            submit(c, CLOSE);
            return;
        }
        shutdown(c->fd, SHUT_WR); /* the FIN leaves now, right behind the reply */
        submit(c, DRAIN_RECV);
        return;
    case DRAIN_RECV:
        submit(c, res > 0 ? DRAIN_RECV : CLOSE);
        return;
    case CLOSE:
        free(c);
        return;
    case ACCEPT:
        return;
    }
}

int main(int argc, char **argv)
{
    int port = 8888, opt;
    while ((opt = getopt(argc, argv, "p:N")) != -1) {
        switch (opt) {
        case 'p': port = atoi(optarg); break;
        case 'N': netty_calls = 1; break;
        default:
            fprintf(stderr, "usage: greet-floor-uring [-p PORT] [-N]\n");
            return 2;
        }
    }
    if (port <= 0 || port > 65535) {
        fprintf(stderr, "greet-floor-uring: -p takes a port from 1 to 65535\n");
        return 2;
    }
    greet_raise_nofile();
    signal(SIGPIPE, SIG_IGN);

    lfd = greet_listen(port, 0, "greet-floor-uring");
    /* As Netty sets its ring up: one thread submits, and completion work runs only when that
     * thread enters the kernel to reap, not as an interrupt of whatever it is doing. */
    struct io_uring_params params = {.flags = IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN};
    int err = io_uring_queue_init_params(4096, &ring, &params);
    if (err < 0) {
        fprintf(stderr, "greet-floor-uring: io_uring_queue_init: %s\n", strerror(-err));
        return 1;
    }
    printf("greet-floor-uring: serving on 127.0.0.1:%d%s\n", port, netty_calls ? ", Netty's calls" : "");
    fflush(stdout);
    arm_accept();
    for (;;) {
        err = io_uring_submit_and_wait(&ring, 1);
        if (err < 0 && err != -EINTR) {
            fprintf(stderr, "greet-floor-uring: io_uring_submit_and_wait: %s\n", strerror(-err));
            return 1;
        }
        struct io_uring_cqe *cqe;
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&ring, head, cqe) {
            struct conn *c = io_uring_cqe_get_data(cqe);
            int res = cqe->res;
            seen++;
            if (c == &accept_token) {
                if (res >= 0)
                    accepted(res);
                arm_accept(); /* out of descriptors (EMFILE) retries at once: fine for a yardstick */
            } else {
                completed(c, res);
            }
        }
        io_uring_cq_advance(&ring, seen);
    }
}
