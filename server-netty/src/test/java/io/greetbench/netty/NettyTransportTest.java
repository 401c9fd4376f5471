package io.greetbench.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.protocol.ConfigException;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
class NettyTransportTest {

    @Test
    void shouldParseEveryCliSpelling() {
        assertEquals(NettyTransport.AUTO, NettyTransport.parse("auto"));
        assertEquals(NettyTransport.EPOLL, NettyTransport.parse("epoll"));
        assertEquals(NettyTransport.IO_URING, NettyTransport.parse("io_uring"));
        assertEquals(NettyTransport.IO_URING, NettyTransport.parse("io-uring"));
        assertEquals(NettyTransport.NIO, NettyTransport.parse("nio"));
    }

    @Test
    void shouldRejectUnknownTransportNamingTheOption() {
        ConfigException e = assertThrows(ConfigException.class, () -> NettyTransport.parse("kqueue"));
        assertEquals("--transport", e.parameter());
        assertEquals("--transport must be auto, epoll, io_uring or nio, got 'kqueue'", e.getMessage());
    }

    @Test
    void shouldResolveAutoToAConcreteAvailableTransport() {
        NettyTransport resolved = NettyTransport.AUTO.resolve();
        assertNotEquals(NettyTransport.AUTO, resolved);
        assertTrue(resolved.isAvailable());
        NettyTransport expected = IoUring.isAvailable() ? NettyTransport.IO_URING
                : Epoll.isAvailable() ? NettyTransport.EPOLL : NettyTransport.NIO;
        assertEquals(expected, resolved);
    }

    @Test
    void shouldTurnOffMultishotAcceptSoTheConnectionCapHolds() {
        NettyTransport.parse("io_uring");
        assertEquals("false", System.getProperty(NettyTransport.ACCEPT_MULTISHOT_PROPERTY));
        assertFalse(IoUring.isAcceptMultishotEnabled());
    }

    @Test
    void shouldResolveExplicitTransportToItselfOrExplainWhyNot() {
        for (NettyTransport transport : new NettyTransport[] {NettyTransport.EPOLL, NettyTransport.IO_URING, NettyTransport.NIO}) {
            if (transport.isAvailable()) {
                assertEquals(transport, transport.resolve());
            } else {
                ConfigException e = assertThrows(ConfigException.class, transport::resolve);
                assertEquals("--transport", e.parameter());
                assertTrue(e.getMessage().contains(transport.cliName() + " is not available"), e.getMessage());
            }
        }
    }
}
