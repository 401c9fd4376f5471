package io.greetbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greetbench.loadgen.ErrorKind;
import io.greetbench.loadgen.LoadSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code greetbench load} and {@code greetbench merge}, in process, with captured output printed on failure. */
class LoadCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every key of {@code load --json}, in order, as scripts and docs know them. */
    private static final List<String> LOAD_JSON_FIELDS = List.of("target", "workload", "connections", "held_connections",
            "threads", "io_engine", "duration_s", "warmup_s", "timeout_s", "payload_bytes", "half_close", "elapsed_s",
            "exchanges", "exchanges_per_second", "requested_rate", "achieved_rate", "late", "generator_lag_p99_us",
            "generator_lag_max_us", "latency_unit", "corrected", "raw", "errors", "errors_total", "generator_cpu_s",
            "generator_cpu_utilization", "cpu_per_exchange_us", "peak_connections", "unfinished", "due", "lower_bounds",
            "overloaded", "overloaded_reason", "valid", "invalid_reason");

    @TempDir
    Path dir;

    @RegisterExtension
    final LoomTarget loom = new LoomTarget();

    private String target;

    @BeforeEach
    void target() {
        target = loom.target();
    }

    private static void assertUsageError(CliRun run, String option) {
        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(run.err().contains(option), run::toString);
        assertTrue(run.out().isEmpty(), run::toString);
        assertTrue(!run.err().contains("\tat "), () -> "no stack trace\n" + run);
    }

    @Test
    @Timeout(60)
    void shouldRunAClosedLoopAndWriteJsonAndAnIntervalLog() throws IOException {
        Path json = dir.resolve("out/result.json");
        Path hlog = dir.resolve("run.hlog");
        CliRun run = CliRun.of("load", "--target", target, "-c", "2", "-t", "1", "-d", "1s", "--warmup", "200ms",
                "--json", json.toString(), "--hlog", hlog.toString(), "--spectrum");
        assertEquals(ExitCode.OK.code(), run.code(), run::toString);
        assertTrue(run.out().contains("Exchanges/sec:"), run::toString);
        assertTrue(run.out().contains("Detailed percentile spectrum"), run::toString);
        JsonNode result = JSON.readTree(json.toFile());
        assertEquals(LOAD_JSON_FIELDS, fieldNames(result), "the field names scripts read");
        assertTrue(result.get("valid").asBoolean(), result::toString);
        assertEquals(target, result.get("target").asText());
        assertEquals(ErrorKind.values().length, result.get("errors").size(), result::toString);
        assertTrue(result.get("corrected").has("p99.9"), result::toString);
        assertTrue(result.get("invalid_reason").isNull(), result::toString);
        assertTrue(Files.size(hlog) > 0);
    }

    @Test
    @Timeout(60)
    void shouldRunAnOpenLoopWithAHalfCloseAndNoPayload() {
        CliRun run = CliRun.of("load", "--target", target, "-R", "200", "-d", "1s", "--warmup", "0", "--empty", "-t", "1");
        // A cold JVM on a busy machine may start late and honestly call the run invalid; the
        // exchanges themselves must all succeed either way.
        assertTrue(run.code() == ExitCode.OK.code()
                || (run.code() == ExitCode.INVALID_RUN.code() && run.err().contains("fell behind") && !run.err().contains("error")), run::toString);
        assertTrue(run.out().contains(" 0 errors"), run::toString);
        assertTrue(run.out().contains("corrected") && run.out().contains("raw"), run::toString);
        assertTrue(run.out().contains("requested 200.00/s"), run::toString);
    }

    @Test
    @Timeout(60)
    void shouldHoldConnections() {
        CliRun run = CliRun.of("load", "--target", target, "--held", "50", "--think", "200ms");
        assertEquals(ExitCode.OK.code(), run.code(), run::toString);
        assertTrue(run.out().contains("Held: peak 50 connections"), run::toString);
    }

    @Test
    void shouldRejectAnUnknownIoEngine() {
        assertUsageError(CliRun.of("load", "--target", target, "--io", "uring"), "--io");
        assertUsageError(CliRun.of("load", "--target", target, "--io", "bogus"), "auto, epoll or nio");
    }

    @Test
    void shouldShowEveryFixedDefaultFromOnePlace() {
        CliRun help = CliRun.of("load", "--help");
        assertEquals(ExitCode.OK.code(), help.code(), help::toString);
        String text = help.out().replaceAll("\\s+", " ");
        for (String shown : List.of("recorded time, after the warm-up (default: 10s)",
                "(default: 2s; held: 0)", "connect included (default: 2s)", "(default: hi\\n)",
                "once open (default: 10s)", "(default: 0, as fast as accepted)",
                "system-call layer: auto, epoll, nio (default: auto:", "(default: 64)", "(default: 1000)")) {
            assertTrue(text.contains(shown), () -> "help shows '" + shown + "'\n" + help);
        }
        assertTrue(help.out().contains("7   load run invalid"), help::toString);
    }

    @Test
    void shouldRoundTripTheDefaultRequestThroughItsEscapes() {
        assertEquals(LoadSpec.DEFAULT_PAYLOAD, LoadCommand.unescape(LoadCommand.escape(LoadSpec.DEFAULT_PAYLOAD)));
        assertEquals("a\\\\b\\t\\r\\n", LoadCommand.escape("a\\b\t\r\n"));
        assertEquals("a\\b\t\r\n", LoadCommand.unescape("a\\\\b\\t\\r\\n"));
    }

    @Test
    @Timeout(60)
    void shouldNameTheEngineItRan() throws IOException {
        Path json = dir.resolve("nio.json");
        CliRun run = CliRun.of("load", "--target", target, "-c", "2", "-t", "1", "-d", "300ms", "--warmup", "0", "--io", "nio",
                "--json", json.toString());
        assertEquals(ExitCode.OK.code(), run.code(), run::toString);
        assertTrue(run.out().contains("nio engine"), run::toString);
        assertEquals("nio", JSON.readTree(json.toFile()).get("io_engine").asText(), Files.readString(json));
    }

    @Test
    void shouldRejectARateOfZero() {
        assertUsageError(CliRun.of("load", "--target", target, "-R", "0"), "--rate");
    }

    @Test
    void shouldRejectANegativeDuration() {
        assertUsageError(CliRun.of("load", "--target", target, "-d", "-5s"), "--duration");
    }

    @Test
    void shouldRejectAMalformedTarget() {
        for (String bad : List.of("nope", "localhost", "127.0.0.1:99999", "::1:80", "[::1]", "host:http")) {
            CliRun run = CliRun.of("load", "--target", bad);
            assertUsageError(run, "--target");
            assertTrue(run.err().lines().findFirst().orElseThrow().contains("'" + bad + "'"), run::toString);
        }
    }

    @Test
    @Timeout(30)
    void shouldCallAnUnknownHostUnreachable() {
        CliRun run = CliRun.of("load", "--target", "no-such-host.invalid:8888", "-d", "1s");
        assertEquals(ExitCode.UNREACHABLE.code(), run.code(), run::toString);
        assertEquals(1, run.err().lines().count(), run::toString);
        assertTrue(run.err().contains("no-such-host.invalid"), run::toString);
    }

    @Test
    void shouldRejectAWarmupForHeldConnections() {
        assertUsageError(CliRun.of("load", "--target", target, "--held", "10", "--warmup", "1s"), "--warmup");
    }

    @Test
    void shouldRejectTwoPayloadsAtOnce() {
        assertUsageError(CliRun.of("load", "--target", target, "--payload", "x", "--empty"), "--payload");
        assertUsageError(CliRun.of("load", "--target", target, "--payload-size", "0"), "--payload-size");
    }

    @Test
    void shouldRejectTwoWorkloadsAtOnce() {
        assertUsageError(CliRun.of("load", "--target", target, "-R", "10", "--held", "10"), "--held");
    }

    @Test
    @Timeout(30)
    void shouldExitWithUnreachableWhenNothingListens() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        CliRun run = CliRun.of("load", "--target", "127.0.0.1:" + port, "-d", "1s");
        assertEquals(ExitCode.UNREACHABLE.code(), run.code(), run::toString);
        assertTrue(run.err().contains("127.0.0.1:" + port), run::toString);
        assertEquals(1, run.err().lines().count(), run::toString);
    }

    @Test
    @Timeout(30)
    @SuppressWarnings("try") // closed early on purpose, so the acceptor sees it before the join
    void shouldExitInvalidWhenTheServerClosesWithoutGreeting() throws IOException {
        try (ServerSocket rude = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                while (!rude.isClosed()) {
                    try (Socket s = rude.accept()) {
                        s.getInputStream().read(new byte[100]);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            CliRun run = CliRun.of("load", "--target", "127.0.0.1:" + rude.getLocalPort(), "-c", "1", "-d", "500ms", "--warmup", "0");
            assertEquals(ExitCode.INVALID_RUN.code(), run.code(), run::toString);
            assertTrue(run.out().contains("short reply"), run::toString);
            assertTrue(run.err().contains("invalid run"), run::toString);
            rude.close();
            acceptor.interrupt();
        }
    }

    /** Two generators against one server, then merge: the merged count is the sum of theirs. */
    @Test
    @Timeout(60)
    void shouldMergeTheLogsOfTwoConcurrentGeneratorsExactly() throws Exception {
        Path a = dir.resolve("a.hlog");
        Path b = dir.resolve("b.hlog");
        Path ja = dir.resolve("a.json");
        Path jb = dir.resolve("b.json");
        Thread other = Thread.ofPlatform().start(() -> CliRun.of("load", "--target", target, "-c", "2", "-t", "1", "-d", "1s",
                "--warmup", "0", "--hlog", b.toString(), "--json", jb.toString()));
        CliRun first = CliRun.of("load", "--target", target, "-c", "2", "-t", "1", "-d", "1s", "--warmup", "0",
                "--hlog", a.toString(), "--json", ja.toString());
        other.join();
        assertEquals(ExitCode.OK.code(), first.code(), first::toString);
        long expected = exchanges(Files.readString(ja)) + exchanges(Files.readString(jb));
        Path merged = dir.resolve("merged.json");
        CliRun merge = CliRun.of("merge", a.toString(), b.toString(), "--json", merged.toString(), "--out", dir.resolve("m.hlog").toString());
        assertEquals(ExitCode.OK.code(), merge.code(), merge::toString);
        assertEquals(expected, exchanges(Files.readString(merged)), merge::toString);
        assertTrue(merge.out().contains(expected + " exchanges"), merge::toString);
        JsonNode mergedJson = JSON.readTree(merged.toFile());
        assertEquals(List.of("files", "intervals", "span_s", "exchanges", "exchanges_per_second", "latency_unit",
                "corrected", "raw"), fieldNames(mergedJson));
        assertEquals(a.toString(), mergedJson.get("files").get(0).asText());
        assertEquals(expected, mergedJson.get("corrected").get("count").asLong());
        CliRun again = CliRun.of("merge", dir.resolve("m.hlog").toString(), "--json", merged.toString());
        assertEquals(expected, exchanges(Files.readString(merged)), again::toString);
    }

    /** A file name is data: quotes, backslashes and control characters must come out as valid JSON. */
    @Test
    @Timeout(60)
    void shouldWriteAnyFileNameAsValidJson() throws IOException {
        Path odd = dir.resolve("a \"quoted\\ \u0001 name.hlog");
        CliRun load = CliRun.of("load", "--target", target, "-c", "1", "-t", "1", "-d", "300ms", "--warmup", "0",
                "--hlog", odd.toString());
        assertEquals(ExitCode.OK.code(), load.code(), load::toString);
        Path merged = dir.resolve("odd.json");
        CliRun merge = CliRun.of("merge", odd.toString(), "--json", merged.toString());
        assertEquals(ExitCode.OK.code(), merge.code(), merge::toString);
        assertEquals(odd.toString(), JSON.readTree(merged.toFile()).get("files").get(0).asText());
    }

    @Test
    void shouldRejectAMissingLog() {
        CliRun run = CliRun.of("merge", dir.resolve("missing.hlog").toString());
        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(run.err().contains("missing.hlog"), run::toString);
    }

    private static long exchanges(String json) throws IOException {
        return JSON.readTree(json).get("exchanges").asLong();
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
