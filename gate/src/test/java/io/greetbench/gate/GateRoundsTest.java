package io.greetbench.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The round loop with a synthetic measurer and a fake clock: each side of each workload "takes" 5 s. */
class GateRoundsTest {

    private static final List<GateWorkload> CLOSED = List.of(GateWorkload.closed(64));

    private static FakeGateMachine machine(long seed, double throughputRatio, double cpuRatio, double sigma) {
        return new FakeGateMachine(seed, sigma, CLOSED, Map.of("nio", new FakeGateMachine.Truth(throughputRatio, cpuRatio, 1)));
    }

    private static GateRounds.Outcome run(FakeGateMachine machine, List<String> servers, Duration budget) {
        return run(machine, servers, CLOSED, budget);
    }

    private static GateRounds.Outcome run(FakeGateMachine machine, List<String> servers, List<GateWorkload> workloads,
                                          Duration budget) {
        GateRounds.Settings settings = new GateRounds.Settings(servers, workloads, budget, 4, 30, 0.05, 0.20, 0.95, 99);
        return new GateRounds(settings, machine, () -> machine.clock, line -> { }).run();
    }

    @Test
    void shouldPassSameBuildAndStopEarly() {
        FakeGateMachine m = machine(1, 1.0, 1.0, 0.02);
        GateRounds.Outcome o = run(m, List.of("nio", "netty", "loom"), Duration.ofMinutes(5));
        assertEquals(GateVerdict.PASS, o.verdict(), o.rows().toString());
        assertEquals(6, o.rows().size());
        assertTrue(o.rounds().size() < 3 * 30, "should stop once decided, ran " + o.rounds().size());
    }

    @Test
    void shouldFindTenPercentSlowdown() {
        FakeGateMachine m = machine(2, 0.90, 1.11, 0.02);
        GateRounds.Outcome o = run(m, List.of("nio"), Duration.ofMinutes(5));
        assertEquals(GateVerdict.REGRESSION, o.verdict(), o.rows().toString());
        assertTrue(o.rows().stream().allMatch(r -> r.verdict() == GateVerdict.REGRESSION), o.rows().toString());
    }

    @Test
    void shouldStayInconclusiveWhenBudgetEndsOnAStraddle() {
        FakeGateMachine m = machine(3, 0.95, 1.0, 0.04);
        GateRounds.Outcome o = run(m, List.of("nio"), Duration.ofSeconds(60));
        assertEquals(GateVerdict.INCONCLUSIVE, o.verdict(), o.rows().toString());
        assertTrue(o.budgetExhausted());
        // 10 s per round (one workload, two sides): 6 rounds fit in 60 s, not one more.
        assertEquals(6, o.rounds().size());
    }

    @Test
    void shouldLeaveTheFirstRoundsCapacitySearchOutOfTheBudgetEstimate() {
        FakeGateMachine m = machine(3, 0.95, 1.0, 0.04);
        Duration search = Duration.ofSeconds(20);
        GateRounds.Measurer withSearch = (server, round, first) -> {
            GateRounds.RoundSamples samples = m.measure(server, round, first);
            if (round > 1) {
                return samples;
            }
            m.clock += search.toNanos();
            return new GateRounds.RoundSamples(samples.workloads(), search);
        };
        GateRounds.Settings settings = new GateRounds.Settings(List.of("nio"), CLOSED, Duration.ofSeconds(80), 4, 30, 0.05, 0.20, 0.95, 99);
        GateRounds.Outcome o = new GateRounds(settings, withSearch, () -> m.clock, line -> { }).run();
        // 30 s for the first round, 10 s for each after: 6 fit in 80 s. Counting the search in
        // every round's expected length would have stopped after 5.
        assertEquals(6, o.rounds().size());
        assertEquals(search, o.rounds().getFirst().oneOff());
        assertEquals(Duration.ofSeconds(30), o.rounds().getFirst().took());
        assertEquals(Duration.ZERO, o.rounds().get(1).oneOff());
    }

    @Test
    void shouldNeverDecideBeforeMinimumRounds() {
        FakeGateMachine m = machine(4, 0.5, 2.0, 0.001);
        GateRounds.Outcome o = run(m, List.of("nio"), Duration.ofSeconds(25));
        assertEquals(2, o.rounds().size());
        assertEquals(GateVerdict.INCONCLUSIVE, o.verdict());
    }

    @Test
    void shouldRandomizeWhichSideRunsFirst() {
        FakeGateMachine m = machine(5, 0.95, 1.0, 0.04);
        GateRounds.Outcome o = run(m, List.of("nio"), Duration.ofMinutes(10));
        long baselineFirst = o.rounds().stream().filter(r -> r.first() == GateRounds.Side.BASELINE).count();
        assertTrue(baselineFirst > 0 && baselineFirst < o.rounds().size(), "baseline first in " + baselineFirst + " of " + o.rounds().size());
        for (int k = 0; k < o.rounds().size(); k++) {
            assertEquals(o.rounds().get(k).first(), m.order.get(2 * k), "the measurer starts with the side the round drew");
        }
    }

    @Test
    void shouldGateCpuAndTailLatencyUnderAnOpenLoopAndCallATailRegression() {
        List<GateWorkload> both = List.of(GateWorkload.closed(64), GateWorkload.parse("open:35%"));
        FakeGateMachine m = new FakeGateMachine(6, 0.03, both, Map.of("nio", new FakeGateMachine.Truth(1, 1, 3.0)));
        GateRounds.Outcome o = run(m, List.of("nio"), both, Duration.ofMinutes(10));
        assertEquals(List.of("nio closed:64 exchanges/s", "nio closed:64 server CPU/exchange",
                "nio open:35% server CPU/exchange", "nio open:35% p99 latency"),
                o.rows().stream().map(r -> r.subject() + " " + r.metric()).toList());
        GateRow p99 = o.rows().getLast();
        assertEquals(GateVerdict.REGRESSION, p99.verdict(), o.rows().toString());
        assertEquals(0.20, p99.threshold());
        assertEquals(GateVerdict.REGRESSION, o.verdict());
        assertTrue(o.rows().subList(0, 3).stream().allMatch(r -> r.verdict() == GateVerdict.PASS), o.rows().toString());
        assertTrue(o.familyWise().contains("Holm over 4 rows"), o.familyWise());
        assertEquals(2, o.rounds().getFirst().workloads().size());
    }
}
