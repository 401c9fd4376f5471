package io.greetbench.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A shard in a process of its own on this machine: how a fleet is tried out before it goes to
 * other machines, and how the Kubernetes pods' entrypoint is tested without a cluster.
 *
 * <p>Thread-safe: the fleet starts and kills shards from different threads; a kill that comes
 * while its shard is being started stops it as soon as it exists.
 */
public final class LocalHost implements ShardHost {

    private final String name;
    private final Path workDir;
    private final List<String> javaCommand;
    private final Map<String, String> environment;
    private final Map<String, Process> running = new ConcurrentHashMap<>();
    /** Tags killed before their process was registered: started, they are stopped at once. */
    private final Set<String> killed = ConcurrentHashMap.newKeySet();

    /**
     * @param javaCommand  the java executable and its JVM flags
     * @param environment  extra environment variables for the shard, such as the Job's
     *                     {@code JOB_COMPLETION_INDEX}
     */
    public LocalHost(String name, Path workDir, List<String> javaCommand, Map<String, String> environment) {
        this.name = name;
        this.workDir = workDir;
        this.javaCommand = List.copyOf(javaCommand);
        this.environment = Map.copyOf(environment);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String install(Path jar) {
        return jar.toAbsolutePath().toString();
    }

    @Override
    public ClockOffset clockOffset() {
        return ClockOffset.NONE;
    }

    @Override
    public String workDir() {
        return workDir.toString();
    }

    @Override
    public synchronized Process start(String installedJar, List<String> arguments, String shardTag, Path log) throws IOException {
        Files.createDirectories(workDir);
        List<String> command = new ArrayList<>(javaCommand);
        command.addAll(List.of("-jar", installedJar));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        running.put(shardTag, process);
        if (killed.contains(shardTag)) {
            // A kill (Ctrl-C) raced with the start: honour it.
            process.destroyForcibly();
        }
        return process;
    }

    @Override
    public Optional<byte[]> fetch(String path) throws IOException {
        Path file = Path.of(path);
        return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }

    @Override
    public void kill(String shardTag) {
        killed.add(shardTag);
        Process p;
        synchronized (this) {
            p = running.get(shardTag);
        }
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
