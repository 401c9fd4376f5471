package io.greetbench.gate;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gate's statistics: a confidence interval for the ratio candidate / baseline of one metric.
 *
 * <p><b>Why log ratios and Student's t, not a percentile bootstrap.</b> Throughput and CPU noise is
 * multiplicative (a busy neighbour slows a round by some percent, whatever the figure), so the
 * interval is built on {@code log(candidate / baseline)} and reported as a geometric-mean ratio.
 * The gate decides after few rounds (its first look is after
 * {@link GateSettings#DEFAULT_MIN_ROUNDS}; the calibrated runs of docs/gate.md decided after 4 to
 * 6); at such sizes the percentile bootstrap is known to be too narrow (its coverage is roughly
 * that of a z interval with n instead of n − 1, e.g. ~88% instead of 95% at n = 6), which would
 * turn noise into false alarms. Student's t on the log ratios has exact
 * coverage when the noise is log-normal, widens honestly when there are few rounds, and needs no
 * random numbers, so a verdict is reproducible from the per-round values alone.
 *
 * <p><b>Paired or not.</b> The gate's own rounds are paired: both sides run back to back in the same
 * round, so the machine's drift over the job cancels in each round's ratio. Two JMH result files
 * are not paired (their forks ran at different times), so their per-fork scores are compared with
 * Welch's t on the logs, which does not assume equal spread on both sides.
 *
 * <p><b>Family-wise control.</b> A gate checks many rows (servers × workloads × metrics) and
 * looks at each after every round, so a 95% interval per row and per look would raise false
 * alarms for the whole gate well above 5%. A regression is therefore claimed from a one-sided
 * p-value per row ({@link #regressionPValue}), multiplied by the planned number of looks (a
 * Bonferroni split over rounds {@code minRounds..maxRounds}: valid whatever the correlation of the
 * looks and whenever the budget stops them), and the rows' p-values go through Holm's step-down
 * ({@link #holm}). By the union bound and closed testing, the chance that any row of an unchanged
 * build is called a regression stays at most the family's alpha, even for a true change right at
 * the line. A <em>pass</em> needs no correction (it claims no alarm) and keeps the nominal
 * interval, so an unchanged build passes as fast as before; what the correction costs is a
 * regression that needs a round or two more to be proved.
 *
 * <p>Stateless; every method is a pure function (t quantiles are memoized, which changes no
 * result).
 */
public final class GateStatistics {

    /** Memo of {@link #studentTQuantile}: the gate asks for the same few (p, df) after every round. */
    private static final Map<QuantileKey, Double> QUANTILES = new ConcurrentHashMap<>();
    private static final int QUANTILE_MEMO_LIMIT = 4096;

    private record QuantileKey(double p, double df) {
    }

    private GateStatistics() {
    }

    /**
     * A ratio candidate / baseline with its confidence interval.
     *
     * @param estimate   the geometric-mean ratio
     * @param low        lower end of the interval
     * @param high       upper end of the interval
     * @param confidence two-sided confidence level, e.g. 0.95
     * @param samples    rounds (paired) or the smaller side's forks (unpaired)
     */
    public record RatioInterval(double estimate, double low, double high, double confidence, int samples) {

        public RatioInterval {
            if (!(low <= estimate && estimate <= high)) {
                throw new IllegalArgumentException("interval [" + low + ", " + high + "] does not hold " + estimate);
            }
        }

        /** {@code ratio - 1} as a signed fraction: -0.1 is 10% lower than the baseline. */
        public double change() {
            return estimate - 1;
        }

        public double changeLow() {
            return low - 1;
        }

        public double changeHigh() {
            return high - 1;
        }
    }

    /**
     * The interval for paired samples: {@code candidate[i] / baseline[i]} is round i's ratio.
     *
     * @throws IllegalArgumentException with fewer than 2 rounds, different lengths, or a value that
     *                                  is not a positive finite number
     */
    public static RatioInterval pairedRatio(double[] baseline, double[] candidate, double confidence) {
        if (baseline.length != candidate.length) {
            throw new IllegalArgumentException("baseline has " + baseline.length + " rounds, candidate " + candidate.length);
        }
        requireUsable(baseline, "baseline");
        requireUsable(candidate, "candidate");
        requireConfidence(confidence);
        int n = baseline.length;
        double[] logRatios = new double[n];
        for (int i = 0; i < n; i++) {
            logRatios[i] = Math.log(candidate[i]) - Math.log(baseline[i]);
        }
        double mean = mean(logRatios);
        double sd = Math.sqrt(variance(logRatios, mean));
        double halfWidth = studentTQuantile(1 - (1 - confidence) / 2, n - 1) * sd / Math.sqrt(n);
        return new RatioInterval(Math.exp(mean), Math.exp(mean - halfWidth), Math.exp(mean + halfWidth), confidence, n);
    }

    /**
     * The interval for independent samples (JMH forks): ratio of geometric means, Welch's t with
     * the Welch–Satterthwaite degrees of freedom.
     */
    public static RatioInterval unpairedRatio(double[] baseline, double[] candidate, double confidence) {
        requireUsable(baseline, "baseline");
        requireUsable(candidate, "candidate");
        requireConfidence(confidence);
        double[] logBase = logs(baseline);
        double[] logCand = logs(candidate);
        double meanBase = mean(logBase);
        double meanCand = mean(logCand);
        double vb = variance(logBase, meanBase) / logBase.length;
        double vc = variance(logCand, meanCand) / logCand.length;
        double se = Math.sqrt(vb + vc);
        double diff = meanCand - meanBase;
        double halfWidth;
        if (se == 0) {
            halfWidth = 0;
        } else {
            double df = (vb + vc) * (vb + vc)
                    / (vb * vb / (logBase.length - 1) + vc * vc / (logCand.length - 1));
            halfWidth = studentTQuantile(1 - (1 - confidence) / 2, df) * se;
        }
        return new RatioInterval(Math.exp(diff), Math.exp(diff - halfWidth), Math.exp(diff + halfWidth), confidence,
                Math.min(baseline.length, candidate.length));
    }

    /**
     * The one-sided p-value of "the candidate is worse than the line" for paired samples: the null
     * is that the true ratio lies on the good side of the line ({@code 1 - threshold} when higher is
     * better, {@code 1 + threshold} when lower is better), tested with Student's t on the log ratios.
     * Small when the rounds put the ratio far beyond the line; 1 when they cannot say.
     *
     * @throws IllegalArgumentException as {@link #pairedRatio}
     */
    public static double regressionPValue(double[] baseline, double[] candidate, GateVerdict.Better better, double threshold) {
        if (baseline.length != candidate.length) {
            throw new IllegalArgumentException("baseline has " + baseline.length + " rounds, candidate " + candidate.length);
        }
        requireUsable(baseline, "baseline");
        requireUsable(candidate, "candidate");
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1), got " + threshold);
        }
        int n = baseline.length;
        double[] logRatios = new double[n];
        for (int i = 0; i < n; i++) {
            logRatios[i] = Math.log(candidate[i]) - Math.log(baseline[i]);
        }
        double mean = mean(logRatios);
        double se = Math.sqrt(variance(logRatios, mean) / n);
        // How far beyond the line, in the bad direction, the mean lies.
        double beyond = better == GateVerdict.Better.HIGHER ? Math.log(1 - threshold) - mean : mean - Math.log(1 + threshold);
        if (se == 0) {
            return beyond > 0 ? 0 : 1;
        }
        return 1 - studentTCdf(beyond / se, n - 1);
    }

    /**
     * Holm's step-down over {@code pValues} at family-wise level {@code alpha}: sorted ascending,
     * the k-th smallest (from 0) is rejected while it is at most {@code alpha / (m - k)}; the first
     * that is not stops the procedure. Controls the family-wise error at {@code alpha} whatever the
     * dependence between the tests, and rejects everything Bonferroni does and often more.
     *
     * @return true at the index of every rejected hypothesis
     */
    public static boolean[] holm(double[] pValues, double alpha) {
        Integer[] order = new Integer[pValues.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(pValues[a], pValues[b]));
        boolean[] rejected = new boolean[pValues.length];
        int m = pValues.length;
        for (int k = 0; k < m; k++) {
            if (!(pValues[order[k]] <= alpha / (m - k))) {
                break;
            }
            rejected[order[k]] = true;
        }
        return rejected;
    }

    /** The median; for reporting the typical per-round value of one side. */
    public static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** The p-quantile of Student's t distribution with {@code df} degrees of freedom, for p in (0, 1). */
    public static double studentTQuantile(double p, double df) {
        if (!(p > 0 && p < 1) || !(df > 0)) {
            throw new IllegalArgumentException("p must be in (0, 1) and df > 0, got p=" + p + " df=" + df);
        }
        if (p == 0.5) {
            return 0;
        }
        if (p < 0.5) {
            return -studentTQuantile(1 - p, df);
        }
        QuantileKey key = new QuantileKey(p, df);
        Double known = QUANTILES.get(key);
        if (known != null) {
            return known;
        }
        double q = searchStudentTQuantile(p, df);
        if (QUANTILES.size() < QUANTILE_MEMO_LIMIT) {
            QUANTILES.put(key, q);
        }
        return q;
    }

    private static double searchStudentTQuantile(double p, double df) {
        // Bisection on the CDF: monotone, and 200 halvings reach double precision from any bracket.
        double lo = 0;
        double hi = 1;
        while (studentTCdf(hi, df) < p) {
            hi *= 2;
            if (hi > 1e12) {
                return hi;
            }
        }
        for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
            double mid = (lo + hi) / 2;
            if (studentTCdf(mid, df) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** P(T <= t) for Student's t with {@code df} degrees of freedom. */
    public static double studentTCdf(double t, double df) {
        double x = df / (df + t * t);
        double tail = 0.5 * regularizedIncompleteBeta(x, df / 2, 0.5);
        return t >= 0 ? 1 - tail : tail;
    }

    /** I_x(a, b), by the continued fraction of Numerical Recipes (2nd ed., §6.4). */
    static double regularizedIncompleteBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
        // The fraction converges fast only below the mean; use the symmetry I_x(a,b) = 1 - I_{1-x}(b,a).
        if (x < (a + 1) / (a + b + 2)) {
            return front * betaContinuedFraction(x, a, b) / a;
        }
        return 1 - front * betaContinuedFraction(1 - x, b, a) / b;
    }

    private static double betaContinuedFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 10_000; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + aa * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + aa * d;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = 1 + aa / c;
            c = Math.abs(c) < tiny ? tiny : c;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-15) {
                break;
            }
        }
        return h;
    }

    /** log Γ(x) for x > 0, Lanczos approximation (g = 7, n = 9), accurate to ~1e-15. */
    static double logGamma(double x) {
        if (x < 0.5) {
            // Reflection: Γ(x)Γ(1-x) = π / sin(πx).
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7};
        double z = x - 1;
        double sum = g[0];
        for (int i = 1; i < g.length; i++) {
            sum += g[i] / (z + i);
        }
        double t = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }

    private static void requireUsable(double[] values, String side) {
        if (values.length < 2) {
            throw new IllegalArgumentException(side + " needs at least 2 samples, has " + values.length);
        }
        for (double v : values) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(side + " has a sample that is not a positive number: " + v);
            }
        }
    }

    private static void requireConfidence(double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
    }

    private static double[] logs(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.log(values[i]);
        }
        return out;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static double variance(double[] values, double mean) {
        double sum = 0;
        for (double v : values) {
            sum += (v - mean) * (v - mean);
        }
        return sum / (values.length - 1);
    }
}
