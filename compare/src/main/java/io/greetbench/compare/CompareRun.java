package io.greetbench.compare;

import io.greetbench.compare.CompareResults.Provenance;
import io.greetbench.compare.CompareResults.RateBasis;
import io.greetbench.compare.CompareResults.ServerResult;
import io.greetbench.harness.BadInputException;
import io.greetbench.harness.ComparedServer;
import io.greetbench.harness.CpuPlacement;
import io.greetbench.harness.HostStalls;
import io.greetbench.loadgen.IoEngine;
import io.greetbench.protocol.HandlerWork;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code greetbench compare} run: every server measured under the same load, in interleaved
 * rounds, by the procedure this package's design note describes. {@link #run()} resolves the
 * lineup, places server and generator on their CPUs, puts the servers under their CPU budget
 * ({@link ServerBudget}), and takes the whole lineup through the
 * phases in order, each server's part of a phase done by its {@link ServerMeasurement}:
 * {@link #startLineup start}, {@link #warmUpLineup warm up until steady},
 * {@link #fixRateBases search each server's capacity, the open loop's rate basis}, {@link #measureRounds measure in shuffled
 * rounds}, {@link #holdConnectionsAndStop hold connections and stop}, and with {@code --cpu-profile}
 * {@link #profileLineup profile each Java server in a run of its own}. It returns what was measured
 * with its provenance; the caller renders it. The raw interval logs are written as the run goes,
 * under the output directory's {@code hlog}. Progress and the time left go to the given writer.
 *
 * <p>Threading: {@link #run()} runs on the calling thread, which also drives the load generator
 * (which has its own threads); one sampler thread watches a server during its held-connection
 * workload, and a shutdown hook stops every server still running if the JVM is stopped. One run
 * per instance.
 */
public final class CompareRun {

    /** Descriptors this JVM keeps for itself (jars, selectors, pipes to the servers) besides held connections. */
    private static final int RESERVED_DESCRIPTORS = 1_000;

    private final CompareSettings settings;
    private final Path dir;
    private final String commandLine;
    private final Progress progress;
    private final RunWarnings warnings = new RunWarnings();
    /** Every server of the lineup once started, for the shutdown hook. */
    private volatile List<ServerMeasurement> started = List.of();

    /**
     * @param settings    what to measure, validated
     * @param dir         the output directory; created when missing
     * @param commandLine the greetbench arguments, for the provenance
     * @param err         where progress goes
     */
    public CompareRun(CompareSettings settings, Path dir, String commandLine, PrintWriter err) {
        this.settings = settings;
        this.dir = dir;
        this.commandLine = commandLine;
        this.progress = new Progress(err);
    }

    /** Where a run that names no directory writes: {@code results/compare-<UTC timestamp>}. */
    public static Path defaultDirectory(Instant now) {
        return Path.of("results", "compare-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).format(now.atOffset(ZoneOffset.UTC)));
    }

    /**
     * Measures every server. A server that cannot be measured has its failure in its result; the
     * others are still measured.
     *
     * @throws BadInputException when the lineup names a server that cannot run here, or the output
     *                           directory cannot be created; nothing has been measured then
     */
    public CompareResults run() {
        List<ComparedServer> servers = lineup();
        List<ServerRun> runs = runs(servers, settings.handlers());
        createOutputDirectory();
        int heldCount = capHeld(settings.held());
        CpuPlacement placement = settings.pinning().placement(settings.serverCpus());
        try (ServerBudget budget = ServerBudget.apply(settings, placement)) {
            return run(runs, servers, heldCount, placement, budget);
        }
    }

    private CompareResults run(List<ServerRun> runs, List<ComparedServer> servers, int heldCount, CpuPlacement placement, ServerBudget budget) {
        double perServer = settings.plannedSecondsPerServer();
        List<List<Integer>> order = RoundOrder.of(runs.size(), settings.repeats(), settings.seed());
        progress.say(runs.size() + " servers, profile " + settings.profile() + ", handler "
                + String.join(", ", settings.handlers().stream().map(HandlerWork::toString).toList()) + ", " + settings.repeats()
                + " rounds in shuffled order (seed " + settings.seed() + "); " + placement.description() + "; " + budget.description());
        if (budget.refused()) {
            warnings.add(budget.description());
        }
        progress.say("about " + CompareTable.clock(perServer * runs.size()) + " in all; results in " + dir);

        Instant startedAt = Instant.now();
        String loadAtStart = HostProbes.loadAverage();
        // Time the machine takes from a CPU that wants to run: the open-loop p99s meet it too.
        HostStalls stalls = HostStalls.measure(HostStalls.DEFAULT_WINDOW);
        progress.say("host stalls on the generator's CPUs: " + stalls.describe());
        progress.start(perServer * runs.size());
        List<ServerMeasurement> lineup = new ArrayList<>();
        for (ServerRun run : runs) {
            lineup.add(new ServerMeasurement(run, settings, heldCount, placement.serverCpus(), budget, dir, progress, warnings));
        }
        started = List.copyOf(lineup);
        Thread stopServers = new Thread(() -> started.forEach(m -> m.stopServer(Duration.ofSeconds(2))), "compare-stop-servers");
        Runtime.getRuntime().addShutdownHook(stopServers);
        try {
            startLineup(lineup);
            warmUpLineup(lineup);
            fixRateBases(lineup, order.get(0));
            measureRounds(lineup, order);
            holdConnectionsAndStop(lineup);
            if (settings.cpuProfile()) {
                profileLineup(lineup);
            }
        } finally {
            // Normally every server is stopped by now; not when something unforeseen was thrown.
            lineup.forEach(m -> m.stopServer(Duration.ofSeconds(2)));
            try {
                Runtime.getRuntime().removeShutdownHook(stopServers);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down, and the hook is doing its job.
            }
        }
        List<ServerResult> results = lineup.stream().map(ServerMeasurement::result).toList();
        Instant finished = Instant.now();
        return new CompareResults(provenance(startedAt, finished, placement, budget, loadAtStart, stalls, servers, lineup, order),
                results, warnings.summarize(settings.noiseThreshold(), loadAtStart, HostProbes.loadAverage(), stalls));
    }

    /**
     * Phase 1: every server started at once, each in its own process and on its own port, all on
     * the server CPUs and inside the one CPU budget. An idle server costs next to nothing there (a
     * JVM's idle threads wake a few times a second), so the budget is the measured server's, and
     * starting each once keeps one JIT history per server across the rounds.
     */
    private void startLineup(List<ServerMeasurement> lineup) {
        progress.say("starting the lineup");
        lineup.forEach(ServerMeasurement::start);
    }

    /** Phase 2: each server in turn warmed up until its CPU per exchange is steady, or to the cap. */
    private void warmUpLineup(List<ServerMeasurement> lineup) {
        if (!settings.warmup().isZero()) {
            progress.say("warming up each server until its CPU per exchange is steady");
        }
        WarmUpRule rule = settings.warmUpRule();
        lineup.forEach(m -> m.warmUp(rule));
        // Every server stays alive until its held connections: say what that costs in memory.
        List<ServerMeasurement> alive = lineup.stream().filter(ServerMeasurement::measuring).toList();
        long resident = alive.stream().mapToLong(ServerMeasurement::idleRssBytes).filter(b -> b > 0).sum();
        progress.say(alive.size() + " of " + lineup.size() + " servers ready, " + CompareTable.bytes(resident) + " resident together");
    }

    /**
     * Phase 3: each server's capacity at the SLO, searched one server at a time in the first
     * round's shuffled order, and from it the server's open-loop rate basis
     * ({@link RateBasis#of}, the one place that decides it; the warm-up's rate when the capacity
     * is 0 or unknown), fixed before the rounds so that every round runs the same rates.
     */
    private void fixRateBases(List<ServerMeasurement> lineup, List<Integer> order) {
        progress.say("searching each server's capacity at " + settings.capacity().slo() + ": the open loop runs at fractions of it");
        order.stream().map(lineup::get).forEach(ServerMeasurement::searchCapacity);
    }

    /**
     * Phase 4: the rounds, each visiting the whole lineup once in its own shuffled order, every
     * server running its closed-loop points (and, in the first rounds, its open-loop points) in
     * its turn, so that a drift in the machine spreads over every server instead of biasing one.
     */
    private void measureRounds(List<ServerMeasurement> lineup, List<List<Integer>> order) {
        for (int r = 0; r < order.size(); r++) {
            List<ServerMeasurement> round = order.get(r).stream().map(lineup::get).filter(ServerMeasurement::measuring).toList();
            if (round.isEmpty()) {
                return;
            }
            progress.say("round " + (r + 1) + "/" + order.size() + ": " + String.join(", ", round.stream().map(ServerMeasurement::label).toList()));
            for (ServerMeasurement m : round) {
                m.measureRound(r + 1);
            }
        }
    }

    /**
     * Phase 5: the held connections, one server at a time (the generator holds one descriptor per
     * connection), each server stopped after its own.
     */
    private void holdConnectionsAndStop(List<ServerMeasurement> lineup) {
        lineup.forEach(ServerMeasurement::holdConnectionsAndStop);
    }

    /**
     * Phase 6, with {@code --cpu-profile}: each Java server in a profiled run of its own, one at a
     * time, after every measured workload, so that the recording's overhead is in no figure of
     * the table; an external server is not profiled, and its profile says so.
     */
    private void profileLineup(List<ServerMeasurement> lineup) {
        progress.say("profiling each Java server with JFR in a run of its own: where its CPU goes, not in the table's figures");
        lineup.forEach(ServerMeasurement::profileCpu);
    }

    /**
     * One server with one handler, in a process of its own (the handler is fixed at start-up). The
     * lineup is handler-major: every server with the first handler, then every server that takes
     * handlers with the next, so each handler's rows sit together in the results; the rounds
     * shuffle it all the same. External servers run once, with whatever they do.
     */
    record ServerRun(ComparedServer server, HandlerWork handler, boolean labelHandler) {

        String label() {
            return labelHandler ? server.name() + " [" + handler + "]" : server.name();
        }

        /** The label as a file name part. */
        String fileLabel() {
            return label().replace(" [", "-").replace("]", "").replaceAll("[^A-Za-z0-9_.-]", "");
        }
    }

    private static List<ServerRun> runs(List<ComparedServer> lineup, List<HandlerWork> handlers) {
        List<ServerRun> runs = new ArrayList<>();
        boolean several = handlers.size() > 1;
        for (int k = 0; k < handlers.size(); k++) {
            for (ComparedServer server : lineup) {
                if (server.takesHandler()) {
                    runs.add(new ServerRun(server, handlers.get(k), several));
                } else if (k == 0) {
                    runs.add(new ServerRun(server, HandlerWork.NONE, several));
                }
            }
        }
        return runs;
    }

    /** The servers to start, in order; the asyncio peer only when a {@code python3} runs here. */
    private List<ComparedServer> lineup() {
        List<ComparedServer> lineup = new ArrayList<>();
        for (String name : settings.servers()) {
            if (!name.equals(ComparedServer.ASYNCIO)) {
                lineup.add(ComparedServer.greetbench(name));
                continue;
            }
            Optional<ComparedServer> peer = ComparedServer.asyncioPeer();
            if (peer.isPresent()) {
                lineup.add(peer.get());
            } else if (settings.serversGiven()) {
                throw new BadInputException("--servers: asyncio needs python3 on the PATH, which was not found");
            } else {
                progress.say("python3 not found, so the asyncio peer is left out");
            }
        }
        for (Map.Entry<String, String> e : settings.externals().entrySet()) {
            lineup.add(ComparedServer.external(e.getKey(), e.getValue()));
        }
        if (lineup.isEmpty()) {
            throw new BadInputException("--servers: nothing to compare");
        }
        List<String> deaf = lineup.stream().filter(s -> !s.takesHandler()).map(ComparedServer::name).toList();
        if (settings.handlers().stream().anyMatch(w -> !w.isNone()) && !deaf.isEmpty()) {
            warnings.add("--handler is not applied to external servers (" + String.join(", ", deaf) + "): they reply at once, and run once");
        }
        return lineup;
    }

    private void createOutputDirectory() {
        try {
            Files.createDirectories(dir.resolve("hlog"));
        } catch (IOException e) {
            throw new BadInputException("--out: cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The generator needs a descriptor per held connection, so the held count must stay below this
     * process's limit; the hard limit cannot be raised without privileges, so say so and cap.
     */
    private int capHeld(int requested) {
        long soft = HostProbes.softDescriptorLimit();
        long hard = HostProbes.hardDescriptorLimit();
        if (soft <= 0 || requested + RESERVED_DESCRIPTORS <= soft) {
            return requested;
        }
        int capped = (int) Math.max(0, soft - RESERVED_DESCRIPTORS);
        String msg = "held connections capped at " + capped + " (asked for " + requested + "): this process may open "
                + soft + " file descriptors (hard limit " + (hard < 0 ? "unlimited" : hard) + ")"
                + (hard > 0 && soft >= hard ? ", which only a privileged user can raise" : "; ulimit -n " + hard + " raises it")
                + ", and needs one per connection plus about " + RESERVED_DESCRIPTORS + " of its own";
        progress.say(msg);
        warnings.add(msg);
        return capped;
    }

    private Provenance provenance(Instant started, Instant finished, CpuPlacement placement, ServerBudget budget, String loadAtStart,
                                  HostStalls stalls,
                                  List<ComparedServer> servers, List<ServerMeasurement> lineup, List<List<Integer>> order) {
        Map<String, Object> s = new LinkedHashMap<>(settings.describe());
        Map<String, String> commands = new LinkedHashMap<>();
        for (ComparedServer server : servers) {
            commands.put(server.name(), server.describeCommand());
        }
        s.put("servers", commands);
        // What the seed gave, so a reader need not replay the shuffle to see who ran when.
        s.put("round_order", order.stream().map(round -> round.stream().map(i -> lineup.get(i).label()).toList()).toList());
        s.put("generator", "greetbench loadgen in this JVM, " + IoEngine.AUTO.resolved().label() + " engine, "
                + Runtime.getRuntime().availableProcessors() + " CPU(s) available to it");
        s.put("greetbench_commit", HostProbes.gitCommit());
        String python = ComparedServer.pythonExecutable().map(HostProbes::pythonVersion).orElse("absent");
        return new Provenance(started, finished, commandLine, CpuPlacement.allowedAtStart().size(), HostProbes.cpuModel(),
                HostProbes.memoryBytes(), HostProbes.kernel(), System.getProperty("java.vm.name") + " " + Runtime.version(), python,
                placement.description(), loadAtStart, stalls.describe(), s, budget.description());
    }
}
