package io.greetbench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScheduleTest {

    private static final long START = 1_000_000_000L;
    private static final long INTERVAL = 1_000_000L;

    @Test
    void shouldHaveOneExchangeDueAtTheStartAndNoneBefore() {
        Schedule s = new Schedule(START, INTERVAL, Long.MAX_VALUE);
        assertFalse(s.isDue(START - 1));
        assertEquals(1, s.nanosUntilNext(START - 1));
        assertTrue(s.isDue(START));
    }

    @Test
    void shouldStayOnPaceWhenEachExchangeIsTakenWhenDue() {
        Schedule s = new Schedule(START, INTERVAL, Long.MAX_VALUE);
        for (int i = 0; i < 1_000; i++) {
            long now = START + i * INTERVAL + INTERVAL / 3;
            assertTrue(s.isDue(now), "due at step " + i);
            assertEquals(INTERVAL / 3, s.lagNanos(now));
            assertEquals(START + i * INTERVAL, s.take());
            assertFalse(s.isDue(now));
            assertEquals(INTERVAL - INTERVAL / 3, s.nanosUntilNext(now));
        }
        assertEquals(1_000, s.taken());
    }

    @Test
    void shouldKeepEveryMissedExchangeDueWhenBehind() {
        Schedule s = new Schedule(START, INTERVAL, Long.MAX_VALUE);
        long now = START + 10 * INTERVAL + 1;
        assertEquals(10 * INTERVAL + 1, s.lagNanos(now));
        assertEquals(0, s.nanosUntilNext(now));
        // Behind, nothing is skipped: each take returns the next intended start in turn.
        assertEquals(START, s.take());
        assertEquals(START + INTERVAL, s.take());
        assertEquals(8 * INTERVAL + 1, s.lagNanos(now));
        int stillDue = 0;
        while (s.isDue(now)) {
            s.take();
            stillDue++;
        }
        assertEquals(9, stillDue, "11 were due; 2 taken");
    }

    @Test
    void shouldCatchUpAndThenWaitForTheNextIntendedStart() {
        Schedule s = new Schedule(START, INTERVAL, Long.MAX_VALUE);
        long now = START + 5 * INTERVAL + INTERVAL / 2;
        int taken = 0;
        while (s.isDue(now)) {
            assertEquals(START + taken * INTERVAL, s.take());
            taken++;
        }
        assertEquals(6, taken);
        assertEquals(0, s.lagNanos(now));
        assertEquals(INTERVAL / 2, s.nanosUntilNext(now));
        assertEquals(START + 6 * INTERVAL, s.nextNanos());
    }

    @Test
    void shouldNotDriftWithAFractionalInterval() {
        // 3 exchanges per microsecond-ish: 333.33... ns apart; the millionth is exactly on time.
        Schedule s = new Schedule(0, 1e9 / 3_000_000, Long.MAX_VALUE);
        long last = 0;
        for (int i = 0; i <= 3_000_000; i++) {
            last = s.take();
        }
        assertEquals(1_000_000_000L, last);
    }

    @Test
    void shouldEndBeforeTheEndTime() {
        Schedule s = new Schedule(START, INTERVAL, START + 3 * INTERVAL);
        assertTrue(s.isDue(START + 100 * INTERVAL));
        s.take();
        s.take();
        s.take();
        assertTrue(s.isOver());
        assertFalse(s.isDue(Long.MAX_VALUE - 1));
        assertEquals(Long.MAX_VALUE, s.nanosUntilNext(START));
        assertThrows(IllegalStateException.class, s::take);
    }

    @Test
    void shouldRejectANonPositiveInterval() {
        assertThrows(IllegalArgumentException.class, () -> new Schedule(0, 0, 1));
    }
}
