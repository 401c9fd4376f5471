package io.greetbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code greetbench compare} in-process, end to end on two servers and one that cannot start, with
 * tiny settings: the lineup runs in shuffled rounds from the seed, the failed server does not stop
 * the others, every output is written and holds the measured servers; user mistakes are usage
 * errors before anything runs.
 * Timings are never asserted.
 */
class CompareCommandTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void shouldMeasureTheLineupInShuffledRoundsAndWriteTableJsonLogsAndReport() throws IOException {
        Path out = dir.resolve("run");
        CliRun run = CliRun.of("compare", "--servers", "nio,loom", "--external", "dead=exit 3 {port}", "--pin", "none",
                "--warmup", "600ms", "--duration", "400ms", "--repeats", "2", "--open-loop-repeats", "2", "--concurrency", "4",
                "--open-loop", "50", "--held", "20", "--think", "200ms", "--capacity-steps", "2", "--capacity-step-duration", "200ms",
                "--seed", "7", "--out", out.toString());

        assertEquals(ExitCode.OK.code(), run.code(), run.toString());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("nio ") && !l.contains("failed")), run.toString());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("loom ") && !l.contains("failed")), run.toString());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("dead ") && l.contains("failed")), run.toString());
        String text = Files.readString(out.resolve("results.json"));
        assertTrue(text.contains("\"closed_loop\"") && text.contains("\"held\"") && text.contains("\"placement\"") && text.contains("\"units\""), text);
        assertTrue(text.contains("\"profile\": \"quick\"") && text.contains("\"noise_threshold\": 0.1")
                && text.contains("\"exchange_timeout\": \"2s\"") && text.contains("\"handlers\": [ \"none\" ]"), text);
        assertTrue(text.contains("\"bound_by\"") && text.contains("\"server_cpu_utilization\"") && text.contains("\"generator_cpu_utilization\"")
                && text.contains("\"lower_bound\"") && text.contains("\"cpu_budget\": \"no CPU budget (--pin none)\""), text);
        assertTrue(run.out().contains("server CPU: not pinned: --pin none; no CPU budget (--pin none)"), run.toString());
        JsonNode json = new ObjectMapper().readTree(text);
        JsonNode settings = json.get("provenance").get("settings");
        assertEquals(7, settings.get("seed").asLong());
        JsonNode order = settings.get("round_order");
        assertEquals(2, order.size(), text);
        for (JsonNode round : order) {
            List<String> names = new ArrayList<>();
            round.forEach(n -> names.add(n.asText()));
            assertEquals(List.of("dead", "loom", "nio"), names.stream().sorted().toList(), "every server once per round: " + order);
        }
        for (JsonNode server : json.get("servers")) {
            if (server.get("name").asText().equals("dead")) {
                assertTrue(server.get("failure").asText().contains("exited"), server.toString());
                continue;
            }
            assertEquals(2, server.get("closed_loop").get(0).get("repeat_rates").size(), server.toString());
            JsonNode capacity = server.get("capacity");
            assertEquals("p99=5ms", capacity.get("slo").get("text").asText(), server.toString());
            assertTrue(capacity.get("steps").size() >= 1 && capacity.get("steps").size() <= 2, "--capacity-steps 2: " + capacity);
            assertTrue(capacity.get("rate").isNumber() && capacity.get("steps").get(0).has("verdict"), capacity.toString());
            // The capacity is the basis unless it was 0 or unknown on a busy machine; either way the JSON says which.
            JsonNode basis = server.get("rate_basis");
            assertEquals(capacity.get("rate").asDouble() == 0, basis.get("fallback").asBoolean(), basis.toString());
            JsonNode open = server.get("open_loop").get(0);
            assertEquals(0.5, open.get("fraction_of_capacity").asDouble());
            assertTrue(open.get("overloaded").isBoolean(), open.toString());
            assertEquals(Math.max(1, Math.round(server.get("rate_basis").get("rate").asDouble() * 0.5)), open.get("requested_rate").asLong());
            assertEquals(2, open.get("repeat_achieved_rates").size(), server.toString());
            assertEquals(2, open.get("hlogs").size(), server.toString());
            assertTrue(server.get("warm_up").get("slice_costs").size() >= 1, server.toString());
        }
        assertTrue(run.out().lines().anyMatch(l -> l.contains("capacity @p99≤5ms")), run.toString());
        assertTrue(run.err().contains("[nio]   step  1 grow") && run.err().contains("searching each server's capacity"), run.toString());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<svg") && html.contains("Corrected latency at 50%"), "report without charts");
        assertTrue(html.contains("<h2>Capacity at p99=5ms</h2>") && Files.exists(out.resolve("charts").resolve("capacity-nio.svg"))
                && Files.exists(out.resolve("charts").resolve("capacity-loom.svg")), "report without the capacity charts");
        try (Stream<Path> logs = Files.list(out.resolve("hlog"))) {
            assertEquals(2 * (2 + 2 + 1), logs.filter(p -> p.toString().endsWith(".hlog")).count(),
                    "per server, one log per closed and open run of each round and one for the held run");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldProfileEachJavaServerInARunOfItsOwnAndSayWhyAnExternalIsNot() throws IOException {
        Path out = dir.resolve("profiled");
        CliRun run = CliRun.of("compare", "--servers", "nio", "--external", "dead=exit 3 {port}", "--pin", "none", "--cpu-profile",
                "--warmup", "600ms", "--duration", "300ms", "--repeats", "1", "--concurrency", "4", "--open-loop", "50", "--held", "0",
                "--capacity-steps", "1", "--capacity-step-duration", "200ms", "--seed", "3", "--out", out.toString());

        assertEquals(ExitCode.OK.code(), run.code(), run.toString());
        JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
        assertTrue(json.get("provenance").get("settings").get("cpu_profile").asBoolean(), json.toString());
        JsonNode nio = json.get("servers").get(0).get("cpu_profile");
        assertTrue(nio.get("not_profiled").isNull(), nio.toString());
        assertEquals(4, nio.get("connections").asInt(), "profiled at its peak's concurrency");
        assertTrue(nio.get("exchanges").asLong() > 0 && nio.get("samples").asLong() >= 0, nio.toString());
        assertEquals("jdk.CPUTimeSample", nio.get("sampler").asText(), "JDK 25 samples by CPU time: " + nio);
        for (String field : new String[] {"user_cpu_share", "system_cpu_share", "cpu_micros_per_exchange", "alloc_bytes_per_exchange"}) {
            assertTrue(nio.get(field).isNumber(), field + " in " + nio);
        }
        assertEquals(1.0, nio.get("user_cpu_share").asDouble() + nio.get("system_cpu_share").asDouble(), 1e-3, nio.toString());
        for (JsonNode m : nio.get("top_methods")) {
            assertTrue(m.get("method").isTextual() && m.get("samples").asLong() > 0 && m.get("share").asDouble() <= 1, m.toString());
        }
        assertTrue(Files.size(out.resolve(nio.get("jfr_file").asText())) > 0, "the recording is kept");
        JsonNode external = json.get("servers").get(1);
        assertEquals("dead", external.get("name").asText());
        assertEquals("no JVM: not profiled", external.get("cpu_profile").get("not_profiled").asText());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<h2>Where the CPU goes</h2>") && html.contains("no JVM: not profiled") && html.contains("not in the table"), html);
    }

    @Test
    void shouldShowEveryDefaultInHelp() {
        CliRun run = CliRun.of("compare", "--help");

        assertEquals(ExitCode.OK.code(), run.code(), run.toString());
        // picocli wraps lines where it likes, even inside a list.
        String help = run.out().replaceAll("\\s+", "");
        for (String expected : new String[] {"heldconnections(default:quick)", "tail:<percent>:<milliseconds>(default:none)",
            "(default:nio,netty,loom,loom-platform,asyncio;asyncioonlywhenpython3ispresent", "nopinningandnoCPUbudget(default:auto)",
            "per-exchangetimeout(default:2s)", "spreadmorethanthis(default:10)", "getstherest(default:half)",
            "andsaysso(default:0.5)", "p99=5msorp99.9=20ms(default:p99=5ms)", "recordingsunderjfr/(default:false)"}) {
            assertTrue(help.contains(expected), "help lacks '" + expected + "':\n" + run.out());
        }
        assertFalse(help.contains("${DEFAULT-VALUE}"), run.out());
    }

    @Test
    void shouldRejectMalformedHandlerBeforeStartingAnything() {
        CliRun run = CliRun.of("compare", "--servers", "nio", "--handler", "cpu:fast", "--out", dir.resolve("x").toString());

        assertEquals(ExitCode.USAGE.code(), run.code(), run.toString());
        assertTrue(run.err().contains("--handler"), run.toString());
        assertFalse(Files.exists(dir.resolve("x")), "an output directory was created for a usage error");
    }

    @Test
    void shouldRejectUnknownProfileAndPinNamingTheChoices() {
        CliRun profile = CliRun.of("compare", "--profile", "slow", "--out", dir.resolve("x").toString());
        CliRun pin = CliRun.of("compare", "--pin", "always", "--out", dir.resolve("x").toString());

        assertEquals(ExitCode.USAGE.code(), profile.code(), profile.toString());
        assertTrue(profile.err().contains("--profile") && profile.err().contains("quick") && profile.err().contains("full"), profile.toString());
        assertEquals(ExitCode.USAGE.code(), pin.code(), pin.toString());
        assertTrue(pin.err().contains("--pin") && pin.err().contains("auto") && pin.err().contains("none"), pin.toString());
    }

    @Test
    void shouldRejectMalformedServerCpusAndQuotaInOneLineBeforeStartingAnything() {
        CliRun cpus = CliRun.of("compare", "--servers", "nio", "--server-cpus", "0", "--out", dir.resolve("x").toString());
        CliRun quota = CliRun.of("compare", "--servers", "nio", "--server-cpu-quota", "half", "--out", dir.resolve("x").toString());
        CliRun tooMany = CliRun.of("compare", "--servers", "nio", "--server-cpus", "64", "--out", dir.resolve("x").toString());
        CliRun unpinned = CliRun.of("compare", "--servers", "nio", "--pin", "none", "--server-cpu-quota", "0.5",
                "--out", dir.resolve("x").toString());

        for (CliRun run : List.of(cpus, quota, tooMany, unpinned)) {
            assertEquals(ExitCode.USAGE.code(), run.code(), run.toString());
            assertEquals(1, run.err().lines().filter(l -> l.startsWith("greetbench:")).count(), run.toString());
            assertFalse(run.err().contains("\tat "), "a stack trace for a user mistake:\n" + run);
        }
        assertTrue(cpus.err().contains("--server-cpus") && cpus.err().contains("0-0"), cpus.toString());
        assertTrue(quota.err().contains("--server-cpu-quota"), quota.toString());
        assertTrue(tooMany.err().contains("--server-cpus 64 leaves no CPU for the load generator"), tooMany.toString());
        assertTrue(unpinned.err().contains("--pin none turns off"), unpinned.toString());
        assertFalse(Files.exists(dir.resolve("x")), "an output directory was created for a usage error");
    }

    @Test
    void shouldRejectACapacitySearchThatCannotRunInOneLineBeforeStartingAnything() {
        CliRun steps = CliRun.of("compare", "--servers", "nio", "--capacity-steps", "0", "--out", dir.resolve("x").toString());
        CliRun step = CliRun.of("compare", "--servers", "nio", "--capacity-step-duration", "0s", "--out", dir.resolve("x").toString());
        CliRun slo = CliRun.of("compare", "--servers", "nio", "--slo", "99=5ms", "--out", dir.resolve("x").toString());

        for (CliRun run : List.of(steps, step, slo)) {
            assertEquals(ExitCode.USAGE.code(), run.code(), run.toString());
            assertFalse(run.err().contains("\tat "), "a stack trace for a user mistake:\n" + run);
        }
        assertTrue(steps.err().contains("--capacity-steps must be between 1 and"), steps.toString());
        assertTrue(step.err().contains("--capacity-step-duration must be > 0"), step.toString());
        assertTrue(slo.err().contains("--slo"), slo.toString());
        assertFalse(Files.exists(dir.resolve("x")), "an output directory was created for a usage error");
    }

    @Test
    void shouldRejectExternalCommandWithoutPortPlaceholder() {
        CliRun run = CliRun.of("compare", "--servers", "nio", "--external", "c=/bin/true", "--out", dir.resolve("x").toString());

        assertEquals(ExitCode.USAGE.code(), run.code(), run.toString());
        assertTrue(run.err().contains("{port}"), run.toString());
    }

    @Test
    void shouldRejectUnknownServerAndNameUsedTwice() {
        CliRun unknown = CliRun.of("compare", "--servers", "nio,tomcat", "--out", dir.resolve("x").toString());
        CliRun twice = CliRun.of("compare", "--servers", "nio", "--external", "nio=/bin/x {port}", "--out", dir.resolve("x").toString());

        assertEquals(ExitCode.USAGE.code(), unknown.code(), unknown.toString());
        assertTrue(unknown.err().contains("--servers") && unknown.err().contains("'tomcat'"), unknown.toString());
        assertEquals(ExitCode.USAGE.code(), twice.code(), twice.toString());
        assertTrue(twice.err().contains("--external") && twice.err().contains("'nio' twice"), twice.toString());
    }
}
