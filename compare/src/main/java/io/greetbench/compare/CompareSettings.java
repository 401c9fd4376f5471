package io.greetbench.compare;

import io.greetbench.capacity.CapacitySettings;
import io.greetbench.harness.BadInputException;
import io.greetbench.harness.ComparedServer;
import io.greetbench.harness.CpuBudget;
import io.greetbench.harness.CpuPlacement;
import io.greetbench.harness.CpuQuota;
import io.greetbench.harness.ServerCpus;
import io.greetbench.loadgen.LoadSpec;
import io.greetbench.protocol.ConfigException;
import io.greetbench.protocol.HandlerWork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * Every setting of a compare run, with its defaults as named constants. The compact constructor
 * validates every field and names the option to fix, so a mistake is reported before any server
 * starts.
 *
 * @param profile          the size the workload settings below come from unless overridden
 * @param handlers         the simulated work each exchange does on the server; each server that
 *                         takes a handler is measured once per entry
 * @param warmup           the most unrecorded closed-loop load after each server starts, so the JIT
 *                         has compiled the hot paths before anything is measured; it stops sooner
 *                         once the server is steady ({@link #warmUpRule()}); zero skips it, and
 *                         with it the fallback rate basis for a server whose capacity is unknown
 * @param duration         each recorded closed-loop and open-loop run
 * @param repeats          rounds through the whole lineup: each closed-loop point runs once per
 *                         round; the median is quoted
 * @param openLoopRepeats  how many of those rounds also run each open-loop point, from the first
 * @param concurrencies    closed loop: exchanges in flight, one point each
 * @param fractions        open loop: rates as fractions of the server's rate basis, its capacity
 * @param capacity         the capacity search each server gets before the rounds ({@code --slo},
 *                         {@code --capacity-steps}, {@code --capacity-step-duration}); its result
 *                         is the open loop's rate basis
 * @param held             connections to hold open at once
 * @param think            how long they stay open and idle
 * @param exchangeTimeout  the most one exchange may take before it counts as an error
 * @param noiseThreshold   repeats whose (max - min) / median is above this are flagged as noisy
 * @param servers          the built-in servers, in order: names from
 *                         {@link ComparedServer#GREETBENCH_SERVERS} and {@link ComparedServer#ASYNCIO}
 * @param serversGiven     whether the user chose {@code servers}: the default lineup leaves the
 *                         asyncio peer out, with a note, when {@code python3} is absent, while
 *                         naming it makes {@code python3} a requirement
 * @param externals        external servers by name: shell commands with {@code {port}}, in order
 * @param pinning          whether server and generator run on separate CPUs
 * @param serverCpus       which CPUs the server gets when pinned; the generator gets the rest
 * @param serverCpuQuota   the CPU time the server may use when pinned ({@link CpuBudget}), or none
 * @param seed             shuffles the order of the lineup in each round; recorded so a run's
 *                         order can be repeated
 * @param cpuProfile       after the measured workloads, profile each Java server in a run of its
 *                         own ({@link CpuProfileRun}), whose figures stay out of the table
 */
public record CompareSettings(CompareProfile profile, List<HandlerWork> handlers, Duration warmup, Duration duration, int repeats,
                              int openLoopRepeats, List<Integer> concurrencies, List<Double> fractions, CapacitySettings capacity, int held,
                              Duration think,
                              Duration exchangeTimeout, double noiseThreshold, List<String> servers, boolean serversGiven,
                              Map<String, String> externals, Pinning pinning, ServerCpus serverCpus, CpuQuota serverCpuQuota, long seed,
                              boolean cpuProfile) {

    public static final CompareProfile DEFAULT_PROFILE = CompareProfile.QUICK;
    /** Every built-in server, the asyncio peer last. */
    public static final List<String> DEFAULT_SERVERS = defaultServers();
    public static final Pinning DEFAULT_PINNING = Pinning.AUTO;
    /** The first half of the CPUs for the server, the rest for the generator. */
    public static final ServerCpus DEFAULT_SERVER_CPUS = ServerCpus.HALF;
    /**
     * Half a CPU of time for the server. On a 2-CPU machine the generator, on its one CPU, spends
     * 40-65 µs per exchange while a fast server (greet-c) spends 25-35 µs, so without a quota the
     * generator saturates first and the figure is the generator's. At 0.5 CPU even greet-c tops
     * out near 14-17k/s, where the generator needs about 0.6-0.7 of its CPU: the server is the
     * limit. On bigger machines the generator has more CPUs and the same quota keeps it so.
     */
    public static final CpuQuota DEFAULT_SERVER_CPU_QUOTA = new CpuQuota(0.5);
    /** The generator's own default: a greeting takes microseconds, so 2 s is a stall, not a slow reply. */
    public static final Duration DEFAULT_EXCHANGE_TIMEOUT = LoadSpec.DEFAULT_EXCHANGE_TIMEOUT;
    /**
     * Repeats that spread more than 10% are flagged: on a quiet machine they agree within a few
     * percent, so a wider spread means something else competed for the CPUs.
     */
    public static final int DEFAULT_NOISE_PERCENT = 10;
    public static final double DEFAULT_NOISE_THRESHOLD = DEFAULT_NOISE_PERCENT / 100.0;
    /**
     * Warm-up slices: long enough that the server's CPU, read in 10 ms clock ticks, resolves a few
     * percent, short enough that the warm-up stops within a second of the server being steady.
     */
    public static final Duration WARMUP_SLICE = Duration.ofSeconds(1);
    /** Two consecutive warm-up slices whose CPU per exchange agree within 10% mean a steady server. */
    public static final double WARMUP_STEADY_TOLERANCE = 0.10;

    /** No profiled runs unless asked: they add a JVM start, a warm-up and a run per Java server. */
    public static final boolean DEFAULT_CPU_PROFILE = false;

    /** What an external server may be called: it becomes part of file names. */
    private static final Pattern EXTERNAL_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,40}");

    /** The profile's workload with every other setting at its default. */
    public static CompareSettings of(CompareProfile profile, List<HandlerWork> handlers) {
        return new CompareSettings(profile, handlers, profile.warmup(), profile.duration(), profile.repeats(), profile.openLoopRepeats(),
                profile.concurrencies(), profile.fractions(), profile.capacity(), profile.held(), profile.think(), DEFAULT_EXCHANGE_TIMEOUT,
                DEFAULT_NOISE_THRESHOLD, DEFAULT_SERVERS, false, Map.of(), DEFAULT_PINNING, DEFAULT_SERVER_CPUS, DEFAULT_SERVER_CPU_QUOTA,
                randomSeed(), DEFAULT_CPU_PROFILE);
    }

    public CompareSettings {
        handlers = List.copyOf(handlers);
        if (handlers.isEmpty() || handlers.stream().distinct().count() != handlers.size()) {
            throw invalid("--handler", "needs one or more different values, got " + handlers);
        }
        if (warmup.isNegative()) {
            throw invalid("--warmup", "must be >= 0, got " + warmup);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw invalid("--duration", "must be > 0, got " + duration);
        }
        if (repeats < 1 || repeats > 100) {
            throw invalid("--repeats", "must be between 1 and 100, got " + repeats);
        }
        if (openLoopRepeats < 1 || openLoopRepeats > repeats) {
            throw invalid("--open-loop-repeats", "must be between 1 and the rounds (--repeats " + repeats + "), got " + openLoopRepeats);
        }
        concurrencies = List.copyOf(concurrencies);
        fractions = List.copyOf(fractions);
        if (concurrencies.isEmpty() || concurrencies.stream().anyMatch(c -> c < 1 || c > 10_000)) {
            throw invalid("--concurrency", "needs one or more values between 1 and 10000, got " + concurrencies);
        }
        if (fractions.stream().anyMatch(f -> !(f > 0) || f > 1)) {
            throw invalid("--open-loop", "percentages of the capacity must be above 0 and at most 100, got " + fractions);
        }
        Objects.requireNonNull(capacity, "capacity");
        if (held < 0) {
            throw invalid("--held", "must be >= 0 (0 skips the held-connection workload), got " + held);
        }
        if (think.isNegative()) {
            throw invalid("--think", "must be >= 0, got " + think);
        }
        if (exchangeTimeout.isNegative() || exchangeTimeout.isZero()) {
            throw invalid("--timeout", "must be > 0, got " + exchangeTimeout);
        }
        if (!(noiseThreshold > 0)) {
            throw invalid("--noise-threshold", "must be above 0%, got " + noiseThreshold);
        }
        List<Integer> allowed = CpuPlacement.allowedAtStart();
        if (pinning == Pinning.AUTO && allowed.size() >= 2) {
            ServerCpus.ServerCpusChoice choice = serverCpus.choose(allowed);
            if (choice.refusal().isPresent()) {
                throw new BadInputException(choice.refusal().get());
            }
            if (serverCpuQuota.cpus() > choice.cpus().size()) {
                throw invalid("--server-cpu-quota", "of " + serverCpuQuota + " CPU is more than the " + choice.cpus().size()
                        + " CPU(s) the server may run on (--server-cpus " + serverCpus + ")");
            }
        }
        servers = builtInServers(servers);
        externals = externalServers(externals);
        if (servers.isEmpty() && externals.isEmpty()) {
            throw invalid("--servers", "names nothing to compare");
        }
        List<String> names = new ArrayList<>(servers);
        names.addAll(externals.keySet());
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw invalid("--servers and --external", "name '" + name + "' twice");
            }
        }
    }

    /** Trimmed, blanks dropped ({@code --servers ""} measures the external servers only), each one known. */
    private static List<String> builtInServers(List<String> names) {
        List<String> servers = names.stream().map(String::trim).filter(n -> !n.isEmpty()).toList();
        for (String name : servers) {
            if (!name.equals(ComparedServer.ASYNCIO) && !ComparedServer.GREETBENCH_SERVERS.contains(name)) {
                throw invalid("--servers", "does not know '" + name + "' (expected " + String.join(", ", ComparedServer.GREETBENCH_SERVERS)
                        + " or " + ComparedServer.ASYNCIO + "; use --external for others)");
            }
        }
        return servers;
    }

    private static Map<String, String> externalServers(Map<String, String> given) {
        for (Map.Entry<String, String> e : given.entrySet()) {
            if (!EXTERNAL_NAME.matcher(e.getKey()).matches()) {
                throw invalid("--external", "name '" + e.getKey() + "' must be 1-40 letters, digits, '.', '_' or '-'");
            }
            if (!e.getValue().contains("{port}")) {
                throw invalid("--external", e.getKey() + ": the command must contain {port}, got '" + e.getValue() + "'");
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(given));
    }

    /**
     * The constant of a closed choice whose {@code toString()} is {@code text}, in any case; a
     * {@link ConfigException}, which picocli reports as a bad value, names the option and the choices.
     */
    static <E extends Enum<E>> E choice(E[] values, String option, String text) {
        for (E value : values) {
            if (value.toString().equalsIgnoreCase(text.trim())) {
                return value;
            }
        }
        throw new ConfigException(option, "must be " + String.join(" or ", Arrays.stream(values).map(E::toString).toList())
                + ", got '" + text + "'");
    }

    private static BadInputException invalid(String option, String rule) {
        return new BadInputException(option + " " + rule);
    }

    private static List<String> defaultServers() {
        List<String> all = new ArrayList<>(ComparedServer.GREETBENCH_SERVERS);
        all.add(ComparedServer.ASYNCIO);
        return List.copyOf(all);
    }

    /**
     * A seed for a run that was given none: different every run, and recorded; below 2^53 so that
     * a JSON reader holding numbers as doubles (JavaScript's) reads it exactly.
     */
    public static long randomSeed() {
        return new SplittableRandom().nextLong(1L << 53);
    }

    /**
     * When a server's warm-up stops: 1 s slices, or half the cap when the cap is shorter so that
     * slices can still be compared; the profile's minimum, or the cap when that is shorter.
     * Meaningless when {@link #warmup} is zero, which skips the warm-up.
     */
    WarmUpRule warmUpRule() {
        Duration half = warmup.dividedBy(2);
        Duration slice = half.compareTo(WARMUP_SLICE) < 0 && !half.isZero() ? half : WARMUP_SLICE;
        Duration min = profile.warmupMin().compareTo(warmup) < 0 ? profile.warmupMin() : warmup;
        return new WarmUpRule(slice, min, warmup, WARMUP_STEADY_TOLERANCE);
    }

    /**
     * Seconds one server takes, start-up and shut-down included, for the time-left estimate: the
     * warm-up at its cap and the capacity search at its step limit (the run's estimate shrinks as
     * they stop sooner), every round's closed-loop and open-loop runs with about 0.3 s each to set
     * up, and the held connections.
     */
    public double plannedSecondsPerServer() {
        double run = seconds(duration) + RUN_OVERHEAD_SECONDS;
        double s = 2 + seconds(warmup) + plannedCapacitySeconds() + repeats * concurrencies.size() * run
                + openLoopRepeats * fractions.size() * run;
        if (held > 0) {
            s += seconds(think) + 1 + held / 5_000.0;
        }
        return s + plannedProfileSeconds();
    }

    /**
     * The profiled run of a Java server, 0 without {@code --cpu-profile}: a JVM start, the
     * warm-up at its cap, the run, and writing and reading the recording.
     */
    double plannedProfileSeconds() {
        return cpuProfile ? 2 + seconds(warmup) + seconds(profile.cpuProfileDuration()) + RUN_OVERHEAD_SECONDS + 1 : 0;
    }

    /** The capacity search at its step limit: each step its warm-up, its recorded window and the set-up of a run. */
    double plannedCapacitySeconds() {
        return capacity.maxSteps() * (seconds(capacity.stepWarmup()) + seconds(capacity.stepDuration()) + RUN_OVERHEAD_SECONDS);
    }

    /** Setting up and tearing down one load run: threads, the first connections, reading the server's CPU. */
    static final double RUN_OVERHEAD_SECONDS = 0.3;

    /** {@code 3s}, {@code 500ms}: as the options are typed. */
    static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /**
     * For the provenance: every workload setting by name. The lineup is recorded beside it, as
     * the command each server ran with.
     */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("profile", profile.toString());
        m.put("handlers", handlers.stream().map(HandlerWork::toString).toList());
        m.put("warmup", human(warmup));
        m.put("warmup_min", human(warmUpRule().min()));
        m.put("warmup_slice", human(warmUpRule().slice()));
        m.put("warmup_steady_within", WARMUP_STEADY_TOLERANCE);
        m.put("duration", human(duration));
        m.put("repeats", repeats);
        m.put("open_loop_repeats", openLoopRepeats);
        m.put("concurrencies", concurrencies);
        m.put("open_loop_fractions", fractions);
        m.put("capacity_slo", capacity.slo().toString());
        m.put("capacity_start_rate", capacity.startRate());
        m.put("capacity_growth", capacity.growth());
        m.put("capacity_tolerance", capacity.tolerance());
        m.put("capacity_max_steps", capacity.maxSteps());
        m.put("capacity_step_duration", human(capacity.stepDuration()));
        m.put("capacity_step_warmup", human(capacity.stepWarmup()));
        m.put("held", held);
        m.put("think", human(think));
        m.put("exchange_timeout", human(exchangeTimeout));
        m.put("noise_threshold", noiseThreshold);
        m.put("pin", pinning.toString());
        m.put("server_cpus", serverCpus.toString());
        m.put("server_cpu_quota", serverCpuQuota.toString());
        m.put("cpu_budget_period", human(CpuBudget.DEFAULT_PERIOD));
        m.put("seed", seed);
        m.put("cpu_profile", cpuProfile);
        if (cpuProfile) {
            m.put("cpu_profile_duration", human(profile.cpuProfileDuration()));
        }
        return m;
    }
}
