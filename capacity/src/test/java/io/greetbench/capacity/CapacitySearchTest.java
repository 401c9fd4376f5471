package io.greetbench.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.capacity.CapacityStep.Phase;
import io.greetbench.capacity.CapacityStep.Verdict;
import io.greetbench.harness.BoundBy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bracketing logic over a fake step runner: no network, no timing. */
class CapacitySearchTest {

    private static final Slo SLO = Slo.parse("p99=5ms");
    private static final Duration S = Duration.ofSeconds(1);

    private static CapacitySettings settings(double start, double tolerance, int maxSteps) {
        return new CapacitySettings(SLO, start, 2, tolerance, maxSteps, S, S, S);
    }

    /** A server meeting the SLO exactly up to {@code knee}, 1 ms p99 below it and 50 ms above. */
    private static StepRunner knee(double knee) {
        return rate -> step(rate, rate <= knee ? 1_000_000 : 50_000_000, BoundBy.NEITHER);
    }

    private static StepMeasurement step(double rate, long p99Nanos, BoundBy bound) {
        return new StepMeasurement(rate, rate, (long) rate, p99Nanos, true, null, false, 0, 0.1, 0.5, bound);
    }

    @Test
    void shouldBracketTheKneeWithinTheTolerance() {
        List<CapacityStep> seen = new ArrayList<>();
        CapacityResult result = CapacitySearch.search(settings(200, 0.1, 30), knee(5_000), seen::add);
        assertEquals(seen, result.steps(), "the observer saw every step, in order");
        assertFalse(result.lowerBound(), result::toString);
        assertTrue(result.rate() <= 5_000 && result.failedAt() > 5_000, result::toString);
        assertTrue(result.failedAt() <= result.rate() * 1.1, result::toString);
        assertEquals(result.rate(), result.steps().stream().filter(CapacityStep::passed).mapToDouble(s -> s.measured().rate()).max().orElseThrow());
    }

    @Test
    void shouldGrowUntilAFailureThenBisectInsideTheBracket() {
        CapacityResult result = CapacitySearch.search(settings(100, 0.05, 30), knee(3_000), StepObserver.NONE);
        List<CapacityStep> all = result.steps();
        for (int i = 0; i < all.size(); i++) {
            if (!all.get(i).passed() && all.get(i).phase() != Phase.CONFIRM) {
                assertEquals(Phase.CONFIRM, all.get(i + 1).phase(), "a failed step is run once more");
                assertEquals(all.get(i).measured().rate(), all.get(i + 1).measured().rate(), "at the same rate");
            }
        }
        // The confirming runs agree with the first here; the search itself runs on the rest.
        List<CapacityStep> steps = all.stream().filter(st -> st.phase() != Phase.CONFIRM).toList();
        int firstFail = 0;
        while (steps.get(firstFail).passed()) {
            firstFail++;
        }
        for (int i = 0; i <= firstFail; i++) {
            assertEquals(Phase.GROW, steps.get(i).phase());
            assertEquals(100 * Math.pow(2, i), steps.get(i).measured().rate(), 0.5, "geometric growth");
        }
        double low = steps.get(firstFail - 1).measured().rate();
        double high = steps.get(firstFail).measured().rate();
        for (CapacityStep step : steps.subList(firstFail + 1, steps.size())) {
            double rate = step.measured().rate();
            assertEquals(Phase.BISECT, step.phase());
            assertTrue(rate > low && rate < high, rate + " inside (" + low + ", " + high + ")");
            assertEquals(Math.sqrt(low * high), rate, 0.5, "the geometric midpoint");
            if (step.passed()) {
                assertTrue(rate > low);
                low = rate;
            } else {
                high = rate;
            }
        }
        assertEquals(low, result.rate());
        assertEquals(high, result.failedAt());
        assertTrue(high <= low * 1.05, result::toString);
        for (int i = 1; i < all.size(); i++) {
            assertEquals(i + 1, all.get(i).number());
        }
    }

    @Test
    void shouldNotLetOneStalledRunEndTheGrowth() {
        // A knee at 3,000/s, and one stall of the host during the first run at 800/s.
        boolean[] stalled = {false};
        StepRunner knee = knee(3_000);
        StepRunner runner = rate -> {
            if (rate == 800 && !stalled[0]) {
                stalled[0] = true;
                return step(rate, 12_000_000, BoundBy.NEITHER);
            }
            return knee.run(rate);
        };
        CapacityResult result = CapacitySearch.search(settings(100, 0.05, 30), runner, StepObserver.NONE);
        assertTrue(result.rate() >= 2_500 && result.rate() <= 3_000, result::toString);
        CapacityStep stall = result.steps().get(3);
        assertEquals(Verdict.FAIL, stall.verdict());
        assertEquals(Phase.CONFIRM, result.steps().get(4).phase());
        assertEquals(Verdict.PASS, result.steps().get(4).verdict());
        assertEquals(Phase.GROW, result.steps().get(5).phase());
        assertEquals(1_600, result.steps().get(5).measured().rate(), 0.5);
    }

    @Test
    void shouldGiveZeroWithTheReasonWhenTheFirstStepFails() {
        CapacityResult result = CapacitySearch.search(settings(200, 0.1, 30), knee(100), StepObserver.NONE);
        assertEquals(0, result.rate());
        assertFalse(result.lowerBound());
        assertEquals(2, result.steps().size(), "the failed first step, and its confirmation");
        assertEquals(Verdict.FAIL, result.steps().getFirst().verdict());
        assertEquals(Phase.CONFIRM, result.steps().getLast().phase());
        assertEquals(Verdict.FAIL, result.steps().getLast().verdict());
        assertTrue(result.reason().contains("first step") && result.reason().contains("p99 50.00ms over 5.00ms"), result.reason());
    }

    @Test
    void shouldBisectBelowAGeneratorBoundStepAndCallTheCapacityALowerBound() {
        StepRunner runner = rate -> step(rate, 1_000_000, rate >= 1_600 ? BoundBy.GENERATOR : BoundBy.NEITHER);
        CapacityResult result = CapacitySearch.search(settings(200, 0.1, 30), runner, StepObserver.NONE);
        assertTrue(result.lowerBound());
        assertEquals(Verdict.GENERATOR_BOUND, result.steps().get(3).verdict());
        assertEquals(1_600, result.steps().get(3).measured().rate(), 0.5);
        for (CapacityStep step : result.steps().subList(4, result.steps().size())) {
            assertEquals(Phase.BISECT, step.phase());
            assertTrue(step.measured().rate() > 800 && step.measured().rate() < 1_600, step::toString);
        }
        assertTrue(result.rate() > 800 && 1_600 <= result.rate() * 1.1, result::toString);
        assertTrue(result.reason().contains("generator") && result.reason().contains("1,600/s"), result.reason());
        assertEquals(">= " + CapacitySearch.rate(result.rate()) + "/s", result.rateText());
    }

    @Test
    void shouldKnowNothingWhenTheFirstStepIsGeneratorBound() {
        StepRunner runner = rate -> step(rate, 1_000_000, BoundBy.GENERATOR);
        CapacityResult result = CapacitySearch.search(settings(200, 0.1, 30), runner, StepObserver.NONE);
        assertTrue(result.lowerBound());
        assertEquals(0, result.rate());
        assertEquals(1, result.steps().size());
        assertTrue(result.reason().contains("nothing is known"), result.reason());
    }

    @Test
    void shouldCallTheLastRateALowerBoundWhenNoStepFailedWithinTheLimit() {
        CapacityResult result = CapacitySearch.search(settings(200, 0.1, 3), knee(1e9), StepObserver.NONE);
        assertTrue(result.lowerBound());
        assertEquals(800, result.rate());
        assertTrue(Double.isNaN(result.failedAt()));
        assertTrue(result.reason().contains("--max-steps"), result.reason());
    }

    @Test
    void shouldEndWithAWideBracketWhenTheStepsRunOutWhileBisecting() {
        CapacityResult result = CapacitySearch.search(settings(200, 0.01, 5), knee(1_000), StepObserver.NONE);
        assertFalse(result.lowerBound());
        assertEquals(5, result.steps().size());
        assertTrue(result.rate() <= 1_000 && result.failedAt() > 1_000, result::toString);
        assertTrue(result.reason().contains("wider than --tolerance"), result.reason());
    }

    @Test
    void shouldFailInvalidAndOverloadedStepsWhateverTheirPercentile() {
        StepRunner runner = rate -> rate < 800 ? step(rate, 1_000_000, BoundBy.SERVER)
                : rate < 1_600 ? new StepMeasurement(rate, rate, 10, 1_000_000, true, null, true, 0, 0.1, 0.9, BoundBy.SERVER)
                : new StepMeasurement(rate, rate, 10, 1_000_000, false, "3 errors (reset 3)", false, 3, 0.1, 0.9, BoundBy.SERVER);
        CapacityResult overloaded = CapacitySearch.search(settings(200, 0.5, 30), runner, StepObserver.NONE);
        CapacityStep fail = overloaded.steps().get(2);
        assertEquals(800, fail.measured().rate());
        assertEquals(Verdict.FAIL, fail.verdict());
        assertTrue(fail.reason().startsWith("overloaded"), fail.reason());

        CapacityResult invalid = CapacitySearch.search(settings(1_600, 0.5, 30), runner, StepObserver.NONE);
        assertEquals(0, invalid.rate());
        assertTrue(invalid.reason().contains("invalid run: 3 errors"), invalid.reason());
    }

    @Test
    void shouldListEveryStepInTheJson() {
        CapacityResult result = CapacitySearch.search(settings(200, 0.1, 30), knee(5_000), StepObserver.NONE);
        var json = result.json();
        assertEquals(List.of("rate", "slo", "lower_bound", "failed_at", "reason", "server_judged", "steps"), names(json));
        assertEquals(result.steps().size(), json.get("steps").size());
        assertEquals("p99=5ms", json.get("slo").get("text").asText());
        assertEquals(List.of("step", "phase", "rate", "achieved_rate", "exchanges", "percentile_us", "valid", "invalid_reason",
                "overloaded", "errors", "bound_by", "generator_cpu_utilization", "server_cpu_utilization", "pass", "verdict", "reason"),
                names(json.get("steps").get(0)));
        assertEquals("neither", json.get("steps").get(0).get("bound_by").asText());
    }

    private static List<String> names(com.fasterxml.jackson.databind.JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
