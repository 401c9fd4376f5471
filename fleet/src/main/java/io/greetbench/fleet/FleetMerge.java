package io.greetbench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.greetbench.loadgen.Percentiles;
import io.greetbench.loadgen.SummaryJson;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Merges the {@code load --json} summaries of a fleet's shards into one summary with the same
 * fields, exactly: counts (due exchanges and their lower bounds too), errors and rates are summed;
 * lags and the generators' CPU utilization are the worst shard's; the run is overloaded when any
 * shard saw the server fall behind; the latency percentiles come from the
 * union of the shards' histograms (each summary carries its histograms, compressed), never from
 * averaging percentiles. The merged run is valid only when every shard reported, every shard's
 * run was valid, and every shard started within the tolerance of the common instant; otherwise
 * {@code invalid_reason} names each shard at fault, and a missing shard also makes it
 * {@code partial}.
 *
 * <p>Stateless; thread-safe.
 */
public final class FleetMerge {

    /** The fields whose values the shards share: taken from the first shard. */
    private static final List<String> SHARED = List.of("target", "workload", "io_engine", "duration_s", "warmup_s",
            "timeout_s", "payload_bytes", "half_close", "latency_unit");
    /** The fields that add up over shards. */
    private static final List<String> SUMMED = List.of("connections", "held_connections", "threads", "exchanges",
            "exchanges_per_second", "requested_rate", "achieved_rate", "late", "errors_total", "generator_cpu_s",
            "peak_connections", "unfinished", "due");
    /** The fields where the fleet's value is the worst shard's. */
    private static final List<String> MAXIMUM = List.of("elapsed_s", "generator_lag_p99_us", "generator_lag_max_us",
            "generator_cpu_utilization");
    /** The objects whose every key adds up over shards. */
    private static final List<String> SUMMED_OBJECTS = List.of("errors", "lower_bounds");

    private FleetMerge() {
    }

    /**
     * The merged summary of {@code reports}, which hold one report per shard index that was run
     * (failed ones included), for a fleet of {@code expectedShards}.
     */
    public static ObjectNode merge(List<ShardReport> reports, int expectedShards, Duration startTolerance) {
        List<ShardReport> sorted = new ArrayList<>(reports);
        sorted.sort(Comparator.comparingInt(ShardReport::index));
        List<ShardReport> ok = sorted.stream().filter(ShardReport::ok).toList();
        List<String> problems = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < expectedShards; i++) {
            int index = i;
            ShardReport r = sorted.stream().filter(s -> s.index() == index).findFirst().orElse(null);
            if (r == null) {
                missing.add("shard " + index + ": no result");
            } else if (!r.ok()) {
                missing.add("shard " + index + " (" + r.host() + "): " + r.failure());
            }
        }
        ObjectNode merged = SummaryJson.object();
        if (!ok.isEmpty()) {
            JsonNode first = ok.getFirst().summary();
            for (String f : SHARED) {
                if (first.has(f)) {
                    merged.set(f, first.get(f));
                }
            }
            for (String f : SUMMED) {
                double total = 0;
                boolean whole = true;
                for (ShardReport r : ok) {
                    JsonNode v = r.summary().path(f);
                    total += v.asDouble();
                    whole &= v.isIntegralNumber();
                }
                if (whole) {
                    merged.put(f, (long) total);
                } else {
                    merged.set(f, SummaryJson.decimal(total));
                }
            }
            for (String f : MAXIMUM) {
                merged.set(f, SummaryJson.decimal(ok.stream().mapToDouble(r -> r.summary().path(f).asDouble()).max().orElse(0)));
            }
            long exchanges = merged.path("exchanges").asLong();
            double cpu = merged.path("generator_cpu_s").asDouble();
            merged.set("cpu_per_exchange_us", SummaryJson.decimal(exchanges == 0 ? 0 : cpu * 1e6 / exchanges));
            Histogram corrected = new Histogram(3);
            Histogram raw = new Histogram(3);
            for (ShardReport r : ok) {
                corrected.add(histogram(r, "corrected"));
                raw.add(histogram(r, "raw"));
            }
            merged.set("corrected", Percentiles.json(corrected));
            merged.set("raw", Percentiles.json(raw));
            for (String f : SUMMED_OBJECTS) {
                merged.set(f, summed(ok, f));
            }
            // The server fell behind if it did for any shard: they all offered it their share of the one schedule.
            List<String> overloaded = ok.stream().filter(r -> r.summary().path("overloaded").asBoolean(false))
                    .map(r -> "shard " + r.index() + " (" + r.host() + "): " + r.summary().path("overloaded_reason").asText("")).toList();
            merged.put("overloaded", !overloaded.isEmpty());
            merged.put("overloaded_reason", overloaded.isEmpty() ? null : String.join("; ", overloaded));
        }
        double minLate = Double.MAX_VALUE;
        double maxLate = -Double.MAX_VALUE;
        for (ShardReport r : ok) {
            JsonNode s = r.summary();
            double late = s.path("start_late_ms").asDouble(0);
            minLate = Math.min(minLate, late);
            maxLate = Math.max(maxLate, late);
            if (late > startTolerance.toNanos() / 1e6) {
                problems.add(String.format(Locale.ROOT, "shard %d (%s) started %.1f ms late (tolerance %d ms)",
                        r.index(), r.host(), late, startTolerance.toMillis()));
            }
            if (!s.path("valid").asBoolean(false)) {
                problems.add("shard " + r.index() + " (" + r.host() + ") invalid: " + s.path("invalid_reason").asText("unknown"));
            }
        }
        problems.addAll(0, missing);
        merged.put("valid", problems.isEmpty());
        if (problems.isEmpty()) {
            merged.putNull("invalid_reason");
        } else {
            merged.put("invalid_reason", String.join("; ", problems));
        }
        merged.put("shard_count", expectedShards);
        merged.put("partial", !missing.isEmpty());
        merged.set("start_skew_ms", SummaryJson.decimal(ok.isEmpty() ? 0 : maxLate - minLate));
        ArrayNode shards = merged.putArray("shards");
        for (ShardReport r : sorted) {
            ObjectNode s = shards.addObject();
            s.put("index", r.index());
            s.put("host", r.host());
            if (!r.ok()) {
                s.put("failure", r.failure());
                continue;
            }
            for (String f : List.of("exchanges", "requested_rate", "achieved_rate", "errors_total", "start_late_ms", "valid",
                    "invalid_reason", "overloaded", "io_engine", "connections", "held_connections")) {
                if (r.summary().has(f)) {
                    s.set(f, r.summary().get(f));
                }
            }
            s.set("corrected", r.summary().path("corrected"));
        }
        return merged;
    }

    /** A shard's histogram as carried in its summary: {@code histograms.<which>}, base64 of the compressed encoding. */
    static Histogram histogram(ShardReport r, String which) {
        String encoded = r.summary().path("histograms").path(which).asText("");
        if (encoded.isEmpty()) {
            throw new IllegalArgumentException("shard " + r.index() + ": its summary has no " + which
                    + " histogram (was it run with --shard?)");
        }
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new IllegalArgumentException("shard " + r.index() + ": its " + which + " histogram cannot be decoded: " + e.getMessage(), e);
        }
    }

    /** The object {@code field} of every shard's summary, key by key added up. */
    private static ObjectNode summed(List<ShardReport> ok, String field) {
        Map<String, Long> sums = new TreeMap<>();
        for (ShardReport r : ok) {
            for (Map.Entry<String, JsonNode> e : r.summary().path(field).properties()) {
                sums.merge(e.getKey(), e.getValue().asLong(), Long::sum);
            }
        }
        ObjectNode node = SummaryJson.object();
        sums.forEach(node::put);
        return node;
    }
}
