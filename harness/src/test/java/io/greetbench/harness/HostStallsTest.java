package io.greetbench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.PrimitiveIterator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The stall count on a scripted clock, and the probe itself on the real one (no timing asserted). */
class HostStallsTest {

    @Test
    void shouldCountGapsOfHalfAMillisecondOrMoreAndNothingShorter() {
        // Readings every 1 µs, with a gap of 0.499 ms (no stall), one of 0.6 ms and one of 2.4 ms.
        PrimitiveIterator.OfLong clock = LongStream.of(0, 1_000, 2_000, 501_000, 502_000, 1_102_000, 1_103_000,
                3_503_000, 3_504_000, 3_505_000).iterator();
        HostStalls s = HostStalls.measure(Duration.ofNanos(3_505_000), clock::nextLong);
        assertEquals(2, s.stalls());
        assertEquals(600_000 + 2_400_000, s.stalledNanos());
        assertEquals(2_400_000, s.longestNanos());
        assertEquals(Duration.ofNanos(3_505_000), s.window());
    }

    @Test
    void shouldSayAP99IsAtRiskFromAQuarterPercentOfTheTimeStalled() {
        assertFalse(new HostStalls(Duration.ofSeconds(1), 3, 2_000_000, 1_000_000).p99AtRisk());
        HostStalls risky = new HostStalls(Duration.ofSeconds(1), 6, 2_500_000, 900_000);
        assertTrue(risky.p99AtRisk());
        assertEquals("6 stalls of 0.5 ms or more in 1.0 s, 0.25% of the time, the longest 0.90 ms: at this share a p99 "
                + "measures the machine's stalls as much as the server", risky.describe());
        assertEquals("0 stalls of 0.5 ms or more in 1.0 s, 0.00% of the time",
                new HostStalls(Duration.ofSeconds(1), 0, 0, 0).describe());
    }

    @Test
    void shouldSpinForTheWholeWindowOnTheRealClock() {
        HostStalls s = HostStalls.measure(Duration.ofMillis(20));
        assertTrue(s.window().compareTo(Duration.ofMillis(20)) >= 0, "spun " + s.window());
        assertTrue(s.stalledNanos() <= s.window().toNanos());
        assertTrue(s.longestNanos() <= s.stalledNanos());
    }
}
