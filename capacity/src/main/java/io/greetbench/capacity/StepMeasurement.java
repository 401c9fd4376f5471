package io.greetbench.capacity;

import io.greetbench.harness.BoundBy;
/**
 * What one step of the search measured, before it is judged against the SLO.
 *
 * @param rate                  the constant open-loop rate asked for, exchanges per second
 * @param achievedRate          exchanges started per second in the recorded window
 * @param exchanges             exchanges completed in the recorded window
 * @param percentileNanos       the corrected latency at the SLO's percentile, in nanoseconds
 * @param valid                 whether the load run's numbers can be trusted
 * @param invalidReason         why not, or null when valid
 * @param overloaded            the server did not keep up: exchanges waited for a free connection, or
 *                              more were unfinished at the end than a server meeting the SLO would have
 *                              in flight; those enter the corrected histogram only at what they had waited, a lower bound
 * @param errors                failed exchanges
 * @param generatorUtilization  the generator's whole-process CPU over its allotment, 0-1
 * @param serverUtilization     the server's CPU over its allotment, 0-1, or NaN when not read
 * @param boundBy               which side set the limit
 */
public record StepMeasurement(double rate, double achievedRate, long exchanges, long percentileNanos, boolean valid,
                              String invalidReason, boolean overloaded, long errors, double generatorUtilization,
                              double serverUtilization, BoundBy boundBy) {

    public StepMeasurement {
        if (valid != (invalidReason == null)) {
            throw new IllegalArgumentException("invalidReason must be null exactly when the step is valid");
        }
        if (boundBy == null) {
            throw new IllegalArgumentException("boundBy is required");
        }
    }
}
