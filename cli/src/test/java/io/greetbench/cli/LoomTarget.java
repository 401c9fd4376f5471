package io.greetbench.cli;

import io.greetbench.harness.ServerKind;
import io.greetbench.loom.LoomThreads;
import io.greetbench.netty.NettyTransport;
import io.greetbench.protocol.GreetServer;
import io.greetbench.protocol.ServerConfig;
import java.io.IOException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A loom server in this JVM on an ephemeral loopback port, started before each test and closed
 * after it: the target of the commands that drive one ({@code @RegisterExtension}).
 */
final class LoomTarget implements BeforeEachCallback, AfterEachCallback {

    private GreetServer server;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        server = ServerKind.LOOM.create(ServerConfig.ephemeral(), NettyTransport.AUTO, LoomThreads.VIRTUAL);
        server.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        server.close();
    }

    /** {@code 127.0.0.1:PORT}, as {@code --target} takes it. */
    String target() {
        return "127.0.0.1:" + server.boundAddress().getPort();
    }
}
