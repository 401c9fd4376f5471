package io.greetbench.loom;

import io.greetbench.protocol.AcceptBackoff;
import io.greetbench.protocol.GreetServer;
import io.greetbench.protocol.Greeting;
import io.greetbench.protocol.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The greeting server written the plain blocking way: one thread per connection, which reads,
 * replies and closes with ordinary blocking {@link Socket} calls. With {@link LoomThreads#VIRTUAL}
 * that thread is a virtual thread, so a connection blocked on a read (or on a sleeping handler)
 * holds a few hundred bytes of heap instead of a kernel thread; {@link LoomThreads#PLATFORM} runs
 * the very same code on platform threads, the classic baseline.
 *
 * <p>Threading model: {@link ServerConfig#ioThreads()} acceptor threads, platform threads blocked
 * in {@code accept(2)} on one shared listener. Platform, not virtual, because a virtual thread
 * blocked in {@code accept} is woken through the JDK's poller thread, one more cross-thread hop per
 * connection, and because the poller cannot park two virtual threads on the same descriptor. One
 * listener, not one {@code SO_REUSEPORT} listener per acceptor, because the kernel assigns each
 * connection to a listener by a hash of its addresses: an acceptor holding the last permit of the
 * cap would wait on its own, empty listener while the queued clients sit in another one. Each
 * accepted connection then lives on its own new thread from the first read to the close; it
 * shares nothing with other connections but the connection-cap {@link Semaphore} and the registry
 * {@link #close()} uses to find the connections still open.
 *
 * <p>The cap is enforced by acquiring a permit <em>before</em> calling {@code accept}: once
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
    private volatile ServerSocket listener;
    private final List<Thread> acceptors = new ArrayList<>();
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
    }

    @Override
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        InetAddress host = InetAddress.getByName(config.host());
        ServerSocket listener = new ServerSocket();
        try {
            listener.bind(new InetSocketAddress(host, config.port()), config.backlog());
        } catch (IOException | RuntimeException e) {
            closeQuietly(listener);
            closing = true;
            throw e;
        }
        this.listener = listener;
        bound = (InetSocketAddress) listener.getLocalSocketAddress();
        ipv6Listener = bound.getAddress() instanceof Inet6Address;
        for (int i = 0; i < config.ioThreads(); i++) {
            Thread.Builder connectionThreads = threads == LoomThreads.VIRTUAL
                    ? Thread.ofVirtual().name("loom-connection")
                    : Thread.ofPlatform().daemon(true).name("loom-connection");
            Thread acceptor = Thread.ofPlatform().daemon(true).name("loom-acceptor-" + i)
                    .unstarted(() -> acceptLoop(listener, connectionThreads));
            acceptors.add(acceptor);
            acceptor.start();
        }
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
     * thread, which gives the permit back when it closes. {@code threadBuilder} belongs to this
     * acceptor alone, since builders are not thread-safe.
     */
    private void acceptLoop(ServerSocket listener, Thread.Builder threadBuilder) {
        AcceptBackoff backoff = new AcceptBackoff(LOG);
        while (!closing) {
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                return; // close() interrupts acceptors waiting for a permit
            }
            boolean handedOver = false;
            try {
                Socket socket = accept(listener, backoff);
                if (socket == null) {
                    return;
                }
                Connection connection = new Connection(socket);
                Thread thread = threadBuilder.unstarted(() -> serve(connection));
                connection.thread = thread;
                connections.add(connection);
                try {
                    thread.start();
                    handedOver = true;
                } finally {
                    if (!handedOver) {
                        connections.remove(connection);
                        closeQuietly(socket);
                    }
                }
            } finally {
                if (!handedOver) {
                    permits.release();
                }
            }
        }
    }

    /** Accepts one connection, backing off while accepting fails; null once the server is closing. */
    private Socket accept(ServerSocket listener, AcceptBackoff backoff) {
        while (true) {
            try {
                Socket socket = listener.accept();
                backoff.onSuccess();
                return socket;
            } catch (IOException e) {
                if (closing || listener.isClosed()) {
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
        Socket socket = connection.socket;
        try {
            exchange(socket);
        } catch (IOException e) {
            // Resets, early closes, or close() giving up on the connection: the client's business.
            LOG.log(Level.DEBUG, () -> "connection ended early: " + e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "connection failed, closing it", e);
        } finally {
            closeQuietly(socket);
            connections.remove(connection);
            permits.release();
        }
    }

    private void exchange(Socket socket) throws IOException {
        socket.setSoTimeout(timeoutMillis(config.idleTimeout()));
        InputStream in = socket.getInputStream();
        byte[] request = new byte[Greeting.MAX_REQUEST_BYTES];
        int read;
        try {
            read = in.read(request);
        } catch (SocketTimeoutException idle) {
            // Nothing was received, so the receive queue is empty and the close sends a FIN.
            LOG.log(Level.DEBUG, "closing idle connection");
            return;
        }
        config.handler().perform();
        socket.getOutputStream().write(Greeting.replyTo(peer(socket)));
        // The FIN leaves now, right behind the greeting, not at the final close.
        socket.shutdownOutput();
        if (read >= 0) {
            discardUntilEndOfStream(socket, in, request);
        }
    }

    /**
     * Lingering close: closing with unread input makes the kernel send RST, which can destroy the
     * greeting before the client has read it; so read and drop whatever the client still sends,
     * until its end of stream or the linger deadline.
     */
    private void discardUntilEndOfStream(Socket socket, InputStream in, byte[] buffer) throws IOException {
        long deadline = System.nanoTime() + config.lingerTimeout().toNanos();
        byte[] sink = buffer;
        while (true) {
            long leftNanos = deadline - System.nanoTime();
            if (leftNanos <= 0) {
                LOG.log(Level.DEBUG, "linger deadline passed before the client's end of stream");
                return;
            }
            socket.setSoTimeout(timeoutMillis(Duration.ofNanos(leftNanos)));
            int n;
            try {
                n = in.read(sink);
            } catch (SocketTimeoutException e) {
                LOG.log(Level.DEBUG, "linger deadline passed before the client's end of stream");
                return;
            }
            if (n < 0) {
                return;
            }
            if (n == sink.length && sink.length < DRAIN_BUFFER_BYTES) {
                sink = new byte[DRAIN_BUFFER_BYTES]; // a big request: fewer, larger reads
            }
        }
    }

    private InetSocketAddress peer(Socket socket) throws IOException {
        InetSocketAddress peer = (InetSocketAddress) socket.getRemoteSocketAddress();
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

    /** SO_TIMEOUT in milliseconds: 0 means none, anything positive is at least 1 ms. */
    private static int timeoutMillis(Duration timeout) {
        if (timeout.isZero()) {
            return 0;
        }
        long millis = (timeout.toNanos() + 999_999) / 1_000_000;
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, millis));
    }

    /**
     * Stops accepting at once, waits up to {@link ServerConfig#shutdownGrace()} for open
     * connections to finish, then closes the rest; their threads, blocked in socket calls, wake
     * with an exception and end. Returns when every acceptor and connection thread has ended.
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
        if (listener != null) {
            closeQuietly(listener);
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
        // Not interrupting: closing the socket wakes a thread blocked on it, and a thread in the
        // handler's work finishes it and then fails on the closed socket.
        for (Connection connection : connections) {
            closeQuietly(connection.socket);
        }
        for (Connection connection : connections) {
            interrupted |= joinUninterruptibly(connection.thread, null);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Joins {@code thread} (forever when {@code timeout} is null); true if we were interrupted. */
    private static boolean joinUninterruptibly(Thread thread, Duration timeout) {
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

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.log(Level.DEBUG, () -> "close failed: " + e);
        }
    }

    /** One open connection: its socket, and the thread that serves it. */
    private static final class Connection {
        final Socket socket;
        volatile Thread thread;

        Connection(Socket socket) {
            this.socket = socket;
        }
    }
}
