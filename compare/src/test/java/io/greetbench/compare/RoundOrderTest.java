package io.greetbench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The order of the rounds: every server once per round, shuffled, and the same again from the same seed. */
class RoundOrderTest {

    private static final List<Integer> SIX = IntStream.range(0, 6).boxed().toList();

    @Test
    void shouldVisitEveryServerOnceInEachRound() {
        List<List<Integer>> order = RoundOrder.of(6, 5, 7);

        assertEquals(5, order.size());
        for (List<Integer> round : order) {
            assertEquals(SIX, round.stream().sorted().toList(), "round " + round + " is not a permutation of the lineup");
        }
    }

    @Test
    void shouldShuffleTheRoundsApart() {
        List<List<Integer>> order = RoundOrder.of(6, 5, 7);

        assertTrue(order.stream().anyMatch(round -> !round.equals(SIX)), "no round was shuffled: " + order);
        assertTrue(order.stream().distinct().count() > 1, "every round had the same order: " + order);
    }

    @Test
    void shouldRepeatTheOrderFromTheSameSeedOnly() {
        assertEquals(RoundOrder.of(6, 3, 12345), RoundOrder.of(6, 3, 12345));
        assertNotEquals(RoundOrder.of(6, 3, 12345), RoundOrder.of(6, 3, 54321));
    }

    @Test
    void shouldHandleOneServerAndNoRounds() {
        assertEquals(List.of(List.of(0), List.of(0)), RoundOrder.of(1, 2, 1));
        assertEquals(List.of(), RoundOrder.of(4, 0, 1));
    }
}
