package io.greetbench.gate;

import io.greetbench.harness.CpuPlacement;
import io.greetbench.harness.HostStalls;
import io.greetbench.harness.ServerKind;
import io.greetbench.harness.Parallel;
import io.greetbench.harness.ServerProcess;
import io.greetbench.harness.ToolFailureException;
import io.greetbench.loadgen.IoEngine;
import io.greetbench.loadgen.LoadGenerator;
import io.greetbench.loadgen.LoadResult;
import io.greetbench.loadgen.ProgressListener;
import io.greetbench.loadgen.UnreachableTargetException;
import io.greetbench.loadgen.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * The server gate: measures a baseline and a candidate build in rounds ({@link GateRounds}), each
 * round with both sides' servers in fresh JVMs, finely interleaved, and returns the
 * {@link GateReport}. The method, and why, is in this package's {@code package-info.java}.
 *
 * <p>Server and load generator are placed on separate CPUs ({@link CpuPlacement#split}, which pins
 * this JVM to the generator's half). Every subject is a server under one workload; its round is
 * measured again once with fresh servers when a slice was unusable (errors, a generator that fell
 * behind), and a second unusable round fails the gate, since a server that produces errors must
 * not pass.
 *
 * <p>Threading: {@link #run} runs on the calling thread, which drives the rounds and the load
 * generator (the generator starts its own threads per slice). Each round starts and stops the two
 * server JVMs at once on two short-lived platform threads, joined before the round goes on.
 */
public final class GateRun {

    private static final Duration SERVER_START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SERVER_STOP_GRACE = Duration.ofSeconds(10);
    /**
     * An open-loop slice whose generator started some exchange later than this, with a connection
     * free, is measured again (at most {@link #SLICE_ATTEMPTS} times in a row; then it counts as it
     * is, and the load generator's own validity rule still applies). On this machine a slice's
     * generator is 1-6 ms late at most when all is well, and 20-40 ms late when this JVM paused
     * for a young GC.
     */
    static final Duration SLICE_GENERATOR_LAG_LIMIT = Duration.ofMillis(10);
    static final int SLICE_ATTEMPTS = 3;

    private final GateSettings settings;
    private final GateBuild baseline;
    private final GateBuild candidate;
    private final Consumer<String> progress;
    /** Open-loop slices measured again because the generator fell behind; this run's thread only. */
    private int slicesAgain;
    /** Each server by the name its rows carry. */
    private final Map<String, ServerKind> servers = new LinkedHashMap<>();
    /**
     * The workloads in the order a round measures them: closed loops first, since a relative open
     * loop's rate is a share of the first closed loop's rate.
     */
    private final List<GateWorkload> measuringOrder;
    /** Per server, the rate each relative open loop stands for, fixed in its first round. */
    private final Map<String, Map<String, GateWorkload>> resolved = new ConcurrentHashMap<>();
    /** Per server, the baseline's capacity behind {@code open:<percent>%cap}, found in its first round. */
    private final Map<String, GateCapacity> capacities = new ConcurrentHashMap<>();

    /**
     * @param progress receives one line per event worth telling a waiting user: the placement,
     *                 both builds, every round's figures, retries, the budget running out
     */
    public GateRun(GateSettings settings, GateBuild baseline, GateBuild candidate, Consumer<String> progress) {
        this.settings = settings;
        this.baseline = baseline;
        this.candidate = candidate;
        this.progress = progress;
        for (ServerKind kind : settings.servers()) {
            servers.put(kind.cliName(), kind);
        }
        List<GateWorkload> order = new ArrayList<>(settings.workloads());
        order.sort(Comparator.comparing(GateWorkload::open));
        this.measuringOrder = List.copyOf(order);
    }

    /**
     * Runs every round of every subject until each has a verdict, reaches the maximum of rounds,
     * or the budget is spent.
     *
     * @throws ToolFailureException when a server cannot start, exits, stops accepting, or keeps
     *                              producing errors
     */
    public GateReport run() {
        CpuPlacement placement = CpuPlacement.split();
        GateRounds.Settings rounds = new GateRounds.Settings(List.copyOf(servers.keySet()), settings.workloads(),
                settings.budget(), settings.minRounds(), settings.maxRounds(), settings.threshold(),
                settings.latencyThreshold(), settings.confidence(), settings.seed());
        progress.accept(placement.description());
        progress.accept("baseline " + baseline.description() + (settings.baselineArgs().isEmpty() ? "" : " with " + settings.baselineArgs()));
        progress.accept("candidate " + candidate.description() + (settings.candidateArgs().isEmpty() ? "" : " with " + settings.candidateArgs()));
        progress.accept(rounds.servers() + ", budget " + settings.budget().toSeconds() + " s, seed " + settings.seed());
        String loadBefore = loadAverage();
        // Only a p99 row is exposed to the machine's stalls; the closed loop's sums are not.
        HostStalls stalls = settings.workloads().stream().anyMatch(GateWorkload::open)
                ? HostStalls.measure(HostStalls.DEFAULT_WINDOW) : null;
        if (stalls != null) {
            progress.accept("host stalls on the generator's CPUs: " + stalls.describe());
        }
        progress.accept("family-wise " + rounds.familyWise());
        GateRounds.Outcome outcome = new GateRounds(rounds,
                (server, round, first) -> measureWithRetry(server, round, first, placement), System::nanoTime, progress).run();
        // Again after the rounds: the machine's pace changes over minutes (docs/gate.md).
        HostStalls after = stalls == null ? null : HostStalls.measure(HostStalls.DEFAULT_WINDOW);
        if (after != null) {
            progress.accept("host stalls on the generator's CPUs after the rounds: " + after.describe());
        }
        Map<String, String> about = new LinkedHashMap<>();
        about.put("baseline", baseline.description() + (settings.baselineArgs().isEmpty() ? "" : " " + String.join(" ", settings.baselineArgs())));
        about.put("candidate", candidate.description() + (settings.candidateArgs().isEmpty() ? "" : " " + String.join(" ", settings.candidateArgs())));
        about.put("workload", String.join(", ", settings.workloads().stream().map(this::describeRates).toList())
                + ", " + settings.round().toMillis() + " ms measured per side per round in " + settings.slice().toMillis()
                + " ms slices (A B B A), after " + settings.warmup().map(w -> w.toMillis() + " ms warm-up")
                        .orElse(GateSettings.DEFAULT_WARMUP.toMillis() + " ms warm-up (netty " + GateSettings.NETTY_WARMUP.toMillis() + " ms)"));
        about.put("placement", placement.description());
        about.put("threshold", GateSettings.percent(settings.threshold()) + " (p99 latency "
                + GateSettings.percent(settings.latencyThreshold()) + ")");
        about.put("confidence", GateSettings.percent(settings.confidence()));
        about.put("budget", settings.budget().toSeconds() + " s");
        about.put("rounds", "min " + settings.minRounds() + ", max " + settings.maxRounds());
        about.put("seed", Long.toString(settings.seed()));
        about.put("slices measured again", slicesAgain + " (open-loop slices whose generator started an exchange over "
                + SLICE_GENERATOR_LAG_LIMIT.toMillis() + " ms late)");
        if (stalls != null) {
            about.put("host stalls", "before the rounds " + stalls.describe() + "; after them " + after.describe()
                    + " (a thread spinning on the generator's CPUs for 1 s)");
        }
        // A busy machine widens the intervals; the load average says how busy it was.
        about.put("load average", "before " + loadBefore + ", after " + loadAverage());
        about.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        about.put("machine", Runtime.getRuntime().availableProcessors() + " CPUs available to the generator ("
                + IoEngine.AUTO.resolved().label() + " engine), " + System.getProperty("os.name") + " " + System.getProperty("os.version"));
        return new GateReport("greetbench gate", about, outcome.rows(), outcome.rounds(), List.of(), outcome.verdict(),
                outcome.elapsed().toNanos() / 1e9, outcome.budgetExhausted(), outcome.familyWise(), capacitiesInOrder());
    }

    /** The capacities found, in the order of the servers. */
    private List<GateCapacity> capacitiesInOrder() {
        return servers.keySet().stream().filter(capacities::containsKey).map(capacities::get).toList();
    }

    /** A workload as typed, with the rate each server's relative open loop stood for. */
    private String describeRates(GateWorkload w) {
        if (w.basis() == GateWorkload.Basis.CAPACITY) {
            Map<String, GateCapacity> byServer = new LinkedHashMap<>();
            capacitiesInOrder().forEach(c -> byServer.put(c.server(), c));
            return GateCapacity.describe(w, settings.capacitySlo(), byServer);
        }
        if (!w.relative()) {
            return w.name();
        }
        List<String> rates = new ArrayList<>();
        for (String server : servers.keySet()) {
            GateWorkload r = resolved.getOrDefault(server, Map.of()).get(w.name());
            if (r != null) {
                rates.add(server + " " + String.format(Locale.ROOT, "%.0f/s", r.amount()));
            }
        }
        return w.name() + " of the baseline's closed-loop rate" + (rates.isEmpty() ? "" : " (" + String.join(", ", rates) + ")");
    }

    /**
     * One round of one subject. A round with an unusable slice is measured once more with fresh
     * servers, because a neighbour's burst can cause one; a second unusable round fails the gate.
     */
    private GateRounds.RoundSamples measureWithRetry(String server, int roundNumber, GateRounds.Side first, CpuPlacement placement) {
        String label = server + " round " + roundNumber;
        RoundMeasurement m = measureRound(label, server, first, placement);
        if (m.problem() == null) {
            return m.samples();
        }
        progress.accept(label + ": " + m.problem() + "; measuring the round again");
        RoundMeasurement again = measureRound(label, server, first, placement);
        if (again.problem() != null) {
            throw new ToolFailureException(label + ": " + again.problem() + " (and before: " + m.problem() + ")");
        }
        return again.samples();
    }

    /** Whose turn {@code k} is in A B B A A B B A ...: positions 0 and 3 of every four go to the side that drew first. */
    static GateRounds.Side turnOf(long k, GateRounds.Side first) {
        long pos = k % 4;
        return pos == 0 || pos == 3 ? first : other(first);
    }

    private static GateRounds.Side other(GateRounds.Side side) {
        return side == GateRounds.Side.BASELINE ? GateRounds.Side.CANDIDATE : GateRounds.Side.BASELINE;
    }

    /** A round's samples, or why the round cannot be used. */
    private record RoundMeasurement(GateRounds.RoundSamples samples, String problem) {

        static RoundMeasurement unusable(String problem) {
            return new RoundMeasurement(null, problem);
        }
    }

    /**
     * Running totals of one side over its slices of one workload in a round. Latency is the
     * slices' corrected histograms merged, never their percentiles averaged: the p99 of the whole
     * side is not the mean of the slices' p99s.
     */
    private static final class SideTotals {
        final boolean open;
        final Histogram corrected = new Histogram(3);
        long exchanges;
        long elapsedNanos;
        long serverCpuNanos;

        SideTotals(boolean open) {
            this.open = open;
        }

        void add(LoadResult r, long cpuNanos) {
            exchanges += r.exchanges();
            elapsedNanos += r.elapsed().toNanos();
            serverCpuNanos += cpuNanos;
            corrected.add(r.corrected());
        }

        GateRounds.Sample sample() {
            double p99 = open && corrected.getTotalCount() > 0 ? corrected.getValueAtPercentile(99) : Double.NaN;
            return new GateRounds.Sample(exchanges / (elapsedNanos / 1e9), serverCpuNanos / (double) exchanges, p99);
        }
    }

    /**
     * Both sides of one round, finely interleaved. Both servers start in fresh JVMs (the side that
     * drew first starts first), are warmed up in alternating turns, and then take each workload in
     * turn in short slices in the order A B B A A B B A…, each side's figures summed over its
     * slices. Measuring one whole side and then the other would leave each round exposed to
     * whatever a shared machine does in between (another job's build starting, a neighbour's
     * burst); slices a fraction of a second apart see the same machine, and the mirrored order
     * cancels a steady drift within the round. A server idles while the other is loaded, and its
     * CPU time is counted only in its own slices. Every workload runs on the same two JVMs, so a
     * second workload costs its measured time only, not another start and warm-up.
     */
    private RoundMeasurement measureRound(String label, String serverName, GateRounds.Side first, CpuPlacement placement) {
        ServerKind kind = servers.get(serverName);
        Map<GateRounds.Side, ServerProcess> processes = new ConcurrentHashMap<>();
        try {
            // Both JVMs start at once, the drawn side first: on a busy machine a JVM start waits
            // for CPU shares, and two processes waiting together take half the time of two in turn.
            Parallel.run("gate-server-", List.of(first, other(first)).stream().<Runnable>map(side -> () -> processes.put(side,
                    startServer(label, kind, side, placement))).toList());
            Map<String, GateWorkload> rates = resolved.computeIfAbsent(serverName, k -> new ConcurrentHashMap<>());
            String problem = warmUp(warmUpLoad(rates), settings.warmupFor(kind), processes, first, placement);
            if (problem != null) {
                return RoundMeasurement.unusable(problem);
            }
            Duration oneOff = Duration.ZERO;
            if (settings.needsCapacity() && !capacities.containsKey(serverName)) {
                GateCapacity capacity = GateCapacity.search(serverName, processes.get(GateRounds.Side.BASELINE), placement,
                        settings.capacitySearch(), settings.workloads(), progress);
                capacities.put(serverName, capacity);
                settings.workloads().stream().filter(w -> w.basis() == GateWorkload.Basis.CAPACITY)
                        .forEach(w -> rates.put(w.name(), capacity.resolve(w)));
                // The candidate idled through the search while the baseline was driven past its
                // knee: both take the load again, in turns, so that they come to the measurement alike.
                long rewarm = System.nanoTime();
                problem = warmUp(warmUpLoad(rates), GateSettings.afterCapacityWarmup(settings.warmupFor(kind)), processes, first, placement);
                if (problem != null) {
                    return RoundMeasurement.unusable(problem);
                }
                oneOff = capacity.took().plus(Duration.ofNanos(System.nanoTime() - rewarm));
            }
            Map<String, GateRounds.WorkloadSamples> byName = new LinkedHashMap<>();
            double closedRate = Double.NaN;
            for (GateWorkload typed : measuringOrder) {
                GateWorkload workload = rates.get(typed.name());
                if (workload == null && typed.basis() == GateWorkload.Basis.CLOSED_LOOP) {
                    if (Double.isNaN(closedRate)) {
                        throw new IllegalStateException(typed.name() + " needs a closed loop measured before it");
                    }
                    workload = typed.atClosedRate(closedRate);
                    rates.put(typed.name(), workload);
                    progress.accept(serverName + " " + typed.name() + ": " + String.format(Locale.ROOT, "%.0f", workload.amount())
                            + " exchanges/s, that share of the baseline's " + String.format(Locale.ROOT, "%.0f", closedRate)
                            + " in the closed loop, for every round");
                }
                if (workload == null) {
                    workload = typed;
                }
                Map<GateRounds.Side, SideTotals> totals = new EnumMap<>(GateRounds.Side.class);
                problem = measureSlices(label + " " + typed.name(), workload, processes, first, placement, totals);
                if (problem != null) {
                    return RoundMeasurement.unusable(problem);
                }
                GateRounds.Sample base = totals.get(GateRounds.Side.BASELINE).sample();
                if (!workload.open() && Double.isNaN(closedRate)) {
                    closedRate = base.exchangesPerSecond();
                }
                byName.put(typed.name(), new GateRounds.WorkloadSamples(typed.name(), base,
                        totals.get(GateRounds.Side.CANDIDATE).sample()));
            }
            // Rows come in the settings' order, whatever order the round measured them in.
            return new RoundMeasurement(new GateRounds.RoundSamples(settings.workloads().stream()
                    .map(w -> byName.get(w.name())).toList(), oneOff), null);
        } catch (UnreachableTargetException e) {
            throw new ToolFailureException(label + ": a server stopped accepting: " + e.getMessage(), e);
        } finally {
            Parallel.run("gate-server-", processes.values().stream().<Runnable>map(server -> () -> {
                server.stop(SERVER_STOP_GRACE);
                server.close();
            }).toList());
        }
    }

    /**
     * One workload's slices, A B B A…, into {@code totals}; returns why the round cannot be used,
     * or null.
     */
    private String measureSlices(String label, GateWorkload workload, Map<GateRounds.Side, ServerProcess> processes,
                                 GateRounds.Side first, CpuPlacement placement, Map<GateRounds.Side, SideTotals> totals)
            throws UnreachableTargetException {
        totals.put(first, new SideTotals(workload.open()));
        totals.put(other(first), new SideTotals(workload.open()));
        long slicesPerSide = Math.max(1, settings.round().toNanos() / settings.slice().toNanos());
        Duration sliceLength = settings.round().dividedBy(slicesPerSide);
        for (long k = 0, attempts = 0; k < 2 * slicesPerSide; k++) {
            GateRounds.Side side = turnOf(k, first);
            ServerProcess server = processes.get(side);
            long cpuBefore = server.cpuNanos();
            LoadResult r = LoadGenerator.run(workload.spec(server.address(), sliceLength, placement.generatorCpus()),
                    ProgressListener.NONE);
            long cpuAfter = server.cpuNanos();
            if (measuredTheGenerator(workload, r) && ++attempts <= SLICE_ATTEMPTS) {
                // The generator itself started an exchange this late with a connection free: this
                // JVM paused (a GC, a host stall of its CPU), and every exchange due meanwhile
                // carries that pause in its corrected latency. Such a slice measured the generator,
                // not the server, so it is measured again; the same rule holds for both sides.
                progress.accept(label + " " + name(side) + " slice " + (k + 1) + ": the generator started an exchange "
                        + Math.round(r.generatorLagMaxNanos() / 1e6) + " ms late; measuring the slice again");
                slicesAgain++;
                k--;
                continue;
            }
            attempts = 0;
            if (!server.isAlive()) {
                throw new ToolFailureException(label + " " + name(side) + ": the server exited during the run; its stderr: "
                        + server.stderrTail(3));
            }
            if (cpuBefore < 0 || cpuAfter < cpuBefore) {
                throw new ToolFailureException(label + ": cannot read the server's CPU time from /proc/" + server.pid() + "/stat");
            }
            // A slice may complete nothing when a neighbour starves the server's CPU for its
            // whole length; that is the machine, not the server, and the side's totals absorb it.
            // An open loop's slice may not: every exchange that was due must be in its latency.
            String problem = problem(r, side, "slice " + (k + 1), !workload.open());
            if (problem != null) {
                return problem;
            }
            totals.get(side).add(r, cpuAfter - cpuBefore);
        }
        for (Map.Entry<GateRounds.Side, SideTotals> t : totals.entrySet()) {
            if (t.getValue().exchanges == 0) {
                return name(t.getKey()) + " " + workload.name() + ": no exchange completed in the whole round";
            }
            if (t.getValue().serverCpuNanos == 0) {
                // /proc counts CPU time in clock ticks (10 ms here): a light load over a short round
                // can use less than one, and a CPU per exchange of 0 is no measurement to take a ratio of.
                return name(t.getKey()) + " " + workload.name() + ": the server's CPU time did not reach one clock tick over the "
                        + "round, too little to measure CPU per exchange; give a longer --round or a higher rate";
            }
        }
        return null;
    }

    /** One side's server, from its build, with its extra {@code serve} options. */
    private ServerProcess startServer(String label, ServerKind kind, GateRounds.Side side, CpuPlacement placement) {
        boolean isBase = side == GateRounds.Side.BASELINE;
        GateBuild build = isBase ? baseline : candidate;
        List<String> serveArgs = new ArrayList<>(List.of(kind.cliName(), "--port", "0"));
        serveArgs.addAll(isBase ? settings.baselineArgs() : settings.candidateArgs());
        return ServerProcess.startGreetbench(label + " " + name(side), build.classPath(), build.mainClass(), serveArgs,
                placement.serverCpus(), List.of(), SERVER_START_TIMEOUT);
    }

    /**
     * Warms both servers in turns, A B B A like the measurement: warming one side whole and then
     * the other left the side warmed last still compiling in the background when measuring began,
     * and its CPU per exchange carried that JIT work (seen on netty: +6% to +11% for whichever side
     * warmed second, in A/A runs). Returns why the round cannot be used, or null.
     */
    private String warmUp(GateWorkload workload, Duration warm, Map<GateRounds.Side, ServerProcess> servers,
                          GateRounds.Side first, CpuPlacement placement) throws UnreachableTargetException {
        if (warm.isZero()) {
            return null;
        }
        long turns = Math.max(1, warm.toNanos() / GateSettings.WARMUP_TURN.toNanos());
        Duration turn = warm.dividedBy(turns);
        for (long k = 0; k < 2 * turns; k++) {
            GateRounds.Side side = turnOf(k, first);
            LoadResult w = LoadGenerator.run(workload.spec(servers.get(side).address(), turn, placement.generatorCpus()),
                    ProgressListener.NONE);
            // Only the server can spoil a warm-up: its turns are not measured, so a generator that
            // fell behind its schedule there (this JVM compiling its own loop in the first round)
            // costs nothing, while errors or silence mean the server is not serving.
            if (w.totalErrors() > 0) {
                return name(side) + " warm-up: " + w.totalErrors() + " failed exchanges";
            }
            if (w.exchanges() == 0) {
                return name(side) + " warm-up: no exchange completed";
            }
        }
        return null;
    }

    /**
     * The load both sides warm up under: the first workload of a round that has its rate, or,
     * before a capacity search has given one to a round of capacity shares only, the default
     * closed loop, which drives a server as hard as a warm-up should.
     */
    private GateWorkload warmUpLoad(Map<String, GateWorkload> rates) {
        return measuringOrder.stream().map(w -> rates.getOrDefault(w.name(), w)).filter(w -> !w.relative()).findFirst()
                .orElse(GateSettings.DEFAULT_WORKLOAD);
    }

    /**
     * True when an open-loop slice's generator started some exchange more than
     * {@link #SLICE_GENERATOR_LAG_LIMIT} late with a connection free: the slice's latencies carry
     * the generator's own pause, so it is measured again. A closed loop has no schedule to miss.
     */
    static boolean measuredTheGenerator(GateWorkload workload, LoadResult slice) {
        return workload.open() && slice.generatorLagMaxNanos() > SLICE_GENERATOR_LAG_LIMIT.toNanos();
    }

    /** Why a load run cannot be used, or null when it can. */
    private static String problem(LoadResult r, GateRounds.Side side, String what, boolean mayBeEmpty) {
        String who = name(side) + " " + what;
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
        if (r.spec().workload() == Workload.OPEN && r.unfinished() > 0) {
            // A closed loop always leaves its last exchanges in flight; an open loop drains its
            // schedule, and an exchange that was due and never completed is missing from the latency: unusable.
            return who + ": " + r.unfinished() + " exchanges unfinished at the end";
        }
        return null;
    }

    private static String name(GateRounds.Side side) {
        return side.name().toLowerCase(Locale.ROOT);
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
}
