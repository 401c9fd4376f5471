package io.greetbench.capacity;

/**
 * Runs one step of the search: constant open-loop load at a rate, measured. The search's only
 * contact with the network ({@link LoadStepRunner}), so the bracketing can be tested without it.
 */
@FunctionalInterface
public interface StepRunner {

    StepMeasurement run(double rate);
}
