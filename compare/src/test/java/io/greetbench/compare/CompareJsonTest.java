package io.greetbench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greetbench.capacity.CapacityResult;
import io.greetbench.compare.CompareResults.BoundReading;
import io.greetbench.compare.CompareResults.ClosedLoopPoint;
import io.greetbench.compare.CompareResults.CpuProfile;
import io.greetbench.compare.CompareResults.HeldResult;
import io.greetbench.compare.CompareResults.Latency;
import io.greetbench.compare.CompareResults.OpenLoopPoint;
import io.greetbench.compare.CompareResults.PercentilePoint;
import io.greetbench.compare.CompareResults.Provenance;
import io.greetbench.compare.CompareResults.RateBasis;
import io.greetbench.compare.CompareResults.ServerResult;
import io.greetbench.compare.CompareResults.WarmUp;
import io.greetbench.harness.BoundBy;
import io.greetbench.harness.CpuBudget.Throttling;
import io.greetbench.harness.JfrProfile;
import io.greetbench.protocol.HandlerWork;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** results.json from a hand-made results model: the field names scripts and docs read, and the values' meaning. */
class CompareJsonTest {

    /** Every object key results.json had when it was hand-written (JsonWriter), for a model like {@link #results}. */
    private static final Set<String> FIELD_NAMES = Set.of("achieved_rate", "closed_loop", "command", "command_line", "concurrencies",
            "connections", "corrected", "corrected_spectrum", "count", "cpu_model", "cpus", "duration", "errors", "exchange_timeout",
            "failure", "finished", "fraction_of_capacity", "gc", "gc_count", "gc_millis", "generator_cpu",
            "generator_cpu_micros_per_exchange", "handler", "handlers", "held", "hlog", "hlogs", "host_stalls", "idle_rss_bytes", "invalid_reason", "jdk",
            "kernel", "latency", "load_average", "max", "median_rate", "memory", "memory_bytes", "micros", "model", "name",
            "noise_threshold", "note", "open_loop", "open_loop_fractions", "p50", "p90", "p99", "p999", "p9999", "peak_open",
            "percentile", "placement", "profile", "provenance", "python", "rates", "raw", "repeat_rates", "repeats", "requested",
            "requested_rate", "rss_before_bytes", "rss_peak_bytes", "rss_per_connection_bytes", "server_cpu",
            "server_cpu_millis_per_thousand", "server_fds_peak", "servers", "settings", "spread", "started", "think", "units",
            "warmup", "warnings",
            // the fair order: warm-up until steady, the open-loop rate basis, repeated open-loop points, the round order
            "warm_up", "seconds", "capped", "slice_costs", "slice_rates", "final_rate", "rate_basis", "rate", "source",
            "repeat_achieved_rates", "warmup_min", "warmup_slice", "warmup_steady_within", "open_loop_repeats", "seed", "round_order",
            // who bounded each point, and the server's CPU budget
            "server_cpu_utilization", "generator_cpu_utilization", "bound_by", "lower_bound", "throttling", "periods",
            "throttled_periods", "throttled_millis", "cpu_budget", "cpu_utilization", "pin", "server_cpus", "server_cpu_quota",
            "cpu_budget_period",
            // the capacity at the SLO, the open loop's rate basis, and overloaded open-loop points
            "capacity", "slo", "text", "limit_us", "failed_at", "reason", "server_judged", "steps", "step", "phase", "exchanges",
            "percentile_us", "valid", "overloaded", "overloaded_reason", "pass", "verdict", "fallback", "capacity_slo",
            "capacity_start_rate", "capacity_growth", "capacity_tolerance", "capacity_max_steps", "capacity_step_duration",
            "capacity_step_warmup",
            // a profiled run of its own per Java server (--cpu-profile), and the setting
            "cpu_profile", "not_profiled", "user_cpu_share", "system_cpu_share", "cpu_micros_per_exchange", "alloc_bytes_per_exchange",
            "sampler", "sample_period_millis", "samples", "top_methods", "method", "share", "jfr_file",
            // map keys: error kinds, and the settings' server command
            "reset", "timeout", "nio");

    /** A knee at 1,000/s: the quick search passes 200, 400 and 800/s and fails at 1,600/s. */
    private static final CapacityResult CAPACITY = Capacities.knee(1_000);

    private static CompareResults results() {
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(100_000L + i * 137L);
        }
        Latency l = Latency.ofNanos(h);
        List<ClosedLoopPoint> closed = List.of(
                new ClosedLoopPoint(64, List.of(1234.5678, 1300.0), 1267.2839, 0.0521, l, 30.123456789, Double.NaN, null, "hlog/a.hlog",
                        new BoundReading(0.7, 0.98, BoundBy.GENERATOR, null)),
                new ClosedLoopPoint(16, List.of(), 0, 0, l, Double.POSITIVE_INFINITY, 1e-7, "late \"x\"\n\t\u0001", "hlog/b.hlog", BoundReading.UNKNOWN));
        List<OpenLoopPoint> open = List.of(new OpenLoopPoint(0.5, 617, List.of(616.9, 617.0), 616.95, 0.0002, l, l, PercentilePoint.spectrumOfNanos(h),
                31, null, true, "exchanges were still due at the end", List.of("hlog/c-r1.hlog", "hlog/c-r2.hlog"), new BoundReading(0.5, 0.6, BoundBy.NEITHER, new Throttling(1500, 300, 120.5))));
        WarmUp warmUp = new WarmUp(64, 3, false, List.of(60.0, 41.0, 40.0), List.of(900.0, 1230.0, 1240.0), 1235);
        HeldResult held = new HeldResult(1000, 999, 1010, 50 << 20, (50 << 20) + 2_000_000,
                HeldResult.perConnection(50 << 20, (50 << 20) + 2_000_000, 999), l, 0, null, "hlog/d.hlog");
        Map<String, Long> errors = new LinkedHashMap<>();
        errors.put("reset", 0L);
        errors.put("timeout", 3L);
        ServerResult measured = new ServerResult("nio", "none", "NIO reactors", "greetbench serve nio", null, warmUp,
                RateBasis.of(CAPACITY, warmUp), CAPACITY, closed, open, held,
                60 << 20, 12, 3, errors, new CpuProfile(null, 64, 120_000, 0, 3.0, 0.4, 0.6, 45.25, 812.5, "jdk.CPUTimeSample", 10, 290,
                List.of(new JfrProfile.MethodSamples("sun.nio.ch.Net.poll", 87, 0.3), new JfrProfile.MethodSamples("io.greetbench.nio.Reactor.run", 29, 0.1)),
                "jfr/nio.jfr"));
        ServerResult failed = new ServerResult("ext", "none", "external command", "x {port}", "did not start", null, null, null, List.of(), List.of(),
                null, -1, -1, -1, Map.of(), CpuProfile.notProfiled(CpuProfile.NO_JVM));
        Map<String, Object> settings = new LinkedHashMap<>(CompareSettings.of(CompareProfile.QUICK, List.of(HandlerWork.NONE)).describe());
        settings.put("servers", Map.of("nio", "greetbench serve nio"));
        settings.put("round_order", List.of(List.of("nio", "ext"), List.of("ext", "nio")));
        Provenance p = new Provenance(Instant.parse("2026-01-01T10:00:00Z"), Instant.parse("2026-01-01T10:03:00.123Z"),
                "compare --servers nio", 2, "cpu", 1L << 34, "6.1", "JDK 25", "Python 3.11", "server on CPU 0", "0.1 0.1 0.1",
                "2 stalls of 0.5 ms or more in 1.0 s, 0.22% of the time, the longest 1.37 ms", settings,
                "server under a CPU quota of 0.5 CPU");
        return new CompareResults(p, List.of(measured, failed), List.of("a <noisy> run"));
    }

    @Test
    void shouldKeepEveryFieldNameOfTheHandWrittenJson() throws Exception {
        JsonNode json = new ObjectMapper().readTree(CompareJson.write(results()));

        Set<String> names = new TreeSet<>();
        collectNames(json, names);
        assertEquals(new TreeSet<>(FIELD_NAMES), names);
    }

    @Test
    void shouldWriteUnmeasurableFiguresAsNullAndKeepEveryValue() throws Exception {
        String text = CompareJson.write(results());
        JsonNode json = new ObjectMapper().readTree(text);

        JsonNode nio = json.get("servers").get(0);
        JsonNode first = nio.get("closed_loop").get(0);
        assertTrue(first.get("generator_cpu_micros_per_exchange").isNull(), "NaN must be null");
        assertTrue(nio.get("closed_loop").get(1).get("server_cpu_millis_per_thousand").isNull(), "infinity must be null");
        assertEquals(1267.28, first.get("median_rate").asDouble());
        assertEquals(1e-7, nio.get("closed_loop").get(1).get("generator_cpu_micros_per_exchange").asDouble());
        assertEquals("late \"x\"\n\t\u0001", nio.get("closed_loop").get(1).get("invalid_reason").asText());
        assertTrue(first.get("invalid_reason").isNull());
        assertEquals(List.of("reset", "timeout"), List.copyOf(fieldNames(nio.get("errors"))));
        assertEquals("2026-01-01T10:03:00.123Z", json.get("provenance").get("finished").asText());
        assertEquals(0.1, json.get("provenance").get("settings").get("noise_threshold").asDouble());
        assertEquals("quick", json.get("provenance").get("settings").get("profile").asText());
        assertTrue(json.get("servers").get(1).get("held").isNull());
        JsonNode openPoint = nio.get("open_loop").get(0);
        assertEquals(0.5, openPoint.get("fraction_of_capacity").asDouble());
        assertTrue(openPoint.get("overloaded").asBoolean());
        assertEquals(CAPACITY.rate(), nio.get("rate_basis").get("rate").asDouble(), "the fraction is of the capacity, recorded beside it");
        assertEquals("capacity at p99=5ms", nio.get("rate_basis").get("source").asText());
        assertFalse(nio.get("rate_basis").get("fallback").asBoolean());
        assertEquals(CAPACITY.rate(), nio.get("capacity").get("rate").asDouble());
        assertEquals(CAPACITY.steps().size(), nio.get("capacity").get("steps").size());
        assertEquals("p99=5ms", nio.get("capacity").get("slo").get("text").asText());
        assertTrue(json.get("servers").get(1).get("capacity").isNull());
        assertEquals(2, openPoint.get("hlogs").size());
        assertTrue(nio.get("warm_up").get("capped").isBoolean());
        assertTrue(json.get("servers").get(1).get("rate_basis").isNull());
        assertEquals("microseconds", json.get("units").get("latency").asText());
        assertTrue(text.endsWith("}\n") && !text.contains("NaN"), text);
    }

    @Test
    void shouldMarkEveryPointWithWhoBoundedItAndAGeneratorBoundPeakAsALowerBound() throws Exception {
        JsonNode nio = new ObjectMapper().readTree(CompareJson.write(results())).get("servers").get(0);

        JsonNode peak = nio.get("closed_loop").get(0);
        assertEquals("generator", peak.get("bound_by").asText());
        assertTrue(peak.get("lower_bound").asBoolean());
        assertEquals(1267.28, peak.get("median_rate").asDouble(), "a lower bound stays a number");
        assertEquals(0.98, peak.get("generator_cpu_utilization").asDouble());
        assertTrue(peak.get("throttling").isNull());
        assertTrue(nio.get("closed_loop").get(1).get("server_cpu_utilization").isNull(), "unknown is null");
        JsonNode open = nio.get("open_loop").get(0);
        assertEquals("neither", open.get("bound_by").asText());
        assertEquals(300, open.get("throttling").get("throttled_periods").asInt());
        assertTrue(CompareTable.text(results()).contains("≥ 1,267"), CompareTable.text(results()));
    }

    @Test
    void shouldWriteEachServersProfileApartWithItsTopMethodsAndSayWhyAnExternalHasNone() throws Exception {
        JsonNode servers = new ObjectMapper().readTree(CompareJson.write(results())).get("servers");

        JsonNode nio = servers.get(0).get("cpu_profile");
        assertTrue(nio.get("not_profiled").isNull(), nio.toString());
        assertEquals(64, nio.get("connections").asInt());
        assertEquals(0.6, nio.get("system_cpu_share").asDouble());
        assertEquals(812.5, nio.get("alloc_bytes_per_exchange").asDouble());
        assertEquals("sun.nio.ch.Net.poll", nio.get("top_methods").get(0).get("method").asText());
        assertEquals(87, nio.get("top_methods").get(0).get("samples").asLong());
        assertEquals("jfr/nio.jfr", nio.get("jfr_file").asText());
        JsonNode ext = servers.get(1).get("cpu_profile");
        assertEquals("no JVM: not profiled", ext.get("not_profiled").asText());
        assertTrue(ext.get("cpu_micros_per_exchange").isNull() && ext.get("top_methods").isEmpty() && ext.get("jfr_file").isNull(), ext.toString());
    }

    @Test
    void shouldFallBackToTheWarmUpRateWhenTheCapacityIsZeroAndSaySo() {
        WarmUp warmUp = new WarmUp(64, 3, false, List.of(40.0, 40.0), List.of(1230.0, 1240.0), 1235);
        CapacityResult zero = Capacities.failsAtFirstStep();

        RateBasis basis = RateBasis.of(zero, warmUp);
        RateBasis none = RateBasis.of(zero, null);

        assertEquals(0, zero.rate());
        assertEquals(1235, basis.rate());
        assertTrue(basis.fallback() && basis.source().startsWith("capacity 0 at p99=5ms, so warm-up: "), basis.source());
        assertEquals(0, none.rate(), "no capacity and no warm-up: no open loop");
        assertEquals("0 (see below)", CompareTable.capacity(zero));
        assertEquals("≥ 1,600", CompareTable.capacity(new CapacityResult(zero.slo(), 1600, true, Double.NaN, zero.steps(), "no step failed")));
        RateBasis bounded = RateBasis.of(new CapacityResult(zero.slo(), 1600, true, Double.NaN, zero.steps(), "no step failed"), warmUp);
        assertTrue(bounded.lowerBound() && !bounded.fallback() && bounded.source().contains("a lower bound"), bounded.source());
    }

    private static void collectNames(JsonNode node, Set<String> names) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                names.add(e.getKey());
                collectNames(e.getValue(), names);
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectNames(child, names));
        }
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> keys = new ArrayList<>();
        object.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
