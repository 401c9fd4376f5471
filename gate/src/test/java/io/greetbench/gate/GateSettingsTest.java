package io.greetbench.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.capacity.CapacitySettings;
import io.greetbench.capacity.Slo;
import io.greetbench.harness.BadInputException;
import io.greetbench.harness.ServerKind;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class GateSettingsTest {

    /** Every component, at its default until a test changes it. */
    private static final class Knobs {
        List<ServerKind> servers = GateSettings.DEFAULT_SERVERS;
        List<GateWorkload> workloads = GateSettings.DEFAULT_WORKLOADS;
        Slo capacitySlo = GateSettings.DEFAULT_CAPACITY_SLO;
        Duration budget = GateSettings.DEFAULT_BUDGET;
        double threshold = GateSettings.DEFAULT_THRESHOLD;
        double latencyThreshold = GateSettings.DEFAULT_LATENCY_THRESHOLD;
        double confidence = GateSettings.DEFAULT_CONFIDENCE;
        Duration round = GateSettings.DEFAULT_ROUND;
        Duration slice = GateSettings.DEFAULT_SLICE;
        Optional<Duration> warmup = Optional.empty();
        int minRounds = GateSettings.DEFAULT_MIN_ROUNDS;
        int maxRounds = GateSettings.DEFAULT_MAX_ROUNDS;

        GateSettings settings() {
            return new GateSettings(servers, workloads, capacitySlo, budget, threshold, latencyThreshold, confidence, round, slice, warmup, minRounds,
                    maxRounds, List.of(), List.of(), 1);
        }
    }

    private static GateSettings settings(Consumer<Knobs> change) {
        Knobs k = new Knobs();
        change.accept(k);
        return k.settings();
    }

    private static void assertRejected(String flag, Consumer<Knobs> change) {
        BadInputException e = assertThrows(BadInputException.class, () -> settings(change));
        assertTrue(e.getMessage().startsWith(flag + " "), e.getMessage());
    }

    @Test
    void shouldAcceptTheDefaults() {
        GateSettings s = settings(k -> { });
        assertEquals(List.of(ServerKind.NIO, ServerKind.NETTY, ServerKind.LOOM), s.servers());
        assertEquals(List.of("closed:64", "open:35%"), s.workloads().stream().map(GateWorkload::name).toList());
        assertEquals(GateSettings.DEFAULT_MAX_ROUNDS - GateSettings.DEFAULT_MIN_ROUNDS + 1, s.looks());
    }

    @Test
    void shouldNameTheFlagOfEveryBadValue() {
        assertRejected("--servers", k -> k.servers = List.of());
        assertRejected("--workload", k -> k.workloads = List.of());
        assertRejected("--budget", k -> k.budget = Duration.ZERO);
        assertRejected("--threshold", k -> k.threshold = 1.5);
        assertRejected("--threshold", k -> k.threshold = 0);
        assertRejected("--latency-threshold", k -> k.latencyThreshold = 0);
        assertRejected("--confidence", k -> k.confidence = 1);
        assertRejected("--workload", k -> k.workloads = List.of(GateWorkload.parse("open:35%")));
        assertRejected("--round", k -> k.round = Duration.ofSeconds(-1));
        assertRejected("--slice", k -> k.slice = Duration.ZERO);
        assertRejected("--slice", k -> k.slice = Duration.ofSeconds(4));
        assertRejected("--warmup", k -> k.warmup = Optional.of(Duration.ofSeconds(-1)));
        assertRejected("--min-rounds", k -> k.minRounds = 1);
        assertRejected("--max-rounds", k -> k.maxRounds = GateSettings.DEFAULT_MIN_ROUNDS - 1);
    }

    @Test
    void shouldGateEachServerOnce() {
        assertEquals(List.of(ServerKind.NIO, ServerKind.LOOM),
                settings(k -> k.servers = List.of(ServerKind.NIO, ServerKind.LOOM, ServerKind.NIO)).servers());
    }

    @Test
    void shouldWarmNettyLongerUnlessTold() {
        GateSettings defaults = settings(k -> { });
        assertEquals(GateSettings.NETTY_WARMUP, defaults.warmupFor(ServerKind.NETTY));
        assertEquals(GateSettings.DEFAULT_WARMUP, defaults.warmupFor(ServerKind.NIO));
        assertEquals(GateSettings.DEFAULT_WARMUP, defaults.warmupFor(ServerKind.LOOM));
        GateSettings told = settings(k -> k.warmup = Optional.of(Duration.ofMillis(500)));
        assertEquals(Duration.ofMillis(500), told.warmupFor(ServerKind.NETTY));
    }

    @Test
    void shouldReadPercentagesAndFractions() {
        assertEquals(0.05, GateSettings.parsePercent("5%"), 1e-12);
        assertEquals(0.05, GateSettings.parsePercent(" 0.05 "), 1e-12);
        assertEquals(0.975, GateSettings.parsePercent("97.5 %"), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> GateSettings.parsePercent("ten"));
        assertEquals("5%", GateSettings.percent(0.05));
        assertEquals("97.5%", GateSettings.percent(0.975));
        assertEquals("50%", GateSettings.percent(0.5));
    }

    @Test
    void shouldReadWorkloadsAsTyped() {
        assertEquals(new GateWorkload("closed:8", false, 8, GateWorkload.Basis.GIVEN), GateWorkload.parse("closed:8"));
        assertEquals(new GateWorkload("open:2500.5", true, 2500.5, GateWorkload.Basis.GIVEN), GateWorkload.parse(" open:2500.5 "));
        assertEquals(new GateWorkload("open:35%", true, 0.35, GateWorkload.Basis.CLOSED_LOOP), GateWorkload.parse("open:35%"));
        assertEquals(new GateWorkload("open:50%cap", true, 0.5, GateWorkload.Basis.CAPACITY), GateWorkload.parse("open:50%cap"));
        assertEquals(new GateWorkload("open:12.5%cap", true, 0.125, GateWorkload.Basis.CAPACITY), GateWorkload.parse(" open:12.5%cap"));
        for (String bad : List.of("closed:0", "closed:1.5", "open:0", "half:3", "closed:", "closed:50%", "open:0%", "open:150%",
                "closed:50%cap", "open:0%cap", "open:101%cap", "open:50cap", "open:50%CAP", "open:50%capacity", "open:%cap")) {
            assertThrows(IllegalArgumentException.class, () -> GateWorkload.parse(bad), bad);
        }
    }

    @Test
    void shouldGiveARelativeOpenLoopItsShareOfTheClosedRateAndKeepItsName() {
        GateWorkload share = GateWorkload.parse("open:35%");
        GateWorkload atRate = share.atClosedRate(20_000);
        assertEquals(new GateWorkload("open:35%", true, 7_000, GateWorkload.Basis.GIVEN), atRate);
        assertEquals(GateWorkload.parse("open:3000"), GateWorkload.parse("open:3000").atClosedRate(20_000));
        // Each share is given its rate by its own basis only.
        assertEquals(share, share.atCapacity(20_000));
        assertEquals(GateWorkload.parse("open:50%cap"), GateWorkload.parse("open:50%cap").atClosedRate(20_000));
        assertThrows(IllegalStateException.class, () -> share.spec(new java.net.InetSocketAddress("127.0.0.1", 1),
                Duration.ofSeconds(1), Optional.empty()));
    }

    @Test
    void shouldTakeACapacityShareAloneAndTellWhetherASearchIsNeeded() {
        // Unlike open:35%, a share of the capacity needs no closed loop beside it.
        GateSettings alone = settings(k -> k.workloads = List.of(GateWorkload.parse("open:50%cap")));
        assertTrue(alone.needsCapacity());
        assertFalse(settings(k -> { }).needsCapacity());
        assertRejected("--workload", k -> k.workloads = List.of(GateWorkload.parse("open:35%"), GateWorkload.parse("open:50%cap")));
        // The gate's search is capacity's quick profile at the gate's SLO.
        Slo loose = Slo.parse("p99.9=20ms");
        assertEquals(CapacitySettings.quick().withSlo(loose), settings(k -> k.capacitySlo = loose).capacitySearch());
        assertEquals(GateSettings.DEFAULT_CAPACITY_SLO, alone.capacitySearch().slo());
    }

    @Test
    void shouldWarmUpAgainAfterTheSearchNoLongerThanTheServersOwnWarmUp() {
        assertEquals(GateSettings.AFTER_CAPACITY_WARMUP, GateSettings.afterCapacityWarmup(GateSettings.NETTY_WARMUP));
        assertEquals(Duration.ofMillis(500), GateSettings.afterCapacityWarmup(Duration.ofMillis(500)));
        assertEquals(Duration.ZERO, GateSettings.afterCapacityWarmup(Duration.ZERO));
    }

    @Test
    void shouldSplitServerArgumentsLikeAShell() {
        assertEquals(List.of("--handler", "cpu:5", "--io-threads", "2"),
                GateSettings.splitArgs("--baseline-args", "  --handler cpu:5   --io-threads 2 "));
        assertEquals(List.of("--host", "a b"), GateSettings.splitArgs("--baseline-args", "--host 'a b'"));
        assertEquals(List.of(), GateSettings.splitArgs("--baseline-args", ""));
        assertEquals(List.of(), GateSettings.splitArgs("--baseline-args", null));
        BadInputException e = assertThrows(BadInputException.class, () -> GateSettings.splitArgs("--candidate-args", "--host 'a"));
        assertTrue(e.getMessage().startsWith("--candidate-args: "), e.getMessage());
    }
}
