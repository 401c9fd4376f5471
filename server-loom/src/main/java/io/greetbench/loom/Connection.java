package io.greetbench.loom;

import java.nio.channels.SocketChannel;

/**
 * One open connection as the server's other threads see it: its channel, the thread serving it,
 * and the deadline of the read that thread is blocked in, if any.
 *
 * <p>Written by the connection's own thread; read by the {@link TimeoutReaper} and by
 * {@link LoomServer#close()}.
 */
final class Connection {

    static final long NO_DEADLINE = 0;

    final SocketChannel channel;
    volatile Thread thread;
    /** {@link System#nanoTime()} after which the reaper closes the channel; {@link #NO_DEADLINE} for none. */
    volatile long deadlineNanos = NO_DEADLINE;
    /** Set by the reaper before it closes the channel, so the failed read is not reported as an error. */
    volatile boolean timedOut;

    Connection(SocketChannel channel) {
        this.channel = channel;
    }
}
