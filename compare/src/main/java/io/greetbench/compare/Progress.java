package io.greetbench.compare;

import java.io.PrintWriter;

/**
 * What a compare run tells the user while it runs, on stderr: each phase, and each step of a
 * server's measurement before it starts, with the time left. The time left is the plan's remaining seconds scaled by how the run has kept to the
 * plan so far, since start-up, JIT and connection ramp take longer on a busy machine than the plan
 * assumes.
 *
 * <p>Threading: confined to the thread that runs the comparison.
 */
final class Progress {

    private final PrintWriter err;
    private double total;
    private long startNanos;
    private double plannedDone;
    private double plannedCurrent;

    Progress(PrintWriter err) {
        this.err = err;
    }

    /** A line about the whole run. */
    void say(String message) {
        err.println("greetbench compare: " + message);
        err.flush();
    }

    /** A line about one server that is not a step, such as why it failed. */
    void note(String prefix, String message) {
        err.println(prefix + message);
        err.flush();
    }

    /** Starts the clock on a plan of {@code totalSeconds}. */
    void start(double totalSeconds) {
        total = totalSeconds;
        startNanos = System.nanoTime();
        plannedDone = 0;
        plannedCurrent = 0;
    }

    /** Announces a step of one server's measurement, planned to take {@code plannedSeconds}; the previous step is done. */
    void step(String prefix, String what, double plannedSeconds) {
        err.println(prefix + what + " · about " + CompareTable.clock(left()) + " left");
        err.flush();
        plannedDone += plannedCurrent;
        plannedCurrent = plannedSeconds;
    }

    /**
     * The step just announced took {@code seconds} of its plan, not all of it: a warm-up that was
     * steady before its cap. The plan shrinks by the difference.
     */
    void currentStepTook(double seconds) {
        total -= Math.max(0, plannedCurrent - seconds);
        plannedCurrent = Math.min(plannedCurrent, seconds);
    }

    /** Planned steps that will not run, such as the rest of a server that failed. */
    void dropPlanned(double seconds) {
        total -= Math.max(0, seconds);
    }

    private double left() {
        double elapsed = (System.nanoTime() - startNanos) / 1e9;
        double remaining = Math.max(0, total - plannedDone);
        double pace = plannedDone > 5 ? Math.min(3, Math.max(0.5, elapsed / plannedDone)) : 1;
        return remaining * pace;
    }
}
