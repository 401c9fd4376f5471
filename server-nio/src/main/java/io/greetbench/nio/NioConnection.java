package io.greetbench.nio;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One connection's state: which step of the exchange it is in, its deadline, and its links in one
 * of the reactor's {@link DeadlineQueue}s.
 *
 * <p>Confined to its reactor's thread, except while {@link State#WORKING}: then a handler thread
 * owns it until it posts the exchange back to the reactor's inbox. Instances are pooled per
 * reactor and reused, so an exchange costs no allocation of its own.
 */
final class NioConnection {

    enum State {
        /** Accepted, waiting for the first read (bytes or end of stream); under the idle timeout. */
        READING,
        /** Blocking handler work runs on another thread; the reactor does not touch the channel. */
        WORKING,
        /** A tail handler holds the reply back; due at {@code deadlineNanos}, on the reactor's timer. */
        DELAYED,
        /** The reply did not fit in the send buffer at once; the rest waits for OP_WRITE. */
        WRITING,
        /** Greeted and output shut down; discarding input until end of stream or the linger timeout. */
        LINGERING,
        /** Closed, or free in the pool. */
        CLOSED
    }

    final Reactor reactor;
    /** Runs the blocking handler off the reactor; built once per pooled instance. */
    final Runnable blockingWork;

    SocketChannel channel;
    /** Null until the channel is first registered with the selector. */
    SelectionKey key;
    State state = State.CLOSED;
    /** The client half-closed before the reply, so no lingering is needed after it. */
    boolean sawEndOfStream;
    /** The unwritten tail of a reply, in the rare case the first write was partial. */
    ByteBuffer pendingReply;

    long deadlineNanos;
    DeadlineQueue queue;
    NioConnection previous;
    NioConnection next;

    NioConnection(Reactor reactor) {
        this.reactor = reactor;
        this.blockingWork = () -> reactor.runBlockingWork(this);
    }

    void reset() {
        channel = null;
        key = null;
        state = State.CLOSED;
        sawEndOfStream = false;
        pendingReply = null;
        deadlineNanos = 0;
    }
}
