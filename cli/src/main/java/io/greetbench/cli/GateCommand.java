package io.greetbench.cli;

import io.greetbench.capacity.Slo;
import io.greetbench.gate.BuildResolver;
import io.greetbench.gate.GateBuild;
import io.greetbench.gate.GateReport;
import io.greetbench.gate.GateRun;
import io.greetbench.gate.GateSettings;
import io.greetbench.gate.GateVerdict;
import io.greetbench.gate.GateWorkload;
import io.greetbench.gate.JmhGate;
import io.greetbench.harness.ServerKind;
import io.greetbench.harness.ToolFailureException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code greetbench gate}: a CI performance regression gate. Options become {@link GateSettings};
 * {@link GateRun} measures a baseline and a candidate build in the same job, or {@link JmhGate}
 * compares two JMH result files; the {@link GateReport} is printed and written, and the verdict
 * becomes the exit code. The method is in the gate module's {@code package-info.java}.
 *
 * <p>Threading: runs on the calling thread ({@link GateRun} says what else it starts).
 */
@Command(name = "gate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fails the build when the candidate is slower than the baseline beyond a threshold.",
            "",
            "Both builds run in the same job, in randomized interleaved rounds (a fresh server JVM per side per "
                    + "round). The per-round candidate/baseline ratios give a confidence interval: regression when it "
                    + "lies entirely beyond the threshold, pass when entirely within it, inconclusive when it still "
                    + "straddles it after the whole budget.",
            "",
            "With --jmh-baseline and --jmh-candidate, gates two JMH JSON result files by their per-fork scores.",
            ""})
final class GateCommand implements Callable<Integer> {

    /** What an inconclusive run exits with. */
    enum OnInconclusive {
        /** Exit 4: the job fails until someone looks. */
        FAIL,
        /** Exit 0: only a regression fails the job. */
        PASS;

        /** The name users type. */
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final List<String> SERVER_GATE_OPTIONS = List.of("--baseline", "--candidate", "--servers", "--workload",
            "--latency-threshold", "--capacity-slo");

    @Spec
    CommandSpec spec;

    @Option(names = "--baseline", paramLabel = "JAR|DIR",
            description = "the baseline build: a greetbench jar, or a checkout (built with its ./mvnw when its jar is missing)")
    Path baseline;

    @Option(names = "--candidate", paramLabel = "JAR|DIR",
            description = "the candidate build, same forms (default: this build)")
    Path candidate;

    @Option(names = "--servers", split = "\\s*,\\s*", splitSynopsisLabel = ",", paramLabel = "SERVER",
            description = "servers to gate, comma-separated (default: ${DEFAULT-VALUE})")
    List<ServerKind> servers;

    @Option(names = "--workload", converter = GateConverters.Workload.class, split = "\\s*,\\s*", splitSynopsisLabel = ",",
            paramLabel = "WORKLOAD",
            description = "closed:<connections>, open:<exchanges per second>, open:<percent>%% (of the baseline's closed-loop "
                    + "rate on the same server, measured in its first round) or open:<percent>%%cap (of the baseline's capacity at "
                    + "--capacity-slo, from a short capacity search in the server's first round, about 20 s more); comma-separated "
                    + "or repeated. A closed loop gates exchanges/s and CPU per exchange, an open loop CPU per exchange and p99 "
                    + "latency (default: ${DEFAULT-VALUE})")
    List<GateWorkload> workloads;

    @Option(names = "--capacity-slo", converter = GateConverters.CapacitySlo.class, paramLabel = "pP=DURATION",
            description = "the latency objective of the capacity search behind open:<percent>%%cap: the corrected latency at the "
                    + "percentile must stay within it, e.g. p99=5ms (default: ${DEFAULT-VALUE})")
    Slo capacitySlo;

    @Option(names = "--budget", paramLabel = "DURATION", description = "time for all rounds of all servers (default: ${DEFAULT-VALUE})")
    Duration budget;

    @Option(names = "--threshold", converter = GateConverters.Percent.class, paramLabel = "PERCENT",
            description = "the verdict line: a change beyond it in the bad direction is a regression (default: ${DEFAULT-VALUE}, "
                    + "which catches a 10%% slowdown; see docs/gate.md)")
    double threshold;

    @Option(names = "--latency-threshold", converter = GateConverters.Percent.class, paramLabel = "PERCENT",
            description = "the verdict line of an open loop's p99 latency: the slowdown allowed (default: ${DEFAULT-VALUE}; "
                    + "see docs/gate.md)")
    double latencyThreshold;

    @Option(names = "--confidence", converter = GateConverters.Percent.class, paramLabel = "PERCENT",
            description = "two-sided confidence of the intervals; 100%% minus it is the false-alarm rate of the whole gate, "
                    + "over every row and round (Holm over rows, split over the looks) (default: ${DEFAULT-VALUE})")
    double confidence;

    @Option(names = "--round", paramLabel = "DURATION", description = "measured load per side per round (default: ${DEFAULT-VALUE})")
    Duration round;

    @Option(names = "--slice", paramLabel = "DURATION",
            description = "the sides take turns in slices this long within a round (default: ${DEFAULT-VALUE})")
    Duration slice;

    @Option(names = "--warmup", paramLabel = "DURATION",
            description = "unmeasured load on each fresh server before it is measured (default: 2s; 6s for netty, "
                    + "whose JIT takes that long: its CPU per exchange falls from ~400 to ~40 us over its first 6 s of load)")
    Duration warmup;

    @Option(names = "--min-rounds", paramLabel = "N",
            description = "rounds before any verdict other than inconclusive; the first look (default: ${DEFAULT-VALUE})")
    int minRounds;

    @Option(names = "--max-rounds", paramLabel = "N",
            description = "rounds after which a server stops even if undecided; every round from --min-rounds on is a look, "
                    + "and the false-alarm rate is split over them (default: ${DEFAULT-VALUE})")
    int maxRounds;

    @Option(names = "--baseline-args", paramLabel = "ARGS",
            description = "extra serve options for the baseline only, e.g. '--handler cpu:5'")
    String baselineArgs;

    @Option(names = "--candidate-args", paramLabel = "ARGS",
            description = "extra serve options for the candidate only, e.g. '--io-threads 2'")
    String candidateArgs;

    @Option(names = "--inconclusive", paramLabel = "fail|pass",
            description = "what an inconclusive run exits with: fail = 4, pass = 0 (default: ${DEFAULT-VALUE})")
    OnInconclusive inconclusive;

    @Option(names = "--seed", paramLabel = "N", description = "seeds the random order of sides and servers (default: random, reported)")
    Long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "write every per-round value and the verdicts as JSON")
    Path json;

    @Option(names = "--markdown", paramLabel = "FILE",
            description = "write a Markdown summary; it is also appended to $GITHUB_STEP_SUMMARY when that is set")
    Path markdown;

    @Option(names = "--jmh-baseline", paramLabel = "FILE", description = "JMH JSON result (-rf json) of the baseline")
    Path jmhBaseline;

    @Option(names = "--jmh-candidate", paramLabel = "FILE", description = "JMH JSON result (-rf json) of the candidate")
    Path jmhCandidate;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Consumer<String> progress = line -> {
            err.println("greetbench gate: " + line);
            err.flush();
        };
        GateReport report = jmhBaseline != null || jmhCandidate != null ? gateJmh() : gateServers(progress);
        ExitCode exit = ExitCode.of(report.verdict(), inconclusive == OnInconclusive.FAIL);
        write(report, exit);
        if (report.verdict() == GateVerdict.INCONCLUSIVE && exit == ExitCode.OK) {
            progress.accept("inconclusive, exiting 0 because of --inconclusive pass");
        }
        return exit.code();
    }

    private GateReport gateJmh() {
        if (jmhBaseline == null || jmhCandidate == null) {
            throw usage("--jmh-baseline and --jmh-candidate go together");
        }
        ParseResult given = spec.commandLine().getParseResult();
        if (SERVER_GATE_OPTIONS.stream().anyMatch(given::hasMatchedOption)) {
            throw usage("--jmh-baseline/--jmh-candidate gate two JMH files; they do not take " + String.join(", ", SERVER_GATE_OPTIONS));
        }
        return JmhGate.gate(jmhBaseline, jmhCandidate, threshold, confidence);
    }

    private GateReport gateServers(Consumer<String> progress) {
        if (baseline == null) {
            throw usage("--baseline is required (a greetbench jar or checkout), or use --jmh-baseline with --jmh-candidate");
        }
        GateSettings settings = new GateSettings(servers, workloads, capacitySlo, budget, threshold, latencyThreshold, confidence, round, slice,
                Optional.ofNullable(warmup), minRounds, maxRounds, GateSettings.splitArgs("--baseline-args", baselineArgs),
                GateSettings.splitArgs("--candidate-args", candidateArgs), seed != null ? seed : GateSettings.randomSeed());
        BuildResolver builds = new BuildResolver(progress);
        GateBuild base = builds.resolve("--baseline", baseline);
        GateBuild cand = candidate == null ? GateBuild.running() : builds.resolve("--candidate", candidate);
        return new GateRun(settings, base, cand, progress).run();
    }

    /** The table on stdout, then the files; the last line of each says what the process exits with. */
    private void write(GateReport report, ExitCode exit) {
        PrintWriter out = spec.commandLine().getOut();
        out.print(report.table(exit.code()));
        out.flush();
        try {
            if (json != null) {
                Files.writeString(json, report.json(exit.code()), StandardCharsets.UTF_8);
            }
            String md = report.markdown(exit.code());
            if (markdown != null) {
                Files.writeString(markdown, md, StandardCharsets.UTF_8);
            }
            String summary = System.getenv("GITHUB_STEP_SUMMARY");
            if (summary != null && !summary.isBlank()) {
                Files.writeString(Path.of(summary), md + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            // The verdict is on stdout, but a CI step that reads the files would see stale ones.
            throw new ToolFailureException("cannot write the gate's results: " + e.getMessage(), e);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
