package io.greetbench.loadgen;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a wall-clock instant ({@code --start-at}), so that the shards of a fleet, each in its
 * own process and perhaps on its own machine, begin together. A timed park alone can oversleep by
 * the timer slack (50 µs by default) plus a scheduling delay; the last two milliseconds are
 * therefore waited in short parks that re-read the clock.
 *
 * <p>Stateless; called by the load generator's coordinating thread before it starts the workers.
 */
final class StartBarrier {

    private static final long FINE_NANOS = Duration.ofMillis(2).toNanos();
    private static final long STEP_NANOS = Duration.ofNanos(50_000).toNanos();

    private StartBarrier() {
    }

    /** Returns at {@code instant}, or at once when it has passed; an interrupt ends the wait early. */
    static void awaitInstant(Instant instant) {
        while (!Thread.currentThread().isInterrupted()) {
            long left = Duration.between(Instant.now(), instant).toNanos();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(left > FINE_NANOS ? left - FINE_NANOS : Math.min(left, STEP_NANOS));
        }
    }
}
