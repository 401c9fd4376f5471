package io.greetbench.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.protocol.ConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SloTest {

    @Test
    void shouldParseWhatUsersType() {
        assertEquals(new Slo(99, Duration.ofMillis(5)), Slo.parse("p99=5ms"));
        assertEquals(new Slo(99.9, Duration.ofNanos(800_000)), Slo.parse("p99.9=800us"));
        assertEquals(new Slo(50, Duration.ofNanos(1_500_000)), Slo.parse(" P50=1.5ms "));
        assertEquals(new Slo(100, Duration.ofSeconds(2)), Slo.parse("p100=2s"));
    }

    @Test
    void shouldPrintAsTyped() {
        for (String text : new String[] {"p99=5ms", "p99.9=800us", "p50=1.5us", "p100=2s"}) {
            assertEquals(text, Slo.parse(text).toString());
        }
        assertEquals("p99=5ms", Slo.DEFAULT.toString());
    }

    @Test
    void shouldRejectBadInputInOneLineNamingTheOption() {
        for (String bad : new String[] {"", "99=5ms", "p99", "p99=5", "p99=-5ms", "p0=5ms", "p101=5ms", "p99=0ms", "p99=5min", "p99=2h"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> Slo.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("--slo "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void shouldBeMetAtTheLimit() {
        Slo slo = Slo.parse("p99=5ms");
        assertTrue(slo.metBy(5_000_000));
        assertFalse(slo.metBy(5_000_001));
    }
}
