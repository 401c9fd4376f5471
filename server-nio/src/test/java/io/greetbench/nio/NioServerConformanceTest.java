package io.greetbench.nio;

import io.greetbench.protocol.GreetServer;
import io.greetbench.protocol.GreetServerConformanceSuite;
import io.greetbench.protocol.ServerConfig;

class NioServerConformanceTest extends GreetServerConformanceSuite {

    @Override
    protected GreetServer newServer(ServerConfig config) {
        return new NioServer(config);
    }
}
