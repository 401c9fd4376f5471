package io.greetbench.cli;

import io.greetbench.fleet.FleetPlan;
import io.greetbench.fleet.FleetRun;
import io.greetbench.fleet.LocalHost;
import io.greetbench.fleet.ShardHost;
import io.greetbench.fleet.SshHost;
import io.greetbench.harness.BadInputException;
import io.greetbench.harness.ServerProcess;
import io.greetbench.harness.ToolFailureException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The options of {@code load --generators}: one load as N shards on N hosts (OpenSSH destinations,
 * or {@code local} for a process on this machine), started together and merged exactly. Every
 * other {@code load} option is passed to each shard as the user typed it, so {@code -R} and
 * {@code -c} are the fleet's totals.
 *
 * <p>Threading: {@link #run} runs on the picocli thread; see {@link FleetRun}.
 */
final class FleetOptions {

    /** The options a fleet sets per shard itself, or that configure the fleet: never passed on. */
    private static final Set<String> FLEET_ONLY = Set.of("--generators", "--remote-dir", "--remote-java", "--ssh-option",
            "--start-delay", "--out", "--json", "--hlog", "--shard", "--start-at", "--start-tolerance");
    /** Overrides where the jar to copy is, for runs from a class path (tests). */
    static final String JAR_PROPERTY = "greetbench.jar";

    /** The remote JVM's flags: the epoll engine calls Linux through the foreign-function API. */
    static final String DEFAULT_REMOTE_JAVA = "java --enable-native-access=ALL-UNNAMED";
    /** Relative to the login directory, so each user and host keeps its own copy. */
    static final String DEFAULT_REMOTE_DIR = ".greetbench";

    @Option(names = "--generators", required = true, split = ",", paramLabel = "HOST",
            description = "run one shard on each: [user@]host over OpenSSH, or local for a process here (e.g. local,local)")
    List<String> generators;

    @Option(names = "--remote-dir", paramLabel = "DIR",
            description = "where each SSH host keeps the jar (copied when missing) and the shards' files; {host} and {index} "
                    + "are replaced by the host's name and shard index (default: ${DEFAULT-VALUE})")
    String remoteDir;

    @Option(names = "--remote-java", paramLabel = "COMMAND",
            description = "the java command on the SSH hosts, with its flags (default: ${DEFAULT-VALUE})")
    String remoteJava;

    @Option(names = "--ssh-option", paramLabel = "OPTION", description = "an extra ssh argument, repeatable (e.g. --ssh-option=-p2222)")
    List<String> sshOptions = new ArrayList<>();

    @Option(names = "--start-delay", paramLabel = "DURATION",
            description = "from every host ready to the shards' common start: time for N JVMs to start (default: ${DEFAULT-VALUE})")
    Duration startDelay;

    @Option(names = "--out", paramLabel = "DIR", description = "where the shards' and merged results go (default: results/fleet-<time>)")
    Path out;

    int run(LoadCommand load) {
        // Validates every load option, and that the target resolves, before any host is touched.
        load.buildSpec();
        String stamp = Long.toString(System.currentTimeMillis() / 1000);
        Path dir = out != null ? out : Path.of("results", "fleet-" + stamp);
        List<ShardHost> hosts = new ArrayList<>();
        List<String> javaHere = new ArrayList<>(List.of(ServerProcess.javaExecutable()));
        javaHere.addAll(ServerProcess.jvmFlags());
        for (int i = 0; i < generators.size(); i++) {
            String g = generators.get(i).trim();
            if (g.isEmpty()) {
                throw new BadInputException("--generators: an empty host name");
            }
            hosts.add(g.equals("local")
                    ? new LocalHost("local#" + i, dir.resolve("local-" + i).toAbsolutePath(), javaHere, Map.of())
                    : new SshHost(g, sshOptions, remoteDir.replace("{host}", g.replaceAll("[^A-Za-z0-9_.@-]", "_"))
                            .replace("{index}", Integer.toString(i)), Arrays.asList(remoteJava.trim().split("\\s+"))));
        }
        FleetPlan plan = new FleetPlan(load.givenArguments(FLEET_ONLY), hosts.size(), startDelay,
                load.startTolerance.value, load.runLength(), FleetPlan.DEFAULT_GRACE);
        FleetRun.Result result = new FleetRun(plan, hosts, load.spec.commandLine().getErr()).run(jar(), dir);
        try {
            if (load.json != null) {
                Files.copy(result.json(), load.json, StandardCopyOption.REPLACE_EXISTING);
            }
            if (load.hlog != null && result.hlog() != null) {
                Files.copy(result.hlog(), load.hlog, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ToolFailureException("cannot write the merged results: " + e.getMessage(), e);
        }
        return FleetReport.print(result, load.spec.commandLine().getOut(), load.spec.commandLine().getErr());
    }

    /** The greetbench jar to run on every host: this one. */
    private static Path jar() {
        String given = System.getProperty(JAR_PROPERTY, System.getenv("GREETBENCH_JAR"));
        Path jar;
        if (given != null && !given.isBlank()) {
            jar = Path.of(given);
        } else {
            try {
                jar = Path.of(FleetOptions.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            } catch (URISyntaxException | SecurityException e) {
                throw new ToolFailureException("cannot tell where greetbench's jar is: " + e.getMessage(), e);
            }
        }
        if (!Files.isRegularFile(jar) || !jar.toString().endsWith(".jar")) {
            throw new ToolFailureException("a fleet copies greetbench's jar to its hosts, but this greetbench runs from " + jar
                    + ", not a jar: run it through ./greetbench");
        }
        return jar;
    }
}
