package io.greetbench.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The peer address exactly as Python prints it. Two sources of truth: a table captured from
 * CPython 3.11 on Linux/glibc ({@code repr} of the tuple {@code getaddrinfo} builds, which is what
 * {@code getpeername} builds too), so the test means something without Python; and, when
 * {@code python3} is on the machine, Python itself, asked about every row and about random
 * addresses rich in zero groups.
 */
class GreetingTest {

    /**
     * One address and what Python prints for it.
     *
     * @param family  4 or 6
     * @param address dotted IPv4, or the 16 IPv6 bytes in hex
     * @param port    the port
     * @param scope   the IPv6 scope id, empty for none
     * @param python  Python's {@code repr} of the socket address tuple
     */
    record Row(int family, String address, int port, String scope, String python) {

        InetSocketAddress socketAddress() throws UnknownHostException {
            if (family == 4) {
                return new InetSocketAddress(InetAddress.getByName(address), port);
            }
            // Inet6Address.getByAddress keeps an IPv4-mapped address as IPv6, as a dual-stack
            // server must; InetAddress.getByAddress would turn it into an Inet4Address.
            byte[] bytes = HexFormat.of().parseHex(address);
            return new InetSocketAddress(Inet6Address.getByAddress(null, bytes, scope.isEmpty() ? -1 : Integer.parseInt(scope)), port);
        }

        /** The row as the Python helper reads it on stdin. */
        String pythonInput() {
            return family + " " + address + " " + port + (scope.isEmpty() ? "" : " " + scope);
        }

        @Override
        public String toString() {
            return python;
        }
    }

    private static Row v4(String address, int port, String python) {
        return new Row(4, address, port, "", python);
    }

    private static Row v6(String hex, int port, String scope, String python) {
        return new Row(6, hex, port, scope, python);
    }

    /** Captured from CPython 3.11.7 on Linux (glibc inet_ntop). */
    static final List<Row> CAPTURED = List.of(
        v4("127.0.0.1", 54321, "('127.0.0.1', 54321)"),
        v4("0.0.0.0", 0, "('0.0.0.0', 0)"),
        v4("255.255.255.255", 65535, "('255.255.255.255', 65535)"),
        v4("10.0.0.1", 9, "('10.0.0.1', 9)"),
        v4("1.2.3.4", 10, "('1.2.3.4', 10)"),
        v4("192.168.100.200", 99, "('192.168.100.200', 99)"),
        v4("8.8.8.8", 100, "('8.8.8.8', 100)"),
        v4("172.16.0.1", 1000, "('172.16.0.1', 1000)"),
        v4("100.64.0.1", 10000, "('100.64.0.1', 10000)"),
        v6("00000000000000000000000000000001", 54321, "", "('::1', 54321, 0, 0)"),
        v6("00000000000000000000000000000000", 0, "", "('::', 0, 0, 0)"),
        v6("00010000000000000000000000000000", 1, "", "('1::', 1, 0, 0)"),
        v6("fe800000000000000000000000010002", 80, "", "('fe80::1:2', 80, 0, 0)"),
        v6("20010db8000000000000000000000001", 443, "", "('2001:db8::1', 443, 0, 0)"),
        v6("20010000000000010000000000000001", 8888, "", "('2001:0:0:1::1', 8888, 0, 0)"),
        v6("20010db8000000000001000000000001", 8888, "", "('2001:db8::1:0:0:1', 8888, 0, 0)"),
        v6("20010db8000000010001000100010001", 8888, "", "('2001:db8:0:1:1:1:1:1', 8888, 0, 0)"),
        v6("00000000000100000000000000000000", 1, "", "('0:0:1::', 1, 0, 0)"),
        v6("20010db8abcd00000000000000000000", 2, "", "('2001:db8:abcd::', 2, 0, 0)"),
        v6("20010db8000100000000000000000000", 3, "", "('2001:db8:1::', 3, 0, 0)"),
        v6("00010002000300040005000600070008", 65535, "", "('1:2:3:4:5:6:7:8', 65535, 0, 0)"),
        v6("ffffffffffffffffffffffffffffffff", 4, "", "('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 4, 0, 0)"),
        v6("00010000000000020000000000000003", 5, "", "('1:0:0:2::3', 5, 0, 0)"),
        v6("00010000000200000003000000040000", 6, "", "('1:0:2:0:3:0:4:0', 6, 0, 0)"),
        v6("00000000000100000000000100000000", 7, "", "('::1:0:0:1:0:0', 7, 0, 0)"),
        v6("00000000000000000000ffff01020304", 54321, "", "('::ffff:1.2.3.4', 54321, 0, 0)"),
        v6("00000000000000000000ffff7f000001", 8888, "", "('::ffff:127.0.0.1', 8888, 0, 0)"),
        v6("00000000000000000000ffff00000000", 9, "", "('::ffff:0.0.0.0', 9, 0, 0)"),
        v6("00000000000000000000000001020304", 10, "", "('::1.2.3.4', 10, 0, 0)"),
        v6("00000000000000000000000000000002", 11, "", "('::2', 11, 0, 0)"),
        v6("00000000000000000000000000010000", 12, "", "('::0.1.0.0', 12, 0, 0)"),
        v6("00000000000000000001ffff01020304", 13, "", "('::1:ffff:102:304', 13, 0, 0)"),
        v6("00000000000000000000fffe01020304", 14, "", "('::fffe:102:304', 14, 0, 0)"),
        v6("0000000000000000ffff000001020304", 15, "", "('::ffff:0:102:304', 15, 0, 0)"),
        v6("0064ff9b000000000000000001020304", 16, "", "('64:ff9b::102:304', 16, 0, 0)"),
        v6("000000000000000000000000ffff0001", 17, "", "('::255.255.0.1', 17, 0, 0)"),
        v6("00000000000000000000ffffffffffff", 18, "", "('::ffff:255.255.255.255', 18, 0, 0)"),
        v6("fe8000000000000000fc00fffe000001", 44968, "4", "('fe80::fc:ff:fe00:1', 44968, 0, 4)"),
        v6("fe800000000000000000000000000001", 80, "1", "('fe80::1', 80, 0, 1)"),
        v6("ff020000000000000000000000000001", 80, "2", "('ff02::1', 80, 0, 2)"),
        v6("20010db8000000000000000000000001", 80, "5", "('2001:db8::1', 80, 0, 5)"),
        v6("00000000000000000000000000000001", 80, "2147483647", "('::1', 80, 0, 2147483647)")
    );

    static Stream<Row> captured() {
        return CAPTURED.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captured")
    void shouldFormatPeerAsPythonPrintedIt(Row row) throws UnknownHostException {
        assertEquals(row.python(), Greeting.pythonRepr(row.socketAddress()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captured")
    void shouldReplyHelloPeerNewlineInAscii(Row row) throws UnknownHostException {
        byte[] expected = ("Hello, " + row.python() + "!\n").getBytes(StandardCharsets.US_ASCII);
        assertEquals(new String(expected, StandardCharsets.US_ASCII), Greeting.replyText(row.socketAddress()));
        assertEquals(expected.length, Greeting.replyTo(row.socketAddress()).length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captured")
    void shouldPutTheSameReplyIntoABufferAfterWhatItHolds(Row row) throws UnknownHostException {
        ByteBuffer out = ByteBuffer.allocateDirect(128).put((byte) '#');
        assertTrue(Greeting.putReply(row.socketAddress(), out));
        byte[] put = new byte[out.flip().remaining() - 1];
        out.get();
        out.get(put);
        assertEquals(Greeting.replyText(row.socketAddress()), new String(put, StandardCharsets.US_ASCII));
    }

    @Test
    void shouldPutTheLongestIpv4ReplyAndRefuseABufferThatMightBeTooSmall() throws UnknownHostException {
        InetSocketAddress longest = new InetSocketAddress(InetAddress.getByName("255.255.255.255"), 65535);
        ByteBuffer exact = ByteBuffer.allocate(Greeting.MAX_IPV4_REPLY_BYTES);
        assertTrue(Greeting.putReply(longest, exact));
        assertEquals(0, exact.remaining());
        ByteBuffer small = ByteBuffer.allocate(Greeting.MAX_IPV4_REPLY_BYTES - 1);
        InetSocketAddress shortest = new InetSocketAddress(InetAddress.getByName("1.1.1.1"), 1);
        assertFalse(Greeting.putReply(shortest, small));
        assertEquals(0, small.position());
        ByteBuffer tiny = ByteBuffer.allocate(8);
        assertFalse(Greeting.putReply(new InetSocketAddress(InetAddress.getByName("::1"), 1), tiny));
        assertEquals(0, tiny.position());
    }

    @Test
    void shouldGreetTheProtocolsExampleIn29Bytes() throws UnknownHostException {
        byte[] reply = Greeting.replyTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 54321));
        assertEquals("Hello, ('127.0.0.1', 54321)!\n", new String(reply, StandardCharsets.US_ASCII));
        assertEquals(29, reply.length);
    }

    @Test
    void shouldPrintStartUpLineWithBoundAddress() throws UnknownHostException {
        assertEquals("Serving on ('127.0.0.1', 8888)",
                Greeting.servingLine(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8888)));
        assertEquals("Serving on ('::', 8888, 0, 0)",
                Greeting.servingLine(new InetSocketAddress(InetAddress.getByName("::"), 8888)));
        assertEquals("Serving on ('::1', 0, 0, 0)",
                Greeting.servingLine(new InetSocketAddress(InetAddress.getByName("::1"), 0)));
    }

    @Test
    void shouldPrintNamedScopeAsItsInterfaceIndexNotItsName() throws IOException {
        NetworkInterface nif = interfaceWithLinkLocalAddress();
        InetSocketAddress scoped = new InetSocketAddress(InetAddress.getByName("fe80::1%" + nif.getName()), 80);
        assertEquals("('fe80::1', 80, 0, " + nif.getIndex() + ")", Greeting.pythonRepr(scoped));
    }

    /** Java resolves {@code fe80::1%name} only for an interface that has a link-local address. */
    private static NetworkInterface interfaceWithLinkLocalAddress() throws SocketException {
        NetworkInterface found = NetworkInterface.networkInterfaces()
                .filter(nif -> nif.inetAddresses().anyMatch(InetAddress::isLinkLocalAddress))
                .findFirst().orElse(null);
        assumeTrue(found != null, "no interface with an IPv6 link-local address");
        return found;
    }

    @Test
    void shouldRejectAnythingButSixteenBytesAsIpv6() {
        assertThrows(IllegalArgumentException.class, () -> Greeting.ipv6Text(new byte[4]));
    }

    @Test
    void shouldRejectUnresolvedAddress() {
        assertThrows(IllegalArgumentException.class, () -> Greeting.pythonRepr(InetSocketAddress.createUnresolved("localhost", 80)));
    }

    @Test
    @Timeout(60)
    void shouldMatchLivePythonForEveryCapturedRow() throws Exception {
        List<String> python = askPython(CAPTURED);
        for (int i = 0; i < CAPTURED.size(); i++) {
            Row row = CAPTURED.get(i);
            assertEquals("Hello, " + row.python() + "!", python.get(i), "the captured table is stale for " + row.pythonInput());
            assertEquals(python.get(i) + "\n", Greeting.replyText(row.socketAddress()), row.pythonInput());
        }
    }

    @Test
    @Timeout(60)
    void shouldMatchLivePythonForNamedScope() throws Exception {
        NetworkInterface nif = interfaceWithLinkLocalAddress();
        Row named = v6("fe800000000000000000000000000001", 80, nif.getName(), "?");
        String python = askPython(List.of(named)).get(0);
        assertEquals(python + "\n", Greeting.replyText(new InetSocketAddress(InetAddress.getByName("fe80::1%" + nif.getName()), 80)));
    }

    /**
     * Random addresses whose groups are mostly zero, so every compression rule (longest run,
     * first of equal runs, no single-group run, leading and trailing runs, the dotted IPv4 tails)
     * comes up many times; and random IPv4 addresses and ports for the fast path.
     */
    @Test
    @Timeout(60)
    void shouldMatchLivePythonForRandomAddresses() throws Exception {
        Random random = new Random(20261124L);
        List<Row> rows = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = new byte[16];
            for (int g = 0; g < 8; g++) {
                int word = switch (random.nextInt(6)) {
                    case 0, 1, 2 -> 0;
                    case 3 -> random.nextInt(16);
                    case 4 -> 0xffff;
                    default -> random.nextInt(0x10000);
                };
                bytes[2 * g] = (byte) (word >> 8);
                bytes[2 * g + 1] = (byte) word;
            }
            if (i % 10 == 0) {
                // IPv4-mapped and IPv4-compatible prefixes with a random tail.
                Arrays.fill(bytes, 0, 12, (byte) 0);
                if (i % 20 == 0) {
                    bytes[10] = (byte) 0xff;
                    bytes[11] = (byte) 0xff;
                }
            }
            rows.add(v6(hex.formatHex(bytes), random.nextInt(65536), i % 7 == 0 ? Integer.toString(random.nextInt(100)) : "", "?"));
        }
        for (int i = 0; i < 500; i++) {
            String dotted = random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
            rows.add(v4(dotted, random.nextInt(65536), "?"));
        }
        List<String> python = askPython(rows);
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(python.get(i) + "\n", Greeting.replyText(rows.get(i).socketAddress()), rows.get(i).pythonInput());
        }
    }

    /** Python's reply line ({@code f"Hello, {addr}!"}) for each row, skipping the test when there is no python3. */
    private static List<String> askPython(List<Row> rows) throws IOException, InterruptedException {
        String script = String.join("\n",
                "import socket, sys",
                "for line in sys.stdin:",
                "    f = line.split()",
                "    if f[0] == '4':",
                "        addr = socket.getaddrinfo(f[1], int(f[2]), socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST)[0][4]",
                "    else:",
                "        host = socket.inet_ntop(socket.AF_INET6, bytes.fromhex(f[1])) + ('%' + f[3] if len(f) > 3 else '')",
                "        addr = socket.getaddrinfo(host, int(f[2]), socket.AF_INET6, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST)[0][4]",
                "    print(f'Hello, {addr}!')");
        Process process;
        try {
            process = new ProcessBuilder("python3", "-c", script).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "python3 is not available: " + e.getMessage());
            throw e;
        }
        StringBuilder input = new StringBuilder();
        for (Row row : rows) {
            input.append(row.pythonInput()).append('\n');
        }
        // Write from another thread: the output could fill its pipe while the input is written.
        Thread writer = Thread.ofVirtual().start(() -> {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(input.toString().getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // Python exited early; its output says why.
            }
        });
        String output;
        try (InputStream stdout = process.getInputStream()) {
            output = new String(stdout.readAllBytes(), StandardCharsets.US_ASCII);
        }
        writer.join();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "python3 did not finish");
        assertEquals(0, process.exitValue(), () -> "python3 failed: " + output);
        List<String> lines = output.lines().toList();
        assertEquals(rows.size(), lines.size(), () -> "python3 answered " + lines.size() + " lines for " + rows.size() + " rows: " + output);
        return lines;
    }
}
