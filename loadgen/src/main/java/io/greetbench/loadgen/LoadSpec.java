package io.greetbench.loadgen;

import io.greetbench.protocol.ConfigException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Every option of a load run, with all defaults, in one place.
 *
 * <p>The compact constructor validates every field and names the bad one with its command-line
 * spelling, so a mistake fails before any socket is opened. Immutable; start from
 * {@link #closed}, {@link #open} or {@link #held} and adjust with the {@code with*} methods.
 *
 * @param target          the server, a resolved address
 * @param workload        closed loop, open loop or held connections
 * @param connections     {@link Workload#CLOSED}: exchanges in flight; {@link Workload#OPEN}: the
 *                        most in flight at once (an exchange due while all are busy waits, and
 *                        counts as late); {@link Workload#HELD}: the most connects in progress
 *                        at once while ramping up
 * @param ratePerSecond   {@link Workload#OPEN}: exchanges started per second; 0 otherwise
 * @param duration        how long exchanges are recorded, after the warm-up ({@link Workload#HELD}
 *                        ignores it: its length is the ramp plus the think time)
 * @param warmup          how long load runs, unrecorded, before recording starts
 * @param exchangeTimeout the most one exchange may take, from the start of its connect to the end
 *                        of the greeting (for held connections: the connect, then the exchange,
 *                        each on its own)
 * @param payload         the request bytes; may be empty when {@code halfClose} is set
 * @param halfClose       shut down the sending side after the payload
 * @param threads         generator threads, each with its own poller and its share of the load
 * @param heldConnections {@link Workload#HELD}: connections to open and hold; 0 otherwise
 * @param thinkTime       {@link Workload#HELD}: how long all connections stay idle once open
 * @param ramp            {@link Workload#HELD}: how long opening them takes; zero = as fast as the
 *                        server accepts
 * @param sourceAddresses bind connections round-robin to {@code 127.0.0.1 .. 127.0.0.N}, so a
 *                        loopback target gets N times the ephemeral ports; 1 = no bind
 * @param cpus            a CPU list such as {@code 1} or {@code 2-3,6} the generator should run on
 *                        (applied by the command line with {@code taskset}), or null
 * @param hlog            where to write the HdrHistogram interval log, or null
 * @param io              the workers' system-call layer: {@link IoEngine#AUTO} takes raw epoll
 *                        where the JDK and OS allow it
 */
public record LoadSpec(
        InetSocketAddress target,
        Workload workload,
        int connections,
        double ratePerSecond,
        Duration duration,
        Duration warmup,
        Duration exchangeTimeout,
        byte[] payload,
        boolean halfClose,
        int threads,
        int heldConnections,
        Duration thinkTime,
        Duration ramp,
        int sourceAddresses,
        String cpus,
        Path hlog,
        IoEngine io) {

    /** wrk's and load-c's default; enough to keep one fast server busy. */
    public static final int DEFAULT_CONNECTIONS = 64;
    /**
     * Open loop: the in-flight cap. High enough that a healthy server never makes an exchange wait
     * for a free connection, low enough to stay far below the descriptor limit.
     */
    public static final int DEFAULT_OPEN_CONNECTIONS = 1_000;
    /** Held connections: connects in progress at once while ramping, below somaxconn. */
    public static final int DEFAULT_HELD_CONNECTS_IN_FLIGHT = 1_000;
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);
    public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(2);
    public static final Duration DEFAULT_EXCHANGE_TIMEOUT = Duration.ofSeconds(2);
    /** What load-c and a person at a terminal send. */
    public static final byte[] DEFAULT_PAYLOAD = "hi\n".getBytes(StandardCharsets.US_ASCII);
    /** Servers close idle clients after 60 s by default; stay well inside that. */
    public static final Duration DEFAULT_THINK_TIME = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RAMP = Duration.ZERO;
    public static final int DEFAULT_SOURCE_ADDRESSES = 1;
    /** Large enough for any request the protocol cares about (it reads at most 100 bytes). */
    public static final int MAX_PAYLOAD_BYTES = 64 << 20;
    public static final int MAX_THREADS = 1_024;
    public static final int MAX_CONNECTIONS = 1_000_000;
    public static final double MAX_RATE = 10_000_000;

    private static final Pattern CPU_LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");

    public LoadSpec {
        if (target == null) {
            throw new ConfigException("--target", "is required (host:port)");
        }
        if (target.isUnresolved()) {
            throw new ConfigException("--target", "host '" + target.getHostString() + "' cannot be resolved");
        }
        if (target.getPort() < 1) {
            throw new ConfigException("--target", "port must be between 1 and 65535, got " + target.getPort());
        }
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(exchangeTimeout, "exchangeTimeout");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(thinkTime, "thinkTime");
        Objects.requireNonNull(ramp, "ramp");
        Objects.requireNonNull(io, "io");
        payload = payload.clone();
        if (connections < 1 || connections > MAX_CONNECTIONS) {
            throw new ConfigException("--connections", "must be between 1 and " + MAX_CONNECTIONS + ", got " + connections);
        }
        if (workload == Workload.OPEN) {
            if (!(ratePerSecond > 0) || ratePerSecond > MAX_RATE) {
                throw new ConfigException("--rate", "must be a number of exchanges per second above 0 and at most "
                        + (long) MAX_RATE + ", got " + ratePerSecond);
            }
        } else if (ratePerSecond != 0) {
            throw new ConfigException("--rate", "applies to the open loop only, got " + ratePerSecond + " for " + workload);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new ConfigException("--duration", "must be > 0, got " + duration);
        }
        if (warmup.isNegative()) {
            throw new ConfigException("--warmup", "must be >= 0, got " + warmup);
        }
        if (exchangeTimeout.isNegative() || exchangeTimeout.isZero()) {
            throw new ConfigException("--timeout", "must be > 0, got " + exchangeTimeout);
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new ConfigException("--payload", "must be at most " + MAX_PAYLOAD_BYTES + " bytes, got " + payload.length);
        }
        if (payload.length == 0 && !halfClose) {
            throw new ConfigException("--empty", "needs --half-close: a server answers an empty request only at end of stream");
        }
        if (threads < 1 || threads > MAX_THREADS) {
            throw new ConfigException("--threads", "must be between 1 and " + MAX_THREADS + ", got " + threads);
        }
        if (workload == Workload.CLOSED && threads > connections) {
            throw new ConfigException("--threads", "must be at most --connections (" + connections + "), got " + threads);
        }
        if (workload == Workload.HELD) {
            if (heldConnections < 1 || heldConnections > MAX_CONNECTIONS) {
                throw new ConfigException("--held", "must be between 1 and " + MAX_CONNECTIONS + ", got " + heldConnections);
            }
            if (threads > heldConnections) {
                throw new ConfigException("--threads", "must be at most --held (" + heldConnections + "), got " + threads);
            }
        } else if (heldConnections != 0) {
            throw new ConfigException("--held", "applies to held connections only, got " + heldConnections + " for " + workload);
        }
        if (thinkTime.isNegative()) {
            throw new ConfigException("--think", "must be >= 0, got " + thinkTime);
        }
        if (ramp.isNegative()) {
            throw new ConfigException("--ramp", "must be >= 0, got " + ramp);
        }
        if (sourceAddresses < 1 || sourceAddresses > 254) {
            throw new ConfigException("--source-addresses", "must be between 1 and 254, got " + sourceAddresses);
        }
        if (sourceAddresses > 1 && !target.getAddress().isLoopbackAddress()) {
            throw new ConfigException("--source-addresses", "spreads over 127.0.0.x and needs a loopback target, got " + target.getAddress().getHostAddress());
        }
        if (sourceAddresses > 1 && !(target.getAddress() instanceof java.net.Inet4Address)) {
            throw new ConfigException("--source-addresses", "needs an IPv4 target");
        }
        if (cpus != null && !CPU_LIST.matcher(cpus).matches()) {
            throw new ConfigException("--cpus", "must be a CPU list such as 1 or 0-3,6, got '" + cpus + "'");
        }
    }

    /** Closed loop with {@code connections} in flight, every other option at its default. */
    public static LoadSpec closed(InetSocketAddress target, int connections, Duration duration) {
        return new LoadSpec(target, Workload.CLOSED, connections, 0, duration, DEFAULT_WARMUP,
                DEFAULT_EXCHANGE_TIMEOUT, DEFAULT_PAYLOAD, false, defaultThreads(connections), 0,
                DEFAULT_THINK_TIME, DEFAULT_RAMP, DEFAULT_SOURCE_ADDRESSES, null, null, IoEngine.AUTO);
    }

    /** Open loop at {@code ratePerSecond}, every other option at its default. */
    public static LoadSpec open(InetSocketAddress target, double ratePerSecond, Duration duration) {
        return new LoadSpec(target, Workload.OPEN, DEFAULT_OPEN_CONNECTIONS, ratePerSecond, duration,
                DEFAULT_WARMUP, DEFAULT_EXCHANGE_TIMEOUT, DEFAULT_PAYLOAD, false,
                defaultThreads(DEFAULT_OPEN_CONNECTIONS), 0, DEFAULT_THINK_TIME, DEFAULT_RAMP,
                DEFAULT_SOURCE_ADDRESSES, null, null, IoEngine.AUTO);
    }

    /**
     * {@code n} held connections, idle for {@code thinkTime}; spread over as many {@code 127.0.0.x}
     * source addresses as the ephemeral port range needs when the target is on loopback.
     */
    public static LoadSpec held(InetSocketAddress target, int n, Duration thinkTime) {
        int sources = 1;
        if (target != null && target.getAddress() instanceof java.net.Inet4Address v4 && v4.isLoopbackAddress()) {
            sources = SystemLimits.sourceAddressesFor(n);
        }
        return new LoadSpec(target, Workload.HELD, DEFAULT_HELD_CONNECTS_IN_FLIGHT, 0, DEFAULT_DURATION,
                Duration.ZERO, DEFAULT_EXCHANGE_TIMEOUT, DEFAULT_PAYLOAD, false,
                Math.max(1, Math.min(n, defaultThreads(n))), n, thinkTime, DEFAULT_RAMP, sources, null, null, IoEngine.AUTO);
    }

    /**
     * One thread per CPU this process may run on (the JVM honours {@code taskset}), at most one per
     * connection: each thread has its own poller, so more threads than CPUs only add switches.
     */
    public static int defaultThreads(int connections) {
        return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), connections));
    }

    /** The request bytes (a copy). */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload length, without copying it. */
    public int payloadLength() {
        return payload.length;
    }

    byte[] payloadUnsafe() {
        return payload;
    }

    public LoadSpec withTarget(InetSocketAddress v) {
        return new LoadSpec(v, workload, connections, ratePerSecond, duration, warmup, exchangeTimeout, payload, halfClose, threads, heldConnections, thinkTime, ramp, sourceAddresses, cpus, hlog, io);
    }

    /** Also lowers the thread count when it would exceed the connections. */
    public LoadSpec withConnections(int v) {
        int t = workload == Workload.CLOSED ? Math.max(1, Math.min(threads, v)) : threads;
        return new LoadSpec(target, workload, v, ratePerSecond, duration, warmup, exchangeTimeout, payload, halfClose, t, heldConnections, thinkTime, ramp, sourceAddresses, cpus, hlog, io);
    }

    public LoadSpec withRate(double v) {
        return new LoadSpec(target, workload, connections, v, duration, warmup, exchangeTimeout, payload, halfClose, threads, heldConnections, thinkTime, ramp, sourceAddresses, cpus, hlog, io);
    }

    public LoadSpec withDuration(Duration v) {
        return new LoadSpec(target, workload, connections, ratePerSecond, v, warmup, exchangeTimeout, payload, halfClose, threads, heldConnections, thinkTime, ramp, sourceAddresses, cpus, hlog, io);
    }

    public LoadSpec withWarmup(Duration v) {
        return new LoadSpec(target, workload, connections, ratePerSecond, duration, v, exchangeTimeout, payload, halfClose, threads, heldConnections, thinkTime, ramp, sourceAddresses, cpus, hlog, io);
    }

    public LoadSpec withExchangeTimeout(Duration v) {
        return new LoadSpec(target, workload, connections, ratePerSecond, duration, warmup, v, payload, halfClose, threads, heldConnections, thinkTime, ramp, sourceAddresses, cpus, hlog, io);
    }

    public LoadSpec withPayload(byte[] v, boolean newHalfClose) {
        return new LoadSpec(target, workload, connections, ratePerSecond, duration, warmup, exchangeTimeout, v, newHalfClose, threads, heldConnections, thinkTime, ramp, sourceAddresses, cpus, hlog, io);
    }

    public LoadSpec withThreads(int v) {
        return new LoadSpec(target, workload, connections, ratePerSecond, duration, warmup, exchangeTimeout, payload, halfClose, v, heldConnections, thinkTime, ramp, sourceAddresses, cpus, hlog, io);
    }

    public LoadSpec withThinkTime(Duration v) {
        return new LoadSpec(target, workload, connections, ratePerSecond, duration, warmup, exchangeTimeout, payload, halfClose, threads, heldConnections, v, ramp, sourceAddresses, cpus, hlog, io);
    }

    public LoadSpec withRamp(Duration v) {
        return new LoadSpec(target, workload, connections, ratePerSecond, duration, warmup, exchangeTimeout, payload, halfClose, threads, heldConnections, thinkTime, v, sourceAddresses, cpus, hlog, io);
    }

    public LoadSpec withSourceAddresses(int v) {
        return new LoadSpec(target, workload, connections, ratePerSecond, duration, warmup, exchangeTimeout, payload, halfClose, threads, heldConnections, thinkTime, ramp, v, cpus, hlog, io);
    }

    /**
     * Pins the generator threads to a CPU list, and sets one thread per listed CPU (at most one per
     * connection), as the JVM would choose under {@code taskset}; {@link #withThreads} after this
     * overrides the count.
     */
    public LoadSpec withCpus(String v) {
        int t = threads;
        if (v != null && CPU_LIST.matcher(v).matches()) {
            int cap = switch (workload) {
                case CLOSED -> connections;
                case HELD -> heldConnections;
                case OPEN -> MAX_THREADS;
            };
            t = Math.max(1, Math.min(CpuPinning.count(v), cap));
        }
        return new LoadSpec(target, workload, connections, ratePerSecond, duration, warmup, exchangeTimeout, payload, halfClose, t, heldConnections, thinkTime, ramp, sourceAddresses, v, hlog, io);
    }

    public LoadSpec withIo(IoEngine v) {
        return new LoadSpec(target, workload, connections, ratePerSecond, duration, warmup, exchangeTimeout, payload, halfClose, threads, heldConnections, thinkTime, ramp, sourceAddresses, cpus, hlog, v);
    }

    public LoadSpec withHlog(Path v) {
        return new LoadSpec(target, workload, connections, ratePerSecond, duration, warmup, exchangeTimeout, payload, halfClose, threads, heldConnections, thinkTime, ramp, sourceAddresses, cpus, v, io);
    }

    /** One line for humans: {@code closed loop, 64 connections, 1 thread, 10s after 2s warm-up}. */
    public String describe() {
        String what = switch (workload) {
            case CLOSED -> "closed loop, " + connections + " connections";
            case OPEN -> "open loop at " + LoadResult.formatRate(ratePerSecond) + "/s, at most " + connections + " in flight";
            case HELD -> heldConnections + " held connections, ramp " + LoadResult.formatDuration(ramp)
                    + ", think " + LoadResult.formatDuration(thinkTime);
        };
        String timing = workload == Workload.HELD ? "" : ", " + LoadResult.formatDuration(duration)
                + (warmup.isZero() ? "" : " after " + LoadResult.formatDuration(warmup) + " warm-up");
        return what + ", " + threads + (threads == 1 ? " thread" : " threads") + timing
                + ", payload " + payload.length + " B" + (halfClose ? " + half-close" : "")
                + (io == IoEngine.AUTO ? "" : ", " + io.label() + " engine");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoadSpec s && target.equals(s.target) && workload == s.workload
                && connections == s.connections && Double.compare(ratePerSecond, s.ratePerSecond) == 0
                && duration.equals(s.duration) && warmup.equals(s.warmup)
                && exchangeTimeout.equals(s.exchangeTimeout) && Arrays.equals(payload, s.payload)
                && halfClose == s.halfClose && threads == s.threads && heldConnections == s.heldConnections
                && thinkTime.equals(s.thinkTime) && ramp.equals(s.ramp) && sourceAddresses == s.sourceAddresses
                && Objects.equals(cpus, s.cpus) && Objects.equals(hlog, s.hlog) && io == s.io;
    }

    @Override
    public int hashCode() {
        return Objects.hash(target, workload, connections, ratePerSecond, duration, warmup, exchangeTimeout,
                Arrays.hashCode(payload), halfClose, threads, heldConnections, thinkTime, ramp, sourceAddresses, cpus, hlog, io);
    }

    @Override
    public String toString() {
        return "LoadSpec[" + target + ", " + describe() + "]";
    }
}
