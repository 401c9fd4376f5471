package io.greetbench.hostile;

import io.greetbench.protocol.Greeting;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * One client connection of the hostile suite, well-behaved or not, run on a blocking socket by the
 * calling thread (the suite runs many of them on virtual threads). Each method ends its
 * connection; none throws for what the server does, it reports it in a {@link Reply}.
 */
public final class HostileClient {

    /** How a connection ended, seen from the client. */
    enum End {
        /** Orderly end of stream from the server: what the protocol promises after the greeting. */
        FIN,
        /** The server reset the connection. */
        RST,
        /** Nothing more came before the client's deadline. */
        TIMEOUT,
        /** The connect itself was refused: nobody is listening. */
        REFUSED,
        /** Any other I/O failure. */
        ERROR
    }

    /**
     * What came back: the bytes, how the connection ended, the bytes the protocol requires for this
     * client's address, and how long from connect to end.
     */
    record Reply(byte[] received, End end, byte[] expected, long nanos) {

        /** The exact greeting followed by a FIN: the only right answer to a request. */
        boolean greetedWithFin() {
            return end == End.FIN && Arrays.equals(received, expected);
        }

        /** A clean close with nothing sent: the right answer to a client that never sent anything. */
        boolean closedSilently() {
            return end == End.FIN && received.length == 0;
        }

        /** Null for the right answer to a request (the greeting, then a FIN), else what came instead. */
        String symptom() {
            return greetedWithFin() ? null : describe();
        }

        String describe() {
            String text = new String(received, 0, Math.min(received.length, 60), StandardCharsets.US_ASCII)
                    .replace("\n", "\\n");
            return end + " after " + received.length + " bytes '" + text + "'"
                    + (Arrays.equals(received, expected) ? "" : " (expected " + expected.length + " bytes)");
        }
    }

    static final byte[] HELLO = "hi\n".getBytes(StandardCharsets.US_ASCII);

    private HostileClient() {
    }

    /**
     * Connects, sends {@code request} in full before reading (half-closing after it when asked),
     * then reads to the end of the stream.
     */
    static Reply request(InetSocketAddress server, byte[] request, boolean halfClose, Duration timeout) {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(server, (int) timeout.toMillis());
            byte[] expected = Greeting.replyTo((InetSocketAddress) s.getLocalSocketAddress());
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            if (request.length > 0) {
                out.write(request);
                out.flush();
            }
            if (halfClose) {
                s.shutdownOutput();
            }
            return readToEnd(s, expected, start);
        } catch (ConnectException e) {
            return new Reply(new byte[0], End.REFUSED, new byte[0], System.nanoTime() - start);
        } catch (SocketTimeoutException e) {
            return new Reply(new byte[0], End.TIMEOUT, new byte[0], System.nanoTime() - start);
        } catch (IOException e) {
            return new Reply(new byte[0], isReset(e) ? End.RST : End.ERROR, new byte[0], System.nanoTime() - start);
        }
    }

    /** A normal client: {@code hi\n}, no half-close. */
    static Reply hello(InetSocketAddress server, Duration timeout) {
        return request(server, HELLO, false, timeout);
    }

    /** Reads until end of stream, reset or the socket's timeout; the socket's timeout must be set. */
    static Reply readToEnd(Socket s, byte[] expected, long startNanos) {
        byte[] buffer = new byte[256];
        int length = 0;
        End end;
        try {
            InputStream in = s.getInputStream();
            while (true) {
                if (length == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2);
                }
                int n = in.read(buffer, length, buffer.length - length);
                if (n < 0) {
                    end = End.FIN;
                    break;
                }
                length += n;
            }
        } catch (SocketTimeoutException e) {
            end = End.TIMEOUT;
        } catch (IOException e) {
            end = isReset(e) ? End.RST : End.ERROR;
        }
        return new Reply(Arrays.copyOf(buffer, length), end, expected, System.nanoTime() - startNanos);
    }

    /** Connects and resets at once (SO_LINGER 0 turns close into an RST). */
    static void resetAfterConnect(InetSocketAddress server) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, 5_000);
            s.setSoLinger(true, 0);
        }
    }

    /** Sends a request and closes without reading the reply. */
    static void closeBeforeReply(InetSocketAddress server) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, 5_000);
            s.getOutputStream().write(HELLO);
        }
    }

    /** Sends the first {@code sent} bytes of a larger request, then resets. */
    static void resetMidRequest(InetSocketAddress server, int sent) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, 5_000);
            s.getOutputStream().write(new byte[sent]);
            s.setSoLinger(true, 0);
        }
    }

    static boolean isReset(IOException e) {
        String m = String.valueOf(e.getMessage());
        return e instanceof SocketException && (m.contains("reset") || m.contains("Broken pipe"));
    }
}
