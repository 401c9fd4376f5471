package io.greetbench.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A small thread-per-connection greeting server for protocol's own tests: with no flaw it is a
 * correct server, so the conformance suite is exercised inside this module; with a {@link Flaw} it
 * misbehaves in one precise way, so the tests can show that {@link ConformanceCheck} tells the
 * reference's documented bugs from other faults.
 *
 * <p>Threading: one platform thread accepts; each connection runs on its own virtual thread.
 */
final class FixtureServer implements GreetServer {

    enum Flaw {
        /** A correct server. */
        NONE,
        /** What the Python reference does: one read of up to 256 KiB, strict UTF-8 decode, close at once, no idle timeout. */
        REFERENCE,
        /** Replies with Java's own host text ({@code 0:0:0:0:0:0:0:1}-style, and IPv4 with a wrong port). */
        WRONG_REPLY,
        /** Never replies to bytes that are not UTF-8, and keeps the connection open. */
        SILENT_ON_BAD_UTF8,
        /** Closes every connection with RST right after the reply. */
        RESET_AFTER_REPLY,
    }

    private final ServerConfig config;
    private final Flaw flaw;
    private final Semaphore slots;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private ServerSocket listener;
    private Thread acceptor;
    private volatile boolean closing;

    FixtureServer(ServerConfig config, Flaw flaw) {
        this.config = config;
        this.flaw = flaw;
        this.slots = new Semaphore(config.maxConnections());
    }

    @Override
    public void start() throws IOException {
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()), config.backlog());
        acceptor = Thread.ofPlatform().name("fixture-acceptor").start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!closing) {
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                return;
            }
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                slots.release();
                return;
            }
            open.add(socket);
            Thread.ofVirtual().start(() -> {
                try (socket) {
                    serve(socket);
                } catch (IOException e) {
                    // The client reset or went away: only this connection ends.
                } finally {
                    open.remove(socket);
                    slots.release();
                }
            });
        }
    }

    private void serve(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        boolean reference = flaw == Flaw.REFERENCE;
        if (config.hasIdleTimeout() && !reference) {
            socket.setSoTimeout((int) Math.max(1, config.idleTimeout().toMillis()));
        }
        byte[] buffer = new byte[reference ? 256 * 1024 : Greeting.MAX_REQUEST_BYTES];
        int n;
        try {
            n = in.read(buffer);
        } catch (SocketTimeoutException e) {
            return;
        }
        boolean utf8 = n <= 0 || isUtf8(buffer, Math.min(n, Greeting.MAX_REQUEST_BYTES));
        if (!utf8 && (reference || flaw == Flaw.SILENT_ON_BAD_UTF8)) {
            if (flaw == Flaw.SILENT_ON_BAD_UTF8) {
                socket.setSoTimeout(0);
                while (in.read(buffer) >= 0) {
                    // Holds the connection open, never greeting.
                }
            }
            return;
        }
        // Thread per connection: any handler work, a held tail reply too, waits on this thread only.
        config.handler().perform();
        InetSocketAddress peer = (InetSocketAddress) socket.getRemoteSocketAddress();
        if (listener.getInetAddress() instanceof Inet6Address && peer.getAddress() instanceof Inet4Address) {
            peer = ConformanceCheck.mapped(peer);
        }
        byte[] reply = flaw == Flaw.WRONG_REPLY
                ? ("Hello, ('" + peer.getAddress().getHostAddress() + "', " + (peer.getPort() + 1) + ")!\n").getBytes(StandardCharsets.US_ASCII)
                : Greeting.replyTo(peer);
        socket.getOutputStream().write(reply);
        if (reference) {
            return;
        }
        if (flaw == Flaw.RESET_AFTER_REPLY) {
            socket.setSoLinger(true, 0);
            return;
        }
        socket.shutdownOutput();
        if (n < 0) {
            return;
        }
        buffer = new byte[64 * 1024];
        long deadline = System.nanoTime() + config.lingerTimeout().toNanos();
        try {
            while (true) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                socket.setSoTimeout((int) left);
                if (in.read(buffer) < 0) {
                    return;
                }
            }
        } catch (SocketTimeoutException e) {
            // Linger deadline: close with what is left.
        }
    }

    private static boolean isUtf8(byte[] bytes, int length) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Override
    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    @Override
    public void close() {
        if (closing || listener == null) {
            closing = true;
            return;
        }
        closing = true;
        try {
            listener.close();
        } catch (IOException e) {
            // Already closed.
        }
        acceptor.interrupt();
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String describe() {
        return "fixture: thread per connection, flaw " + flaw;
    }
}
