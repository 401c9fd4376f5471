package io.greetbench.loom;

import io.greetbench.protocol.GreetServer;
import io.greetbench.protocol.GreetServerConformanceSuite;
import io.greetbench.protocol.ServerConfig;

class LoomServerConformanceTest extends GreetServerConformanceSuite {

    @Override
    protected GreetServer newServer(ServerConfig config) {
        return new LoomServer(config, LoomThreads.VIRTUAL);
    }
}
