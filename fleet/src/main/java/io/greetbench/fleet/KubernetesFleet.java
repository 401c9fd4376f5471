package io.greetbench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.greetbench.harness.ToolFailureException;
import io.greetbench.loadgen.SummaryJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a fleet as a Kubernetes Indexed Job ({@link IndexedJob}) through the fabric8 client: creates
 * the Job, waits until every index has succeeded or failed (or the deadline passes), reads each
 * pod's summary from the last JSON line of its log, merges them ({@link FleetMerge}) and deletes
 * the Job. Ctrl-C deletes the Job too, which stops its pods.
 *
 * <p>Threading: runs on the calling thread; a JVM shutdown hook deletes the Job when the run is
 * interrupted.
 */
public final class KubernetesFleet {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofSeconds(2);

    private final KubernetesClient client;
    private final PrintWriter progress;

    public KubernetesFleet(KubernetesClient client, PrintWriter progress) {
        this.client = client;
        this.progress = progress;
    }

    /**
     * Runs {@code job}; the merged summary goes to {@code outDir/merged.json}.
     *
     * @param runLength how long a shard runs after the start instant
     * @param grace     how long past that a shard may take to finish before it counts as lost
     * @param keep      leave the Job (and its pods' logs) in the cluster afterwards
     */
    public FleetRun.Result run(IndexedJob job, Duration runLength, Duration grace, boolean keep, Path outDir) {
        Job manifest = job.manifest();
        AtomicBoolean done = new AtomicBoolean();
        Thread cleanup = new Thread(() -> {
            if (!done.get()) {
                delete(job);
            }
        }, "fleet-delete-job");
        try {
            client.batch().v1().jobs().inNamespace(job.namespace()).resource(manifest).create();
        } catch (KubernetesClientException e) {
            throw new ToolFailureException("cannot create Job " + job.name() + " in namespace " + job.namespace() + ": " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(cleanup);
        say("created Job %s/%s: %d shards, start at %s", job.namespace(), job.name(), job.shards(), job.startAt());
        List<ShardReport> reports;
        try {
            Instant deadline = job.startAt().plus(runLength).plus(grace);
            waitForIndexes(job, deadline);
            reports = collect(job);
        } finally {
            done.set(true);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // Shutting down already: the hook deletes the Job.
            }
            if (!keep) {
                delete(job);
            }
        }
        ObjectNode merged = FleetMerge.merge(reports, job.shards(), job.startTolerance());
        Path json = outDir.resolve("merged.json");
        try {
            Files.createDirectories(outDir);
            SummaryJson.write(json, merged);
            for (ShardReport r : reports) {
                if (r.ok()) {
                    SummaryJson.write(outDir.resolve("shard-" + r.index() + ".json"), r.summary());
                }
            }
        } catch (IOException e) {
            throw new ToolFailureException("cannot write the merged results to " + outDir + ": " + e.getMessage(), e);
        }
        return new FleetRun.Result(merged, json, null, reports);
    }

    private void waitForIndexes(IndexedJob job, Instant deadline) {
        while (Instant.now().isBefore(deadline)) {
            Job current = client.batch().v1().jobs().inNamespace(job.namespace()).withName(job.name()).get();
            if (current == null) {
                throw new ToolFailureException("Job " + job.namespace() + "/" + job.name() + " disappeared while it ran");
            }
            JobStatus status = current.getStatus();
            int succeeded = status == null || status.getSucceeded() == null ? 0 : status.getSucceeded();
            int failed = status == null || status.getFailed() == null ? 0 : status.getFailed();
            if (succeeded + failed >= job.shards()) {
                say("Job %s: %d shards succeeded, %d failed", job.name(), succeeded, failed);
                return;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ToolFailureException("interrupted while waiting for Job " + job.name(), e);
            }
        }
        say("Job %s: deadline %s passed; collecting what finished", job.name(), deadline);
    }

    /** One report per index: the summary from the pod's log, or why there is none. */
    List<ShardReport> collect(IndexedJob job) {
        Map<Integer, Pod> byIndex = new HashMap<>();
        for (Pod pod : client.pods().inNamespace(job.namespace()).withLabel(IndexedJob.RUN_LABEL, job.name()).list().getItems()) {
            String index = pod.getMetadata().getAnnotations() == null ? null : pod.getMetadata().getAnnotations().get(IndexedJob.INDEX_ANNOTATION);
            if (index != null) {
                // A succeeded pod wins over a failed one of the same index.
                byIndex.merge(Integer.parseInt(index), pod, (a, b) -> "Succeeded".equals(phase(a)) ? a : b);
            }
        }
        List<ShardReport> reports = new ArrayList<>();
        for (int i = 0; i < job.shards(); i++) {
            Pod pod = byIndex.get(i);
            if (pod == null) {
                reports.add(ShardReport.failed(i, "index " + i, "no pod was scheduled for it"));
                continue;
            }
            String name = pod.getMetadata().getName();
            String log;
            try {
                log = client.pods().inNamespace(job.namespace()).withName(name).getLog();
            } catch (KubernetesClientException e) {
                reports.add(ShardReport.failed(i, name, "its log cannot be read: " + e.getMessage()));
                continue;
            }
            Optional<JsonNode> summary = lastJsonLine(log);
            if (summary.isEmpty()) {
                reports.add(ShardReport.failed(i, name, "pod " + phase(pod) + " without a result in its log"));
            } else {
                reports.add(new ShardReport(i, name, summary.get(), null, null));
            }
        }
        return reports;
    }

    /** The shard's summary: the last line of its output that is a JSON object. */
    static Optional<JsonNode> lastJsonLine(String log) {
        if (log == null) {
            return Optional.empty();
        }
        List<String> lines = log.lines().toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i).trim();
            if (line.startsWith("{")) {
                try {
                    JsonNode node = JSON.readTree(line);
                    if (node.isObject()) {
                        return Optional.of(node);
                    }
                } catch (IOException e) {
                    // Not the summary; keep looking further up.
                }
            }
        }
        return Optional.empty();
    }

    private void delete(IndexedJob job) {
        try {
            client.batch().v1().jobs().inNamespace(job.namespace()).withName(job.name())
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        } catch (KubernetesClientException e) {
            progress.println("greetbench fleet: could not delete Job " + job.name() + ": " + e.getMessage());
        }
    }

    private static String phase(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Unknown" : pod.getStatus().getPhase();
    }

    private void say(String format, Object... args) {
        progress.println("greetbench fleet: " + String.format(Locale.ROOT, format, args));
        progress.flush();
    }
}
