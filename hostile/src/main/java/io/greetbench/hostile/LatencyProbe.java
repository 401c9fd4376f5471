package io.greetbench.hostile;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A well-behaved client that keeps doing one exchange every 20 ms while a hostile case runs, to
 * show whether the hostile clients hold up anyone else. Latency is measured per exchange from
 * connect to the server's FIN; a failure is any exchange that did not end in greeting+FIN.
 *
 * <p>Threading: runs on its own platform thread between {@link #start} and {@link #stop}.
 */
public final class LatencyProbe implements AutoCloseable {

    private final InetSocketAddress server;
    private final List<Long> latenciesNanos = Collections.synchronizedList(new ArrayList<>());
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private volatile boolean running = true;

    private LatencyProbe(InetSocketAddress server) {
        this.server = server;
        this.thread = new Thread(this::loop, "latency-probe");
        this.thread.setDaemon(true);
    }

    static LatencyProbe start(InetSocketAddress server) {
        LatencyProbe probe = new LatencyProbe(server);
        probe.thread.start();
        return probe;
    }

    private void loop() {
        while (running) {
            HostileClient.Reply reply = HostileClient.hello(server, Duration.ofSeconds(10));
            if (reply.greetedWithFin()) {
                latenciesNanos.add(reply.nanos());
            } else {
                failures.add(reply.describe());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops the probe and summarizes what the normal client saw. */
    Summary stop() {
        running = false;
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Long> sorted;
        synchronized (latenciesNanos) {
            sorted = new ArrayList<>(latenciesNanos);
        }
        Collections.sort(sorted);
        List<String> failed;
        synchronized (failures) {
            failed = List.copyOf(failures);
        }
        return new Summary(sorted.size(), failed, percentileMillis(sorted, 50), percentileMillis(sorted, 99),
                sorted.isEmpty() ? -1 : sorted.getLast() / 1e6);
    }

    private static double percentileMillis(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p / 100 * sorted.size()))) / 1e6;
    }

    @Override
    public void close() {
        running = false;
    }

    /** What the normal client saw: exchanges that succeeded, the failures, and their latency. */
    record Summary(int greeted, List<String> failures, double p50Millis, double p99Millis, double maxMillis) {

        /** Held up: a failed exchange, or one that waited a second or more. */
        boolean heldUp() {
            return !failures.isEmpty() || greeted == 0 || maxMillis >= 1000;
        }

        /** Records a failure when the normal client was held up at all, and its figure. */
        void checkNotHeldUp(CaseFindings findings) {
            findings.check(!heldUp(), "normal client held up: " + this + " " + failures.stream().limit(3).toList());
            findings.figure("normal client", this);
        }

        /**
         * Records a failure when an exchange of the normal client failed, and its figure; for cases
         * that load the machine so much that waiting is expected, its latency is only reported.
         */
        void checkServed(CaseFindings findings) {
            findings.check(failures.isEmpty() && greeted > 0, "normal client failed: " + this + " " + failures.stream().limit(3).toList());
            findings.figure("normal client", this);
        }

        @Override
        public String toString() {
            return String.format("normal client: %d greeted, %d failed, p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                    greeted, failures.size(), p50Millis, p99Millis, maxMillis);
        }
    }
}
