package io.greetbench.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.protocol.ConformanceCheck.Case;
import io.greetbench.protocol.ConformanceCheck.ReferenceBug;
import io.greetbench.protocol.ConformanceCheck.Result;
import io.greetbench.protocol.ConformanceCheck.Settings;
import io.greetbench.protocol.ConformanceCheck.CaseVerdict;
import io.greetbench.protocol.FixtureServer.Flaw;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The check's own verdicts: the reference's documented bugs are known differences, and nothing
 * else is. Each test runs the check against a {@link FixtureServer} with one precise flaw.
 */
class ConformanceCheckTest {

    private static final Duration SHORT = Duration.ofSeconds(3);

    @Test
    @Timeout(90)
    void shouldReportExactlyTheReferencesKnownDifferencesAgainstReferenceBehaviour() throws IOException {
        try (Running server = Running.with(Flaw.REFERENCE, ServerConfig.ephemeral())) {
            ConformanceCheck check = new ConformanceCheck(server.settings()
                    .withIdleTimeoutHint(Duration.ofSeconds(1)).withConcurrentClients(50));
            Map<Case, Result> results = byCase(check.runAll());

            assertKnown(results, Case.NON_UTF8_BYTES, ReferenceBug.NOT_UTF8);
            assertKnown(results, Case.UTF8_CUT_AT_BYTE_100, ReferenceBug.NOT_UTF8);
            // 16 MiB cannot fit the client's send buffer: the write meets the RST.
            assertKnown(results, Case.REQUEST_16_MIB, ReferenceBug.LONG_REQUEST);
            assertKnown(results, Case.IDLE_CLIENT, ReferenceBug.IDLE_HELD_FOREVER);
            // Racy in the reference: when the client's send buffer takes the whole request, its
            // write succeeds and the server's FIN may be read before the RST comes.
            for (Case racy : List.of(Case.REQUEST_64_KIB, Case.REQUEST_1_MIB)) {
                Result r = results.get(racy);
                assertTrue(r.verdict() == CaseVerdict.PASS || r.bug() == ReferenceBug.LONG_REQUEST, r::line);
            }
            assertEquals(CaseVerdict.SKIPPED, results.get(Case.IPV6).verdict(), results.get(Case.IPV6)::line);
            for (Case c : List.of(Case.NORMAL_REQUEST, Case.EMPTY_REQUEST_HALF_CLOSE, Case.SPLIT_REQUEST,
                    Case.REQUEST_100_BYTES, Case.REQUEST_101_BYTES, Case.CLIENT_RESETS_AFTER_CONNECT,
                    Case.CLIENT_CLOSES_BEFORE_READING, Case.MANY_CLIENTS)) {
                assertEquals(CaseVerdict.PASS, results.get(c).verdict(), results.get(c)::line);
            }
        }
    }

    @Test
    @Timeout(60)
    void shouldFailWrongBytesEvenWhereTheReferenceDiffers() throws IOException {
        try (Running server = Running.with(Flaw.WRONG_REPLY, ServerConfig.ephemeral())) {
            ConformanceCheck check = new ConformanceCheck(server.settings());
            Result normal = check.run(Case.NORMAL_REQUEST);
            assertEquals(CaseVerdict.FAIL, normal.verdict(), normal::line);
            assertTrue(normal.detail().startsWith("expected \"Hello, ('127.0.0.1', "), normal::line);
            // The reference sends nothing here; a wrong greeting is not that bug.
            assertEquals(CaseVerdict.FAIL, check.run(Case.NON_UTF8_BYTES).verdict());
            assertEquals(CaseVerdict.FAIL, check.run(Case.REQUEST_1_MIB).verdict());
        }
    }

    @Test
    @Timeout(60)
    void shouldFailServerThatHoldsNonUtf8ClientInsteadOfDroppingIt() throws IOException {
        try (Running server = Running.with(Flaw.SILENT_ON_BAD_UTF8, ServerConfig.ephemeral())) {
            ConformanceCheck check = new ConformanceCheck(server.settings().withCaseTimeout(Duration.ofSeconds(1)));
            Result result = check.run(Case.NON_UTF8_BYTES);
            assertEquals(CaseVerdict.FAIL, result.verdict(), result::line);
            assertTrue(result.detail().contains("timed out"), result::line);
        }
    }

    @Test
    @Timeout(60)
    void shouldFailResetOnShortRequestButCallItTheKnownBugOnLongOne() throws IOException {
        try (Running server = Running.with(Flaw.RESET_AFTER_REPLY, ServerConfig.ephemeral())) {
            ConformanceCheck check = new ConformanceCheck(server.settings());
            Result normal = check.run(Case.NORMAL_REQUEST);
            assertEquals(CaseVerdict.FAIL, normal.verdict(), normal::line);
            assertTrue(normal.detail().contains("RST"), normal::line);
            Result halfClose = check.run(Case.EMPTY_REQUEST_HALF_CLOSE);
            assertEquals(CaseVerdict.FAIL, halfClose.verdict(), halfClose::line);
            assertKnown(Map.of(Case.REQUEST_16_MIB, check.run(Case.REQUEST_16_MIB)), Case.REQUEST_16_MIB, ReferenceBug.LONG_REQUEST);
        }
    }

    @Test
    @Timeout(30)
    void shouldPassIdleCaseOnlyForFinWithoutGreeting() throws IOException {
        try (Running server = Running.with(Flaw.NONE, ServerConfig.ephemeral().with(c -> c.idleTimeout = Duration.ofMillis(500)))) {
            ConformanceCheck check = new ConformanceCheck(server.settings().withIdleTimeoutHint(Duration.ofMillis(500)));
            Result idle = check.run(Case.IDLE_CLIENT);
            assertEquals(CaseVerdict.PASS, idle.verdict(), idle::line);
        }
    }

    @Test
    @Timeout(30)
    void shouldSkipIdleCaseWithoutHint() throws IOException {
        try (Running server = Running.with(Flaw.NONE, ServerConfig.ephemeral())) {
            Result idle = new ConformanceCheck(Settings.of(server.address())).run(Case.IDLE_CLIENT);
            assertEquals(CaseVerdict.SKIPPED, idle.verdict(), idle::line);
            assertTrue(idle.line().startsWith("SKIP              idle-client ("), idle::line);
        }
    }

    @Test
    @Timeout(30)
    void shouldCallTargetUnreachableWhenNothingListens() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        ConformanceCheck check = new ConformanceCheck(Settings.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
        assertThrows(ConformanceCheck.UnreachableException.class, check::runAll);
    }

    @Test
    @Timeout(30)
    void shouldCallUnknownHostUnreachable() {
        ConformanceCheck check = new ConformanceCheck(Settings.of(HostPort.parse("no-such-host.invalid:8888").unresolved()));
        assertThrows(ConformanceCheck.UnreachableException.class, check::prepare);
    }

    @Test
    void shouldRejectBadSettingsNamingTheOption() {
        InetSocketAddress target = HostPort.parse("127.0.0.1:8888").unresolved();
        assertEquals("--timeout", assertThrows(ConfigException.class,
                () -> Settings.of(target).withCaseTimeout(Duration.ofMillis(10))).parameter());
        assertEquals("--idle-timeout-hint", assertThrows(ConfigException.class,
                () -> Settings.of(target).withIdleTimeoutHint(Duration.ofSeconds(-1))).parameter());
    }

    @Test
    void shouldPrintOneLinePerResultAndSummary() {
        Result pass = new Result(Case.NORMAL_REQUEST, CaseVerdict.PASS, null, "ok");
        Result fail = new Result(Case.SPLIT_REQUEST, CaseVerdict.FAIL, null, "expected x");
        Result known = new Result(Case.NON_UTF8_BYTES, CaseVerdict.KNOWN_DIFFERENCE, ReferenceBug.NOT_UTF8, "nothing then FIN");
        Result skip = new Result(Case.IPV6, CaseVerdict.SKIPPED, null, "no IPv6");
        assertEquals("PASS              normal-request", pass.line());
        assertEquals("FAIL              split-request: expected x", fail.line());
        assertEquals("KNOWN-DIFFERENCE  non-utf8-bytes (reference bug: " + ReferenceBug.NOT_UTF8.row() + "; observed: nothing then FIN)", known.line());
        assertEquals("SKIP              ipv6 (no IPv6)", skip.line());
        assertEquals("4 cases: 1 passed, 1 known differences from the reference, 1 failed, 1 skipped",
                ConformanceCheck.summary(List.of(pass, fail, known, skip)));
        assertThrows(IllegalArgumentException.class, () -> new Result(Case.IPV6, CaseVerdict.KNOWN_DIFFERENCE, null, "x"));
    }

    @Test
    void shouldQuoteBytesOnOneLine() {
        assertEquals("\"Hi\\n\\xff\\\"\"", ConformanceCheck.quote(new byte[] {'H', 'i', '\n', (byte) 0xff, '"'}));
    }

    private static Map<Case, Result> byCase(List<Result> results) {
        Map<Case, Result> map = new EnumMap<>(Case.class);
        for (Result r : results) {
            map.put(r.testCase(), r);
        }
        assertEquals(Case.values().length, map.size());
        return map;
    }

    private static void assertKnown(Map<Case, Result> results, Case c, ReferenceBug bug) {
        Result r = results.get(c);
        assertEquals(CaseVerdict.KNOWN_DIFFERENCE, r.verdict(), r::line);
        assertEquals(bug, r.bug(), r::line);
    }

    /** A started fixture server, closed by try-with-resources. */
    private record Running(FixtureServer server) implements AutoCloseable {

        static Running with(Flaw flaw, ServerConfig config) throws IOException {
            FixtureServer server = new FixtureServer(config, flaw);
            server.start();
            return new Running(server);
        }

        InetSocketAddress address() {
            return server.boundAddress();
        }

        /** Settings to check this server, with the short case timeout these tests use. */
        Settings settings() {
            return Settings.of(address()).withCaseTimeout(SHORT);
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
