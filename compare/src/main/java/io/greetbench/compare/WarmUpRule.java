package io.greetbench.compare;

import java.time.Duration;
import java.util.List;

/**
 * When a server is warm: it is loaded in short slices (closed loop at the highest concurrency)
 * until its CPU per exchange is steady, meaning the last {@value #AGREEING} slices agree within
 * {@code tolerance}, after at least {@code min} and at most {@code cap}. Three, not two: netty,
 * still compiling, passed through 264, 320, 252, 234 µs per exchange, and two of those agree
 * within 10% on the way down to about 40. A fixed warm-up fits no
 * server: netty's JIT needs about 6 s of load (docs/gate.md measured 402, 163, 132, 69, 48, 37 µs
 * per exchange over its first six seconds), while nio is steady after two, and a server measured
 * mid-curve costs more in the first round than in the last. CPU per exchange is the judge, not the
 * rate, because the rate also moves with the generator and the machine while the JIT only moves
 * the cost.
 *
 * <p>A pure function of the slices so far; immutable.
 *
 * @param slice     each slice's load
 * @param min       the least warm-up, even when slices agree sooner: a JIT can plateau
 *                  between compiler tiers
 * @param cap       the most; a server that is not steady by then is measured anyway, with a warning
 * @param tolerance how far apart two consecutive slices may be, as a fraction of the smaller
 */
record WarmUpRule(Duration slice, Duration min, Duration cap, double tolerance) {

    /** How many consecutive slices must agree. */
    static final int AGREEING = 3;

    /** What to do after the slices so far. */
    enum Verdict {
        /** Run another slice. */
        CONTINUE,
        /** The last {@value WarmUpRule#AGREEING} slices agree and the minimum has passed. */
        STEADY,
        /** The cap is reached without agreeing slices. */
        CAPPED
    }

    WarmUpRule {
        if (slice.isNegative() || slice.isZero() || min.isNegative() || cap.compareTo(min) < 0 || !(tolerance > 0)) {
            throw new IllegalArgumentException("warm-up rule needs slice > 0, 0 <= min <= cap and tolerance > 0, got "
                    + slice + ", " + min + ", " + cap + ", " + tolerance);
        }
    }

    /**
     * @param sliceCosts the cost per exchange of each slice so far, in any one unit; NaN (nothing
     *                   completed, or the cost could not be read) never agrees with anything
     */
    Verdict judge(List<Double> sliceCosts) {
        int n = sliceCosts.size();
        Duration elapsed = slice.multipliedBy(n);
        if (n >= AGREEING && elapsed.compareTo(min) >= 0 && agree(sliceCosts.subList(n - AGREEING, n))) {
            return Verdict.STEADY;
        }
        return elapsed.compareTo(cap) >= 0 ? Verdict.CAPPED : Verdict.CONTINUE;
    }

    /** The most slices the cap allows. */
    int maxSlices() {
        return (int) Math.max(1, (cap.toNanos() + slice.toNanos() - 1) / slice.toNanos());
    }

    private boolean agree(List<Double> costs) {
        if (costs.stream().anyMatch(c -> !(c > 0))) {
            return false;
        }
        double max = costs.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double min = costs.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        return max <= min * (1 + tolerance);
    }
}
