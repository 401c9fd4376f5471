package io.greetbench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The generator's suite on the JDK's channels, the engine of JDK 21 and of other systems. */
class NioLoadGeneratorTest extends LoadGeneratorSuite {

    @Override
    IoEngine engine() {
        return IoEngine.NIO;
    }

    @Test
    void shouldClassifyTheJdksFailures() {
        assertEquals(ErrorKind.CONNECT_REFUSED, NioSocketIo.classifyConnect(new java.net.ConnectException("Connection refused")));
        assertEquals(ErrorKind.NO_DESCRIPTOR, NioSocketIo.classifyConnect(new java.net.SocketException("Too many open files")));
        assertEquals(ErrorKind.NO_LOCAL_PORT, NioSocketIo.classifyConnect(new java.net.BindException("Cannot assign requested address")));
        assertEquals(ErrorKind.RESET, NioSocketIo.classifyIo(new java.net.SocketException("Connection reset")));
        assertEquals(ErrorKind.RESET, NioSocketIo.classifyIo(new java.io.IOException("Broken pipe")));
        assertEquals(ErrorKind.OTHER_IO, NioSocketIo.classifyIo(new java.io.IOException("Input/output error")));
    }
}
