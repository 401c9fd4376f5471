package io.greetbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.loom.LoomThreads;
import io.greetbench.netty.NettyTransport;
import io.greetbench.protocol.ConformanceCheck;
import io.greetbench.protocol.GreetServer;
import io.greetbench.protocol.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import io.greetbench.harness.Probe;
import io.greetbench.harness.ServerKind;

/** {@code greetbench check}, in process, with captured output printed on failure. */
class CheckCommandTest {

    @Test
    @Timeout(120)
    void shouldPassEveryCaseAgainstLoomServerAndExitZero() throws IOException {
        GreetServer server = ServerKind.LOOM.create(ServerConfig.ephemeral().with(c -> c.idleTimeout = Duration.ofSeconds(1)),
                NettyTransport.AUTO, LoomThreads.VIRTUAL);
        server.start();
        CliRun run;
        try {
            run = CliRun.of("check", "--target", "127.0.0.1:" + server.boundAddress().getPort(), "--idle-timeout-hint", "1s");
        } finally {
            server.close();
        }
        assertEquals(ExitCode.OK.code(), run.code(), run::toString);
        List<String> lines = run.outLines();
        for (ConformanceCheck.Case c : ConformanceCheck.Case.values()) {
            String id = c.id();
            assertTrue(lines.stream().anyMatch(l -> l.matches("(PASS|SKIP) +" + id + "( .*)?")), () -> "no PASS line for " + id + "\n" + run);
        }
        assertTrue(lines.stream().anyMatch(l -> l.matches("PASS +idle-client")), run::toString);
        assertTrue(lines.get(lines.size() - 1).matches("15 cases: \\d+ passed, 0 known differences from the reference, 0 failed, \\d+ skipped"), run::toString);
        assertEquals("", run.err(), run::toString);
    }

    @Test
    @Timeout(60)
    @SuppressWarnings("try") // closed early on purpose, so the acceptor sees it before the join
    void shouldExitCheckFailedWhenServerGreetsWrongly() throws Exception {
        try (ServerSocket wrong = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> answerWrongly(wrong));
            CliRun run = CliRun.of("check", "--target", "127.0.0.1:" + wrong.getLocalPort(), "--timeout", "2s", "--clients", "5");
            assertEquals(ExitCode.CHECK_FAILED.code(), run.code(), run::toString);
            assertTrue(run.out().contains("FAIL              normal-request: expected \"Hello, ('127.0.0.1', "), run::toString);
            assertTrue(run.outLines().get(run.outLines().size() - 1).contains(" failed"), run::toString);
            wrong.close();
            acceptor.join(5_000);
        }
    }

    @Test
    @Timeout(30)
    void shouldExitUnreachableWithOneLineWhenNothingListens() throws IOException {
        int port = Probe.freePort();
        CliRun run = CliRun.of("check", "--target", "127.0.0.1:" + port);
        assertEquals(ExitCode.UNREACHABLE.code(), run.code(), run::toString);
        assertEquals(1, run.err().lines().count(), run::toString);
        assertTrue(run.err().startsWith("greetbench: check: nothing accepts connections at 127.0.0.1:" + port), run::toString);
        assertEquals("", run.out(), run::toString);
    }

    @Test
    @Timeout(30)
    void shouldExitUsageWithOneLineNamingTheOptionForMalformedTarget() {
        for (String bad : List.of("localhost", "127.0.0.1:0", "127.0.0.1:http", "[::1]", "::1:80")) {
            CliRun run = CliRun.of("check", "--target", bad);
            assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
            // One line naming the option and the value, then the usage hint every option error gets.
            List<String> lines = run.err().lines().toList();
            assertEquals(2, lines.size(), run::toString);
            assertTrue(lines.get(0).contains("--target") && lines.get(0).contains("'" + bad + "'"), run::toString);
            assertTrue(lines.get(1).startsWith("Try 'greetbench check --help'"), run::toString);
            assertFalse(run.err().contains("Exception"), run::toString);
        }
    }

    @Test
    @Timeout(30)
    void shouldExitUsageForBadTimeout() {
        CliRun run = CliRun.of("check", "--target", "127.0.0.1:8888", "--timeout", "5ms");
        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(run.err().contains("--timeout"), run::toString);
    }

    /** A broken server: replies {@code nope} to everyone, then closes. */
    private static void answerWrongly(ServerSocket listener) {
        while (!listener.isClosed()) {
            try (Socket client = listener.accept()) {
                client.getOutputStream().write("nope\n".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput();
                client.setSoTimeout(500);
                while (client.getInputStream().read(new byte[4096]) >= 0) {
                    // Drain until the client closes, so the end is a FIN.
                }
            } catch (IOException e) {
                // The next client; a closed listener ends the loop.
            }
        }
    }
}
