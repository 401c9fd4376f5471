package io.greetbench.capacity;

/**
 * Told about each step as soon as it is judged, on the thread running the search, so a command
 * can print the search as it goes.
 */
@FunctionalInterface
public interface StepObserver {

    StepObserver NONE = step -> { };

    void onStep(CapacityStep step);
}
