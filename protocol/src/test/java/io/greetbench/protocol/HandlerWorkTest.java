package io.greetbench.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HandlerWorkTest {

    @Test
    void shouldParseEachKindAndPrintItBack() {
        assertEquals(HandlerWork.NONE, HandlerWork.parse("none"));
        HandlerWork cpu = HandlerWork.parse("cpu:25");
        assertEquals(Duration.ofNanos(25_000), cpu.amount());
        assertFalse(cpu.blocks());
        HandlerWork sleep = HandlerWork.parse("sleep:10");
        assertEquals(Duration.ofMillis(10), sleep.amount());
        assertTrue(sleep.blocks());
        assertEquals("cpu:25", cpu.toString());
        assertEquals("sleep:10", sleep.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tail:2:5", "tail:0.5:5", "tail:100:60000", "tail:12.25:1", "tail:0.000001:3"})
    void shouldParseTailAndPrintItBackTheSameWay(String text) {
        HandlerWork tail = HandlerWork.parse(text);
        assertTrue(tail.delays());
        assertFalse(tail.blocks());
        assertEquals(text, tail.toString());
        assertEquals(tail, HandlerWork.parse(tail.toString()));
    }

    @Test
    void shouldReadTailAsPercentThenMilliseconds() {
        HandlerWork tail = HandlerWork.parse("tail:2:5");
        assertEquals(2.0, tail.percent());
        assertEquals(Duration.ofMillis(5), tail.amount());
        assertEquals("tail:2:5", HandlerWork.parse("tail:2.0:5").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "cpu", "cpu:", "cpu:0", "cpu:-5", "sleep:x", "nap:5", "cpu:1.5",
            "tail", "tail:", "tail:2", "tail:2:", "tail::5", "tail:0:5", "tail:0.0:5", "tail:-1:5", "tail:100.5:5",
            "tail:101:5", "tail:2:0", "tail:2:-5", "tail:2:60001", "tail:2:1.5", "tail:NaN:5", "tail:1e1:5",
            "tail:2:5:7", "tail:.5:5", "tail:5.:5"})
    void shouldRejectMalformedSpecsNamingTheOption(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> HandlerWork.parse(text));
        assertTrue(e.getMessage().contains("--handler"), e.getMessage());
    }

    @Test
    void shouldDelayEveryExchangeAtOneHundredPercentAndOnlySomeAtFifty() {
        HandlerWork all = HandlerWork.parse("tail:100:7");
        HandlerWork half = HandlerWork.parse("tail:50:7");
        int delayed = 0;
        for (int i = 0; i < 1_000; i++) {
            assertEquals(Duration.ofMillis(7).toNanos(), all.drawDelayNanos());
            long d = half.drawDelayNanos();
            assertTrue(d == 0 || d == Duration.ofMillis(7).toNanos(), "a delay is all or nothing: " + d);
            delayed += d > 0 ? 1 : 0;
        }
        // Binomial(1000, 0.5): below 350 or above 650 happens with odds under 1e-20.
        assertTrue(delayed > 350 && delayed < 650, "about half delayed, got " + delayed + " of 1000");
        assertEquals(0, HandlerWork.parse("sleep:5").drawDelayNanos());
        assertEquals(0, HandlerWork.NONE.drawDelayNanos());
    }

    /** A server closing its connections interrupts their threads; the sleep must end, not spin. */
    @Test
    @Timeout(10)
    void shouldStopSleepingWhenInterrupted() {
        Thread.currentThread().interrupt();
        try {
            long start = System.nanoTime();
            HandlerWork.parse("sleep:30000").perform();
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag is kept for the caller");
        } finally {
            Thread.interrupted();
        }
    }
}
