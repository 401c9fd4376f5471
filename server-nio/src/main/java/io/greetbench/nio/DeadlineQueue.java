package io.greetbench.nio;

/**
 * An intrusive FIFO of exchanges ordered by deadline. Every exchange in one queue got its deadline
 * as "now + the same timeout" on one thread, so appending keeps the queue sorted: add, remove and
 * "earliest" are O(1) and allocate nothing, unlike a priority queue or a scheduled task per
 * connection.
 *
 * <p>Confined to its reactor's thread.
 */
final class DeadlineQueue {

    private NioConnection head;
    private NioConnection tail;
    private int size;

    /** Appends {@code exchange}, which must not be in any queue. */
    void add(NioConnection exchange, long deadlineNanos) {
        exchange.deadlineNanos = deadlineNanos;
        exchange.queue = this;
        exchange.previous = tail;
        exchange.next = null;
        if (tail == null) {
            head = exchange;
        } else {
            tail.next = exchange;
        }
        tail = exchange;
        size++;
    }

    /** Removes {@code exchange} if it is in this queue. */
    void remove(NioConnection exchange) {
        if (exchange.queue != this) {
            return;
        }
        if (exchange.previous == null) {
            head = exchange.next;
        } else {
            exchange.previous.next = exchange.next;
        }
        if (exchange.next == null) {
            tail = exchange.previous;
        } else {
            exchange.next.previous = exchange.previous;
        }
        exchange.queue = null;
        exchange.previous = null;
        exchange.next = null;
        size--;
    }

    /** The exchange with the earliest deadline, or null. */
    NioConnection first() {
        return head;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return head == null;
    }
}
