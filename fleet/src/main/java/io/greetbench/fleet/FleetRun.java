package io.greetbench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.greetbench.harness.Parallel;
import io.greetbench.harness.ToolFailureException;
import io.greetbench.loadgen.HistogramLogs;
import io.greetbench.loadgen.SummaryJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Runs one load as N shards on N hosts that start together, and merges what they report.
 *
 * <ol>
 *   <li>Every host gets the jar (copied only where it is missing) and has its clock offset
 *       measured, all hosts at once.
 *   <li>The start instant is set {@code startDelay} after the slowest host is ready; each host is
 *       told the instant by its own clock (corrected by its offset), so all shards warm up and
 *       record the same window. Each shard measures how late it actually began.
 *   <li>Each shard runs {@code greetbench load ... --shard i/N} and writes its JSON summary and
 *       interval log on its host; they are fetched when it ends.
 *   <li>A shard that dies, cannot be reached, or has not reported by the deadline is killed and
 *       reported as failed by name; the merged result is then {@code partial}. Nothing is
 *       reported as complete that was not.
 * </ol>
 *
 * <p>Threading: the calling thread coordinates; each host's steps run on a platform thread of
 * their own ({@link Parallel}). A JVM shutdown (Ctrl-C) while shards run kills every shard
 * through a shutdown hook before the JVM exits.
 */
public final class FleetRun {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The merged summary, where it was written, and each shard's report. */
    public record Result(ObjectNode merged, Path json, Path hlog, List<ShardReport> shards) {
        public boolean partial() {
            return merged.path("partial").asBoolean();
        }

        public boolean valid() {
            return merged.path("valid").asBoolean();
        }
    }

    private final FleetPlan plan;
    private final List<? extends ShardHost> hosts;
    private final PrintWriter progress;

    /** Shard {@code i} runs on {@code hosts.get(i)}; there must be one host per shard. */
    public FleetRun(FleetPlan plan, List<? extends ShardHost> hosts, PrintWriter progress) {
        if (hosts.size() != plan.shards()) {
            throw new IllegalArgumentException("one host per shard: " + hosts.size() + " hosts for " + plan.shards() + " shards");
        }
        this.plan = plan;
        this.hosts = List.copyOf(hosts);
        this.progress = progress;
    }

    /** Runs the fleet; the merged summary goes to {@code outDir/merged.json} and {@code merged.hlog}. */
    public Result run(Path jar, Path outDir) {
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new ToolFailureException("cannot create " + outDir + ": " + e.getMessage(), e);
        }
        int n = plan.shards();
        String runId = Long.toString(System.currentTimeMillis(), 36);
        ShardReport[] reports = new ShardReport[n];
        String[] installed = new String[n];
        ClockOffset[] offsets = new ClockOffset[n];
        // 1. Install and measure clocks, every host at once.
        Parallel.run("fleet-", shardSteps(n, i -> {
            ShardHost host = hosts.get(i);
            try {
                installed[i] = host.install(jar);
                offsets[i] = host.clockOffset();
                say("%s: ready (clock offset %+.1f ms, measured to ±%.1f ms)", host.name(),
                        offsets[i].offsetNanos() / 1e6, offsets[i].roundTripNanos() / 2e6);
            } catch (IOException | RuntimeException e) {
                reports[i] = ShardReport.failed(i, host.name(), "could not be reached or prepared: " + e.getMessage());
            }
        }));
        Instant startAt = Instant.now().plus(plan.startDelay());
        Instant deadline = plan.deadline(startAt);
        say("fleet of %d shards starts at %s (in %d ms)", n, startAt, plan.startDelay().toMillis());
        // 2. Run every shard; Ctrl-C kills them all.
        // Written by the shards' threads, read by the shutdown hook's.
        AtomicReferenceArray<String> tags = new AtomicReferenceArray<>(n);
        Process[] processes = new Process[n];
        AtomicBoolean finished = new AtomicBoolean();
        Thread killer = new Thread(() -> {
            if (!finished.get()) {
                for (int i = 0; i < n; i++) {
                    if (tags.get(i) != null) {
                        hosts.get(i).kill(tags.get(i));
                    }
                }
            }
        }, "fleet-kill-on-exit");
        Runtime.getRuntime().addShutdownHook(killer);
        ConcurrentHashMap<Integer, Path> logs = new ConcurrentHashMap<>();
        try {
            Parallel.run("fleet-", shardSteps(n, i -> {
                if (reports[i] != null) {
                    return;
                }
                ShardHost host = hosts.get(i);
                String tag = "shard-" + i + "-of-" + n + "-" + runId;
                tags.set(i, tag);
                String json = host.workDir() + "/" + tag + ".json";
                String hlog = host.workDir() + "/" + tag + ".hlog";
                long startOnHost = offsets[i].toRemoteEpochMillis(startAt.toEpochMilli());
                Path log = outDir.resolve("shard-" + i + ".log");
                logs.put(i, log);
                try {
                    processes[i] = host.start(installed[i], plan.shardArguments(i, startOnHost, json, hlog), tag, log);
                    long waitNanos = Math.max(0, Duration.between(Instant.now(), deadline).toNanos());
                    if (!processes[i].waitFor(waitNanos, TimeUnit.NANOSECONDS)) {
                        host.kill(tag);
                        processes[i].destroyForcibly();
                        reports[i] = ShardReport.failed(i, host.name(), "never reported: still running at the deadline "
                                + deadline + "; killed (its output: " + log + ")");
                        return;
                    }
                    reports[i] = collect(i, host, json, hlog, processes[i].exitValue(), log, outDir);
                } catch (IOException e) {
                    host.kill(tag);
                    reports[i] = ShardReport.failed(i, host.name(), e.getMessage());
                } catch (InterruptedException e) {
                    host.kill(tag);
                    Thread.currentThread().interrupt();
                    reports[i] = ShardReport.failed(i, host.name(), "interrupted");
                }
            }));
        } finally {
            finished.set(true);
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down; the hook runs (and finds the shards ended or kills them).
            }
        }
        List<ShardReport> all = List.of(reports);
        ObjectNode merged = FleetMerge.merge(all, n, plan.startTolerance());
        Path jsonOut = outDir.resolve("merged.json");
        Path hlogOut = outDir.resolve("merged.hlog");
        try {
            SummaryJson.write(jsonOut, merged);
            List<Path> hlogs = all.stream().filter(ShardReport::ok).map(ShardReport::hlog).filter(p -> p != null).toList();
            if (!hlogs.isEmpty()) {
                HistogramLogs.write(hlogOut, HistogramLogs.merge(hlogs));
            } else {
                hlogOut = null;
            }
        } catch (IOException e) {
            throw new ToolFailureException("cannot write the merged results to " + outDir + ": " + e.getMessage(), e);
        }
        return new Result(merged, jsonOut, hlogOut, all);
    }

    private ShardReport collect(int i, ShardHost host, String json, String hlog, int exit, Path log, Path outDir) throws IOException {
        Optional<byte[]> summary = host.fetch(json);
        if (summary.isEmpty()) {
            return ShardReport.failed(i, host.name(), "died without a result (exit " + exit + "; its output: " + log + ")");
        }
        JsonNode node;
        try {
            node = JSON.readTree(summary.get());
        } catch (IOException e) {
            return ShardReport.failed(i, host.name(), "its result is not JSON: " + e.getMessage());
        }
        Path localJson = outDir.resolve("shard-" + i + ".json");
        Files.write(localJson, summary.get());
        Path localHlog = null;
        Optional<byte[]> log2 = host.fetch(hlog);
        if (log2.isPresent()) {
            localHlog = outDir.resolve("shard-" + i + ".hlog");
            Files.write(localHlog, log2.get());
        }
        return new ShardReport(i, host.name(), node, localHlog, null);
    }

    /** One task per shard index, for {@link Parallel#run}. */
    private static List<Runnable> shardSteps(int n, IntConsumer step) {
        List<Runnable> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            tasks.add(() -> step.accept(index));
        }
        return tasks;
    }

    private void say(String format, Object... args) {
        synchronized (progress) {
            progress.println("greetbench fleet: " + String.format(Locale.ROOT, format, args));
            progress.flush();
        }
    }
}
