package io.greetbench.compare;

import io.greetbench.compare.CompareResults.ClosedLoopPoint;
import io.greetbench.compare.CompareResults.HeldResult;
import io.greetbench.compare.CompareResults.Latency;
import io.greetbench.compare.CompareResults.OpenLoopPoint;
import io.greetbench.compare.CompareResults.PercentilePoint;
import io.greetbench.compare.CompareResults.ServerResult;
import io.greetbench.compare.CompareRun.ServerRun;
import io.greetbench.compare.ServerBudget.CpuSample;
import io.greetbench.harness.ComparedServer;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures one server with one handler from start to stop: start, warm-up, closed loop, open loop,
 * held connections, GC totals. Each workload is a step announced on {@link Progress}. A server that
 * fails to start, exits or stops answering ends its own measurement, with the reason in its
 * result; the comparison goes on with the next server.
 *
 * <p>Threading: runs on the thread that runs the comparison, which also drives the load generator
 * (the generator has threads of its own); during the held-connection workload a {@link Sampler}
 * watches the server from its own platform thread. {@link #stopServer} may be called from any
 * thread (a shutdown hook).
 */
final class ServerMeasurement {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

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
    private volatile ServerProcess process;
    private InetSocketAddress target;

    /**
     * @param prefix     what each progress line starts with, such as {@code [2/5 netty] }
     * @param heldCount  held connections, after capping to the descriptor limit
     * @param serverCpus the server's {@code taskset -c} list, when pinned
     * @param budget     the server's CPU quota, if any, and the CPU readings around each run
     * @param dir        the output directory; interval logs go to its {@code hlog}
     */
    ServerMeasurement(ServerRun run, String prefix, CompareSettings settings, int heldCount, Optional<String> serverCpus,
                      ServerBudget budget, Path dir, Progress progress, RunWarnings warnings) {
        this.run = run;
        this.server = run.server();
        this.prefix = prefix;
        this.settings = settings;
        this.heldCount = heldCount;
        this.serverCpus = serverCpus;
        this.budget = budget;
        this.dir = dir;
        this.progress = progress;
        this.warnings = warnings;
        for (ErrorKind kind : ErrorKind.values()) {
            errors.put(kind.key(), 0L);
        }
    }

    /** Ctrl-C must not leave a server behind holding its port and a CPU: an external server does not watch its stdin. */
    void stopServer(Duration grace) {
        ServerProcess p = process;
        if (p != null) {
            p.stop(grace);
        }
    }

    ServerResult measure() {
        List<ClosedLoopPoint> closed = new ArrayList<>();
        List<OpenLoopPoint> open = new ArrayList<>();
        HeldResult heldResult = null;
        long idleRss = -1;
        long gcMillis = -1;
        long gcCount = -1;
        String failure = null;
        progress.step(prefix, "starting: " + server.describeCommand(), 2);
        try {
            process = server.start(run.handler(), serverCpus, START_TIMEOUT);
            target = process.address();
            budget.admit(process).ifPresent(why -> {
                progress.note(prefix, "runs without its CPU budget: " + why);
                warnings.add(run.label() + " ran without its CPU budget, so its figures may be the generator's: " + why);
            });
            if (!settings.warmup().isZero()) {
                int c = settings.concurrencies().stream().max(Integer::compare).orElseThrow();
                progress.step(prefix, "warm-up, closed loop c=" + c, CompareSettings.seconds(settings.warmup()));
                load(LoadSpec.builder(target).closed(c).duration(settings.warmup()), "warm-up");
            }
            idleRss = process.rssBytes();
            Optional<Map<String, Long>> gcBefore = server.isGreetbench() ? process.gcStats() : Optional.empty();
            closed = closedLoop();
            double peak = closed.stream().mapToDouble(ClosedLoopPoint::medianRate).max().orElse(0);
            if (peak > 0) {
                open = openLoop(peak);
            } else if (!settings.fractions().isEmpty()) {
                warnings.add(run.label() + ": no exchange succeeded in the closed loop, so the open loop was skipped");
            }
            if (heldCount > 0) {
                heldResult = heldConnections();
            }
            Optional<Map<String, Long>> gcAfter = server.isGreetbench() ? process.gcStats() : Optional.empty();
            if (gcBefore.isPresent() && gcAfter.isPresent()) {
                gcMillis = gcAfter.get().get("gcMillis") - gcBefore.get().get("gcMillis");
                gcCount = gcAfter.get().get("gcCount") - gcBefore.get().get("gcCount");
            }
        } catch (GreetbenchException e) {
            failure = e.getMessage();
        } finally {
            if (process != null) {
                process.close();
                process = null;
            }
        }
        if (failure != null) {
            progress.note(prefix, "FAILED: " + failure);
            warnings.add(run.label() + ": " + failure);
        }
        return new ServerResult(server.name(), run.handler().toString(), server.model(), server.describeCommand(), failure, closed, open,
                heldResult, idleRss, gcMillis, gcCount, Collections.unmodifiableMap(errors));
    }

    private List<ClosedLoopPoint> closedLoop() {
        List<Integer> cs = settings.concurrencies();
        int r = settings.repeats();
        List<List<LoadResult>> runs = new ArrayList<>();
        long[] cpu = new long[cs.size()];
        CpuSample[] samples = new CpuSample[cs.size()];
        for (int k = 0; k < cs.size(); k++) {
            runs.add(new ArrayList<>());
            samples[k] = CpuSample.NONE;
        }
        // Repeats are interleaved (c1, c2, c1, c2) so that a drift in the machine's state
        // spreads over every point instead of biasing one.
        for (int rep = 1; rep <= r; rep++) {
            for (int k = 0; k < cs.size(); k++) {
                int c = cs.get(k);
                progress.step(prefix, "closed loop c=" + c + ", repeat " + rep + "/" + r, CompareSettings.seconds(settings.duration()));
                long before = process.cpuNanos();
                ServerBudget.Meter meter = budget.start(process);
                LoadResult result = load(LoadSpec.builder(target).closed(c).duration(settings.duration())
                        .hlog(hlog("closed-c" + c + "-r" + rep)), "closed loop c=" + c);
                samples[k] = samples[k].plus(meter.stop());
                cpu[k] += process.cpuNanos() - before;
                runs.get(k).add(result);
            }
        }
        List<ClosedLoopPoint> points = new ArrayList<>();
        for (int k = 0; k < cs.size(); k++) {
            int c = cs.get(k);
            List<LoadResult> rs = runs.get(k);
            List<Double> rates = rs.stream().map(LoadResult::exchangesPerSecond).toList();
            double median = median(rates);
            double spread = median > 0 ? (max(rates) - min(rates)) / median : 0;
            LoadResult typical = rs.stream().min(Comparator.comparingDouble(x -> Math.abs(x.exchangesPerSecond() - median))).orElseThrow();
            long exchanges = rs.stream().mapToLong(LoadResult::exchanges).sum();
            long genCpu = rs.stream().mapToLong(LoadResult::generatorCpuNanos).sum();
            String invalidReason = rs.stream().filter(x -> !x.valid()).map(LoadResult::invalidReason).findFirst().orElse(null);
            if (rs.size() > 1 && spread > settings.noiseThreshold()) {
                warnings.noisy(String.format(Locale.ROOT, "%s c=%d %s (%s)", run.label(), c, CompareTable.percent(spread),
                        String.join(" vs ", rates.stream().map(CompareTable::rate).toList())));
            }
            int typicalRepeat = rs.indexOf(typical) + 1;
            points.add(new ClosedLoopPoint(c, rates, median, spread, Latency.ofNanos(typical.corrected()),
                    perThousand(cpu[k], exchanges), exchanges == 0 ? Double.NaN : genCpu / 1e3 / exchanges, invalidReason,
                    relative(hlog("closed-c" + c + "-r" + typicalRepeat)), budget.judge(samples[k])));
        }
        return points;
    }

    private List<OpenLoopPoint> openLoop(double peak) {
        List<OpenLoopPoint> points = new ArrayList<>();
        for (double fraction : settings.fractions()) {
            double rate = Math.max(1, Math.round(peak * fraction));
            progress.step(prefix, "open loop at " + CompareTable.percent(fraction) + " of peak = " + CompareTable.rate(rate) + "/s",
                    CompareSettings.seconds(settings.duration()));
            String name = "open-" + Math.round(fraction * 100) + "pct";
            long before = process.cpuNanos();
            ServerBudget.Meter meter = budget.start(process);
            LoadResult result = load(LoadSpec.builder(target).open(rate).duration(settings.duration()).hlog(hlog(name)),
                    "open loop " + CompareTable.percent(fraction));
            CpuSample sample = meter.stop();
            long cpu = process.cpuNanos() - before;
            points.add(new OpenLoopPoint(fraction, rate, result.achievedRate(), Latency.ofNanos(result.corrected()),
                    Latency.ofNanos(result.raw()), PercentilePoint.spectrumOfNanos(result.corrected()),
                    perThousand(cpu, result.exchanges()), result.valid() ? null : result.invalidReason(), relative(hlog(name)),
                    budget.judge(sample)));
        }
        return points;
    }

    private HeldResult heldConnections() {
        progress.step(prefix, "holding " + CompareTable.rate(heldCount) + " connections for " + settings.think().toMillis() / 1000.0 + " s",
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

    private static double perThousand(long cpuNanos, long exchanges) {
        return exchanges == 0 || cpuNanos < 0 ? Double.NaN : cpuNanos / 1e6 / exchanges * 1_000;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        if (n == 0) {
            return 0;
        }
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
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
