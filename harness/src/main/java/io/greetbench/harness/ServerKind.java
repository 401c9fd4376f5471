package io.greetbench.harness;

import io.greetbench.loom.LoomServer;
import io.greetbench.loom.LoomThreads;
import io.greetbench.netty.NettyServer;
import io.greetbench.netty.NettyTransport;
import io.greetbench.nio.NioServer;
import io.greetbench.protocol.GreetServer;
import io.greetbench.protocol.ServerConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The servers greetbench ships, by the names users type. Each is one of the three modules; the
 * model-specific option (netty's transport, loom's thread kind) is passed beside the shared
 * {@link ServerConfig}.
 */
public enum ServerKind {
    NIO,
    NETTY,
    LOOM;

    /** The name users type: the constant's, in lower case. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The name users type, so picocli's help lists the choices as they are typed. */
    @Override
    public String toString() {
        return cliName();
    }

    /** A new, unstarted server of this kind. */
    public GreetServer create(ServerConfig config, NettyTransport transport, LoomThreads threads) {
        return switch (this) {
            case NIO -> new NioServer(config);
            case NETTY -> new NettyServer(config, transport);
            case LOOM -> new LoomServer(config, threads);
        };
    }

    public static ServerKind parse(String name) {
        for (ServerKind kind : values()) {
            if (kind.cliName().equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown server '" + name + "' (expected one of " + names() + ")");
    }

    public static String names() {
        return Arrays.stream(values()).map(ServerKind::cliName).collect(Collectors.joining(", "));
    }

    public static List<String> cliNames() {
        return Arrays.stream(values()).map(ServerKind::cliName).toList();
    }
}
