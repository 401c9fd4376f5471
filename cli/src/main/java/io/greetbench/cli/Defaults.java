package io.greetbench.cli;

import io.greetbench.hostile.HostileSettings;
import io.greetbench.protocol.ConformanceCheck;
import io.greetbench.protocol.HandlerWork;
import io.greetbench.protocol.ServerConfig;
import io.greetbench.loom.LoomThreads;
import io.greetbench.netty.NettyTransport;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every option's default, in one place, as picocli's default provider (JMH keeps its defaults in
 * {@code runner/Defaults.java} the same way). The values come from the domain modules' named
 * constants, so the documented default is the one the code uses; help texts show them through
 * {@code ${DEFAULT-VALUE}} and never retype them.
 *
 * <p>Keys are {@code "<command> <longest option name>"}. An option that is not listed has no fixed
 * default (its help says what happens when it is left out, such as "one per CPU").
 */
final class Defaults implements CommandLine.IDefaultValueProvider {

    private static final Map<String, String> VALUES = Map.ofEntries(
            // serve
            Map.entry("serve --host", ServerConfig.DEFAULT_HOST),
            Map.entry("serve --port", Integer.toString(ServerConfig.DEFAULT_PORT)),
            Map.entry("serve --backlog", Integer.toString(ServerConfig.DEFAULT_BACKLOG)),
            Map.entry("serve --idle-timeout", duration(ServerConfig.DEFAULT_IDLE_TIMEOUT)),
            Map.entry("serve --linger-timeout", duration(ServerConfig.DEFAULT_LINGER_TIMEOUT)),
            Map.entry("serve --max-connections", Integer.toString(ServerConfig.DEFAULT_MAX_CONNECTIONS)),
            Map.entry("serve --shutdown-grace", duration(ServerConfig.DEFAULT_SHUTDOWN_GRACE)),
            Map.entry("serve --io-threads", Integer.toString(ServerConfig.DEFAULT_IO_THREADS)),
            Map.entry("serve --handler", HandlerWork.NONE.toString()),
            Map.entry("serve --transport", NettyTransport.AUTO.cliName()),
            Map.entry("serve --threads", LoomThreads.VIRTUAL.cliName()),

            // check
            Map.entry("check --idle-timeout-hint", duration(Duration.ZERO)),
            Map.entry("check --timeout", duration(ConformanceCheck.Settings.DEFAULT_CASE_TIMEOUT)),
            Map.entry("check --clients", Integer.toString(ConformanceCheck.Settings.DEFAULT_CONCURRENT_CLIENTS)),

            // hostile
            Map.entry("hostile --server", String.join(",", HostileSettings.DEFAULT_SERVERS)),
            Map.entry("hostile --held", Integer.toString(HostileSettings.DEFAULT_HELD_CONNECTIONS))
    );

    @Override
    public String defaultValue(ArgSpec argument) {
        if (!(argument instanceof OptionSpec option) || option.command() == null) {
            return null;
        }
        return VALUES.get(option.command().name() + " " + option.longestName());
    }

    /** A duration the way users type it ({@link DurationConverter}): 60s, 500ms, 2m. */
    static String duration(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        if (d.toMillis() % 60_000 == 0) {
            return d.toMinutes() + "m";
        }
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + "s";
        }
        return d.toMillis() + "ms";
    }
}
