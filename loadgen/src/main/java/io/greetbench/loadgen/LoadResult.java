package io.greetbench.loadgen;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.HdrHistogram.Histogram;

/**
 * What one load run measured. All latencies are in <b>nanoseconds</b>, in both histograms (which
 * is also the unit HdrHistogram's {@code HistogramLogProcessor} assumes by default).
 *
 * <p>The histograms are the run's own copies; callers must not modify them.
 *
 * @param spec               what was run
 * @param exchanges          exchanges completed with the exact greeting inside the recorded window
 * @param elapsed            the recorded window (warm-up excluded); for held connections, from
 *                           the first connect to the last reply
 * @param requestedRate      the open loop's schedule in exchanges per second; 0 for other workloads
 * @param achievedRate       exchanges started per second in the window (the open loop's schedule
 *                           as actually kept); equals {@link #exchangesPerSecond()} otherwise
 * @param corrected          latency from each exchange's intended start (open loop; for held
 *                           connections, the end of the think time, when all are released at
 *                           once), which corrects for coordinated omission; the same as
 *                           {@code raw} for the closed loop, which has no schedule
 * @param raw                latency from each exchange's actual start (the {@code socket()} call;
 *                           for held connections, the write of the request) to the end of the
 *                           greeting: the service time as the client saw it
 * @param errors             failed exchanges by kind, every kind present (zero when none)
 * @param late               open loop: exchanges that started after their intended time because
 *                           every connection was busy (never dropped, only late)
 * @param generatorLagNanos  open loop: the 99th percentile of how late the generator itself started
 *                           exchanges while connections were free (its own CPU, GC, timer slack)
 * @param generatorCpuNanos  CPU time of this whole process (all threads, JIT and GC included) over
 *                           the recorded window
 * @param peakConnections    the most connections open at once
 * @param unfinished         exchanges still in flight (or due but not started) when the run ended
 * @param valid              false when the numbers should not be trusted; see {@code invalidReason}
 * @param invalidReason      why the run is invalid, or null when it is valid
 */
public record LoadResult(
        LoadSpec spec,
        long exchanges,
        Duration elapsed,
        double requestedRate,
        double achievedRate,
        Histogram corrected,
        Histogram raw,
        Map<ErrorKind, Long> errors,
        long late,
        long generatorLagNanos,
        long generatorCpuNanos,
        int peakConnections,
        long unfinished,
        boolean valid,
        String invalidReason) {

    /** The percentiles of the summary and the JSON, as wrk2 prints them. */
    public static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99, 100};

    public LoadResult {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(corrected, "corrected");
        Objects.requireNonNull(raw, "raw");
        EnumMap<ErrorKind, Long> all = new EnumMap<>(ErrorKind.class);
        for (ErrorKind kind : ErrorKind.values()) {
            all.put(kind, errors.getOrDefault(kind, 0L));
        }
        errors = Collections.unmodifiableMap(all);
        if (valid != (invalidReason == null)) {
            throw new IllegalArgumentException("invalidReason must be null exactly when the run is valid");
        }
    }

    /** Completed exchanges per second over the recorded window. */
    public double exchangesPerSecond() {
        long nanos = elapsed.toNanos();
        return nanos <= 0 ? 0 : exchanges * 1e9 / nanos;
    }

    /** All errors of every kind. */
    public long totalErrors() {
        long sum = 0;
        for (long n : errors.values()) {
            sum += n;
        }
        return sum;
    }

    public long errors(ErrorKind kind) {
        return errors.get(kind);
    }

    /** The generator's CPU per completed exchange, in nanoseconds; 0 when nothing completed. */
    public double cpuPerExchangeNanos() {
        return exchanges == 0 ? 0 : (double) generatorCpuNanos / exchanges;
    }

    /** A corrected-latency percentile (0-100) in nanoseconds; 100 is the maximum. */
    public long correctedNanos(double percentile) {
        return valueAt(corrected, percentile);
    }

    /** A raw-latency percentile (0-100) in nanoseconds; 100 is the maximum. */
    public long rawNanos(double percentile) {
        return valueAt(raw, percentile);
    }

    /** A percentile of a nanosecond histogram, in microseconds. */
    public static double micros(Histogram histogram, double percentile) {
        return valueAt(histogram, percentile) / 1_000.0;
    }

    static long valueAt(Histogram histogram, double percentile) {
        if (histogram.getTotalCount() == 0) {
            return 0;
        }
        return percentile >= 100 ? histogram.getMaxValue() : histogram.getValueAtPercentile(percentile);
    }

    /** The wrk2-style report: rate, corrected and raw percentiles, errors, the generator's CPU. */
    public String summary(boolean fullSpectrum) {
        StringBuilder s = new StringBuilder();
        s.append("Running ").append(formatDuration(spec.workload() == Workload.HELD ? elapsed : spec.duration()))
                .append(" test @ ").append(hostPort()).append('\n');
        s.append("  ").append(spec.describe()).append('\n');
        s.append(String.format(Locale.ROOT, "  %-10s", "Latency"));
        for (double p : PERCENTILES) {
            s.append(String.format(Locale.ROOT, "%10s", p == 100 ? "max" : "p" + formatPercentile(p)));
        }
        s.append('\n');
        boolean scheduled = spec.workload() != Workload.CLOSED;
        row(s, scheduled ? "corrected" : "latency", corrected);
        if (scheduled) {
            row(s, "raw", raw);
        }
        if (fullSpectrum) {
            spectrum(s, switch (spec.workload()) {
                case CLOSED -> "from connect to end of reply";
                case OPEN -> "corrected, from intended start";
                case HELD -> "corrected, from the end of the think time";
            }, corrected);
            if (scheduled) {
                spectrum(s, "raw, from actual start", raw);
            }
        }
        s.append(String.format(Locale.ROOT, "  %d exchanges in %s, %d errors%n", exchanges, formatDuration(elapsed), totalErrors()));
        s.append(String.format(Locale.ROOT, "Exchanges/sec: %10.2f%n", exchangesPerSecond()));
        if (spec.workload() == Workload.OPEN) {
            s.append(String.format(Locale.ROOT, "Schedule: requested %.2f/s, achieved %.2f/s, %d late (waited for a free connection), generator lag p99 %s%n",
                    requestedRate, achievedRate, late, formatNanos(generatorLagNanos)));
        }
        if (spec.workload() == Workload.HELD) {
            s.append("Held: peak ").append(peakConnections).append(" connections open at once\n");
        }
        s.append("Errors: ");
        if (totalErrors() == 0) {
            s.append("none");
        } else {
            String sep = "";
            for (var e : errors.entrySet()) {
                if (e.getValue() > 0) {
                    s.append(sep).append(e.getKey().label()).append(' ').append(e.getValue());
                    sep = ", ";
                }
            }
        }
        s.append('\n');
        if (unfinished > 0) {
            s.append("Unfinished at the end: ").append(unfinished).append('\n');
        }
        s.append(String.format(Locale.ROOT, "Generator CPU: %s per exchange (%s in total; whole process, JIT and GC included)%n",
                formatNanos(Math.round(cpuPerExchangeNanos())), formatDuration(Duration.ofNanos(generatorCpuNanos))));
        if (!valid) {
            s.append("INVALID RUN: ").append(invalidReason).append('\n');
        }
        return s.toString();
    }

    private static void row(StringBuilder s, String name, Histogram h) {
        s.append(String.format(Locale.ROOT, "  %-10s", name));
        for (double p : PERCENTILES) {
            s.append(String.format(Locale.ROOT, "%10s", formatNanos(valueAt(h, p))));
        }
        s.append('\n');
    }

    private static void spectrum(StringBuilder s, String title, Histogram h) {
        s.append("  Detailed percentile spectrum (").append(title).append("; values in microseconds):\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            h.outputPercentileDistribution(out, 5, 1_000.0);
        }
        s.append(bytes.toString(StandardCharsets.UTF_8));
    }

    /**
     * The summary as JSON, hand-written to avoid a dependency. Latencies are in microseconds with
     * three decimals (nanosecond resolution); keys are stable for scripts.
     */
    public String toJson() {
        StringBuilder j = new StringBuilder(1024);
        j.append("{\n");
        field(j, "target", quote(hostPort()));
        field(j, "workload", quote(spec.workload().name().toLowerCase(Locale.ROOT)));
        field(j, "connections", Integer.toString(spec.connections()));
        field(j, "held_connections", Integer.toString(spec.heldConnections()));
        field(j, "threads", Integer.toString(spec.threads()));
        field(j, "io_engine", quote(spec.io().label()));
        field(j, "duration_s", num(spec.duration().toNanos() / 1e9));
        field(j, "warmup_s", num(spec.warmup().toNanos() / 1e9));
        field(j, "timeout_s", num(spec.exchangeTimeout().toNanos() / 1e9));
        field(j, "payload_bytes", Integer.toString(spec.payloadLength()));
        field(j, "half_close", Boolean.toString(spec.halfClose()));
        field(j, "elapsed_s", num(elapsed.toNanos() / 1e9));
        field(j, "exchanges", Long.toString(exchanges));
        field(j, "exchanges_per_second", num(exchangesPerSecond()));
        field(j, "requested_rate", num(requestedRate));
        field(j, "achieved_rate", num(achievedRate));
        field(j, "late", Long.toString(late));
        field(j, "generator_lag_p99_us", num(generatorLagNanos / 1e3));
        field(j, "latency_unit", quote("us"));
        field(j, "corrected", percentilesJson(corrected));
        field(j, "raw", percentilesJson(raw));
        StringBuilder e = new StringBuilder("{");
        String sep = "";
        for (var entry : errors.entrySet()) {
            e.append(sep).append(quote(entry.getKey().key())).append(": ").append(entry.getValue());
            sep = ", ";
        }
        field(j, "errors", e.append('}').toString());
        field(j, "errors_total", Long.toString(totalErrors()));
        field(j, "generator_cpu_s", num(generatorCpuNanos / 1e9));
        field(j, "cpu_per_exchange_us", num(cpuPerExchangeNanos() / 1e3));
        field(j, "peak_connections", Integer.toString(peakConnections));
        field(j, "unfinished", Long.toString(unfinished));
        field(j, "valid", Boolean.toString(valid));
        j.append("  \"invalid_reason\": ").append(invalidReason == null ? "null" : quote(invalidReason)).append("\n}\n");
        return j.toString();
    }

    private static String percentilesJson(Histogram h) {
        StringBuilder p = new StringBuilder("{\"count\": ").append(h.getTotalCount());
        p.append(", \"mean\": ").append(num(h.getTotalCount() == 0 ? 0 : h.getMean() / 1e3));
        for (double q : PERCENTILES) {
            p.append(", ").append(quote(q == 100 ? "max" : "p" + formatPercentile(q))).append(": ").append(num(valueAt(h, q) / 1e3));
        }
        return p.append('}').toString();
    }

    private static void field(StringBuilder j, String key, String value) {
        j.append("  ").append(quote(key)).append(": ").append(value).append(",\n");
    }

    private String hostPort() {
        var t = spec.target();
        String host = t.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + t.getPort();
    }

    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String quote(String text) {
        StringBuilder q = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }

    static String formatPercentile(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }

    /** {@code 812.00us}, {@code 1.53ms}, {@code 2.01s}, as wrk prints latencies. */
    public static String formatNanos(long nanos) {
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.2fus", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.2fms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2fs", nanos / 1e9);
    }

    static String formatDuration(Duration d) {
        long nanos = d.toNanos();
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        return formatNanos(nanos);
    }

    static String formatRate(double rate) {
        return rate == Math.rint(rate) ? Long.toString((long) rate) : String.format(Locale.ROOT, "%.2f", rate);
    }
}
