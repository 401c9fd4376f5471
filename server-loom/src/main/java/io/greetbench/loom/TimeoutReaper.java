package io.greetbench.loom;

import io.greetbench.protocol.ServerConfig;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Set;

/**
 * Enforces the idle and linger deadlines of a {@link LoomServer}'s connections by cutting off
 * ({@link Connection#cutOff()}) any connection whose published deadline has passed; the
 * connection's thread, blocked in a read, sees end of stream and closes the connection without
 * greeting. Closing with nothing unread sends a FIN, which is what an idle client must see.
 *
 * <p>Threading model: one platform thread of its own that wakes every {@link #tick} and walks the
 * open connections. That costs a few microseconds per hundred connections per tick, instead of
 * the per-read timer registration that {@code SO_TIMEOUT} costs a virtual thread. The tick is a
 * sixteenth of the shorter timeout, between 1 ms and 100 ms, so a deadline is enforced within
 * about 6% of its length.
 */
final class TimeoutReaper {

    private static final Logger LOG = System.getLogger(TimeoutReaper.class.getName());

    private final Set<Connection> connections;
    private final Duration tick;
    private volatile boolean stopping;
    private Thread thread;

    TimeoutReaper(Set<Connection> connections, ServerConfig config) {
        this.connections = connections;
        Duration shortest = config.hasIdleTimeout() && config.idleTimeout().compareTo(config.lingerTimeout()) < 0
                ? config.idleTimeout()
                : config.lingerTimeout();
        Duration sixteenth = shortest.dividedBy(16);
        this.tick = sixteenth.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1)
                : sixteenth.compareTo(Duration.ofMillis(100)) > 0 ? Duration.ofMillis(100)
                : sixteenth;
    }

    void start() {
        thread = Thread.ofPlatform().daemon(true).name("loom-timeouts").start(this::run);
    }

    /** Stops the reaper and waits for its thread to end. */
    void stop() {
        stopping = true;
        if (thread != null) {
            thread.interrupt();
            if (LoomServer.joinUninterruptibly(thread, null)) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (!stopping) {
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Connection connection : connections) {
                long deadline = connection.deadlineNanos;
                if (deadline != Connection.NO_DEADLINE && now - deadline >= 0) {
                    LOG.log(Level.DEBUG, "deadline passed, cutting a connection off");
                    connection.cutOff();
                }
            }
        }
    }
}
