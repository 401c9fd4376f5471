package io.greetbench.gate;

import java.util.Collection;
import java.util.Locale;

/**
 * What the gate concludes about one metric, or about a whole run.
 *
 * <p>The threshold is the verdict line: a change beyond it in the bad direction is a regression.
 * The interval decides, never the point estimate alone, so noise cannot pass for a verdict:
 * <ul>
 *   <li>{@link #REGRESSION}: the whole interval lies beyond the line;
 *   <li>{@link #PASS}: the whole interval lies on the good side of the line (an improvement of any
 *       size is a pass);
 *   <li>{@link #INCONCLUSIVE}: the interval straddles the line.
 * </ul>
 */
public enum GateVerdict {
    PASS,
    REGRESSION,
    INCONCLUSIVE;

    /** Which way a metric gets worse. */
    public enum Better {
        /** Throughput: fewer exchanges per second is a regression. */
        HIGHER,
        /** Cost: more CPU per exchange, more time per operation is a regression. */
        LOWER
    }

    /**
     * The verdict for a ratio interval, with {@code threshold} the fraction of change that is a
     * regression (0.05 = 5%). For HIGHER the line is the ratio {@code 1 - threshold}, for LOWER it is
     * {@code 1 + threshold}: "5% slower" and "5% more CPU" read as people say them.
     */
    public static GateVerdict decide(GateStatistics.RatioInterval interval, Better better, double threshold) {
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1), got " + threshold);
        }
        if (better == Better.HIGHER) {
            double line = 1 - threshold;
            if (interval.high() < line) {
                return REGRESSION;
            }
            return interval.low() > line ? PASS : INCONCLUSIVE;
        }
        double line = 1 + threshold;
        if (interval.low() > line) {
            return REGRESSION;
        }
        return interval.high() < line ? PASS : INCONCLUSIVE;
    }

    /** The verdict of a run: any regression wins, then any inconclusive row; all rows must pass. */
    public static GateVerdict combine(Collection<GateVerdict> verdicts) {
        if (verdicts.isEmpty()) {
            // Nothing was measured: never a pass.
            return INCONCLUSIVE;
        }
        if (verdicts.contains(REGRESSION)) {
            return REGRESSION;
        }
        return verdicts.contains(INCONCLUSIVE) ? INCONCLUSIVE : PASS;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
