package io.greetbench.hostile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.greetbench.harness.ServerKind;
import io.greetbench.loom.LoomThreads;
import io.greetbench.netty.NettyTransport;
import io.greetbench.protocol.Greeting;
import io.greetbench.protocol.GreetServer;
import io.greetbench.protocol.ServerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes each server with arbitrary request bytes split into arbitrary segments (each written and
 * flushed on its own, with Nagle off so they leave as separate segments), half-closed or not:
 * whatever arrives, the client gets exactly its greeting, then a FIN.
 *
 * <p>In the normal test run Jazzer only replays the corpus in {@code GreetingFuzzTestInputs/<method>}
 * (plus an empty input); {@code JAZZER_FUZZ=1 ./mvnw -pl hostile -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=GreetingFuzzTest#nio}
 * fuzzes for real and adds crashing inputs to that directory.
 */
@Timeout(120)
class GreetingFuzzTest {

    private static final Map<ServerKind, GreetServer> SERVERS = new EnumMap<>(ServerKind.class);

    @BeforeAll
    static void startServers() throws IOException {
        ServerConfig config = ServerConfig.ephemeral().with(c -> {
            c.idleTimeout = Duration.ofSeconds(5);
            c.lingerTimeout = Duration.ofSeconds(2);
        });
        for (ServerKind kind : ServerKind.values()) {
            GreetServer server = kind.create(config, NettyTransport.AUTO, LoomThreads.VIRTUAL);
            server.start();
            SERVERS.put(kind, server);
        }
    }

    @AfterAll
    static void stopServers() {
        SERVERS.values().forEach(GreetServer::close);
        SERVERS.clear();
    }

    @FuzzTest(maxDuration = "60s")
    void nio(FuzzedDataProvider data) throws IOException {
        exchange(SERVERS.get(ServerKind.NIO), data);
    }

    @FuzzTest(maxDuration = "60s")
    void netty(FuzzedDataProvider data) throws IOException {
        exchange(SERVERS.get(ServerKind.NETTY), data);
    }

    @FuzzTest(maxDuration = "60s")
    void loom(FuzzedDataProvider data) throws IOException {
        exchange(SERVERS.get(ServerKind.LOOM), data);
    }

    private static void exchange(GreetServer server, FuzzedDataProvider data) throws IOException {
        boolean halfClose = data.consumeBoolean();
        int segments = data.consumeInt(1, 6);
        byte[][] parts = new byte[segments][];
        int total = 0;
        for (int i = 0; i < segments; i++) {
            parts[i] = i == segments - 1 ? data.consumeRemainingAsBytes() : data.consumeBytes(data.consumeInt(0, 512));
            total += parts[i].length;
        }
        // With nothing sent and no half-close the server rightly waits for the idle timeout.
        halfClose |= total == 0;
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(server.boundAddress(), 5_000);
            s.setSoTimeout(10_000);
            byte[] expected = Greeting.replyTo((InetSocketAddress) s.getLocalSocketAddress());
            OutputStream out = s.getOutputStream();
            for (byte[] part : parts) {
                if (part.length > 0) {
                    try {
                        out.write(part);
                        out.flush();
                    } catch (IOException e) {
                        // Only possible after the server replied and then gave up lingering,
                        // which takes seconds; report it as what it is.
                        throw new AssertionError("write failed mid-request: " + e, e);
                    }
                }
            }
            if (halfClose) {
                s.shutdownOutput();
            }
            HostileClient.Reply reply = HostileClient.readToEnd(s, expected, System.nanoTime());
            assertArrayEquals(expected, reply.received(), () -> "reply: " + reply.describe());
            assertEquals(HostileClient.End.FIN, reply.end(), () -> "end: " + reply.describe());
        }
    }
}
