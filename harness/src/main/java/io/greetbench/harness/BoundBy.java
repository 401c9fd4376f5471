package io.greetbench.harness;

import java.util.Locale;

/**
 * Which side limited a measured figure: the server (it used its CPU allotment, so the rate is the
 * server's), the load generator (it used its CPUs while the server had room, so the rate is only a
 * lower bound of the server's), or neither (both had room: a sleeping handler, too little
 * concurrency, a rate below both limits). {@link #classify} decides from CPU utilizations, each the
 * share of its allotment a side used over the run ({@link #utilization}).
 *
 * <h2>How the thresholds were chosen</h2>
 * Measured on this project's 2-CPU machine (greet-c pinned to CPU 0, load-c on CPU 1, 4 s runs,
 * while other builds shared the machine), utilization as defined in {@link #utilization}:
 * <ul>
 * <li>server saturated under a 0.5 CPU quota, 2 ms period (c=64): server 0.91 of its quota,
 * throttled in 80% of periods; ../shared/MEASURING.md saw 0.82. It reads under 1 because this
 * kernel charges loopback softirq work to whichever task is running, here often the client.</li>
 * <li>server saturated without a quota: 0.98-0.99 (nio, netty, loom in issue 9's run).</li>
 * <li>server with room, under the same quota (c=1, c=4): 0.58-0.71 of its quota, throttled in
 * 18-31% of periods, since its work comes in bursts; without a quota, greet-c while the client
 * was the limit: 0.69-0.71.</li>
 * <li>generator saturated (load-c or greetbench load on one CPU): 0.92-0.99; with room (c=1,
 * c=4): 0.32-0.41.</li>
 * </ul>
 * So a server is the limit when it was throttled in at least half of the periods (a clear gap
 * between 0.31 and 0.80), or, whether or not it had a quota, when it used at least 85% of its
 * allotment (above the 0.71 of a server with room, below the 0.91-0.99 of a saturated one). Else
 * the generator is when it used at least 80% of its CPUs (below the 0.92 of a saturated one,
 * well above the 0.41 of one with room). The server is judged first: when both sides are busy and
 * the server used its allotment, the figure is still the server's. The margins are wide on
 * purpose, since utilization on a shared machine drifts by 15-30% between runs.
 */
public enum BoundBy {

    SERVER, GENERATOR, NEITHER;

    /** A server that used this share of its allotment or more was the limit. */
    public static final double SERVER_SATURATED = 0.85;

    /** A server under a quota that was throttled in this share of periods or more was the limit. */
    public static final double SERVER_THROTTLED = 0.5;

    /** A generator that used this share of its CPUs or more, while the server had room, was the limit. */
    public static final double GENERATOR_SATURATED = 0.8;

    /**
     * Who limited a run without a CPU budget; NaN means unknown, and an unknown side is never
     * named as the limit.
     */
    public static BoundBy classify(double serverUtilization, double generatorUtilization) {
        return classify(serverUtilization, generatorUtilization, Double.NaN);
    }

    /**
     * Who limited a run; {@code throttledShare} is the server cgroup's throttled periods / periods
     * over the run, NaN when it had no budget.
     */
    public static BoundBy classify(double serverUtilization, double generatorUtilization, double throttledShare) {
        if (serverUtilization >= SERVER_SATURATED || throttledShare >= SERVER_THROTTLED) {
            return SERVER;
        }
        if (generatorUtilization >= GENERATOR_SATURATED) {
            return GENERATOR;
        }
        return NEITHER;
    }

    /**
     * CPU time used / (wall time × CPUs allotted): for the server, the allotment is its quota when
     * it has one, else the number of CPUs it may run on; for the generator, the number of CPUs
     * this process may run on. NaN when a reading is missing (negative) or the wall time is zero.
     */
    public static double utilization(long cpuNanos, long wallNanos, double allottedCpus) {
        if (cpuNanos < 0 || wallNanos <= 0 || !(allottedCpus > 0)) {
            return Double.NaN;
        }
        return cpuNanos / (wallNanos * allottedCpus);
    }

    /** The name in JSON and tables: {@code server}, {@code generator}, {@code neither}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
