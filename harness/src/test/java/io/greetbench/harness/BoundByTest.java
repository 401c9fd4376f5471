package io.greetbench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The classifier on the readings that set its thresholds (see {@link BoundBy}'s design note). */
class BoundByTest {

    @Test
    void shouldCallServerUnderQuotaBoundByItsThrottlingEvenWhenItsShareReadsLow() {
        // MEASURING.md: 0.41 used under 0.5 while saturated, throttled in most periods; the client busy too.
        assertEquals(BoundBy.SERVER, BoundBy.classify(0.82, 0.92, 0.80));
        assertEquals(BoundBy.SERVER, BoundBy.classify(0.99, 0.98));
    }

    @Test
    void shouldCallGeneratorTheLimitWhenTheServerHadRoom() {
        // Issue 9: greet-c at 69-71% while the generator's CPU was 98-99% busy.
        assertEquals(BoundBy.GENERATOR, BoundBy.classify(0.70, 0.98));
        assertEquals(BoundBy.GENERATOR, BoundBy.classify(0.71, 0.92, 0.31));
    }

    @Test
    void shouldCallNeitherWhenBothHadRoomOrAReadingIsMissing() {
        assertEquals(BoundBy.NEITHER, BoundBy.classify(0.71, 0.41, 0.18));
        assertEquals(BoundBy.NEITHER, BoundBy.classify(0.02, 0.05));
        assertEquals(BoundBy.NEITHER, BoundBy.classify(Double.NaN, Double.NaN, Double.NaN));
    }

    @Test
    void shouldMeasureUtilizationOverTheAllotment() {
        assertEquals(0.82, BoundBy.utilization(410_000_000L, 1_000_000_000L, 0.5), 1e-9);
        assertEquals(0.25, BoundBy.utilization(500_000_000L, 1_000_000_000L, 2), 1e-9);
        assertEquals(Double.NaN, BoundBy.utilization(-1, 1_000_000_000L, 1));
        assertEquals("server", BoundBy.SERVER.toString());
    }
}
