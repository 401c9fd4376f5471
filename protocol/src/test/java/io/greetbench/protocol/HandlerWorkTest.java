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
    @ValueSource(strings = {"", "cpu", "cpu:", "cpu:0", "cpu:-5", "sleep:x", "nap:5", "cpu:1.5"})
    void shouldRejectMalformedSpecsNamingTheOption(String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> HandlerWork.parse(text));
        assertTrue(e.getMessage().contains("--handler"), e.getMessage());
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
