package io.greetbench.loadgen;

import io.greetbench.protocol.Greeting;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deliberately simple greeting server for the tests, which can misbehave on request.
 *
 * <p>Threading: one platform acceptor thread; each accepted connection runs on its own virtual
 * thread.
 */
final class TestServer implements AutoCloseable {

    enum Behaviour {
        /** The protocol: greet, then FIN. */
        GREET,
        /** Close with SO_LINGER 0 after reading the request: the client sees RST. */
        RESET,
        /** Reply with bytes that are not the greeting. */
        GARBAGE,
        /** Reply with the first half of the greeting, then FIN. */
        SHORT,
        /** Read the request and never answer. */
        SILENT,
        /** Never accept: connections pile up in a backlog of one. */
        NEVER_ACCEPT,
        /** Read the whole request, to the client's half-close, then greet and FIN. */
        READ_TO_END,
        /** Greet the first {@link #answerFirst} connections; read the others' requests, then greet once {@link #openGate} is called. */
        GATED
    }

    private final ServerSocket listener;
    private final Behaviour behaviour;
    private final Thread acceptor;
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile int stallAfter = Integer.MAX_VALUE;
    private volatile long stallMillis;
    private volatile boolean closed;
    private volatile int answerFirst;
    private final CountDownLatch gate = new CountDownLatch(1);

    TestServer(Behaviour behaviour) throws IOException {
        this(behaviour, InetAddress.getLoopbackAddress());
    }

    /** Listening on {@code host}, such as {@code ::1}. */
    TestServer(Behaviour behaviour, InetAddress host) throws IOException {
        this.behaviour = behaviour;
        this.listener = new ServerSocket(0, behaviour == Behaviour.NEVER_ACCEPT ? 1 : 4096, host);
        this.acceptor = new Thread(this::acceptLoop, "test-server-acceptor");
        this.acceptor.setDaemon(true);
        if (behaviour != Behaviour.NEVER_ACCEPT) {
            acceptor.start();
        }
    }

    /** After {@code accepts} connections, stop accepting for {@code stall}: connections wait in the backlog. */
    TestServer stallAfter(int accepts, Duration stall) {
        this.stallMillis = stall.toMillis();
        this.stallAfter = accepts;
        return this;
    }

    /** {@link Behaviour#GATED}: how many connections are greeted at once, before the gate. */
    TestServer answerFirst(int connections) {
        this.answerFirst = connections;
        return this;
    }

    /** {@link Behaviour#GATED}: greets every connection held so far and every later one. */
    void openGate() {
        gate.countDown();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    int accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                return;
            }
            int n = accepted.incrementAndGet();
            boolean held = behaviour == Behaviour.GATED && n > answerFirst;
            Thread.startVirtualThread(() -> serve(s, held));
            if (n == stallAfter) {
                try {
                    Thread.sleep(stallMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void serve(Socket s, boolean held) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[100];
            if (behaviour == Behaviour.READ_TO_END) {
                in.transferTo(OutputStream.nullOutputStream());
            } else {
                in.read(buf);
            }
            if (held) {
                gate.await();
            }
            byte[] greeting = Greeting.replyTo((InetSocketAddress) s.getRemoteSocketAddress());
            switch (behaviour) {
                case GREET, READ_TO_END, GATED -> out.write(greeting);
                case RESET -> {
                    // Closing with a zero linger time sends RST instead of FIN.
                    s.setSoLinger(true, 0);
                    return;
                }
                case GARBAGE -> out.write("Hello, stranger!\n".getBytes(StandardCharsets.US_ASCII));
                case SHORT -> out.write(Arrays.copyOf(greeting, greeting.length / 2));
                case SILENT -> {
                    while (in.read(buf) >= 0) {
                        // Hold the connection until the client gives up.
                    }
                }
                case NEVER_ACCEPT -> { }
            }
            out.flush();
            s.shutdownOutput();
            // The request fits one read, so closing now sends FIN, not RST.
        } catch (IOException e) {
            // The client went away; nothing to do in a test server.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops listening: from now on, connects are refused. */
    @Override
    public void close() throws IOException {
        closed = true;
        gate.countDown();
        listener.close();
    }
}
