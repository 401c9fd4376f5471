package io.greetbench.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateReportTest {

    private static final int EXIT = 3;

    private static GateReport report() {
        GateRow tput = GateRow.of("nio", GateRounds.THROUGHPUT, "exchanges/s", GateVerdict.Better.HIGHER, true,
                new double[] {30_000, 31_000, 29_500}, new double[] {27_000, 27_500, 26_800}, 0.05, 0.95);
        GateRow cpu = GateRow.of("nio", GateRounds.SERVER_CPU, "µs", GateVerdict.Better.LOWER, true,
                new double[] {25, 24.5, 25.2}, new double[] {25.1, 24.4, 25.3}, 0.05, 0.95);
        GateRow p99 = GateRow.of("nio open:35%", GateRounds.P99, "µs", GateVerdict.Better.LOWER, true,
                new double[] {410, 395, 402}, new double[] {5_100, 5_050, 5_210}, 0.20, 0.95)
                .withRegressionP(0.0004);
        List<GateRounds.RoundRecord> rounds = List.of(
                new GateRounds.RoundRecord("nio", 1, GateRounds.Side.CANDIDATE, List.of(
                        new GateRounds.WorkloadSamples("closed:64", new GateRounds.Sample(30_000, 25_000, Double.NaN),
                                new GateRounds.Sample(27_000, 25_100, Double.NaN)),
                        new GateRounds.WorkloadSamples("open:35%", new GateRounds.Sample(10_500, 31_000, 410_000),
                                new GateRounds.Sample(10_500, 31_200, 5_100_000))), Duration.ofSeconds(17), Duration.ZERO));
        Map<String, String> about = new LinkedHashMap<>();
        about.put("baseline", "/tmp/a|b.jar");
        about.put("candidate", "a \"quoted\"\tname\n");
        return new GateReport("greetbench gate", about, List.of(tput, cpu, p99), rounds, List.of(),
                GateVerdict.combine(List.of(tput.verdict(), cpu.verdict(), p99.verdict())), 66, false,
                "5% for the whole gate: Holm over 3 rows", List.of());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.properties().forEach(field -> names.add(field.getKey()));
        return names;
    }

    @Test
    void shouldPrintOneRowPerServerAndMetric() {
        String table = report().table(EXIT);
        assertTrue(table.contains("exchanges/s") && table.contains("server CPU/exchange"), table);
        assertTrue(table.contains("-10.2% [-12.8%, -7.4%]"), table);
        assertTrue(table.contains("verdict: REGRESSION") && table.contains("exit 3"), table);
        assertTrue(table.contains("nio open:35%  p99 latency") && table.contains("+20%"), table);
        assertTrue(table.contains("family-wise 5% for the whole gate: Holm over 3 rows"), table);
        assertEquals(6, table.lines().count(), table);
    }

    @Test
    void shouldWriteEveryRoundValueToJsonUnderTheDocumentedNames() throws IOException {
        JsonNode doc = new ObjectMapper().readTree(report().json(EXIT));
        assertEquals(List.of("title", "verdict", "exitCode", "elapsedSeconds", "budgetExhausted", "familyWise", "about", "rows",
                "rounds", "unmatched"), fieldNames(doc));
        assertEquals("5% for the whole gate: Holm over 3 rows", doc.get("familyWise").asText());
        assertEquals("regression", doc.get("verdict").asText());
        assertEquals(EXIT, doc.get("exitCode").asInt());
        assertEquals("/tmp/a|b.jar", doc.get("about").get("baseline").asText());
        assertEquals("a \"quoted\"\tname\n", doc.get("about").get("candidate").asText());
        JsonNode row = doc.get("rows").get(0);
        assertEquals(List.of("subject", "metric", "unit", "better", "paired", "samples", "baselineMedian", "candidateMedian",
                "ratio", "ratioLow", "ratioHigh", "confidence", "threshold", "verdict", "regressionP", "baseline", "candidate"),
                fieldNames(row));
        assertTrue(row.get("regressionP").isNull(), "not computed for a row made by hand: " + row);
        assertEquals("higher", row.get("better").asText());
        assertEquals(3, row.get("samples").asInt());
        List<Double> baseline = new ArrayList<>();
        row.get("baseline").forEach(v -> baseline.add(v.asDouble()));
        assertEquals(List.of(30_000.0, 31_000.0, 29_500.0), baseline);
        JsonNode latency = doc.get("rows").get(2);
        assertEquals("p99 latency", latency.get("metric").asText());
        assertEquals("regression", latency.get("verdict").asText());
        assertEquals(0.2, latency.get("threshold").asDouble());
        assertEquals(0.0004, latency.get("regressionP").asDouble());
        // One entry per server, round and workload.
        assertEquals(2, doc.get("rounds").size());
        JsonNode round = doc.get("rounds").get(0);
        assertEquals(List.of("server", "workload", "round", "first", "seconds", "baseline", "candidate"), fieldNames(round));
        assertEquals("closed:64", round.get("workload").asText());
        assertEquals("candidate", round.get("first").asText());
        assertEquals(17.0, round.get("seconds").asDouble());
        assertEquals(List.of("exchangesPerSecond", "serverCpuNanosPerExchange", "correctedP99Nanos"), fieldNames(round.get("candidate")));
        assertEquals(27_000.0, round.get("candidate").get("exchangesPerSecond").asDouble());
        assertTrue(round.get("candidate").get("correctedP99Nanos").isNull(), "a closed loop has no p99 row: " + round);
        assertEquals(5_100_000.0, doc.get("rounds").get(1).get("candidate").get("correctedP99Nanos").asDouble());
        assertTrue(doc.get("unmatched").isArray() && doc.get("unmatched").isEmpty());
    }

    @Test
    void shouldEscapeMarkdownTableCells() {
        String md = report().markdown(EXIT);
        assertTrue(md.contains("| nio | exchanges/s |"), md);
        assertTrue(md.contains("**regression**"), md);
        assertTrue(md.startsWith("### ❌"), md);
        assertTrue(md.contains("| nio open:35% | p99 latency |"), md);
        assertTrue(md.contains("Family-wise 5% for the whole gate: Holm over 3 rows."), md);
    }
}
