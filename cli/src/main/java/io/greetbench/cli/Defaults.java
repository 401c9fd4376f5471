package io.greetbench.cli;

import io.greetbench.capacity.CapacitySettings;
import io.greetbench.compare.CompareSettings;
import io.greetbench.fleet.FleetPlan;
import io.greetbench.gate.GateSettings;
import io.greetbench.gate.GateWorkload;
import io.greetbench.harness.ServerKind;
import io.greetbench.hostile.HostileSuite;
import io.greetbench.loadgen.IoEngine;
import io.greetbench.loadgen.LoadSpec;
import io.greetbench.loom.LoomThreads;
import io.greetbench.netty.NettyTransport;
import io.greetbench.protocol.ConformanceCheck;
import io.greetbench.protocol.HandlerWork;
import io.greetbench.protocol.ServerConfig;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

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

            // compare: the workload options (--warmup, --duration, ...) have none, since they override the profile's
            Map.entry("compare --profile", CompareSettings.DEFAULT_PROFILE.toString()),
            Map.entry("compare --handler", HandlerWork.NONE.toString()),
            Map.entry("compare --servers", String.join(",", CompareSettings.DEFAULT_SERVERS)),
            Map.entry("compare --pin", CompareSettings.DEFAULT_PINNING.toString()),
            Map.entry("compare --server-cpus", CompareSettings.DEFAULT_SERVER_CPUS.toString()),
            Map.entry("compare --server-cpu-quota", CompareSettings.DEFAULT_SERVER_CPU_QUOTA.toString()),
            Map.entry("compare --timeout", duration(CompareSettings.DEFAULT_EXCHANGE_TIMEOUT)),
            Map.entry("compare --slo", CapacitySettings.DEFAULT_SLO.toString()),
            Map.entry("compare --noise-threshold", Integer.toString(CompareSettings.DEFAULT_NOISE_PERCENT)),
            Map.entry("compare --cpu-profile", Boolean.toString(CompareSettings.DEFAULT_CPU_PROFILE)),

            // capacity
            Map.entry("capacity --slo", CapacitySettings.DEFAULT_SLO.toString()),
            Map.entry("capacity --start-rate", number(CapacitySettings.DEFAULT_START_RATE)),
            Map.entry("capacity --growth", number(CapacitySettings.DEFAULT_GROWTH)),
            Map.entry("capacity --tolerance", number(CapacitySettings.DEFAULT_TOLERANCE * 100)),
            Map.entry("capacity --max-steps", Integer.toString(CapacitySettings.DEFAULT_MAX_STEPS)),
            Map.entry("capacity --step-duration", duration(CapacitySettings.DEFAULT_STEP_DURATION)),
            Map.entry("capacity --step-warmup", duration(CapacitySettings.DEFAULT_STEP_WARMUP)),
            Map.entry("capacity --timeout", duration(CapacitySettings.DEFAULT_EXCHANGE_TIMEOUT)),

            // hostile
            Map.entry("hostile --server", String.join(",", HostileSuite.Settings.DEFAULT_SERVERS)),
            Map.entry("hostile --held", Integer.toString(HostileSuite.Settings.DEFAULT_HELD_CONNECTIONS)),

            // gate
            Map.entry("gate --servers", String.join(",", GateSettings.DEFAULT_SERVERS.stream().map(ServerKind::cliName).toList())),
            Map.entry("gate --workload", String.join(",", GateSettings.DEFAULT_WORKLOADS.stream().map(GateWorkload::name).toList())),
            Map.entry("gate --budget", duration(GateSettings.DEFAULT_BUDGET)),
            Map.entry("gate --threshold", GateSettings.percent(GateSettings.DEFAULT_THRESHOLD)),
            Map.entry("gate --latency-threshold", GateSettings.percent(GateSettings.DEFAULT_LATENCY_THRESHOLD)),
            Map.entry("gate --confidence", GateSettings.percent(GateSettings.DEFAULT_CONFIDENCE)),
            Map.entry("gate --round", duration(GateSettings.DEFAULT_ROUND)),
            Map.entry("gate --slice", duration(GateSettings.DEFAULT_SLICE)),
            Map.entry("gate --min-rounds", Integer.toString(GateSettings.DEFAULT_MIN_ROUNDS)),
            Map.entry("gate --max-rounds", Integer.toString(GateSettings.DEFAULT_MAX_ROUNDS)),
            Map.entry("gate --inconclusive", GateCommand.OnInconclusive.FAIL.toString()),

            // load (--connections, --threads and --source-addresses depend on the workload: prose)
            Map.entry("load --duration", duration(LoadSpec.DEFAULT_DURATION)),
            Map.entry("load --warmup", duration(LoadSpec.DEFAULT_WARMUP)),
            Map.entry("load --timeout", duration(LoadSpec.DEFAULT_EXCHANGE_TIMEOUT)),
            Map.entry("load --payload", LoadCommand.escape(LoadSpec.DEFAULT_PAYLOAD)),
            Map.entry("load --think", duration(LoadSpec.DEFAULT_THINK_TIME)),
            Map.entry("load --ramp", duration(LoadSpec.DEFAULT_RAMP)),
            Map.entry("load --io", IoEngine.AUTO.toString()),
            Map.entry("load --remote-dir", FleetOptions.DEFAULT_REMOTE_DIR),
            Map.entry("load --remote-java", FleetOptions.DEFAULT_REMOTE_JAVA),
            Map.entry("load --start-delay", duration(FleetPlan.DEFAULT_START_DELAY)),

            // kube-load
            Map.entry("kube-load --namespace", KubeLoadCommand.DEFAULT_NAMESPACE),
            Map.entry("kube-load --cpu", KubeLoadCommand.DEFAULT_CPU),
            Map.entry("kube-load --memory", KubeLoadCommand.DEFAULT_MEMORY),
            Map.entry("kube-load --schedule-delay", duration(KubeLoadCommand.DEFAULT_SCHEDULE_DELAY))
    );

    /** Options that mean the same in every command that has them (picocli mixins). */
    private static final Map<String, String> SHARED = Map.of(
            "--start-tolerance", duration(LoadSpec.DEFAULT_START_TOLERANCE)
    );

    @Override
    public String defaultValue(ArgSpec argument) {
        if (!(argument instanceof OptionSpec option) || option.command() == null) {
            return null;
        }
        String value = VALUES.get(option.command().name() + " " + option.longestName());
        return value != null ? value : SHARED.get(option.longestName());
    }

    /** A number the way users type it: {@code 200}, {@code 1.5}. */
    static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
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
