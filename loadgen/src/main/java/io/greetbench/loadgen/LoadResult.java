package io.greetbench.loadgen;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.greetbench.protocol.HostPort;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
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
 *                           (open loop: intended to start in it)
 * @param elapsed            the recorded window (warm-up excluded); for held connections, from
 *                           the first connect to the last reply
 * @param requestedRate      the open loop's schedule in exchanges per second; 0 for other workloads
 * @param achievedRate       exchanges started per second in the window (the open loop's schedule
 *                           as actually kept); equals {@link #exchangesPerSecond()} otherwise
 * @param corrected          latency from each exchange's intended start (open loop; for held
 *                           connections, the end of the think time, when all are released at
 *                           once), which corrects for coordinated omission; the same as
 *                           {@code raw} for the closed loop, which has no schedule. The open loop
 *                           records every due exchange here once: a failed or unfinished one at a
 *                           lower bound (see {@code due})
 * @param raw                latency from each exchange's actual start (the {@code socket()} call;
 *                           for held connections, the write of the request) to the end of the
 *                           greeting: the service time as the client saw it, completed exchanges only
 * @param errors             failed exchanges by kind, every kind present (zero when none)
 * @param late               open loop: exchanges that started after their intended time because
 *                           every connection was busy (never dropped, only late)
 * @param generatorLagNanos  open loop: the 99th percentile of how late the generator itself started
 *                           exchanges while connections were free (its own CPU, GC, timer slack)
 * @param generatorLagMaxNanos open loop: the maximum of the same
 * @param generatorCpuNanos  CPU time of this whole process (all threads, JIT and GC included) over
 *                           the recorded window
 * @param generatorCpuUtilization that CPU time over the window's wall time and the CPUs the
 *                           generator may use, 0 to 1: near 1, the figures are the generator's limit
 * @param peakConnections    the most connections open at once
 * @param unfinished         exchanges still in flight (or due but not started) when the run ended
 * @param due                open loop: exchanges whose intended start lies in the recorded window,
 *                           rate times duration; each is in {@code corrected} once: completed at
 *                           its latency, failed at (failure - intended start), not started or in
 *                           flight at the end at (end - intended start), the last three lower
 *                           bounds. 0 for the other workloads
 * @param notStarted         open loop: due exchanges never started when the run ended
 * @param inFlight           open loop: due exchanges started and still unanswered when it ended
 * @param overloadedReason   open loop: why the server did not keep up (timeouts, exchanges still
 *                           due at the end, a long wait for a free connection), or null; an
 *                           overloaded run is valid, its latencies are the server's
 * @param valid              false when the numbers should not be trusted; see {@code invalidReason}
 * @param invalidReason      why the run is invalid, or null when it is valid
 * @param startLate          how late the run began after its {@code --start-at} instant, or null
 *                           when it had none
 * @param recordingStartEpochMillis when the recorded window began, by this machine's clock
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
        long generatorLagMaxNanos,
        long generatorCpuNanos,
        double generatorCpuUtilization,
        int peakConnections,
        long unfinished,
        long due,
        long notStarted,
        long inFlight,
        String overloadedReason,
        boolean valid,
        String invalidReason,
        Duration startLate,
        long recordingStartEpochMillis) {

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

    /** Open loop: the server did not keep up with the schedule ({@link #overloadedReason} says how). */
    public boolean overloaded() {
        return overloadedReason != null;
    }

    /** Open loop: due exchanges in the corrected histogram at a lower bound (failed, not started, in flight). */
    public long lowerBounds() {
        return spec.workload() == Workload.OPEN ? due - exchanges : 0;
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
        return Percentiles.valueAt(corrected, percentile);
    }

    /** A raw-latency percentile (0-100) in nanoseconds; 100 is the maximum. */
    public long rawNanos(double percentile) {
        return Percentiles.valueAt(raw, percentile);
    }

    /** A percentile of a nanosecond histogram, in microseconds. */
    public static double micros(Histogram histogram, double percentile) {
        return Percentiles.valueAt(histogram, percentile) / 1_000.0;
    }

    /** A histogram in HdrHistogram's compressed encoding, base64: exact, and what HistogramLogReader reads too. */
    static String encoded(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }

    /** The wrk2-style report: rate, corrected and raw percentiles, errors, the generator's CPU. */
    public String summary(boolean fullSpectrum) {
        StringBuilder s = new StringBuilder();
        s.append("Running ").append(formatDuration(spec.workload() == Workload.HELD ? elapsed : spec.duration()))
                .append(" test @ ").append(hostPort()).append('\n');
        s.append("  ").append(spec.describe()).append('\n');
        Percentiles.appendHeading(s);
        boolean scheduled = spec.workload() != Workload.CLOSED;
        Percentiles.appendRow(s, scheduled ? "corrected" : "latency", corrected);
        if (scheduled) {
            Percentiles.appendRow(s, "raw", raw);
        }
        if (fullSpectrum) {
            Percentiles.appendSpectrum(s, switch (spec.workload()) {
                case CLOSED -> "from connect to end of reply";
                case OPEN -> "corrected, from intended start";
                case HELD -> "corrected, from the end of the think time";
            }, corrected);
            if (scheduled) {
                Percentiles.appendSpectrum(s, "raw, from actual start", raw);
            }
        }
        s.append(String.format(Locale.ROOT, "  %d exchanges in %s, %d errors%n", exchanges, formatDuration(elapsed), totalErrors()));
        s.append(String.format(Locale.ROOT, "Exchanges/sec: %10.2f%n", exchangesPerSecond()));
        if (spec.workload() == Workload.OPEN) {
            s.append(String.format(Locale.ROOT, "Schedule: requested %.2f/s, achieved %.2f/s, %d late (waited for a free connection), generator lag p99 %s, max %s%n",
                    requestedRate, achievedRate, late, formatNanos(generatorLagNanos), formatNanos(generatorLagMaxNanos)));
            s.append(String.format(Locale.ROOT, "Due: %d, all in corrected: %d completed, %d lower bounds (%d failed, %d not started, %d in flight at the end)%n",
                    due, exchanges, lowerBounds(), lowerBounds() - notStarted - inFlight, notStarted, inFlight));
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
        if (unfinished > 0 && spec.workload() != Workload.OPEN) {
            s.append("Unfinished at the end: ").append(unfinished).append('\n');
        }
        s.append(String.format(Locale.ROOT, "Generator CPU: %s per exchange (%s in total; whole process, JIT and GC included), %.0f%% of the CPUs it may use%n",
                formatNanos(Math.round(cpuPerExchangeNanos())), formatDuration(Duration.ofNanos(generatorCpuNanos)), generatorCpuUtilization * 100));
        if (overloaded()) {
            s.append("OVERLOADED (a valid result): ").append(overloadedReason).append('\n');
        }
        if (!valid) {
            s.append("INVALID RUN: ").append(invalidReason).append('\n');
        }
        return s.toString();
    }

    /**
     * The summary as JSON: latencies in microseconds, seconds and rates with three decimals; the
     * keys are stable for scripts.
     */
    public String toJson() {
        return SummaryJson.text(json());
    }

    /** The summary as one line of JSON: what {@code --json -} prints last, for a collector that reads logs. */
    public String toJsonLine() {
        return SummaryJson.line(json());
    }

    /** Writes {@link #toJson} to {@code file}, creating its directory. */
    public void writeJson(Path file) throws IOException {
        SummaryJson.write(file, json());
    }

    private ObjectNode json() {
        ObjectNode j = SummaryJson.object();
        j.put("target", hostPort());
        j.put("workload", spec.workload().name().toLowerCase(Locale.ROOT));
        j.put("connections", spec.connections());
        j.put("held_connections", spec.heldConnections());
        j.put("threads", spec.threads());
        j.put("io_engine", spec.io().label());
        j.set("duration_s", SummaryJson.decimal(spec.duration().toNanos() / 1e9));
        j.set("warmup_s", SummaryJson.decimal(spec.warmup().toNanos() / 1e9));
        j.set("timeout_s", SummaryJson.decimal(spec.exchangeTimeout().toNanos() / 1e9));
        j.put("payload_bytes", spec.payloadLength());
        j.put("half_close", spec.halfClose());
        j.set("elapsed_s", SummaryJson.decimal(elapsed.toNanos() / 1e9));
        j.put("exchanges", exchanges);
        j.set("exchanges_per_second", SummaryJson.decimal(exchangesPerSecond()));
        j.set("requested_rate", SummaryJson.decimal(requestedRate));
        j.set("achieved_rate", SummaryJson.decimal(achievedRate));
        j.put("late", late);
        j.set("generator_lag_p99_us", SummaryJson.decimal(generatorLagNanos / 1e3));
        j.set("generator_lag_max_us", SummaryJson.decimal(generatorLagMaxNanos / 1e3));
        j.put("latency_unit", "us");
        j.set("corrected", Percentiles.json(corrected));
        j.set("raw", Percentiles.json(raw));
        ObjectNode e = j.putObject("errors");
        errors.forEach((kind, count) -> e.put(kind.key(), count));
        j.put("errors_total", totalErrors());
        j.set("generator_cpu_s", SummaryJson.decimal(generatorCpuNanos / 1e9));
        j.set("generator_cpu_utilization", SummaryJson.decimal(generatorCpuUtilization));
        j.set("cpu_per_exchange_us", SummaryJson.decimal(cpuPerExchangeNanos() / 1e3));
        j.put("peak_connections", peakConnections);
        j.put("unfinished", unfinished);
        j.put("due", due);
        ObjectNode bounds = j.putObject("lower_bounds");
        bounds.put("failed", lowerBounds() - notStarted - inFlight);
        bounds.put("not_started", notStarted);
        bounds.put("in_flight", inFlight);
        j.put("overloaded", overloaded());
        j.put("overloaded_reason", overloadedReason);
        j.put("valid", valid);
        j.put("invalid_reason", invalidReason);
        if (spec.startAt() != null) {
            j.put("start_at_ms", spec.startAt().toEpochMilli());
            j.set("start_late_ms", SummaryJson.decimal(startLate.toNanos() / 1e6));
        }
        if (spec.shard() != null) {
            // A fleet's merge adds the histograms themselves: percentiles cannot be merged.
            ObjectNode shard = j.putObject("shard");
            shard.put("index", spec.shard().index());
            shard.put("count", spec.shard().count());
            j.put("recording_start_ms", recordingStartEpochMillis);
            ObjectNode histograms = j.putObject("histograms");
            histograms.put("encoding", "HdrHistogram compressed, base64, nanoseconds");
            histograms.put("corrected", encoded(corrected));
            histograms.put("raw", encoded(raw));
        }
        return j;
    }

    /** The target as it would be typed, by address: {@code 127.0.0.1:8888}, {@code [::1]:8888}. */
    private String hostPort() {
        return new HostPort(spec.target().getAddress().getHostAddress(), spec.target().getPort()).toString();
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
