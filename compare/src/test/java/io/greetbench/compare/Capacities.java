package io.greetbench.compare;

import io.greetbench.capacity.CapacityResult;
import io.greetbench.capacity.CapacitySearch;
import io.greetbench.capacity.CapacitySettings;
import io.greetbench.capacity.StepMeasurement;
import io.greetbench.capacity.StepObserver;
import io.greetbench.harness.BoundBy;

/** Capacity results for hand-made models, from the real search over a step runner whose knee is set by construction. */
final class Capacities {

    private Capacities() {
    }

    /** A server that meets the default SLO (p99 1 ms) up to {@code knee} exchanges per second and not above (20 ms). */
    static CapacityResult knee(double knee) {
        return CapacitySearch.search(CapacitySettings.quick(), rate -> new StepMeasurement(rate, rate, (long) rate, rate <= knee ? 1_000_000 : 20_000_000,
                true, null, false, 0, 0.3, rate <= knee ? 0.5 : 0.95, rate <= knee ? BoundBy.NEITHER : BoundBy.SERVER), StepObserver.NONE);
    }

    /** A server that misses the SLO at the first step: capacity 0. */
    static CapacityResult failsAtFirstStep() {
        return knee(1);
    }
}
