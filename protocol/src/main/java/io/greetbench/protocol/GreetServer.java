package io.greetbench.protocol;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The contract every greetbench server implements: configure (constructor taking a
 * {@link ServerConfig}), {@link #start()}, {@link #boundAddress()}, {@link #close()}.
 *
 * <p>Implementations are libraries: they print nothing on start (the command line prints the
 * start-up line) and own all their threads, which are gone when {@link #close()} returns.
 */
public interface GreetServer extends AutoCloseable {

    /** Binds and starts serving; returns once connections are being accepted. */
    void start() throws IOException;

    /** The address actually bound, with the real port when the configured port was 0. */
    InetSocketAddress boundAddress();

    /**
     * Graceful stop: stop accepting at once (new connects are refused), give in-flight
     * connections up to {@link ServerConfig#shutdownGrace()} to be greeted, close the rest, release
     * every thread and descriptor. Idempotent.
     */
    @Override
    void close();

    /** One line for humans: the model and its settings, such as {@code nio: 2 reactors, SO_REUSEPORT}. */
    String describe();
}
