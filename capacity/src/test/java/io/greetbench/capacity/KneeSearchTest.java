package io.greetbench.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.capacity.CapacityStep.Verdict;
import io.greetbench.harness.BoundBy;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real search, with the load generator, against {@link KneeServer}, whose knee is set by
 * construction. Every load is bounded: steps of 400 ms after 200 ms of warm-up, a few steps each,
 * and rates of at most a few thousand a second. The SLO is loose (50 ms against replies delayed by
 * 300 ms) so that a busy machine's scheduling does not move the verdicts.
 *
 * <p>A machine busy enough to starve the generator (it then starts exchanges late with connections
 * free) ends the search early at a generator-bound step: that is the search working, not the knee
 * moving, so each test checks the structure of that ending instead ({@link #endedByTheGenerator}).
 * The bracketing itself is tested exactly, without a network, in {@link CapacitySearchTest}.
 */
class KneeSearchTest {

    private static final double KNEE = 1_000;
    private static final Duration DELAY = Duration.ofMillis(300);

    private static CapacitySettings settings(double start) {
        return new CapacitySettings(Slo.parse("p99=50ms"), start, 2, 0.5, 6, Duration.ofMillis(400), Duration.ofMillis(200),
                Duration.ofSeconds(2));
    }

    @Test
    @Timeout(60)
    void shouldFindTheConstructedKnee() throws IOException {
        try (KneeServer server = new KneeServer(KNEE, DELAY)) {
            CapacityResult result = CapacitySearch.run(server.address(), settings(150), ServerCpuMeter.NONE, StepObserver.NONE);
            if (endedByTheGenerator(result)) {
                return;
            }
            assertFalse(result.lowerBound(), result::toString);
            assertTrue(result.rate() >= KNEE / 4 && result.rate() <= KNEE * 1.5, result::toString);
            assertTrue(result.failedAt() > result.rate() && result.failedAt() <= KNEE * 4, result::toString);
            assertTrue(result.steps().size() >= 2 && result.steps().size() <= 6, result::toString);
            assertFalse(result.serverJudged());
            for (CapacityStep step : result.steps()) {
                assertTrue(step.measured().boundBy() == BoundBy.NEITHER, () -> step.line(result.slo()));
                assertTrue(step.passed() == step.measured().rate() <= result.rate(), () -> step.line(result.slo()));
            }
        }
    }

    @Test
    @Timeout(60)
    void shouldGiveZeroWhenTheFirstStepIsAboveTheKnee() throws IOException {
        try (KneeServer server = new KneeServer(10, DELAY)) {
            CapacityResult result = CapacitySearch.run(server.address(), settings(400), ServerCpuMeter.NONE, StepObserver.NONE);
            assertEquals(0, result.rate(), result::toString);
            if (endedByTheGenerator(result)) {
                return;
            }
            assertFalse(result.lowerBound());
            assertEquals(2, result.steps().size(), "the first step and its confirmation");
            assertTrue(result.steps().stream().allMatch(st -> st.verdict() == Verdict.FAIL), result::toString);
            assertTrue(result.reason().startsWith("failed at the first step, 400/s: "), result.reason());
        }
    }

    /**
     * Whether the search met a generator-bound step (this machine's generator, sharing two CPUs with
     * the fixture and the build, sometimes falls behind its schedule at a few hundred per second);
     * if so, checks what such a search must look like: the first generator-bound rate is a ceiling
     * that later steps stay under, the capacity is a lower bound, and it is the highest pass.
     */
    private static boolean endedByTheGenerator(CapacityResult result) {
        List<CapacityStep> steps = result.steps();
        int first = 0;
        while (first < steps.size() && steps.get(first).verdict() != Verdict.GENERATOR_BOUND) {
            first++;
        }
        if (first == steps.size()) {
            return false;
        }
        if (!Double.isNaN(result.failedAt())) {
            // Bracketed under the ceiling by a real failure: the capacity is still the highest pass.
            assertTrue(result.failedAt() > result.rate(), result::toString);
            assertEquals(steps.stream().filter(CapacityStep::passed).mapToDouble(s -> s.measured().rate()).max().orElse(0),
                    result.rate(), result::toString);
            return true;
        }
        double ceiling = steps.get(first).measured().rate();
        assertEquals(BoundBy.GENERATOR, steps.get(first).measured().boundBy(), result::toString);
        assertTrue(result.lowerBound(), result::toString);
        assertTrue(result.reason().startsWith("the generator was the bound"), result.reason());
        assertTrue(steps.subList(first + 1, steps.size()).stream().allMatch(s -> s.measured().rate() < ceiling), result::toString);
        assertEquals(steps.stream().filter(CapacityStep::passed).mapToDouble(s -> s.measured().rate()).max().orElse(0),
                result.rate(), result::toString);
        return true;
    }

    @Test
    @Timeout(60)
    void shouldReadTheServersCpuWhenGivenAMeter() throws IOException {
        try (KneeServer server = new KneeServer(KNEE, DELAY)) {
            // The server runs in this JVM, so this process's pid reads its CPU (and the generator's).
            ServerCpuMeter meter = ServerCpuMeter.ofPid(ProcessHandle.current().pid());
            CapacitySettings one = new CapacitySettings(Slo.parse("p99=50ms"), 200, 2, 0.5, 1, Duration.ofMillis(300),
                    Duration.ofMillis(100), Duration.ofSeconds(2));
            CapacityResult result = CapacitySearch.run(server.address(), one, meter, StepObserver.NONE);
            assertTrue(result.serverJudged(), result::toString);
            double share = result.steps().getFirst().measured().serverUtilization();
            assertTrue(share >= 0 && share <= 1.5, () -> "a share of the allotment: " + share);
        }
    }
}
