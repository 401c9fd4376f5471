package io.greetbench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greetbench.protocol.ConfigException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator against in-test servers, once per {@link IoEngine}: each engine subclasses this
 * with one override. No assertion is about speed: only about relations between numbers of the same
 * run, and about counts.
 */
abstract class LoadGeneratorSuite {

    private static final Duration SHORT = Duration.ofMillis(1500);

    @TempDir
    Path dir;

    /** The engine every run of this class uses. */
    abstract IoEngine engine();

    private LoadResult run(LoadSpec.Builder spec, ProgressListener progress) throws UnreachableTargetException {
        LoadResult r = LoadGenerator.run(spec.io(engine()).build(), progress);
        assertEquals(engine(), r.spec().io(), "the result names the engine that ran");
        return r;
    }

    /** Runs {@code spec} and requires that it completed exchanges without a single error. */
    private LoadResult runCleanly(LoadSpec.Builder spec) throws UnreachableTargetException {
        LoadResult r = run(spec, ProgressListener.NONE);
        assertTrue(r.exchanges() > 0, r.summary(false));
        assertEquals(0, r.totalErrors(), r.summary(false));
        return r;
    }

    /** A short closed loop on one thread, without warm-up. */
    private static LoadSpec.Builder closed(TestServer server, int connections, Duration duration) {
        return LoadSpec.builder(server.address()).closed(connections).duration(duration).warmup(Duration.ZERO).threads(1);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldCompleteExchangesAgainstAWellBehavedServer() throws Exception {
        try (TestServer server = new TestServer(TestServer.Behaviour.GREET)) {
            LoadResult r = runCleanly(closed(server, 4, SHORT).warmup(Duration.ofMillis(300)));
            assertTrue(r.valid(), r.summary(false));
            assertEquals(r.exchanges(), r.corrected().getTotalCount());
            assertEquals(r.exchanges(), r.raw().getTotalCount());
            assertTrue(r.generatorCpuNanos() > 0);
            assertEquals(r.exchanges(), new ObjectMapper().readTree(r.toJson()).get("exchanges").asLong(), r.toJson());
            assertTrue(r.summary(true).contains("Exchanges/sec"));
        }
    }

    /** Over IPv6 the reply carries the client's IPv6 address, so the engine's address decoding is checked too. */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldCompleteExchangesOverIpv6() throws Exception {
        InetAddress v6;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            v6 = probe.getInetAddress();
        } catch (IOException e) {
            assumeTrue(false, "no IPv6 loopback here: " + e.getMessage());
            return;
        }
        try (TestServer server = new TestServer(TestServer.Behaviour.GREET, v6)) {
            runCleanly(closed(server, 2, Duration.ofMillis(500)));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldSendNothingAndHalfClose() throws Exception {
        try (TestServer server = new TestServer(TestServer.Behaviour.READ_TO_END)) {
            runCleanly(closed(server, 2, Duration.ofMillis(700)).payload(new byte[0], true));
        }
    }

    /** A request far larger than a socket buffer: the writes come back partial and resume on the next writable edge. */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldWriteALargeRequestInPartsThenHalfClose() throws Exception {
        byte[] big = new byte[4 << 20];
        Arrays.fill(big, (byte) 'a');
        try (TestServer server = new TestServer(TestServer.Behaviour.READ_TO_END)) {
            runCleanly(closed(server, 2, Duration.ofMillis(1000)).payload(big, true)
                    .exchangeTimeout(Duration.ofSeconds(10)));
        }
    }

    /**
     * Coordinated omission, shown: the server stops accepting for a second in the middle of the
     * run. The open loop keeps its schedule, so every exchange intended during the stall is late
     * and the corrected percentiles show it; the raw ones see a single slow exchange; the closed
     * loop, which waits for the server before sending more, hides the stall as well.
     */
    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void shouldShowAStallInCorrectedPercentilesOnly() throws Exception {
        Duration stall = Duration.ofSeconds(1);
        try (TestServer server = new TestServer(TestServer.Behaviour.GREET).stallAfter(150, stall)) {
            LoadSpec.Builder open = LoadSpec.builder(server.address()).open(200).duration(Duration.ofSeconds(3))
                    .warmup(Duration.ZERO).connections(1).threads(1)
                    .exchangeTimeout(Duration.ofSeconds(5));
            LoadResult r = run(open, ProgressListener.NONE);
            String report = r.summary(false);
            assertTrue(r.correctedNanos(99) >= 500_000_000L, "corrected p99 shows the stall\n" + report);
            assertTrue(r.rawNanos(99) < 200_000_000L, "raw p99 does not\n" + report);
            assertTrue(r.rawNanos(100) >= 500_000_000L, "the one stalled exchange is in the raw maximum\n" + report);
            assertTrue(r.late() > 50, "exchanges intended during the stall waited for the connection\n" + report);
            assertEquals(0, r.totalErrors(), report);
        }
        try (TestServer server = new TestServer(TestServer.Behaviour.GREET).stallAfter(150, stall)) {
            LoadSpec.Builder closed = closed(server, 1, Duration.ofSeconds(3)).exchangeTimeout(Duration.ofSeconds(5));
            LoadResult r = run(closed, ProgressListener.NONE);
            String report = r.summary(false);
            assertTrue(r.correctedNanos(100) >= 500_000_000L, "the stalled exchange is in the maximum\n" + report);
            assertTrue(r.correctedNanos(99) < 200_000_000L, "closed loop hides the stall from p99\n" + report);
        }
    }

    /**
     * A server that cannot keep up: it greets the first 70 connections, then holds every request
     * until the run is over, so every connection is soon held and exchanges queue behind them.
     * Every exchange due in the window is still in the corrected histogram, exactly once: completed
     * ones at their latency, timed-out, in-flight and never-started ones at a lower bound that is
     * at least the exchange's wait by then. The warm-up's exchanges are in none of it. The run is
     * overloaded, which does not make it invalid.
     */
    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void shouldRecordEveryDueExchangeOfAServerThatCannotKeepUp() throws Exception {
        int rate = 100;
        Duration timeout = Duration.ofSeconds(1);
        Queue<long[]> samples = new ConcurrentLinkedQueue<>();
        LoadResult r;
        try (TestServer server = new TestServer(TestServer.Behaviour.GATED).answerFirst(70)) {
            LoadSpec spec = LoadSpec.builder(server.address()).open(rate).duration(Duration.ofSeconds(1))
                    .warmup(Duration.ofMillis(500)).connections(10).threads(1).exchangeTimeout(timeout).io(engine()).build();
            r = LoadGenerator.run(spec, ProgressListener.NONE,
                    (intended, corrected, outcome) -> samples.add(new long[] {intended, corrected, outcome.ordinal()}));
        }
        String report = r.summary(false);
        assertEquals(rate, r.due(), "rate x duration\n" + report);
        assertEquals(r.due(), r.corrected().getTotalCount(), report);
        assertEquals(r.due(), samples.size(), report);
        assertEquals(r.exchanges(), r.raw().getTotalCount(), "raw holds completed exchanges only\n" + report);
        long[] intended = samples.stream().mapToLong(s -> s[0]).sorted().toArray();
        for (int i = 1; i < intended.length; i++) {
            long step = intended[i] - intended[i - 1];
            assertTrue(Math.abs(step - 1_000_000_000L / rate) <= 1, "each slot of the window once, none missing: step " + i + " is " + step);
        }
        long[] byOutcome = new long[Worker.Outcome.values().length];
        samples.forEach(s -> byOutcome[(int) s[2]]++);
        assertEquals(r.exchanges(), byOutcome[Worker.Outcome.COMPLETED.ordinal()], report);
        assertEquals(r.totalErrors(), byOutcome[Worker.Outcome.FAILED.ordinal()], report);
        assertEquals(r.notStarted(), byOutcome[Worker.Outcome.NOT_STARTED.ordinal()], report);
        assertEquals(r.inFlight(), byOutcome[Worker.Outcome.IN_FLIGHT.ordinal()], report);
        assertTrue(r.exchanges() > 0 && r.totalErrors() > 0 && r.notStarted() > 0 && r.inFlight() > 0, report);
        assertEquals(r.totalErrors(), r.errors(ErrorKind.CONNECT_TIMEOUT) + r.errors(ErrorKind.READ_TIMEOUT), report);
        long end = -1;
        for (long[] s : samples) {
            if (s[2] == Worker.Outcome.COMPLETED.ordinal()) {
                continue;
            }
            // A failed one waited its timeout at least; the others, past the window and its drain.
            assertTrue(s[1] >= timeout.toNanos(), "a lower bound shorter than the wait it bounds\n" + report);
            if (s[2] != Worker.Outcome.FAILED.ordinal()) {
                assertTrue(end < 0 || end == s[0] + s[1], "all timed at the one end of the run\n" + report);
                end = s[0] + s[1];
            }
        }
        assertTrue(end >= intended[intended.length - 1] + timeout.toNanos(), report);
        assertTrue(r.overloaded(), report);
        assertTrue(report.contains("OVERLOADED"), report);
        // Valid: only the generator's own trouble (a stall on a busy machine) may make it otherwise.
        assertTrue(r.valid() || Arrays.stream(r.invalidReason().split("; ")).allMatch(p -> p.startsWith("the generator")), report);
        JsonNode json = new ObjectMapper().readTree(r.toJson());
        assertEquals(rate, json.get("due").asLong(), r.toJson());
        assertEquals(rate, json.get("corrected").get("count").asLong(), r.toJson());
        assertEquals(r.notStarted(), json.get("lower_bounds").get("not_started").asLong(), r.toJson());
        assertEquals(r.inFlight(), json.get("lower_bounds").get("in_flight").asLong(), r.toJson());
        assertEquals(r.totalErrors(), json.get("lower_bounds").get("failed").asLong(), r.toJson());
        assertTrue(json.get("overloaded").asBoolean(), r.toJson());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldCountResets() throws Exception {
        assertOnlyError(TestServer.Behaviour.RESET, ErrorKind.RESET);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldCountWrongReplies() throws Exception {
        assertOnlyError(TestServer.Behaviour.GARBAGE, ErrorKind.WRONG_REPLY);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldCountShortReplies() throws Exception {
        assertOnlyError(TestServer.Behaviour.SHORT, ErrorKind.SHORT_REPLY);
    }

    private void assertOnlyError(TestServer.Behaviour behaviour, ErrorKind expected) throws Exception {
        try (TestServer server = new TestServer(behaviour)) {
            LoadResult r = run(closed(server, 2, Duration.ofMillis(700)), ProgressListener.NONE);
            String report = r.summary(false);
            assertEquals(0, r.exchanges(), report);
            assertTrue(r.errors(expected) > 0, report);
            assertEquals(r.errors(expected), r.totalErrors(), report);
            assertFalse(r.valid(), report);
            assertTrue(r.invalidReason().contains(expected.label()), r.invalidReason());
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldTimeOutOnAServerThatNeverAnswers() throws Exception {
        try (TestServer server = new TestServer(TestServer.Behaviour.SILENT)) {
            LoadSpec.Builder spec = closed(server, 2, Duration.ofSeconds(1)).exchangeTimeout(Duration.ofMillis(200));
            long start = System.nanoTime();
            LoadResult r = run(spec, ProgressListener.NONE);
            assertTrue(r.errors(ErrorKind.READ_TIMEOUT) > 0, r.summary(false));
            assertEquals(0, r.exchanges());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "the run ends");
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldTimeOutConnectsToAServerWhoseBacklogIsFull() throws Exception {
        try (TestServer server = new TestServer(TestServer.Behaviour.NEVER_ACCEPT)) {
            LoadSpec.Builder spec = closed(server, 8, Duration.ofSeconds(1)).exchangeTimeout(Duration.ofMillis(200));
            LoadResult r = run(spec, ProgressListener.NONE);
            assertTrue(r.errors(ErrorKind.CONNECT_TIMEOUT) > 0, r.summary(false));
            assertEquals(0, r.exchanges());
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldCountRefusedConnectsWhenTheServerDiesMidRun() throws Exception {
        TestServer server = new TestServer(TestServer.Behaviour.GREET);
        Thread killer = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(400);
                server.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        LoadResult r = run(closed(server, 2, Duration.ofMillis(1200)), ProgressListener.NONE);
        killer.join();
        assertTrue(r.exchanges() > 0, r.summary(false));
        assertTrue(r.errors(ErrorKind.CONNECT_REFUSED) > 0, r.summary(false));
        assertFalse(r.valid());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRefuseAnUnreachableTarget() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        LoadSpec.Builder spec = LoadSpec.builder(new InetSocketAddress("127.0.0.1", port)).closed(1).duration(SHORT);
        UnreachableTargetException e = assertThrows(UnreachableTargetException.class, () -> run(spec, ProgressListener.NONE));
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldHoldConnectionsThenCompleteEachExchange() throws Exception {
        try (TestServer server = new TestServer(TestServer.Behaviour.GREET)) {
            LoadSpec.Builder spec = LoadSpec.builder(server.address()).held(200).thinkTime(Duration.ofMillis(300)).threads(2);
            LoadResult r = run(spec, ProgressListener.NONE);
            String report = r.summary(false);
            assertEquals(200, r.peakConnections(), report);
            assertEquals(200, r.exchanges(), report);
            assertEquals(0, r.totalErrors(), report);
            assertTrue(r.valid(), report);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldSpreadOverSourceAddresses() throws Exception {
        try (TestServer server = new TestServer(TestServer.Behaviour.GREET)) {
            LoadSpec.Builder spec = closed(server, 4, Duration.ofMillis(500)).sourceAddresses(3);
            runCleanly(spec);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRunPinnedWithOneThreadPerListedCpu() throws Exception {
        try (TestServer server = new TestServer(TestServer.Behaviour.GREET)) {
            LoadSpec.Builder spec = LoadSpec.builder(server.address()).closed(4).duration(Duration.ofMillis(500))
                    .warmup(Duration.ZERO).cpus("0");
            assertEquals(1, spec.build().threads());
            assertEquals(2, LoadSpec.builder(server.address()).closed(4).cpus("0-1").build().threads());
            runCleanly(spec);
        }
    }

    @Test
    void shouldNameTheDescriptorLimitWhenAskedForMoreConnectionsThanItAllows() {
        long hard = SystemLimits.hardDescriptorLimit();
        assumeTrue(hard > 0 && hard < 1_000_000, "needs a finite hard descriptor limit");
        int asked = (int) hard + 1;
        LoadSpec.Builder spec = LoadSpec.builder(new InetSocketAddress("127.0.0.1", 9)).held(asked).thinkTime(Duration.ofSeconds(1));
        ConfigException e = assertThrows(ConfigException.class, () -> run(spec, ProgressListener.NONE));
        assertEquals("--held", e.parameter());
        assertTrue(e.getMessage().contains("RLIMIT_NOFILE") && e.getMessage().contains(Long.toString(hard))
                && e.getMessage().contains(Integer.toString(asked)), e.getMessage());
    }

    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void shouldWriteAnIntervalLogThatAddsUpToTheResultAndMergesExactly() throws Exception {
        try (TestServer server = new TestServer(TestServer.Behaviour.GREET)) {
            Path a = dir.resolve("a.hlog");
            Path b = dir.resolve("b.hlog");
            LoadResult ra = run(closed(server, 2, SHORT).warmup(Duration.ofMillis(300)).hlog(a), ProgressListener.NONE);
            LoadResult rb = run(LoadSpec.builder(server.address()).open(300).duration(SHORT).warmup(Duration.ZERO)
                    .threads(1).hlog(b), ProgressListener.NONE);

            HistogramLogs.Merged onlyA = HistogramLogs.merge(List.of(a));
            assertEquals(ra.corrected(), onlyA.corrected(), "round trip of the corrected histogram");
            assertEquals(ra.raw(), onlyA.raw(), "round trip of the raw histogram");
            assertEquals(ra.exchanges(), onlyA.corrected().getTotalCount());

            HistogramLogs.Merged both = HistogramLogs.merge(List.of(a, b));
            assertEquals(ra.exchanges() + rb.exchanges(), both.corrected().getTotalCount());
            assertEquals(Math.max(ra.corrected().getMaxValue(), rb.corrected().getMaxValue()), both.corrected().getMaxValue());
            assertEquals(Math.max(ra.raw().getMaxValue(), rb.raw().getMaxValue()), both.raw().getMaxValue());
            Histogram sum = ra.corrected().copy();
            sum.add(rb.corrected());
            assertEquals(sum, both.corrected(), "merging adds the histograms, count by count");
        }
    }

    @Test
    @Timeout(value = 40, unit = TimeUnit.SECONDS)
    void shouldWriteALogThatHistogramLogProcessorReads() throws Exception {
        try (TestServer server = new TestServer(TestServer.Behaviour.GREET)) {
            Path log = dir.resolve("run.hlog");
            LoadResult r = run(closed(server, 2, SHORT).hlog(log), ProgressListener.NONE);
            Path out = dir.resolve("processed");
            new HistogramLogProcessor(new String[] {"-i", log.toString(), "-o", out.toString()}).run();
            String summary = Files.readString(Path.of(out + ".hgrm"));
            var total = Pattern.compile("Total count\\s*=\\s*(\\d+)").matcher(summary);
            assertTrue(total.find(), summary);
            assertEquals(r.exchanges(), Long.parseLong(total.group(1)), summary);
        }
    }
}
