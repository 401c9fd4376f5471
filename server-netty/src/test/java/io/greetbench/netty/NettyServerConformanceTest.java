package io.greetbench.netty;

import io.greetbench.protocol.GreetServer;
import io.greetbench.protocol.GreetServerConformanceSuite;
import io.greetbench.protocol.ServerConfig;
import org.junit.jupiter.api.extension.ExtendWith;

/** The contract on the transport {@code --transport auto} picks here. */
@ExtendWith(LeakCheck.class)
class NettyServerConformanceTest extends GreetServerConformanceSuite {

    @Override
    protected GreetServer newServer(ServerConfig config) {
        return new NettyServer(config, NettyTransport.AUTO);
    }
}
