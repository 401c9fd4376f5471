package io.greetbench.loadgen;

import java.time.Duration;
import java.util.Locale;

/**
 * Receives one {@link Progress} snapshot about every second while a run lasts. Called on the
 * thread that called {@link LoadGenerator#run}, never on a generator thread, so a slow listener
 * delays only the next snapshot, not the load.
 */
@FunctionalInterface
public interface ProgressListener {

    /** Ignores progress. */
    ProgressListener NONE = progress -> { };

    void onProgress(Progress progress);

    /**
     * One interval of a run.
     *
     * @param elapsed          time since the run started, warm-up included
     * @param warmup           true while the warm-up lasts (nothing is recorded yet)
     * @param exchangesPerSecond completed exchanges per second in this interval
     * @param p99Nanos         the 99th percentile of this interval's corrected latency, in ns
     * @param errors           errors in this interval
     * @param openConnections  connections open at the end of the interval
     */
    record Progress(Duration elapsed, boolean warmup, double exchangesPerSecond, long p99Nanos,
                    long errors, int openConnections) {

        /** The line the command line prints on stderr. */
        public String line() {
            return String.format(Locale.ROOT, "%6.1fs %s %10.0f/s  p99 %s  errors %d  open %d",
                    elapsed.toNanos() / 1e9, warmup ? "warmup " : "       ", exchangesPerSecond,
                    LoadResult.formatNanos(p99Nanos), errors, openConnections);
        }
    }
}
