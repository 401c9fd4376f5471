package io.greetbench.capacity;

import io.greetbench.harness.BadInputException;
import io.greetbench.loadgen.LoadSpec;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;

/**
 * Every setting of a capacity search, with its defaults as named constants; the compact
 * constructor validates every field and names the option to fix, so a mistake is reported before
 * any load is sent.
 *
 * @param slo             what a step must meet to pass
 * @param startRate       the first step's rate: low enough that every server meets the SLO there
 * @param growth          each growing step's rate over the last one's
 * @param tolerance       the search ends when the first failing rate is within this fraction above
 *                        the last passing one
 * @param maxSteps        the most steps, growing and bisecting together
 * @param stepDuration    each step's recorded window
 * @param stepWarmup      each step's unrecorded lead-in at its rate, so the queue of the step before
 *                        has drained and this rate's queue has formed before anything is recorded
 * @param exchangeTimeout the most one exchange may take before it counts as an error
 */
public record CapacitySettings(Slo slo, double startRate, double growth, double tolerance, int maxSteps,
                               Duration stepDuration, Duration stepWarmup, Duration exchangeTimeout) {

    public static final Slo DEFAULT_SLO = Slo.DEFAULT;
    /**
     * A fifth of the slowest server in compare's lineup (the Python asyncio peer manages about
     * 1,000/s here; the fast servers about 20,000/s), so that every server meets the SLO at the first
     * step and a failure there means something is wrong, not that the start was too high.
     */
    public static final double DEFAULT_START_RATE = 200;
    /** Doubling reaches a 20,000/s server from 200/s in seven steps and leaves a bracket of 2x to bisect. */
    public static final double DEFAULT_GROWTH = 2;
    /** 10%: about what repeated runs of one server spread on a quiet machine; finer is noise. */
    public static final double DEFAULT_TOLERANCE = 0.10;
    /** Seven or eight growing steps to a fast server's knee and three bisections, with room to spare. */
    public static final int DEFAULT_MAX_STEPS = 14;
    /** Tens of thousands of exchanges at a fast server's knee: a stable p99. */
    public static final Duration DEFAULT_STEP_DURATION = Duration.ofSeconds(3);
    public static final Duration DEFAULT_STEP_WARMUP = Duration.ofSeconds(1);
    public static final Duration DEFAULT_EXCHANGE_TIMEOUT = LoadSpec.DEFAULT_EXCHANGE_TIMEOUT;

    public static final int MAX_STEPS = 100;

    public CapacitySettings {
        Objects.requireNonNull(slo, "slo");
        Objects.requireNonNull(stepDuration, "stepDuration");
        Objects.requireNonNull(stepWarmup, "stepWarmup");
        Objects.requireNonNull(exchangeTimeout, "exchangeTimeout");
        if (!(startRate > 0) || startRate > LoadSpec.MAX_RATE) {
            throw invalid("--start-rate", "must be above 0 and at most " + (long) LoadSpec.MAX_RATE + " exchanges per second, got " + startRate);
        }
        if (!(growth > 1) || growth > 100) {
            throw invalid("--growth", "must be above 1 and at most 100, got " + growth);
        }
        if (!(tolerance > 0) || tolerance > 10) {
            throw invalid("--tolerance", "must be above 0% and at most 1000%, got " + BigDecimal.valueOf(tolerance * 100).stripTrailingZeros().toPlainString() + "%");
        }
        if (maxSteps < 1 || maxSteps > MAX_STEPS) {
            throw invalid("--max-steps", "must be between 1 and " + MAX_STEPS + ", got " + maxSteps);
        }
        if (stepDuration.isNegative() || stepDuration.isZero()) {
            throw invalid("--step-duration", "must be > 0, got " + stepDuration);
        }
        if (stepWarmup.isNegative()) {
            throw invalid("--step-warmup", "must be >= 0, got " + stepWarmup);
        }
        if (exchangeTimeout.isNegative() || exchangeTimeout.isZero()) {
            throw invalid("--timeout", "must be > 0, got " + exchangeTimeout);
        }
    }

    /** Every setting at its default. */
    public static CapacitySettings defaults() {
        return new CapacitySettings(DEFAULT_SLO, DEFAULT_START_RATE, DEFAULT_GROWTH, DEFAULT_TOLERANCE, DEFAULT_MAX_STEPS,
                DEFAULT_STEP_DURATION, DEFAULT_STEP_WARMUP, DEFAULT_EXCHANGE_TIMEOUT);
    }

    /**
     * For a short profile (compare's quick one): 1 s steps after 500 ms of warm-up, a 25% bracket
     * and at most twelve steps (failed steps run twice), about 20 s a server instead of about 50 s.
     */
    public static CapacitySettings quick() {
        return new CapacitySettings(DEFAULT_SLO, DEFAULT_START_RATE, DEFAULT_GROWTH, 0.25, 12,
                Duration.ofSeconds(1), Duration.ofMillis(500), DEFAULT_EXCHANGE_TIMEOUT);
    }

    public CapacitySettings withSlo(Slo s) {
        return new CapacitySettings(s, startRate, growth, tolerance, maxSteps, stepDuration, stepWarmup, exchangeTimeout);
    }

    private static BadInputException invalid(String option, String rule) {
        return new BadInputException(option + " " + rule);
    }
}
