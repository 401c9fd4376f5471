package io.greetbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.loom.LoomThreads;
import io.greetbench.netty.NettyTransport;
import io.greetbench.protocol.GreetServer;
import io.greetbench.protocol.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import io.greetbench.harness.ServerKind;

/** {@code greetbench load} and {@code greetbench merge}, in process, with captured output printed on failure. */
class LoadCommandTest {


    @TempDir
    Path dir;

    private GreetServer server;
    private String target;

    @BeforeEach
    void startServer() throws IOException {
        server = ServerKind.LOOM.create(ServerConfig.ephemeral(), NettyTransport.AUTO, LoomThreads.VIRTUAL);
        server.start();
        target = "127.0.0.1:" + server.boundAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.close();
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
        String text = Files.readString(json);
        assertTrue(text.contains("\"valid\": true"), text);
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
    }

    @Test
    @Timeout(60)
    void shouldNameTheEngineItRan() throws IOException {
        Path json = dir.resolve("nio.json");
        CliRun run = CliRun.of("load", "--target", target, "-c", "2", "-t", "1", "-d", "300ms", "--warmup", "0", "--io", "nio",
                "--json", json.toString());
        assertEquals(ExitCode.OK.code(), run.code(), run::toString);
        assertTrue(run.out().contains("nio engine"), run::toString);
        assertTrue(Files.readString(json).contains("\"io_engine\": \"nio\""), Files.readString(json));
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
        assertUsageError(CliRun.of("load", "--target", "localhost"), "--target");
        assertUsageError(CliRun.of("load", "--target", "127.0.0.1:99999"), "--target");
        assertUsageError(CliRun.of("load", "--target", "::1:80"), "--target");
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
        CliRun again = CliRun.of("merge", dir.resolve("m.hlog").toString(), "--json", merged.toString());
        assertEquals(expected, exchanges(Files.readString(merged)), again::toString);
    }

    @Test
    void shouldRejectAMissingLog() {
        CliRun run = CliRun.of("merge", dir.resolve("missing.hlog").toString());
        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(run.err().contains("missing.hlog"), run::toString);
    }

    private static long exchanges(String json) {
        Matcher m = Pattern.compile("\"exchanges\": (\\d+)").matcher(json);
        assertTrue(m.find(), json);
        return Long.parseLong(m.group(1));
    }
}
