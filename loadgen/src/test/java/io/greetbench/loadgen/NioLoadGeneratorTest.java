package io.greetbench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/** The generator's suite on the JDK's channels, the engine of JDK 21 and of other systems. */
class NioLoadGeneratorTest extends LoadGeneratorSuite {

    @Override
    IoEngine engine() {
        return IoEngine.NIO;
    }

    @Test
    void shouldClassifyTheJdksFailures() {
        assertEquals(ErrorKind.CONNECT_REFUSED, NioSocketIo.classifyConnect(new ConnectException("Connection refused")));
        assertEquals(ErrorKind.NO_DESCRIPTOR, NioSocketIo.classifyConnect(new SocketException("Too many open files")));
        assertEquals(ErrorKind.NO_LOCAL_PORT, NioSocketIo.classifyConnect(new BindException("Cannot assign requested address")));
        assertEquals(ErrorKind.RESET, NioSocketIo.classifyIo(new SocketException("Connection reset")));
        assertEquals(ErrorKind.RESET, NioSocketIo.classifyIo(new IOException("Broken pipe")));
        assertEquals(ErrorKind.OTHER_IO, NioSocketIo.classifyIo(new IOException("Input/output error")));
    }
}
