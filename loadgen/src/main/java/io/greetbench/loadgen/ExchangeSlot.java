package io.greetbench.loadgen;

/**
 * One connection slot of a {@link Worker}: the state of the exchange it is running, reused from
 * one exchange to the next so that an exchange allocates nothing of its own beyond its expected
 * reply. The socket itself belongs to the worker's {@link SocketIo}, under the same slot number.
 *
 * <p>Confined to its worker's thread.
 */
final class ExchangeSlot {

    enum State { IDLE, CONNECTING, HELD, WRITING, READING }

    /** This slot's number in its worker and in its worker's {@link SocketIo}. */
    final int slot;
    State state = State.IDLE;
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
    ExchangeSlot prev;
    ExchangeSlot next;
    boolean listed;

    ExchangeSlot(int slot) {
        this.slot = slot;
    }
}
