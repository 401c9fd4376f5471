package io.greetbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code greetbench capacity}, in process, against a loom server in this JVM. Loads are bounded:
 * two steps of 300 ms at most, at a few hundred exchanges a second. A machine busy enough to starve
 * the generator ends a search at a generator-bound step; the tests accept that outcome, checked for
 * what it must say ({@link #endedByTheGenerator}), since it is the command working, not failing.
 */
class CapacityCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] SHORT = {"--start-rate", "100", "--max-steps", "2", "--step-duration", "300ms", "--step-warmup", "100ms"};

    @TempDir
    Path dir;

    @RegisterExtension
    final LoomTarget loom = new LoomTarget();

    private CliRun capacity(String... args) {
        List<String> all = new ArrayList<>(List.of("capacity", "--target", loom.target()));
        all.addAll(List.of(SHORT));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void shouldRejectABadSloInOneLine() {
        CliRun run = CliRun.of("capacity", "--target", "127.0.0.1:1", "--slo", "99th=5");
        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(run.err().lines().findFirst().orElseThrow().contains("--slo must be pPERCENTILE=DURATION"), run::toString);
        assertFalse(run.err().contains("\tat "), () -> "no stack trace\n" + run);
        assertTrue(run.out().isEmpty(), run::toString);
    }

    @Test
    void shouldRejectABadSettingBeforeSendingLoad() {
        CliRun run = CliRun.of("capacity", "--target", "127.0.0.1:1", "--growth", "1");
        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertEquals(List.of("greetbench: --growth must be above 1 and at most 100, got 1.0"), run.err().lines().toList(), run::toString);
    }

    @Test
    @Timeout(60)
    void shouldListTheStepsAndWriteTheJson() throws IOException {
        Path json = dir.resolve("capacity.json");
        long pid = ProcessHandle.current().pid();
        CliRun run = capacity("--slo", "p99=500ms", "--pid", Long.toString(pid), "--json", json.toString());
        JsonNode doc = JSON.readTree(json.toFile());
        JsonNode capacity = doc.get("capacity");
        assertEquals(loom.target(), doc.get("target").asText());
        assertEquals(pid, doc.get("pid").asLong());
        assertEquals(List.of("rate", "slo", "lower_bound", "failed_at", "reason", "server_judged", "steps"), names(capacity));
        assertEquals("p99=500ms", capacity.get("slo").get("text").asText());
        assertTrue(capacity.get("server_judged").asBoolean(), run::toString);
        JsonNode steps = capacity.get("steps");
        assertTrue(steps.size() >= 1 && steps.size() <= 2, run::toString);
        for (JsonNode step : steps) {
            assertTrue(step.get("server_cpu_utilization").isNumber(), step::toString);
            assertTrue(run.out().contains(String.format("step %2d", step.get("step").asInt())), run::toString);
        }
        assertTrue(run.out().contains("server side: pid " + pid), run::toString);
        if (endedByTheGenerator(run, capacity)) {
            return;
        }
        assertEquals(ExitCode.OK.code(), run.code(), run::toString);
        // A loom server meets 500 ms at 100/s and 200/s, so the two steps end the search as a lower bound.
        assertEquals(200, capacity.get("rate").asDouble(), run::toString);
        assertTrue(capacity.get("lower_bound").asBoolean(), run::toString);
        assertTrue(run.out().contains("Capacity at p99=500ms: >= 200/s (a lower bound)"), run::toString);
    }

    @Test
    @Timeout(60)
    void shouldExitWithSloNotMetWhenTheFirstStepFails() throws IOException {
        CliRun run = capacity("--slo", "p99=1us", "--json", "-");
        assertTrue(run.out().contains("server side: not judged (no --pid)"), run::toString);
        String out = run.out();
        JsonNode capacity = JSON.readTree(out.substring(out.indexOf("{\n"))).get("capacity");
        assertEquals(0, capacity.get("rate").asDouble(), run::toString);
        assertTrue(capacity.get("steps").get(0).get("server_cpu_utilization").isNull(), run::toString);
        if (endedByTheGenerator(run, capacity)) {
            return;
        }
        assertEquals(2, capacity.get("steps").size(), "the failed first step and its confirmation: " + run);
        assertEquals("confirm", capacity.get("steps").get(1).get("phase").asText(), run::toString);
        assertEquals(ExitCode.SLO_NOT_MET.code(), run.code(), run::toString);
        assertTrue(capacity.get("reason").asText().startsWith("failed at the first step, 100/s: p99 "), run::toString);
        assertFalse(capacity.get("lower_bound").asBoolean(), run::toString);
    }

    @Test
    void shouldListItsExitCodesInItsHelp() {
        CliRun run = CliRun.of("capacity", "--help");
        assertEquals(ExitCode.OK.code(), run.code(), run::toString);
        assertTrue(run.out().contains("capacity: the SLO was not met even at the first step"), run::toString);
        assertTrue(run.out().contains("(default: p99=5ms)"), run::toString);
    }

    /**
     * A search a busy machine ended at a generator-bound step: a lower bound that says why, exit 0
     * when a step passed before it and 7 when none did.
     */
    private static boolean endedByTheGenerator(CliRun run, JsonNode capacity) {
        JsonNode steps = capacity.get("steps");
        boolean anyGeneratorBound = false;
        for (JsonNode step : steps) {
            anyGeneratorBound |= step.get("bound_by").asText().equals("generator");
        }
        if (!anyGeneratorBound || !capacity.get("lower_bound").asBoolean()) {
            return false;
        }
        assertEquals(capacity.get("rate").asDouble() > 0 ? ExitCode.OK.code() : ExitCode.INVALID_RUN.code(), run.code(), run::toString);
        assertTrue(capacity.get("lower_bound").asBoolean(), run::toString);
        assertTrue(capacity.get("reason").asText().startsWith("the generator was the bound"), run::toString);
        return true;
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
