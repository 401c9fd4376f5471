package io.greetbench.nio;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server-wide connection cap. A reactor takes a slot before each {@code accept()}; when there
 * is none it stops accepting (drops OP_ACCEPT), so further clients wait in the kernel's backlog
 * instead of being accepted and then dropped half-served. The close that frees the first slot
 * wakes the reactors that stopped.
 *
 * <p>Thread-safe: every reactor acquires and releases. The pause/resume handshake relies on two
 * sequentially consistent accesses: a reactor publishes {@link Reactor#waitingForRoom} and then
 * re-reads the count, a releaser decrements the count and then reads the flags, so at least one
 * of the two sees the other and no reactor stays paused while there is room.
 */
final class ConnectionGate {

    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();
    private Reactor[] reactors = new Reactor[0];

    ConnectionGate(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    /** Set once, before any reactor thread starts. */
    void reactors(Reactor[] all) {
        this.reactors = all.clone();
    }

    /** Takes a slot for one more connection, or returns false at the cap. */
    boolean tryAcquire() {
        for (int current = open.get(); current < maxConnections; current = open.get()) {
            if (open.compareAndSet(current, current + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Frees a slot; called on {@code releaser}'s thread. */
    void release(Reactor releaser) {
        if (open.getAndDecrement() == maxConnections) {
            for (Reactor reactor : reactors) {
                if (reactor.waitingForRoom) {
                    reactor.requestAcceptResume(releaser);
                }
            }
        }
    }

    boolean hasRoom() {
        return open.get() < maxConnections;
    }

    int open() {
        return open.get();
    }
}
