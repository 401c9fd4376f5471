package io.greetbench.loadgen;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One connection slot of a {@link Worker}: the state of the exchange it is running, reused from
 * one exchange to the next so that an exchange allocates nothing of its own beyond what the JDK
 * allocates for a channel.
 *
 * <p>Confined to its worker's thread.
 */
final class Exchange {

    enum State { IDLE, CONNECTING, HELD, WRITING, READING }

    State state = State.IDLE;
    SocketChannel channel;
    SelectionKey key;
    /** The greeting this connection must receive, from its own local address. */
    byte[] expected;
    int received;
    int written;
    /** When the schedule meant it to start (open loop, held release); the actual start otherwise. */
    long intendedNanos;
    /** Just before {@code socket()}, or, for a held connection, just before its request is written. */
    long startNanos;
    long deadlineNanos;
    /** When this slot last became free; tells a late start caused by busy slots from the generator's own lag. */
    long freedAtNanos;
    /** Whether this exchange counts (its intended start or completion falls in the recorded window). */
    boolean inWindow;

    /** Links of the worker's deadline list, oldest first. */
    Exchange prev;
    Exchange next;
    boolean listed;
}
