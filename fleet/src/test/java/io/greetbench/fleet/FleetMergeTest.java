package io.greetbench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class FleetMergeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TOLERANCE = Duration.ofMillis(100);

    /** A shard summary as {@code load --shard i/N --json} writes it, with its histograms. */
    static ObjectNode shard(int index, int count, Histogram corrected, Histogram raw, double lateMs, boolean valid) {
        ObjectNode s = JSON.createObjectNode();
        s.put("target", "127.0.0.1:8888");
        s.put("workload", "open");
        s.put("connections", 100);
        s.put("exchanges", corrected.getTotalCount());
        s.put("requested_rate", 1000.0);
        s.put("achieved_rate", 999.5);
        s.put("errors_total", 1);
        s.putObject("errors").put("reset", 1);
        s.put("generator_cpu_s", 0.5);
        s.put("start_late_ms", lateMs);
        s.put("valid", valid);
        if (valid) {
            s.putNull("invalid_reason");
        } else {
            s.put("invalid_reason", "the generator fell behind");
        }
        s.putObject("shard").put("index", index).put("count", count);
        s.putObject("histograms").put("corrected", encode(corrected)).put("raw", encode(raw));
        return s;
    }

    static String encode(Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[n];
        buffer.flip();
        buffer.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    static Histogram random(long seed, int count, long scaleNanos) {
        Random r = new Random(seed);
        Histogram h = new Histogram(3);
        for (int i = 0; i < count; i++) {
            h.recordValue(1 + (long) (r.nextExponential() * scaleNanos));
        }
        return h;
    }

    /** Due exchanges and their lower bounds add up; the server is overloaded if any shard saw it; the busiest generator counts. */
    @Test
    void shouldMergeEveryDueExchangeAndTheOverload() {
        Histogram a = random(3, 1_000, 200_000);
        ObjectNode s0 = shard(0, 2, a, a, 1.0, true);
        ObjectNode s1 = shard(1, 2, a, a, 1.0, true);
        s0.put("due", 1_200);
        s1.put("due", 1_100);
        s0.putObject("lower_bounds").put("failed", 1).put("not_started", 150).put("in_flight", 49);
        s1.putObject("lower_bounds").put("failed", 1).put("not_started", 70).put("in_flight", 29);
        s0.put("generator_cpu_utilization", 0.25);
        s1.put("generator_cpu_utilization", 0.7);
        s0.put("overloaded", true).put("overloaded_reason", "the server did not keep up: 199 still due");
        s1.put("overloaded", false).putNull("overloaded_reason");
        ObjectNode merged = FleetMerge.merge(List.of(new ShardReport(0, "h0", s0, null, null), new ShardReport(1, "h1", s1, null, null)),
                2, TOLERANCE);
        assertEquals(2_300, merged.path("due").asLong(), merged::toString);
        assertEquals(220, merged.path("lower_bounds").path("not_started").asLong(), merged::toString);
        assertEquals(78, merged.path("lower_bounds").path("in_flight").asLong(), merged::toString);
        assertEquals(2, merged.path("lower_bounds").path("failed").asLong(), merged::toString);
        assertEquals(0.7, merged.path("generator_cpu_utilization").asDouble(), 1e-9, merged::toString);
        assertTrue(merged.path("overloaded").asBoolean(), merged::toString);
        assertTrue(merged.path("overloaded_reason").asText().startsWith("shard 0 (h0): the server did not keep up"), merged::toString);
        assertTrue(merged.path("valid").asBoolean(), "overloaded is not invalid\n" + merged);
    }

    @Test
    void shouldSumCountsAndTakePercentilesFromTheUnionNeverTheAverage() {
        Histogram a = random(1, 5_000, 200_000);
        Histogram b = random(2, 1_000, 5_000_000);
        List<ShardReport> reports = List.of(
                new ShardReport(0, "h0", shard(0, 2, a, a, 1.0, true), null, null),
                new ShardReport(1, "h1", shard(1, 2, b, b, 3.5, true), null, null));
        ObjectNode merged = FleetMerge.merge(reports, 2, TOLERANCE);
        Histogram union = new Histogram(3);
        union.add(a);
        union.add(b);
        assertEquals(6_000, merged.path("exchanges").asLong());
        assertEquals(2000.0, merged.path("requested_rate").asDouble());
        assertEquals(2, merged.path("errors_total").asLong());
        assertEquals(2, merged.path("errors").path("reset").asLong());
        assertEquals(6_000, merged.path("corrected").path("count").asLong());
        assertEquals(union.getValueAtPercentile(99) / 1e3, merged.path("corrected").path("p99").asDouble(), 0.001);
        double averaged = (a.getValueAtPercentile(99) + b.getValueAtPercentile(99)) / 2e3;
        assertTrue(Math.abs(averaged - merged.path("corrected").path("p99").asDouble()) > 1, "p99 must not be an average");
        assertEquals(2.5, merged.path("start_skew_ms").asDouble(), 1e-9);
        assertTrue(merged.path("valid").asBoolean(), merged::toString);
        assertFalse(merged.path("partial").asBoolean());
        assertEquals(2, merged.path("shards").size());
    }

    @Test
    void shouldBePartialAndNameTheShardThatNeverReported() {
        Histogram a = random(3, 100, 100_000);
        List<ShardReport> reports = new ArrayList<>(List.of(
                new ShardReport(0, "h0", shard(0, 3, a, a, 0, true), null, null),
                ShardReport.failed(2, "h2", "died without a result (exit 137)")));
        ObjectNode merged = FleetMerge.merge(reports, 3, TOLERANCE);
        assertTrue(merged.path("partial").asBoolean());
        assertFalse(merged.path("valid").asBoolean());
        String why = merged.path("invalid_reason").asText();
        assertTrue(why.contains("shard 1: no result") && why.contains("shard 2 (h2): died"), why);
        assertEquals(100, merged.path("exchanges").asLong(), "what did report is still counted");
    }

    @Test
    void shouldInvalidateARunWithALateOrInvalidShard() {
        Histogram a = random(4, 100, 100_000);
        ObjectNode merged = FleetMerge.merge(List.of(
                new ShardReport(0, "h0", shard(0, 2, a, a, 250, true), null, null),
                new ShardReport(1, "h1", shard(1, 2, a, a, 0, false), null, null)), 2, TOLERANCE);
        assertFalse(merged.path("valid").asBoolean());
        assertFalse(merged.path("partial").asBoolean());
        String why = merged.path("invalid_reason").asText();
        assertTrue(why.contains("shard 0 (h0) started 250.0 ms late"), why);
        assertTrue(why.contains("shard 1 (h1) invalid"), why);
    }

    @Test
    void shouldRefuseASummaryWithoutHistograms() {
        ObjectNode s = shard(0, 1, random(5, 10, 1000), random(5, 10, 1000), 0, true);
        s.remove("histograms");
        assertThrows(IllegalArgumentException.class,
                () -> FleetMerge.merge(List.of(new ShardReport(0, "h0", s, null, null)), 1, TOLERANCE));
    }
}
