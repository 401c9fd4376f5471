package io.greetbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.harness.Probe;
import io.netty.channel.uring.IoUring;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of {@code scripts/greet-floor.c} and {@code scripts/greet-floor-uring.c}, the C floors
 * that {@code scripts/bench-servers.sh --floor} measures: built with the machine's C compiler, it must be a conformant greeting server
 * with the lingering close ({@code -J -L}), since its CPU per exchange is quoted as what a
 * conformant server on the JDK's calls cannot go below; and without {@code -L} it must show the
 * reference's RST on a long request, which is what the lingering close is there to prevent.
 */
class GreetFloorTest {

    private static final Path SOURCE = Path.of("..", "scripts", "greet-floor.c");
    private static final Path URING_SOURCE = Path.of("..", "scripts", "greet-floor-uring.c");

    @Test
    @Timeout(120)
    void shouldBeConformantWithTheLingeringCloseAndResetLongRequestsWithout(@TempDir Path dir) throws Exception {
        Path binary = compile(dir, SOURCE);

        CliRun withLinger = checkAgainst(binary, "-J", "-L");
        assertEquals(ExitCode.OK.code(), withLinger.code(), withLinger::toString);
        List<String> lines = withLinger.outLines();
        assertTrue(lines.get(lines.size() - 1).matches("15 cases: \\d+ passed, 0 known differences from the reference, 0 failed, \\d+ skipped"),
                withLinger::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("PASS +request-1MiB")), withLinger::toString);

        CliRun without = checkAgainst(binary, "-J");
        // A known difference is not a failure, so check still exits 0; but the 1 MiB request,
        // which the first read cannot take whole, ends in the reference's RST.
        assertEquals(ExitCode.OK.code(), without.code(), without::toString);
        assertTrue(without.outLines().stream().anyMatch(l -> l.startsWith("KNOWN-DIFFERENCE  request-1MiB")), without::toString);
    }

    /** The io_uring floor, where liburing is installed: conformant, Netty's extra calls and all. */
    @Test
    @Timeout(120)
    void shouldBeConformantOnIoUring(@TempDir Path dir) throws Exception {
        Path header = Path.of("/usr/include/liburing.h");
        Assumptions.assumeTrue(Files.isRegularFile(header), () -> "skipped: no liburing here (" + header + "; liburing-dev on Debian)");
        Assumptions.assumeTrue(IoUring.isAvailable(), () -> "skipped: io_uring is not available here: " + IoUring.unavailabilityCause());
        Path binary = compile(dir, URING_SOURCE, "-luring");

        CliRun run = checkAgainst(binary, "-N");
        assertEquals(ExitCode.OK.code(), run.code(), run::toString);
        List<String> lines = run.outLines();
        assertTrue(lines.get(lines.size() - 1).matches("15 cases: \\d+ passed, 0 known differences from the reference, 0 failed, \\d+ skipped"),
                run::toString);
        assertTrue(lines.stream().anyMatch(l -> l.matches("PASS +request-1MiB")), run::toString);
    }

    private static Path compile(Path dir, Path source, String... libraries) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isRegularFile(source), () -> "skipped: " + source.toAbsolutePath() + " is not there");
        Path binary = dir.resolve(source.getFileName().toString().replace(".c", ""));
        List<String> command = new ArrayList<>(List.of("cc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", binary.toString(), source.toString()));
        command.addAll(List.of(libraries));
        Process cc;
        try {
            cc = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("skipped: no C compiler (cc) on this machine: " + e.getMessage());
            throw e;
        }
        String output = new String(cc.getInputStream().readAllBytes());
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS), "cc did not finish in 60 s");
        assertEquals(0, cc.exitValue(), () -> "cc failed:\n" + output);
        return binary;
    }

    /** Starts the floor server with {@code flags} on a free port and runs {@code greetbench check} against it. */
    private static CliRun checkAgainst(Path binary, String... flags) throws Exception {
        int port = Probe.freePort();
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-p", Integer.toString(port)));
        command.addAll(List.of(flags));
        Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitListening(server, port);
            return CliRun.of("check", "--target", "127.0.0.1:" + port, "--clients", "20");
        } finally {
            server.destroy();
            if (!server.waitFor(5, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static void awaitListening(Process server, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            assertTrue(server.isAlive(), () -> "greet-floor exited with " + server.exitValue());
            try {
                new Socket(InetAddress.getLoopbackAddress(), port).close();
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("greet-floor did not listen on port " + port + " within 10 s");
    }
}
