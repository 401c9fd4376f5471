package io.greetbench.loom;

import io.greetbench.protocol.ConfigException;
import java.util.Locale;

/**
 * Which kind of thread {@link LoomServer} gives each connection. The code a connection runs is the
 * same for both, so the two differ only in what a blocked thread costs.
 */
public enum LoomThreads {
    /** One virtual thread per connection: a blocked read or a sleeping handler parks cheaply. */
    VIRTUAL,
    /** One platform (kernel) thread per connection: the classic thread-per-connection baseline. */
    PLATFORM;

    /** Parses {@code virtual} or {@code platform}, as typed after {@code --threads}. */
    public static LoomThreads parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "virtual" -> VIRTUAL;
            case "platform" -> PLATFORM;
            default -> throw new ConfigException("--threads", "must be virtual or platform, got '" + text + "'");
        };
    }

    /** The spelling {@link #parse} accepts. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The name users type, so picocli's help lists the choices as they are typed. */
    @Override
    public String toString() {
        return cliName();
    }
}
