package io.greetbench.gate;

import io.greetbench.harness.ToolFailureException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import io.greetbench.harness.GreetbenchException;

/**
 * The gate's method: randomized, interleaved, paired rounds, repeated until every row has a
 * verdict or the time budget is spent, with the false-alarm rate of the whole gate controlled.
 *
 * <p>A round measures each undecided server once per side, baseline and candidate close together,
 * with a random side first (so neither side always runs first, on a machine that is warmer or
 * cooler), every workload on the same two servers; how the two sides share the round is the
 * {@link Measurer}'s business. The ratio of the two sides' figures in one round cancels the drift
 * of a shared machine over the job, which is what makes numbers from the same job comparable when
 * numbers from another job are not. A closed-loop workload gives two rows (exchanges/s, server CPU
 * per exchange), an open-loop one gives server CPU per exchange and p99 latency (its rate is the
 * schedule's, so exchanges/s would say nothing). After {@code minRounds}, a server stops as soon as
 * all its rows have a verdict; a round is started only when the time it is expected to take (the
 * mean of that server's previous rounds) still fits in the budget.
 *
 * <p><b>Verdicts over the family.</b> Looking after every round at many rows would let noise
 * somewhere pass for a regression. A row is a regression only when Holm's procedure over all the
 * gate's rows rejects it at family-wise level 1 − confidence, each row's one-sided p-value
 * multiplied by the number of planned looks ({@link GateStatistics}); a row keeps the smallest such
 * value it reached, since a regression once proved stays proved. A row passes when its nominal
 * interval lies within the line; otherwise it is inconclusive.
 *
 * <p>Threading: confined to the calling thread; the {@link Measurer} runs on it.
 */
public final class GateRounds {

    public enum Side { BASELINE, CANDIDATE }

    /**
     * One side's figures for one workload in one round.
     *
     * @param correctedP99Nanos the 99th percentile of latency from each exchange's intended start,
     *                          from the side's slices merged into one histogram; NaN for a closed
     *                          loop, which has no schedule and is not gated on latency
     */
    public record Sample(double exchangesPerSecond, double serverCpuNanosPerExchange, double correctedP99Nanos) {
    }

    /** Both sides' figures for one workload (by name) in one round of one server. */
    public record WorkloadSamples(String workload, Sample baseline, Sample candidate) {
    }

    /**
     * Both sides' figures for every workload in one round of one server, in the settings' order.
     *
     * @param oneOff time the round spent on work the server's later rounds do not repeat (the
     *               baseline's capacity search in its first round), left out of the round's length
     *               when the gate estimates whether another round fits the budget
     */
    public record RoundSamples(List<WorkloadSamples> workloads, Duration oneOff) {
        public RoundSamples {
            workloads = List.copyOf(workloads);
            Objects.requireNonNull(oneOff, "oneOff");
        }

        /** A round with nothing one-off in it. */
        public RoundSamples(List<WorkloadSamples> workloads) {
            this(workloads, Duration.ZERO);
        }
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
     * @param servers          the servers to gate, in the order rows are reported
     * @param workloads        the workloads each round measures, in the order rows are reported
     * @param budget           the time for all rounds of all servers
     * @param minRounds        rounds before any verdict other than inconclusive
     * @param maxRounds        rounds after which a server stops even if undecided
     * @param threshold        the verdict line of exchanges/s and CPU per exchange, as a fraction
     * @param latencyThreshold the verdict line of p99 latency, as a fraction
     * @param confidence       the two-sided confidence level of the intervals; 1 − confidence is
     *                         the family-wise false-alarm rate
     * @param seed             seeds the order of sides and servers, reported so a run can be replayed
     */
    public record Settings(List<String> servers, List<GateWorkload> workloads, Duration budget, int minRounds,
                           int maxRounds, double threshold, double latencyThreshold, double confidence, long seed) {
        public Settings {
            servers = List.copyOf(servers);
            workloads = List.copyOf(workloads);
            Objects.requireNonNull(budget, "budget");
            if (servers.isEmpty()) {
                throw new IllegalArgumentException("no servers to gate");
            }
            if (workloads.isEmpty()) {
                throw new IllegalArgumentException("no workloads to gate");
            }
            if (minRounds < 2 || maxRounds < minRounds) {
                throw new IllegalArgumentException("need 2 <= minRounds <= maxRounds, got " + minRounds + ", " + maxRounds);
            }
        }

        /** Planned looks per row, over which the false-alarm rate is split. */
        int looks() {
            return maxRounds - minRounds + 1;
        }

        /** Rows of the whole gate: the family Holm's procedure runs over. */
        int rowCount() {
            return servers.size() * workloads.stream().mapToInt(w -> metricsOf(w).size()).sum();
        }

        /** How the verdicts are corrected, for the report. */
        String familyWise() {
            return String.format(Locale.ROOT, "%s for the whole gate: Holm over %d rows, each row's one-sided p-value "
                    + "× %d looks (rounds %d-%d); pass needs the %s interval within the line",
                    GateSettings.percent(1 - confidence), rowCount(), looks(), minRounds, maxRounds,
                    GateSettings.percent(confidence));
        }
    }

    /**
     * One server's round: both sides' samples per workload, which side ran first, how long it took,
     * and how much of that was one-off ({@link RoundSamples#oneOff}).
     */
    record RoundRecord(String server, int round, Side first, List<WorkloadSamples> workloads, Duration took, Duration oneOff) {
        RoundRecord {
            workloads = List.copyOf(workloads);
        }
    }

    /**
     * @param rows            one per server × workload × metric, in the order of {@code servers}
     * @param rounds          every round in the order it ran
     * @param elapsed         wall time of all rounds
     * @param budgetExhausted true when some server stopped undecided because the budget ran out
     * @param familyWise      how the verdicts were corrected for the number of rows and looks
     */
    public record Outcome(List<GateRow> rows, List<RoundRecord> rounds, Duration elapsed, boolean budgetExhausted,
                          String familyWise) {
        public GateVerdict verdict() {
            return GateVerdict.combine(rows.stream().map(GateRow::verdict).toList());
        }
    }

    static final String THROUGHPUT = "exchanges/s";
    static final String SERVER_CPU = "server CPU/exchange";
    static final String P99 = "p99 latency";

    /** What one row measures: its name, unit, direction and how to read it from a sample. */
    private enum Metric {
        EXCHANGES(THROUGHPUT, "exchanges/s", GateVerdict.Better.HIGHER),
        CPU(SERVER_CPU, "µs", GateVerdict.Better.LOWER),
        LATENCY(P99, "µs", GateVerdict.Better.LOWER);

        final String label;
        final String unit;
        final GateVerdict.Better better;

        Metric(String label, String unit, GateVerdict.Better better) {
            this.label = label;
            this.unit = unit;
            this.better = better;
        }

        double of(Sample s) {
            return switch (this) {
                case EXCHANGES -> s.exchangesPerSecond();
                case CPU -> s.serverCpuNanosPerExchange() / 1_000;
                case LATENCY -> s.correctedP99Nanos() / 1_000;
            };
        }
    }

    /** A closed loop gates its throughput and cost; an open loop, whose rate is fixed, its cost and tail. */
    private static List<Metric> metricsOf(GateWorkload workload) {
        return workload.open() ? List.of(Metric.CPU, Metric.LATENCY) : List.of(Metric.EXCHANGES, Metric.CPU);
    }

    private final Settings settings;
    private final Measurer measurer;
    private final LongSupplier nanoClock;
    private final Consumer<String> progress;
    /** Per row (subject and metric), the smallest look-adjusted p-value it reached; absent is 1. */
    private final Map<String, Double> regressionP = new HashMap<>();

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
                if (done.size() >= settings.minRounds()) {
                    look(server, done);
                }
                if (done.size() >= settings.minRounds() && decided(server, done)) {
                    undecided.remove(server);
                } else if (done.size() >= settings.maxRounds()) {
                    undecided.remove(server);
                    progress.accept(server + ": undecided after the maximum of " + settings.maxRounds() + " rounds");
                }
            }
        }
        Set<String> regressed = regressed();
        List<GateRow> rows = new ArrayList<>();
        for (Map.Entry<String, List<RoundRecord>> e : byServer.entrySet()) {
            rows.addAll(rows(e.getKey(), e.getValue(), regressed));
        }
        return new Outcome(rows, all, Duration.ofNanos(nanoClock.getAsLong() - start), budgetExhausted, settings.familyWise());
    }

    private RoundRecord measureRound(String server, int round, Random random) {
        Side first = random.nextBoolean() ? Side.BASELINE : Side.CANDIDATE;
        long t0 = nanoClock.getAsLong();
        RoundSamples samples = measurer.measure(server, round, first);
        Duration took = Duration.ofNanos(nanoClock.getAsLong() - t0);
        return new RoundRecord(server, round, first, samples.workloads(), took, samples.oneOff());
    }

    /** Whether a round as long as the server's earlier ones, less their one-off work, still fits. */
    private static boolean fits(List<RoundRecord> done, long elapsedNanos, long budgetNanos) {
        long mean = (long) done.stream().mapToLong(r -> Math.max(0, r.took().minus(r.oneOff()).toNanos())).average().orElse(0);
        return elapsedNanos + mean <= budgetNanos;
    }

    /** A look at one server's rows: each keeps the smallest look-adjusted p-value it reached. */
    private void look(String server, List<RoundRecord> done) {
        for (GateWorkload w : settings.workloads()) {
            for (Metric metric : metricsOf(w)) {
                double p = GateStatistics.regressionPValue(values(done, w, metric, Side.BASELINE),
                        values(done, w, metric, Side.CANDIDATE), metric.better, thresholdOf(metric));
                double adjusted = Math.min(1, p * settings.looks());
                regressionP.merge(rowKey(subject(server, w), metric), adjusted, Math::min);
            }
        }
    }

    /** The rows Holm's procedure rejects, over every row of the gate (those not yet looked at count as p = 1). */
    private Set<String> regressed() {
        List<String> keys = new ArrayList<>();
        for (String server : settings.servers()) {
            for (GateWorkload w : settings.workloads()) {
                for (Metric metric : metricsOf(w)) {
                    keys.add(rowKey(subject(server, w), metric));
                }
            }
        }
        double[] p = keys.stream().mapToDouble(k -> regressionP.getOrDefault(k, 1.0)).toArray();
        boolean[] rejected = GateStatistics.holm(p, 1 - settings.confidence());
        Set<String> out = new HashSet<>();
        for (int i = 0; i < rejected.length; i++) {
            if (rejected[i]) {
                out.add(keys.get(i));
            }
        }
        return out;
    }

    private boolean decided(String server, List<RoundRecord> done) {
        return rows(server, done, regressed()).stream().allMatch(r -> r.verdict() != GateVerdict.INCONCLUSIVE);
    }

    /**
     * The server's rows, per workload and metric: regression when Holm rejects the row, pass when
     * its nominal interval lies within the line, else inconclusive (always, before {@code minRounds}).
     */
    List<GateRow> rows(String server, List<RoundRecord> done, Set<String> regressed) {
        if (done.size() < 2) {
            throw new ToolFailureException(server + ": fewer than 2 rounds measured");
        }
        List<GateRow> rows = new ArrayList<>();
        for (GateWorkload w : settings.workloads()) {
            String subject = subject(server, w);
            for (Metric metric : metricsOf(w)) {
                GateRow row = GateRow.of(subject, metric.label, metric.unit, metric.better, true,
                        values(done, w, metric, Side.BASELINE), values(done, w, metric, Side.CANDIDATE),
                        thresholdOf(metric), settings.confidence());
                String key = rowKey(subject, metric);
                GateVerdict verdict;
                if (done.size() < settings.minRounds()) {
                    verdict = GateVerdict.INCONCLUSIVE;
                } else if (regressed.contains(key)) {
                    verdict = GateVerdict.REGRESSION;
                } else {
                    verdict = row.verdict() == GateVerdict.PASS ? GateVerdict.PASS : GateVerdict.INCONCLUSIVE;
                }
                rows.add(row.withVerdict(verdict).withRegressionP(regressionP.getOrDefault(key, 1.0)));
            }
        }
        return rows;
    }

    private double thresholdOf(Metric metric) {
        return metric == Metric.LATENCY ? settings.latencyThreshold() : settings.threshold();
    }

    /** A row's subject: the server, and the workload when there are several. */
    private String subject(String server, GateWorkload w) {
        return settings.workloads().size() == 1 ? server : server + " " + w.name();
    }

    private static String rowKey(String subject, Metric metric) {
        return subject + "\u0000" + metric.label;
    }

    private static double[] values(List<RoundRecord> done, GateWorkload w, Metric metric, Side side) {
        return done.stream().mapToDouble(r -> {
            WorkloadSamples ws = r.workloads().stream().filter(x -> x.workload().equals(w.name())).findFirst()
                    .orElseThrow(() -> new ToolFailureException(r.server() + " round " + r.round() + " has no " + w.name()));
            return metric.of(side == Side.BASELINE ? ws.baseline() : ws.candidate());
        }).toArray();
    }

    private String describe(RoundRecord r, long elapsedNanos, long budgetNanos) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s round %d (%s first):", r.server(), r.round(),
                r.first().name().toLowerCase(Locale.ROOT)));
        for (WorkloadSamples w : r.workloads()) {
            b.append(' ').append(w.workload()).append(" baseline ").append(describe(w.baseline()))
                    .append(", candidate ").append(describe(w.candidate())).append(';');
        }
        return b.append(String.format(Locale.ROOT, " %ds of %ds", elapsedNanos / 1_000_000_000L, budgetNanos / 1_000_000_000L))
                .toString();
    }

    private static String describe(Sample s) {
        String figures = String.format(Locale.ROOT, "%.0f ex/s %.1f µs CPU", s.exchangesPerSecond(), s.serverCpuNanosPerExchange() / 1_000);
        return Double.isNaN(s.correctedP99Nanos()) ? figures
                : figures + String.format(Locale.ROOT, " p99 %.0f µs", s.correctedP99Nanos() / 1_000);
    }
}
