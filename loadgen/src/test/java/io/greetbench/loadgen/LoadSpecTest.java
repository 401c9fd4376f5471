package io.greetbench.loadgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.protocol.ConfigException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class LoadSpecTest {

    private static final InetSocketAddress TARGET = new InetSocketAddress("127.0.0.1", 8888);
    private static final LoadSpec CLOSED = LoadSpec.closed(TARGET, 64, Duration.ofSeconds(10));

    /** A fresh builder of {@link #CLOSED}, to change one value. */
    private static LoadSpec.Builder closed() {
        return LoadSpec.builder(TARGET).closed(64).duration(Duration.ofSeconds(10));
    }

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
        assertArrayEquals(LoadSpec.DEFAULT_PAYLOAD.getBytes(StandardCharsets.UTF_8), CLOSED.payload());
        assertTrue(CLOSED.threads() >= 1 && CLOSED.threads() <= 64);
        assertEquals(CLOSED, closed().build());
        LoadSpec open = LoadSpec.open(TARGET, 1000, Duration.ofSeconds(5));
        assertEquals(LoadSpec.DEFAULT_OPEN_CONNECTIONS, open.connections());
        assertEquals(1000, open.ratePerSecond());
        LoadSpec held = LoadSpec.held(TARGET, 100, Duration.ofSeconds(3));
        assertEquals(100, held.heldConnections());
        assertEquals(LoadSpec.DEFAULT_HELD_CONNECTS_IN_FLIGHT, held.connections());
        assertEquals(Duration.ofSeconds(3), held.thinkTime());
        assertEquals(Duration.ZERO, held.warmup());
        assertEquals(1, held.sourceAddresses());
        LoadSpec plain = LoadSpec.builder(TARGET).build();
        assertEquals(Workload.CLOSED, plain.workload());
        assertEquals(LoadSpec.DEFAULT_CONNECTIONS, plain.connections());
        assertEquals(LoadSpec.DEFAULT_DURATION, plain.duration());
    }

    @Test
    void shouldDeriveTheThreadsFromTheConnectionsAndTheCpus() {
        assertEquals(1, closed().connections(1).build().threads(), "at most one thread per connection");
        assertEquals(2, closed().cpus("0-1").build().threads(), "one thread per listed CPU");
        assertEquals(1, closed().cpus("0-3").connections(1).build().threads());
        assertEquals(3, closed().cpus("0-1").threads(3).build().threads(), "a thread count given wins");
        assertEquals(3, LoadSpec.builder(TARGET).held(3).cpus("0-7").build().threads(), "at most one per held connection");
    }

    @Test
    void shouldRebuildTheSameSpecAndChangeOnlyWhatIsSet() {
        Path log = Path.of("run.hlog");
        LoadSpec open = LoadSpec.builder(TARGET).open(500).connections(7).threads(2).payload(new byte[] {'x'}, true)
                .hlog(log).io(IoEngine.NIO).build();
        assertEquals(open, open.toBuilder().build());
        LoadSpec shorter = open.toBuilder().warmup(Duration.ZERO).exchangeTimeout(Duration.ofSeconds(1)).build();
        assertEquals(Duration.ZERO, shorter.warmup());
        assertEquals(Duration.ofSeconds(1), shorter.exchangeTimeout());
        assertEquals(open, shorter.toBuilder().warmup(open.warmup()).exchangeTimeout(open.exchangeTimeout()).build());
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
    }

    @Test
    void shouldRejectANegativeOrZeroDuration() {
        assertRejects("--duration", () -> closed().duration(Duration.ofSeconds(-1)).build());
        assertRejects("--duration", () -> closed().duration(Duration.ZERO).build());
        assertRejects("--warmup", () -> closed().warmup(Duration.ofMillis(-1)).build());
        assertRejects("--timeout", () -> closed().exchangeTimeout(Duration.ZERO).build());
    }

    @Test
    void shouldRejectAMissingOrUnresolvedTarget() {
        assertRejects("--target", () -> LoadSpec.builder(null).build());
        assertRejects("--target", () -> LoadSpec.builder(InetSocketAddress.createUnresolved("no.such.host.invalid", 80)).build());
    }

    @Test
    void shouldRejectBadCountsAndThreads() {
        assertRejects("--connections", () -> closed().connections(0).build());
        assertRejects("--threads", () -> closed().threads(0).build());
        assertRejects("--threads", () -> closed().connections(2).threads(3).build());
        assertRejects("--held", () -> LoadSpec.held(TARGET, 0, Duration.ofSeconds(1)));
        assertRejects("--think", () -> LoadSpec.held(TARGET, 10, Duration.ofSeconds(-1)));
        assertRejects("--ramp", () -> LoadSpec.builder(TARGET).held(10).ramp(Duration.ofSeconds(-1)).build());
        assertRejects("--source-addresses", () -> closed().sourceAddresses(255).build());
        assertRejects("--source-addresses", () -> LoadSpec.builder(new InetSocketAddress("10.1.2.3", 80)).sourceAddresses(2).build());
    }

    @Test
    void shouldRejectAnEmptyPayloadWithoutHalfClose() {
        assertRejects("--empty", () -> closed().payload(new byte[0], false).build());
        assertEquals(0, closed().payload(new byte[0], true).build().payloadLength());
    }

    @Test
    void shouldRejectAMalformedCpuList() {
        assertRejects("--cpus", () -> closed().cpus("one").build());
        assertRejects("--cpus", () -> closed().cpus("1,").build());
        assertEquals("0-1,3", closed().cpus("0-1,3").build().cpus());
    }

    @Test
    void shouldCopyThePayload() {
        byte[] bytes = {'a', 'b'};
        LoadSpec spec = closed().payload(bytes, false).build();
        bytes[0] = 'x';
        assertArrayEquals(new byte[] {'a', 'b'}, spec.payload());
        spec.payload()[1] = 'y';
        assertArrayEquals(new byte[] {'a', 'b'}, spec.payload());
        assertEquals(spec, closed().payload(new byte[] {'a', 'b'}, false).build());
    }
}
