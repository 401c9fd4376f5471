package io.greetbench.gate;

import io.greetbench.harness.ToolFailureException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import io.greetbench.harness.GreetbenchException;

/**
 * The gate's method: randomized, interleaved, paired rounds, repeated until every metric has a
 * verdict or the time budget is spent.
 *
 * <p>A round measures each undecided server once per side, baseline and candidate close together,
 * with a random side first (so neither side always runs first, on a machine that is warmer or
 * cooler); how the two sides share the round is the {@link Measurer}'s business. The ratio of the
 * two sides' figures in one round cancels the drift of a shared machine over the job, which is
 * what makes numbers from the same job comparable when numbers from another job are not. After {@code minRounds}, a server stops as soon as both
 * its metrics have a verdict; a round is started only when the time it is expected to take (the
 * mean of that server's previous rounds) still fits in the budget.
 *
 * <p>Checking after every round is sequential testing, which raises the chance of a wrong verdict
 * above the nominal 1 − confidence; the gate keeps that small by deciding against a line at the
 * threshold, while the slowdowns it must catch lie well beyond it (see {@code docs/gate.md}), and
 * the calibration script measures the real false-alarm rate.
 *
 * <p>Threading: confined to the calling thread; the {@link Measurer} runs on it.
 */
public final class GateRounds {

    public enum Side { BASELINE, CANDIDATE }

    /** One side's figures in one round. */
    public record Sample(double exchangesPerSecond, double serverCpuNanosPerExchange) {
    }

    /** Both sides' figures in one round of one server. */
    public record RoundSamples(Sample baseline, Sample candidate) {
    }

    /**
     * Measures one round of one server, both sides, starting with {@code first}; throws
     * {@link GreetbenchException} when it cannot.
     */
    @FunctionalInterface
    public interface Measurer {
        RoundSamples measure(String server, int round, Side first);
    }

    /**
     * @param servers    the servers to gate, in the order rows are reported
     * @param budget     the time for all rounds of all servers
     * @param minRounds  rounds before any verdict other than inconclusive
     * @param maxRounds  rounds after which a server stops even if undecided
     * @param threshold  the verdict line as a fraction
     * @param confidence the two-sided confidence level of the intervals
     * @param seed       seeds the order of sides and servers, reported so a run can be replayed
     */
    public record Settings(List<String> servers, Duration budget, int minRounds, int maxRounds,
                    double threshold, double confidence, long seed) {
        public Settings {
            servers = List.copyOf(servers);
            Objects.requireNonNull(budget, "budget");
            if (servers.isEmpty()) {
                throw new IllegalArgumentException("no servers to gate");
            }
            if (minRounds < 2 || maxRounds < minRounds) {
                throw new IllegalArgumentException("need 2 <= minRounds <= maxRounds, got " + minRounds + ", " + maxRounds);
            }
        }
    }

    /** One server's round: both sides' samples, which ran first, and how long it took. */
    record RoundRecord(String server, int round, Side first, Sample baseline, Sample candidate, Duration took) {
    }

    /**
     * @param rows            one per server × metric, in the order of {@code servers}
     * @param rounds          every round in the order it ran
     * @param elapsed         wall time of all rounds
     * @param budgetExhausted true when some server stopped undecided because the budget ran out
     */
    public record Outcome(List<GateRow> rows, List<RoundRecord> rounds, Duration elapsed, boolean budgetExhausted) {
        public GateVerdict verdict() {
            return GateVerdict.combine(rows.stream().map(GateRow::verdict).toList());
        }
    }

    static final String THROUGHPUT = "exchanges/s";
    static final String SERVER_CPU = "server CPU/exchange";

    private final Settings settings;
    private final Measurer measurer;
    private final LongSupplier nanoClock;
    private final Consumer<String> progress;

    public GateRounds(Settings settings, Measurer measurer, LongSupplier nanoClock, Consumer<String> progress) {
        this.settings = settings;
        this.measurer = measurer;
        this.nanoClock = nanoClock;
        this.progress = progress;
    }

    public Outcome run() {
        Random random = new Random(settings.seed());
        long start = nanoClock.getAsLong();
        long budgetNanos = settings.budget().toNanos();
        Map<String, List<RoundRecord>> byServer = new LinkedHashMap<>();
        for (String server : settings.servers()) {
            byServer.put(server, new ArrayList<>());
        }
        List<RoundRecord> all = new ArrayList<>();
        List<String> undecided = new ArrayList<>(settings.servers());
        boolean budgetExhausted = false;
        for (int round = 1; !undecided.isEmpty(); round++) {
            List<String> order = new ArrayList<>(undecided);
            Collections.shuffle(order, random);
            for (String server : order) {
                List<RoundRecord> done = byServer.get(server);
                // Two rounds are the least that gives an interval; they run even past the budget.
                if (done.size() >= 2 && !fits(done, nanoClock.getAsLong() - start, budgetNanos)) {
                    undecided.remove(server);
                    budgetExhausted = true;
                    progress.accept(server + ": budget spent after " + done.size() + " rounds");
                    continue;
                }
                RoundRecord record = measureRound(server, round, random);
                done.add(record);
                all.add(record);
                progress.accept(describe(record, nanoClock.getAsLong() - start, budgetNanos));
                if (done.size() >= settings.minRounds() && decided(server, done)) {
                    undecided.remove(server);
                } else if (done.size() >= settings.maxRounds()) {
                    undecided.remove(server);
                    progress.accept(server + ": undecided after the maximum of " + settings.maxRounds() + " rounds");
                }
            }
        }
        List<GateRow> rows = new ArrayList<>();
        for (Map.Entry<String, List<RoundRecord>> e : byServer.entrySet()) {
            rows.addAll(rows(e.getKey(), e.getValue()));
        }
        return new Outcome(rows, all, Duration.ofNanos(nanoClock.getAsLong() - start), budgetExhausted);
    }

    private RoundRecord measureRound(String server, int round, Random random) {
        Side first = random.nextBoolean() ? Side.BASELINE : Side.CANDIDATE;
        long t0 = nanoClock.getAsLong();
        RoundSamples samples = measurer.measure(server, round, first);
        Duration took = Duration.ofNanos(nanoClock.getAsLong() - t0);
        return new RoundRecord(server, round, first, samples.baseline(), samples.candidate(), took);
    }

    private static boolean fits(List<RoundRecord> done, long elapsedNanos, long budgetNanos) {
        long mean = (long) done.stream().mapToLong(r -> r.took().toNanos()).average().orElse(0);
        return elapsedNanos + mean <= budgetNanos;
    }

    private boolean decided(String server, List<RoundRecord> done) {
        return rows(server, done).stream().allMatch(r -> r.verdict() != GateVerdict.INCONCLUSIVE);
    }

    /** The server's two rows; a server with fewer than {@code minRounds} rounds is inconclusive. */
    List<GateRow> rows(String server, List<RoundRecord> done) {
        if (done.size() < 2) {
            throw new ToolFailureException(server + ": fewer than 2 rounds measured");
        }
        double[] baseTput = done.stream().mapToDouble(r -> r.baseline().exchangesPerSecond()).toArray();
        double[] candTput = done.stream().mapToDouble(r -> r.candidate().exchangesPerSecond()).toArray();
        double[] baseCpu = done.stream().mapToDouble(r -> r.baseline().serverCpuNanosPerExchange() / 1_000).toArray();
        double[] candCpu = done.stream().mapToDouble(r -> r.candidate().serverCpuNanosPerExchange() / 1_000).toArray();
        GateRow tput = GateRow.of(server, THROUGHPUT, "exchanges/s", GateVerdict.Better.HIGHER, true,
                baseTput, candTput, settings.threshold(), settings.confidence());
        GateRow cpu = GateRow.of(server, SERVER_CPU, "µs", GateVerdict.Better.LOWER, true,
                baseCpu, candCpu, settings.threshold(), settings.confidence());
        if (done.size() < settings.minRounds()) {
            tput = tput.withVerdict(GateVerdict.INCONCLUSIVE);
            cpu = cpu.withVerdict(GateVerdict.INCONCLUSIVE);
        }
        return List.of(tput, cpu);
    }

    private String describe(RoundRecord r, long elapsedNanos, long budgetNanos) {
        return String.format(Locale.ROOT,
                "%s round %d (%s first): baseline %.0f ex/s %.1f µs CPU, candidate %.0f ex/s %.1f µs CPU; %ds of %ds",
                r.server(), r.round(), r.first().name().toLowerCase(Locale.ROOT),
                r.baseline().exchangesPerSecond(), r.baseline().serverCpuNanosPerExchange() / 1_000,
                r.candidate().exchangesPerSecond(), r.candidate().serverCpuNanosPerExchange() / 1_000,
                elapsedNanos / 1_000_000_000L, budgetNanos / 1_000_000_000L);
    }
}
