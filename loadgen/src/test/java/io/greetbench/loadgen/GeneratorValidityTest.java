package io.greetbench.loadgen;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When an open-loop run must not be trusted because of the generator itself. */
class GeneratorValidityTest {

    @Test
    void aThreadBusyMostOfTheWindowIsSaturated() {
        assertTrue(LoadGenerator.saturated(0.91));
        assertTrue(LoadGenerator.saturated(LoadGenerator.MAX_GENERATOR_BUSY + 0.001));
        assertFalse(LoadGenerator.saturated(LoadGenerator.MAX_GENERATOR_BUSY));
        assertFalse(LoadGenerator.saturated(0.5));
        assertFalse(LoadGenerator.saturated(0), "unknown (the thread did not span the window) is not saturated");
    }
}
