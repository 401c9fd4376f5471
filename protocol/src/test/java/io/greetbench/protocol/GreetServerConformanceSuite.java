package io.greetbench.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.greetbench.protocol.ConformanceCheck.Case;
import io.greetbench.protocol.ConformanceCheck.Result;
import io.greetbench.protocol.ConformanceCheck.Settings;
import io.greetbench.protocol.ConformanceCheck.CaseVerdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The server contract, tested once: every server module subclasses this suite with one override,
 * {@link #newServer(ServerConfig)}.
 *
 * <p>The protocol cases are {@link ConformanceCheck}'s, the same ones {@code greetbench check} runs
 * against any live server, here run against one in-process server per test class, and each must
 * {@link CaseVerdict#PASS}: a greetbench server has none of the reference's known bugs. The contract
 * tests below them (port 0, graceful close, the connection cap, dual-stack, the idle timeout, a tail
 * handler's held replies) start servers of their own with the settings they need.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class GreetServerConformanceSuite {

    /** A new, unstarted server with the given configuration. */
    protected abstract GreetServer newServer(ServerConfig config);

    private static final byte[] REQUEST = "hi\n".getBytes(StandardCharsets.US_ASCII);
    /** How long a tail handler holds a reply in the cases that time replies. */
    private static final Duration TAIL_DELAY = Duration.ofSeconds(1);
    /** Per-case limit inside the check; the JUnit timeouts are above it so the check reports first. */
    private static final Duration CASE_TIMEOUT = Duration.ofSeconds(10);

    private GreetServer shared;
    private ConformanceCheck check;

    @BeforeAll
    void startSharedServer() throws IOException {
        shared = started(ServerConfig.ephemeral());
        check = new ConformanceCheck(settings(shared.boundAddress()));
    }

    @AfterAll
    void stopSharedServer() {
        if (shared != null) {
            shared.close();
        }
    }

    // ---- the protocol cases, against the shared server ----

    @Test
    @Timeout(30)
    void shouldGreetNormalRequestThenFin() throws IOException {
        requirePass(Case.NORMAL_REQUEST);
    }

    @Test
    @Timeout(30)
    void shouldGreetClientThatHalfClosesWithoutSending() throws IOException {
        requirePass(Case.EMPTY_REQUEST_HALF_CLOSE);
    }

    @Test
    @Timeout(30)
    void shouldAnswerFirstPartOfSplitRequestWithoutWaitingForRest() throws IOException {
        requirePass(Case.SPLIT_REQUEST);
    }

    @Test
    @Timeout(30)
    void shouldGreetRequestOfExactly100Bytes() throws IOException {
        requirePass(Case.REQUEST_100_BYTES);
    }

    @Test
    @Timeout(30)
    void shouldGreetRequestOf101BytesThenFin() throws IOException {
        requirePass(Case.REQUEST_101_BYTES);
    }

    @Test
    @Timeout(30)
    void shouldGreet64KiBRequestThenFinNotReset() throws IOException {
        requirePass(Case.REQUEST_64_KIB);
    }

    @Test
    @Timeout(30)
    void shouldGreet1MiBRequestThenFinNotReset() throws IOException {
        requirePass(Case.REQUEST_1_MIB);
    }

    @Test
    @Timeout(30)
    void shouldGreet16MiBRequestThenFinNotReset() throws IOException {
        requirePass(Case.REQUEST_16_MIB);
    }

    @Test
    @Timeout(30)
    void shouldGreetBytesThatAreNotUtf8() throws IOException {
        requirePass(Case.NON_UTF8_BYTES);
    }

    @Test
    @Timeout(30)
    void shouldGreetUtf8CharacterCutAtByte100() throws IOException {
        requirePass(Case.UTF8_CUT_AT_BYTE_100);
    }

    @Test
    @Timeout(30)
    void shouldKeepServingAfterClientsResetRightAfterConnecting() throws IOException {
        requirePass(Case.CLIENT_RESETS_AFTER_CONNECT);
    }

    @Test
    @Timeout(30)
    void shouldKeepServingAfterClientsCloseBeforeReading() throws IOException {
        requirePass(Case.CLIENT_CLOSES_BEFORE_READING);
    }

    @Test
    @Timeout(30)
    void shouldGreetManyClientsOpenAtOnce() throws IOException {
        requirePass(Case.MANY_CLIENTS);
    }

    // ---- the server contract, each with a server of its own ----

    @Test
    @Timeout(30)
    void shouldReportRealPortWhenBoundToPortZero() throws IOException {
        try (GreetServer server = started(ServerConfig.ephemeral())) {
            InetSocketAddress bound = server.boundAddress();
            assertNotEquals(0, bound.getPort(), "boundAddress() must carry the port the kernel picked");
            assertEquals("Serving on ('127.0.0.1', " + bound.getPort() + ")", Greeting.servingLine(bound));
            try (Socket client = connect(bound)) {
                assertGreetedOnRequest(client);
            }
        }
    }

    @Test
    @Timeout(40)
    void shouldRefuseNewConnectsPromptlyAndGreetInFlightClientOnClose() throws Exception {
        GreetServer server = started(ServerConfig.ephemeral().with(c -> c.shutdownGrace = Duration.ofSeconds(15)));
        InetSocketAddress bound = server.boundAddress();
        Thread closer = null;
        try (Socket inFlight = connect(bound)) {
            // Only an accepted connection is in flight; one still in the kernel's queue is not.
            // There is no client-side signal for "accepted", so give the server a moment.
            Thread.sleep(300);
            closer = Thread.ofPlatform().name("closer").start(server::close);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            boolean refused = false;
            while (!refused && System.nanoTime() < deadline) {
                try (Socket late = new Socket()) {
                    late.connect(bound, 1_000);
                    Thread.sleep(10);
                } catch (SocketException e) {
                    // Refused, or reset: with one SO_REUSEPORT listener per reactor, a connect the
                    // kernel queued on a listener that is closing is reset rather than refused.
                    // Both mean the server no longer takes new clients.
                    refused = true;
                }
            }
            assertTrue(refused, "new connects must be refused soon after close() begins (still accepted after 5 s)");
            assertTrue(closer.isAlive(), "close() must wait for the in-flight client (grace 15 s), not return at once");
            assertGreetedOnRequest(inFlight);
        } finally {
            finishClosing(server, closer);
        }
        assertFalse(closer.isAlive(), "close() must return once the in-flight client is served");
        assertThrows(ConnectException.class, () -> connect(bound).close(), "a closed server refuses connections");
    }

    @Test
    @Timeout(40)
    void shouldHoldClientPastConnectionCapInBacklogAndServeItWhenOneFinishes() throws Exception {
        GreetServer server = started(ServerConfig.ephemeral().with(c -> c.maxConnections = 2));
        InetSocketAddress bound = server.boundAddress();
        Socket first = connect(bound);
        try (Socket second = connect(bound)) {
            // Both must be accepted before the third connects, or the third could take a place.
            Thread.sleep(500);
            try (Socket third = connect(bound)) {
                third.getOutputStream().write(REQUEST);
                third.setSoTimeout(700);
                assertThrows(SocketTimeoutException.class, () -> third.getInputStream().read(),
                        "with maxConnections=2 and two clients open, a third must wait in the backlog, unanswered");

                assertGreetedOnRequest(first);
                first.close();

                assertGreetedThenFin(third, Greeting.replyTo((InetSocketAddress) third.getLocalSocketAddress()));
                assertGreetedOnRequest(second);
            }
        } finally {
            first.close();
            server.close();
        }
    }

    @Test
    @Timeout(30)
    void shouldCloseIdleClientWithFinAndNoGreetingAfterIdleTimeout() throws IOException {
        try (GreetServer server = started(ServerConfig.ephemeral().with(c -> c.idleTimeout = Duration.ofSeconds(1)))) {
            ConformanceCheck idle = new ConformanceCheck(settings(server.boundAddress()).withIdleTimeoutHint(Duration.ofSeconds(1)));
            requirePass(idle, Case.IDLE_CLIENT);
            requirePass(idle, Case.NORMAL_REQUEST);
        }
    }

    @Test
    @Timeout(30)
    void shouldShowIpv4ClientOfDualStackListenerAsIpv4Mapped() throws IOException {
        try (GreetServer server = startedOnIpv6("::")) {
            int port = server.boundAddress().getPort();
            assertEquals("Serving on ('::', " + port + ", 0, 0)", Greeting.servingLine(server.boundAddress()));
            try (Socket client = connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port))) {
                client.getOutputStream().write(REQUEST);
                assertGreetedThenFin(client, ("Hello, ('::ffff:127.0.0.1', " + client.getLocalPort() + ", 0, 0)!\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
            ConformanceCheck dualStack = new ConformanceCheck(settings(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port)));
            requirePass(dualStack, Case.NORMAL_REQUEST);
            assertTrue(dualStack.ipv4ClientsSeenMapped(), "the check must have seen the IPv4-mapped form");
            requirePass(dualStack, Case.IPV6);
        }
    }

    @Test
    @Timeout(30)
    void shouldGreetIpv6ClientOnIpv6LoopbackListener() throws IOException {
        try (GreetServer server = startedOnIpv6("::1")) {
            assertEquals("Serving on ('::1', " + server.boundAddress().getPort() + ", 0, 0)",
                    Greeting.servingLine(server.boundAddress()));
            ConformanceCheck v6 = new ConformanceCheck(settings(server.boundAddress()));
            requirePass(v6, Case.IPV6);
            requirePass(v6, Case.EMPTY_REQUEST_HALF_CLOSE);
            requirePass(v6, Case.REQUEST_1_MIB);
        }
    }

    @Test
    @Timeout(30)
    void shouldAllowCloseTwice() throws IOException {
        GreetServer server = started(ServerConfig.ephemeral());
        InetSocketAddress bound = server.boundAddress();
        server.close();
        server.close();
        assertThrows(ConnectException.class, () -> connect(bound).close(), "a closed server refuses connections");
    }

    // ---- a tail handler: delayed replies wait side by side, and nothing waits for them ----

    /**
     * Eight clients at once, every reply held: all are greeted, each no sooner than the delay, and
     * together in about one delay. A server that waited on its I/O thread (one, here) would need
     * at least eight delays back to back; the bound is half that, so only a serial wait fails it,
     * not a slow machine.
     */
    @Test
    @Timeout(60)
    void shouldHoldEveryReplyAtTailOneHundredPercentSideBySideNotInSeries() throws Exception {
        int clients = 8;
        Exchanges done = exchangeAtOnceWithTail(100, clients);
        for (long waited : done.waitedNanos()) {
            assertTrue(held(waited), "every reply is held for the delay, one came after " + waited / 1_000_000 + " ms");
        }
        assertTrue(done.totalNanos() < TAIL_DELAY.toNanos() * clients / 2, () -> clients + " delayed exchanges took "
                + done.totalNanos() / 1_000_000 + " ms in all; held one after another they take at least "
                + TAIL_DELAY.toMillis() * clients + " ms");
    }

    /**
     * Half the replies held: some come at once and some after the delay. Counts, not timings: a
     * held reply cannot come before the delay, and with 40 clients the odds that a draw holds all
     * or none are 2 in 10^12.
     */
    @Test
    @Timeout(60)
    void shouldHoldSomeRepliesAndNotOthersAtTailFiftyPercent() throws Exception {
        int clients = 40;
        long[] waited = exchangeAtOnceWithTail(50, clients).waitedNanos();
        long fast = Arrays.stream(waited).filter(w -> w < TAIL_DELAY.toNanos() / 2).count();
        long slow = Arrays.stream(waited).filter(GreetServerConformanceSuite::held).count();
        assertTrue(fast > 0 && slow > 0, "expected some replies at once and some held, got " + fast + " under "
                + TAIL_DELAY.toMillis() / 2 + " ms and " + slow + " held of " + clients);
    }

    /**
     * Clients that hang up while their reply is held, with a FIN or with a reset: the delayed write
     * fails or lands in a closed socket, and the server goes on greeting the next client.
     */
    @Test
    @Timeout(60)
    void shouldKeepServingAfterClientsHangUpDuringTheirDelay() throws Exception {
        try (GreetServer server = started(tailConfig("tail:100:300"))) {
            InetSocketAddress bound = server.boundAddress();
            for (int i = 0; i < 6; i++) {
                Socket gone = connect(bound);
                gone.getOutputStream().write(REQUEST);
                if (i % 2 == 0) {
                    gone.setSoLinger(true, 0); // the close resets
                }
                gone.close();
            }
            // Same delay for all, so the hung-up clients' replies fall due before this one's.
            for (int i = 0; i < 2; i++) {
                try (Socket next = connect(bound)) {
                    assertGreetedOnRequest(next);
                }
            }
        }
    }

    /** A reply held when close() begins is still sent within the grace period, then close() returns. */
    @Test
    @Timeout(60)
    void shouldGreetClientWhoseReplyIsHeldWhenCloseBegins() throws Exception {
        GreetServer server = started(tailConfig("tail:100:1000").with(c -> c.shutdownGrace = Duration.ofSeconds(15)));
        Thread closer = null;
        try (Socket inFlight = connect(server.boundAddress())) {
            inFlight.getOutputStream().write(REQUEST);
            // The request must have been read, so that the reply is held, before close() begins.
            Thread.sleep(300);
            closer = Thread.ofPlatform().name("closer").start(server::close);
            assertGreetedThenFin(inFlight, Greeting.replyTo((InetSocketAddress) inFlight.getLocalSocketAddress()));
        } finally {
            finishClosing(server, closer);
        }
        assertFalse(closer.isAlive(), "close() must return once the held reply is sent");
    }

    // ---- helpers ----

    /** Starts a server whose handler is {@code tail:<percent>:}{@link #TAIL_DELAY} and runs {@link #exchangeAtOnce} on it. */
    private Exchanges exchangeAtOnceWithTail(int percent, int clients) throws Exception {
        try (GreetServer server = started(tailConfig("tail:" + percent + ":" + TAIL_DELAY.toMillis()))) {
            return exchangeAtOnce(server.boundAddress(), clients);
        }
    }

    /** A reply that came no sooner than the tail delay (a little slack for the two clocks' rounding). */
    private static boolean held(long waitedNanos) {
        return waitedNanos >= TAIL_DELAY.toNanos() * 9 / 10;
    }

    /**
     * One I/O thread, so that a server waiting on it would show: every delayed exchange would
     * then wait for the ones before it.
     */
    private static ServerConfig tailConfig(String handler) {
        return ServerConfig.ephemeral().with(c -> {
            c.handler = HandlerWork.parse(handler);
            c.ioThreads = 1;
        });
    }

    /** What {@link #exchangeAtOnce} saw: each client's time from its request to end of stream, and the span of all. */
    private record Exchanges(long[] waitedNanos, long totalNanos) {
    }

    /**
     * Connects {@code clients} clients, then sends each its request and reads its reply on a
     * thread of its own, so the clients wait side by side; requires each to be greeted then FIN.
     */
    private static Exchanges exchangeAtOnce(InetSocketAddress bound, int clients) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                sockets.add(connect(bound));
            }
            long[] waited = new long[clients];
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < clients; i++) {
                    Socket client = sockets.get(i);
                    int index = i;
                    done.add(threads.submit(() -> {
                        long sent = System.nanoTime();
                        assertGreetedOnRequest(client);
                        waited[index] = System.nanoTime() - sent;
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof Error error) {
                            throw error; // a failed assertion in a client
                        }
                        throw e.getCause() instanceof Exception cause ? cause : e;
                    }
                }
            }
            return new Exchanges(waited, System.nanoTime() - start);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /** Check settings for {@code target}, with this suite's case timeout. */
    private static Settings settings(InetSocketAddress target) {
        return Settings.of(target).withCaseTimeout(CASE_TIMEOUT);
    }

    /** A server listening on the IPv6 address {@code host}; skips the test where there is no IPv6 loopback. */
    private GreetServer startedOnIpv6(String host) throws IOException {
        assumeTrue(ipv6LoopbackAvailable(), "no IPv6 loopback on this machine");
        return started(ServerConfig.ephemeral().with(c -> c.host = host));
    }

    private GreetServer started(ServerConfig config) throws IOException {
        GreetServer server = newServer(config);
        try {
            server.start();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void requirePass(Case c) throws IOException {
        requirePass(check, c);
    }

    private static void requirePass(ConformanceCheck on, Case c) throws IOException {
        Result result = on.run(c);
        assertEquals(CaseVerdict.PASS, result.verdict(), result::line);
    }

    private static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, 5_000);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    /**
     * The end of a test that closes {@code server} on the thread {@code closer}: waits for that
     * close, or closes the server here when the test failed before starting it.
     */
    private static void finishClosing(GreetServer server, Thread closer) throws InterruptedException {
        if (closer == null) {
            server.close();
        } else {
            closer.join(TimeUnit.SECONDS.toMillis(20));
        }
    }

    /** Sends a request and requires the greeting for the client's own address, then a FIN. */
    private static void assertGreetedOnRequest(Socket client) throws IOException {
        client.getOutputStream().write(REQUEST);
        assertGreetedThenFin(client, Greeting.replyTo((InetSocketAddress) client.getLocalSocketAddress()));
    }

    /** Reads to end of stream and requires exactly {@code expected}, then a FIN (not RST). */
    private static void assertGreetedThenFin(Socket client, byte[] expected) throws IOException {
        client.setSoTimeout(10_000);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = client.getInputStream();
        byte[] buffer = new byte[256];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            received.write(buffer, 0, n);
        }
        assertArrayEquals(expected, received.toByteArray(), () -> "expected "
                + ConformanceCheck.quote(expected) + " then FIN, got " + ConformanceCheck.quote(received.toByteArray()));
    }

    private static boolean ipv6LoopbackAvailable() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            return probe.getLocalPort() > 0;
        } catch (IOException e) {
            return false;
        }
    }
}
