package io.greetbench.capacity;

import io.greetbench.harness.BoundBy;
import io.greetbench.loadgen.LoadResult;

/**
 * Decides which side bounded one step. The search only needs a {@link BoundBy} per step; the
 * default is the harness's classifier ({@link BoundBy#classify}, thresholds set by measurement),
 * behind an interface so that another can be tried without touching the search.
 */
@FunctionalInterface
public interface BoundJudge {

    /**
     * The generator when it fell behind its own schedule (see {@link #generatorFellBehind}), else
     * {@link BoundBy#classify}: an unknown server side (NaN, no {@code --pid}) is never named as the
     * limit, so such a step reads {@code generator} or {@code neither}.
     */
    BoundJudge DEFAULT = (load, generator, server, throttledShare) -> generatorFellBehind(load)
            ? BoundBy.GENERATOR
            : BoundBy.classify(server, generator, throttledShare);

    /**
     * @param load                  what the step's load run measured
     * @param generatorUtilization  the generator's whole-process CPU over its CPUs, 0-1
     * @param serverUtilization     the server's CPU over its allotment, 0-1, or NaN when not read
     * @param throttledShare        the server cgroup's throttled periods over its periods in the
     *                              step, or NaN when it had no CPU budget
     */
    BoundBy judge(LoadResult load, double generatorUtilization, double serverUtilization, double throttledShare);

    /**
     * An invalid run with exchanges completed and no errors: what remains of the load generator's
     * invalid reasons are its own (it started exchanges late with connections free, or one of its
     * threads was saturated), not the server's. Such a step must not fail the server: that would
     * present the generator's limit as the server's.
     */
    static boolean generatorFellBehind(LoadResult load) {
        return !load.valid() && load.totalErrors() == 0 && load.exchanges() > 0;
    }
}
