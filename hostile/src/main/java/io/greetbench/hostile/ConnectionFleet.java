package io.greetbench.hostile;

import io.greetbench.protocol.Greeting;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Many client connections driven by one selector in the calling thread: thousands of connects
 * issued at once (a burst), held idle (the held-connection and out-of-descriptor cases), then
 * asked for their greeting all together.
 *
 * <p>Threading: confined to the thread that created it.
 */
public final class ConnectionFleet implements AutoCloseable {

    /** One connection and what it received. */
    private static final class Conn {
        final SocketChannel channel;
        final ByteArrayOutputStream received = new ByteArrayOutputStream(64);
        byte[] expected;
        HostileClient.End end;
        long endNanos;

        Conn(SocketChannel channel) {
            this.channel = channel;
        }
    }

    private final InetSocketAddress server;
    private final int requested;
    private final List<Conn> connected = new ArrayList<>();
    private final Map<String, Integer> connectFailures = new TreeMap<>();

    private ConnectionFleet(InetSocketAddress server, int requested) {
        this.server = server;
        this.requested = requested;
    }

    /**
     * Opens {@code count} connections, {@code batch} non-blocking connects at a time (all at once
     * when {@code batch >= count}), each from the next of {@code sources} (several loopback
     * addresses, because one source address has only ~28,000 ephemeral ports). Waits up to
     * {@code timeout} per batch for the handshakes; failures are counted by kind.
     */
    static ConnectionFleet connect(InetSocketAddress server, int count, List<InetAddress> sources, int batch,
                                   Duration timeout) throws IOException {
        ConnectionFleet fleet = new ConnectionFleet(server, count);
        try (Selector selector = Selector.open()) {
            int opened = 0;
            while (opened < count) {
                int n = Math.min(batch, count - opened);
                int pending = 0;
                for (int i = 0; i < n; i++, opened++) {
                    SocketChannel ch = null;
                    try {
                        ch = SocketChannel.open();
                        ch.configureBlocking(false);
                        if (!sources.isEmpty()) {
                            ch.bind(new InetSocketAddress(sources.get(opened % sources.size()), 0));
                        }
                        Conn conn = new Conn(ch);
                        if (ch.connect(server)) {
                            fleet.connected.add(conn);
                        } else {
                            ch.register(selector, SelectionKey.OP_CONNECT, conn);
                            pending++;
                        }
                    } catch (IOException e) {
                        fleet.countFailure(e);
                        if (ch != null) {
                            ch.close();
                        }
                    }
                }
                long deadline = System.nanoTime() + timeout.toNanos();
                while (pending > 0 && System.nanoTime() < deadline) {
                    selector.select(100);
                    for (SelectionKey key : selector.selectedKeys()) {
                        Conn conn = (Conn) key.attachment();
                        key.cancel();
                        pending--;
                        try {
                            if (conn.channel.finishConnect()) {
                                fleet.connected.add(conn);
                            }
                        } catch (IOException e) {
                            fleet.countFailure(e);
                            conn.channel.close();
                        }
                    }
                    selector.selectedKeys().clear();
                }
                for (SelectionKey key : selector.keys()) {
                    if (key.isValid()) {
                        key.cancel();
                        ((Conn) key.attachment()).channel.close();
                        fleet.connectFailures.merge("connect timeout", 1, Integer::sum);
                    }
                }
                // Flush the cancelled keys so the channels can join other selectors later.
                selector.selectNow();
            }
        }
        for (Conn conn : fleet.connected) {
            conn.expected = Greeting.replyTo((InetSocketAddress) conn.channel.getLocalAddress());
        }
        return fleet;
    }

    private void countFailure(IOException e) {
        String kind = e.getClass().getSimpleName() + ": " + e.getMessage();
        connectFailures.merge(kind, 1, Integer::sum);
    }

    int connectedCount() {
        return connected.size();
    }

    Map<String, Integer> connectFailures() {
        return connectFailures;
    }

    /**
     * Records a failure naming {@code who} and the connect failures by kind unless every requested
     * connection was made. Returns whether it was.
     */
    boolean checkAllConnected(CaseFindings findings, String who) {
        return findings.check(connected.size() == requested, "only " + connected.size() + " of " + requested + " " + who
                + " connected: " + connectFailures);
    }

    /** Sends {@code request} (small enough for one write) on every connection still open. */
    void sendAll(byte[] request) {
        for (Conn conn : connected) {
            if (conn.end != null) {
                continue;
            }
            try {
                conn.channel.write(ByteBuffer.wrap(request));
            } catch (IOException e) {
                conn.end = HostileClient.isReset(e) ? HostileClient.End.RST : HostileClient.End.ERROR;
                conn.endNanos = System.nanoTime();
            }
        }
    }

    /** Half-closes every open connection without sending anything. */
    void halfCloseAll() {
        for (Conn conn : connected) {
            try {
                conn.channel.shutdownOutput();
            } catch (IOException e) {
                conn.end = HostileClient.isReset(e) ? HostileClient.End.RST : HostileClient.End.ERROR;
                conn.endNanos = System.nanoTime();
            }
        }
    }

    /**
     * Reads every open connection until it ends or {@code timeout} passes, and tallies how each
     * ended relative to {@code sinceNanos}.
     */
    Tally readAll(Duration timeout, long sinceNanos) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        int open = 0;
        try (Selector selector = Selector.open()) {
            for (Conn conn : connected) {
                if (conn.end == null) {
                    conn.channel.register(selector, SelectionKey.OP_READ, conn);
                    open++;
                }
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (open > 0 && System.nanoTime() < deadline) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Conn conn = (Conn) key.attachment();
                    try {
                        int n;
                        buffer.clear();
                        while ((n = conn.channel.read(buffer)) > 0) {
                            conn.received.write(buffer.array(), 0, n);
                            buffer.clear();
                        }
                        if (n < 0) {
                            conn.end = HostileClient.End.FIN;
                        }
                    } catch (IOException e) {
                        conn.end = HostileClient.isReset(e) ? HostileClient.End.RST : HostileClient.End.ERROR;
                    }
                    if (conn.end != null) {
                        conn.endNanos = System.nanoTime();
                        key.cancel();
                        open--;
                    }
                }
                selector.selectedKeys().clear();
            }
            for (SelectionKey key : selector.keys()) {
                key.cancel();
            }
            selector.selectNow();
        }
        return tally(sinceNanos);
    }

    /** Sends a request on every connection and reads every reply. */
    Tally greetAll(byte[] request, Duration timeout) throws IOException {
        long start = System.nanoTime();
        sendAll(request);
        return readAll(timeout, start);
    }

    private Tally tally(long sinceNanos) {
        Map<String, Integer> kinds = new TreeMap<>();
        long[] endMillis = new long[connected.size()];
        int ended = 0;
        for (Conn conn : connected) {
            byte[] got = conn.received.toByteArray();
            String kind;
            if (conn.end == null) {
                kind = got.length == 0 ? "no reply yet" : "partial reply, no end";
            } else if (conn.end == HostileClient.End.FIN && Arrays.equals(got, conn.expected)) {
                kind = "greeting+FIN";
            } else if (conn.end == HostileClient.End.FIN && got.length == 0) {
                kind = "FIN, no greeting";
            } else if (Arrays.equals(got, conn.expected)) {
                kind = "greeting+" + conn.end;
            } else {
                kind = conn.end + " after " + got.length + " bytes";
            }
            kinds.merge(kind, 1, Integer::sum);
            if (conn.end != null) {
                endMillis[ended++] = (conn.endNanos - sinceNanos) / 1_000_000;
            }
        }
        long[] ends = Arrays.copyOf(endMillis, ended);
        Arrays.sort(ends);
        return new Tally(connected.size(), kinds, ends);
    }

    /** Closes every connection with a reset (SO_LINGER 0), as a crashed client would. */
    void resetAll() {
        for (Conn conn : connected) {
            try {
                conn.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                conn.channel.close();
            } catch (IOException e) {
                // Closing is all that is left to do.
            }
        }
        connected.clear();
    }

    @Override
    public void close() {
        for (Conn conn : connected) {
            try {
                conn.channel.close();
            } catch (IOException e) {
                // Closing is all that is left to do.
            }
        }
        connected.clear();
    }

    InetSocketAddress server() {
        return server;
    }

    /**
     * How the connections ended: a count per kind ({@code greeting+FIN} is the right one), and
     * the sorted end times in milliseconds of those that ended.
     */
    record Tally(int total, Map<String, Integer> kinds, long[] endMillis) {

        int count(String kind) {
            return kinds.getOrDefault(kind, 0);
        }

        boolean all(String kind) {
            return count(kind) == total;
        }

        long endPercentileMillis(double p) {
            if (endMillis.length == 0) {
                return -1;
            }
            return endMillis[(int) Math.min(endMillis.length - 1, Math.floor(p / 100.0 * endMillis.length))];
        }

        @Override
        public String toString() {
            return total + " connections: " + kinds;
        }
    }

    static List<InetAddress> loopbackSources(int n) {
        List<InetAddress> sources = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            try {
                sources.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) i}));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return sources;
    }
}
