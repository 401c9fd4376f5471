package io.greetbench.netty;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.greetbench.protocol.GreetServer;
import io.greetbench.protocol.GreetServerConformanceSuite;
import io.greetbench.protocol.ServerConfig;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The contract on the transport {@code --transport auto} picks here. Each other transport has a
 * subclass that overrides {@link #transport()}, as Netty's testsuite runs each socket test once
 * per transport; those are skipped where the transport cannot load, and where auto already picks
 * it (this class covers that one).
 */
@ExtendWith(LeakCheck.class)
class NettyServerConformanceTest extends GreetServerConformanceSuite {

    /** The transport the contract is tested on. */
    NettyTransport transport() {
        return NettyTransport.AUTO;
    }

    @Override
    protected final GreetServer newServer(ServerConfig config) {
        NettyTransport transport = transport();
        if (transport != NettyTransport.AUTO) {
            assumeTrue(transport.isAvailable(), transport.cliName() + " is not available here");
            assumeTrue(NettyTransport.AUTO.resolve() != transport,
                    "auto is " + transport.cliName() + ": covered by NettyServerConformanceTest");
        }
        return new NettyServer(config, transport);
    }
}
