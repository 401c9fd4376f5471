package io.greetbench.cli;

import io.greetbench.harness.ToolFailureException;
import io.greetbench.harness.BadInputException;
import io.greetbench.loadgen.IoEngine;
import io.greetbench.loadgen.LoadGenerator;
import io.greetbench.loadgen.LoadResult;
import io.greetbench.loadgen.LoadSpec;
import io.greetbench.loadgen.ProgressListener;
import io.greetbench.loadgen.UnreachableTargetException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import io.greetbench.gate.GateReport;
import io.greetbench.gate.GateRounds;
import io.greetbench.gate.GateRow;
import io.greetbench.gate.GateStatistics;
import io.greetbench.gate.JmhResults;
import io.greetbench.gate.GateVerdict;
import io.greetbench.harness.CpuPlacement;
import io.greetbench.harness.GreetbenchException;
import io.greetbench.harness.ServerKind;
import io.greetbench.harness.ServerProcess;

/**
 * {@code greetbench gate}: a CI performance regression gate. Measures a baseline build and a
 * candidate build in the same job, in randomized interleaved rounds, and decides with confidence
 * intervals ({@link GateRounds}, {@link GateStatistics}); or gates two JMH JSON result files.
 *
 * <p>Threading: runs on the calling thread; the load generator starts its own threads per run.
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

    /** The verdict line: with intervals at most ±5% wide, a 10% slowdown lies entirely beyond it. */
    static final double DEFAULT_THRESHOLD = 0.05;
    static final double DEFAULT_CONFIDENCE = 0.95;
    static final Duration DEFAULT_BUDGET = Duration.ofMinutes(5);
    static final Duration DEFAULT_ROUND = Duration.ofSeconds(3);
    static final Duration DEFAULT_WARMUP = Duration.ofSeconds(2);
    /**
     * Netty's pipeline takes the JIT longer: measured with load-c in 1 s steps on a fresh server,
     * its CPU per exchange went 402, 163, 132, 69, 48, 37 µs and then stayed near 37-40. Measured
     * after 2 s, every round caught it at a different point of that curve (51-79 µs per JVM).
     */
    static final Duration NETTY_WARMUP = Duration.ofSeconds(6);
    /** The sides warm up in turns this long. */
    static final Duration WARMUP_TURN = Duration.ofSeconds(1);
    /** Short enough that both sides see the same machine, long enough that a run's start-up is noise. */
    static final Duration DEFAULT_SLICE = Duration.ofMillis(500);
    static final int DEFAULT_MIN_ROUNDS = 4;
    static final int DEFAULT_MAX_ROUNDS = 30;
    static final String DEFAULT_WORKLOAD = "closed:" + LoadSpec.DEFAULT_CONNECTIONS;
    private static final Duration SERVER_START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SERVER_STOP_GRACE = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Option(names = "--baseline", paramLabel = "JAR|DIR",
            description = "the baseline build: a greetbench jar, or a checkout (built with its ./mvnw when its jar is missing)")
    Path baseline;

    @Option(names = "--candidate", paramLabel = "JAR|DIR",
            description = "the candidate build, same forms (default: this build)")
    Path candidate;

    @Option(names = "--servers", split = ",", paramLabel = "SERVER",
            description = "servers to gate, comma-separated (default: all: nio, netty, loom)")
    List<String> servers;

    @Option(names = "--workload", paramLabel = "WORKLOAD",
            description = "closed:<connections> or open:<exchanges per second>; repeatable (default: " + "closed:64" + ")")
    List<String> workloads;

    @Option(names = "--budget", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "time for all rounds of all servers (default: 5m)")
    Duration budget = DEFAULT_BUDGET;

    @Option(names = "--threshold", paramLabel = "PERCENT",
            description = "the verdict line: a change beyond it in the bad direction is a regression (default: 5%%, "
                    + "which catches a 10%% slowdown; see docs/gate.md)")
    String threshold = "5%";

    @Option(names = "--confidence", paramLabel = "PERCENT", description = "two-sided confidence of the intervals (default: 95%%)")
    String confidence = "95%";

    @Option(names = "--round", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "measured load per side per round (default: 3s)")
    Duration round = DEFAULT_ROUND;

    @Option(names = "--slice", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "the sides take turns in slices this long within a round (default: 500ms)")
    Duration slice = DEFAULT_SLICE;

    @Option(names = "--warmup", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "unmeasured load on each fresh server before it is measured (default: 2s; 6s for netty, "
                    + "whose JIT takes that long: its CPU per exchange falls from ~400 to ~40 us over its first 6 s of load)")
    Duration warmup;

    @Option(names = "--min-rounds", paramLabel = "N", description = "rounds before any verdict other than inconclusive (default: ${DEFAULT-VALUE})")
    int minRounds = DEFAULT_MIN_ROUNDS;

    @Option(names = "--max-rounds", paramLabel = "N", description = "rounds after which a server stops even if undecided (default: ${DEFAULT-VALUE})")
    int maxRounds = DEFAULT_MAX_ROUNDS;

    @Option(names = "--baseline-args", paramLabel = "ARGS",
            description = "extra serve options for the baseline only, e.g. '--handler cpu:5'")
    String baselineArgs = "";

    @Option(names = "--candidate-args", paramLabel = "ARGS",
            description = "extra serve options for the candidate only, e.g. '--io-threads 2'")
    String candidateArgs = "";

    @Option(names = "--inconclusive", paramLabel = "fail|pass",
            description = "what an inconclusive run exits with: fail = 4, pass = 0 (default: fail)")
    String inconclusive = "fail";

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

    /** A build to measure: the class path its servers run from, and how to describe it. */
    record Build(String classPath, String mainClass, String description) {
    }

    /** One workload as the user typed it and as a spec factory. */
    record GateWorkload(String name, boolean open, double amount) {

        private static final Pattern FORMAT = Pattern.compile("(closed|open):(\\d+(?:\\.\\d+)?)");

        static GateWorkload parse(String text) {
            Matcher m = FORMAT.matcher(text.trim());
            if (!m.matches()) {
                throw new IllegalArgumentException("must be closed:<connections> or open:<exchanges per second>, got '" + text + "'");
            }
            double amount = Double.parseDouble(m.group(2));
            boolean open = m.group(1).equals("open");
            if (!(amount >= 1) || (!open && amount != Math.rint(amount))) {
                throw new IllegalArgumentException("needs a positive " + (open ? "rate" : "whole number of connections") + ", got '" + text + "'");
            }
            return new GateWorkload(m.group(1) + ":" + m.group(2), open, amount);
        }

        LoadSpec spec(InetSocketAddress target, Duration duration, Optional<String> cpus) {
            LoadSpec.Builder b = LoadSpec.builder(target);
            if (open) {
                b.open(amount);
            } else {
                b.closed((int) amount);
            }
            return b.duration(duration).warmup(Duration.ZERO).cpus(cpus.orElse(null)).build();
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        double thresholdFraction = percent("--threshold", threshold);
        double confidenceFraction = percent("--confidence", confidence);
        boolean inconclusiveFails = switch (inconclusive) {
            case "fail" -> true;
            case "pass" -> false;
            default -> throw usage("--inconclusive must be fail or pass, got '" + inconclusive + "'");
        };
        if (jmhBaseline != null || jmhCandidate != null) {
            if (jmhBaseline == null || jmhCandidate == null) {
                throw usage("--jmh-baseline and --jmh-candidate go together");
            }
            if (baseline != null || candidate != null || servers != null || workloads != null) {
                throw usage("--jmh-baseline/--jmh-candidate gate two JMH files; they do not take --baseline, --candidate, --servers or --workload");
            }
            GateReport report = gateJmh(thresholdFraction, confidenceFraction, inconclusiveFails);
            return finish(report, out, err);
        }
        GateSetup setup = validateServerGate(thresholdFraction, confidenceFraction);
        Build base = resolveBuild("--baseline", baseline, err);
        Build cand = candidate == null
                ? new Build(ServerProcess.classPath(), ServerProcess.MAIN_CLASS, "this build (" + ServerProcess.classPath() + ")")
                : resolveBuild("--candidate", candidate, err);
        GateReport report = gateServers(setup, base, cand, inconclusiveFails, err);
        return finish(report, out, err);
    }

    /** Everything the server gate needs, validated before any work. */
    private record GateSetup(List<ServerKind> servers, List<GateWorkload> workloads, List<String> baselineArgs,
                             List<String> candidateArgs, GateRounds.Settings settings) {
    }

    private GateSetup validateServerGate(double thresholdFraction, double confidenceFraction) {
        if (baseline == null) {
            throw usage("--baseline is required (a greetbench jar or checkout), or use --jmh-baseline with --jmh-candidate");
        }
        List<ServerKind> kinds = new ArrayList<>();
        for (String s : servers == null ? ServerKind.cliNames() : servers) {
            try {
                ServerKind k = ServerKind.parse(s.trim());
                if (!kinds.contains(k)) {
                    kinds.add(k);
                }
            } catch (IllegalArgumentException e) {
                throw usage("--servers: " + e.getMessage());
            }
        }
        List<GateWorkload> loads = new ArrayList<>();
        for (String w : workloads == null ? List.of(DEFAULT_WORKLOAD) : workloads) {
            try {
                loads.add(GateWorkload.parse(w));
            } catch (IllegalArgumentException e) {
                throw usage("--workload " + e.getMessage());
            }
        }
        if (budget.isNegative() || budget.isZero()) {
            throw usage("--budget must be > 0, got " + budget);
        }
        if (round.isNegative() || round.isZero()) {
            throw usage("--round must be > 0, got " + round);
        }
        if (slice.isNegative() || slice.isZero() || slice.compareTo(round) > 0) {
            throw usage("--slice must be > 0 and at most --round (" + round.toMillis() + " ms), got " + slice.toMillis() + " ms");
        }
        if (warmup != null && warmup.isNegative()) {
            throw usage("--warmup must be >= 0, got " + warmup);
        }
        if (minRounds < 2) {
            throw usage("--min-rounds must be at least 2 (an interval needs two rounds), got " + minRounds);
        }
        if (maxRounds < minRounds) {
            throw usage("--max-rounds must be at least --min-rounds (" + minRounds + "), got " + maxRounds);
        }
        List<String> subjects = new ArrayList<>();
        for (ServerKind k : kinds) {
            for (GateWorkload w : loads) {
                subjects.add(loads.size() == 1 ? k.cliName() : k.cliName() + " " + w.name());
            }
        }
        long seedValue = seed != null ? seed : System.nanoTime() ^ ProcessHandle.current().pid();
        GateRounds.Settings settings = new GateRounds.Settings(subjects, budget, minRounds, maxRounds,
                thresholdFraction, confidenceFraction, seedValue);
        return new GateSetup(kinds, loads, splitArgs(baselineArgs), splitArgs(candidateArgs), settings);
    }

    private GateReport gateServers(GateSetup setup, Build base, Build cand, boolean inconclusiveFails, PrintWriter err) {
        CpuPlacement placement = CpuPlacement.split();
        err.println("greetbench gate: " + placement.description());
        err.println("greetbench gate: baseline " + base.description() + (setup.baselineArgs().isEmpty() ? "" : " with " + setup.baselineArgs()));
        err.println("greetbench gate: candidate " + cand.description() + (setup.candidateArgs().isEmpty() ? "" : " with " + setup.candidateArgs()));
        err.println("greetbench gate: " + setup.settings().servers() + ", budget " + budget.toSeconds() + " s, seed " + setup.settings().seed());
        err.flush();
        Map<String, ServerKind> kindOf = new LinkedHashMap<>();
        Map<String, GateWorkload> workloadOf = new LinkedHashMap<>();
        for (ServerKind k : setup.servers()) {
            for (GateWorkload w : setup.workloads()) {
                String subject = setup.workloads().size() == 1 ? k.cliName() : k.cliName() + " " + w.name();
                kindOf.put(subject, k);
                workloadOf.put(subject, w);
            }
        }
        GateRounds.Measurer measurer = (subject, roundNumber, first) -> measureWithRetry(subject, roundNumber, first,
                kindOf.get(subject), workloadOf.get(subject), base, cand, setup, placement, err);
        String loadBefore = loadAverage();
        GateRounds.Outcome outcome = new GateRounds(setup.settings(), measurer, System::nanoTime, line -> {
            err.println("greetbench gate: " + line);
            err.flush();
        }).run();
        Map<String, String> about = new LinkedHashMap<>();
        about.put("baseline", base.description() + (setup.baselineArgs().isEmpty() ? "" : " " + String.join(" ", setup.baselineArgs())));
        about.put("candidate", cand.description() + (setup.candidateArgs().isEmpty() ? "" : " " + String.join(" ", setup.candidateArgs())));
        about.put("workload", String.join(", ", setup.workloads().stream().map(GateWorkload::name).toList())
                + ", " + round.toMillis() + " ms measured per side per round in " + slice.toMillis()
                + " ms slices (A B B A), after " + (warmup != null ? warmup.toMillis() + " ms warm-up"
                        : DEFAULT_WARMUP.toMillis() + " ms warm-up (netty " + NETTY_WARMUP.toMillis() + " ms)"));
        about.put("placement", placement.description());
        about.put("threshold", format(setup.settings().threshold()));
        about.put("confidence", format(setup.settings().confidence()));
        about.put("budget", budget.toSeconds() + " s");
        about.put("rounds", "min " + minRounds + ", max " + maxRounds);
        about.put("seed", Long.toString(setup.settings().seed()));
        // A busy machine widens the intervals; the load average says how busy it was.
        about.put("load average", "before " + loadBefore + ", after " + loadAverage());
        about.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        about.put("machine", Runtime.getRuntime().availableProcessors() + " CPUs available to the generator ("
                + IoEngine.AUTO.resolved().label() + " engine), " + System.getProperty("os.name") + " " + System.getProperty("os.version"));
        GateVerdict verdict = outcome.verdict();
        return new GateReport("greetbench gate", about, outcome.rows(), outcome.rounds(), List.of(), verdict,
                ExitCode.of(verdict, inconclusiveFails).code(), outcome.elapsed().toNanos() / 1e9, outcome.budgetExhausted());
    }

    /**
     * One round of one server. A round with an invalid slice (errors, a generator that fell behind)
     * is measured once more with fresh servers, because a neighbour's burst can cause one; a second
     * invalid round fails the gate, since a server that produces errors must not pass.
     */
    private GateRounds.RoundSamples measureWithRetry(String subject, int roundNumber, GateRounds.Side first,
                                                     ServerKind kind, GateWorkload workload, Build base, Build cand,
                                                     GateSetup setup, CpuPlacement placement, PrintWriter err) {
        String label = subject + " round " + roundNumber;
        String firstProblem = null;
        for (int attempt = 1; attempt <= 2; attempt++) {
            RoundMeasurement m = measureRound(label, kind, workload, base, cand, setup, first, placement);
            if (m.problem() == null) {
                return m.samples();
            }
            if (firstProblem == null) {
                firstProblem = m.problem();
                err.println("greetbench gate: " + label + ": " + m.problem() + "; measuring the round again");
                err.flush();
            } else {
                throw new ToolFailureException(label + ": " + m.problem() + " (and before: " + firstProblem + ")");
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** Whose turn {@code k} is in A B B A A B B A ...: positions 0 and 3 of every four go to the side that drew first. */
    static GateRounds.Side turnOf(long k, GateRounds.Side first, GateRounds.Side second) {
        long pos = k % 4;
        return pos == 0 || pos == 3 ? first : second;
    }

    /** {@code --warmup} when given, else the server's own default. */
    Duration warmupFor(ServerKind kind) {
        if (warmup != null) {
            return warmup;
        }
        return kind == ServerKind.NETTY ? NETTY_WARMUP : DEFAULT_WARMUP;
    }

    private record RoundMeasurement(GateRounds.RoundSamples samples, String problem) {
    }

    /** Running totals of one side over its slices of a round. */
    private static final class SideTotals {
        long exchanges;
        long elapsedNanos;
        long serverCpuNanos;

        GateRounds.Sample sample() {
            return new GateRounds.Sample(exchanges / (elapsedNanos / 1e9), serverCpuNanos / (double) exchanges);
        }
    }

    /**
     * Both sides of one round, finely interleaved. Both servers start in fresh JVMs (the side that
     * drew first starts first), are warmed up in alternating turns, and then take the load in short slices in
     * the order A B B A A B B A…, each side's figures summed over its slices. Measuring one whole
     * side and then the other would leave each round exposed to whatever a shared machine does in
     * between (another job's build starting, a neighbour's burst); slices a fraction of a second
     * apart see the same machine, and the mirrored order cancels a steady drift within the round.
     * A server idles while the other is loaded, and its CPU time is counted only in its own slices.
     */
    private RoundMeasurement measureRound(String label, ServerKind kind, GateWorkload workload, Build base, Build cand,
                                          GateSetup setup, GateRounds.Side first, CpuPlacement placement) {
        GateRounds.Side second = first == GateRounds.Side.BASELINE ? GateRounds.Side.CANDIDATE : GateRounds.Side.BASELINE;
        java.util.Map<GateRounds.Side, ServerProcess> servers = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            // Both JVMs start at once, the drawn side first: on a busy machine a JVM start waits
            // for CPU shares, and two processes waiting together take half the time of two in turn.
            List<Runnable> starts = new ArrayList<>();
            for (GateRounds.Side side : List.of(first, second)) {
                boolean isBase = side == GateRounds.Side.BASELINE;
                List<String> serveArgs = new ArrayList<>(List.of(kind.cliName(), "--port", "0"));
                serveArgs.addAll(isBase ? setup.baselineArgs() : setup.candidateArgs());
                starts.add(() -> servers.put(side, ServerProcess.startGreetbench(label + " " + side.name().toLowerCase(Locale.ROOT),
                        (isBase ? base : cand).classPath(), (isBase ? base : cand).mainClass(), serveArgs, placement.serverCpus(), List.of(), SERVER_START_TIMEOUT)));
            }
            inParallel(starts);
            Duration warm = warmupFor(kind);
            if (!warm.isZero()) {
                // In turns, A B B A, like the measurement: warming one side whole and then the other
                // left the side warmed last still compiling in the background when measuring began,
                // and its CPU per exchange carried that JIT work (seen on netty: +6% to +11% for
                // whichever side warmed second, in A/A runs).
                long turns = Math.max(1, warm.toNanos() / WARMUP_TURN.toNanos());
                Duration turn = warm.dividedBy(turns);
                for (long k = 0; k < 2 * turns; k++) {
                    GateRounds.Side side = turnOf(k, first, second);
                    LoadResult w = LoadGenerator.run(workload.spec(servers.get(side).address(), turn, placement.generatorCpus()),
                            ProgressListener.NONE);
                    String problem = problem(w, side, "warm-up", false);
                    if (problem != null) {
                        return new RoundMeasurement(null, problem);
                    }
                }
            }
            java.util.EnumMap<GateRounds.Side, SideTotals> totals = new java.util.EnumMap<>(GateRounds.Side.class);
            totals.put(first, new SideTotals());
            totals.put(second, new SideTotals());
            long slicesPerSide = Math.max(1, round.toNanos() / slice.toNanos());
            Duration sliceLength = round.dividedBy(slicesPerSide);
            for (long k = 0; k < 2 * slicesPerSide; k++) {
                GateRounds.Side side = turnOf(k, first, second);
                ServerProcess server = servers.get(side);
                long cpuBefore = server.cpuNanos();
                LoadResult r = LoadGenerator.run(workload.spec(server.address(), sliceLength, placement.generatorCpus()),
                        ProgressListener.NONE);
                long cpuAfter = server.cpuNanos();
                if (!server.isAlive()) {
                    throw new ToolFailureException(label + " " + side.name().toLowerCase(Locale.ROOT)
                            + ": the server exited during the run; its stderr: " + server.stderrTail(3));
                }
                if (cpuBefore < 0 || cpuAfter < cpuBefore) {
                    throw new ToolFailureException(label + ": cannot read the server's CPU time from /proc/"
                            + server.pid() + "/stat");
                }
                // A slice may complete nothing when a neighbour starves the server's CPU for its
                // whole length; that is the machine, not the server, and the side's totals absorb it.
                String problem = problem(r, side, "slice " + (k + 1), true);
                if (problem != null) {
                    return new RoundMeasurement(null, problem);
                }
                SideTotals t = totals.get(side);
                t.exchanges += r.exchanges();
                t.elapsedNanos += r.elapsed().toNanos();
                t.serverCpuNanos += cpuAfter - cpuBefore;
            }
            for (GateRounds.Side side : List.of(first, second)) {
                if (totals.get(side).exchanges == 0) {
                    return new RoundMeasurement(null, side.name().toLowerCase(Locale.ROOT) + ": no exchange completed in the whole round");
                }
            }
            return new RoundMeasurement(new GateRounds.RoundSamples(totals.get(GateRounds.Side.BASELINE).sample(),
                    totals.get(GateRounds.Side.CANDIDATE).sample()), null);
        } catch (UnreachableTargetException e) {
            throw new ToolFailureException(label + ": a server stopped accepting: " + e.getMessage(), e);
        } finally {
            inParallel(servers.values().stream().<Runnable>map(server -> () -> {
                server.stop(SERVER_STOP_GRACE);
                server.close();
            }).toList());
        }
    }

    /**
     * Runs the tasks on threads of their own and waits for all; the first failure is rethrown once
     * every task has ended, so no server is left starting or stopping behind the caller's back.
     */
    private static void inParallel(List<Runnable> tasks) {
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        for (Runnable task : tasks) {
            threads.add(Thread.ofPlatform().name("gate-server").start(() -> {
                try {
                    task.run();
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    /** Why a run cannot be used, or null when it can. */
    private static String problem(LoadResult r, GateRounds.Side side, String what, boolean mayBeEmpty) {
        String who = side.name().toLowerCase(Locale.ROOT) + " " + what;
        if (mayBeEmpty && r.exchanges() == 0 && r.totalErrors() == 0) {
            return null;
        }
        if (!r.valid()) {
            return who + " invalid: " + r.invalidReason();
        }
        if (r.totalErrors() > 0) {
            return who + ": " + r.totalErrors() + " failed exchanges";
        }
        if (r.exchanges() == 0 && !mayBeEmpty) {
            return who + ": no exchange completed";
        }
        return null;
    }

    /**
     * Where a checkout keeps its greetbench jar: {@code cli/target} since the module split,
     * {@code bench/target} before it. A baseline may be either.
     */
    static final List<String> JAR_LAYOUTS = List.of("cli/target/greetbench.jar", "bench/target/greetbench.jar");

    /** A jar as is; a checkout's greetbench jar (either layout), built with its ./mvnw when missing. */
    static Build resolveBuild(String option, Path path, PrintWriter err) {
        Path p = path.toAbsolutePath().normalize();
        if (Files.isRegularFile(p)) {
            if (!p.getFileName().toString().endsWith(".jar")) {
                throw usageError(option + ": " + path + " is neither a jar nor a checkout directory");
            }
            return new Build(p.toString(), mainClassOf(option, p), p.toString());
        }
        if (!Files.isDirectory(p)) {
            throw usageError(option + ": " + path + " does not exist");
        }
        Optional<Path> jar = jarIn(p);
        if (jar.isEmpty()) {
            Path mvnw = p.resolve("mvnw");
            if (!Files.isExecutable(mvnw)) {
                throw usageError(option + ": " + path + " has no greetbench jar (" + String.join(" or ", JAR_LAYOUTS)
                        + ") and no executable ./mvnw to build it");
            }
            err.println("greetbench gate: building " + p + " (./mvnw -q -DskipTests package)...");
            err.flush();
            build(option, p, mvnw);
            jar = jarIn(p);
            if (jar.isEmpty()) {
                throw new ToolFailureException(option + ": building " + p + " produced no " + String.join(" or ", JAR_LAYOUTS));
            }
        }
        return new Build(jar.get().toString(), mainClassOf(option, jar.get()), p + " (" + jar.get() + ")");
    }

    private static Optional<Path> jarIn(Path checkout) {
        return JAR_LAYOUTS.stream().map(checkout::resolve).filter(Files::isRegularFile).findFirst();
    }

    /** The jar's {@code Main-Class}: builds before the module split name {@code io.greetbench.cli.Main}. */
    static String mainClassOf(String option, Path jar) {
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest manifest = file.getManifest();
            String main = manifest == null ? null : manifest.getMainAttributes().getValue(java.util.jar.Attributes.Name.MAIN_CLASS);
            if (main == null || main.isBlank()) {
                throw usageError(option + ": " + jar + " has no Main-Class in its manifest; is it a greetbench jar?");
            }
            return main.trim();
        } catch (IOException e) {
            throw usageError(option + ": cannot read " + jar + " as a jar: " + e.getMessage());
        }
    }

    private static void build(String option, Path dir, Path mvnw) {
        Path log;
        try {
            log = Files.createTempFile("greetbench-gate-build-", ".log");
            Process process = new ProcessBuilder(mvnw.toString(), "-q", "-B", "-DskipTests", "package")
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(30, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new ToolFailureException(option + ": building " + dir + " took over 30 minutes; its log: " + log);
            }
            if (process.exitValue() != 0) {
                throw new ToolFailureException(option + ": building " + dir + " failed (exit " + process.exitValue() + "); its log: " + log);
            }
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new ToolFailureException(option + ": cannot build " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolFailureException(option + ": interrupted while building " + dir, e);
        }
    }

    private GateReport gateJmh(double thresholdFraction, double confidenceFraction, boolean inconclusiveFails) {
        Map<String, JmhResults.Benchmark> base = JmhResults.read(jmhBaseline, "--jmh-baseline");
        Map<String, JmhResults.Benchmark> cand = JmhResults.read(jmhCandidate, "--jmh-candidate");
        List<GateRow> rows = new ArrayList<>();
        List<String> unmatched = new ArrayList<>();
        for (JmhResults.Benchmark b : base.values()) {
            JmhResults.Benchmark c = cand.get(b.key());
            if (c == null) {
                unmatched.add(b.key() + " (baseline only)");
                continue;
            }
            for (var side : List.of(Map.entry("--jmh-baseline", b), Map.entry("--jmh-candidate", c))) {
                if (side.getValue().forkScores().length < 2) {
                    throw usage(side.getKey() + ": " + b.key() + " has " + side.getValue().forkScores().length
                            + " fork; the gate compares forks and needs at least 2 per side (run JMH with -f 3 or more)");
                }
            }
            if (!b.unit().equals(c.unit())) {
                throw usage(b.key() + " is in " + b.unit() + " in --jmh-baseline but in " + c.unit() + " in --jmh-candidate");
            }
            try {
                rows.add(GateRow.of(b.key(), "score", b.unit(), b.better(), false, b.forkScores(), c.forkScores(),
                        thresholdFraction, confidenceFraction));
            } catch (IllegalArgumentException e) {
                throw usage(b.key() + ": " + e.getMessage());
            }
        }
        for (JmhResults.Benchmark c : cand.values()) {
            if (!base.containsKey(c.key())) {
                unmatched.add(c.key() + " (candidate only)");
            }
        }
        if (rows.isEmpty()) {
            throw usage("--jmh-baseline and --jmh-candidate have no benchmark in common");
        }
        List<GateVerdict> verdicts = new ArrayList<>(rows.stream().map(GateRow::verdict).toList());
        if (!unmatched.isEmpty()) {
            verdicts.add(GateVerdict.INCONCLUSIVE);
        }
        GateVerdict verdict = GateVerdict.combine(verdicts);
        Map<String, String> about = new LinkedHashMap<>();
        about.put("baseline", jmhBaseline.toString());
        about.put("candidate", jmhCandidate.toString());
        about.put("threshold", format(thresholdFraction));
        about.put("confidence", format(confidenceFraction));
        return new GateReport("greetbench gate (JMH)", about, rows, List.of(), unmatched, verdict,
                ExitCode.of(verdict, inconclusiveFails).code(), 0, false);
    }

    private int finish(GateReport report, PrintWriter out, PrintWriter err) {
        out.print(report.table());
        out.flush();
        try {
            if (json != null) {
                Files.writeString(json, report.json(), StandardCharsets.UTF_8);
            }
            String md = report.markdown();
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
        if (report.verdict() == GateVerdict.INCONCLUSIVE && report.exitCode() == ExitCode.OK.code()) {
            err.println("greetbench gate: inconclusive, exiting 0 because of --inconclusive pass");
        }
        err.flush();
        return report.exitCode();
    }

    /** The 1, 5 and 15 minute load averages from {@code /proc/loadavg}, or "unknown". */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Splits {@code --handler cpu:5 --io-threads 2} on white space; quotes group words. */
    static List<String> splitArgs(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw usageError("unbalanced quote in server arguments '" + text + "'");
        }
        if (inWord) {
            out.add(word.toString());
        }
        return out;
    }

    /** {@code 5%} or {@code 0.05}, strictly between 0 and 1. */
    static double percent(String option, String text) {
        String t = text.trim();
        double v;
        try {
            v = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100 : Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw usageError(option + " must be a percentage such as 5% or a fraction such as 0.05, got '" + text + "'");
        }
        if (!(v > 0 && v < 1)) {
            throw usageError(option + " must be between 0% and 100% (exclusive), got '" + text + "'");
        }
        return v;
    }

    private static String format(double fraction) {
        return String.format(Locale.ROOT, "%.4g%%", fraction * 100).replaceAll("\\.?0+%$", "%");
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private static GreetbenchException usageError(String message) {
        return new BadInputException(message);
    }
}
