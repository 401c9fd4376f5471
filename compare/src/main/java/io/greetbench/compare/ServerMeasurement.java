package io.greetbench.compare;

import io.greetbench.capacity.CapacityResult;
import io.greetbench.capacity.CapacitySearch;
import io.greetbench.capacity.CapacitySettings;
import io.greetbench.capacity.ServerCpuMeter;
import io.greetbench.compare.CompareResults.ClosedLoopPoint;
import io.greetbench.compare.CompareResults.CpuProfile;
import io.greetbench.compare.CompareResults.HeldResult;
import io.greetbench.compare.CompareResults.Latency;
import io.greetbench.compare.CompareResults.OpenLoopPoint;
import io.greetbench.compare.CompareResults.RateBasis;
import io.greetbench.compare.CompareResults.ServerResult;
import io.greetbench.compare.CompareResults.WarmUp;
import io.greetbench.compare.CompareRun.ServerRun;
import io.greetbench.compare.ServerBudget.CpuSample;
import io.greetbench.harness.ComparedServer;
import io.greetbench.harness.CpuBudget;
import io.greetbench.harness.GreetbenchException;
import io.greetbench.harness.ServerProcess;
import io.greetbench.harness.ToolFailureException;
import io.greetbench.loadgen.ErrorKind;
import io.greetbench.loadgen.LoadGenerator;
import io.greetbench.loadgen.LoadResult;
import io.greetbench.loadgen.LoadSpec;
import io.greetbench.loadgen.ProgressListener;
import io.greetbench.loadgen.UnreachableTargetException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One server with one handler through the phases of a comparison, which {@link CompareRun} calls
 * for the whole lineup in turn: {@link #start}, {@link #warmUp}, {@link #searchCapacity},
 * {@link #measureRound} once per round, {@link #holdConnectionsAndStop}, with {@code --cpu-profile}
 * {@link #profileCpu}, then {@link #result}.
 * Each workload is a step announced on {@link Progress}. A server that fails to start, exits or
 * stops answering ends its own measurement there: its process is stopped, the reason goes into its
 * result and the warnings, the phases after that do nothing for it, and the repeats it completed
 * are kept.
 *
 * <p>Threading: every phase runs on the thread that runs the comparison, which also drives the
 * load generator (the generator has threads of its own); during the held-connection workload a
 * {@link Sampler} watches the server from its own platform thread. {@link #stopServer} may be
 * called from any thread (a shutdown hook).
 */
final class ServerMeasurement {

    static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final ServerRun run;
    private final ComparedServer server;
    private final String prefix;
    private final CompareSettings settings;
    private final int heldCount;
    private final Optional<String> serverCpus;
    private final ServerBudget budget;
    private final Path dir;
    private final Progress progress;
    private final RunWarnings warnings;
    private final Map<String, Long> errors = new LinkedHashMap<>();
    private final List<PointRepeats.Closed> closed = new ArrayList<>();
    private final List<PointRepeats.Open> open = new ArrayList<>();
    private volatile ServerProcess process;
    /** Whether the server runs inside the CPU budget: there is one, and admitting it worked. */
    private boolean admitted;
    private InetSocketAddress target;
    private String failure;
    /** Seconds of this server's plan not yet announced as steps: what a failure takes off the estimate. */
    private double plannedLeft;
    private WarmUp warmUp;
    private CapacityResult capacity;
    private RateBasis rateBasis;
    private long idleRss = -1;
    private Optional<Map<String, Long>> gcBefore = Optional.empty();
    private long gcMillis = -1;
    private long gcCount = -1;
    private HeldResult held;
    private CpuProfile cpuProfile;
    /** The profiled run while it runs, for the shutdown hook. */
    private volatile CpuProfileRun profiling;

    /**
     * @param heldCount  held connections, after capping to the descriptor limit
     * @param serverCpus the server's {@code taskset -c} list, when pinned
     * @param budget     the servers' CPU quota, if any, and the CPU readings around each run
     * @param dir        the output directory; interval logs go to its {@code hlog}
     */
    ServerMeasurement(ServerRun run, CompareSettings settings, int heldCount, Optional<String> serverCpus, ServerBudget budget,
                      Path dir, Progress progress, RunWarnings warnings) {
        this.run = run;
        this.server = run.server();
        this.prefix = "[" + run.label() + "] ";
        this.settings = settings;
        this.heldCount = heldCount;
        this.serverCpus = serverCpus;
        this.budget = budget;
        this.dir = dir;
        this.progress = progress;
        this.warnings = warnings;
        this.plannedLeft = settings.plannedSecondsPerServer();
        for (ErrorKind kind : ErrorKind.values()) {
            errors.put(kind.key(), 0L);
        }
        for (int c : settings.concurrencies()) {
            closed.add(new PointRepeats.Closed(c));
        }
    }

    String label() {
        return run.label();
    }

    /** Still being measured: started, not failed and not stopped. */
    boolean measuring() {
        return process != null && failure == null;
    }

    /** Ctrl-C must not leave a server behind holding its port and a CPU: an external server does not watch its stdin. */
    void stopServer(Duration grace) {
        ServerProcess p = process;
        if (p != null) {
            p.stop(grace);
        }
        CpuProfileRun r = profiling;
        if (r != null) {
            r.stop(grace);
        }
    }

    /** Phase 1: starts the server in its own process. */
    void start() {
        step("starting: " + server.describeCommand(), 2);
        attempt(() -> {
            process = server.start(run.handler(), serverCpus, START_TIMEOUT);
            target = process.address();
        });
    }

    /**
     * Puts the warm server inside the CPU budget. Only after its warm-up: a JVM's JIT compiler and
     * collector threads are the server's too, and under a quota of half a CPU they compiled netty's
     * hot paths at half speed, so that a warm-up judged "steady" at 250 µs per exchange was still
     * compiling, and the capacity search's first steps at 200/s saw the server throttled by its own
     * compiler (p99 of 12 ms). Warmed on its whole CPU, a server enters the budget compiled.
     */
    private void enterBudget() {
        Optional<String> admission = budget.admit(process);
        admitted = budget.admitted(admission);
        admission.ifPresent(why -> {
            progress.note(prefix, "runs without its CPU budget: " + why);
            warnings.add(run.label() + " ran without its CPU budget, so its figures may be the generator's: " + why);
        });
    }

    /**
     * Phase 2: closed loop at the highest concurrency in slices until the server's CPU per exchange
     * is steady or the cap is reached ({@link WarmUpRule}), on the server's whole CPUs; then it
     * enters the CPU budget, and its idle RSS and GC totals are read, which the measured workloads
     * are counted from. Not recorded: only the slices' figures are kept.
     */
    void warmUp(WarmUpRule rule) {
        if (!measuring()) {
            return;
        }
        attempt(() -> {
            if (!settings.warmup().isZero()) {
                warmUp = warmUpSlices(rule);
            }
            enterBudget();
            idleRss = process.rssBytes();
            gcBefore = server.isGreetbench() ? process.gcStats() : Optional.empty();
        });
    }

    private WarmUp warmUpSlices(WarmUpRule rule) {
        int c = settings.concurrencies().stream().max(Integer::compare).orElseThrow();
        double planned = CompareSettings.seconds(rule.cap());
        step("warm-up until steady: closed loop c=" + c + ", " + CompareSettings.human(rule.slice()) + " slices, "
                + CompareSettings.human(rule.min()) + " to " + CompareSettings.human(rule.cap()), planned);
        List<Double> costs = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        List<Long> exchanges = new ArrayList<>();
        List<Long> elapsedNanos = new ArrayList<>();
        WarmUpRule.Verdict verdict = WarmUpRule.Verdict.CONTINUE;
        while (verdict == WarmUpRule.Verdict.CONTINUE && costs.size() < rule.maxSlices()) {
            long before = process.cpuNanos();
            LoadResult r = load(LoadSpec.builder(target).closed(c).duration(rule.slice()), "warm-up");
            long after = process.cpuNanos();
            // The server's CPU is the judge; its wall time per exchange stands in if /proc cannot be read.
            costs.add(before >= 0 && after >= 0 ? PointRepeats.perThousand(after - before, r.exchanges())
                    : r.exchanges() == 0 ? Double.NaN : r.elapsed().toNanos() / 1e6 / r.exchanges() * 1_000);
            rates.add(r.exchangesPerSecond());
            exchanges.add(r.exchanges());
            elapsedNanos.add(r.elapsed().toNanos());
            verdict = rule.judge(costs);
        }
        boolean capped = verdict != WarmUpRule.Verdict.STEADY;
        Duration took = rule.slice().multipliedBy(costs.size());
        double seconds = CompareSettings.seconds(took);
        progress.currentStepTook(seconds);
        int n = costs.size();
        int last = Math.min(2, n);
        long lastExchanges = exchanges.subList(n - last, n).stream().mapToLong(Long::longValue).sum();
        long lastNanos = elapsedNanos.subList(n - last, n).stream().mapToLong(Long::longValue).sum();
        double finalRate = lastNanos <= 0 ? 0 : lastExchanges * 1e9 / lastNanos;
        String trend = String.join(" → ", costs.stream().map(CompareTable::decimal).toList()) + " µs of server CPU per exchange";
        if (capped) {
            progress.note(prefix, "warm-up capped at " + CompareSettings.human(rule.cap()) + ", not steady: " + trend);
            warnings.add(run.label() + ": warm-up stopped at its cap of " + CompareSettings.human(rule.cap()) + " before three slices' CPU per "
                    + "exchange agreed within " + CompareTable.percent(rule.tolerance()) + " (" + trend + "); its first round may "
                    + "still have caught it compiling, and its open-loop rates rest on an unsteady rate");
        } else {
            progress.note(prefix, "steady after " + CompareSettings.human(took) + ": " + trend);
        }
        return new WarmUp(c, seconds, capped, List.copyOf(costs), List.copyOf(rates), finalRate);
    }

    /** The server's resident memory after its warm-up; -1 before that, or when it failed. */
    long idleRssBytes() {
        return measuring() ? idleRss : -1;
    }

    /** What the warm-up found, or null when there was none or the server failed before it. */
    WarmUp warmUpResult() {
        return warmUp;
    }

    /**
     * Phase 3: the server's capacity at the SLO ({@link CapacitySearch}: constant-rate open loop,
     * growing then bisecting, every step judged and printed), with the server's side read from its
     * process and, when it is inside the CPU budget, the budget's quota and throttling counters;
     * then the rate every open-loop point of this server is a fraction of, fixed before the rounds
     * so that each round runs the same rates ({@link RateBasis#of}): that capacity, or the
     * warm-up's rate when the capacity is 0 or unknown, with a warning, since the points are then
     * fractions of a different thing.
     */
    void searchCapacity() {
        if (!measuring()) {
            return;
        }
        CapacitySettings cs = settings.capacity();
        double planned = settings.plannedCapacitySeconds();
        step("capacity at " + cs.slo() + ": open loop from " + CompareTable.rate(cs.startRate()) + "/s, at most " + cs.maxSteps() + " steps of "
                + CompareSettings.human(cs.stepDuration()) + " after " + CompareSettings.human(cs.stepWarmup()), planned);
        attempt(() -> {
            long began = System.nanoTime();
            capacity = CapacitySearch.run(target, cs, serverMeter(), st -> progress.note(prefix, "  " + st.line(cs.slo())));
            progress.currentStepTook(Math.min(planned, (System.nanoTime() - began) / 1e9));
            if (!process.isAlive()) {
                throw new ToolFailureException("exited during the capacity search" + serverState());
            }
            progress.note(prefix, "capacity " + capacity.rateText() + ": " + capacity.reason());
        });
        if (!measuring()) {
            return;
        }
        RateBasis basis = RateBasis.of(capacity, warmUp);
        if (basis.fallback()) {
            warnings.add(run.label() + ": " + (capacity.lowerBound() ? "capacity unknown" : "capacity 0") + " at " + cs.slo() + " ("
                    + capacity.reason() + "), so its open-loop points are fractions of " + (basis.rate() > 0 ? "the rate its warm-up reached" : "nothing"));
        } else if (basis.lowerBound()) {
            warnings.add(run.label() + ": capacity " + capacity.rateText() + " is a lower bound (" + capacity.reason()
                    + "), so its open-loop points are fractions of at least that much");
        }
        useRateBasis(basis);
    }

    /**
     * The server's side of a capacity step: its process's CPU, over its quota and with the
     * budget's throttling when it is inside the budget, else over its CPUs (as {@link ServerBudget#judge} does).
     */
    private ServerCpuMeter serverMeter() {
        ServerProcess p = process;
        boolean inBudget = admitted;
        return new ServerCpuMeter() {
            @Override
            public long cpuNanos() {
                return p.cpuNanos();
            }

            @Override
            public double allotment() {
                return budget.serverAllotment(inBudget);
            }

            @Override
            public CpuBudget.Throttling throttling() {
                return budget.throttling(inBudget);
            }
        };
    }

    /** The open loop's rate basis; without a rate, the open loop is skipped. */
    private void useRateBasis(RateBasis basis) {
        rateBasis = basis;
        if (basis.rate() <= 0) {
            if (!settings.fractions().isEmpty()) {
                warnings.add(run.label() + ": no rate for the open loop to be a fraction of (" + basis.source() + "), so it was skipped");
            }
            forgo(settings.openLoopRepeats() * settings.fractions().size() * runSeconds());
            return;
        }
        for (double fraction : settings.fractions()) {
            open.add(new PointRepeats.Open(fraction, Math.max(1, Math.round(basis.rate() * fraction))));
        }
    }

    /**
     * Phase 4, once per round ({@code round} from 1): every closed-loop point once, then, in the
     * first {@code openLoopRepeats} rounds, every open-loop point once.
     */
    void measureRound(int round) {
        if (!measuring()) {
            return;
        }
        String r = "round " + round + "/" + settings.repeats() + ": ";
        attempt(() -> {
            for (int k = 0; k < closed.size(); k++) {
                PointRepeats.Closed point = closed.get(k);
                int c = settings.concurrencies().get(k);
                step(r + "closed loop c=" + c, runSeconds());
                String name = "closed-c" + c + "-r" + round;
                long before = process.cpuNanos();
                ServerBudget.Meter meter = budget.start(process, admitted);
                LoadResult result = load(LoadSpec.builder(target).closed(c).duration(settings.duration()).hlog(hlog(name)),
                        "closed loop c=" + c + " round " + round);
                CpuSample sample = meter.stop(result);
                point.add(result, process.cpuNanos() - before, sample, relative(hlog(name)));
            }
            if (round > settings.openLoopRepeats()) {
                return;
            }
            for (int k = 0; k < open.size(); k++) {
                PointRepeats.Open point = open.get(k);
                double fraction = settings.fractions().get(k);
                step(r + "open loop at " + CompareTable.percent(fraction) + " of " + (rateBasis.fallback() ? "the warm-up's rate " : "capacity ")
                        + (rateBasis.lowerBound() ? "≥ " : "") + CompareTable.rate(rateBasis.rate()) + "/s = "
                        + CompareTable.rate(point.requestedRate()) + "/s", runSeconds());
                String name = "open-" + Math.round(fraction * 100) + "pct-r" + round;
                long before = process.cpuNanos();
                ServerBudget.Meter meter = budget.start(process, admitted);
                LoadResult result = load(LoadSpec.builder(target).open(point.requestedRate()).duration(settings.duration()).hlog(hlog(name)),
                        "open loop " + CompareTable.percent(fraction) + " round " + round);
                CpuSample sample = meter.stop(result);
                point.add(result, process.cpuNanos() - before, sample, relative(hlog(name)));
            }
        });
    }

    /**
     * Phase 5: the held-connection workload, the GC totals over the measured workloads, and the
     * server stopped, so that the next server's held connections meet no other server's memory.
     */
    void holdConnectionsAndStop() {
        if (measuring()) {
            attempt(() -> {
                if (heldCount > 0) {
                    held = heldConnections();
                }
                Optional<Map<String, Long>> gcAfter = server.isGreetbench() ? process.gcStats() : Optional.empty();
                if (gcBefore.isPresent() && gcAfter.isPresent()) {
                    gcMillis = gcAfter.get().get("gcMillis") - gcBefore.get().get("gcMillis");
                    gcCount = gcAfter.get().get("gcCount") - gcBefore.get().get("gcCount");
                }
            });
        }
        close();
    }

    /**
     * Phase 6, with {@code --cpu-profile}, after the server was stopped: a profiled run of its own
     * ({@link CpuProfileRun}) at the concurrency of its closed-loop peak, whose figures enter
     * nothing but its profile. A server that failed, or has no closed-loop point, is not profiled,
     * and its profile says why.
     */
    void profileCpu() {
        if (!server.isGreetbench()) {
            cpuProfile = CpuProfile.notProfiled(CpuProfile.NO_JVM);
            forgo(settings.plannedProfileSeconds());
            return;
        }
        Optional<PointRepeats.Closed> peak = closed.stream().filter(p -> !p.isEmpty())
                .max(Comparator.comparingDouble(PointRepeats.Closed::medianRate));
        if (failure != null || peak.isEmpty()) {
            cpuProfile = CpuProfile.notProfiled(failure != null ? "not profiled, since its measurement failed" : "no closed-loop point to profile at");
            forgo(settings.plannedProfileSeconds());
            return;
        }
        int c = peak.get().connections();
        step("profiled run, not in the table: started afresh with JFR, warmed up, closed loop c=" + c + " for "
                + CompareSettings.human(settings.profile().cpuProfileDuration()), settings.plannedProfileSeconds());
        CpuProfileRun r = new CpuProfileRun(run, settings, serverCpus, budget, dir, progress, prefix);
        profiling = r;
        try {
            cpuProfile = r.profile(c);
        } finally {
            profiling = null;
        }
        if (cpuProfile.profiled()) {
            progress.note(prefix, "profile: " + CompareTable.decimal(cpuProfile.cpuMicrosPerExchange()) + " µs CPU per exchange, "
                    + CompareTable.percent(cpuProfile.systemCpuShare()) + " in the kernel, " + cpuProfile.samples() + " samples, top "
                    + cpuProfile.topMethods().stream().findFirst().map(m -> m.method() + " " + CompareTable.percent(m.share())).orElse("none"));
        } else {
            progress.note(prefix, cpuProfile.notProfiled());
            warnings.add(run.label() + ": " + cpuProfile.notProfiled());
        }
    }

    /** What was measured: every point from the repeats it completed, even when it failed later. */
    ServerResult result() {
        List<ClosedLoopPoint> closedPoints = closed.stream().filter(p -> !p.isEmpty())
                .map(p -> p.point(run.label(), settings.noiseThreshold(), warnings, sample -> budget.judge(sample, admitted))).toList();
        List<OpenLoopPoint> openPoints = open.stream().filter(p -> !p.isEmpty())
                .map(p -> p.point(run.label(), settings.noiseThreshold(), warnings, sample -> budget.judge(sample, admitted))).toList();
        return new ServerResult(server.name(), run.handler().toString(), server.model(), server.describeCommand(), failure, warmUp,
                rateBasis, capacity, closedPoints, openPoints, held, idleRss, gcMillis, gcCount, Collections.unmodifiableMap(errors),
                cpuProfile);
    }

    /** Runs one phase's work; a harness failure ends this server's measurement, not the comparison. */
    private void attempt(Runnable work) {
        try {
            work.run();
        } catch (GreetbenchException e) {
            failure = e.getMessage();
            progress.note(prefix, "FAILED: " + failure);
            warnings.add(run.label() + ": " + failure);
            forgo(plannedLeft);
            close();
        }
    }

    /** Stops the server for good: it is no longer {@link #measuring()}, and the shutdown hook has nothing left to stop. */
    private void close() {
        ServerProcess p = process;
        if (p != null) {
            p.close();
            process = null;
        }
    }

    private void step(String what, double plannedSeconds) {
        progress.step(prefix, what, plannedSeconds);
        plannedLeft -= plannedSeconds;
    }

    /** Planned seconds that will not be spent after all. */
    private void forgo(double plannedSeconds) {
        progress.dropPlanned(plannedSeconds);
        plannedLeft -= plannedSeconds;
    }

    private double runSeconds() {
        return CompareSettings.seconds(settings.duration()) + CompareSettings.RUN_OVERHEAD_SECONDS;
    }

    private HeldResult heldConnections() {
        step("holding " + CompareTable.rate(heldCount) + " connections for " + settings.think().toMillis() / 1000.0 + " s",
                CompareSettings.seconds(settings.think()) + 1 + heldCount / 5_000.0);
        long rssBefore = process.rssBytes();
        Sampler sampler = new Sampler(process);
        Thread t = Thread.ofPlatform().daemon().name("rss-sampler-" + run.label()).start(sampler);
        String name = "held-" + heldCount;
        LoadResult result;
        try {
            result = load(LoadSpec.builder(target).held(heldCount).thinkTime(settings.think()).hlog(hlog(name)), "held connections",
                    heldTimeout(heldCount));
        } finally {
            sampler.stop = true;
            try {
                t.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int peakOpen = result.peakConnections();
        long rssPeak = Math.max(rssBefore, sampler.rssPeak.get());
        String note = heldCount < settings.held() ? "capped from " + settings.held() + " by the file descriptor limit" : null;
        if (peakOpen < heldCount) {
            warnings.add(run.label() + ": only " + peakOpen + " of " + heldCount + " held connections were open at once");
        }
        return new HeldResult(heldCount, peakOpen, sampler.fdsPeak.get(), rssBefore, rssPeak,
                HeldResult.perConnection(rssBefore, rssPeak, peakOpen), Latency.ofNanos(result.corrected()),
                result.totalErrors(), note, relative(hlog(name)));
    }

    /**
     * After the think time every held connection sends its request at once, so the last
     * replies wait behind thousands of others: a slow server (the asyncio peer answers about
     * a thousand a second here) needs seconds, which is queueing, not failure.
     */
    private Duration heldTimeout(int connections) {
        Duration queue = Duration.ofMillis(5L * connections);
        return queue.compareTo(settings.exchangeTimeout()) > 0 ? queue : settings.exchangeTimeout();
    }

    private LoadResult load(LoadSpec.Builder spec, String what) {
        return load(spec, what, settings.exchangeTimeout());
    }

    /** One load run with the settings every run shares; errors are added to the server's count. */
    private LoadResult load(LoadSpec.Builder spec, String what, Duration timeout) {
        // The server was warmed up once; a per-run warm-up would burn CPU that the server
        // CPU figures (measured around the whole run) would count without its exchanges.
        LoadSpec s = spec.exchangeTimeout(timeout).warmup(Duration.ZERO).build();
        LoadResult result;
        try {
            result = LoadGenerator.run(s, ProgressListener.NONE);
        } catch (UnreachableTargetException e) {
            throw new ToolFailureException(what + ": " + e.getMessage() + serverState(), e);
        }
        if (!what.equals("warm-up")) {
            for (Map.Entry<ErrorKind, Long> e : result.errors().entrySet()) {
                errors.merge(e.getKey().key(), e.getValue(), Long::sum);
            }
            if (!result.valid()) {
                warnings.invalid(run.label() + " " + what, result.invalidReason());
            }
        }
        if (!process.isAlive()) {
            throw new ToolFailureException("exited during " + what + serverState());
        }
        return result;
    }

    private String serverState() {
        if (process.isAlive()) {
            return "";
        }
        return " (server exited; its stderr: " + process.stderrTail(3) + ")";
    }

    private Path hlog(String workload) {
        return dir.resolve("hlog").resolve(run.fileLabel() + "-" + workload + ".hlog");
    }

    private String relative(Path file) {
        return dir.relativize(file).toString();
    }

    /**
     * Watches the server while held connections are open: the highest RSS and descriptor count.
     * Runs on its own platform thread; the measuring thread reads the peaks after joining it.
     */
    private static final class Sampler implements Runnable {
        private final ServerProcess process;
        final AtomicLong rssPeak = new AtomicLong();
        final AtomicLong fdsPeak = new AtomicLong();
        volatile boolean stop;

        Sampler(ServerProcess process) {
            this.process = process;
        }

        @Override
        public void run() {
            while (!stop && process.isAlive()) {
                rssPeak.accumulateAndGet(process.rssBytes(), Math::max);
                fdsPeak.accumulateAndGet(process.openFds(), Math::max);
                try {
                    TimeUnit.MILLISECONDS.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
