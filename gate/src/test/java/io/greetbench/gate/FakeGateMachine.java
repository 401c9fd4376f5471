package io.greetbench.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A synthetic machine for the round loop: every side of every workload "takes" 5 s of a fake
 * clock, the machine drifts slowly (which the paired ratios must cancel), and each metric gets
 * log-normal noise such that the per-round log ratio candidate/baseline has standard deviation
 * {@code sigma}. The candidate's true ratios per server are given; servers not listed are A/A.
 */
final class FakeGateMachine implements GateRounds.Measurer {

    static final long MEASURE_NANOS = 5_000_000_000L;

    /** The candidate's true ratio of each metric on one server; 1 is no change. */
    record Truth(double throughput, double cpu, double p99) {
        static final Truth SAME = new Truth(1, 1, 1);
    }

    private final Random noise;
    private final double sideSigma;
    private final List<GateWorkload> workloads;
    private final Map<String, Truth> truths;
    long clock;
    final List<GateRounds.Side> order = new ArrayList<>();

    FakeGateMachine(long seed, double sigma, List<GateWorkload> workloads, Map<String, Truth> truths) {
        this.noise = new Random(seed);
        this.sideSigma = sigma / Math.sqrt(2);
        this.workloads = List.copyOf(workloads);
        this.truths = Map.copyOf(truths);
    }

    @Override
    public GateRounds.RoundSamples measure(String server, int round, GateRounds.Side first) {
        Truth truth = truths.getOrDefault(server, Truth.SAME);
        List<GateRounds.WorkloadSamples> out = new ArrayList<>();
        for (GateWorkload w : workloads) {
            GateRounds.Sample a = side(first, w, truth);
            GateRounds.Sample b = side(first == GateRounds.Side.BASELINE ? GateRounds.Side.CANDIDATE : GateRounds.Side.BASELINE, w, truth);
            out.add(first == GateRounds.Side.BASELINE ? new GateRounds.WorkloadSamples(w.name(), a, b)
                    : new GateRounds.WorkloadSamples(w.name(), b, a));
        }
        return new GateRounds.RoundSamples(out);
    }

    private GateRounds.Sample side(GateRounds.Side side, GateWorkload w, Truth truth) {
        clock += MEASURE_NANOS;
        order.add(side);
        boolean cand = side == GateRounds.Side.CANDIDATE;
        double drift = 1 + 0.15 * Math.sin(clock / 6e10);
        double tput = (w.open() ? 5_000 : 30_000 * drift) * (cand ? truth.throughput() : 1) * noise();
        double cpu = 25_000 / drift * (cand ? truth.cpu() : 1) * noise();
        double p99 = w.open() ? 400_000 / drift * (cand ? truth.p99() : 1) * noise() : Double.NaN;
        return new GateRounds.Sample(tput, cpu, p99);
    }

    private double noise() {
        return Math.exp(sideSigma * noise.nextGaussian());
    }
}
