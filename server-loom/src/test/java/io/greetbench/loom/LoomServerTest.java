package io.greetbench.loom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.greetbench.protocol.Greeting;
import io.greetbench.protocol.ServerConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Loom-specific behaviour; the protocol itself is covered by the conformance suites. */
class LoomServerTest {

    /** A started server; the test closes it. */
    private static LoomServer started(ServerConfig config, LoomThreads threads) throws IOException {
        LoomServer server = new LoomServer(config, threads);
        server.start();
        return server;
    }

    private static Socket connect(LoomServer server) throws IOException {
        Socket socket = new Socket();
        socket.connect(server.boundAddress(), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static byte[] expectedReply(Socket client) {
        return Greeting.replyTo((InetSocketAddress) client.getLocalSocketAddress());
    }

    @ParameterizedTest
    @EnumSource(LoomThreads.class)
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void shouldGreetAMebibyteRequestSentBeforeReadingWithoutReset(LoomThreads threads) throws IOException {
        try (LoomServer server = started(ServerConfig.ephemeral().with(c -> c.ioThreads = 1), threads);
             Socket client = connect(server)) {
            client.getOutputStream().write(new byte[1 << 20]);
            client.shutdownOutput();
            assertArrayEquals(expectedReply(client), client.getInputStream().readAllBytes());
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void shouldCloseAnIdleClientWithoutGreeting() throws IOException {
        ServerConfig config = ServerConfig.ephemeral().with(c -> c.idleTimeout = Duration.ofMillis(200));
        try (LoomServer server = started(config, LoomThreads.VIRTUAL); Socket client = connect(server)) {
            assertEquals(-1, client.getInputStream().read());
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void shouldLeaveConnectionsPastTheCapUnservedInTheBacklog() throws IOException {
        ServerConfig config = ServerConfig.ephemeral().with(c -> { c.maxConnections = 1; c.ioThreads = 2; });
        try (LoomServer server = started(config, LoomThreads.VIRTUAL);
             Socket first = connect(server);
             Socket second = connect(server)) {
            second.getOutputStream().write('x');
            second.shutdownOutput();
            second.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> second.getInputStream().read());
            second.setSoTimeout(10_000);

            first.getOutputStream().write('x');
            assertArrayEquals(expectedReply(first), first.getInputStream().readAllBytes());
            first.shutdownOutput(); // its end of stream ends the linger and frees the permit
            assertArrayEquals(expectedReply(second), second.getInputStream().readAllBytes());
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void shouldRefuseConnectsOnceClosedAndReleaseItsThreads() throws IOException, InterruptedException {
        ServerConfig config = ServerConfig.ephemeral().with(c -> { c.ioThreads = 2; c.shutdownGrace = Duration.ofMillis(200); });
        LoomServer server = started(config, LoomThreads.PLATFORM);
        InetSocketAddress address = server.boundAddress();
        Socket idle = connect(server);
        while (server.openConnections() == 0) {
            Thread.sleep(5); // closing the listener resets clients it has not accepted yet
        }
        server.close();
        assertEquals(-1, idle.getInputStream().read()); // closed after the grace, without a greeting
        idle.close();
        assertThrows(ConnectException.class, () -> new Socket().connect(address, 5_000));
        assertEquals(0, Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("loom-")).count());
    }

    @ParameterizedTest
    @EnumSource(LoomThreads.class)
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void shouldCloseAfterTheLingerDeadlineWhenTheClientNeverCloses(LoomThreads threads) throws Exception {
        ServerConfig config = ServerConfig.ephemeral().with(c -> c.lingerTimeout = Duration.ofMillis(200));
        try (LoomServer server = started(config, threads); Socket client = connect(server)) {
            client.getOutputStream().write('x');
            assertArrayEquals(expectedReply(client), client.getInputStream().readAllBytes());
            while (server.openConnections() > 0) {
                Thread.sleep(10); // the reaper closes it; the test's @Timeout catches a miss
            }
        }
    }

    @Test
    void shouldDescribeItsModel() {
        ServerConfig config = ServerConfig.ephemeral().with(c -> c.ioThreads = 2);
        assertEquals("loom: virtual threads, 2 acceptors",
                new LoomServer(config, LoomThreads.VIRTUAL).describe());
        assertEquals("loom: platform threads, 1 acceptor",
                new LoomServer(config.with(c -> c.ioThreads = 1), LoomThreads.PLATFORM).describe());
    }
}
