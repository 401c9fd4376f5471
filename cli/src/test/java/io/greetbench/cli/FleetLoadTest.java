package io.greetbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greetbench.harness.ServerKind;
import io.greetbench.harness.ServerProcess;
import io.greetbench.loom.LoomThreads;
import io.greetbench.netty.NettyTransport;
import io.greetbench.protocol.GreetServer;
import io.greetbench.protocol.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code load --generators local,...}: shards in processes of their own on this machine, started
 * together and merged. Asserts structure (counts add up, the rate is the total, every shard is
 * named, a killed shard makes the result partial), never timings.
 */
class FleetLoadTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static GreetServer server;
    private static String target;

    @TempDir
    static Path shared;

    @BeforeAll
    static void start() throws IOException {
        server = ServerKind.NIO.create(ServerConfig.ephemeral(), NettyTransport.AUTO, LoomThreads.VIRTUAL);
        server.start();
        target = "127.0.0.1:" + server.boundAddress().getPort();
        ClassPathJar.installForFleets(shared);
    }

    @AfterAll
    static void stop() {
        ClassPathJar.uninstallForFleets();
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Timeout(120)
    void shouldRunTwoShardsTogetherAndMergeThemExactly(@TempDir Path out) throws IOException {
        CliRun run = CliRun.of("load", "--target", target, "-R", "400", "-d", "2s", "--warmup", "500ms", "-t", "1",
                "--generators", "local,local", "--start-delay", "6s", "--out", out.toString(), "--json", out.resolve("copy.json").toString());
        JsonNode merged = JSON.readTree(out.resolve("merged.json").toFile());
        assertFalse(merged.path("partial").asBoolean(), run::toString);
        assertEquals(2, merged.path("shard_count").asInt());
        JsonNode a = JSON.readTree(out.resolve("shard-0.json").toFile());
        JsonNode b = JSON.readTree(out.resolve("shard-1.json").toFile());
        assertEquals(a.path("exchanges").asLong() + b.path("exchanges").asLong(), merged.path("exchanges").asLong(), run::toString);
        assertEquals(a.path("corrected").path("count").asLong() + b.path("corrected").path("count").asLong(),
                merged.path("corrected").path("count").asLong());
        assertEquals(400.0, merged.path("requested_rate").asDouble(), 1e-9, "each shard runs R/N, the merge adds them up");
        assertEquals(200.0, a.path("requested_rate").asDouble(), 1e-9);
        assertEquals("0/2", a.path("shard").path("index").asText() + "/" + a.path("shard").path("count").asText());
        assertEquals(1, b.path("shard").path("index").asInt());
        assertTrue(merged.has("start_skew_ms") && a.has("start_late_ms") && b.has("start_late_ms"), merged::toString);
        assertEquals(merged, JSON.readTree(out.resolve("copy.json").toFile()), "--json gets the merged summary");
        // The exit code follows validity, which on a busy machine may go either way.
        assertEquals(merged.path("valid").asBoolean() ? ExitCode.OK.code() : ExitCode.INVALID_RUN.code(), run.code(), run::toString);
    }

    @Test
    @Timeout(120)
    void shouldReportAKilledShardByNameAndNeverAsComplete(@TempDir Path out) throws Exception {
        CompletableFuture<CliRun> fleet = CompletableFuture.supplyAsync(() -> CliRun.of("load", "--target", target,
                "-R", "200", "-d", "4s", "--warmup", "0", "-t", "1", "--generators", "local,local", "--start-delay", "5s",
                "--out", out.toString()));
        // Kill shard 1 once it runs: its process is the one whose arguments name shard 1 of 2 and this run's directory.
        Optional<ProcessHandle> shard = Optional.empty();
        for (int i = 0; i < 400 && shard.isEmpty(); i++) {
            Thread.sleep(50);
            shard = ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                    .map(args -> List.of(args).contains("1/2") && String.join(" ", args).contains(out.toString()))
                    .orElse(false)).findFirst();
        }
        assertTrue(shard.isPresent(), "shard 1 never started");
        Thread.sleep(7_000);
        shard.get().destroyForcibly();
        CliRun run = fleet.get(100, TimeUnit.SECONDS);
        assertEquals(ExitCode.INVALID_RUN.code(), run.code(), run::toString);
        JsonNode merged = JSON.readTree(out.resolve("merged.json").toFile());
        assertTrue(merged.path("partial").asBoolean(), merged::toString);
        assertFalse(merged.path("valid").asBoolean());
        assertTrue(merged.path("invalid_reason").asText().contains("shard 1 (local#1)"), merged::toString);
        assertTrue(merged.path("shards").get(1).has("failure"), merged::toString);
        assertTrue(run.err().contains("partial fleet run"), run::toString);
    }

    @Test
    @Timeout(120)
    void shouldStopEveryShardWhenTheFleetIsInterrupted(@TempDir Path out) throws Exception {
        List<String> command = new ArrayList<>(List.of(ServerProcess.javaExecutable()));
        command.addAll(ServerProcess.jvmFlags());
        command.addAll(List.of("-D" + FleetOptions.JAR_PROPERTY + "=" + System.getProperty(FleetOptions.JAR_PROPERTY),
                "-jar", System.getProperty(FleetOptions.JAR_PROPERTY), "load", "--target", target, "-R", "100", "-d", "60s",
                "--warmup", "0", "-t", "1", "--generators", "local,local", "--start-delay", "3s", "--out", out.toString()));
        Process fleet = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.resolve("fleet.log").toFile()).start();
        List<ProcessHandle> shards = List.of();
        for (int i = 0; i < 600 && shards.size() < 2; i++) {
            Thread.sleep(50);
            shards = ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                    .map(args -> String.join(" ", args).contains("--shard") && String.join(" ", args).contains(out.toString()))
                    .orElse(false)).toList();
        }
        assertEquals(2, shards.size(), "both shards started");
        // SIGTERM, as Ctrl-C's SIGINT: the JVM runs its shutdown hooks, and the fleet's kills its shards.
        fleet.destroy();
        assertTrue(fleet.waitFor(30, TimeUnit.SECONDS));
        for (ProcessHandle shard : shards) {
            boolean ended = shard.onExit().completeOnTimeout(null, 30, TimeUnit.SECONDS).get() != null || !shard.isAlive();
            if (!ended) {
                shard.destroyForcibly();
            }
            assertTrue(ended, () -> "shard " + shard.pid() + " still runs after the fleet was stopped; the fleet's output:\n"
                    + readQuietly(out.resolve("fleet.log")));
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
