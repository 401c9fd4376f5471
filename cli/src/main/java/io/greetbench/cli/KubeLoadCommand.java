package io.greetbench.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.greetbench.fleet.FleetPlan;
import io.greetbench.fleet.FleetRun;
import io.greetbench.fleet.IndexedJob;
import io.greetbench.fleet.KubernetesFleet;
import io.greetbench.harness.ToolFailureException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code greetbench kube-load}: one load run as N shards in a Kubernetes Indexed Job, merged
 * exactly. The load options after {@code --} are those of {@code greetbench load}, checked here
 * before anything is created; the target must be reachable from the pods (a Service name, say),
 * so it is not resolved here.
 *
 * <p>Threading: runs on the picocli thread; see {@link KubernetesFleet}.
 */
@Command(name = "kube-load", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs one load as N shards of a Kubernetes Indexed Job (one pod each, spread over nodes where it can),",
            "started together at one instant, and merges their results exactly (counts summed, percentiles from the union",
            "of their histograms). The kubeconfig is read as kubectl reads it. The image runs greetbench (see Dockerfile).",
            "Example: greetbench kube-load --shards 4 --image reg/greetbench:1 -- --target server:8888 -R 80000 -d 30s"})
final class KubeLoadCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--shards", required = true, paramLabel = "N", description = "pods, one shard each; N goes into the manifest")
    int shards;

    @Option(names = "--image", required = true, paramLabel = "IMAGE", description = "the greetbench image (built from the Dockerfile)")
    String image;

    @Option(names = "--namespace", paramLabel = "NS", description = "the namespace (default: ${DEFAULT-VALUE})")
    String namespace;

    @Option(names = "--name", paramLabel = "NAME", description = "the Job's name (default: greetbench-load-<time>)")
    String name;

    @Option(names = "--cpu", paramLabel = "QUANTITY", description = "each pod's CPU request and limit (default: ${DEFAULT-VALUE})")
    String cpu;

    @Option(names = "--memory", paramLabel = "QUANTITY", description = "each pod's memory request and limit (default: ${DEFAULT-VALUE})")
    String memory;

    @Option(names = "--schedule-delay", paramLabel = "DURATION",
            description = "time from creating the Job to the shards' common start, for scheduling and image pulls (default: ${DEFAULT-VALUE})")
    Duration scheduleDelay;

    @Mixin
    StartTolerance startTolerance;

    @Option(names = "--keep", description = "leave the Job and its pods in the cluster afterwards")
    boolean keep;

    @Option(names = "--dry-run", paramLabel = "FILE", description = "write the Job's manifest (YAML) to FILE, or - for stdout, and create nothing")
    String dryRun;

    @Option(names = "--out", paramLabel = "DIR", description = "where the merged and per-shard summaries go (default: results/kube-load-<time>)")
    Path out;

    @Parameters(paramLabel = "LOAD-OPTION", arity = "1..*", description = "after --: the options of greetbench load")
    List<String> loadArguments = new ArrayList<>();

    /** Enough for a scheduler to place N pods and for nodes to pull a JRE image of ~200 MB. */
    static final Duration DEFAULT_SCHEDULE_DELAY = Duration.ofSeconds(60);
    static final String DEFAULT_NAMESPACE = "default";
    static final String DEFAULT_CPU = "2";
    static final String DEFAULT_MEMORY = "1Gi";

    @Override
    public Integer call() {
        if (shards < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--shards must be at least 1, got " + shards);
        }
        Duration runLength = LoadCommand.runLengthOf(loadArguments, spec.commandLine());
        String stamp = Long.toString(System.currentTimeMillis() / 1000);
        String jobName = name != null ? name : "greetbench-load-" + stamp;
        Instant startAt = Instant.now().plus(scheduleDelay);
        IndexedJob job = new IndexedJob(jobName, namespace, image, shards, loadArguments, startAt, startTolerance.value, cpu, memory);
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (dryRun != null) {
            String yaml = job.yaml();
            if (dryRun.equals("-")) {
                stdout.print(yaml);
                stdout.flush();
            } else {
                try {
                    Files.writeString(Path.of(dryRun), yaml, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new ToolFailureException("cannot write --dry-run " + dryRun + ": " + e.getMessage(), e);
                }
                err.println("greetbench kube-load: wrote the manifest of Job " + jobName + " to " + dryRun);
            }
            return ExitCode.OK.code();
        }
        Path dir = out != null ? out : Path.of("results", "kube-load-" + stamp);
        FleetRun.Result result;
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            result = new KubernetesFleet(client, err).run(job, runLength, FleetPlan.DEFAULT_GRACE, keep, dir);
        }
        return FleetReport.print(result, stdout, err);
    }
}
