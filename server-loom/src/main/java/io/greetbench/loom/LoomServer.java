package io.greetbench.loom;

import io.greetbench.protocol.AcceptBackoff;
import io.greetbench.protocol.GreetServer;
import io.greetbench.protocol.Greeting;
import io.greetbench.protocol.ServerConfig;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The greeting server written the plain blocking way: one thread per connection, which reads,
 * replies and closes with ordinary blocking calls on a {@link SocketChannel} in blocking mode.
 * With {@link LoomThreads#VIRTUAL}
 * that thread is a virtual thread, so a connection blocked on a read (or on a sleeping handler)
 * holds a little heap instead of a kernel thread; {@link LoomThreads#PLATFORM} runs the very same
 * code on platform threads, the classic baseline.
 *
 * <p>Threading model: {@link ServerConfig#ioThreads()} acceptor threads, of the same kind as the
 * connection threads, take turns in {@code accept} on one shared listener; each accepted connection
 * then lives on its own new thread from the first read to the close. With virtual threads, an
 * acceptor that finds a connection queued starts its thread on the same carrier, with no kernel
 * wake-up in between (a platform acceptor had to wake a carrier for every connection). One
 * {@link TimeoutReaper} platform thread enforces the idle and linger deadlines. Connections share
 * nothing but the connection-cap {@link Semaphore} and the registry of open connections that the
 * reaper and {@link #close()} walk.
 *
 * <p>One listener, not one {@code SO_REUSEPORT} listener per acceptor: the kernel assigns each
 * connection to a listener by a hash of its addresses, so an acceptor holding the last permit of
 * the cap could wait on its own, empty listener while the queued clients sit in another one.
 * The cap is enforced by acquiring a permit <em>before</em> calling {@code accept}: once
 * {@link ServerConfig#maxConnections()} connections are open, the acceptors stop accepting and
 * further clients wait, complete but unaccepted, in the kernel's backlog.
 */
public final class LoomServer implements GreetServer {

    private static final Logger LOG = System.getLogger(LoomServer.class.getName());

    /** Large requests are discarded in chunks of this size; small ones reuse the request buffer. */
    private static final int DRAIN_BUFFER_BYTES = 16 * 1024;

    private final ServerConfig config;
    private final LoomThreads threads;
    private final Semaphore permits;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final List<Thread> acceptors = new ArrayList<>();
    private final TimeoutReaper reaper;
    private volatile ServerSocketChannel listener;
    private volatile boolean closing;
    private volatile InetSocketAddress bound;
    /** An IPv6 listener sees IPv4 clients as IPv4-mapped addresses, and greets them as such. */
    private volatile boolean ipv6Listener;
    private boolean started;
    private boolean closed;

    public LoomServer(ServerConfig config, LoomThreads threads) {
        this.config = Objects.requireNonNull(config, "config");
        this.threads = Objects.requireNonNull(threads, "threads");
        this.permits = new Semaphore(config.maxConnections());
        this.reaper = new TimeoutReaper(connections, config);
    }

    @Override
    public synchronized void start() throws IOException {
        if (started || closed) {
            throw new IllegalStateException(closed ? "closed" : "already started");
        }
        started = true;
        InetAddress host = InetAddress.getByName(config.host());
        loadWhatLoggingNeedsFromFiles();
        // An IPv4 address gets an IPv4 socket, as asyncio opens it, rather than Java's default
        // IPv6 socket bound to ::ffff:a.b.c.d.
        ServerSocketChannel socket = ServerSocketChannel.open(
                host instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        try {
            // Like asyncio: a restart must not fail on the previous run's TIME_WAIT connections,
            // which the lingering close leaves on the server's side.
            socket.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            socket.bind(new InetSocketAddress(host, config.port()), config.backlog());
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            closing = true;
            throw e;
        }
        listener = socket;
        bound = (InetSocketAddress) socket.getLocalAddress();
        ipv6Listener = bound.getAddress() instanceof Inet6Address;
        boolean running = false;
        try {
            reaper.start();
            for (int i = 0; i < config.ioThreads(); i++) {
                // A builder per acceptor, since builders are not thread-safe.
                Thread acceptor = newThreadBuilder("loom-acceptor-" + i)
                        .unstarted(() -> acceptLoop(socket, newThreadBuilder("loom-connection")));
                acceptor.start();
                acceptors.add(acceptor);
            }
            running = true;
        } finally {
            if (!running) {
                close(); // what did start must not outlive the failure
            }
        }
    }

    /**
     * The first warning is typically logged when no descriptor is left (accept failing with
     * {@code EMFILE}), and the logging backend reads its configuration file, and the record's
     * timestamp the time-zone database ({@code lib/tzdb.dat}), on first use; failing to open the
     * latter throws an {@link Error} that would end the acceptor. Load both while descriptors are
     * still free.
     */
    private static void loadWhatLoggingNeedsFromFiles() {
        LOG.isLoggable(Level.WARNING);
        ZoneId.systemDefault().getRules();
    }

    private Thread.Builder newThreadBuilder(String name) {
        return threads == LoomThreads.VIRTUAL
                ? Thread.ofVirtual().name(name)
                : Thread.ofPlatform().daemon(true).name(name);
    }

    @Override
    public InetSocketAddress boundAddress() {
        InetSocketAddress address = bound;
        if (address == null) {
            throw new IllegalStateException("not started");
        }
        return address;
    }

    /** Connections accepted and not yet closed; for tests. */
    int openConnections() {
        return connections.size();
    }

    @Override
    public String describe() {
        int n = config.ioThreads();
        return "loom: " + threads.cliName() + " threads, " + n + (n == 1 ? " acceptor" : " acceptors");
    }

    /**
     * Runs on one acceptor thread: take a permit, accept, hand the socket to a new connection
     * thread, which gives the permit back when it closes.
     */
    private void acceptLoop(ServerSocketChannel socket, Thread.Builder threadBuilder) {
        AcceptBackoff backoff = new AcceptBackoff(LOG);
        while (!closing) {
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                return; // close() interrupts acceptors waiting for a permit
            }
            boolean handedOver = false;
            try {
                SocketChannel accepted = accept(socket, backoff);
                if (accepted == null) {
                    return;
                }
                Connection connection = new Connection(accepted);
                connections.add(connection);
                try {
                    handedOver = startThread(connection, threadBuilder, backoff);
                } finally {
                    if (!handedOver) {
                        connections.remove(connection);
                        closeQuietly(accepted);
                    }
                }
            } finally {
                if (!handedOver) {
                    permits.release();
                }
            }
        }
    }

    /**
     * Starts the connection's thread; false if the server began closing first. Platform threads
     * run out long before descriptors do ({@code kernel.pid_max} is 32768 here), and the JVM
     * reports that as an {@link OutOfMemoryError}: only that one is handled, as a resource
     * shortage like {@code EMFILE}. The client stays connected and waits, as if still in the
     * backlog, while the acceptor backs off and retries; any other error propagates.
     */
    private boolean startThread(Connection connection, Thread.Builder threadBuilder, AcceptBackoff backoff) {
        while (true) {
            Thread thread = threadBuilder.unstarted(() -> serve(connection));
            connection.thread = thread;
            try {
                thread.start();
                backoff.onSuccess();
                return true;
            } catch (OutOfMemoryError e) {
                if (e.getMessage() == null || !e.getMessage().startsWith("unable to create native thread")) {
                    throw e;
                }
                if (closing) {
                    return false;
                }
                long delayNanos = backoff.onFailure(new IOException("cannot start a connection thread: " + e.getMessage()));
                try {
                    Thread.sleep(Duration.ofNanos(delayNanos));
                } catch (InterruptedException interrupted) {
                    return false;
                }
            }
        }
    }

    /** Accepts one connection, backing off while accepting fails; null once the server is closing. */
    private SocketChannel accept(ServerSocketChannel socket, AcceptBackoff backoff) {
        while (true) {
            try {
                SocketChannel accepted = socket.accept();
                backoff.onSuccess();
                return accepted;
            } catch (IOException e) {
                if (closing || !socket.isOpen()) {
                    return null;
                }
                // Typically EMFILE: the connection stays queued, so an immediate retry would fail
                // again at once. Wait; descriptors free up as open connections close.
                long delayNanos = backoff.onFailure(e);
                try {
                    Thread.sleep(Duration.ofNanos(delayNanos));
                } catch (InterruptedException interrupted) {
                    return null;
                }
            }
        }
    }

    /** Runs on the connection's own thread, from the first read to the close. */
    private void serve(Connection connection) {
        try {
            exchange(connection);
        } catch (IOException e) {
            // Resets, early closes, a write after a cut-off: the client's business.
            LOG.log(Level.DEBUG, () -> "connection ended early: " + e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "connection failed, closing it", e);
        } finally {
            closeQuietly(connection.channel);
            connections.remove(connection);
            permits.release();
        }
    }

    /**
     * The exchange. The reads block with no timeout: a timed park of a virtual thread goes through
     * the scheduler's delay queue, which costs two wake-ups of its timer thread per read that has
     * to wait (measured: about 2.4 extra context switches per exchange), so the deadlines are
     * published in the connection and enforced by the {@link TimeoutReaper}, which cuts the
     * connection off and so ends the blocked read.
     */
    private void exchange(Connection connection) throws IOException {
        SocketChannel channel = connection.channel;
        ByteBuffer request = ByteBuffer.allocate(Greeting.MAX_REQUEST_BYTES);
        if (config.hasIdleTimeout()) {
            connection.deadlineNanos = System.nanoTime() + config.idleTimeout().toNanos();
        }
        int read = channel.read(request);
        connection.deadlineNanos = Connection.NO_DEADLINE;
        if (connection.cutOff) {
            LOG.log(Level.DEBUG, "closing a connection cut off before its request");
            return;
        }
        config.handler().perform();
        ByteBuffer reply = ByteBuffer.wrap(Greeting.replyTo(peer(channel)));
        while (reply.hasRemaining()) {
            channel.write(reply);
        }
        // The FIN leaves now, right behind the greeting, not at the final close.
        channel.shutdownOutput();
        if (read >= 0) {
            discardUntilEndOfStream(connection, request);
        }
    }

    /**
     * Lingering close: closing with unread input makes the kernel send RST, which can destroy the
     * greeting before the client has read it; so read and drop whatever the client still sends,
     * until its end of stream or the linger deadline.
     */
    private void discardUntilEndOfStream(Connection connection, ByteBuffer buffer) throws IOException {
        connection.deadlineNanos = System.nanoTime() + config.lingerTimeout().toNanos();
        if (Thread.currentThread().isVirtual()) {
            // Right after the reply the client has not read it yet, so the read below would find
            // nothing and park: a registration with the JDK's poller (epoll_ctl), its wake-up,
            // and a second read. Letting the carrier run the other connections first gives the
            // client time to close, at the price of one trip through the scheduler's queue (no
            // system call). A platform thread's yield would be a sched_yield call: not for it.
            Thread.yield();
        }
        ByteBuffer sink = buffer.clear();
        int n;
        while ((n = connection.channel.read(sink)) >= 0) {
            if (n == sink.capacity() && sink.capacity() < DRAIN_BUFFER_BYTES) {
                sink = ByteBuffer.allocate(DRAIN_BUFFER_BYTES); // a big request: fewer, larger reads
            }
            sink.clear();
        }
        connection.deadlineNanos = Connection.NO_DEADLINE;
    }

    private InetSocketAddress peer(SocketChannel channel) throws IOException {
        InetSocketAddress peer = (InetSocketAddress) channel.getRemoteAddress();
        if (ipv6Listener && peer.getAddress() instanceof Inet4Address v4) {
            // Java reports an IPv4 client of a dual-stack socket as IPv4; Python (and the kernel)
            // see ::ffff:a.b.c.d. Inet6Address.getByAddress keeps the mapped form.
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(v4.getAddress(), 0, mapped, 12, 4);
            return new InetSocketAddress(Inet6Address.getByAddress(null, mapped, -1), peer.getPort());
        }
        return peer;
    }

    /**
     * Stops accepting at once, waits up to {@link ServerConfig#shutdownGrace()} for open
     * connections to finish, then cuts off the rest; their threads, blocked in reads, wake
     * with an exception and end. Returns when every thread of this server has ended.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closing = true;
        ServerSocketChannel socket = listener;
        if (socket != null) {
            closeQuietly(socket);
        }
        acceptors.forEach(Thread::interrupt);
        boolean interrupted = false;
        for (Thread acceptor : acceptors) {
            interrupted |= joinUninterruptibly(acceptor, null);
        }
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        for (Connection connection : connections) {
            long leftNanos = deadline - System.nanoTime();
            if (leftNanos <= 0 || interrupted) {
                break;
            }
            interrupted |= joinUninterruptibly(connection.thread, Duration.ofNanos(leftNanos));
        }
        // Not interrupting: cutting off ends a blocked read, and a thread in the handler's work
        // finishes it, greets (its client was in flight) and then finds the input at its end.
        for (Connection connection : connections) {
            connection.cutOff();
        }
        for (Connection connection : connections) {
            interrupted |= joinUninterruptibly(connection.thread, null);
        }
        reaper.stop();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Joins {@code thread} (forever when {@code timeout} is null); true if we were interrupted. */
    static boolean joinUninterruptibly(Thread thread, Duration timeout) {
        boolean interrupted = false;
        while (true) {
            try {
                if (timeout == null) {
                    thread.join();
                } else {
                    thread.join(timeout);
                }
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
                if (timeout != null) {
                    return true;
                }
            }
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.log(Level.DEBUG, () -> "close failed: " + e);
        }
    }
}
