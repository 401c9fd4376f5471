package io.greetbench.compare;

import io.greetbench.compare.CompareResults.BoundReading;
import io.greetbench.compare.CompareResults.ClosedLoopPoint;
import io.greetbench.compare.CompareResults.Latency;
import io.greetbench.compare.CompareResults.OpenLoopPoint;
import io.greetbench.compare.CompareResults.PercentilePoint;
import io.greetbench.compare.ServerBudget.CpuSample;
import io.greetbench.loadgen.LoadResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * The repeats of one server's points, gathered round by round, and the points they make: the
 * median repeat quoted, the spread between repeats computed and flagged beyond the noise
 * threshold. A repeat keeps only its figures, not its histograms, except that an open-loop point's
 * histograms are merged as its repeats arrive: its percentiles are those of every exchange of
 * every repeat, never an average of the repeats' percentiles. Both sides' CPU readings are summed
 * over the repeats, and who bounded the point is judged from the sum.
 *
 * <p>Threading: confined to the thread that runs the comparison.
 */
final class PointRepeats {

    private PointRepeats() {
    }

    /** One closed-loop concurrency. */
    static final class Closed {

        /** One repeat's figures; the latency is kept whole so the median repeat's can be quoted. */
        private record Repeat(double rate, Latency latency, long serverCpuNanos, long exchanges, long generatorCpuNanos,
                              String invalidReason, String hlog) {
        }

        private final int connections;
        private final List<Repeat> repeats = new ArrayList<>();
        private CpuSample cpu = CpuSample.NONE;

        Closed(int connections) {
            this.connections = connections;
        }

        void add(LoadResult result, long serverCpuNanos, CpuSample sample, String hlog) {
            cpu = cpu.plus(sample);
            repeats.add(new Repeat(result.exchangesPerSecond(), Latency.ofNanos(result.corrected()), serverCpuNanos, result.exchanges(),
                    result.generatorCpuNanos(), result.valid() ? null : result.invalidReason(), hlog));
        }

        boolean isEmpty() {
            return repeats.isEmpty();
        }

        int connections() {
            return connections;
        }

        /** The median of the repeats' rates so far, the figure the point quotes; 0 before any. */
        double medianRate() {
            return median(repeats.stream().map(Repeat::rate).toList());
        }

        /** The point, from the repeats so far; {@code label} names it in a noise warning. */
        ClosedLoopPoint point(String label, double noiseThreshold, RunWarnings warnings, Function<CpuSample, BoundReading> judge) {
            List<Double> rates = repeats.stream().map(Repeat::rate).toList();
            double median = median(rates);
            double spread = spread(rates, median);
            Repeat typical = repeats.stream().min(Comparator.comparingDouble(x -> Math.abs(x.rate() - median))).orElseThrow();
            long exchanges = repeats.stream().mapToLong(Repeat::exchanges).sum();
            long serverCpu = repeats.stream().mapToLong(Repeat::serverCpuNanos).sum();
            long generatorCpu = repeats.stream().mapToLong(Repeat::generatorCpuNanos).sum();
            String invalidReason = repeats.stream().map(Repeat::invalidReason).filter(r -> r != null).findFirst().orElse(null);
            flagNoise(label + " c=" + connections, rates, spread, noiseThreshold, warnings);
            return new ClosedLoopPoint(connections, rates, median, spread, typical.latency(), perThousand(serverCpu, exchanges),
                    exchanges == 0 ? Double.NaN : generatorCpu / 1e3 / exchanges, invalidReason, typical.hlog(), judge.apply(cpu));
        }
    }

    /** One open-loop rate. */
    static final class Open {

        private final double fraction;
        private final double requestedRate;
        private final List<Double> achievedRates = new ArrayList<>();
        private final List<String> hlogs = new ArrayList<>();
        private Histogram corrected;
        private Histogram raw;
        private long serverCpuNanos;
        private long exchanges;
        private String invalidReason;
        private String overloadedReason;
        private CpuSample cpu = CpuSample.NONE;

        Open(double fraction, double requestedRate) {
            this.fraction = fraction;
            this.requestedRate = requestedRate;
        }

        double requestedRate() {
            return requestedRate;
        }

        void add(LoadResult result, long serverCpuNanos, CpuSample sample, String hlog) {
            cpu = cpu.plus(sample);
            if (corrected == null) {
                // Auto-resizing, so a later repeat's slower tail still fits.
                corrected = new Histogram(result.corrected().getNumberOfSignificantValueDigits());
                raw = new Histogram(result.raw().getNumberOfSignificantValueDigits());
            }
            corrected.add(result.corrected());
            raw.add(result.raw());
            achievedRates.add(result.achievedRate());
            hlogs.add(hlog);
            this.serverCpuNanos += serverCpuNanos;
            exchanges += result.exchanges();
            if (invalidReason == null && !result.valid()) {
                invalidReason = result.invalidReason();
            }
            if (overloadedReason == null && result.overloaded()) {
                overloadedReason = result.overloadedReason();
            }
        }

        boolean isEmpty() {
            return achievedRates.isEmpty();
        }

        /** The point, from the repeats so far; {@code label} names it in a noise warning. */
        OpenLoopPoint point(String label, double noiseThreshold, RunWarnings warnings, Function<CpuSample, BoundReading> judge) {
            double median = median(achievedRates);
            double spread = spread(achievedRates, median);
            flagNoise(label + " open loop " + CompareTable.percent(fraction), achievedRates, spread, noiseThreshold, warnings);
            return new OpenLoopPoint(fraction, requestedRate, List.copyOf(achievedRates), median, spread, Latency.ofNanos(corrected),
                    Latency.ofNanos(raw), PercentilePoint.spectrumOfNanos(corrected), perThousand(serverCpuNanos, exchanges), invalidReason,
                    overloadedReason != null, overloadedReason, List.copyOf(hlogs), judge.apply(cpu));
        }
    }

    private static void flagNoise(String point, List<Double> rates, double spread, double threshold, RunWarnings warnings) {
        if (rates.size() > 1 && spread > threshold) {
            warnings.noisy(String.format(Locale.ROOT, "%s %s (%s)", point, CompareTable.percent(spread),
                    String.join(" vs ", rates.stream().map(CompareTable::rate).toList())));
        }
    }

    static double perThousand(long cpuNanos, long exchanges) {
        return exchanges == 0 || cpuNanos < 0 ? Double.NaN : cpuNanos / 1e6 / exchanges * 1_000;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        if (n == 0) {
            return 0;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** (max - min) / median; 0 when the median is 0. */
    static double spread(List<Double> values, double median) {
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        return median > 0 ? (max - min) / median : 0;
    }
}
