package io.greetbench.capacity;

import io.greetbench.loadgen.LoadResult;

/**
 * Decides which side bounded one step. The plug-in point for a classifier with measured
 * thresholds (the harness CPU budget's): the search only needs a {@link BoundBy} per step.
 */
@FunctionalInterface
public interface BoundJudge {

    /**
     * A side that used this share of its CPU allotment or more is taken as saturated. Below 1
     * because loopback TCP work runs in softirq context, charged to whichever task is running: a
     * server measured saturated under a 0.5-CPU quota read 0.41 (82%), so a threshold near 100%
     * would call saturated sides idle. A stand-in until the thresholds are set by measurement.
     */
    double DEFAULT_SATURATED_SHARE = 0.75;

    /** The default: by CPU share, generator first, since its limit must never pass for the server's. */
    BoundJudge DEFAULT = byCpuShare(DEFAULT_SATURATED_SHARE);

    /**
     * @param load                  what the step's load run measured
     * @param generatorUtilization  the generator's whole-process CPU over its allotment, 0-1
     * @param serverUtilization     the server's CPU over its allotment, 0-1, or NaN when not read
     */
    BoundBy judge(LoadResult load, double generatorUtilization, double serverUtilization);

    /**
     * Generator when its share reaches {@code saturated} or the run says it fell behind its own
     * schedule; then server when its share reaches {@code saturated}; else neither (or
     * {@link BoundBy#NOT_GENERATOR} when the server was not read). The generator is checked first:
     * when both look busy, the step is not trusted as the server's.
     */
    static BoundJudge byCpuShare(double saturated) {
        return (load, generator, server) -> {
            if (generator >= saturated || generatorFellBehind(load)) {
                return BoundBy.GENERATOR;
            }
            if (Double.isNaN(server)) {
                return BoundBy.NOT_GENERATOR;
            }
            return server >= saturated ? BoundBy.SERVER : BoundBy.NEITHER;
        };
    }

    /**
     * An invalid run with exchanges completed and no errors: what remains of the load generator's
     * invalid reasons are its own (it started exchanges late with connections free, or one of its
     * threads was saturated), not the server's.
     */
    static boolean generatorFellBehind(LoadResult load) {
        return !load.valid() && load.totalErrors() == 0 && load.exchanges() > 0;
    }

    /**
     * The generator's whole-process CPU (GC and JIT included) over the recorded window, as a share
     * of the CPUs this process may use. The one place this is computed, until the load result
     * reports it itself.
     */
    static double generatorUtilization(LoadResult load) {
        long window = load.elapsed().toNanos();
        return window <= 0 ? 0 : (double) load.generatorCpuNanos() / (window * (double) Runtime.getRuntime().availableProcessors());
    }
}
