package io.greetbench.loom;

import java.io.IOException;
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
    /** Set before the input is shut down from outside; the thread then closes without greeting. */
    volatile boolean cutOff;

    Connection(SocketChannel channel) {
        this.channel = channel;
    }

    /**
     * Ends the read the connection's thread is blocked in (or its next one) with end of stream,
     * and tells the thread not to greet. Shutting the input down rather than closing the channel
     * leaves the close to the connection's own thread, so a channel is never closed under a thread
     * still using it: a client whose request arrives just as its deadline passes is greeted
     * instead of having its reply fail half-written.
     */
    void cutOff() {
        cutOff = true;
        try {
            channel.shutdownInput();
        } catch (IOException e) {
            // Already closed or reset: the thread is on its way out anyway.
        }
    }
}
