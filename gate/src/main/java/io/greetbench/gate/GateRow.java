package io.greetbench.gate;

import java.util.Arrays;

/**
 * One row of a gate's result: one server (or JMH benchmark) and one metric, with every sample of
 * both sides, the interval and the verdict. Immutable; the arrays are copied in and out.
 *
 * @param subject   the server ({@code nio}) or the JMH benchmark with its parameters
 * @param metric    what was measured, e.g. {@code exchanges/s}
 * @param unit      the unit of the samples
 * @param better    which way is better
 * @param paired    true when sample i of both sides ran in the same round
 * @param baseline  per-round (or per-fork) values of the baseline
 * @param candidate per-round (or per-fork) values of the candidate
 * @param interval  the candidate/baseline ratio with its confidence interval
 * @param threshold the verdict line as a fraction (0.05 = 5%)
 * @param verdict   the verdict for this row
 * @param regressionP the row's one-sided p-value of a regression beyond the line, multiplied by
 *                  the planned looks and the smallest it reached; what Holm's procedure ranks.
 *                  NaN where the verdict came from the interval alone (JMH files)
 */
public record GateRow(String subject, String metric, String unit, GateVerdict.Better better, boolean paired,
                      double[] baseline, double[] candidate, GateStatistics.RatioInterval interval,
                      double threshold, GateVerdict verdict, double regressionP) {

    public GateRow {
        baseline = baseline.clone();
        candidate = candidate.clone();
    }

    /** Computes the interval and verdict from the samples. */
    public static GateRow of(String subject, String metric, String unit, GateVerdict.Better better, boolean paired,
                             double[] baseline, double[] candidate, double threshold, double confidence) {
        GateStatistics.RatioInterval interval = paired
                ? GateStatistics.pairedRatio(baseline, candidate, confidence)
                : GateStatistics.unpairedRatio(baseline, candidate, confidence);
        return new GateRow(subject, metric, unit, better, paired, baseline, candidate, interval, threshold,
                GateVerdict.decide(interval, better, threshold), Double.NaN);
    }

    /** The same row with another verdict, e.g. inconclusive for too few rounds. */
    public GateRow withVerdict(GateVerdict newVerdict) {
        return new GateRow(subject, metric, unit, better, paired, baseline, candidate, interval, threshold, newVerdict, regressionP);
    }

    /** The same row with the p-value its family-wise verdict came from. */
    public GateRow withRegressionP(double p) {
        return new GateRow(subject, metric, unit, better, paired, baseline, candidate, interval, threshold, verdict, p);
    }

    @Override
    public double[] baseline() {
        return baseline.clone();
    }

    @Override
    public double[] candidate() {
        return candidate.clone();
    }

    public int samples() {
        return Math.min(baseline.length, candidate.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GateRow r && subject.equals(r.subject) && metric.equals(r.metric)
                && unit.equals(r.unit) && better == r.better && paired == r.paired
                && Arrays.equals(baseline, r.baseline) && Arrays.equals(candidate, r.candidate)
                && interval.equals(r.interval) && threshold == r.threshold && verdict == r.verdict
                && Double.compare(regressionP, r.regressionP) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * subject.hashCode() + metric.hashCode()) + Arrays.hashCode(baseline) + Arrays.hashCode(candidate);
    }

    @Override
    public String toString() {
        return subject + " " + metric + ": " + verdict.label() + " " + interval;
    }
}
