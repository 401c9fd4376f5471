package io.greetbench.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The round loop with a synthetic measurer and a fake clock: each measurement "takes" 5 s. */
class GateRoundsTest {

    private static final long MEASURE_NANOS = 5_000_000_000L;

    private static final class FakeMachine implements GateRounds.Measurer {
        final Random noise;
        final double candidateThroughputRatio;
        final double candidateCpuRatio;
        final double sigma;
        long clock;
        final List<GateRounds.Side> order = new ArrayList<>();

        FakeMachine(long seed, double throughputRatio, double cpuRatio, double sigma) {
            this.noise = new Random(seed);
            this.candidateThroughputRatio = throughputRatio;
            this.candidateCpuRatio = cpuRatio;
            this.sigma = sigma;
        }

        @Override
        public GateRounds.RoundSamples measure(String server, int round, GateRounds.Side first) {
            GateRounds.Side second = first == GateRounds.Side.BASELINE ? GateRounds.Side.CANDIDATE : GateRounds.Side.BASELINE;
            GateRounds.Sample a = side(first);
            GateRounds.Sample b = side(second);
            return first == GateRounds.Side.BASELINE ? new GateRounds.RoundSamples(a, b) : new GateRounds.RoundSamples(b, a);
        }

        private GateRounds.Sample side(GateRounds.Side side) {
            clock += MEASURE_NANOS;
            order.add(side);
            boolean cand = side == GateRounds.Side.CANDIDATE;
            double drift = 1 + 0.15 * Math.sin(clock / 6e10);
            double tput = 30_000 * drift * (cand ? candidateThroughputRatio : 1) * Math.exp(sigma * noise.nextGaussian());
            double cpu = 25_000 / drift * (cand ? candidateCpuRatio : 1) * Math.exp(sigma * noise.nextGaussian());
            return new GateRounds.Sample(tput, cpu);
        }
    }

    private static GateRounds.Outcome run(FakeMachine machine, List<String> servers, Duration budget) {
        GateRounds.Settings settings = new GateRounds.Settings(servers, budget, 4, 30, 0.05, 0.95, 99);
        return new GateRounds(settings, machine, () -> machine.clock, line -> { }).run();
    }

    @Test
    void shouldPassSameBuildAndStopEarly() {
        FakeMachine m = new FakeMachine(1, 1.0, 1.0, 0.02);
        GateRounds.Outcome o = run(m, List.of("nio", "netty", "loom"), Duration.ofMinutes(5));
        assertEquals(GateVerdict.PASS, o.verdict(), o.rows().toString());
        assertEquals(6, o.rows().size());
        assertTrue(o.rounds().size() < 3 * 30, "should stop once decided, ran " + o.rounds().size());
    }

    @Test
    void shouldFindTenPercentSlowdown() {
        FakeMachine m = new FakeMachine(2, 0.90, 1.11, 0.02);
        GateRounds.Outcome o = run(m, List.of("nio"), Duration.ofMinutes(5));
        assertEquals(GateVerdict.REGRESSION, o.verdict(), o.rows().toString());
        assertTrue(o.rows().stream().allMatch(r -> r.verdict() == GateVerdict.REGRESSION), o.rows().toString());
    }

    @Test
    void shouldStayInconclusiveWhenBudgetEndsOnAStraddle() {
        FakeMachine m = new FakeMachine(3, 0.95, 1.0, 0.04);
        GateRounds.Outcome o = run(m, List.of("nio"), Duration.ofSeconds(60));
        assertEquals(GateVerdict.INCONCLUSIVE, o.verdict(), o.rows().toString());
        assertTrue(o.budgetExhausted());
        // 10 s per round: 6 rounds fit in 60 s, not one more.
        assertEquals(6, o.rounds().size());
    }

    @Test
    void shouldNeverDecideBeforeMinimumRounds() {
        FakeMachine m = new FakeMachine(4, 0.5, 2.0, 0.001);
        GateRounds.Outcome o = run(m, List.of("nio"), Duration.ofSeconds(25));
        assertEquals(2, o.rounds().size());
        assertEquals(GateVerdict.INCONCLUSIVE, o.verdict());
    }

    @Test
    void shouldRandomizeWhichSideRunsFirst() {
        FakeMachine m = new FakeMachine(5, 0.95, 1.0, 0.04);
        GateRounds.Outcome o = run(m, List.of("nio"), Duration.ofMinutes(10));
        long baselineFirst = o.rounds().stream().filter(r -> r.first() == GateRounds.Side.BASELINE).count();
        assertTrue(baselineFirst > 0 && baselineFirst < o.rounds().size(), "baseline first in " + baselineFirst + " of " + o.rounds().size());
        for (int k = 0; k < o.rounds().size(); k++) {
            assertEquals(o.rounds().get(k).first(), m.order.get(2 * k), "the measurer starts with the side the round drew");
        }
    }
}
