package io.greetbench.netty;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.greetbench.protocol.GreetServer;
import io.greetbench.protocol.GreetServerConformanceSuite;
import io.greetbench.protocol.ServerConfig;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract on the io_uring transport, as Netty's testsuite runs each socket test once per
 * transport. Skipped where the transport cannot load, and where {@code auto} already picks it
 * ({@link NettyServerConformanceTest} covers that one).
 */
@ExtendWith(LeakCheck.class)
class IoUringConformanceTest extends GreetServerConformanceSuite {

    @Override
    protected GreetServer newServer(ServerConfig config) {
        assumeTrue(NettyTransport.IO_URING.isAvailable(), "io_uring is not available here");
        assumeTrue(NettyTransport.AUTO.resolve() != NettyTransport.IO_URING, "auto is io_uring: covered by NettyServerConformanceTest");
        return new NettyServer(config, NettyTransport.IO_URING);
    }
}
