package io.greetbench.netty;

/** The contract on Netty's Java NIO transport. */
class NettyNioConformanceTest extends NettyServerConformanceTest {

    @Override
    NettyTransport transport() {
        return NettyTransport.NIO;
    }
}
