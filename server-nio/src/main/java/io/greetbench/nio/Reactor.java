package io.greetbench.nio;

import io.greetbench.protocol.AcceptBackoff;
import io.greetbench.protocol.Greeting;
import io.greetbench.protocol.HandlerWork;
import io.greetbench.protocol.ServerConfig;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One selector thread serving its connections from accept to close.
 *
 * <p>Threading: everything runs on this reactor's own thread, except {@link #post(Object)} (and
 * {@link #requestAcceptResume(Reactor)}, which posts), called by other reactors, by handler
 * threads returning an exchange, and by {@link NioServer#close()}. Cross-thread messages go
 * through a lock-free inbox plus at most one {@link Selector#wakeup()} per select.
 *
 * <p>Per exchange: accept; one read tried at once (on loopback the request often arrives with
 * the handshake, which saves a select round trip); otherwise register for OP_READ under the idle
 * timeout. On the first read (bytes or end of stream) the reply goes out from a reused direct
 * buffer, the output is shut down at once so the FIN follows the reply, and input is discarded
 * until end of stream or the linger timeout (a close with unread input would send RST, which can
 * destroy the greeting in the client's receive queue). A connection that was never registered is
 * not registered for that either until one read, {@link #END_OF_STREAM_WAIT_NANOS} after the
 * reply, has found the client not done yet. Reads use one direct buffer per reactor;
 * exchanges are pooled, and timeouts are intrusive FIFO queues, so the only per-connection
 * allocations are the JDK's (channel, key, peer address) and the reply bytes.
 *
 * <p>A tail handler's delayed replies never sleep here: the exchange waits in a deadline queue
 * like a timeout, the select's timeout covers its deadline, and the reply goes out from the same
 * thread when it is due, so a delayed exchange holds up neither this loop nor any other exchange.
 */
final class Reactor implements Runnable {

    private static final Logger LOG = System.getLogger(NioServer.class.getName());

    /** Bounds one wakeup's accepts so a connect storm cannot starve established connections. */
    private static final int ACCEPTS_PER_WAKEUP = 64;
    /** Bounds one wakeup's discarding for the same reason; level-triggered, so the rest comes next time. */
    private static final int DRAIN_READS_PER_WAKEUP = 16;
    /** asyncio reads up to 256 KiB; 64 KiB drains a large request in few system calls without much memory. */
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    /** Every IPv4 reply and ordinary IPv6 reply fits; longer ones (scoped names) fall back to a heap buffer. */
    private static final int WRITE_BUFFER_BYTES = 128;
    private static final int MAX_POOLED_EXCHANGES = 16_384;
    /**
     * How long after the reply the client's end of stream is first read, before any registration
     * with the selector. Right after the reply the client has not read it yet, so waiting for its
     * end of stream in the selector costs an epoll add and delete (and a wake-up) per exchange.
     * A little later it has usually read the reply and closed, and one read finishes the exchange.
     * Counted with perf tracepoints against {@code load-c -c 64} on the busy 2-CPU VM: the end of
     * stream was there for about 45% of exchanges after 0.5 ms, 60% after 1 ms, 75% after 2 ms. A
     * miss costs one read that finds nothing, a hit saves two {@code epoll_ctl}. The price: a
     * closed client's descriptor and cap slot are held up to this much longer, so a reactor at the
     * cap reads them all at once.
     */
    private static final long END_OF_STREAM_WAIT_NANOS = 2_000_000;

    /** Inbox message: close the listener and start the graceful stop. */
    static final Object STOP = new Object();
    /** Inbox message: the connection cap has room again. */
    private static final Object RESUME_ACCEPT = new Object();

    final int index;
    private final NioServer server;
    private final Selector selector;
    private final ConnectionGate gate;
    private final HandlerWork handler;
    private final Executor blockingExecutor;
    private final boolean dualStack;
    private final boolean hasIdleTimeout;
    private final long idleTimeoutNanos;
    private final long lingerTimeoutNanos;
    private final long shutdownGraceNanos;

    private final ServerSocketChannel listener;
    private final SelectionKey listenerKey;
    /** Non-null only for the single acceptor in {@link NioServer.AcceptMode#HANDOFF}. */
    private Reactor[] handoffTargets;
    private int nextHandoff;
    private final AcceptBackoff backoff = new AcceptBackoff(LOG);
    private boolean backingOff;
    private long acceptResumeNanos;
    /** Read by releasing reactors in {@link ConnectionGate#release(Reactor)}. */
    volatile boolean waitingForRoom;

    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
    private final ArrayDeque<NioConnection> pool = new ArrayDeque<>();
    private final DeadlineQueue reading = new DeadlineQueue();
    private final DeadlineQueue lingering = new DeadlineQueue();
    /** Exchanges whose blocking handler runs elsewhere; no deadline, kept to close them at shutdown. */
    private final DeadlineQueue working = new DeadlineQueue();
    /**
     * Exchanges whose reply the tail handler holds back, due when their reply goes out. One delay
     * length for all, so appending keeps the queue sorted like the timeout queues.
     */
    private final DeadlineQueue delayed = new DeadlineQueue();
    /**
     * Greeted exchanges with output shut down and no selection key: their client's end of stream
     * is read once when due, {@link #END_OF_STREAM_WAIT_NANOS} after the reply, before any
     * registration.
     */
    private final DeadlineQueue awaitingEndOfStream = new DeadlineQueue();
    /** Closed exchanges whose keys were cancelled since the last select; closed after the next. */
    private DeadlineQueue closing = new DeadlineQueue();
    /** Closed exchanges whose keys the current select deregisters. */
    private DeadlineQueue deregistered = new DeadlineQueue();
    private int connections;

    private final Queue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final Consumer<SelectionKey> onReady = this::onReady;

    /**
     * When the last select returned. Deadlines are not set from it: select callbacks run before it
     * is refreshed, and after a long wait it would be stale by that wait.
     */
    private long loopNanos;
    private boolean stopping;
    /** Set when the loop has ended: closes no longer wait for a select that will not come. */
    private boolean exiting;
    private boolean listenerReported;
    private long stopDeadlineNanos;

    /**
     * @param listener this reactor's own listener, or null when another reactor accepts for it
     */
    Reactor(int index, NioServer server, ServerConfig config, ConnectionGate gate, Executor blockingExecutor,
            ServerSocketChannel listener, boolean dualStack) throws IOException {
        this.index = index;
        this.server = server;
        this.gate = gate;
        this.handler = config.handler();
        this.blockingExecutor = blockingExecutor;
        this.dualStack = dualStack;
        this.hasIdleTimeout = config.hasIdleTimeout();
        this.idleTimeoutNanos = config.idleTimeout().toNanos();
        this.lingerTimeoutNanos = config.lingerTimeout().toNanos();
        this.shutdownGraceNanos = config.shutdownGrace().toNanos();
        this.selector = Selector.open();
        this.listener = listener;
        if (listener != null) {
            listener.configureBlocking(false);
            // Registered before the thread starts, while no select is running.
            this.listenerKey = listener.register(selector, SelectionKey.OP_ACCEPT, null);
        } else {
            this.listenerKey = null;
        }
    }

    /** Makes this reactor the single acceptor, spreading connections round-robin over {@code targets}. */
    void handOffTo(Reactor[] targets) {
        this.handoffTargets = targets.clone();
    }

    /** Thread-safe: queues {@code message} for this reactor's thread and wakes it if needed. */
    void post(Object message) {
        inbox.add(message);
        if (wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Called on {@code caller}'s thread when the cap has room again. */
    void requestAcceptResume(Reactor caller) {
        if (caller == this) {
            resumeAfterCap();
        } else {
            post(RESUME_ACCEPT);
        }
    }

    /** Runs on a handler thread: the blocking work, then back to the reactor for the reply. */
    void runBlockingWork(NioConnection exchange) {
        try {
            handler.perform();
        } finally {
            post(exchange);
        }
    }

    /** Closes the selector; only after this reactor's thread and every handler thread have ended. */
    void closeSelector() {
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing a selector failed", e);
        }
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (IOException | RuntimeException e) {
            // The selector itself failed: this reactor cannot serve any more. Escalate by logging
            // at ERROR and freeing everything it owns; with SO_REUSEPORT the kernel then spreads
            // new connections over the remaining listeners.
            LOG.log(Level.ERROR, "nio reactor " + index + " failed; its connections are closed", e);
        } finally {
            closeListener();
            reportListenerClosed();
            closeEverything();
        }
    }

    private void loop() throws IOException {
        loopNanos = System.nanoTime();
        while (true) {
            // Clear before looking at the inbox: a post after this point either is seen by the
            // isEmpty() check or finds the flag clear and calls wakeup(), so no message waits for
            // an unrelated event (the same ordering as Netty's wakenUp flag).
            wakeupPending.set(false);
            // Keys cancelled so far are deregistered by the coming select; keys cancelled in its
            // callbacks wait for the one after.
            DeadlineQueue cancelled = closing;
            closing = deregistered;
            deregistered = cancelled;
            long timeoutMillis = inbox.isEmpty() && deregistered.isEmpty() ? timeoutMillis(System.nanoTime()) : -1;
            if (timeoutMillis < 0) {
                selector.selectNow(onReady);
            } else {
                selector.select(onReady, timeoutMillis);
            }
            loopNanos = System.nanoTime();
            finishDeregisteredCloses();
            readEndsOfStream(false);
            drainInbox();
            expireDeadlines();
            if (stopping && server.allListenersClosed()) {
                // Every handoff happened before its listener closed, so the inbox now holds the last.
                drainInbox();
                if (connections == 0) {
                    return;
                }
                if (loopNanos - stopDeadlineNanos >= 0) {
                    closeEverything();
                    return;
                }
            }
        }
    }

    /** Milliseconds until the earliest deadline; 0 = none (block), -1 = already due. */
    private long timeoutMillis(long now) {
        long earliest = Long.MAX_VALUE;
        boolean any = false;
        if (hasIdleTimeout && !reading.isEmpty()) {
            earliest = reading.first().deadlineNanos - now;
            any = true;
        }
        if (!lingering.isEmpty()) {
            earliest = Math.min(earliest, lingering.first().deadlineNanos - now);
            any = true;
        }
        if (!delayed.isEmpty()) {
            earliest = Math.min(earliest, delayed.first().deadlineNanos - now);
            any = true;
        }
        if (!awaitingEndOfStream.isEmpty()) {
            earliest = Math.min(earliest, awaitingEndOfStream.first().deadlineNanos - now);
            any = true;
        }
        if (backingOff) {
            earliest = Math.min(earliest, acceptResumeNanos - now);
            any = true;
        }
        if (stopping) {
            // Also polls for the other reactors' listeners closing, which nobody signals here.
            earliest = Math.min(earliest, Math.min(stopDeadlineNanos - now, 10_000_000L));
            any = true;
        }
        if (!any) {
            return 0;
        }
        if (earliest <= 0) {
            return -1;
        }
        return Math.max(1, (earliest + 999_999) / 1_000_000);
    }

    private void drainInbox() {
        Object message;
        while ((message = inbox.poll()) != null) {
            if (message instanceof NioConnection exchange) {
                afterBlockingWork(exchange);
            } else if (message instanceof SocketChannel channel) {
                adopt(channel);
            } else if (message == RESUME_ACCEPT) {
                resumeAfterCap();
            } else if (message == STOP) {
                stop();
            }
        }
    }

    private void expireDeadlines() {
        if (hasIdleTimeout) {
            for (NioConnection first = reading.first(); first != null && loopNanos - first.deadlineNanos >= 0; first = reading.first()) {
                // Silent client: close with a FIN and no greeting.
                LOG.log(Level.DEBUG, "closing a connection idle past the idle timeout");
                close(first);
            }
        }
        for (NioConnection first = lingering.first(); first != null && loopNanos - first.deadlineNanos >= 0; first = lingering.first()) {
            LOG.log(Level.DEBUG, "closing a greeted connection whose client did not close within the linger timeout");
            close(first);
        }
        for (NioConnection first = delayed.first(); first != null && loopNanos - first.deadlineNanos >= 0; first = delayed.first()) {
            delayed.remove(first);
            try {
                reply(first);
            } catch (IOException | RuntimeException e) {
                // Typically the client gave up during the delay: EPIPE or a reset.
                closeAfterFailure(first, "connection failed before its delayed reply", e);
            }
        }
        if (backingOff && loopNanos - acceptResumeNanos >= 0) {
            backingOff = false;
            updateAcceptInterest();
        }
    }

    private void onReady(SelectionKey key) {
        if (!(key.attachment() instanceof NioConnection exchange)) {
            accept();
            return;
        }
        try {
            // Not a switch: a switch on an enum loads a synthetic class on first use, which
            // fails when that first use comes while the process is out of descriptors.
            NioConnection.State state = exchange.state;
            if (state == NioConnection.State.READING) {
                firstRead(exchange);
            } else if (state == NioConnection.State.LINGERING) {
                discardInput(exchange);
            } else if (state == NioConnection.State.WRITING) {
                continueReply(exchange);
            }
        } catch (IOException | RuntimeException e) {
            closeAfterFailure(exchange, "connection failed", e);
        }
    }

    private void accept() {
        for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
            if (!gate.tryAcquire()) {
                waitForRoom();
                return;
            }
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException e) {
                gate.release(this);
                return;
            } catch (IOException e) {
                // Typically EMFILE: the connection stays queued, so retrying now would spin.
                gate.release(this);
                backingOff = true;
                acceptResumeNanos = System.nanoTime() + backoff.onFailure(e);
                updateAcceptInterest();
                return;
            }
            if (channel == null) {
                gate.release(this);
                return;
            }
            backoff.onSuccess();
            if (handoffTargets == null) {
                adopt(channel);
            } else {
                Reactor target = handoffTargets[nextHandoff];
                nextHandoff = (nextHandoff + 1) % handoffTargets.length;
                if (target == this) {
                    adopt(channel);
                } else {
                    target.post(channel);
                }
            }
        }
    }

    private void waitForRoom() {
        waitingForRoom = true;
        updateAcceptInterest();
        // Clients that have closed while their exchange waited for its end-of-stream read still
        // hold slots; closing them now may make room at once.
        readEndsOfStream(true);
        if (gate.hasRoom()) {
            resumeAfterCap();
        }
    }

    private void resumeAfterCap() {
        if (waitingForRoom) {
            waitingForRoom = false;
            updateAcceptInterest();
        }
    }

    private void updateAcceptInterest() {
        if (listenerKey == null || !listenerKey.isValid()) {
            return;
        }
        int ops = waitingForRoom || backingOff ? 0 : SelectionKey.OP_ACCEPT;
        if (listenerKey.interestOps() != ops) {
            listenerKey.interestOps(ops);
        }
    }

    /** Takes over an accepted channel, which already holds a slot of the cap. */
    private void adopt(SocketChannel channel) {
        connections++;
        NioConnection exchange = pool.poll();
        if (exchange == null) {
            exchange = new NioConnection(this);
        }
        exchange.channel = channel;
        exchange.state = NioConnection.State.READING;
        try {
            channel.configureBlocking(false);
            int n = channel.read(readBuffer.clear());
            if (n != 0) {
                exchange.sawEndOfStream = n < 0;
                respond(exchange);
                return;
            }
            register(exchange, SelectionKey.OP_READ);
            reading.add(exchange, hasIdleTimeout ? System.nanoTime() + idleTimeoutNanos : 0);
        } catch (IOException | RuntimeException e) {
            closeAfterFailure(exchange, "connection failed right after accept", e);
        }
    }

    private void firstRead(NioConnection exchange) throws IOException {
        int n = exchange.channel.read(readBuffer.clear());
        if (n == 0) {
            return;
        }
        // At most the first 100 bytes would be the request; the content is never looked at, and
        // whatever else this read took is simply part of the discarding that follows.
        exchange.sawEndOfStream = n < 0;
        reading.remove(exchange);
        respond(exchange);
    }

    private void respond(NioConnection exchange) throws IOException {
        if (handler.blocks()) {
            exchange.state = NioConnection.State.WORKING;
            if (exchange.key != null) {
                exchange.key.interestOps(0);
            }
            working.add(exchange, 0);
            blockingExecutor.execute(exchange.blockingWork);
            return;
        }
        if (handler.delays()) {
            long delayNanos = handler.drawDelayNanos();
            if (delayNanos > 0) {
                hold(exchange, delayNanos);
                return;
            }
        } else {
            handler.perform();
        }
        reply(exchange);
    }

    /**
     * Holds the reply back for {@code delayNanos} without blocking: the exchange waits in
     * {@link #delayed} until {@link #expireDeadlines()} finds it due. Reading is switched off
     * meanwhile, as while a blocking handler works: a client that hangs up during the delay is
     * noticed when the reply is written (EPIPE or a reset closes the connection), and whatever it
     * still sends waits in the kernel for the drain after the reply.
     */
    private void hold(NioConnection exchange, long delayNanos) {
        exchange.state = NioConnection.State.DELAYED;
        if (exchange.key != null) {
            exchange.key.interestOps(0);
        }
        delayed.add(exchange, System.nanoTime() + delayNanos);
    }

    private void afterBlockingWork(NioConnection exchange) {
        if (exchange.state != NioConnection.State.WORKING) {
            // Closed at shutdown while the handler ran; the handler thread held the last reference.
            recycle(exchange);
            return;
        }
        working.remove(exchange);
        try {
            reply(exchange);
        } catch (IOException | RuntimeException e) {
            closeAfterFailure(exchange, "connection failed before the reply", e);
        }
    }

    private void reply(NioConnection exchange) throws IOException {
        byte[] reply = Greeting.replyTo(peer(exchange.channel));
        ByteBuffer out;
        if (reply.length <= writeBuffer.capacity()) {
            out = writeBuffer.clear().put(reply).flip();
        } else {
            out = ByteBuffer.wrap(reply);
        }
        exchange.channel.write(out);
        if (out.hasRemaining()) {
            // A fresh socket's send buffer holds kilobytes, so this is only a defence.
            exchange.pendingReply = ByteBuffer.allocate(out.remaining()).put(out).flip();
            exchange.state = NioConnection.State.WRITING;
            register(exchange, SelectionKey.OP_WRITE);
            lingering.add(exchange, System.nanoTime() + lingerTimeoutNanos);
            return;
        }
        afterReply(exchange);
    }

    private void continueReply(NioConnection exchange) throws IOException {
        exchange.channel.write(exchange.pendingReply);
        if (exchange.pendingReply.hasRemaining()) {
            return;
        }
        exchange.pendingReply = null;
        lingering.remove(exchange);
        afterReply(exchange);
    }

    private void afterReply(NioConnection exchange) throws IOException {
        // The FIN leaves now, right behind the reply, not at the final close.
        exchange.channel.shutdownOutput();
        if (exchange.sawEndOfStream) {
            close(exchange);
            return;
        }
        exchange.state = NioConnection.State.LINGERING;
        if (exchange.key == null) {
            // Right now the client has not even read the reply, so a read would find nothing and
            // waiting for its end of stream would cost an epoll add and delete. A couple of
            // milliseconds later it has usually read the reply and closed, and one read closes
            // the exchange with no registration at all.
            awaitingEndOfStream.add(exchange, System.nanoTime() + END_OF_STREAM_WAIT_NANOS);
            return;
        }
        lingerInSelector(exchange);
    }

    /** Waits for the client's end of stream in the selector, under the linger timeout from now. */
    private void lingerInSelector(NioConnection exchange) throws IOException {
        register(exchange, SelectionKey.OP_READ);
        lingering.add(exchange, System.nanoTime() + lingerTimeoutNanos);
    }

    /**
     * Reads the client's end of stream for the greeted exchanges that are due ({@code all}: every
     * one); those whose client is not done yet wait for it in the selector like any lingering
     * exchange, and their linger timeout starts then, {@link #END_OF_STREAM_WAIT_NANOS} after the
     * reply.
     */
    private void readEndsOfStream(boolean all) {
        for (NioConnection exchange = awaitingEndOfStream.first();
                exchange != null && (all || loopNanos - exchange.deadlineNanos >= 0);
                exchange = awaitingEndOfStream.first()) {
            awaitingEndOfStream.remove(exchange);
            try {
                discardInput(exchange);
                if (exchange.state == NioConnection.State.LINGERING) {
                    lingerInSelector(exchange);
                }
            } catch (IOException | RuntimeException e) {
                closeAfterFailure(exchange, "connection failed after the reply", e);
            }
        }
    }

    private void discardInput(NioConnection exchange) throws IOException {
        for (int i = 0; i < DRAIN_READS_PER_WAKEUP; i++) {
            int n = exchange.channel.read(readBuffer.clear());
            if (n < 0) {
                close(exchange);
                return;
            }
            if (n == 0) {
                return;
            }
        }
    }

    private void register(NioConnection exchange, int ops) throws ClosedChannelException {
        if (exchange.key == null) {
            exchange.key = exchange.channel.register(selector, ops, exchange);
        } else if (exchange.key.interestOps() != ops) {
            exchange.key.interestOps(ops);
        }
    }

    /**
     * The peer as Python would print it. On an IPv6 listener the JDK reports IPv4-mapped peers as
     * plain IPv4 addresses, but Python shows the IPv6 socket's view, {@code ::ffff:a.b.c.d}.
     */
    private InetSocketAddress peer(SocketChannel channel) throws IOException {
        InetSocketAddress peer = (InetSocketAddress) channel.getRemoteAddress();
        if (peer == null) {
            throw new ClosedChannelException();
        }
        if (dualStack && peer.getAddress() instanceof Inet4Address v4) {
            return new InetSocketAddress(ipv4Mapped(v4), peer.getPort());
        }
        return peer;
    }

    static Inet6Address ipv4Mapped(Inet4Address v4) throws UnknownHostException {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(v4.getAddress(), 0, mapped, 12, 4);
        // Unlike InetAddress.getByAddress, this overload keeps the mapped form as an Inet6Address.
        return Inet6Address.getByAddress(null, mapped, -1);
    }

    private void close(NioConnection exchange) {
        if (exchange.state == NioConnection.State.CLOSED) {
            return;
        }
        if (exchange.queue != null) {
            exchange.queue.remove(exchange);
        }
        boolean handlerHoldsIt = exchange.state == NioConnection.State.WORKING;
        exchange.state = NioConnection.State.CLOSED;
        if (exchange.key != null && !handlerHoldsIt && !exiting) {
            // Closing a channel that is still registered makes the JDK query SO_LINGER and call
            // shutdown(SHUT_WR) (which fails with ENOTCONN here) before it defers the real close
            // to the next select anyway: two wasted system calls per exchange. Cancelling the key
            // now and closing once the next select has deregistered it costs neither.
            exchange.key.cancel();
            closing.add(exchange, 0);
            return;
        }
        finishClose(exchange, !handlerHoldsIt);
    }

    private void finishClose(NioConnection exchange, boolean recycle) {
        if (exchange.queue != null) {
            exchange.queue.remove(exchange);
        }
        try {
            // With the input drained (or the client silent) this sends FIN, never RST.
            exchange.channel.close();
        } catch (IOException e) {
            debug("closing a connection failed", e);
        }
        connections--;
        gate.release(this);
        if (recycle) {
            recycle(exchange);
        }
    }

    /** Closes the exchanges whose keys the select that just returned has deregistered. */
    private void finishDeregisteredCloses() {
        for (NioConnection first = deregistered.first(); first != null; first = deregistered.first()) {
            finishClose(first, true);
        }
    }

    private void recycle(NioConnection exchange) {
        exchange.reset();
        if (pool.size() < MAX_POOLED_EXCHANGES) {
            pool.push(exchange);
        }
    }

    /** Stops accepting at once and starts the grace period for the connections in flight. */
    private void stop() {
        if (stopping) {
            return;
        }
        stopping = true;
        stopDeadlineNanos = loopNanos + shutdownGraceNanos;
        closeListener();
        try {
            // Flushes the cancelled listener key, which is what actually closes its descriptor:
            // until then the kernel keeps completing handshakes into its backlog.
            selector.selectNow(onReady);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "flushing the listener's key failed", e);
        }
        reportListenerClosed();
    }

    private void closeListener() {
        if (listener == null || !listener.isOpen()) {
            return;
        }
        listenerKey.cancel();
        try {
            listener.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing a listener failed", e);
        }
    }

    /** Counts this reactor's listener, if it has one, as closed; exactly once. */
    private void reportListenerClosed() {
        if (listener != null && !listenerReported) {
            listenerReported = true;
            server.listenerClosed();
        }
    }

    /** After the grace period, or when the reactor fails: close every connection it still has. */
    private void closeEverything() {
        exiting = true;
        Object message;
        while ((message = inbox.poll()) != null) {
            if (message instanceof SocketChannel channel) {
                try {
                    channel.close();
                } catch (IOException e) {
                    debug("closing a connection failed", e);
                }
                gate.release(this);
            } else if (message instanceof NioConnection exchange && exchange.state == NioConnection.State.WORKING) {
                working.remove(exchange);
                close(exchange);
            }
        }
        for (DeadlineQueue queue : new DeadlineQueue[] {reading, lingering, working, delayed, awaitingEndOfStream}) {
            for (NioConnection first = queue.first(); first != null; first = queue.first()) {
                close(first);
            }
        }
        for (DeadlineQueue queue : new DeadlineQueue[] {closing, deregistered}) {
            for (NioConnection first = queue.first(); first != null; first = queue.first()) {
                finishClose(first, false);
            }
        }
    }

    /**
     * A failure on one connection closes that connection, and the reactor goes on with the others.
     * An {@link IOException} is a reset or an early close, the client's business: debug level
     * only. Anything else is a bug here, logged as a warning. An {@link Error} is never caught.
     */
    private void closeAfterFailure(NioConnection connection, String what, Exception failure) {
        if (failure instanceof IOException io) {
            debug(what, io);
        } else {
            // A constant message: a first string concatenation bootstraps classes, which fails
            // when no descriptor is left to load them with.
            LOG.log(Level.WARNING, "unexpected failure on one connection; closing it", failure);
        }
        close(connection);
    }

    /**
     * Client resets and early closes are normal at this level: logged at debug only, and the
     * message is built only when someone listens, so a reset flood costs no garbage.
     */
    private static void debug(String what, IOException e) {
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, what + ": " + e);
        }
    }
}
