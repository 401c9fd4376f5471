package io.greetbench.loadgen;

/**
 * Runs one load run described by a {@link LoadSpec}.
 */
public final class LoadGenerator {

    private LoadGenerator() {
    }

    /**
     * Runs the load and returns what it measured. Always returns: every connect and exchange has a
     * deadline, so a dead or stalled server yields errors, never a hang.
     *
     * @throws UnreachableTargetException when the target cannot be connected to before the run
     */
    public static LoadResult run(LoadSpec spec, ProgressListener progress) throws UnreachableTargetException {
        throw new UnsupportedOperationException("the event loop lands in the next commit");
    }
}
