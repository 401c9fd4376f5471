package io.greetbench.protocol;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The reply of the greeting protocol, formatted exactly as the Python reference prints it.
 *
 * <p>Stateless and thread-safe. The reply is on every server's per-connection path, so the IPv4
 * case writes ASCII bytes directly instead of building strings, and {@link #putReply} writes them
 * into a buffer the server reuses, with no allocation at all.
 */
public final class Greeting {

    /** The server takes at most this many bytes of the first read, as {@code reader.read(100)} does. */
    public static final int MAX_REQUEST_BYTES = 100;

    /** The longest reply to an IPv4 peer: {@code Hello, ('255.255.255.255', 65535)!\n}. */
    public static final int MAX_IPV4_REPLY_BYTES = 35;

    private static final byte[] PREFIX = "Hello, ('".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUFFIX = ")!\n".getBytes(StandardCharsets.US_ASCII);

    private Greeting() {
    }

    /** The reply bytes for a client whose address, as the server sees it, is {@code peer}. */
    public static byte[] replyTo(InetSocketAddress peer) {
        if (peer.getAddress() instanceof Inet4Address v4) {
            return ipv4Reply(v4.getAddress(), peer.getPort());
        }
        return ("Hello, " + pythonRepr(peer) + "!\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Puts the reply for {@code peer} into {@code out} at its position; for an IPv4 peer without
     * allocating. Returns false, with {@code out} unchanged, when the reply might not fit: for an
     * IPv4 peer when fewer than {@link #MAX_IPV4_REPLY_BYTES} bytes remain.
     */
    public static boolean putReply(InetSocketAddress peer, ByteBuffer out) {
        if (peer.getAddress() instanceof Inet4Address v4) {
            if (out.remaining() < MAX_IPV4_REPLY_BYTES) {
                return false;
            }
            putIpv4Reply(v4.getAddress(), peer.getPort(), out);
            return true;
        }
        byte[] reply = replyTo(peer);
        if (reply.length > out.remaining()) {
            return false;
        }
        out.put(reply);
        return true;
    }

    /** The reply as text; for messages and tests. */
    public static String replyText(InetSocketAddress peer) {
        return new String(replyTo(peer), StandardCharsets.US_ASCII);
    }

    /** The start-up line: {@code Serving on ('127.0.0.1', 8888)}. */
    public static String servingLine(InetSocketAddress bound) {
        return "Serving on " + pythonRepr(bound);
    }

    /**
     * Python's {@code repr} of a socket address tuple: {@code ('127.0.0.1', 8888)} for IPv4,
     * {@code ('::1', 8888, 0, 0)} (host, port, flowinfo, scope id) for IPv6. Java does not expose
     * the flow label of an accepted socket and Linux reports 0 for it unless the peer opts in with
     * {@code IPV6_FLOWINFO_SEND}, so flowinfo is always 0.
     *
     * <p>The host is CPython's {@code makesockaddr}: plain {@code inet_ntop}, so a link-local peer
     * shows as {@code ('fe80::1', 8888, 0, 4)}, its scope only in the fourth field, never as
     * {@code fe80::1%eth0} (which is what {@code getnameinfo} would print).
     */
    public static String pythonRepr(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
        if (ip instanceof Inet6Address v6) {
            return "('" + ipv6Text(v6.getAddress()) + "', " + address.getPort() + ", 0, "
                    + Integer.toUnsignedString(v6.getScopeId()) + ")";
        }
        return "('" + ip.getHostAddress() + "', " + address.getPort() + ")";
    }

    /**
     * A 16-byte IPv6 address as glibc's {@code inet_ntop(AF_INET6)} prints it: lower-case hex
     * without leading zeros, the longest run of two or more zero groups (the first on a tie)
     * replaced by {@code ::}, and a dotted IPv4 tail when the address is IPv4-mapped
     * ({@code ::ffff:a.b.c.d}) or IPv4-compatible ({@code ::a.b.c.d}, but not {@code ::} or
     * {@code ::1}, whose zero run is longer).
     */
    public static String ipv6Text(byte[] address) {
        if (address.length != 16) {
            throw new IllegalArgumentException("an IPv6 address has 16 bytes, got " + address.length);
        }
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        int bestBase = -1;
        int bestLen = 0;
        int curBase = -1;
        int curLen = 0;
        for (int i = 0; i < 8; i++) {
            if (words[i] == 0) {
                if (curBase == -1) {
                    curBase = i;
                    curLen = 1;
                } else {
                    curLen++;
                }
            } else if (curBase != -1) {
                if (curLen > bestLen) {
                    bestBase = curBase;
                    bestLen = curLen;
                }
                curBase = -1;
            }
        }
        if (curBase != -1 && curLen > bestLen) {
            bestBase = curBase;
            bestLen = curLen;
        }
        if (bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder out = new StringBuilder(41);
        for (int i = 0; i < 8; i++) {
            if (bestBase != -1 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    out.append(':');
                }
                continue;
            }
            if (i != 0) {
                out.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && words[5] == 0xffff))) {
                out.append(address[12] & 0xff).append('.').append(address[13] & 0xff).append('.')
                        .append(address[14] & 0xff).append('.').append(address[15] & 0xff);
                return out.toString();
            }
            out.append(Integer.toHexString(words[i]));
        }
        if (bestBase != -1 && bestBase + bestLen == 8) {
            out.append(':');
        }
        return out.toString();
    }

    private static byte[] ipv4Reply(byte[] ip, int port) {
        ByteBuffer out = ByteBuffer.allocate(MAX_IPV4_REPLY_BYTES);
        putIpv4Reply(ip, port, out);
        return Arrays.copyOf(out.array(), out.position());
    }

    /** {@code "Hello, ('" + a.b.c.d + "', " + port + ")!\n"}, at most 9 + 15 + 3 + 5 + 3 = 35 bytes. */
    private static void putIpv4Reply(byte[] ip, int port, ByteBuffer out) {
        out.put(PREFIX);
        for (int i = 0; i < 4; i++) {
            if (i > 0) {
                out.put((byte) '.');
            }
            putDecimal(out, ip[i] & 0xff);
        }
        out.put((byte) '\'').put((byte) ',').put((byte) ' ');
        putDecimal(out, port);
        out.put(SUFFIX);
    }

    private static void putDecimal(ByteBuffer out, int value) {
        if (value >= 10000) {
            out.put((byte) ('0' + value / 10000));
        }
        if (value >= 1000) {
            out.put((byte) ('0' + value / 1000 % 10));
        }
        if (value >= 100) {
            out.put((byte) ('0' + value / 100 % 10));
        }
        if (value >= 10) {
            out.put((byte) ('0' + value / 10 % 10));
        }
        out.put((byte) ('0' + value % 10));
    }
}
