package io.greetbench.loadgen;

/**
 * The moments of one run, on the {@link System#nanoTime()} scale, shared by the generator threads
 * and the thread that runs {@link LoadGenerator#run}. Fixed before the workers start, except
 * {@link #releaseNanos} (held connections: when the think time ends) and {@link #stop}, which
 * the coordinating thread sets.
 */
final class Timeline {

    final long startNanos;
    final long measureStartNanos;
    final long measureEndNanos;
    /**
     * Open loop: in-flight and overdue exchanges may finish until this moment, one exchange timeout
     * after the window; what is still due then is recorded at a lower bound, the wait until now.
     */
    final long drainEndNanos;
    volatile long releaseNanos = Long.MAX_VALUE;
    volatile boolean stop;

    Timeline(long startNanos, long measureStartNanos, long measureEndNanos, long drainEndNanos) {
        this.startNanos = startNanos;
        this.measureStartNanos = measureStartNanos;
        this.measureEndNanos = measureEndNanos;
        this.drainEndNanos = drainEndNanos;
    }
}
