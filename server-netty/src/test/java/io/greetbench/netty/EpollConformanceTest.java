package io.greetbench.netty;

/** The contract on Netty's epoll transport. */
class EpollConformanceTest extends NettyServerConformanceTest {

    @Override
    NettyTransport transport() {
        return NettyTransport.EPOLL;
    }
}
