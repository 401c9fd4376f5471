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
    AUTO("auto"),
    EPOLL("epoll"),
    IO_URING("io_uring"),
    NIO("nio");

    private final String cliName;

    NettyTransport(String cliName) {
        this.cliName = cliName;
    }

    /** The spelling users type, such as {@code io_uring}. */
    public String cliName() {
        return cliName;
    }

    /** Parses {@code auto}, {@code epoll}, {@code io_uring} (or {@code io-uring}) or {@code nio}. */
    public static NettyTransport parse(String text) {
        String name = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (NettyTransport transport : values()) {
            if (transport.cliName.equals(name)) {
                return transport;
            }
        }
        throw new ConfigException("--transport", "must be auto, epoll, io_uring or nio, got '" + text + "'");
    }

    /**
     * The concrete transport to run on. For {@link #AUTO}: epoll when it is available, then
     * io_uring, then NIO.
     *
     * @throws ConfigException when an explicitly requested transport cannot load here, naming
     *                         the cause Netty reports
     */
    public NettyTransport resolve() {
        return switch (this) {
            case AUTO -> Epoll.isAvailable() ? EPOLL : IoUring.isAvailable() ? IO_URING : NIO;
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
            throw new ConfigException("--transport", cliName + " is not available on this machine: " + describeCause(cause));
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
