package io.greetbench.gate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A simulation of the whole stopping rule ({@link GateRounds} with its looks after every round,
 * its stops, its budget and Holm over all rows) on a synthetic machine with fixed seeds: the
 * false-alarm rate of the whole gate under the null, and its power for a 10% slowdown. "Per-round
 * noise" is the standard deviation of one round's log ratio candidate/baseline.
 */
class GateFamilyWiseTest {

    private static final List<String> SERVERS = List.of("nio", "netty", "loom");
    /** The default workloads: 3 servers × (2 closed + 2 open rows) = 12 rows. */
    private static final List<GateWorkload> WORKLOADS = GateSettings.DEFAULT_WORKLOADS;
    private static final int RUNS = 200;
    private static final double ALPHA = 1 - GateSettings.DEFAULT_CONFIDENCE;

    /** Runs of the whole gate, each on a fresh machine; returns how many ended in each verdict. */
    private static Map<GateVerdict, Integer> simulate(long seed, double sigma, Map<String, FakeGateMachine.Truth> truths,
                                                      Duration budget, int[] roundsOut) {
        java.util.EnumMap<GateVerdict, Integer> counts = new java.util.EnumMap<>(GateVerdict.class);
        for (int run = 0; run < RUNS; run++) {
            FakeGateMachine m = new FakeGateMachine(seed * 1_000_003 + run, sigma, WORKLOADS, truths);
            GateRounds.Settings settings = new GateRounds.Settings(SERVERS, WORKLOADS, budget,
                    GateSettings.DEFAULT_MIN_ROUNDS, GateSettings.DEFAULT_MAX_ROUNDS, GateSettings.DEFAULT_THRESHOLD,
                    GateSettings.DEFAULT_LATENCY_THRESHOLD, GateSettings.DEFAULT_CONFIDENCE, run);
            GateRounds.Outcome o = new GateRounds(settings, m, () -> m.clock, line -> { }).run();
            counts.merge(o.verdict(), 1, Integer::sum);
            if (roundsOut != null) {
                roundsOut[0] += o.rounds().size();
            }
        }
        return counts;
    }

    /**
     * The false-alarm bound with a sampling margin: the observed rate plus two binomial standard
     * errors at 5% must stay at or under 5%, so a true rate of 5% would fail this test.
     */
    private static void assertFamilyWiseRateWithin(Map<GateVerdict, Integer> counts, String what) {
        int alarms = counts.getOrDefault(GateVerdict.REGRESSION, 0);
        double margin = 2 * Math.sqrt(ALPHA * (1 - ALPHA) / RUNS);
        assertTrue((double) alarms / RUNS + margin <= ALPHA, what + ": " + alarms + " false alarms in " + RUNS + " " + counts);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldKeepTheWholeGatesFalseAlarmsWithinFivePercentAtTenAndTwentyPercentNoise() {
        // A budget that never binds, so every undecided row gets all its looks: the worst case.
        Duration unlimited = Duration.ofDays(1);
        assertFamilyWiseRateWithin(simulate(1, 0.10, Map.of(), unlimited, null), "A/A, 10% per-round noise");
        assertFamilyWiseRateWithin(simulate(2, 0.20, Map.of(), unlimited, null), "A/A, 20% per-round noise");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldHoldEvenWhenEveryRowSitsExactlyOnItsLine() {
        // The least favourable null: every true change is exactly the allowed one, where a
        // per-row, per-look 95% interval alone would raise alarms in most runs.
        FakeGateMachine.Truth onTheLine = new FakeGateMachine.Truth(1 - GateSettings.DEFAULT_THRESHOLD,
                1 + GateSettings.DEFAULT_THRESHOLD, 1 + GateSettings.DEFAULT_LATENCY_THRESHOLD);
        Map<String, FakeGateMachine.Truth> all = Map.of("nio", onTheLine, "netty", onTheLine, "loom", onTheLine);
        assertFamilyWiseRateWithin(simulate(3, 0.05, all, Duration.ofDays(1), null), "every row on its line, 5% noise");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldStillFindATenPercentSlowdown() {
        // One server spends 10% more CPU per exchange under both workloads; 2% per-round noise,
        // as the calibrations of docs/gate.md measured for CPU per exchange on a quiet machine.
        Map<String, FakeGateMachine.Truth> slower = Map.of("netty", new FakeGateMachine.Truth(1, 1.10, 1));
        int[] rounds = new int[1];
        Map<GateVerdict, Integer> counts = simulate(4, 0.02, slower, Duration.ofDays(1), rounds);
        int found = counts.getOrDefault(GateVerdict.REGRESSION, 0);
        assertTrue(found >= 0.95 * RUNS, found + " detections in " + RUNS + " " + counts
                + ", " + (double) rounds[0] / RUNS + " rounds per run");
    }
}
