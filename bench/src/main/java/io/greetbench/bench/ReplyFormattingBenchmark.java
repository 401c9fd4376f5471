package io.greetbench.bench;

import io.greetbench.protocol.Greeting;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The reply formatting every server does once per connection: {@link Greeting#replyTo}.
 *
 * <p>{@code baseline} copies an already formatted reply of the same length, which is the least
 * any server must do (allocate and fill the bytes it writes); the distance to it is the cost of
 * formatting. {@code replyToIpv4} is the path every benchmark connection takes; {@code naiveIpv4}
 * is the obvious {@code String.format}-free string concatenation it replaced, to show what the
 * byte-level formatting saves; {@code replyToIpv6} is the slower, rarer path.
 *
 * <p>The peer port changes on every call, as it does between connections, so the JIT cannot fold
 * the reply into a constant. Run with {@code ./greetbench jmh ReplyFormatting} (add
 * {@code -prof gc} to see the bytes allocated per reply).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReplyFormattingBenchmark extends AbstractBenchmark {

    private InetAddress ipv4;
    private InetAddress ipv6;
    private byte[] formatted;
    private int port;

    @Setup
    public void setUp() throws UnknownHostException {
        ipv4 = InetAddress.getByName("127.0.0.1");
        ipv6 = InetAddress.getByName("::1");
        formatted = Greeting.replyTo(new InetSocketAddress(ipv4, 54321));
        port = 32768;
    }

    private int nextPort() {
        // Walks the ephemeral range the kernel hands out, as successive connections do.
        port = port == 60999 ? 32768 : port + 1;
        return port;
    }

    @Benchmark
    public byte[] baseline() {
        nextPort();
        return formatted.clone();
    }

    @Benchmark
    public byte[] replyToIpv4() {
        return Greeting.replyTo(new InetSocketAddress(ipv4, nextPort()));
    }

    @Benchmark
    public byte[] naiveIpv4() {
        InetSocketAddress peer = new InetSocketAddress(ipv4, nextPort());
        return ("Hello, ('" + peer.getAddress().getHostAddress() + "', " + peer.getPort() + ")!\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public byte[] replyToIpv6() {
        return Greeting.replyTo(new InetSocketAddress(ipv6, nextPort()));
    }
}
