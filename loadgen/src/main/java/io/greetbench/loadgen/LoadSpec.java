package io.greetbench.loadgen;

import io.greetbench.protocol.ConfigException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Every option of a load run, with all defaults, in one place.
 *
 * <p>The compact constructor validates every field and names the bad one with its command-line
 * spelling, so a mistake fails before any socket is opened. Immutable; {@link #closed},
 * {@link #open} and {@link #held} give a workload with every other option at its default, and a
 * {@link Builder} ({@link #builder}, {@link #toBuilder}) sets any option, filling the ones left
 * out with the workload's defaults.
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
 * @param shard           this generator's part of a fleet ({@code --shard I/N}), or null when it
 *                        runs alone; {@code connections}, {@code heldConnections} and
 *                        {@code ratePerSecond} are then already this shard's share of the totals
 *                        the builder was given
 * @param startAt         when the run starts (warm-up included), by this machine's clock, so the
 *                        shards of a fleet record the same window; null = at once
 * @param startTolerance  a run that begins later than this after {@code startAt} is invalid
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
        IoEngine io,
        Shard shard,
        Instant startAt,
        Duration startTolerance) {

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
    /** What load-c and a person at a terminal send (sent as UTF-8, as {@code --payload} is). */
    public static final String DEFAULT_PAYLOAD = "hi\n";
    /** Servers close idle clients after 60 s by default; stay well inside that. */
    public static final Duration DEFAULT_THINK_TIME = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RAMP = Duration.ZERO;
    public static final int DEFAULT_SOURCE_ADDRESSES = 1;
    /** Large enough for any request the protocol cares about (it reads at most 100 bytes). */
    public static final int MAX_PAYLOAD_BYTES = 64 << 20;
    public static final int MAX_THREADS = 1_024;
    public static final int MAX_CONNECTIONS = 1_000_000;
    public static final double MAX_RATE = 10_000_000;
    /** Shards that start within 100 ms of each other record the same window to within a progress interval. */
    public static final Duration DEFAULT_START_TOLERANCE = Duration.ofMillis(100);

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
        Objects.requireNonNull(startTolerance, "startTolerance");
        payload = payload.clone();
        if (startTolerance.isNegative()) {
            throw new ConfigException("--start-tolerance", "must be >= 0, got " + startTolerance);
        }
        if (connections < 1 || connections > MAX_CONNECTIONS) {
            throw new ConfigException(shard == null ? "--connections" : "--shard", shard == null
                    ? "must be between 1 and " + MAX_CONNECTIONS + ", got " + connections
                    : "shard " + shard + " gets " + connections + " of the connections; give each shard at least one");
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
                throw new ConfigException(shard == null ? "--held" : "--shard", shard == null
                        ? "must be between 1 and " + MAX_CONNECTIONS + ", got " + heldConnections
                        : "shard " + shard + " gets " + heldConnections + " of the held connections; give each shard at least one");
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
        if (sourceAddresses > 1 && !(target.getAddress() instanceof Inet4Address)) {
            throw new ConfigException("--source-addresses", "needs an IPv4 target");
        }
        if (cpus != null && !CPU_LIST.matcher(cpus).matches()) {
            throw new ConfigException("--cpus", "must be a CPU list such as 1 or 0-3,6, got '" + cpus + "'");
        }
    }

    /** Closed loop with {@code connections} in flight, every other option at its default. */
    public static LoadSpec closed(InetSocketAddress target, int connections, Duration duration) {
        return builder(target).closed(connections).duration(duration).build();
    }

    /** Open loop at {@code ratePerSecond}, every other option at its default. */
    public static LoadSpec open(InetSocketAddress target, double ratePerSecond, Duration duration) {
        return builder(target).open(ratePerSecond).duration(duration).build();
    }

    /**
     * {@code n} held connections, idle for {@code thinkTime}; spread over as many {@code 127.0.0.x}
     * source addresses as the ephemeral port range needs when the target is on loopback.
     */
    public static LoadSpec held(InetSocketAddress target, int n, Duration thinkTime) {
        return builder(target).held(n).thinkTime(thinkTime).build();
    }

    /** A closed loop of {@link #DEFAULT_CONNECTIONS} against {@code target}, until told otherwise. */
    public static Builder builder(InetSocketAddress target) {
        return new Builder(target);
    }

    /**
     * A builder holding every value of this spec, the derived ones (thread count, source
     * addresses) included: after changing the connections or the CPUs, set the threads too.
     */
    public Builder toBuilder() {
        return new Builder(target).workload(workload, ratePerSecond, heldConnections).connections(connections)
                .duration(duration).warmup(warmup).exchangeTimeout(exchangeTimeout).payload(payload, halfClose)
                .threads(threads).thinkTime(thinkTime).ramp(ramp).sourceAddresses(sourceAddresses).cpus(cpus)
                .hlog(hlog).io(io).startAt(startAt).startTolerance(startTolerance).alreadyShared(shard);
    }

    /**
     * Collects the options of one run; {@link #build} fills what was not set with the defaults of
     * the workload and validates the whole. Confined to the thread that uses it.
     */
    public static final class Builder {
        private final InetSocketAddress target;
        private Workload workload = Workload.CLOSED;
        private double ratePerSecond;
        private int heldConnections;
        // Null: derived in build() from the workload and the other values.
        private Integer connections;
        private Duration warmup;
        private Integer threads;
        private Integer sourceAddresses;
        private Duration duration = DEFAULT_DURATION;
        private Duration exchangeTimeout = DEFAULT_EXCHANGE_TIMEOUT;
        private byte[] payload = DEFAULT_PAYLOAD.getBytes(StandardCharsets.UTF_8);
        private boolean halfClose;
        private Duration thinkTime = DEFAULT_THINK_TIME;
        private Duration ramp = DEFAULT_RAMP;
        private String cpus;
        private Path hlog;
        private IoEngine io = IoEngine.AUTO;
        private Shard shard;
        // True when the counts and rate already are the shard's share (a spec turned back into a builder).
        private boolean shared;
        private Instant startAt;
        private Duration startTolerance = DEFAULT_START_TOLERANCE;

        private Builder(InetSocketAddress target) {
            this.target = target;
        }

        /** {@link Workload#CLOSED} with {@code n} exchanges always in flight. */
        public Builder closed(int n) {
            return workload(Workload.CLOSED, 0, 0).connections(n);
        }

        /** {@link Workload#OPEN}: {@code perSecond} exchanges started a second on a fixed schedule. */
        public Builder open(double perSecond) {
            return workload(Workload.OPEN, perSecond, 0);
        }

        /** {@link Workload#HELD}: {@code n} connections opened, idle for the think time, then one exchange each. */
        public Builder held(int n) {
            return workload(Workload.HELD, 0, n);
        }

        private Builder workload(Workload w, double rate, int held) {
            this.workload = w;
            this.ratePerSecond = rate;
            this.heldConnections = held;
            return this;
        }

        /**
         * Exchanges in flight (closed loop), the most in flight (open loop) or connects in progress
         * (held); by default {@link #DEFAULT_CONNECTIONS}, {@link #DEFAULT_OPEN_CONNECTIONS} or
         * {@link #DEFAULT_HELD_CONNECTS_IN_FLIGHT}.
         */
        public Builder connections(int n) {
            this.connections = n;
            return this;
        }

        public Builder duration(Duration d) {
            this.duration = d;
            return this;
        }

        /** By default {@link #DEFAULT_WARMUP}, or zero for held connections, whose connects are not measured. */
        public Builder warmup(Duration d) {
            this.warmup = d;
            return this;
        }

        public Builder exchangeTimeout(Duration d) {
            this.exchangeTimeout = d;
            return this;
        }

        /** The request bytes (the spec keeps a copy) and whether to half-close after them. */
        public Builder payload(byte[] bytes, boolean halfCloseAfter) {
            this.payload = bytes;
            this.halfClose = halfCloseAfter;
            return this;
        }

        /**
         * By default one per CPU this process may use, or per {@link #cpus} CPU when pinned, at
         * most one per connection (closed loop) or held connection.
         */
        public Builder threads(int n) {
            this.threads = n;
            return this;
        }

        public Builder thinkTime(Duration d) {
            this.thinkTime = d;
            return this;
        }

        public Builder ramp(Duration d) {
            this.ramp = d;
            return this;
        }

        /**
         * By default 1, or for held connections to a loopback IPv4 target as many
         * {@code 127.0.0.x} as the ephemeral port range needs.
         */
        public Builder sourceAddresses(int n) {
            this.sourceAddresses = n;
            return this;
        }

        /** A CPU list such as {@code 2-3,6} to pin the generator threads to; null = not pinned. */
        public Builder cpus(String list) {
            this.cpus = list;
            return this;
        }

        public Builder hlog(Path file) {
            this.hlog = file;
            return this;
        }

        public Builder io(IoEngine engine) {
            this.io = engine;
            return this;
        }

        /**
         * Runs this generator as one shard of a fleet: the connections, held connections and rate
         * given to this builder are the fleet's totals, and {@link #build} takes this shard's share.
         */
        public Builder shard(Shard s) {
            this.shard = s;
            this.shared = false;
            return this;
        }

        private Builder alreadyShared(Shard s) {
            this.shard = s;
            this.shared = true;
            return this;
        }

        /** Start the run (its warm-up) at this instant of this machine's clock; null = at once. */
        public Builder startAt(Instant instant) {
            this.startAt = instant;
            return this;
        }

        public Builder startTolerance(Duration d) {
            this.startTolerance = d;
            return this;
        }

        /** @throws ConfigException naming the option of the first value that breaks its rule */
        public LoadSpec build() {
            int c = connections != null ? connections : switch (workload) {
                case CLOSED -> DEFAULT_CONNECTIONS;
                case OPEN -> DEFAULT_OPEN_CONNECTIONS;
                case HELD -> DEFAULT_HELD_CONNECTS_IN_FLIGHT;
            };
            Duration w = warmup != null ? warmup : workload == Workload.HELD ? Duration.ZERO : DEFAULT_WARMUP;
            double rate = ratePerSecond;
            int held = heldConnections;
            if (shard != null && !shared) {
                c = workload == Workload.HELD ? c : shard.share(c);
                held = shard.share(held);
                rate = ratePerSecond / shard.count();
            }
            int t = threads != null ? threads : defaultThreads(c, held);
            int s = sourceAddresses != null ? sourceAddresses : defaultSourceAddresses(held);
            return new LoadSpec(target, workload, c, rate, duration, w, exchangeTimeout, payload, halfClose,
                    t, held, thinkTime, ramp, s, cpus, hlog, io, shard, startAt, startTolerance);
        }

        /**
         * One thread per CPU this process may run on (the JVM honours {@code taskset}) or per
         * listed CPU, at most one per connection: each thread has its own poller, so more threads
         * than CPUs only add switches.
         */
        private int defaultThreads(int c, int held) {
            int cpuCount = cpus != null && CPU_LIST.matcher(cpus).matches()
                    ? CpuPinning.count(cpus)
                    : Runtime.getRuntime().availableProcessors();
            int cap = switch (workload) {
                case CLOSED -> c;
                case HELD -> held;
                case OPEN -> MAX_THREADS;
            };
            return Math.max(1, Math.min(cpuCount, cap));
        }

        private int defaultSourceAddresses(int held) {
            if (workload == Workload.HELD && target != null
                    && target.getAddress() instanceof Inet4Address v4 && v4.isLoopbackAddress()) {
                return SystemLimits.sourceAddressesFor(held);
            }
            return DEFAULT_SOURCE_ADDRESSES;
        }
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
                + (io == IoEngine.AUTO ? "" : ", " + io.label() + " engine")
                + (shard == null ? "" : ", shard " + shard);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoadSpec s && target.equals(s.target) && workload == s.workload
                && connections == s.connections && Double.compare(ratePerSecond, s.ratePerSecond) == 0
                && duration.equals(s.duration) && warmup.equals(s.warmup)
                && exchangeTimeout.equals(s.exchangeTimeout) && Arrays.equals(payload, s.payload)
                && halfClose == s.halfClose && threads == s.threads && heldConnections == s.heldConnections
                && thinkTime.equals(s.thinkTime) && ramp.equals(s.ramp) && sourceAddresses == s.sourceAddresses
                && Objects.equals(cpus, s.cpus) && Objects.equals(hlog, s.hlog) && io == s.io
                && Objects.equals(shard, s.shard) && Objects.equals(startAt, s.startAt) && startTolerance.equals(s.startTolerance);
    }

    @Override
    public int hashCode() {
        return Objects.hash(target, workload, connections, ratePerSecond, duration, warmup, exchangeTimeout,
                Arrays.hashCode(payload), halfClose, threads, heldConnections, thinkTime, ramp, sourceAddresses, cpus, hlog, io,
                shard, startAt, startTolerance);
    }

    @Override
    public String toString() {
        return "LoadSpec[" + target + ", " + describe() + "]";
    }
}
