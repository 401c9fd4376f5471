package io.greetbench.bench;

import io.greetbench.protocol.Greeting;
import io.greetbench.protocol.HandlerWork;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.Arrays;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import io.greetbench.harness.ComparedServer;
import io.greetbench.harness.CpuPlacement;
import io.greetbench.harness.ServerProcess;

/**
 * One whole exchange against each greetbench server: connect, send a line, read the greeting to
 * end of stream, close. That is the unit of work of the protocol, and it is dominated by the
 * kernel's connect and accept, so differences between servers show in what they add to it.
 *
 * <p>The server runs in its own JVM, started once per trial in {@code @Setup} and stopped in
 * {@code @TearDown}, never inside the benchmark's JVM, which would share heap, GC and JIT with it.
 * On a machine with two or more CPUs the server is pinned to the first half and this fork to the
 * rest ({@link CpuPlacement}). Four client threads keep several exchanges in flight; throughput
 * mode gives exchanges per millisecond, sample-time mode the latency distribution of one exchange.
 * Every reply is checked byte for byte, so a server that answered wrongly fails the run instead of
 * looking fast.
 *
 * <p>This is a closed loop, so it hides queueing delays (coordinated omission); the open-loop
 * latencies that do not are in {@code ./greetbench compare}. Run:
 * {@code ./greetbench jmh RoundTrip -p server=nio,loom} (add {@code -prof gc} for the client's
 * allocation, {@code -rf json} for machine-readable results).
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@Threads(4)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RoundTripBenchmark extends AbstractBenchmark {

    private static final byte[] REQUEST = "hi\n".getBytes(StandardCharsets.US_ASCII);

    @Param({"nio", "netty", "loom", "loom-platform"})
    public String server;

    private ServerProcess process;
    private InetSocketAddress address;

    @Setup(Level.Trial)
    public void startServer() {
        CpuPlacement placement = CpuPlacement.split();
        System.err.println("greetbench: " + placement.description());
        process = ComparedServer.greetbench(server).start(HandlerWork.NONE, placement.serverCpus(), Duration.ofSeconds(30));
        address = process.address();
    }

    @TearDown(Level.Trial)
    public void stopServer() {
        if (process != null) {
            process.close();
        }
    }

    /** Per client thread: its read buffer. */
    @State(Scope.Thread)
    public static class Client {
        final byte[] buffer = new byte[256];
    }

    @Benchmark
    public int exchange(Client client) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(address);
            socket.getOutputStream().write(REQUEST);
            InputStream in = socket.getInputStream();
            int length = 0;
            for (int n; (n = in.read(client.buffer, length, client.buffer.length - length)) > 0; ) {
                length += n;
            }
            byte[] expected = Greeting.replyTo((InetSocketAddress) socket.getLocalSocketAddress());
            if (!Arrays.equals(client.buffer, 0, length, expected, 0, expected.length)) {
                throw new IOException("wrong reply from " + server + ": "
                        + new String(client.buffer, 0, length, StandardCharsets.US_ASCII).strip());
            }
            return length;
        }
    }
}
