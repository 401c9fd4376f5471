package io.greetbench.capacity;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.harness.BadInputException;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class CapacitySettingsTest {

    private static final Duration S = Duration.ofSeconds(1);

    @Test
    void shouldAcceptTheDefaultsAndTheQuickOnes() {
        CapacitySettings.defaults();
        CapacitySettings.quick();
    }

    @Test
    void shouldNameTheOptionOfEachBadValue() {
        Slo slo = Slo.DEFAULT;
        assertNames("--start-rate", () -> new CapacitySettings(slo, 0, 2, 0.1, 5, S, S, S));
        assertNames("--growth", () -> new CapacitySettings(slo, 100, 1, 0.1, 5, S, S, S));
        assertNames("--tolerance", () -> new CapacitySettings(slo, 100, 2, 0, 5, S, S, S));
        assertNames("--max-steps", () -> new CapacitySettings(slo, 100, 2, 0.1, 0, S, S, S));
        assertNames("--step-duration", () -> new CapacitySettings(slo, 100, 2, 0.1, 5, Duration.ZERO, S, S));
        assertNames("--step-warmup", () -> new CapacitySettings(slo, 100, 2, 0.1, 5, S, S.negated(), S));
        assertNames("--timeout", () -> new CapacitySettings(slo, 100, 2, 0.1, 5, S, S, Duration.ZERO));
    }

    private static void assertNames(String option, Supplier<CapacitySettings> settings) {
        BadInputException e = assertThrows(BadInputException.class, settings::get);
        assertTrue(e.getMessage().startsWith(option + " "), e.getMessage());
    }
}
