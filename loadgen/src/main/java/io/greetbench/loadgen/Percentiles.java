package io.greetbench.loadgen;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * A latency histogram (nanoseconds) as the load and merge summaries show it: the percentiles wrk2
 * prints ({@link LoadResult#PERCENTILES}), as a table row on screen, as HdrHistogram's full
 * spectrum, and in JSON in microseconds.
 *
 * <p>Stateless; thread-safe.
 */
public final class Percentiles {

    private Percentiles() {
    }

    /** A percentile (0-100) in nanoseconds; 100 is the maximum, and an empty histogram gives 0. */
    static long valueAt(Histogram histogram, double percentile) {
        if (histogram.getTotalCount() == 0) {
            return 0;
        }
        return percentile >= 100 ? histogram.getMaxValue() : histogram.getValueAtPercentile(percentile);
    }

    /** The column heading and JSON key: {@code p50}, {@code p99.9}, {@code max}. */
    static String name(double percentile) {
        if (percentile >= 100) {
            return "max";
        }
        return "p" + (percentile == Math.rint(percentile) ? Long.toString((long) percentile) : Double.toString(percentile));
    }

    /** The heading line of the table. */
    static void appendHeading(StringBuilder s) {
        s.append(String.format(Locale.ROOT, "  %-10s", "Latency"));
        for (double p : LoadResult.PERCENTILES) {
            s.append(String.format(Locale.ROOT, "%10s", name(p)));
        }
        s.append('\n');
    }

    /** One line of the table: {@code name}, then each percentile as wrk prints latencies. */
    static void appendRow(StringBuilder s, String name, Histogram histogram) {
        s.append(String.format(Locale.ROOT, "  %-10s", name));
        for (double p : LoadResult.PERCENTILES) {
            s.append(String.format(Locale.ROOT, "%10s", LoadResult.formatNanos(valueAt(histogram, p))));
        }
        s.append('\n');
    }

    /** HdrHistogram's percentile distribution, in microseconds, under a title. */
    static void appendSpectrum(StringBuilder s, String title, Histogram histogram) {
        s.append("  Detailed percentile spectrum (").append(title).append("; values in microseconds):\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            histogram.outputPercentileDistribution(out, 5, 1_000.0);
        }
        s.append(bytes.toString(StandardCharsets.UTF_8));
    }

    /** {@code {"count": n, "mean": us, "p50": us, ..., "max": us}}. */
    public static ObjectNode json(Histogram histogram) {
        ObjectNode p = SummaryJson.object();
        p.put("count", histogram.getTotalCount());
        p.set("mean", SummaryJson.decimal(histogram.getTotalCount() == 0 ? 0 : histogram.getMean() / 1e3));
        for (double q : LoadResult.PERCENTILES) {
            p.set(name(q), SummaryJson.decimal(valueAt(histogram, q) / 1e3));
        }
        return p;
    }
}
