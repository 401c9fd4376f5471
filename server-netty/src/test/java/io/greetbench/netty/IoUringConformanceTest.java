package io.greetbench.netty;

/** The contract on Netty's io_uring transport. */
class IoUringConformanceTest extends NettyServerConformanceTest {

    @Override
    NettyTransport transport() {
        return NettyTransport.IO_URING;
    }
}
