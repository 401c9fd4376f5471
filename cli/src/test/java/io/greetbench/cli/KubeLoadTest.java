package io.greetbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.greetbench.fleet.FleetRun;
import io.greetbench.fleet.IndexedJob;
import io.greetbench.fleet.KubernetesFleet;
import io.greetbench.harness.ServerKind;
import io.greetbench.harness.ServerProcess;
import io.greetbench.loadgen.Shard;
import io.greetbench.loom.LoomThreads;
import io.greetbench.netty.NettyTransport;
import io.greetbench.protocol.GreetServer;
import io.greetbench.protocol.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kube-load} against fabric8's mock API server. The mock runs no pods, so the test plays the
 * kubelet: it reads the Job the fleet created, runs its container's arguments as N local processes
 * of the same entrypoint with the Job's {@code JOB_COMPLETION_INDEX}, and serves their output as the
 * pods' logs. The fleet then collects, merges and deletes the Job as it would on a cluster.
 */
@EnableKubernetesMockClient(crud = true)
class KubeLoadTest {

    private static final String NAMESPACE = "bench";

    KubernetesMockServer server;
    KubernetesClient client;

    /** Held, so the level set on it stays: the mock logs every request at INFO. */
    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    private static GreetServer target;
    @TempDir
    static Path shared;
    private static Path jar;

    @BeforeAll
    static void start() throws IOException {
        MOCK_LOG.setLevel(Level.WARNING);
        target = ServerKind.NIO.create(ServerConfig.ephemeral(), NettyTransport.AUTO, LoomThreads.VIRTUAL);
        target.start();
        jar = ClassPathJar.create(shared.resolve("greetbench.jar"));
    }

    @AfterAll
    static void stop() {
        if (target != null) {
            target.close();
        }
    }

    private IndexedJob job(String name, int shards) {
        return new IndexedJob(name, NAMESPACE, "registry.example/greetbench:test", shards,
                List.of("--target", "127.0.0.1:" + target.boundAddress().getPort(), "-R", "200", "-d", "2s", "--warmup", "0", "-t", "1"),
                Instant.now().plusSeconds(6), Duration.ofMillis(100), "1", "256Mi");
    }

    /** What a kubelet would do with the Job: run pod i as a process with the Job's environment. */
    private void playKubelet(String name, Set<Integer> failing) throws Exception {
        Job job = null;
        for (int i = 0; i < 200 && job == null; i++) {
            job = client.batch().v1().jobs().inNamespace(NAMESPACE).withName(name).get();
            if (job == null) {
                Thread.sleep(50);
            }
        }
        List<String> args = job.getSpec().getTemplate().getSpec().getContainers().getFirst().getArgs();
        int n = job.getSpec().getCompletions();
        List<Process> pods = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> command = new ArrayList<>(List.of(ServerProcess.javaExecutable()));
            command.addAll(ServerProcess.jvmFlags());
            command.addAll(List.of("-jar", jar.toString()));
            command.addAll(failing.contains(i) ? List.of("load", "--target", "nowhere") : args);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put(Shard.INDEX_VARIABLE, Integer.toString(i));
            pods.add(pb.start());
        }
        for (int i = 0; i < n; i++) {
            String log = new String(pods.get(i).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(pods.get(i).waitFor(60, TimeUnit.SECONDS));
            String pod = name + "-" + i + "-abcde";
            client.pods().inNamespace(NAMESPACE).resource(new PodBuilder()
                    .withNewMetadata().withName(pod).withNamespace(NAMESPACE)
                        .withLabels(Map.of(IndexedJob.RUN_LABEL, name))
                        .withAnnotations(Map.of(IndexedJob.INDEX_ANNOTATION, Integer.toString(i))).endMetadata()
                    .withNewStatus().withPhase(pods.get(i).exitValue() == 0 ? "Succeeded" : "Failed").endStatus()
                    .build()).create();
            server.expect().get().withPath("/api/v1/namespaces/" + NAMESPACE + "/pods/" + pod + "/log?pretty=false")
                    .andReturn(200, log).always();
        }
        int failed = failing.size();
        job.setStatus(new JobStatusBuilder().withSucceeded(n - failed).withFailed(failed).build());
        client.batch().v1().jobs().inNamespace(NAMESPACE).resource(job).updateStatus();
    }

    private FleetRun.Result runFleet(IndexedJob job, Set<Integer> failing, Path out) throws Exception {
        CompletableFuture<Void> kubelet = CompletableFuture.runAsync(() -> {
            try {
                playKubelet(job.name(), failing);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        StringWriter progress = new StringWriter();
        FleetRun.Result result = new KubernetesFleet(client, new PrintWriter(progress, true))
                .run(job, Duration.ofSeconds(4), Duration.ofSeconds(60), false, out);
        kubelet.get(10, TimeUnit.SECONDS);
        return result;
    }

    @Test
    @Timeout(120)
    void shouldRunAnIndexedJobCollectEveryPodsSummaryMergeAndCleanUp(@TempDir Path out) throws Exception {
        FleetRun.Result result = runFleet(job("gb-load-ok", 2), Set.of(), out);
        JsonNode merged = result.merged();
        assertFalse(merged.path("partial").asBoolean(), merged::toString);
        long sum = 0;
        for (var shard : result.shards()) {
            assertTrue(shard.ok(), shard::toString);
            assertEquals(shard.index(), shard.summary().path("shard").path("index").asInt(), "each pod took its index from the Job");
            sum += shard.summary().path("exchanges").asLong();
        }
        assertEquals(sum, merged.path("exchanges").asLong());
        assertEquals(200.0, merged.path("requested_rate").asDouble(), 1e-9);
        assertNull(client.batch().v1().jobs().inNamespace(NAMESPACE).withName("gb-load-ok").get(), "the Job is deleted");
    }

    @Test
    @Timeout(120)
    void shouldNameAPodThatLeftNoResultAndCallTheRunPartial(@TempDir Path out) throws Exception {
        FleetRun.Result result = runFleet(job("gb-load-lost", 2), Set.of(1), out);
        assertTrue(result.partial(), result.merged()::toString);
        assertTrue(result.merged().path("invalid_reason").asText().contains("shard 1 (gb-load-lost-1-abcde)"), result.merged()::toString);
    }

    @Test
    void shouldWriteTheManifestOnADryRunAndCreateNothing() {
        CliRun run = CliRun.of("kube-load", "--shards", "3", "--image", "registry.example/greetbench:1", "--dry-run", "-",
                "--", "--target", "server.bench.svc:8888", "-R", "30000", "-d", "30s");
        assertEquals(ExitCode.OK.code(), run.code(), run::toString);
        assertTrue(run.out().contains("completionMode: \"Indexed\"") || run.out().contains("completionMode: Indexed"), run::toString);
        assertTrue(run.out().contains("server.bench.svc:8888"), "the target is not resolved here: only the pods need to reach it");
    }

    @Test
    void shouldRefuseBadLoadOptionsBeforeCreatingAnything() {
        CliRun run = CliRun.of("kube-load", "--shards", "2", "--image", "x", "--dry-run", "-", "--", "--target", "no-port");
        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(run.err().contains("--target"), run::toString);
    }
}
