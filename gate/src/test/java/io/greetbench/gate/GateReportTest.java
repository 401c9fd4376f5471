package io.greetbench.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateReportTest {

    private static GateReport report() {
        GateRow tput = GateRow.of("nio", GateRounds.THROUGHPUT, "exchanges/s", GateVerdict.Better.HIGHER, true,
                new double[] {30_000, 31_000, 29_500}, new double[] {27_000, 27_500, 26_800}, 0.05, 0.95);
        GateRow cpu = GateRow.of("nio", GateRounds.SERVER_CPU, "µs", GateVerdict.Better.LOWER, true,
                new double[] {25, 24.5, 25.2}, new double[] {25.1, 24.4, 25.3}, 0.05, 0.95);
        List<GateRounds.RoundRecord> rounds = List.of(
                new GateRounds.RoundRecord("nio", 1, GateRounds.Side.CANDIDATE,
                        new GateRounds.Sample(30_000, 25_000), new GateRounds.Sample(27_000, 25_100), Duration.ofSeconds(11)));
        Map<String, String> about = new LinkedHashMap<>();
        about.put("baseline", "/tmp/a|b.jar");
        GateReport r = new GateReport("greetbench gate", about, List.of(tput, cpu), rounds, List.of(),
                GateVerdict.combine(List.of(tput.verdict(), cpu.verdict())), 3, 66, false);
        return r;
    }

    @Test
    void shouldPrintOneRowPerServerAndMetric() {
        String table = report().table();
        assertTrue(table.contains("exchanges/s") && table.contains("server CPU/exchange"), table);
        assertTrue(table.contains("-10.2% [-12.8%, -7.4%]"), table);
        assertTrue(table.contains("verdict: REGRESSION"), table);
        assertEquals(4, table.lines().count(), table);
    }

    @Test
    void shouldWriteEveryRoundValueToJson() {
        String json = report().json();
        // JmhResults' parser is a strict JSON reader: the document must parse.
        assertTrue(JmhResults.parseJson(json) instanceof Map<?, ?>, json);
        assertTrue(json.contains("\"exchangesPerSecond\": 27000"), json);
        assertTrue(json.contains("\"baseline\": [30000, 31000, 29500]"), json);
        assertTrue(json.contains("\"baseline\": \"/tmp/a|b.jar\""), json);
        assertTrue(json.contains("\"verdict\": \"regression\""), json);
    }

    @Test
    void shouldEscapeMarkdownTableCells() {
        String md = report().markdown();
        assertTrue(md.contains("| nio | exchanges/s |"), md);
        assertTrue(md.contains("**regression**"), md);
        assertTrue(md.startsWith("### ❌"), md);
    }
}
