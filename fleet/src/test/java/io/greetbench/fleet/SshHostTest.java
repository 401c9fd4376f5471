package io.greetbench.fleet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link SshHost} against real OpenSSH servers, each in a network namespace of its own. */
@Timeout(120)
class SshHostTest {

    private static NamespaceHosts hosts;

    @BeforeAll
    static void makeHosts() throws IOException {
        Optional<String> why = NamespaceHosts.unavailableBecause(true);
        Assumptions.assumeTrue(why.isEmpty(), () -> "skipped: " + why.orElseThrow());
        hosts = NamespaceHosts.create("gbs", 232, 1, true);
    }

    @AfterAll
    static void removeHosts() {
        if (hosts != null) {
            hosts.close();
        }
    }

    private SshHost host(Path remoteDir) {
        return new SshHost("root@" + hosts.hosts().getFirst().address(), hosts.sshOptions(), remoteDir.toString(), List.of("java"));
    }

    @Test
    void shouldCopyTheJarOnlyWhenItIsMissing(@TempDir Path local, @TempDir Path remote) throws IOException {
        Path jar = local.resolve("greetbench.jar");
        Files.write(jar, new byte[] {1, 2, 3, 4});
        SshHost first = host(remote.resolve("dir"));
        String installed = first.install(jar);
        assertTrue(first.copied());
        assertArrayEquals(new byte[] {1, 2, 3, 4}, Files.readAllBytes(Path.of(installed)));
        SshHost again = host(remote.resolve("dir"));
        assertEquals(installed, again.install(jar));
        assertFalse(again.copied(), "an unchanged jar is not copied twice");
        assertEquals(Optional.empty(), again.fetch(remote.resolve("nothing-here").toString()));
        assertArrayEquals(new byte[] {1, 2, 3, 4}, again.fetch(installed).orElseThrow());
    }

    @Test
    void shouldMeasureTheClockOffsetOfAHostWithTheSameClockAsNearZero(@TempDir Path remote) throws IOException {
        ClockOffset offset = host(remote).clockOffset();
        // Same kernel, same clock: the estimate is off by at most half the round trip, plus the
        // sub-millisecond resolution of the shell's clock.
        assertTrue(Math.abs(offset.offsetNanos()) <= offset.roundTripNanos() / 2 + 2_000_000, offset::toString);
    }

    @Test
    void shouldKillARemoteProcessByItsTag(@TempDir Path local, @TempDir Path remote) throws Exception {
        SshHost host = new SshHost("root@" + hosts.hosts().getFirst().address(), hosts.sshOptions(), remote.toString(), List.of("sleep"));
        // "java -jar x args" becomes "sleep -jar ..." here: use a shell-free stand-in that runs long.
        Process p = new ProcessBuilder(host.ssh("cd " + SshHost.quote(remote.toString()) + " && echo $$ > t1.pid && exec sleep 300"))
                .redirectErrorStream(true).redirectOutput(local.resolve("log").toFile()).start();
        Path pid = remote.resolve("t1.pid");
        for (int i = 0; i < 100 && !Files.isRegularFile(pid); i++) {
            Thread.sleep(50);
        }
        long remotePid = Long.parseLong(Files.readString(pid).trim());
        assertTrue(ProcessHandle.of(remotePid).map(ProcessHandle::isAlive).orElse(false));
        host.kill("t1");
        for (int i = 0; i < 100 && ProcessHandle.of(remotePid).map(ProcessHandle::isAlive).orElse(false); i++) {
            Thread.sleep(50);
        }
        assertFalse(ProcessHandle.of(remotePid).map(ProcessHandle::isAlive).orElse(false), "the remote process was killed");
        p.destroyForcibly();
    }
}
