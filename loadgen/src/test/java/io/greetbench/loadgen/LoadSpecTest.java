package io.greetbench.loadgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.protocol.ConfigException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class LoadSpecTest {

    private static final InetSocketAddress TARGET = new InetSocketAddress("127.0.0.1", 8888);
    private static final LoadSpec CLOSED = LoadSpec.closed(TARGET, 64, Duration.ofSeconds(10));

    private static void assertRejects(String option, Executable build) {
        ConfigException e = assertThrows(ConfigException.class, build);
        assertEquals(option, e.parameter(), e.getMessage());
        assertTrue(e.getMessage().startsWith(option + " "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void shouldFillEveryDefault() {
        assertEquals(Workload.CLOSED, CLOSED.workload());
        assertEquals(LoadSpec.DEFAULT_WARMUP, CLOSED.warmup());
        assertEquals(LoadSpec.DEFAULT_EXCHANGE_TIMEOUT, CLOSED.exchangeTimeout());
        assertArrayEquals(LoadSpec.DEFAULT_PAYLOAD, CLOSED.payload());
        assertTrue(CLOSED.threads() >= 1 && CLOSED.threads() <= 64);
        LoadSpec open = LoadSpec.open(TARGET, 1000, Duration.ofSeconds(5));
        assertEquals(LoadSpec.DEFAULT_OPEN_CONNECTIONS, open.connections());
        assertEquals(1000, open.ratePerSecond());
        LoadSpec held = LoadSpec.held(TARGET, 100, Duration.ofSeconds(3));
        assertEquals(100, held.heldConnections());
        assertEquals(Duration.ofSeconds(3), held.thinkTime());
        assertEquals(1, held.sourceAddresses());
    }

    @Test
    void shouldSpreadManyHeldConnectionsOverSourceAddresses() {
        LoadSpec held = LoadSpec.held(TARGET, 100_000, Duration.ofSeconds(1));
        assertTrue(held.sourceAddresses() >= 4, "100k connections need several 127.0.0.x, got " + held.sourceAddresses());
    }

    @Test
    void shouldRejectARateOfZero() {
        assertRejects("--rate", () -> LoadSpec.open(TARGET, 0, Duration.ofSeconds(1)));
        assertRejects("--rate", () -> LoadSpec.open(TARGET, Double.NaN, Duration.ofSeconds(1)));
        assertRejects("--rate", () -> CLOSED.withRate(10));
    }

    @Test
    void shouldRejectANegativeOrZeroDuration() {
        assertRejects("--duration", () -> CLOSED.withDuration(Duration.ofSeconds(-1)));
        assertRejects("--duration", () -> CLOSED.withDuration(Duration.ZERO));
        assertRejects("--warmup", () -> CLOSED.withWarmup(Duration.ofMillis(-1)));
        assertRejects("--timeout", () -> CLOSED.withExchangeTimeout(Duration.ZERO));
    }

    @Test
    void shouldRejectAMissingOrUnresolvedTarget() {
        assertRejects("--target", () -> CLOSED.withTarget(null));
        assertRejects("--target", () -> CLOSED.withTarget(InetSocketAddress.createUnresolved("no.such.host.invalid", 80)));
    }

    @Test
    void shouldRejectBadCountsAndThreads() {
        assertRejects("--connections", () -> CLOSED.withConnections(0));
        assertRejects("--threads", () -> CLOSED.withThreads(0));
        assertRejects("--threads", () -> LoadSpec.closed(TARGET, 2, Duration.ofSeconds(1)).withThreads(3));
        assertRejects("--held", () -> LoadSpec.held(TARGET, 0, Duration.ofSeconds(1)));
        assertRejects("--think", () -> LoadSpec.held(TARGET, 10, Duration.ofSeconds(-1)));
        assertRejects("--ramp", () -> LoadSpec.held(TARGET, 10, Duration.ZERO).withRamp(Duration.ofSeconds(-1)));
        assertRejects("--source-addresses", () -> CLOSED.withSourceAddresses(255));
        assertRejects("--source-addresses", () -> CLOSED.withTarget(new InetSocketAddress("10.1.2.3", 80)).withSourceAddresses(2));
    }

    @Test
    void shouldRejectAnEmptyPayloadWithoutHalfClose() {
        assertRejects("--empty", () -> CLOSED.withPayload(new byte[0], false));
        assertEquals(0, CLOSED.withPayload(new byte[0], true).payloadLength());
    }

    @Test
    void shouldRejectAMalformedCpuList() {
        assertRejects("--cpus", () -> CLOSED.withCpus("one"));
        assertRejects("--cpus", () -> CLOSED.withCpus("1,"));
        assertEquals("0-1,3", CLOSED.withCpus("0-1,3").cpus());
    }

    @Test
    void shouldCopyThePayload() {
        byte[] bytes = {'a', 'b'};
        LoadSpec spec = CLOSED.withPayload(bytes, false);
        bytes[0] = 'x';
        assertArrayEquals(new byte[] {'a', 'b'}, spec.payload());
        spec.payload()[1] = 'y';
        assertArrayEquals(new byte[] {'a', 'b'}, spec.payload());
        assertEquals(spec, CLOSED.withPayload(new byte[] {'a', 'b'}, false));
    }
}
