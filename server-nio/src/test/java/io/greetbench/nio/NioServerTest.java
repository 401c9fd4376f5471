package io.greetbench.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.protocol.Greeting;
import io.greetbench.protocol.HandlerWork;
import io.greetbench.protocol.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The nio-specific parts: listeners per reactor, the cap, hand-off mode, handler threads, shutdown. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class NioServerTest {

    private static ServerConfig config() {
        return ServerConfig.ephemeral().with(c -> { c.backlog = 128; c.shutdownGrace = Duration.ofSeconds(2); });
    }

    /** Connects, sends {@code request} (or half-closes when empty), reads to end of stream. */
    private static byte[] exchange(InetSocketAddress server, byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(server, 5_000);
            socket.setSoTimeout(5_000);
            if (request.length == 0) {
                socket.shutdownOutput();
            } else {
                socket.getOutputStream().write(request);
            }
            byte[] reply = socket.getInputStream().readAllBytes();
            assertArrayEquals(expectedReply(socket), reply, () -> "got " + new String(reply, StandardCharsets.US_ASCII));
            return reply;
        }
    }

    private static byte[] expectedReply(Socket socket) {
        return Greeting.replyTo((InetSocketAddress) socket.getLocalSocketAddress());
    }

    @Test
    void shouldOpenOneReusePortListenerPerReactorOnTheEphemeralPort() throws Exception {
        try (NioServer server = new NioServer(config().with(c -> c.ioThreads = 3))) {
            server.start();
            int port = server.boundAddress().getPort();
            assertTrue(port > 0);
            assertEquals(3, server.openListeners());
            assertEquals("nio: 3 reactors, SO_REUSEPORT listeners", server.describe());
            for (int i = 0; i < 60; i++) {
                exchange(server.boundAddress(), "hi\n".getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    @Test
    void shouldRefuseToJoinAnotherProcessesReusePortGroupOnAFixedPort() throws Exception {
        try (NioServer first = new NioServer(config().with(c -> c.ioThreads = 2))) {
            first.start();
            int port = first.boundAddress().getPort();
            NioServer second = new NioServer(config().with(c -> { c.ioThreads = 2; c.port = port; }));
            assertThrows(BindException.class, second::start);
            second.close();
            exchange(first.boundAddress(), "hi\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void shouldGreetThroughOneAcceptorHandingOff() throws Exception {
        try (NioServer server = new NioServer(config().with(c -> c.ioThreads = 3), NioServer.AcceptMode.HANDOFF)) {
            server.start();
            assertEquals(1, server.openListeners());
            assertEquals("nio: 3 reactors, one acceptor handing off", server.describe());
            for (int i = 0; i < 30; i++) {
                exchange(server.boundAddress(), new byte[0]);
            }
        }
    }

    @Test
    void shouldKeepConnectionsPastTheCapInTheBacklogUntilOneCloses() throws Exception {
        try (NioServer server = new NioServer(config().with(c -> { c.ioThreads = 2; c.maxConnections = 2; }));
             Socket held1 = new Socket();
             Socket held2 = new Socket();
             Socket waiting = new Socket()) {
            server.start();
            // A greeted client that has not closed is still open on the server (lingering), so
            // greeting both proves they hold the two slots before the third connects.
            for (Socket held : new Socket[] {held1, held2}) {
                greetAndKeepOpen(server.boundAddress(), held);
            }
            waiting.connect(server.boundAddress());
            waiting.setSoTimeout(500);
            waiting.getOutputStream().write('x');
            assertThrows(SocketTimeoutException.class, () -> waiting.getInputStream().read(),
                    "a connection past the cap must wait unserved");
            // End of stream from the client lets the server close it and free a slot.
            held1.shutdownOutput();
            assertEquals(-1, held1.getInputStream().read());
            waiting.setSoTimeout(5_000);
            assertArrayEquals(expectedReply(waiting), waiting.getInputStream().readAllBytes());
        }
    }

    @Test
    void shouldCloseAnIdleClientWithAFinAndNoGreeting() throws Exception {
        try (NioServer server = new NioServer(config().with(c -> c.idleTimeout = Duration.ofMillis(200)));
             Socket socket = new Socket()) {
            server.start();
            socket.connect(server.boundAddress());
            socket.setSoTimeout(5_000);
            assertEquals(-1, socket.getInputStream().read());
        }
    }

    @Test
    void shouldEndWithAFinAfterAMebibyteSentBeforeReading() throws Exception {
        try (NioServer server = new NioServer(config().with(c -> c.ioThreads = 1))) {
            server.start();
            byte[] request = new byte[1 << 20];
            Arrays.fill(request, (byte) 0xff);
            // readAllBytes would throw "Connection reset" if the server closed with unread input.
            exchange(server.boundAddress(), request);
        }
    }

    @Test
    void shouldGreetIpv4ClientsAsMappedAddressesOnADualStackListener() throws Exception {
        try (NioServer server = new NioServer(config().with(c -> { c.host = "::"; c.ioThreads = 2; }))) {
            server.start();
            int port = server.boundAddress().getPort();
            try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write('x');
                String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertEquals("Hello, ('::ffff:127.0.0.1', " + socket.getLocalPort() + ", 0, 0)!\n", reply);
            }
            try (Socket socket = new Socket(InetAddress.getByName("::1"), port)) {
                assertTrue(socket.getLocalAddress() instanceof Inet6Address);
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write('x');
                String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertEquals("Hello, ('::1', " + socket.getLocalPort() + ", 0, 0)!\n", reply);
            }
        }
    }

    @Test
    void shouldRunSleepingHandlersOffTheReactor() throws Exception {
        ServerConfig config = config().with(c -> {
            c.ioThreads = 1;
            c.idleTimeout = Duration.ofMillis(200);
            c.handler = HandlerWork.parse("sleep:2000");
        });
        try (NioServer server = new NioServer(config);
             Socket sleeper = new Socket();
             Socket silent = new Socket()) {
            server.start();
            assertEquals("nio: 1 reactor, one listener, handler sleep:2000 on virtual threads", server.describe());
            sleeper.connect(server.boundAddress());
            sleeper.getOutputStream().write('x');
            silent.connect(server.boundAddress());
            silent.setSoTimeout(5_000);
            // The only reactor closes the silent client at its idle timeout while the sleeper's
            // handler still sleeps, which it could not do if the handler slept on the reactor.
            assertEquals(-1, silent.getInputStream().read());
            assertEquals(0, sleeper.getInputStream().available(), "the sleeper must not be greeted yet");
            sleeper.setSoTimeout(5_000);
            assertArrayEquals(expectedReply(sleeper), sleeper.getInputStream().readAllBytes());
        }
    }

    @Test
    void shouldRunCpuHandlersOnTheReactor() throws Exception {
        try (NioServer server = new NioServer(config().with(c -> { c.ioThreads = 2; c.handler = HandlerWork.parse("cpu:200"); }))) {
            server.start();
            assertEquals("nio: 2 reactors, SO_REUSEPORT listeners, handler cpu:200 on the reactors", server.describe());
            for (int i = 0; i < 10; i++) {
                exchange(server.boundAddress(), new byte[] {'x'});
            }
        }
    }

    @Test
    void shouldCloseAClientThatClosesRightAfterTheReplyWithoutRegisteringIt() throws Exception {
        greetThenExpectNoneOpen(config().with(c -> c.ioThreads = 2), 20);
    }

    @Test
    void shouldLingerForAClientThatClosesLongAfterTheReply() throws Exception {
        // Well past the end-of-stream read after the reply: the server then waits in its selector.
        greetThenSendAndExpectFin(Duration.ofMillis(50), 64 * 1024);
    }

    @Test
    void shouldDiscardWhatAClientSendsRightAfterTheReplyAndEndWithAFin() throws Exception {
        // More than one read's worth before the server first looks for the end of stream.
        greetThenSendAndExpectFin(Duration.ZERO, 256 * 1024);
    }

    @Test
    void shouldFreeTheSlotsOfClientsThatClosedWhenTheCapIsReached() throws Exception {
        greetThenExpectNoneOpen(config().with(c -> { c.ioThreads = 1; c.maxConnections = 4; }), 40);
    }

    @Test
    void shouldGreetAnInFlightClientDuringTheGracePeriodAndRefuseNewOnes() throws Exception {
        // One reactor, one listener: its accept queue is FIFO, so once a later client is greeted
        // the in-flight one has been accepted (a connection still in the backlog is not in flight).
        NioServer server = new NioServer(config().with(c -> { c.ioThreads = 1; c.shutdownGrace = Duration.ofSeconds(5); }));
        server.start();
        InetSocketAddress address = server.boundAddress();
        try (Socket inFlight = new Socket()) {
            inFlight.connect(address);
            exchange(address, new byte[] {'x'});
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            assertTrue(refusedWithin(address, Duration.ofSeconds(4)), "new connects must be refused once close() began");
            inFlight.setSoTimeout(5_000);
            inFlight.getOutputStream().write('x');
            assertArrayEquals(expectedReply(inFlight), inFlight.getInputStream().readAllBytes());
            // The server lingers until the client's end of stream; then nothing is in flight.
            inFlight.shutdownOutput();
            closing.get(10, TimeUnit.SECONDS);
            assertEquals(0, server.openListeners());
        }
    }

    @Test
    void shouldCloseSilentClientsWhenTheGracePeriodEnds() throws Exception {
        NioServer server = new NioServer(config().with(c -> { c.ioThreads = 1; c.shutdownGrace = Duration.ofMillis(200); }));
        server.start();
        try (Socket silent = new Socket()) {
            silent.connect(server.boundAddress());
            exchange(server.boundAddress(), new byte[] {'x'});
            server.close();
            silent.setSoTimeout(5_000);
            InputStream in = silent.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            in.transferTo(got);
            assertEquals(0, got.size());
        }
    }

    /** Greets {@code clients} clients one after the other; each closes, and the server closes them all. */
    private static void greetThenExpectNoneOpen(ServerConfig config, int clients) throws Exception {
        try (NioServer server = new NioServer(config)) {
            server.start();
            for (int i = 0; i < clients; i++) {
                exchange(server.boundAddress(), "hi\n".getBytes(StandardCharsets.US_ASCII));
            }
            assertTrue(noConnectionsWithin(server, Duration.ofSeconds(5)), "every closed client is closed on the server too");
        }
    }

    /** Connects {@code client}, sends one byte and reads the greeting; the connection stays open. */
    private static void greetAndKeepOpen(InetSocketAddress server, Socket client) throws IOException {
        client.connect(server);
        client.setSoTimeout(5_000);
        client.getOutputStream().write('x');
        byte[] expected = expectedReply(client);
        assertArrayEquals(expected, client.getInputStream().readNBytes(expected.length));
    }

    /**
     * A greeted client waits {@code pause}, still open on the server, then sends {@code bytes}
     * more and half-closes: it gets a FIN, not a reset, and the server closes the connection.
     */
    private static void greetThenSendAndExpectFin(Duration pause, int bytes) throws Exception {
        try (NioServer server = new NioServer(config().with(c -> c.ioThreads = 1));
             Socket client = new Socket()) {
            server.start();
            greetAndKeepOpen(server.boundAddress(), client);
            Thread.sleep(pause);
            assertEquals(1, server.openConnections());
            client.getOutputStream().write(new byte[bytes]);
            client.shutdownOutput();
            assertEquals(-1, client.getInputStream().read(), "a FIN, not a reset");
            assertTrue(noConnectionsWithin(server, Duration.ofSeconds(5)), "the client's end of stream closes it");
        }
    }

    private static boolean noConnectionsWithin(NioServer server, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (server.openConnections() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private static boolean refusedWithin(InetSocketAddress address, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket late = new Socket()) {
                late.connect(address, 1_000);
            } catch (SocketException e) {
                // Refused, or reset when the connect was queued on a per-reactor listener that is closing.
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }
}
