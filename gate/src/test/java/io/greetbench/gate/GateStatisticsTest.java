package io.greetbench.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The gate's statistics on synthetic data with fixed seeds: no timing, no servers. */
class GateStatisticsTest {

    private static final double CONFIDENCE = 0.95;
    private static final double THRESHOLD = 0.05;

    /** Per-round figures: a drifting machine level times log-normal noise, times {@code ratio} on the candidate. */
    private static double[][] pairedSeries(long seed, int rounds, double ratio, double noise) {
        Random r = new Random(seed);
        double[] base = new double[rounds];
        double[] cand = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            // The machine drifts by up to ±20% between rounds; pairing must cancel it.
            double level = 40_000 * (1 + 0.2 * Math.sin(i));
            base[i] = level * Math.exp(noise * r.nextGaussian());
            cand[i] = level * ratio * Math.exp(noise * r.nextGaussian());
        }
        return new double[][] {base, cand};
    }

    @Test
    void shouldMatchPublishedStudentTQuantiles() {
        assertEquals(12.7062, GateStatistics.studentTQuantile(0.975, 1), 1e-3);
        assertEquals(2.7764, GateStatistics.studentTQuantile(0.975, 4), 1e-3);
        assertEquals(2.2281, GateStatistics.studentTQuantile(0.975, 10), 1e-3);
        assertEquals(1.6973, GateStatistics.studentTQuantile(0.95, 30), 1e-3);
        assertEquals(1.9600, GateStatistics.studentTQuantile(0.975, 1e6), 1e-3);
        assertEquals(-2.2281, GateStatistics.studentTQuantile(0.025, 10), 1e-3);
    }

    @Test
    void shouldFindKnownRatioInsideItsInterval() {
        double[][] s = pairedSeries(42, 12, 0.85, 0.03);
        GateStatistics.RatioInterval i = GateStatistics.pairedRatio(s[0], s[1], CONFIDENCE);
        assertTrue(i.low() < 0.85 && 0.85 < i.high(), "interval " + i + " should hold 0.85");
        assertEquals(0.85, i.estimate(), 0.02);
        assertEquals(GateVerdict.REGRESSION, GateVerdict.decide(i, GateVerdict.Better.HIGHER, THRESHOLD));
    }

    @Test
    void shouldCoverTrueRatioAtAboutTheNominalRate() {
        // 2,000 synthetic gates of 6 rounds: a percentile bootstrap would cover ~88% here.
        Random seeds = new Random(7);
        int covered = 0;
        int trials = 2_000;
        for (int t = 0; t < trials; t++) {
            double[][] s = pairedSeries(seeds.nextLong(), 6, 0.9, 0.05);
            GateStatistics.RatioInterval i = GateStatistics.pairedRatio(s[0], s[1], CONFIDENCE);
            if (i.low() <= 0.9 && 0.9 <= i.high()) {
                covered++;
            }
        }
        double coverage = covered / (double) trials;
        assertTrue(coverage > 0.93 && coverage < 0.97, "coverage " + coverage);
    }

    @Test
    void shouldPassSameBuildOnBothSides() {
        double[][] s = pairedSeries(1, 10, 1.0, 0.03);
        GateStatistics.RatioInterval i = GateStatistics.pairedRatio(s[0], s[1], CONFIDENCE);
        assertEquals(GateVerdict.PASS, GateVerdict.decide(i, GateVerdict.Better.HIGHER, THRESHOLD), i.toString());
        assertEquals(GateVerdict.PASS, GateVerdict.decide(i, GateVerdict.Better.LOWER, THRESHOLD), i.toString());
    }

    @Test
    void shouldBeInconclusiveWhenSeriesStraddlesThreshold() {
        // 5% slower with 4% noise per round: the interval holds the line at -5% on both sides of it.
        double[][] s = pairedSeries(3, 8, 0.95, 0.04);
        GateStatistics.RatioInterval i = GateStatistics.pairedRatio(s[0], s[1], CONFIDENCE);
        assertTrue(i.low() < 0.95 && i.high() > 0.95, i.toString());
        assertEquals(GateVerdict.INCONCLUSIVE, GateVerdict.decide(i, GateVerdict.Better.HIGHER, THRESHOLD));
    }

    @Test
    void shouldJudgeCostMetricsInTheOtherDirection() {
        double[][] s = pairedSeries(5, 10, 1.15, 0.02);
        GateStatistics.RatioInterval i = GateStatistics.pairedRatio(s[0], s[1], CONFIDENCE);
        assertEquals(GateVerdict.REGRESSION, GateVerdict.decide(i, GateVerdict.Better.LOWER, THRESHOLD));
        // 15% more exchanges per second is an improvement, and improvements pass.
        assertEquals(GateVerdict.PASS, GateVerdict.decide(i, GateVerdict.Better.HIGHER, THRESHOLD));
    }

    @Test
    void shouldCompareUnpairedForksWithWelch() {
        Random r = new Random(11);
        double[] base = new double[5];
        double[] cand = new double[7];
        for (int k = 0; k < base.length; k++) {
            base[k] = 1_000 * Math.exp(0.02 * r.nextGaussian());
        }
        for (int k = 0; k < cand.length; k++) {
            cand[k] = 800 * Math.exp(0.05 * r.nextGaussian());
        }
        GateStatistics.RatioInterval i = GateStatistics.unpairedRatio(base, cand, CONFIDENCE);
        assertTrue(i.low() < 0.8 && 0.8 < i.high(), i.toString());
        assertEquals(5, i.samples());
    }

    @Test
    void shouldRefuseUnusableSamples() {
        assertThrows(IllegalArgumentException.class, () -> GateStatistics.pairedRatio(new double[] {1}, new double[] {1}, CONFIDENCE));
        assertThrows(IllegalArgumentException.class, () -> GateStatistics.pairedRatio(new double[] {1, 0}, new double[] {1, 1}, CONFIDENCE));
        assertThrows(IllegalArgumentException.class, () -> GateStatistics.pairedRatio(new double[] {1, 2}, new double[] {1, 2, 3}, CONFIDENCE));
        assertThrows(IllegalArgumentException.class, () -> GateStatistics.pairedRatio(new double[] {1, Double.NaN}, new double[] {1, 2}, CONFIDENCE));
    }

    @Test
    void shouldNeverPassAnEmptyRun() {
        assertEquals(GateVerdict.INCONCLUSIVE, GateVerdict.combine(List.of()));
        assertEquals(GateVerdict.REGRESSION, GateVerdict.combine(List.of(GateVerdict.PASS, GateVerdict.INCONCLUSIVE, GateVerdict.REGRESSION)));
    }

    @Test
    void shouldGiveASmallRegressionPValueOnlyBeyondTheLine() {
        double[] base = {100, 102, 98, 101, 99};
        double[] worse = {112, 113, 109, 112, 110};
        double[] same = {101, 101, 99, 100, 100};
        // Lower is better (CPU): 11% more is far beyond the 5% line; no change is far on the good side.
        assertTrue(GateStatistics.regressionPValue(base, worse, GateVerdict.Better.LOWER, THRESHOLD) < 0.001);
        assertTrue(GateStatistics.regressionPValue(base, same, GateVerdict.Better.LOWER, THRESHOLD) > 0.99);
        // Higher is better (throughput): the same figures as a gain are no regression, as a loss they are.
        assertTrue(GateStatistics.regressionPValue(base, worse, GateVerdict.Better.HIGHER, THRESHOLD) > 0.99);
        assertTrue(GateStatistics.regressionPValue(worse, base, GateVerdict.Better.HIGHER, THRESHOLD) < 0.001);
        // Exactly on the line with no spread is not beyond it.
        double[] line = {105, 105, 105};
        assertEquals(1.0, GateStatistics.regressionPValue(new double[] {100, 100, 100}, line, GateVerdict.Better.LOWER, THRESHOLD));
    }

    @Test
    void shouldAgreeWithTheIntervalOnTheSameRounds() {
        // A one-sided p-value below (1 - confidence) / 2 is the same event as the interval's lower
        // end above the line: one test, two views.
        for (long seed = 1; seed <= 200; seed++) {
            double[][] s = pairedSeries(seed, 5, 1.09, 0.03);
            GateStatistics.RatioInterval i = GateStatistics.pairedRatio(s[0], s[1], CONFIDENCE);
            boolean beyond = i.low() > 1 + THRESHOLD;
            double p = GateStatistics.regressionPValue(s[0], s[1], GateVerdict.Better.LOWER, THRESHOLD);
            assertEquals(beyond, p < (1 - CONFIDENCE) / 2, "seed " + seed + ": " + i + " p=" + p);
        }
    }

    @Test
    void shouldStepDownInHolmsOrder() {
        // m = 4: the smallest is tested at alpha/4, the next at alpha/3, then alpha/2, then alpha.
        double alpha = 0.05;
        assertEquals(List.of(true, true, false, false), asList(GateStatistics.holm(new double[] {0.012, 0.001, 0.03, 0.2}, alpha)));
        // The order is by p-value, not by position; a miss stops the procedure even if later ones are small enough.
        assertEquals(List.of(false, false, true, false), asList(GateStatistics.holm(new double[] {0.04, 0.04, 0.01, 0.9}, alpha)));
        assertEquals(List.of(false, false), asList(GateStatistics.holm(new double[] {0.026, 0.03}, alpha)));
        assertEquals(List.of(true, true), asList(GateStatistics.holm(new double[] {0.024, 0.05}, alpha)));
        // Holm rejects all Bonferroni does: 0.0125 = 0.05 / 4 is rejected at the first step.
        assertEquals(List.of(true, true, true, true), asList(GateStatistics.holm(new double[] {0.0125, 0.0166, 0.025, 0.05}, alpha)));
        assertEquals(List.of(), asList(GateStatistics.holm(new double[0], alpha)));
    }

    @Test
    void shouldNotCallRegressionWhatOnlyOneUncorrectedLookSees() {
        // Four rounds, CPU about 9% up: the nominal 95% interval lies beyond the 5% line, but over
        // 12 rows and 12 looks the corrected p-value is far from alpha / 12.
        double[] base = {100, 100, 100, 100};
        double[] cand = {107.5, 110.5, 108, 110};
        GateStatistics.RatioInterval i = GateStatistics.pairedRatio(base, cand, CONFIDENCE);
        assertEquals(GateVerdict.REGRESSION, GateVerdict.decide(i, GateVerdict.Better.LOWER, THRESHOLD), i.toString());
        double adjusted = Math.min(1, 12 * GateStatistics.regressionPValue(base, cand, GateVerdict.Better.LOWER, THRESHOLD));
        double[] family = new double[12];
        java.util.Arrays.fill(family, 1);
        family[0] = adjusted;
        assertEquals(false, GateStatistics.holm(family, 1 - CONFIDENCE)[0], "adjusted p " + adjusted);
    }

    private static List<Boolean> asList(boolean[] values) {
        java.util.ArrayList<Boolean> out = new java.util.ArrayList<>();
        for (boolean v : values) {
            out.add(v);
        }
        return out;
    }
}
