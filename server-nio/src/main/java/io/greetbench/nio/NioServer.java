package io.greetbench.nio;

import io.greetbench.protocol.GreetServer;
import io.greetbench.protocol.Greeting;
import io.greetbench.protocol.ServerConfig;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.ZoneId;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A hand-written NIO reactor server: {@link ServerConfig#ioThreads()} selector threads, each
 * serving its connections from accept to close, non-blocking, no thread per connection.
 *
 * <p>By default every reactor owns an {@code SO_REUSEPORT} listener on the same address, so the
 * kernel spreads connections over the reactors and no connection is handed from one thread to
 * another: on this kind of VM waking a thread on another CPU costs ~20 µs, close to what the C
 * yardstick spends on a whole exchange. {@link AcceptMode#HANDOFF}, one acceptor dealing
 * connections round-robin to the reactors through their inboxes, is the same code with a
 * different dispatch, so it stays as the comparison point and as the fallback for one reactor or
 * where {@code SO_REUSEPORT} is missing. Measured (2-core VM shared with other load, server on
 * both CPUs with 2 reactors, {@code load-c -c 4} on CPU 1, medians of 3 interleaved 8 s runs):
 * 71 µs of server CPU per exchange with SO_REUSEPORT, 81 µs with hand-off, the difference being
 * the wake-ups on the acceptor's side; at {@code -c 64} the target reactor is rarely asleep, the
 * wake-ups coalesce and the two were within noise.
 *
 * <p>Threading: {@link #start()}, {@link #close()} and {@link #describe()} may be called from any
 * thread (they are synchronized); each {@link Reactor} runs on its own platform thread; blocking
 * handler work ({@code sleep:}) runs on virtual threads and returns the exchange to its reactor.
 */
public final class NioServer implements GreetServer {

    private static final Logger LOG = System.getLogger(NioServer.class.getName());

    /** How connections reach the reactors. */
    enum AcceptMode {
        /** One {@code SO_REUSEPORT} listener per reactor; the kernel balances, nothing is handed off. */
        REUSEPORT,
        /** One listener on the first reactor, which hands each connection to the next reactor in turn. */
        HANDOFF
    }

    private final ServerConfig config;
    private final AcceptMode requestedMode;

    private AcceptMode mode;
    private InetSocketAddress boundAddress;
    private Reactor[] reactors;
    private ConnectionGate gate;
    private Thread[] threads;
    private ExecutorService blockingExecutor;
    private CountDownLatch listenersOpen;
    private boolean started;
    private boolean closed;

    public NioServer(ServerConfig config) {
        this(config, AcceptMode.REUSEPORT);
    }

    NioServer(ServerConfig config, AcceptMode mode) {
        this.config = Objects.requireNonNull(config, "config");
        this.requestedMode = Objects.requireNonNull(mode, "mode");
    }

    @Override
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        // Out of descriptors, nothing can be read from a file, and the accept back-off exists for
        // exactly that moment: its first log line formats a date, which loads the time-zone
        // database from a file, and a class loaded from a directory class path needs a descriptor
        // too. Either failure is an Error that would end the reactor, so load both now.
        ZoneId.systemDefault();
        Greeting.replyTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        InetAddress host = InetAddress.getByName(config.host());
        boolean ipv6 = host instanceof Inet6Address;
        ProtocolFamily family = ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        int count = config.ioThreads();
        mode = requestedMode;
        if (mode == AcceptMode.REUSEPORT && (count == 1 || !supportsReusePort(family))) {
            mode = AcceptMode.HANDOFF;
        }
        ServerSocketChannel[] listeners = new ServerSocketChannel[mode == AcceptMode.REUSEPORT ? count : 1];
        try {
            InetSocketAddress requested = new InetSocketAddress(host, config.port());
            if (mode == AcceptMode.REUSEPORT && config.port() != 0) {
                ensurePortIsFree(family, requested);
            }
            listeners[0] = listen(family, requested);
            boundAddress = (InetSocketAddress) listeners[0].getLocalAddress();
            for (int i = 1; i < listeners.length; i++) {
                // Port 0 picked a port for the first listener; the others join it there.
                listeners[i] = listen(family, boundAddress);
            }
            blockingExecutor = config.handler().blocks()
                    ? Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("nio-handler-", 0).factory())
                    : null;
            gate = new ConnectionGate(config.maxConnections());
            reactors = new Reactor[count];
            for (int i = 0; i < count; i++) {
                reactors[i] = new Reactor(i, this, config, gate, blockingExecutor,
                        i < listeners.length ? listeners[i] : null, ipv6);
            }
            if (mode == AcceptMode.HANDOFF) {
                reactors[0].handOffTo(reactors);
            }
            gate.reactors(reactors);
        } catch (IOException | RuntimeException e) {
            for (ServerSocketChannel listener : listeners) {
                closeQuietly(listener);
            }
            if (reactors != null) {
                for (Reactor reactor : reactors) {
                    if (reactor != null) {
                        reactor.closeSelector();
                    }
                }
            }
            if (blockingExecutor != null) {
                blockingExecutor.close();
            }
            closed = true;
            throw e;
        }
        listenersOpen = new CountDownLatch(listeners.length);
        threads = new Thread[count];
        for (int i = 0; i < count; i++) {
            threads[i] = Thread.ofPlatform().name("nio-reactor-" + i).unstarted(reactors[i]);
            threads[i].start();
        }
    }

    private boolean supportsReusePort(ProtocolFamily family) throws IOException {
        try (ServerSocketChannel probe = ServerSocketChannel.open(family)) {
            return probe.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        }
    }

    /**
     * With {@code SO_REUSEPORT}, binding to a port that another process of the same user already
     * listens on with the option would silently share its connections instead of failing. A plain
     * bind fails with "Address already in use" in that case, as any server's would.
     */
    private static void ensurePortIsFree(ProtocolFamily family, InetSocketAddress address) throws IOException {
        try (ServerSocketChannel probe = ServerSocketChannel.open(family)) {
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            probe.bind(address, 1);
        } catch (BindException e) {
            BindException failure = new BindException("cannot listen on " + address + ": " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
    }

    private ServerSocketChannel listen(ProtocolFamily family, InetSocketAddress address) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open(family);
        try {
            // A restarted server must not wait for the previous one's TIME_WAIT connections.
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (mode == AcceptMode.REUSEPORT) {
                listener.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            listener.bind(address, config.backlog());
            return listener;
        } catch (IOException | RuntimeException e) {
            closeQuietly(listener);
            throw e;
        }
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
        if (!started || threads == null) {
            return;
        }
        for (Reactor reactor : reactors) {
            reactor.post(Reactor.STOP);
        }
        boolean interrupted = false;
        for (Thread thread : threads) {
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    // Joining is part of the contract: no thread outlives close(). Keep the flag.
                    interrupted = true;
                }
            }
        }
        if (blockingExecutor != null) {
            // Returning handlers post to their reactors, whose selectors must still be open.
            blockingExecutor.close();
        }
        for (Reactor reactor : reactors) {
            reactor.closeSelector();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized String describe() {
        int count = config.ioThreads();
        AcceptMode shown = mode != null ? mode : requestedMode;
        String accept = count == 1 ? "1 reactor, one listener"
                : count + " reactors, " + (shown == AcceptMode.REUSEPORT ? "SO_REUSEPORT listeners" : "one acceptor handing off");
        String work = config.handler().isNone() ? ""
                : ", handler " + config.handler() + (config.handler().blocks() ? " on virtual threads" : " on the reactors");
        return "nio: " + accept + work;
    }

    /** Called by each reactor once its listener is closed (its descriptor released). */
    void listenerClosed() {
        listenersOpen.countDown();
    }

    boolean allListenersClosed() {
        return listenersOpen.getCount() == 0;
    }

    /** Connections accepted and not yet closed; for tests. */
    synchronized int openConnections() {
        return gate == null ? 0 : gate.open();
    }

    /** Listening sockets still open: one per reactor with SO_REUSEPORT, else one. */
    synchronized int openListeners() {
        return listenersOpen == null ? 0 : (int) listenersOpen.getCount();
    }

    private static void closeQuietly(ServerSocketChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing a listener failed", e);
        }
    }
}
