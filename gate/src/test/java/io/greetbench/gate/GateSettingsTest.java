package io.greetbench.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            return new GateSettings(servers, workloads, budget, threshold, latencyThreshold, confidence, round, slice, warmup, minRounds,
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
        assertEquals(new GateWorkload("closed:8", false, 8, false), GateWorkload.parse("closed:8"));
        assertEquals(new GateWorkload("open:2500.5", true, 2500.5, false), GateWorkload.parse(" open:2500.5 "));
        assertEquals(new GateWorkload("open:35%", true, 0.35, true), GateWorkload.parse("open:35%"));
        for (String bad : List.of("closed:0", "closed:1.5", "open:0", "half:3", "closed:", "closed:50%", "open:0%", "open:150%")) {
            assertThrows(IllegalArgumentException.class, () -> GateWorkload.parse(bad), bad);
        }
    }

    @Test
    void shouldGiveARelativeOpenLoopItsShareOfTheClosedRateAndKeepItsName() {
        GateWorkload share = GateWorkload.parse("open:35%");
        GateWorkload atRate = share.atClosedRate(20_000);
        assertEquals(new GateWorkload("open:35%", true, 7_000, false), atRate);
        assertEquals(GateWorkload.parse("open:3000"), GateWorkload.parse("open:3000").atClosedRate(20_000));
        assertThrows(IllegalStateException.class, () -> share.spec(new java.net.InetSocketAddress("127.0.0.1", 1),
                Duration.ofSeconds(1), Optional.empty()));
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
