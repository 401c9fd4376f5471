package io.greetbench.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexedJobTest {

    static IndexedJob job(int shards) {
        return new IndexedJob("gb-load-1", "bench", "registry.example/greetbench:0.1", shards,
                List.of("--target", "server.bench.svc:8888", "-R", "40000", "-d", "30s"),
                Instant.ofEpochMilli(1_800_000_000_000L), Duration.ofMillis(100), "2", "1Gi");
    }

    @Test
    void shouldRunOneIndexedPodPerShardThatStartTogether() {
        Job job = job(4).manifest();
        assertEquals("Indexed", job.getSpec().getCompletionMode());
        assertEquals(4, job.getSpec().getCompletions());
        assertEquals(4, job.getSpec().getParallelism());
        assertEquals(0, job.getSpec().getBackoffLimitPerIndex(), "a retried shard would record another window");
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertEquals("Never", pod.getRestartPolicy());
        List<String> args = pod.getContainers().getFirst().getArgs();
        assertEquals(List.of("load", "--target", "server.bench.svc:8888", "-R", "40000", "-d", "30s",
                "--shard", "4", "--start-at", "1800000000000", "--start-tolerance", "100ms", "--json", "-"), args);
        assertEquals("2", pod.getContainers().getFirst().getResources().getLimits().get("cpu").toString());
    }

    @Test
    void shouldPreferButNotRequireSpreadingOverNodes() {
        PodSpec pod = job(2).manifest().getSpec().getTemplate().getSpec();
        assertTrue(pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().isEmpty());
        WeightedPodAffinityTerm preferred = pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().getFirst();
        assertEquals("kubernetes.io/hostname", preferred.getPodAffinityTerm().getTopologyKey());
        assertEquals("gb-load-1", preferred.getPodAffinityTerm().getLabelSelector().getMatchLabels().get(IndexedJob.RUN_LABEL));
        assertEquals("gb-load-1", job(2).manifest().getSpec().getTemplate().getMetadata().getLabels().get(IndexedJob.RUN_LABEL));
    }

    @Test
    void shouldWriteYamlThatKubectlTakes() {
        String yaml = job(3).yaml();
        assertTrue(yaml.contains("kind: \"Job\"") || yaml.contains("kind: Job"), yaml);
        assertTrue(yaml.contains("completionMode: \"Indexed\"") || yaml.contains("completionMode: Indexed"), yaml);
    }
}
