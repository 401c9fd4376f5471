package io.greetbench.compare;

import io.greetbench.compare.CompareResults.CpuProfile;
import io.greetbench.compare.CompareRun.ServerRun;
import io.greetbench.harness.CpuTimes;
import io.greetbench.harness.GreetbenchException;
import io.greetbench.harness.JfrProfile;
import io.greetbench.harness.ServerProcess;
import io.greetbench.harness.ToolFailureException;
import io.greetbench.loadgen.LoadGenerator;
import io.greetbench.loadgen.LoadResult;
import io.greetbench.loadgen.LoadSpec;
import io.greetbench.loadgen.ProgressListener;
import io.greetbench.loadgen.UnreachableTargetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One Java server's profiled run for {@code compare --cpu-profile}: where its CPU goes, measured
 * apart from the figures it explains. A flight recording costs the server CPU (the sampler, the
 * recorder thread, allocation sampling), so it never runs during the measured workloads: after
 * them, the server is started afresh with {@link JfrProfile#startOption} on its usual CPUs, warmed
 * up by the compare warm-up rule ({@link WarmUpRule}, at the profiled concurrency, not recorded in
 * any figure), put under the servers' CPU budget as the measured runs were, and driven in a closed
 * loop at the concurrency of its closed-loop peak for the profile's
 * {@link CompareProfile#cpuProfileDuration()}. Around that window its user and system time are
 * read from {@code /proc} ({@link CpuTimes}); then it is stopped with SIGTERM, which writes the
 * recording ({@code serve} writes it before it exits), and the events inside the window are read
 * back ({@link JfrProfile#read}). The recording is kept under the output directory's {@code jfr/}.
 *
 * <p>A failure here (the server does not start, dies, the recording cannot be read) costs the
 * profile only: it becomes the profile's {@code not_profiled} reason, never the server's failure.
 *
 * <p>Threading: {@link #profile} runs on the thread that runs the comparison, which also drives
 * the load generator; {@link #stop} may be called from any thread (a shutdown hook).
 */
final class CpuProfileRun {

    /** The recording's execution sampler: JFR's {@code profile} settings' own period, said once. */
    static final Duration SAMPLE_PERIOD = JfrProfile.DEFAULT_SAMPLE_PERIOD;
    /** Time for a JVM stopped by SIGTERM to write its recording and exit; a short one writes in well under a second. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    /**
     * Fewer allocation samples than this in the window give no allocation figure ("-"): JFR takes
     * one when a thread refills its allocation buffer, buffers grow to megabytes, and a window with
     * a handful of samples can miss almost all of its allocation (seen: nio "3 B per exchange"
     * from one sample in 3 s, against 600-860 B counted by jdk.ThreadAllocationStatistics).
     */
    static final int MIN_ALLOCATION_SAMPLES = 10;

    private final ServerRun run;
    private final CompareSettings settings;
    private final Optional<String> serverCpus;
    private final ServerBudget budget;
    private final Path dir;
    private final Progress progress;
    private final String prefix;
    private volatile ServerProcess process;

    CpuProfileRun(ServerRun run, CompareSettings settings, Optional<String> serverCpus, ServerBudget budget, Path dir, Progress progress,
                  String prefix) {
        this.run = run;
        this.settings = settings;
        this.serverCpus = serverCpus;
        this.budget = budget;
        this.dir = dir;
        this.progress = progress;
        this.prefix = prefix;
    }

    /** The profile at {@code connections} exchanges in flight; why there is none when the run failed or the server is no JVM. */
    CpuProfile profile(int connections) {
        if (!run.server().isGreetbench()) {
            return CpuProfile.notProfiled(CpuProfile.NO_JVM);
        }
        Path recording = null;
        try {
            // A plain temporary name: the output directory's path may hold characters (a comma)
            // that the recording option cannot take.
            recording = Files.createTempFile("greetbench-cpu-profile-", ".jfr");
            return profile(connections, recording);
        } catch (IOException | GreetbenchException e) {
            return CpuProfile.notProfiled("profiled run failed: " + e.getMessage());
        } finally {
            ServerProcess p = process;
            if (p != null) {
                p.close();
                process = null;
            }
            if (recording != null) {
                try {
                    Files.deleteIfExists(recording);
                } catch (IOException e) {
                    // A temporary file left behind is harmless.
                }
            }
        }
    }

    /** Stops the profiled server, if one runs: Ctrl-C must not leave it behind. */
    void stop(Duration grace) {
        ServerProcess p = process;
        if (p != null) {
            p.stop(grace);
        }
    }

    private CpuProfile profile(int connections, Path recording) throws IOException {
        ServerProcess p = run.server().start(run.handler(), serverCpus, List.of(JfrProfile.startOption(recording, SAMPLE_PERIOD)),
                ServerMeasurement.START_TIMEOUT);
        process = p;
        warmUp(p, connections);
        budget.admit(p).ifPresent(why -> progress.note(prefix, "profiled run without the CPU budget: " + why));
        Instant from = Instant.now();
        CpuTimes before = p.cpuTimes();
        LoadResult window = load(p, connections, settings.profile().cpuProfileDuration());
        CpuTimes used = p.cpuTimes().since(before);
        Instant to = Instant.now();
        if (p.stop(STOP_GRACE) < 0) {
            throw new ToolFailureException("did not stop within " + STOP_GRACE.toSeconds() + " s of SIGTERM, so its recording may be cut short");
        }
        Path kept = dir.resolve("jfr").resolve(run.fileLabel() + ".jfr");
        Files.createDirectories(kept.getParent());
        Files.move(recording, kept, StandardCopyOption.REPLACE_EXISTING);
        JfrProfile jfr = JfrProfile.read(kept, from, to, JfrProfile.DEFAULT_TOP_METHODS);
        long exchanges = window.exchanges();
        long cpuNanos = used.totalNanos();
        return new CpuProfile(null, connections, exchanges, window.totalErrors(), CompareSettings.seconds(window.elapsed()),
                share(used.userNanos(), cpuNanos), share(used.systemNanos(), cpuNanos),
                exchanges == 0 || cpuNanos < 0 ? Double.NaN : cpuNanos / 1e3 / exchanges,
                exchanges == 0 || jfr.allocationSamples() < MIN_ALLOCATION_SAMPLES
                        ? Double.NaN : (double) jfr.sampledAllocationBytes() / exchanges,
                jfr.sampler(), SAMPLE_PERIOD.toMillis(), jfr.samples(), jfr.topMethods(), dir.relativize(kept).toString());
    }

    /**
     * The compare warm-up rule at the profiled concurrency: this is a new JVM, whose JIT starts
     * from nothing; without it the profile would show the interpreter and the compiler.
     */
    private void warmUp(ServerProcess p, int connections) {
        if (settings.warmup().isZero()) {
            return;
        }
        WarmUpRule rule = settings.warmUpRule();
        List<Double> costs = new ArrayList<>();
        while (rule.judge(costs) == WarmUpRule.Verdict.CONTINUE) {
            long before = p.cpuNanos();
            LoadResult slice = load(p, connections, rule.slice());
            costs.add(PointRepeats.perThousand(p.cpuNanos() - before, slice.exchanges()));
        }
        progress.note(prefix, "profiled run warmed up: " + String.join(" → ", costs.stream().map(CompareTable::decimal).toList())
                + " µs of server CPU per exchange (the recording's overhead included)");
    }

    private LoadResult load(ServerProcess p, int connections, Duration duration) {
        LoadSpec spec = LoadSpec.builder(p.address()).closed(connections).duration(duration).exchangeTimeout(settings.exchangeTimeout())
                .warmup(Duration.ZERO).build();
        LoadResult result;
        try {
            result = LoadGenerator.run(spec, ProgressListener.NONE);
        } catch (UnreachableTargetException e) {
            throw new ToolFailureException(e.getMessage(), e);
        }
        if (!p.isAlive()) {
            throw new ToolFailureException("the server exited; its stderr: " + p.stderrTail(3));
        }
        return result;
    }

    private static double share(long part, long whole) {
        return whole > 0 ? (double) part / whole : Double.NaN;
    }
}
