package io.greetbench.fleet;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes manifest of a fleet: one Indexed Job with {@code completions = parallelism = N},
 * whose pod {@code i} runs shard {@code i}. Kubernetes gives each pod its index in
 * {@code JOB_COMPLETION_INDEX}, which {@code load --shard N} reads; N is written into the manifest.
 *
 * <ul>
 *   <li>Every pod starts at the same instant ({@code --start-at}), set far enough ahead to cover
 *       scheduling and image pulls.
 *   <li>Pods prefer (but do not require) different nodes: a required anti-affinity would leave
 *       shards pending on a small cluster, where running two on one node is still a result.
 *   <li>{@code backoffLimitPerIndex: 0}: a failed shard is not retried (a retry would start late and
 *       record a different window) and does not stop the others; the fleet reports it by index.
 *   <li>The shard prints its summary as the last line of its log ({@code --json -}), so results
 *       come back through the API server with no volume.
 * </ul>
 *
 * @param name          the Job's name, also its pods' label
 * @param namespace     where it runs
 * @param image         an image whose entrypoint is {@code java -jar greetbench.jar} (see the Dockerfile)
 * @param shards        N
 * @param loadArguments the {@code load} options the shards share
 * @param startAt       the common start instant
 * @param startTolerance how late a shard may start
 * @param cpu           each pod's CPU request and limit, such as {@code 2}
 * @param memory        each pod's memory request and limit, such as {@code 1Gi}
 */
public record IndexedJob(String name, String namespace, String image, int shards, List<String> loadArguments,
                         Instant startAt, Duration startTolerance, String cpu, String memory) {

    /** The label every pod of a fleet carries, for the anti-affinity and for finding them. */
    public static final String RUN_LABEL = "greetbench.io/fleet";
    /** Where Kubernetes writes a pod's index. */
    public static final String INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index";

    public IndexedJob {
        loadArguments = List.copyOf(loadArguments);
        if (shards < 1) {
            throw new IllegalArgumentException("--shards must be at least 1, got " + shards);
        }
    }

    /** The arguments after the image's entrypoint: the same for every pod but for its index. */
    public List<String> containerArguments() {
        List<String> args = new ArrayList<>(List.of("load"));
        args.addAll(loadArguments);
        args.addAll(List.of("--shard", Integer.toString(shards), "--start-at", Long.toString(startAt.toEpochMilli()),
                "--start-tolerance", startTolerance.toMillis() + "ms", "--json", "-"));
        return args;
    }

    public Job manifest() {
        Map<String, String> labels = Map.of(RUN_LABEL, name, "app.kubernetes.io/name", "greetbench-load");
        return new JobBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec()
                    .withCompletionMode("Indexed")
                    .withCompletions(shards)
                    .withParallelism(shards)
                    .withBackoffLimitPerIndex(0)
                    .withMaxFailedIndexes(shards)
                    .withTtlSecondsAfterFinished(3600)
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withNewAffinity().withNewPodAntiAffinity()
                                .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                                    .withWeight(100)
                                    .withNewPodAffinityTerm()
                                        .withTopologyKey("kubernetes.io/hostname")
                                        .withNewLabelSelector().addToMatchLabels(RUN_LABEL, name).endLabelSelector()
                                    .endPodAffinityTerm()
                                .endPreferredDuringSchedulingIgnoredDuringExecution()
                            .endPodAntiAffinity().endAffinity()
                            .addNewContainer()
                                .withName("load")
                                .withImage(image)
                                .withArgs(containerArguments())
                                .withNewResources()
                                    .addToRequests("cpu", new Quantity(cpu)).addToLimits("cpu", new Quantity(cpu))
                                    .addToRequests("memory", new Quantity(memory)).addToLimits("memory", new Quantity(memory))
                                .endResources()
                            .endContainer()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    /** The manifest as YAML, what {@code --dry-run} writes and {@code kubectl apply -f} takes. */
    public String yaml() {
        return new KubernetesSerialization().asYaml(manifest());
    }
}
