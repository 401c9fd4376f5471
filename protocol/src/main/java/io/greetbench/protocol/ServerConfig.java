package io.greetbench.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Every option shared by the greetbench servers, with all their defaults, in one place.
 *
 * <p>The compact constructor validates every field and names the bad one with its command-line
 * spelling, so a user's mistake fails before any socket is opened. Immutable; {@link #with}
 * makes a variant that differs in some components.
 *
 * @param host           the address to listen on; {@code ::} listens dual-stack
 * @param port           the port to listen on; 0 picks an ephemeral port
 * @param backlog        the kernel accept-queue length requested from {@code listen(2)}
 * @param idleTimeout    how long a connection may stay silent before its first byte (or
 *                       end of stream) before it is closed without a greeting; zero means never
 * @param lingerTimeout  after the reply, how long the server keeps discarding the client's
 *                       remaining input while waiting for its end of stream before it closes
 * @param maxConnections the most connections a server keeps open; past it, new connections wait in
 *                       the backlog
 * @param shutdownGrace  on close, how long in-flight clients get to be greeted
 * @param ioThreads      I/O threads: reactors for nio, event loops for netty, acceptors for loom
 * @param handler        simulated work done for each exchange before replying
 */
public record ServerConfig(
        String host,
        int port,
        int backlog,
        Duration idleTimeout,
        Duration lingerTimeout,
        int maxConnections,
        Duration shutdownGrace,
        int ioThreads,
        HandlerWork handler) {

    /** The reference listens on IPv4 loopback. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8888;
    /**
     * Java's default backlog of 50 overflows under a burst of connects (the reference uses 100);
     * ask for the kernel's ceiling, {@code net.core.somaxconn}, which also clamps any larger value.
     */
    public static final int DEFAULT_BACKLOG = kernelSomaxconn(4096);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** nginx's {@code lingering_timeout} is 5 s between reads; this bounds the whole drain. */
    public static final Duration DEFAULT_LINGER_TIMEOUT = Duration.ofSeconds(5);
    /** High enough for the 50,000 held-connection workload, low enough to be a real defence. */
    public static final int DEFAULT_MAX_CONNECTIONS = 65_536;
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);
    public static final int DEFAULT_IO_THREADS = Runtime.getRuntime().availableProcessors();

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(lingerTimeout, "lingerTimeout");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(handler, "handler");
        if (host.isBlank()) {
            throw new ConfigException("--host", "must not be empty");
        }
        if (port < 0 || port > 65_535) {
            throw new ConfigException("--port", "must be between 0 and 65535 (0 = ephemeral), got " + port);
        }
        if (backlog < 1) {
            throw new ConfigException("--backlog", "must be at least 1, got " + backlog);
        }
        if (idleTimeout.isNegative()) {
            throw new ConfigException("--idle-timeout", "must be >= 0 (0 = none), got " + idleTimeout);
        }
        if (lingerTimeout.isNegative() || lingerTimeout.isZero()) {
            throw new ConfigException("--linger-timeout", "must be > 0, got " + lingerTimeout);
        }
        if (maxConnections < 1) {
            throw new ConfigException("--max-connections", "must be at least 1, got " + maxConnections);
        }
        if (shutdownGrace.isNegative()) {
            throw new ConfigException("--shutdown-grace", "must be >= 0, got " + shutdownGrace);
        }
        if (ioThreads < 1 || ioThreads > 1024) {
            throw new ConfigException("--io-threads", "must be between 1 and 1024, got " + ioThreads);
        }
    }

    /** All defaults: {@code 127.0.0.1:8888}. */
    public static ServerConfig defaults() {
        return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_BACKLOG, DEFAULT_IDLE_TIMEOUT,
                DEFAULT_LINGER_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_SHUTDOWN_GRACE,
                DEFAULT_IO_THREADS, HandlerWork.NONE);
    }

    /** Defaults on loopback with an ephemeral port: what tests use. */
    public static ServerConfig ephemeral() {
        return defaults().with(c -> c.port = 0);
    }

    /**
     * A copy with {@code changes} applied to a {@link Draft} of this config, validated like any
     * other: {@code ServerConfig.ephemeral().with(c -> c.ioThreads = 2)}.
     */
    public ServerConfig with(Consumer<Draft> changes) {
        Draft draft = new Draft(this);
        changes.accept(draft);
        return draft.toConfig();
    }

    /**
     * The components of a config as plain fields, for {@link #with}: the lambda sets those that
     * differ, and the result is validated once the draft becomes a config again. A draft lives
     * only inside that lambda, on the caller's thread.
     */
    public static final class Draft {
        public String host;
        public int port;
        public int backlog;
        public Duration idleTimeout;
        public Duration lingerTimeout;
        public int maxConnections;
        public Duration shutdownGrace;
        public int ioThreads;
        public HandlerWork handler;

        private Draft(ServerConfig from) {
            host = from.host;
            port = from.port;
            backlog = from.backlog;
            idleTimeout = from.idleTimeout;
            lingerTimeout = from.lingerTimeout;
            maxConnections = from.maxConnections;
            shutdownGrace = from.shutdownGrace;
            ioThreads = from.ioThreads;
            handler = from.handler;
        }

        private ServerConfig toConfig() {
            return new ServerConfig(host, port, backlog, idleTimeout, lingerTimeout, maxConnections, shutdownGrace, ioThreads, handler);
        }
    }

    /** True when idle connections are closed at all. */
    public boolean hasIdleTimeout() {
        return !idleTimeout.isZero();
    }

    /**
     * Reads the sysctl in one {@code read(2)}: a sysctl file reports size 0 and answers any read at
     * a non-zero offset with end of file, so {@code Files.readString}, which probes with a
     * one-byte read first, sees only {@code "4"} of {@code "4096"}.
     */
    static int kernelSomaxconn(int fallback) {
        try (var in = Files.newInputStream(Path.of("/proc/sys/net/core/somaxconn"))) {
            byte[] text = new byte[32];
            int n = in.read(text);
            return n <= 0 ? fallback : Math.max(1, Integer.parseInt(new String(text, 0, n, StandardCharsets.US_ASCII).trim()));
        } catch (IOException | NumberFormatException | SecurityException e) {
            return fallback;
        }
    }
}
