package io.greetbench.netty;

import io.greetbench.protocol.ConfigException;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.util.Locale;

/**
 * The Netty transports greetbench can run on, as typed after {@code --transport}.
 *
 * <p>{@link #AUTO} is not a transport but a request for the best one available, which
 * {@link #resolve()} turns into a concrete one. The order it tries is measured, not assumed: see
 * {@link #resolve()}.
 */
public enum NettyTransport {
    AUTO,
    EPOLL,
    IO_URING,
    NIO;

    /**
     * Netty's io_uring listener accepts with a multishot {@code IORING_OP_ACCEPT} when the kernel
     * has it, and a multishot accept keeps accepting inside the kernel after {@code autoRead} is
     * turned off: the connection cap would not hold (a test showed 12 connections accepted under a
     * cap of 3). One accept request per connection lets the cap stop accepting, at the cost of one
     * more submission queue entry per connection, which rides on the same {@code io_uring_enter}.
     * Netty reads the property once, when {@code IoUring} initialises, so it is set here, before
     * this class touches {@code IoUring}; an explicit setting by the user wins.
     */
    static final String ACCEPT_MULTISHOT_PROPERTY = "io.netty.iouring.acceptMultiShotEnabled";

    static {
        if (System.getProperty(ACCEPT_MULTISHOT_PROPERTY) == null) {
            System.setProperty(ACCEPT_MULTISHOT_PROPERTY, "false");
        }
    }

    /** The spelling users type, the constant's name in lower case, such as {@code io_uring}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The name users type, so picocli's help lists the choices as they are typed. */
    @Override
    public String toString() {
        return cliName();
    }

    /** Parses {@code auto}, {@code epoll}, {@code io_uring} (or {@code io-uring}) or {@code nio}. */
    public static NettyTransport parse(String text) {
        String name = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (NettyTransport transport : values()) {
            if (transport.cliName().equals(name)) {
                return transport;
            }
        }
        throw new ConfigException("--transport", "must be auto, epoll, io_uring or nio, got '" + text + "'");
    }

    /**
     * The concrete transport to run on. For {@link #AUTO}: io_uring when it is available, then
     * epoll, then NIO.
     *
     * <p>io_uring comes first because it measured cheaper for this workload, where every exchange
     * is a new connection: on the 2-core VM greetbench was built on, system calls are expensive
     * (the kernel samples sit in the paravirtualised interrupt enable of every syscall entry), and
     * Netty's epoll path makes about 15 of them per exchange (accept4, two getsockname, setsockopt,
     * getsockopt, three epoll_ctl, epoll_wait, two recvfrom, sendto, shutdown, getsockopt, close)
     * where io_uring submits accept, recv, send and close as ring operations and makes about 6
     * (the socket queries and the shutdown) plus a shared {@code io_uring_enter} per loop turn.
     * Server CPU per exchange (utime + stime from {@code /proc}), server pinned to one core,
     * {@code load-c -c 64} on the other, the servers measured in turn in 5 s windows, medians, on
     * a machine shared with other builds: io_uring 71 µs, epoll 98 µs, NIO 98 µs, the C reference
     * server 31 µs (9 windows each); in a second, busier run 122, 147, 154 and 34 µs (7 windows).
     * io_uring was the cheapest Netty transport in 13 of those 16 windows. Where io_uring is not
     * allowed (older kernels, seccomp in containers), epoll takes over.
     *
     * @throws ConfigException when an explicitly requested transport cannot load here, naming
     *                         the cause Netty reports
     */
    public NettyTransport resolve() {
        return switch (this) {
            case AUTO -> IoUring.isAvailable() ? IO_URING : Epoll.isAvailable() ? EPOLL : NIO;
            case EPOLL -> requireAvailable(Epoll.isAvailable(), Epoll.unavailabilityCause());
            case IO_URING -> requireAvailable(IoUring.isAvailable(), IoUring.unavailabilityCause());
            case NIO -> NIO;
        };
    }

    /** Whether this transport can run here; always true for {@link #AUTO} and {@link #NIO}. */
    public boolean isAvailable() {
        return switch (this) {
            case AUTO, NIO -> true;
            case EPOLL -> Epoll.isAvailable();
            case IO_URING -> IoUring.isAvailable();
        };
    }

    private NettyTransport requireAvailable(boolean available, Throwable cause) {
        if (!available) {
            throw new ConfigException("--transport", cliName() + " is not available on this machine: " + describeCause(cause));
        }
        return this;
    }

    private static String describeCause(Throwable cause) {
        if (cause == null) {
            return "unknown cause";
        }
        // The root cause is usually the informative part (UnsatisfiedLinkError naming the
        // library, or "io_uring_setup failed: Operation not permitted").
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        return message.replace('\n', ' ');
    }

    IoHandlerFactory ioHandlerFactory() {
        return switch (concrete()) {
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            default -> NioIoHandler.newFactory();
        };
    }

    Class<? extends ServerChannel> serverChannelClass() {
        return switch (concrete()) {
            case EPOLL -> EpollServerSocketChannel.class;
            case IO_URING -> IoUringServerSocketChannel.class;
            default -> NioServerSocketChannel.class;
        };
    }

    private NettyTransport concrete() {
        if (this == AUTO) {
            throw new IllegalStateException("resolve() AUTO first");
        }
        return this;
    }
}
