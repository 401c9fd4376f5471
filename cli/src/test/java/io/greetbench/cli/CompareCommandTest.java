package io.greetbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code greetbench compare} in-process, end to end on one server with tiny settings: every output
 * is written and holds the measured server; user mistakes are usage errors before anything runs.
 * Timings are never asserted.
 */
class CompareCommandTest {

    @TempDir
    Path dir;


    private static CliRun compare(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "compare";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.of(all);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldMeasureOneServerAndWriteTableJsonLogsAndReport() throws IOException {
        Path out = dir.resolve("run");
        CliRun run = compare("--servers", "nio", "--pin", "none", "--warmup", "0", "--duration", "500ms", "--repeats", "1",
                "--concurrency", "4", "--open-loop", "50", "--held", "20", "--think", "200ms", "--out", out.toString());

        assertEquals(ExitCode.OK.code(), run.code(), run.toString());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("nio ") && !l.contains("failed")), run.toString());
        String json = Files.readString(out.resolve("results.json"));
        assertTrue(json.contains("\"closed_loop\"") && json.contains("\"held\"") && json.contains("\"placement\"") && json.contains("\"units\""), json);
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<svg") && html.contains("Corrected latency at 50%"), "report without charts");
        try (Stream<Path> logs = Files.list(out.resolve("hlog"))) {
            assertEquals(3, logs.filter(p -> p.toString().endsWith(".hlog")).count(), "one log per closed, open and held run");
        }
    }

    @Test
    void shouldRejectMalformedHandlerBeforeStartingAnything() {
        CliRun run = compare("--servers", "nio", "--handler", "cpu:fast", "--out", dir.resolve("x").toString());

        assertEquals(ExitCode.USAGE.code(), run.code(), run.toString());
        assertTrue(run.err().contains("--handler"), run.toString());
    }

    @Test
    void shouldRejectExternalCommandWithoutPortPlaceholder() {
        CliRun run = compare("--servers", "nio", "--external", "c=/bin/true", "--out", dir.resolve("x").toString());

        assertEquals(ExitCode.USAGE.code(), run.code(), run.toString());
        assertTrue(run.err().contains("{port}"), run.toString());
    }
}
