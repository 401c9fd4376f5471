package io.greetbench.netty;

import io.greetbench.protocol.ConfigException;
import io.greetbench.protocol.GreetServer;
import io.greetbench.protocol.HandlerWork;
import io.greetbench.protocol.ServerConfig;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The greeting server on Netty 4.2, on the epoll, io_uring or NIO transport.
 *
 * <p>Threads: {@link ServerConfig#ioThreads()} event loops, each serving its connections from
 * accept to close (see {@link ListenerLayout} for who accepts), plus virtual threads for blocking
 * {@link HandlerWork}. {@link #start()} and {@link #close()} are called by
 * the owner's thread and are not meant to race each other.
 */
public final class NettyServer implements GreetServer {

    private static final Logger LOG = System.getLogger(NettyServer.class.getName());

    /**
     * Who accepts connections.
     */
    enum ListenerLayout {
        /**
         * One listening socket per event loop, all bound to the same port with
         * {@code SO_REUSEPORT}; the kernel spreads incoming connections over them and every
         * connection stays on the loop that accepted it, so no connection is handed to another
         * thread (a cross-CPU wake-up costs ~20 µs on the 2-core VMs this was measured on).
         */
        REUSEPORT_PER_LOOP,
        /**
         * Netty's classic layout: one listening socket on a dedicated acceptor loop, which hands
         * every accepted connection to one of the event loops, round robin.
         */
        ACCEPTOR_LOOP
    }

    /**
     * Measured, server CPU per exchange against {@code load-c -c 64}, medians of 5 s windows on a
     * 2-core VM shared with other work: with one loop pinned to one core (6 windows, on an earlier
     * revision of this server), 74 µs per-loop listener against 80 µs acceptor loop on io_uring,
     * 77 against 87 on epoll; with two loops on both cores
     * (client on the same cores), 51 against 56 and 67 against 74 in one run, but 80 against 61
     * and 71 against 69 in a noisier one, where the acceptor layout also reached a higher rate.
     * The per-loop listener is cheaper more often than not, and never hands a connection across
     * threads, so it is the default.
     */
    static final ListenerLayout DEFAULT_LAYOUT = ListenerLayout.REUSEPORT_PER_LOOP;

    private final ServerConfig config;
    private final NettyTransport requested;
    private final NettyTransport transport;
    private final ListenerLayout layout;
    private final ConnectionGate gate;
    private final List<Channel> listeners = new ArrayList<>();
    private MultiThreadIoEventLoopGroup loops;
    private MultiThreadIoEventLoopGroup acceptor;
    private ExecutorService blockingWork;
    private InetSocketAddress boundAddress;
    private boolean closed;

    /**
     * @throws ConfigException when {@code transport} was requested
     *         explicitly and cannot run here
     */
    public NettyServer(ServerConfig config, NettyTransport transport) {
        this(config, transport, DEFAULT_LAYOUT);
    }

    NettyServer(ServerConfig config, NettyTransport transport, ListenerLayout layout) {
        this.config = Objects.requireNonNull(config, "config");
        this.requested = Objects.requireNonNull(transport, "transport");
        this.transport = transport.resolve();
        this.layout = Objects.requireNonNull(layout, "layout");
        this.gate = new ConnectionGate(config.maxConnections());
        if (this.transport == NettyTransport.IO_URING && IoUring.isAcceptMultishotEnabled()) {
            LOG.log(Level.WARNING, "io_uring multishot accept is enabled (-D" + NettyTransport.ACCEPT_MULTISHOT_PROPERTY
                    + "), so --max-connections may be exceeded: the kernel keeps accepting while the server is paused");
        }
    }

    /** The transport actually used, never {@link NettyTransport#AUTO}. */
    public NettyTransport transport() {
        return transport;
    }

    @Override
    public synchronized void start() throws IOException {
        if (loops != null) {
            throw new IllegalStateException("already started");
        }
        if (closed) {
            throw new IllegalStateException("closed");
        }
        InetAddress host = InetAddress.getByName(config.host());
        prepareLoggingForDescriptorExhaustion();
        String prefix = "greetbench-netty-" + transport.cliName().replace('_', '-');
        loops = new MultiThreadIoEventLoopGroup(config.ioThreads(), new DefaultThreadFactory(prefix),
                transport.ioHandlerFactory());
        blockingWork = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(prefix + "-work-", 0).factory());
        try {
            boolean ipv6Listener = host instanceof Inet6Address;
            switch (layout) {
                case REUSEPORT_PER_LOOP -> {
                    int port = config.port();
                    if (port != 0) {
                        refuseIfPortTaken(host, port);
                    }
                    for (EventExecutor executor : loops) {
                        EventLoop loop = (EventLoop) executor;
                        // The first bind may pick an ephemeral port; the others join it.
                        Channel listener = bind(bootstrap(loop, loop, true, ipv6Listener), host, port);
                        port = ((InetSocketAddress) listener.localAddress()).getPort();
                    }
                }
                case ACCEPTOR_LOOP -> {
                    acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(prefix + "-accept"),
                            transport.ioHandlerFactory());
                    bind(bootstrap(acceptor, loops, false, ipv6Listener), host, config.port());
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            // Whatever failed, the loops started above must not outlive this call.
            shutDownThreads();
            throw e;
        }
        boundAddress = (InetSocketAddress) listeners.get(0).localAddress();
        LOG.log(Level.DEBUG, () -> describe() + ", bound to " + boundAddress);
    }

    /**
     * The accept back-off logs while the process is out of file descriptors, and the first record
     * java.util.logging formats needs two files: {@code logging.properties}, read when the log
     * manager starts, and the time-zone database, loaded for the record's timestamp. Opening either
     * under EMFILE fails with a {@link NoClassDefFoundError} on the event loop, which kills the
     * loop, and the server with it (seen on all three transports). Both are loaded here instead,
     * while descriptors are still available.
     */
    private static void prepareLoggingForDescriptorExhaustion() {
        LOG.isLoggable(Level.WARNING);
        ZoneId.systemDefault();
    }

    /**
     * With {@code SO_REUSEPORT} a second server on the same port would not fail: the kernel would
     * quietly split the connections between the two (when both run as the same user). A plain
     * bind first restores the usual "address already in use"; {@code SO_REUSEADDR} keeps sockets
     * of earlier runs in TIME_WAIT from failing it.
     */
    private static void refuseIfPortTaken(InetAddress host, int port) throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port), 1);
        }
    }

    private ServerBootstrap bootstrap(EventLoopGroup parent, EventLoopGroup children, boolean reusePort, boolean ipv6Listener) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(parent, children)
                .channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, config.backlog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new ListenerHandler(gate))
                // Without it Netty closes the channel on the client's FIN before the handler can
                // greet an empty, half-closed request.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new GreetingHandler(config, ipv6Listener, blockingWork));
                    }
                });
        if (reusePort) {
            if (transport == NettyTransport.NIO) {
                bootstrap.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
            } else {
                bootstrap.option(UnixChannelOption.SO_REUSEPORT, true);
            }
        }
        return bootstrap;
    }

    private Channel bind(ServerBootstrap bootstrap, InetAddress host, int port) throws IOException {
        ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            if (cause instanceof BindException bindFailure) {
                throw bindFailure;
            }
            if (cause instanceof IOException io) {
                // The native transports report bind(2) errors as NativeIoException; the JDK, and so
                // the other servers, as BindException. Callers see one type either way.
                BindException bindFailure = new BindException(io.getMessage());
                bindFailure.initCause(io);
                throw bindFailure;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException("cannot listen on " + host.getHostAddress() + " port " + port + ": " + cause, cause);
        }
        listeners.add(bound.channel());
        return bound.channel();
    }

    /** Connections accepted and not yet closed. */
    int openConnections() {
        return gate.open();
    }

    /**
     * Listeners accepting now. At the cap the listener that accepted stops at once and the others
     * when their loops run the recheck, so this reaches 0 a moment after the count reaches the cap.
     */
    int acceptingListeners() {
        return gate.accepting();
    }

    @Override
    public synchronized InetSocketAddress boundAddress() {
        if (boundAddress == null) {
            throw new IllegalStateException("not started");
        }
        return boundAddress;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (loops == null) {
            return;
        }
        // Closing the listeners first makes new connects fail at once (ECONNREFUSED) instead of
        // waiting in a backlog nobody drains.
        for (Channel listener : listeners) {
            listener.close().awaitUninterruptibly();
        }
        awaitInFlight(config.shutdownGrace());
        gate.closeAll();
        shutDownThreads();
    }

    private void awaitInFlight(Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        boolean interrupted = false;
        while (gate.open() > 0 && System.nanoTime() - deadline < 0) {
            try {
                // Polling is good enough for a once-per-life shutdown and keeps the per-connection
                // close path free of any shutdown bookkeeping.
                Thread.sleep(5);
            } catch (InterruptedException e) {
                interrupted = true;
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void shutDownThreads() {
        for (Channel listener : listeners) {
            listener.close();
        }
        if (blockingWork != null) {
            blockingWork.shutdownNow();
        }
        List<MultiThreadIoEventLoopGroup> groups = new ArrayList<>();
        if (acceptor != null) {
            groups.add(acceptor);
        }
        groups.add(loops);
        for (MultiThreadIoEventLoopGroup group : groups) {
            // No quiet period: every channel is closed by now, nothing will submit more tasks.
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        for (MultiThreadIoEventLoopGroup group : groups) {
            group.terminationFuture().awaitUninterruptibly();
        }
        if (blockingWork != null) {
            try {
                blockingWork.awaitTermination(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String describe() {
        String transportPart = transport.cliName() + " transport" + (requested == NettyTransport.AUTO ? " (auto)" : "");
        String loopsPart = config.ioThreads() + " event loop" + (config.ioThreads() == 1 ? "" : "s");
        String layoutPart = switch (layout) {
            case REUSEPORT_PER_LOOP -> "SO_REUSEPORT listener per loop";
            case ACCEPTOR_LOOP -> "1 acceptor loop";
        };
        return "netty: " + transportPart + ", " + loopsPart + ", " + layoutPart;
    }
}
