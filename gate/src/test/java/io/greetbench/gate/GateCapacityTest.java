package io.greetbench.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greetbench.capacity.CapacityResult;
import io.greetbench.capacity.Slo;
import io.greetbench.harness.ToolFailureException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rate of {@code open:<percent>%cap} from a capacity result made by hand: no server, no network. */
class GateCapacityTest {

    private static final Slo SLO = Slo.DEFAULT;
    private static final GateWorkload HALF = GateWorkload.parse("open:50%cap");
    private static final List<GateWorkload> WORKLOADS = List.of(GateWorkload.closed(64), HALF, GateWorkload.parse("open:20%cap"));

    private static CapacityResult found(double rate, boolean lowerBound, String reason) {
        return new CapacityResult(SLO, rate, lowerBound, lowerBound ? Double.NaN : rate * 1.2, List.of(), reason);
    }

    @Test
    void shouldGiveEachCapacityShareItsRateAndLeaveOtherWorkloadsAlone() {
        GateCapacity c = GateCapacity.of("nio", found(7_620, false, "bracketed"), Duration.ofSeconds(18), WORKLOADS);
        assertEquals(Map.of("open:50%cap", 3_810.0, "open:20%cap", 1_524.0), c.rates());
        assertEquals(List.of("open:50%cap", "open:20%cap"), new ArrayList<>(c.rates().keySet()));
        assertEquals(new GateWorkload("open:50%cap", true, 3_810, GateWorkload.Basis.GIVEN), c.resolve(HALF));
        assertEquals(GateWorkload.closed(64), c.resolve(GateWorkload.closed(64)));
        assertEquals(GateWorkload.openShare(0.35), c.resolve(GateWorkload.openShare(0.35)));
        assertEquals("7,620/s", c.rateText());
        // A tiny capacity still gives a schedule of at least one exchange per second.
        assertEquals(1.0, GateCapacity.of("nio", found(1, false, "bracketed"), Duration.ZERO, WORKLOADS).rates().get("open:20%cap"));
    }

    @Test
    void shouldUseALowerBoundAndSayAtLeast() {
        GateCapacity c = GateCapacity.of("loom", found(4_000, true, "the generator was the bound at 8,000/s"), Duration.ofSeconds(9),
                WORKLOADS);
        assertEquals(2_000.0, c.rates().get("open:50%cap"));
        assertEquals("≥ 4,000/s", c.rateText());
    }

    @Test
    void shouldDescribeTheRateOfEveryServerThatWasSearched() {
        Map<String, GateCapacity> byServer = new LinkedHashMap<>();
        assertEquals("open:50%cap of the baseline's capacity at p99=5ms", GateCapacity.describe(HALF, SLO, byServer));
        byServer.put("nio", GateCapacity.of("nio", found(7_620, false, "bracketed"), Duration.ofSeconds(18), WORKLOADS));
        byServer.put("loom", GateCapacity.of("loom", found(4_000, true, "generator"), Duration.ofSeconds(9), WORKLOADS));
        assertEquals("open:50%cap of the baseline's capacity at p99=5ms (nio 3,810/s of 7,620/s, loom 2,000/s of ≥ 4,000/s)",
                GateCapacity.describe(HALF, SLO, byServer));
    }

    @Test
    void shouldFailTheGateInOneLineWhenTheCapacityIsZeroOrUnknown() {
        ToolFailureException zero = assertThrows(ToolFailureException.class, () -> GateCapacity.of("netty",
                found(0, false, "failed at the first step, 200/s: p99 12.1 ms > 5 ms"), Duration.ofSeconds(3), WORKLOADS));
        assertEquals("netty: the baseline's capacity at p99=5ms is 0 (failed at the first step, 200/s: p99 12.1 ms > 5 ms), so "
                + "open:50%cap, open:20%cap has no rate; give a looser --capacity-slo, or a rate as open:<exchanges per second>",
                zero.getMessage());
        ToolFailureException unknown = assertThrows(ToolFailureException.class, () -> GateCapacity.of("nio",
                found(0, true, "the generator was the bound at 200/s"), Duration.ofSeconds(3), WORKLOADS));
        assertTrue(unknown.getMessage().startsWith("nio: the baseline's capacity at p99=5ms is unknown ("), unknown.getMessage());
        assertFalse(unknown.getMessage().contains("\n"), unknown.getMessage());
    }

    @Test
    void shouldWriteTheSearchAndTheRatesUnderTheReportsCapacityObject() throws IOException {
        GateCapacity c = GateCapacity.of("nio", found(7_620, true, "generator"), Duration.ofMillis(18_500), WORKLOADS);
        GateReport report = new GateReport("greetbench gate", Map.of("workload", "open:50%cap"), List.of(), List.of(), List.of(),
                GateVerdict.PASS, 1, false, "", List.of(c));
        JsonNode doc = new ObjectMapper().readTree(report.json(0));
        List<String> fields = new ArrayList<>();
        doc.properties().forEach(f -> fields.add(f.getKey()));
        assertEquals(fields.indexOf("about") + 1, fields.indexOf("capacity"), fields.toString());
        JsonNode nio = doc.get("capacity").get("nio");
        assertEquals(7_620.0, nio.get("rate").asDouble());
        assertTrue(nio.get("lower_bound").asBoolean());
        assertEquals("p99=5ms", nio.get("slo").get("text").asText());
        assertEquals(18.5, nio.get("seconds").asDouble());
        assertEquals(3_810.0, nio.get("rates").get("open:50%cap").asDouble());
        assertTrue(nio.has("steps") && nio.has("reason") && nio.has("failed_at"), nio.toString());
    }
}
