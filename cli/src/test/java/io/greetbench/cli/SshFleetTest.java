package io.greetbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greetbench.fleet.NamespaceHosts;
import io.greetbench.harness.ServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code load --generators user@host,...} for real: three network namespaces made by the test, one
 * running the server, two running OpenSSH as generator hosts, each host with a remote directory of
 * its own so the jar is copied to both. Traffic goes only to addresses inside those namespaces.
 * Skips, saying why, where namespaces or OpenSSH cannot be had (.ci/run installs OpenSSH).
 */
@Timeout(180)
class SshFleetTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static NamespaceHosts hosts;
    private static Process server;

    @TempDir
    static Path shared;

    @BeforeAll
    static void start() throws IOException {
        Optional<String> why = NamespaceHosts.unavailableBecause(true);
        Assumptions.assumeTrue(why.isEmpty(), () -> "skipped: " + why.orElseThrow());
        hosts = NamespaceHosts.create("gbf", 234, 3, true);
        NamespaceHosts.Host serverHost = hosts.hosts().getFirst();
        List<String> serve = new ArrayList<>(List.of(ServerProcess.javaExecutable()));
        serve.addAll(ServerProcess.jvmFlags());
        serve.addAll(List.of("-cp", ServerProcess.classPath(), ServerProcess.MAIN_CLASS, "serve", "nio",
                "--host", serverHost.address(), "--port", "9100"));
        server = new ProcessBuilder(NamespaceHosts.inside(serverHost, serve)).redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = lines.readLine()) != null; ) {
            if (line.startsWith("Serving on")) {
                break;
            }
        }
        ClassPathJar.installForFleets(shared);
    }

    @AfterAll
    static void stop() {
        ClassPathJar.uninstallForFleets();
        if (server != null) {
            server.destroyForcibly();
        }
        if (hosts != null) {
            hosts.close();
        }
    }

    @Test
    void shouldRunOneShardPerSshHostTogetherAndMergeThemExactly(@TempDir Path out, @TempDir Path remote) throws IOException {
        List<String> args = new ArrayList<>(List.of("load", "--target", hosts.hosts().getFirst().address() + ":9100",
                "-R", "400", "-d", "2s", "--warmup", "500ms", "-t", "1",
                "--generators", "root@" + hosts.hosts().get(1).address() + ",root@" + hosts.hosts().get(2).address(),
                "--remote-dir", remote.resolve("{host}").toString(),
                "--remote-java", ServerProcess.javaExecutable() + " " + String.join(" ", ServerProcess.jvmFlags()),
                "--start-delay", "8s", "--out", out.toString()));
        for (String option : hosts.sshOptions()) {
            args.add("--ssh-option=" + option);
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        JsonNode merged = JSON.readTree(out.resolve("merged.json").toFile());
        assertFalse(merged.path("partial").asBoolean(), run::toString);
        JsonNode a = JSON.readTree(out.resolve("shard-0.json").toFile());
        JsonNode b = JSON.readTree(out.resolve("shard-1.json").toFile());
        assertEquals(a.path("exchanges").asLong() + b.path("exchanges").asLong(), merged.path("exchanges").asLong(), run::toString);
        assertEquals(400.0, merged.path("requested_rate").asDouble(), 1e-9);
        assertEquals("root@" + hosts.hosts().get(2).address(), merged.path("shards").get(1).path("host").asText());
        for (int i = 1; i <= 2; i++) {
            Path dir = remote.resolve("root@" + hosts.hosts().get(i).address());
            try (Stream<Path> files = Files.list(dir)) {
                assertTrue(files.anyMatch(f -> f.getFileName().toString().matches("greetbench-[0-9a-f]{12}\\.jar")),
                        "the jar was copied into " + dir);
            }
        }
        assertTrue(run.err().contains("clock offset"), run::toString);
        assertEquals(merged.path("valid").asBoolean() ? ExitCode.OK.code() : ExitCode.INVALID_RUN.code(), run.code(), run::toString);
    }

    @Test
    void shouldCallTheRunPartialAndNameAHostThatCannotBeReached(@TempDir Path out, @TempDir Path remote) throws IOException {
        // 10.234.0.99 is on the test's bridge, but no namespace has it: the connect fails.
        List<String> args = new ArrayList<>(List.of("load", "--target", hosts.hosts().getFirst().address() + ":9100",
                "-R", "100", "-d", "1s", "--warmup", "0", "-t", "1",
                "--generators", "root@" + hosts.hosts().get(1).address() + ",root@10.234.0.99",
                "--remote-dir", remote.resolve("{host}").toString(),
                "--remote-java", ServerProcess.javaExecutable() + " " + String.join(" ", ServerProcess.jvmFlags()),
                "--start-delay", "5s", "--out", out.toString(), "--ssh-option=-oConnectTimeout=3"));
        for (String option : hosts.sshOptions()) {
            args.add("--ssh-option=" + option);
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(ExitCode.INVALID_RUN.code(), run.code(), run::toString);
        JsonNode merged = JSON.readTree(out.resolve("merged.json").toFile());
        assertTrue(merged.path("partial").asBoolean(), merged::toString);
        assertTrue(merged.path("invalid_reason").asText().contains("shard 1 (root@10.234.0.99)"), merged::toString);
        assertTrue(merged.path("exchanges").asLong() > 0, "the shard that ran is still counted");
    }
}
