package io.greetbench.cli;

import io.greetbench.capacity.CapacitySettings;
import io.greetbench.capacity.Slo;
import io.greetbench.compare.CompareJson;
import io.greetbench.compare.CompareProfile;
import io.greetbench.compare.CompareResults;
import io.greetbench.compare.CompareRun;
import io.greetbench.compare.CompareSettings;
import io.greetbench.compare.CompareTable;
import io.greetbench.compare.HtmlReport;
import io.greetbench.compare.Pinning;
import io.greetbench.harness.BadInputException;
import io.greetbench.harness.CpuQuota;
import io.greetbench.harness.ServerCpus;
import io.greetbench.harness.ToolFailureException;
import io.greetbench.protocol.HandlerWork;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code greetbench compare}: the options become {@link CompareSettings}, a {@link CompareRun}
 * measures every server by the procedure in {@code io.greetbench.compare}'s design note, and this
 * command writes what it measured: the table on stdout, and {@code results.json}, {@code table.txt},
 * {@code report.html} and {@code charts/*.svg} in the output directory, beside the {@code hlog/}
 * interval logs and, with {@code --cpu-profile}, the {@code jfr/} recordings the run wrote.
 *
 * <p>Threading: runs on the calling thread; see {@link CompareRun} for the threads it starts.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compares the servers under the same load, in shuffled interleaved rounds after each is warmed up until steady:",
            "closed loop, each server's capacity at a latency SLO, open loop at fractions of that capacity, held connections.",
            "The server runs on its own CPUs under a CPU quota, so that it, not the generator, is the limit; every figure says which side was.",
            "Writes a table to stdout and results.json, raw .hlog files and report.html to --out."})
final class CompareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--profile", paramLabel = "quick|full",
            description = "quick: about 3 minutes for the default servers; full: longer runs, more points, 10,000 held connections "
                    + "(default: ${DEFAULT-VALUE})")
    CompareProfile profile;

    @Option(names = "--handler", split = ",", paramLabel = "WORK",
            description = {"work per exchange on the server: none, cpu:<microseconds>, sleep:<milliseconds>, tail:<percent>:<milliseconds> (default: ${DEFAULT-VALUE}).",
                "Several, e.g. none,sleep:5, measure each server once per handler and show the difference."})
    List<HandlerWork> handlers;

    @Option(names = "--servers", split = ",", paramLabel = "LIST",
            description = "which built-in servers, in order (default: ${DEFAULT-VALUE}; asyncio only when python3 is present; \"\" for none)")
    List<String> servers;

    @Option(names = "--external", paramLabel = "NAME=COMMAND", mapFallbackValue = "",
            description = "an external server to add: a shell command with {port}, e.g. greet-c=\"/path/greet-c -p {port}\"; repeatable")
    Map<String, String> externals = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "DIR", description = "output directory (default: results/compare-<timestamp>)")
    Path out;

    @Option(names = "--pin", paramLabel = "auto|none",
            description = "auto: server and generator on separate CPUs with taskset when there are 2 or more; none: no pinning "
                    + "and no CPU budget (default: ${DEFAULT-VALUE})")
    Pinning pin;

    @Option(names = "--server-cpus", paramLabel = "half|N|LIST",
            description = "the server's CPUs when pinned: half, a count N (the first N), or a list such as 0-0, 0-1 or 2,3; "
                    + "the generator gets the rest (default: ${DEFAULT-VALUE})")
    ServerCpus serverCpus;

    @Option(names = "--server-cpu-quota", paramLabel = "CPUS|none",
            description = "CPU time the server may use when pinned, in CPUs (0.5 = half of one), with a cgroup quota, so that the "
                    + "server, not the generator, saturates; without permission the run goes on without it and says so "
                    + "(default: ${DEFAULT-VALUE})")
    CpuQuota serverCpuQuota;

    @Option(names = "--slo", paramLabel = "pP=DURATION",
            description = "the latency objective each server's capacity is searched at: the corrected latency at the percentile must "
                    + "stay within it, e.g. p99=5ms or p99.9=20ms (default: ${DEFAULT-VALUE})")
    Slo slo;

    @Mixin
    ProfileOverrides overrides = new ProfileOverrides();

    @Option(names = "--timeout", paramLabel = "DURATION", description = "per-exchange timeout (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--noise-threshold", paramLabel = "PERCENT", description = "warn when repeats spread more than this (default: ${DEFAULT-VALUE})")
    double noisePercent;

    @Option(names = "--cpu-profile",
            description = "after the measured workloads, profile each Java server with JFR in a run of its own (not in the table): "
                    + "its top methods, user/kernel split and allocation per exchange, in the report's \"Where the CPU goes\" and "
                    + "results.json's cpu_profile; recordings under jfr/ (default: ${DEFAULT-VALUE})")
    boolean cpuProfile;

    @Option(names = "--seed", paramLabel = "N", description = "seeds the shuffled order of each round, to repeat a run's order (default: random, recorded in results.json)")
    Long seed;

    @Override
    public Integer call() {
        CompareSettings settings = settings();
        Path dir = out != null ? out : CompareRun.defaultDirectory(Instant.now());
        PrintWriter err = spec.commandLine().getErr();
        CompareResults results = new CompareRun(settings, dir, String.join(" ", spec.commandLine().getParseResult().originalArgs()), err).run();
        write(dir, results);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(CompareTable.text(results));
        for (String w : results.warnings()) {
            stdout.println("warning: " + w);
        }
        stdout.println("report: " + dir.resolve("report.html").toAbsolutePath());
        stdout.println("results: " + dir.resolve("results.json").toAbsolutePath() + ", raw logs in " + dir.resolve("hlog")
                + ", charts in " + dir.resolve("charts"));
        stdout.flush();
        Duration took = Duration.between(results.provenance().started(), results.provenance().finished());
        err.println("greetbench compare: done in " + CompareTable.clock(took.toMillis() / 1e3));
        err.flush();
        return results.servers().stream().allMatch(r -> r.closedLoop().isEmpty()) ? ExitCode.TOOL_FAILURE.code() : ExitCode.OK.code();
    }

    /** The profile with the command line's overrides; every mistake is reported before anything runs. */
    private CompareSettings settings() {
        ProfileOverrides o = overrides;
        var parsed = spec.commandLine().getParseResult();
        if (pin == Pinning.NONE && (parsed.hasMatchedOption("--server-cpus") || parsed.hasMatchedOption("--server-cpu-quota"))) {
            throw new BadInputException("--pin none turns off --server-cpus and --server-cpu-quota; leave them out, or use --pin auto");
        }
        return new CompareSettings(profile, handlers,
                Objects.requireNonNullElse(o.warmup, profile.warmup()),
                Objects.requireNonNullElse(o.duration, profile.duration()),
                Objects.requireNonNullElse(o.repeats, profile.repeats()),
                Objects.requireNonNullElse(o.openLoopRepeats, Math.min(profile.openLoopRepeats(), Objects.requireNonNullElse(o.repeats, profile.repeats()))),
                Objects.requireNonNullElse(o.concurrencies, profile.concurrencies()),
                o.openLoopPercents != null ? o.openLoopPercents.stream().map(p -> p / 100).toList() : profile.fractions(),
                capacity(profile.capacity().withSlo(slo)),
                Objects.requireNonNullElse(o.held, profile.held()),
                Objects.requireNonNullElse(o.think, profile.think()),
                timeout, noisePercent / 100,
                servers, parsed.hasMatchedOption("--servers"), externals, pin, serverCpus, serverCpuQuota,
                seed != null ? seed : CompareSettings.randomSeed(), cpuProfile);
    }

    /**
     * The profile's capacity search with {@code --capacity-steps} and {@code --capacity-step-duration};
     * a shorter step also gets a shorter lead-in (half the step, at most the profile's), so that a
     * short search stays short. {@link CapacitySettings} validates both, naming the option.
     */
    private CapacitySettings capacity(CapacitySettings c) {
        ProfileOverrides o = overrides;
        if (o.capacitySteps == null && o.capacityStepDuration == null) {
            return c;
        }
        int steps = Objects.requireNonNullElse(o.capacitySteps, c.maxSteps());
        Duration step = Objects.requireNonNullElse(o.capacityStepDuration, c.stepDuration());
        if (steps < 1 || steps > CapacitySettings.MAX_STEPS) {
            throw new BadInputException("--capacity-steps must be between 1 and " + CapacitySettings.MAX_STEPS + ", got " + steps);
        }
        if (step.isNegative() || step.isZero()) {
            throw new BadInputException("--capacity-step-duration must be > 0, got " + step);
        }
        Duration half = step.dividedBy(2);
        Duration lead = half.compareTo(c.stepWarmup()) < 0 ? half : c.stepWarmup();
        return new CapacitySettings(c.slo(), c.startRate(), c.growth(), c.tolerance(), steps, step, lead, c.exchangeTimeout());
    }

    /**
     * The workload options, which override the profile's values one by one: each is null unless
     * given. Their defaults depend on {@code --profile}, so they are not in {@link Defaults}.
     */
    static final class ProfileOverrides {

        @Option(names = "--warmup", paramLabel = "DURATION",
                description = "override the profile: the most warm-up per server, which stops once it is steady; 0 = none, and no open loop")
        Duration warmup;

        @Option(names = "--duration", paramLabel = "DURATION", description = "override the profile: each recorded run")
        Duration duration;

        @Option(names = "--repeats", paramLabel = "N", description = "override the profile: rounds, each running every closed-loop point once")
        Integer repeats;

        @Option(names = "--open-loop-repeats", paramLabel = "N", description = "override the profile: repeats of each open-loop point, one per round")
        Integer openLoopRepeats;

        @Option(names = "--concurrency", split = ",", paramLabel = "LIST", description = "override the profile: closed-loop concurrencies, e.g. 16,64")
        List<Integer> concurrencies;

        @Option(names = "--open-loop", split = ",", paramLabel = "PERCENTS", description = "override the profile: open-loop rates in %% of each server's capacity, e.g. 50,80")
        List<Double> openLoopPercents;

        @Option(names = "--capacity-steps", paramLabel = "N",
                description = "override the profile: the most steps of each server's capacity search")
        Integer capacitySteps;

        @Option(names = "--capacity-step-duration", paramLabel = "DURATION",
                description = "override the profile: each capacity step's recorded run, after a lead-in of half that at most")
        Duration capacityStepDuration;

        @Option(names = "--held", paramLabel = "N", description = "override the profile: held connections (0 = skip)")
        Integer held;

        @Option(names = "--think", paramLabel = "DURATION", description = "override the profile: how long held connections stay idle")
        Duration think;
    }

    private static void write(Path dir, CompareResults results) {
        try {
            Files.writeString(dir.resolve("results.json"), CompareJson.write(results), StandardCharsets.UTF_8);
            Map<String, String> charts = new LinkedHashMap<>();
            Files.writeString(dir.resolve("report.html"), HtmlReport.render(results, charts), StandardCharsets.UTF_8);
            Files.createDirectories(dir.resolve("charts"));
            for (Map.Entry<String, String> chart : charts.entrySet()) {
                Files.writeString(dir.resolve("charts").resolve(chart.getKey() + ".svg"), chart.getValue(), StandardCharsets.UTF_8);
            }
            Files.writeString(dir.resolve("table.txt"), CompareTable.text(results), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ToolFailureException("cannot write results to " + dir + ": " + e.getMessage(), e);
        }
    }
}
