package io.greetbench.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostPortTest {

    @Test
    void shouldParseHostNamesAddressesAndBracketedIpv6() {
        assertEquals(new HostPort("127.0.0.1", 8888), HostPort.parse("127.0.0.1:8888"));
        assertEquals(new HostPort("::1", 9), HostPort.parse("[::1]:9"));
        assertEquals(new HostPort("fe80::1%lo", 80), HostPort.parse("[fe80::1%lo]:80"));
        assertEquals(new HostPort("localhost", 65_535), HostPort.parse(" localhost:65535 "));
        assertEquals(new HostPort("example.invalid", 1), HostPort.parse("example.invalid:1"));
    }

    @Test
    void shouldPrintAsTyped() {
        assertEquals("[::1]:9", HostPort.parse("[::1]:9").toString());
        assertEquals("localhost:80", HostPort.parse("localhost:80").toString());
    }

    @Test
    void shouldRejectWhatIsNotHostColonPortQuotingTheText() {
        for (String bad : List.of("nope", "127.0.0.1", "127.0.0.1:", ":8888", "[]:80", "[::1:80", "::1]:80", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void shouldRejectPortsOutsideTheRange() {
        for (String bad : List.of("host:0", "host:65536", "127.0.0.1:99999", "host:-1", "host:http")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(bad), bad);
            assertTrue(e.getMessage().contains("from 1 to 65535"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new HostPort("host", 0));
    }

    @Test
    void shouldAskForBracketsAroundIpv6() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse("::1:80"));
        assertTrue(e.getMessage().contains("[::1]:8888"), e.getMessage());
    }

    @Test
    void shouldResolveOnlyWhenAsked() throws UnknownHostException {
        HostPort unknown = HostPort.parse("no-such-host.invalid:8888");
        assertTrue(unknown.unresolved().isUnresolved());
        assertThrows(UnknownHostException.class, unknown::resolve);
        InetSocketAddress loopback = HostPort.parse("127.0.0.1:8888").resolve();
        assertTrue(loopback.getAddress().isLoopbackAddress());
        assertEquals(8888, loopback.getPort());
    }
}
