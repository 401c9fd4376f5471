package io.greetbench.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** One-shot reachability probes. Stateless. */
public final class Probe {

    private Probe() {
    }

    /** True when a TCP connect to {@code address} succeeds within 200 ms. */
    static boolean accepts(InetSocketAddress address) {
        try (Socket s = new Socket()) {
            s.connect(address, 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port that was free a moment ago on 127.0.0.1, for servers that cannot bind port 0 themselves. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new ToolFailureException("no free port on 127.0.0.1: " + e.getMessage(), e);
        }
    }
}
