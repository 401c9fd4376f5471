package io.greetbench.netty;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.greetbench.protocol.GreetServer;
import io.greetbench.protocol.GreetServerConformanceSuite;
import io.greetbench.protocol.ServerConfig;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract on the nio transport, as Netty's testsuite runs each socket test once per
 * transport. Skipped where the transport cannot load, and where {@code auto} already picks it
 * ({@link NettyServerConformanceTest} covers that one).
 */
@ExtendWith(LeakCheck.class)
class NettyNioConformanceTest extends GreetServerConformanceSuite {

    @Override
    protected GreetServer newServer(ServerConfig config) {
        assumeTrue(NettyTransport.NIO.isAvailable(), "nio is not available here");
        assumeTrue(NettyTransport.AUTO.resolve() != NettyTransport.NIO, "auto is nio: covered by NettyServerConformanceTest");
        return new NettyServer(config, NettyTransport.NIO);
    }
}
