package io.greetbench.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetSocketAddress;

/**
 * The sockets of one {@link Worker}: a poller and one connection per slot, addressed by slot
 * number. The worker keeps the exchange's state machine and its bookkeeping; this keeps the
 * system calls, so that the same worker runs on the JDK's channels or on raw Linux sockets.
 *
 * <p>Threading: confined to the worker's thread, except {@link #wakeup}, which any thread may call.
 */
interface SocketIo extends AutoCloseable {

    /** Ready flags passed to {@link Ready#ready}: the socket can be read (or has ended). */
    int READABLE = 1;
    /** The socket can be written, or its connect has completed. */
    int WRITABLE = 4;
    /** The peer's FIN has arrived with what was read so far: no further read is needed to see it. */
    int PEER_CLOSED = 0x2000;

    /** Called by {@link #poll} for each slot with an event. */
    @FunctionalInterface
    interface Ready {
        void ready(int slot, int flags);
    }

    /** Short name for the summary and the results, such as {@code epoll} or {@code nio}. */
    String name();

    /**
     * Opens a non-blocking socket for {@code slot}, binds it to {@code source} when that is not
     * null, and connects it to the target.
     *
     * @return true when connected already; otherwise a {@link #WRITABLE} event will follow
     * @throws IoFailure when it fails, having closed the socket: the slot is not open then
     */
    boolean connect(int slot, InetSocketAddress source) throws IoFailure;

    /** After a {@link #WRITABLE} event on a connecting slot: true once connected. */
    boolean finishConnect(int slot) throws IoFailure;

    /** The slot's local address, from which the expected greeting is computed. */
    InetSocketAddress localAddress(int slot) throws IoFailure;

    /** Writes payload bytes {@code [offset, offset+length)}; returns how many were taken, 0 when the buffer is full. */
    int write(int slot, int offset, int length) throws IoFailure;

    /** Half-closes: sends FIN after what was written. */
    void shutdownOutput(int slot) throws IoFailure;

    /**
     * Reads into {@code into}.
     *
     * @return bytes read, 0 when nothing is there now, -1 at end of stream
     */
    int read(int slot, byte[] into) throws IoFailure;

    /** Asks for events: {@link #READABLE}, {@link #WRITABLE}, or both. Engines that always watch both may ignore it. */
    void watch(int slot, int flags) throws IoFailure;

    /** Closes the slot's connection, if any; never fails. */
    void close(int slot);

    /** True while the slot has an open connection. */
    boolean isOpen(int slot);

    /**
     * Waits up to {@code nanos} (0: does not wait) and reports each ready slot; returns how many.
     * Engines without {@link #nanosecondWaits} round a wait down to whole milliseconds.
     */
    int poll(long nanos, Ready handler) throws IoFailure;

    /**
     * True when {@link #poll} waits to the nanosecond and returns at the first event; otherwise the
     * worker polls without waiting and parks in short steps for waits under a millisecond.
     */
    boolean nanosecondWaits();

    /**
     * Lets the calling thread's timed waits end on time. Linux fires a timer up to the thread's
     * "timer slack" late (50 µs by default) to batch wake-ups; an open loop's wait for its next
     * start is such a timer, so every exchange would start up to 50 µs late and carry that in its
     * corrected latency: the generator's delay counted as the server's. This default writes
     * {@code /proc/<tid>/timerslack_ns}, which needs root; engines with a system-call binding use
     * {@code prctl}, which any thread may call on itself. A hint: when refused, the slack stays
     * and shows in the generator's lag figures. Called once, on the worker's thread.
     */
    default void tightenTimerSlack() {
        try {
            // A thread's slack file is /proc/<tid>/timerslack_ns (the task directories do not
            // list it). 1 ns is the least the kernel takes (0 means "the default").
            Files.writeString(Path.of("/proc", CpuPinning.currentThreadId(), "timerslack_ns"), "1");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // Not Linux, a kernel before 4.6, or not allowed: keep the default slack.
        }
    }

    /** Makes a {@link #poll} in progress, or the next one, return at once. */
    void wakeup();

    /** Closes every connection and the poller. */
    @Override
    void close();

    /**
     * Opens the engine {@code choice} asks for; {@link IoEngine#AUTO} takes raw epoll where this
     * JDK and OS allow it and the JDK's channels otherwise.
     */
    static SocketIo open(IoEngine choice, InetSocketAddress target, byte[] payload, int slots) throws IoFailure {
        if (choice != IoEngine.NIO) {
            SocketIo epoll = IoEngine.epoll(target, payload, slots);
            if (epoll != null) {
                return epoll;
            }
            if (choice == IoEngine.EPOLL) {
                throw new IoFailure(ErrorKind.OTHER_IO, "the epoll engine is unavailable: " + IoEngine.epollUnavailableReason());
            }
        }
        return new NioSocketIo(target, payload, slots);
    }
}
