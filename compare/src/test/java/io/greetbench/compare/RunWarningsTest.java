package io.greetbench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.harness.HostStalls;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary warnings: a machine whose stalls set the p99s says so; a calm one says nothing. */
class RunWarningsTest {

    private static final String IDLE = "0.10 0.10 0.10 1/100 1";

    @Test
    void shouldWarnThatTheOpenLoopP99sCarryTheMachinesStalls() {
        HostStalls stalls = new HostStalls(Duration.ofSeconds(1), 19, 6_000_000, 2_640_000);
        List<String> warnings = new RunWarnings().summarize(0.10, IDLE, IDLE, stalls);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("The machine stalls: a thread spinning on the generator's CPUs before the run met "
                + "19 stalls of 0.5 ms or more in 1.0 s, 0.60% of the time, the longest 2.64 ms"), warnings.get(0));
    }

    @Test
    void shouldSayNothingOfStallsBelowAQuarterPercent() {
        HostStalls stalls = new HostStalls(Duration.ofSeconds(1), 2, 2_200_000, 1_370_000);
        assertEquals(List.of(), new RunWarnings().summarize(0.10, IDLE, IDLE, stalls));
    }
}
