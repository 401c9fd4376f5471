package io.greetbench.gate;

import io.greetbench.capacity.CapacitySettings;
import io.greetbench.capacity.Slo;
import io.greetbench.harness.BadInputException;
import io.greetbench.harness.ServerKind;
import io.greetbench.loadgen.LoadSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Every setting of a server gate, validated before anything runs: a bad value is a
 * {@link BadInputException} that names its flag. The defaults are the named constants below;
 * {@code greetbench gate --help} shows them from here.
 *
 * @param servers       the servers to gate, in the order rows are reported (duplicates dropped)
 * @param workloads     the loads each server is gated under
 * @param capacitySlo   the latency objective of the capacity search that an {@code open:<percent>%cap}
 *                      workload's rate is a share of (unused without one)
 * @param budget        the time for all rounds of all servers
 * @param threshold     the verdict line of exchanges/s and CPU per exchange as a fraction (0.05 = 5%)
 * @param latencyThreshold the verdict line of the open loop's p99 latency: the slowdown allowed
 * @param confidence    the two-sided confidence level of the intervals; 1 − confidence is also
 *                      the family-wise false-alarm rate of the whole gate
 * @param round         measured load per side per round
 * @param slice         the length of one turn within a round; the sides alternate A B B A
 * @param warmup        unmeasured load per side on each fresh server; empty for each server's
 *                      own default ({@link #warmupFor})
 * @param minRounds     rounds before any verdict other than inconclusive
 * @param maxRounds     rounds after which a server stops even if undecided
 * @param baselineArgs  extra {@code serve} options for the baseline's servers only
 * @param candidateArgs extra {@code serve} options for the candidate's servers only
 * @param seed          seeds the order of sides and servers; reported so a run can be replayed
 */
public record GateSettings(List<ServerKind> servers, List<GateWorkload> workloads, Slo capacitySlo, Duration budget,
                           double threshold, double latencyThreshold, double confidence, Duration round, Duration slice,
                           Optional<Duration> warmup, int minRounds, int maxRounds,
                           List<String> baselineArgs, List<String> candidateArgs, long seed) {

    /** Every server greetbench ships. */
    public static final List<ServerKind> DEFAULT_SERVERS = List.of(ServerKind.values());
    /** The load generator's own default: enough connections to keep a server busy on every core. */
    public static final GateWorkload DEFAULT_WORKLOAD = GateWorkload.closed(LoadSpec.DEFAULT_CONNECTIONS);
    /**
     * The open-loop point's rate as a share of the baseline's closed-loop rate on the same server.
     * A third of the capacity leaves room for a candidate that is a good deal slower to still keep
     * the schedule, so its p99 measures waiting in the server, not a queue that grows without end;
     * and enough load that the server is busy. When the closed loop is limited by the generator (2
     * CPUs) the real capacity is higher still, so the point is more comfortable, never less.
     */
    public static final double DEFAULT_OPEN_SHARE = 0.35;
    /**
     * The SLO of the capacity search behind {@code open:<percent>%cap}: the capacity module's own
     * default, so the gate's capacity reads like {@code greetbench capacity}'s and compare's.
     */
    public static final Slo DEFAULT_CAPACITY_SLO = CapacitySettings.DEFAULT_SLO;
    /** Throughput and CPU under the closed loop, then CPU and tail latency at a comfortable fixed rate. */
    public static final List<GateWorkload> DEFAULT_WORKLOADS = List.of(DEFAULT_WORKLOAD, GateWorkload.openShare(DEFAULT_OPEN_SHARE));
    /**
     * Room for the default workloads' rounds of all three servers: a round measures every workload on
     * the same two fresh JVMs, and an unchanged build passes at the first look (4 rounds) in most
     * runs; the time per round is in docs/gate.md.
     */
    public static final Duration DEFAULT_BUDGET = Duration.ofMinutes(5);
    /** The verdict line: with intervals at most ±5% wide, a 10% slowdown lies entirely beyond it. */
    public static final double DEFAULT_THRESHOLD = 0.05;
    /**
     * The p99 slowdown allowed. To be measured: the coordinator sets it from the A/A spread on a
     * quiet machine. Why 20% to start: the per-round p99 of a side comes from a few thousand
     * exchanges, so about 1% of them (some 30–90) lie above it and that count varies by ±√count,
     * ±10–20%; how much latency that moves depends on the tail's shape, ±3% for an exponential tail
     * and about ±7% for a heavy (Pareto 2) one, per side, and the log ratio of two sides has √2
     * times that, before any noise of the machine: about 10% per round. At the first look (4 rounds,
     * t = 3.18 at 95%) that gives an interval of about ±16%, inside a 20% line, so an unchanged
     * build passes at once; a delay of 5 ms on 2% of the exchanges moves the p99 by a factor of
     * several, far beyond it.
     */
    public static final double DEFAULT_LATENCY_THRESHOLD = 0.20;
    public static final double DEFAULT_CONFIDENCE = 0.95;
    public static final Duration DEFAULT_ROUND = Duration.ofSeconds(3);
    /** Short enough that both sides see the same machine, long enough that a run's start-up is noise. */
    public static final Duration DEFAULT_SLICE = Duration.ofMillis(500);
    public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(2);
    /**
     * Netty's pipeline takes the JIT longer: measured with load-c in 1 s steps on a fresh server,
     * its CPU per exchange went 402, 163, 132, 69, 48, 37 µs and then stayed near 37-40. Measured
     * after 2 s, every round caught it at a different point of that curve (51-79 µs per JVM).
     */
    public static final Duration NETTY_WARMUP = Duration.ofSeconds(6);
    /** The sides warm up in turns this long, A B B A like the measurement. */
    public static final Duration WARMUP_TURN = Duration.ofSeconds(1);
    /**
     * After the capacity search of a server's first round, both sides warm up again this long each
     * (in turns, A B B A), at most as long as their own warm-up: the candidate idled through the
     * search while the baseline was driven past its knee, and neither should come to the
     * measurement from a state the other did not share. Not the whole warm-up again: the JIT is
     * already warm on both sides, only the last seconds of load differ.
     */
    public static final Duration AFTER_CAPACITY_WARMUP = Duration.ofSeconds(2);
    /**
     * The first look at the intervals. Two rounds are the least that give an interval, but its t
     * quantile (12.7 at 95%) makes it useless, and a lucky pair must not end the run; at four
     * (3.18) most calibration runs decided at this first look (docs/gate.md).
     */
    public static final int DEFAULT_MIN_ROUNDS = 4;
    /**
     * A backstop for long budgets. Every round from {@link #DEFAULT_MIN_ROUNDS} on is a look, and
     * the family-wise correction splits the false-alarm rate over all planned looks (12 at these
     * defaults), so a higher maximum makes every regression harder to prove. With three servers the
     * default budget ends a run first (about 4–6 rounds each); one server alone reaches about 15 in
     * it. Beyond 15 rounds an interval narrows by little (as 1/√rounds).
     */
    public static final int DEFAULT_MAX_ROUNDS = 15;

    public GateSettings {
        servers = List.copyOf(new LinkedHashSet<>(servers));
        workloads = List.copyOf(new LinkedHashSet<>(workloads));
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(capacitySlo, "--capacity-slo");
        baselineArgs = List.copyOf(baselineArgs);
        candidateArgs = List.copyOf(candidateArgs);
        if (servers.isEmpty()) {
            throw new BadInputException("--servers needs at least one server (" + ServerKind.names() + ")");
        }
        if (workloads.isEmpty()) {
            throw new BadInputException("--workload needs at least one workload");
        }
        requirePositive("--budget", budget);
        requireFraction("--threshold", threshold);
        requireFraction("--latency-threshold", latencyThreshold);
        requireFraction("--confidence", confidence);
        requirePositive("--round", round);
        requirePositive("--slice", slice);
        if (slice.compareTo(round) > 0) {
            throw new BadInputException("--slice must be at most --round (" + millis(round) + "), got " + millis(slice));
        }
        if (warmup.isPresent() && warmup.get().isNegative()) {
            throw new BadInputException("--warmup must be >= 0, got " + millis(warmup.get()));
        }
        GateWorkload relative = workloads.stream().filter(w -> w.basis() == GateWorkload.Basis.CLOSED_LOOP).findFirst().orElse(null);
        if (relative != null && workloads.stream().noneMatch(w -> !w.open())) {
            throw new BadInputException("--workload " + relative.name()
                    + " is a share of the closed loop's rate and needs a closed:<connections> workload too");
        }
        if (minRounds < 2) {
            throw new BadInputException("--min-rounds must be at least 2 (an interval needs two rounds), got " + minRounds);
        }
        if (maxRounds < minRounds) {
            throw new BadInputException("--max-rounds must be at least --min-rounds (" + minRounds + "), got " + maxRounds);
        }
    }

    /** {@link #warmup} when given, else the server's own: netty's JIT needs longer. */
    public Duration warmupFor(ServerKind kind) {
        return warmup.orElse(kind == ServerKind.NETTY ? NETTY_WARMUP : DEFAULT_WARMUP);
    }

    /**
     * The capacity search behind {@code open:<percent>%cap}: the capacity module's quick profile (1 s
     * steps after 500 ms lead-in, a 25% bracket, at most 12 steps; about 20 s a server, to be
     * measured) at {@link #capacitySlo}. Why not shorter: the search's steps are already as short as
     * give a p99 from thousands of exchanges at a fast server's knee, and the rate is then a share
     * of it, so a 25% bracket is ample; the default search (3 s steps, a 10% bracket, about 50 s)
     * would spend a sixth of the default budget per server for precision the share does not need.
     */
    public CapacitySettings capacitySearch() {
        return CapacitySettings.quick().withSlo(capacitySlo);
    }

    /** Whether some workload's rate is a share of the baseline's capacity, so that a search runs. */
    public boolean needsCapacity() {
        return workloads.stream().anyMatch(w -> w.basis() == GateWorkload.Basis.CAPACITY);
    }

    /** {@link #AFTER_CAPACITY_WARMUP}, or less when the server's own warm-up is shorter (none when none). */
    static Duration afterCapacityWarmup(Duration serverWarmup) {
        return serverWarmup.compareTo(AFTER_CAPACITY_WARMUP) < 0 ? serverWarmup : AFTER_CAPACITY_WARMUP;
    }

    /** Planned looks per row: every round from {@link #minRounds} to {@link #maxRounds}. */
    public int looks() {
        return maxRounds - minRounds + 1;
    }

    /** A seed for a run that was given none: different every run, and reported. */
    public static long randomSeed() {
        return System.nanoTime() ^ ProcessHandle.current().pid();
    }

    /**
     * {@code 5%} or {@code 0.05} as a fraction; the range is checked by the setting that uses it.
     *
     * @throws IllegalArgumentException when the text is not a number, with or without {@code %}
     */
    public static double parsePercent(String text) {
        String t = text.trim();
        try {
            return t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100 : Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a percentage such as 5% or a fraction such as 0.05, got '" + text + "'");
        }
    }

    /** A fraction as a percentage with no trailing zeros: 0.05 is {@code 5%}, 0.975 {@code 97.5%}. */
    public static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.4g%%", fraction * 100).replaceAll("\\.?0+%$", "%");
    }

    /**
     * Splits extra {@code serve} options such as {@code --handler cpu:5 --io-threads 2} on white
     * space, as a shell would; quotes group words. Null is no options.
     *
     * @throws BadInputException naming {@code option} when a quote is not closed
     */
    public static List<String> splitArgs(String option, String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
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
            throw new BadInputException(option + ": unbalanced quote in '" + text + "'");
        }
        if (inWord) {
            out.add(word.toString());
        }
        return out;
    }

    private static void requirePositive(String option, Duration d) {
        Objects.requireNonNull(d, option);
        if (d.isNegative() || d.isZero()) {
            throw new BadInputException(option + " must be > 0, got " + millis(d));
        }
    }

    /** A threshold or confidence level, which {@link JmhGate} checks the same way. */
    static void requireFraction(String option, double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new BadInputException(option + " must be between 0% and 100% (exclusive), got " + percent(fraction));
        }
    }

    private static String millis(Duration d) {
        return d.toMillis() + " ms";
    }
}
