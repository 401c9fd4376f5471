package io.greetbench.cli;

import io.greetbench.harness.ToolFailureException;
import io.greetbench.compare.CompareResults.ClosedLoopPoint;
import io.greetbench.compare.CompareResults.HeldResult;
import io.greetbench.compare.CompareResults.Latency;
import io.greetbench.compare.CompareResults.OpenLoopPoint;
import io.greetbench.compare.CompareResults.PercentilePoint;
import io.greetbench.compare.CompareResults.ServerResult;
import io.greetbench.loadgen.ErrorKind;
import io.greetbench.loadgen.IoEngine;
import io.greetbench.loadgen.LoadGenerator;
import io.greetbench.loadgen.LoadResult;
import io.greetbench.loadgen.LoadSpec;
import io.greetbench.loadgen.ProgressListener;
import io.greetbench.loadgen.UnreachableTargetException;
import io.greetbench.protocol.HandlerWork;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import io.greetbench.compare.CompareResults;
import io.greetbench.compare.CompareSettings;
import io.greetbench.compare.CompareTable;
import io.greetbench.compare.HtmlReport;
import io.greetbench.compare.JsonWriter;
import io.greetbench.harness.ComparedServer;
import io.greetbench.harness.CpuPlacement;
import io.greetbench.harness.GreetbenchException;
import io.greetbench.harness.ServerProcess;

/**
 * {@code greetbench compare}: measures every server under the same load, one after the other,
 * and writes a table, a JSON file, the raw HdrHistogram logs and an HTML report.
 *
 * <p>For each server: start it in its own process, pinned apart from the generator; warm it up;
 * closed loop at each concurrency (repeated, median quoted, spread checked against the noise
 * threshold); open loop at fractions of the peak just measured, with corrected latency; then
 * held connections, sampling the server's RSS and descriptors while they are open. Server CPU,
 * RSS and descriptors come from {@code /proc/<pid>}, GC totals from a greetbench child's control
 * channel.
 *
 * <p>Threading: runs on the calling thread, which also drives the load generator (which has its
 * own threads); one sampler thread watches the server during the held-connection workload.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compares the servers under the same load: closed loop, open loop at fractions of the peak, held connections.",
            "Writes a table to stdout and results.json, raw .hlog files and report.html to --out."})
final class CompareCommand implements Callable<Integer> {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,40}");
    /** Descriptors this JVM keeps for itself (jars, selectors, pipes to the servers) besides held connections. */
    private static final int RESERVED_DESCRIPTORS = 1_000;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(names = "--profile", paramLabel = "quick|full",
            description = "quick (default): about 3 minutes for the default servers; full: longer runs, more points, 10,000 held connections")
    String profile = "quick";

    @Option(names = "--handler", split = ",", paramLabel = "WORK",
            description = {"work per exchange on the server: none, cpu:<microseconds>, sleep:<milliseconds> (default: none).",
                "Several, e.g. none,sleep:5, measure each server once per handler and show the difference."})
    List<String> handlers = List.of("none");

    @Option(names = "--servers", split = ",", paramLabel = "LIST",
            description = "which built-in servers, in order (default: nio,netty,loom,loom-platform,asyncio; asyncio only when python3 is present; \"\" for none)")
    List<String> servers;

    @Option(names = "--external", paramLabel = "NAME=COMMAND", mapFallbackValue = "",
            description = "an external server to add: a shell command with {port}, e.g. greet-c=\"/path/greet-c -p {port}\"; repeatable")
    Map<String, String> externals = new LinkedHashMap<>();

    @Option(names = "--out", paramLabel = "DIR", description = "output directory (default: results/compare-<timestamp>)")
    Path out;

    @Option(names = "--pin", paramLabel = "auto|none",
            description = "auto (default): server and generator on separate CPUs with taskset when there are 2 or more; none: no pinning")
    String pin = "auto";

    @Option(names = "--warmup", converter = DurationConverter.class, paramLabel = "DURATION", description = "override the profile: warm-up per server, 0 = none")
    Duration warmup;

    @Option(names = "--duration", converter = DurationConverter.class, paramLabel = "DURATION", description = "override the profile: each recorded run")
    Duration duration;

    @Option(names = "--repeats", paramLabel = "N", description = "override the profile: repeats of each closed-loop point")
    Integer repeats;

    @Option(names = "--concurrency", split = ",", paramLabel = "LIST", description = "override the profile: closed-loop concurrencies, e.g. 16,64")
    List<Integer> concurrencies;

    @Option(names = "--open-loop", split = ",", paramLabel = "PERCENTS", description = "override the profile: open-loop rates in %% of the peak, e.g. 50,80")
    List<Double> openLoopPercents;

    @Option(names = "--held", paramLabel = "N", description = "override the profile: held connections (0 = skip)")
    Integer held;

    @Option(names = "--think", converter = DurationConverter.class, paramLabel = "DURATION", description = "override the profile: how long held connections stay idle")
    Duration think;

    @Option(names = "--timeout", converter = DurationConverter.class, paramLabel = "DURATION", description = "per-exchange timeout (default: 2s)")
    Duration timeout;

    @Option(names = "--noise-threshold", paramLabel = "PERCENT", description = "warn when repeats spread more than this (default: 10)")
    Double noisePercent;

    private PrintWriter err;
    private final List<String> warnings = new ArrayList<>();
    /** Closed-loop points whose repeats spread beyond the threshold, and runs the generator marked invalid. */
    private final List<String> noisy = new ArrayList<>();
    private final List<String> invalid = new ArrayList<>();
    private String invalidExample;
    /** The server being measured, for the shutdown hook: an external server does not watch its stdin. */
    private volatile ServerProcess current;

    @Override
    public Integer call() {
        err = spec.commandLine().getErr();
        CompareSettings settings = settings();
        List<ComparedServer> lineup = lineup(settings.handlers());
        List<Run> runs = runs(lineup, settings.handlers());
        Path dir = outputDirectory();
        int heldCount = capHeld(settings.held());
        CpuPlacement placement = pin.equals("none") ? CpuPlacement.none("--pin none") : CpuPlacement.split();
        err.println("greetbench compare: " + runs.size() + " server runs, profile " + settings.profile() + ", handler "
                + String.join(", ", settings.handlers().stream().map(HandlerWork::toString).toList()) + "; " + placement.description());
        err.println("greetbench compare: about " + clock(settings.plannedSecondsPerServer() * runs.size()) + " in all; results in " + dir);
        err.flush();

        Instant started = Instant.now();
        String loadAverage = firstLine(Path.of("/proc/loadavg"));
        TimeLeft timeLeft = new TimeLeft(settings.plannedSecondsPerServer() * runs.size());
        List<ServerResult> results = new ArrayList<>();
        // Ctrl-C must not leave a server behind holding its port and a CPU.
        Thread stopServer = new Thread(() -> {
            ServerProcess p = current;
            if (p != null) {
                p.stop(Duration.ofSeconds(2));
            }
        }, "compare-stop-server");
        Runtime.getRuntime().addShutdownHook(stopServer);
        try {
            for (int i = 0; i < runs.size(); i++) {
                Run run = runs.get(i);
                String prefix = "[" + (i + 1) + "/" + runs.size() + " " + run.label() + "] ";
                results.add(new Measurement(run, settings, heldCount, placement, dir, prefix, timeLeft).run());
                timeLeft.serverDone(i + 1, settings.plannedSecondsPerServer());
            }
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopServer);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down, and the hook is doing its job.
            }
        }
        Instant finished = Instant.now();
        summarizeWarnings(settings, loadAverage, firstLine(Path.of("/proc/loadavg")));

        CompareResults compare = new CompareResults(provenance(started, finished, placement, settings, loadAverage, lineup),
                results, List.copyOf(warnings));
        write(dir, compare);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(CompareTable.text(compare));
        for (String w : compare.warnings()) {
            stdout.println("warning: " + w);
        }
        stdout.println("report: " + dir.resolve("report.html").toAbsolutePath());
        stdout.println("results: " + dir.resolve("results.json").toAbsolutePath() + ", raw logs in " + dir.resolve("hlog")
                + ", charts in " + dir.resolve("charts"));
        stdout.flush();
        err.println("greetbench compare: done in " + clock(Duration.between(started, finished).toMillis() / 1e3));
        err.flush();
        return results.stream().allMatch(r -> r.closedLoop().isEmpty()) ? ExitCode.TOOL_FAILURE.code() : ExitCode.OK.code();
    }

    /**
     * One server with one handler. Handler-major order: every server runs with the first handler,
     * then every server that takes handlers with the next, so each handler's rows sit together.
     * External servers run once, with whatever they do.
     */
    private record Run(ComparedServer server, HandlerWork handler, boolean labelHandler) {

        String label() {
            return labelHandler ? server.name() + " [" + handler + "]" : server.name();
        }

        /** The label as a file name part. */
        String fileLabel() {
            return label().replace(" [", "-").replace("]", "").replaceAll("[^A-Za-z0-9_.-]", "");
        }
    }

    private static List<Run> runs(List<ComparedServer> lineup, List<HandlerWork> handlers) {
        List<Run> runs = new ArrayList<>();
        boolean several = handlers.size() > 1;
        for (int k = 0; k < handlers.size(); k++) {
            for (ComparedServer server : lineup) {
                if (server.takesHandler()) {
                    runs.add(new Run(server, handlers.get(k), several));
                } else if (k == 0) {
                    runs.add(new Run(server, HandlerWork.NONE, several));
                }
            }
        }
        return runs;
    }

    /**
     * One warning per kind rather than one per run, so that a noisy machine yields a readable
     * paragraph, with the busy-machine warning first since it explains the others.
     */
    private void summarizeWarnings(CompareSettings settings, String loadAtStart, String loadAtEnd) {
        List<String> first = new ArrayList<>();
        double load = Math.max(loadOf(loadAtStart), loadOf(loadAtEnd));
        int cpus = CpuPlacement.allowedAtStart().size();
        if (load > cpus) {
            first.add(String.format(Locale.ROOT, "The machine was busy: load average %.1f on %d CPUs (at the start: %s; at the end: %s). "
                    + "Other processes competed with the servers and the generator, so the figures are lower and noisier than this "
                    + "machine can do; compare ratios within this run, not absolute numbers.", load, cpus,
                    loadAtStart.split(" ")[0], loadAtEnd.split(" ")[0]));
        }
        if (!noisy.isEmpty()) {
            first.add("Noisy: the closed-loop repeats spread more than " + CompareTable.percent(settings.noiseThreshold())
                    + " at " + String.join(", ", noisy) + ". Rerun on a quieter machine or with more --repeats.");
        }
        if (!invalid.isEmpty()) {
            first.add("Invalid runs (" + invalid.size() + "): " + String.join(", ", invalid) + ". For example, " + invalidExample);
        }
        warnings.addAll(0, first);
    }

    private static double loadOf(String loadavg) {
        try {
            return Double.parseDouble(loadavg.split(" ")[0]);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The profile with the command line's overrides; every mistake is reported before anything runs. */
    private CompareSettings settings() {
        List<HandlerWork> work = handlers.stream().map(String::trim).map(HandlerWork::parse).toList();
        CompareSettings base = switch (profile) {
            case "quick" -> CompareSettings.quick(work);
            case "full" -> CompareSettings.full(work);
            default -> throw usage("--profile must be quick or full, got '" + profile + "'");
        };
        if (!pin.equals("auto") && !pin.equals("none")) {
            throw usage("--pin must be auto or none, got '" + pin + "'");
        }
        return new CompareSettings(base.profile(), work,
                warmup != null ? warmup : base.warmup(),
                duration != null ? duration : base.duration(),
                repeats != null ? repeats : base.repeats(),
                concurrencies != null ? concurrencies : base.concurrencies(),
                openLoopPercents != null ? openLoopPercents.stream().map(p -> p / 100).toList() : base.fractions(),
                held != null ? held : base.held(),
                think != null ? think : base.think(),
                timeout != null ? timeout : base.exchangeTimeout(),
                noisePercent != null ? noisePercent / 100 : base.noiseThreshold());
    }

    private List<ComparedServer> lineup(List<HandlerWork> work) {
        List<ComparedServer> lineup = new ArrayList<>();
        List<String> names = servers;
        boolean explicit = names != null;
        if (!explicit) {
            names = new ArrayList<>(ComparedServer.GREETBENCH_SERVERS);
            names.add(ComparedServer.ASYNCIO);
        }
        for (String name : names) {
            String n = name.trim();
            if (n.isEmpty()) {
                // --servers "" measures the external servers only.
                continue;
            }
            if (n.equals(ComparedServer.ASYNCIO)) {
                Optional<ComparedServer> peer = ComparedServer.asyncioPeer();
                if (peer.isPresent()) {
                    lineup.add(peer.get());
                } else if (explicit) {
                    throw usage("--servers: asyncio needs python3 on the PATH, which was not found");
                } else {
                    err.println("greetbench compare: python3 not found, so the asyncio peer is left out");
                }
            } else if (ComparedServer.GREETBENCH_SERVERS.contains(n)) {
                lineup.add(ComparedServer.greetbench(n));
            } else {
                throw usage("--servers: unknown server '" + n + "' (expected " + String.join(", ", ComparedServer.GREETBENCH_SERVERS)
                        + " or asyncio; use --external for others)");
            }
        }
        for (Map.Entry<String, String> e : externals.entrySet()) {
            String name = e.getKey();
            if (!NAME.matcher(name).matches()) {
                throw usage("--external: the name '" + name + "' must be 1-40 letters, digits, '.', '_' or '-'");
            }
            if (!e.getValue().contains("{port}")) {
                throw usage("--external " + name + ": the command must contain {port}, got '" + e.getValue() + "'");
            }
            lineup.add(ComparedServer.external(name, e.getValue()));
        }
        if (lineup.isEmpty()) {
            throw usage("--servers: nothing to compare");
        }
        if (lineup.stream().map(ComparedServer::name).distinct().count() != lineup.size()) {
            throw usage("--external: a name is used twice");
        }
        List<String> deaf = lineup.stream().filter(s -> !s.takesHandler()).map(ComparedServer::name).toList();
        if (work.stream().anyMatch(w -> !w.isNone()) && !deaf.isEmpty()) {
            warnings.add("--handler is not applied to external servers (" + String.join(", ", deaf) + "): they reply at once, and run once");
        }
        return lineup;
    }

    private Path outputDirectory() {
        Path dir = out != null ? out : Path.of("results", "compare-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).format(Instant.now().atOffset(ZoneOffset.UTC)));
        try {
            Files.createDirectories(dir.resolve("hlog"));
        } catch (IOException e) {
            throw usage("--out: cannot create " + dir + ": " + e.getMessage());
        }
        return dir;
    }

    /**
     * The generator needs a descriptor per held connection, so the held count must stay below this
     * process's limit; the hard limit cannot be raised without privileges, so say so and cap.
     */
    private int capHeld(int requested) {
        long soft = descriptorLimit(0);
        long hard = descriptorLimit(1);
        if (soft <= 0 || requested + RESERVED_DESCRIPTORS <= soft) {
            return requested;
        }
        int capped = (int) Math.max(0, soft - RESERVED_DESCRIPTORS);
        String msg = "held connections capped at " + capped + " (asked for " + requested + "): this process may open "
                + soft + " file descriptors (hard limit " + (hard < 0 ? "unlimited" : hard) + ")"
                + (hard > 0 && soft >= hard ? ", which only a privileged user can raise" : "; ulimit -n " + hard + " raises it")
                + ", and needs one per connection plus about " + RESERVED_DESCRIPTORS + " of its own";
        err.println("greetbench compare: " + msg);
        warnings.add(msg);
        return capped;
    }

    /** Column 0 = soft, 1 = hard {@code Max open files} of this process; -1 when unknown or unlimited. */
    static long descriptorLimit(int column) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return f[column].equals("unlimited") ? -1 : Long.parseLong(f[column]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private CompareResults.Provenance provenance(Instant started, Instant finished, CpuPlacement placement, CompareSettings settings,
                                                 String loadAverage, List<ComparedServer> lineup) {
        Map<String, Object> s = new LinkedHashMap<>(settings.describe());
        Map<String, String> commands = new LinkedHashMap<>();
        for (ComparedServer server : lineup) {
            commands.put(server.name(), server.describeCommand());
        }
        s.put("servers", commands);
        s.put("generator", "greetbench loadgen in this JVM, " + IoEngine.AUTO.resolved().label() + " engine, "
                + Runtime.getRuntime().availableProcessors() + " CPU(s) available to it");
        s.put("greetbench_commit", gitCommit());
        String python = ComparedServer.pythonExecutable().map(CompareCommand::pythonVersion).orElse("absent");
        return new CompareResults.Provenance(started, finished, String.join(" ", spec.commandLine().getParseResult().originalArgs()),
                CpuPlacement.allowedAtStart().size(), cpuModel(), memTotal(), firstLine(Path.of("/proc/sys/kernel/osrelease")),
                System.getProperty("java.vm.name") + " " + Runtime.version(), python, placement.description(), loadAverage, s);
    }

    private void write(Path dir, CompareResults results) {
        try {
            Files.writeString(dir.resolve("results.json"), JsonWriter.write(results), StandardCharsets.UTF_8);
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

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /**
     * Measures one server from start to stop. Each workload is a step; progress and the time left
     * go to stderr before each step.
     */
    private final class Measurement {
        private final Run run;
        private final ComparedServer server;
        private final CompareSettings settings;
        private final int heldCount;
        private final CpuPlacement placement;
        private final Path dir;
        private final String prefix;
        private final TimeLeft timeLeft;
        private final Map<String, Long> errors = new LinkedHashMap<>();
        private ServerProcess process;
        private InetSocketAddress target;

        Measurement(Run run, CompareSettings settings, int heldCount, CpuPlacement placement, Path dir,
                    String prefix, TimeLeft timeLeft) {
            this.run = run;
            this.server = run.server();
            this.settings = settings;
            this.heldCount = heldCount;
            this.placement = placement;
            this.dir = dir;
            this.prefix = prefix;
            this.timeLeft = timeLeft;
            for (ErrorKind kind : ErrorKind.values()) {
                errors.put(kind.key(), 0L);
            }
        }

        ServerResult run() {
            List<ClosedLoopPoint> closed = new ArrayList<>();
            List<OpenLoopPoint> open = new ArrayList<>();
            HeldResult heldResult = null;
            long idleRss = -1;
            long gcMillis = -1;
            long gcCount = -1;
            String failure = null;
            step("starting: " + server.describeCommand(), 2);
            try {
                process = server.start(run.handler(), placement.serverCpus(), START_TIMEOUT);
                current = process;
                target = process.address();
                if (!settings.warmup().isZero()) {
                    int c = settings.concurrencies().stream().max(Integer::compare).orElseThrow();
                    step("warm-up, closed loop c=" + c, seconds(settings.warmup()));
                    load(LoadSpec.closed(target, c, settings.warmup()), "warm-up");
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
            } catch (ServerDied e) {
                failure = e.getMessage();
            } finally {
                if (process != null) {
                    process.close();
                    current = null;
                }
            }
            if (failure != null) {
                err.println(prefix + "FAILED: " + failure);
                warnings.add(run.label() + ": " + failure);
            }
            return new ServerResult(server.name(), run.handler().toString(), server.model(), server.describeCommand(), failure, closed, open, heldResult,
                    idleRss, gcMillis, gcCount, Map.copyOf(errors));
        }

        private List<ClosedLoopPoint> closedLoop() {
            List<Integer> cs = settings.concurrencies();
            int r = settings.repeats();
            List<List<LoadResult>> runs = new ArrayList<>();
            long[] cpu = new long[cs.size()];
            for (int k = 0; k < cs.size(); k++) {
                runs.add(new ArrayList<>());
            }
            // Repeats are interleaved (c1, c2, c1, c2) so that a drift in the machine's state
            // spreads over every point instead of biasing one.
            for (int rep = 1; rep <= r; rep++) {
                for (int k = 0; k < cs.size(); k++) {
                    int c = cs.get(k);
                    step("closed loop c=" + c + ", repeat " + rep + "/" + r, seconds(settings.duration()));
                    long before = process.cpuNanos();
                    LoadResult result = load(LoadSpec.builder(target).closed(c).duration(settings.duration())
                            .hlog(hlog("closed-c" + c + "-r" + rep)).build(), "closed loop c=" + c);
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
                    noisy.add(String.format(Locale.ROOT, "%s c=%d %s (%s)", run.label(), c, CompareTable.percent(spread),
                            String.join(" vs ", rates.stream().map(CompareTable::rate).toList())));
                }
                int typicalRepeat = rs.indexOf(typical) + 1;
                points.add(new ClosedLoopPoint(c, rates, median, spread, Latency.ofNanos(typical.corrected()),
                        perThousand(cpu[k], exchanges), exchanges == 0 ? Double.NaN : genCpu / 1e3 / exchanges, invalidReason,
                        relative(hlog("closed-c" + c + "-r" + typicalRepeat))));
            }
            return points;
        }

        private List<OpenLoopPoint> openLoop(double peak) {
            List<OpenLoopPoint> points = new ArrayList<>();
            for (double fraction : settings.fractions()) {
                double rate = Math.max(1, Math.round(peak * fraction));
                step("open loop at " + CompareTable.percent(fraction) + " of peak = " + CompareTable.rate(rate) + "/s",
                        seconds(settings.duration()));
                String name = "open-" + Math.round(fraction * 100) + "pct";
                long before = process.cpuNanos();
                LoadResult result = load(LoadSpec.builder(target).open(rate).duration(settings.duration()).hlog(hlog(name)).build(),
                        "open loop " + CompareTable.percent(fraction));
                long cpu = process.cpuNanos() - before;
                points.add(new OpenLoopPoint(fraction, rate, result.achievedRate(), Latency.ofNanos(result.corrected()),
                        Latency.ofNanos(result.raw()), PercentilePoint.spectrumOfNanos(result.corrected()),
                        perThousand(cpu, result.exchanges()), result.valid() ? null : result.invalidReason(), relative(hlog(name))));
            }
            return points;
        }

        private HeldResult heldConnections() {
            step("holding " + CompareTable.rate(heldCount) + " connections for " + settings.think().toMillis() / 1000.0 + " s",
                    seconds(settings.think()) + 1 + heldCount / 5_000.0);
            long rssBefore = process.rssBytes();
            Sampler sampler = new Sampler(process);
            Thread t = Thread.ofPlatform().daemon().name("rss-sampler-" + run.label()).start(sampler);
            String name = "held-" + heldCount;
            LoadResult result;
            try {
                result = load(LoadSpec.builder(target).held(heldCount).thinkTime(settings.think()).hlog(hlog(name)).build(), "held connections",
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

        private LoadResult load(LoadSpec spec, String what) {
            return load(spec, what, settings.exchangeTimeout());
        }

        /** One load run with the settings every run shares; errors are added to the server's count. */
        private LoadResult load(LoadSpec spec, String what, Duration timeout) {
            // The server was warmed up once; a per-run warm-up would burn CPU that the server
            // CPU figures (measured around the whole run) would count without its exchanges.
            LoadSpec s = spec.toBuilder().exchangeTimeout(timeout).warmup(Duration.ZERO).build();
            LoadResult result;
            try {
                result = LoadGenerator.run(s, ProgressListener.NONE);
            } catch (UnreachableTargetException e) {
                throw new ServerDied(what + ": " + e.getMessage() + serverState());
            }
            if (!what.equals("warm-up")) {
                for (Map.Entry<ErrorKind, Long> e : result.errors().entrySet()) {
                    errors.merge(e.getKey().key(), e.getValue(), Long::sum);
                }
                if (!result.valid()) {
                    invalid.add(run.label() + " " + what);
                    if (invalidExample == null) {
                        invalidExample = run.label() + " " + what + ": " + result.invalidReason();
                    }
                }
            }
            if (!process.isAlive()) {
                throw new ServerDied("exited during " + what + serverState());
            }
            return result;
        }

        private String serverState() {
            if (process.isAlive()) {
                return "";
            }
            return " (server exited; its stderr: " + process.stderrTail(3) + ")";
        }

        private void step(String what, double plannedSeconds) {
            err.println(prefix + what + " · about " + clock(timeLeft.left()) + " left");
            err.flush();
            timeLeft.planned(plannedSeconds);
        }

        private Path hlog(String workload) {
            return dir.resolve("hlog").resolve(run.fileLabel() + "-" + workload + ".hlog");
        }

        private String relative(Path file) {
            return dir.relativize(file).toString();
        }
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

    /**
     * Time left: the plan's remaining seconds, scaled by how the run has kept to the plan so far
     * (start-up, JIT and connection ramp take longer on a busy machine than the plan assumes).
     */
    private static final class TimeLeft {
        private final double total;
        private final long startNanos = System.nanoTime();
        private double plannedDone;
        private double plannedCurrent;

        TimeLeft(double total) {
            this.total = total;
        }

        void planned(double seconds) {
            plannedDone += plannedCurrent;
            plannedCurrent = seconds;
        }

        /** Called when a server is done, so a server that failed early does not skew the plan. */
        void serverDone(int servers, double perServer) {
            plannedDone = servers * perServer;
            plannedCurrent = 0;
        }

        double left() {
            double elapsed = (System.nanoTime() - startNanos) / 1e9;
            double remaining = Math.max(0, total - plannedDone);
            double pace = plannedDone > 5 ? Math.min(3, Math.max(0.5, elapsed / plannedDone)) : 1;
            return remaining * pace;
        }
    }

    /** A server that exited or stopped answering; ends that server's measurement, not the run. */
    private static final class ServerDied extends RuntimeException {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        ServerDied(String message) {
            super(message, null, false, false);
        }
    }

    private static double perThousand(long cpuNanos, long exchanges) {
        return exchanges == 0 || cpuNanos < 0 ? Double.NaN : cpuNanos / 1e6 / exchanges * 1_000;
    }

    private static double seconds(Duration d) {
        return CompareSettings.seconds(d);
    }

    static double median(List<Double> values) {
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

    /** {@code 2m10s}, {@code 45s}. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? s / 60 + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
    }

    private static String firstLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() ? "unknown" : lines.get(0).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // Not Linux.
        }
        return System.getProperty("os.arch");
    }

    private static long memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux.
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** The commit the jar was built from, when run from a checkout; "unknown" otherwise. */
    private static String gitCommit() {
        try {
            Process p = new ProcessBuilder("git", "describe", "--always", "--dirty").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && !v.isEmpty() ? v : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static String pythonVersion(String python) {
        try {
            Process p = new ProcessBuilder(python, "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return v + " (" + python + ")";
        } catch (IOException e) {
            return python;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return python;
        }
    }
}
