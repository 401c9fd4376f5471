package io.greetbench.capacity;

import io.greetbench.protocol.Greeting;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/**
 * A greeting server whose knee is set by construction: it answers at once while arrivals stay at
 * or under {@code kneePerSecond}, counted per 100 ms window, and delays every reply past that in
 * the window by {@code delay}, far more than any SLO the tests use.
 *
 * <p>Threading: one platform acceptor thread counts arrivals (so the counters need no lock); each
 * connection is served on its own virtual thread.
 */
final class KneeServer implements AutoCloseable {

    private static final long WINDOW_NANOS = 100_000_000L;

    private final ServerSocket listener;
    private final long perWindow;
    private final long delayMillis;
    private final Thread acceptor;
    private volatile boolean closed;
    private long window = -1;
    private long arrivals;

    KneeServer(double kneePerSecond, Duration delay) throws IOException {
        this.perWindow = Math.round(kneePerSecond * WINDOW_NANOS / 1e9);
        this.delayMillis = delay.toMillis();
        this.listener = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "knee-server-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                return;
            }
            long now = System.nanoTime() / WINDOW_NANOS;
            if (now != window) {
                window = now;
                arrivals = 0;
            }
            boolean slow = ++arrivals > perWindow;
            Thread.startVirtualThread(() -> serve(s, slow));
        }
    }

    private void serve(Socket s, boolean slow) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            in.read(new byte[Greeting.MAX_REQUEST_BYTES]);
            if (slow) {
                Thread.sleep(delayMillis);
            }
            out.write(Greeting.replyTo((InetSocketAddress) s.getRemoteSocketAddress()));
        } catch (IOException e) {
            // The client gave up; nothing to answer.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
    }
}
