package io.greetbench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.greetbench.compare.WarmUpRule.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a warm-up stops, from its slices' CPU per exchange alone. */
class WarmUpRuleTest {

    private static final WarmUpRule RULE = new WarmUpRule(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(10), 0.10);

    /** The verdict after each slice of {@code costs}. */
    private static List<Verdict> verdicts(WarmUpRule rule, double... costs) {
        List<Double> slices = new ArrayList<>();
        List<Verdict> verdicts = new ArrayList<>();
        for (double cost : costs) {
            slices.add(cost);
            verdicts.add(rule.judge(slices));
        }
        return verdicts;
    }

    @Test
    void shouldKeepGoingWhileTheJitStillLowersTheCostThenStopWhenThreeSlicesAgree() {
        // netty's first seconds as docs/gate.md measured them, then three that agree.
        List<Verdict> v = verdicts(RULE, 402, 163, 132, 69, 48, 37, 36, 38);

        assertEquals(List.of(Verdict.CONTINUE, Verdict.CONTINUE, Verdict.CONTINUE, Verdict.CONTINUE, Verdict.CONTINUE, Verdict.CONTINUE,
                Verdict.CONTINUE, Verdict.STEADY), v);
    }

    @Test
    void shouldNotCallTwoAgreeingSlicesOnTheWayDownSteady() {
        // netty under a half-CPU quota, still compiling: 252 and 234 agree within 10%, 320 does not.
        List<Verdict> v = verdicts(RULE, 2464, 521, 380, 265, 321, 253, 235);

        assertEquals(Verdict.CONTINUE, v.get(6));
    }

    @Test
    void shouldNotStopBeforeTheMinimumEvenWhenSlicesAgree() {
        WarmUpRule rule = new WarmUpRule(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(10), 0.10);

        assertEquals(List.of(Verdict.CONTINUE, Verdict.CONTINUE, Verdict.CONTINUE, Verdict.STEADY), verdicts(rule, 40, 40, 40, 40));
    }

    @Test
    void shouldStopAtTheCapWhenNoThreeSlicesAgree() {
        List<Verdict> v = verdicts(RULE, 100, 80, 60, 100, 80, 60, 100, 80, 60, 100);

        assertEquals(Verdict.CONTINUE, v.get(8));
        assertEquals(Verdict.CAPPED, v.get(9));
        assertEquals(10, RULE.maxSlices());
    }

    @Test
    void shouldJudgeAgreementWithinTheToleranceEitherWay() {
        assertEquals(Verdict.STEADY, RULE.judge(List.of(50.0, 45.5, 48.0)));
        assertEquals(Verdict.STEADY, RULE.judge(List.of(45.5, 50.0, 46.0)));
        assertEquals(Verdict.CONTINUE, RULE.judge(List.of(50.0, 45.0, 47.0)));
    }

    @Test
    void shouldNeverCallSlicesWithoutAnExchangeSteady() {
        assertEquals(Verdict.CONTINUE, RULE.judge(List.of(Double.NaN, Double.NaN, Double.NaN)));
        assertEquals(Verdict.CONTINUE, RULE.judge(List.of(0.0, 0.0, 0.0)));
        assertEquals(Verdict.CAPPED, RULE.judge(Collections.nCopies(10, Double.NaN)));
    }
}
