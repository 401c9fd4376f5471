package io.greetbench.hostile;

import io.greetbench.harness.Probe;
import io.greetbench.harness.ServerProcess;
import io.greetbench.harness.ToolFailureException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * One server process started for one hostile case, with what the suite reads from the outside:
 * descriptors, threads, CPU time and RSS from {@code /proc/<pid>}, and its whole stderr in a file
 * (to check that logging stays bounded and that Netty's leak detector stayed silent).
 *
 * <p>Netty children always run with paranoid leak detection: every buffer is tracked, so a leak
 * anywhere in the suite's traffic is reported on stderr as {@code LEAK:}.
 *
 * <p>Threading: owned by the thread running the case; the readings may be called from any thread.
 */
public final class HostileServer implements AutoCloseable {

    static final String NETTY_PARANOID = "-Dio.netty.leakDetection.level=paranoid";

    private final HostileTarget target;
    private final ServerProcess process;
    private final Path stderrFile;
    private Integer exitCode;
    private boolean stoppedByCase;

    private HostileServer(HostileTarget target, ServerProcess process, Path stderrFile) {
        this.target = target;
        this.process = process;
        this.stderrFile = stderrFile;
    }

    static HostileServer start(HostileTarget target, ServerLaunch launch) {
        Path stderr;
        try {
            stderr = Files.createTempFile("greetbench-hostile-", ".stderr");
        } catch (IOException e) {
            throw new ToolFailureException("cannot create a temp file: " + e.getMessage(), e);
        }
        List<String> words = new ArrayList<>();
        if (launch.nofileLimit() > 0) {
            words.addAll(List.of("prlimit", "--nofile=" + launch.nofileLimit() + ":" + launch.nofileLimit(), "--"));
        }
        if (target.isGreetbench()) {
            words.add(ServerProcess.javaExecutable());
            words.addAll(ServerProcess.jvmFlags());
            if (target.isNetty()) {
                words.add(NETTY_PARANOID);
            }
            words.addAll(launch.jvmOptions());
            words.addAll(List.of("-cp", ServerProcess.classPath(), ServerProcess.MAIN_CLASS, "serve"));
            words.addAll(target.serveArgs());
            words.addAll(launch.serveOptions());
            // Stdin is the parent's control channel: when this process dies, the child exits too.
            words.addAll(List.of("--port", "{port}", "--control-stdin"));
        }
        StringBuilder command = new StringBuilder();
        for (String word : words) {
            command.append(word.equals("{port}") ? word : shellQuote(word)).append(' ');
        }
        if (!target.isGreetbench()) {
            command.append(target.command()).append(' ');
        }
        command.append("2>").append(shellQuote(stderr.toString()));
        ServerProcess process = ServerProcess.startExternal(target.name(), command.toString(), Probe.freePort(),
                Optional.empty(), Duration.ofSeconds(30));
        return new HostileServer(target, process, stderr);
    }

    private static String shellQuote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    HostileTarget target() {
        return target;
    }

    /** The child process, with its generic readings from {@code /proc/<pid>}: descriptors, threads, CPU, RSS. */
    ServerProcess process() {
        return process;
    }

    InetSocketAddress address() {
        return process.address();
    }

    /**
     * Open descriptors by kind ({@code socket}, {@code pipe}, {@code anon_inode:[eventpoll]}, or
     * a file path), to say what a leak consists of.
     */
    Map<String, Integer> fdKinds() {
        Map<String, Integer> kinds = new TreeMap<>();
        for (String link : fdLinks()) {
            kinds.merge(link.replaceAll(":\\[\\d+\\]$", ""), 1, Integer::sum);
        }
        return kinds;
    }

    /** Thread names, counted (numbers stripped, so the threads of a pool count under one name). */
    Map<String, Integer> threadNames() {
        Map<String, Integer> names = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(procDir().resolve("task"))) {
            for (Path task : tasks.toList()) {
                try {
                    names.merge(Files.readString(task.resolve("comm")).trim().replaceAll("\\d+", "#"), 1, Integer::sum);
                } catch (IOException e) {
                    // The thread ended while we looked.
                }
            }
        } catch (IOException e) {
            return names;
        }
        return names;
    }

    /**
     * The server's TCP connections on its listening port by state ({@code ESTABLISHED},
     * {@code CLOSE_WAIT}, ...): the sockets among its descriptors, looked up in
     * {@code /proc/net/tcp} and {@code tcp6}. Unlike a descriptor count this needs no idle
     * baseline, and it tells a held connection from one the server forgot to close.
     */
    Map<String, Integer> connectionStates() {
        Set<String> inodes = new HashSet<>();
        for (String link : fdLinks()) {
            if (link.startsWith("socket:[")) {
                inodes.add(link.substring(8, link.length() - 1));
            }
        }
        String port = String.format(":%04X", address().getPort());
        Map<String, Integer> states = new TreeMap<>();
        Set<String> unmatched = new HashSet<>(inodes);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9) {
                        unmatched.remove(f[9]);
                    }
                    if (f.length > 9 && f[1].endsWith(port) && inodes.contains(f[9])) {
                        String state = TCP_STATES.getOrDefault(f[3], f[3]);
                        if (!state.equals("LISTEN")) {
                            states.merge(state, 1, Integer::sum);
                        }
                    }
                }
            } catch (IOException e) {
                // No IPv6 table on this kernel.
            }
        }
        if (!unmatched.isEmpty()) {
            // A TCP socket the peer reset leaves the tables while its descriptor stays open until
            // the server closes it; Unix sockets (the JVM's attach listener) are never in them.
            states.put("not in TCP tables", unmatched.size());
        }
        return states;
    }

    /** Connections the server holds open now, in any state (sockets on its port only). */
    int connections() {
        Map<String, Integer> states = new TreeMap<>(connectionStates());
        states.remove("not in TCP tables");
        return states.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static final Map<String, String> TCP_STATES = Map.ofEntries(
            Map.entry("01", "ESTABLISHED"), Map.entry("02", "SYN_SENT"),
            Map.entry("03", "SYN_RECV"), Map.entry("04", "FIN_WAIT1"),
            Map.entry("05", "FIN_WAIT2"), Map.entry("06", "TIME_WAIT"),
            Map.entry("07", "CLOSE"), Map.entry("08", "CLOSE_WAIT"),
            Map.entry("09", "LAST_ACK"), Map.entry("0A", "LISTEN"),
            Map.entry("0B", "CLOSING"));

    /** What each open descriptor links to; empty once the process is gone. */
    private List<String> fdLinks() {
        List<String> links = new ArrayList<>();
        try (Stream<Path> fds = Files.list(procDir().resolve("fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    links.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // Closed while we looked.
                }
            }
        } catch (IOException e) {
            return links;
        }
        return links;
    }

    private Path procDir() {
        return Path.of("/proc", Long.toString(process.pid()));
    }

    long stderrBytes() {
        try {
            return Files.size(stderrFile);
        } catch (IOException e) {
            return -1;
        }
    }

    String stderrText() {
        try {
            return Files.readString(stderrFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Stderr lines Netty's leak detector wrote. */
    long leakReports() {
        return stderrText().lines().filter(l -> l.contains("LEAK:")).count();
    }

    /**
     * Polls {@code reading} every 50 ms until {@code done} accepts it or {@code timeout} passes;
     * returns the last value read. Descriptor and thread counts settle asynchronously after
     * clients leave, so cases wait for them instead of sampling once.
     */
    static long awaitValue(LongSupplier reading, LongPredicate done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long value = reading.getAsLong();
        while (!done.test(value) && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(50));
            value = reading.getAsLong();
        }
        return value;
    }

    /** SIGTERM and wait; records the exit code. Returns the exit code, -1 if it had to be killed. */
    int stop(Duration grace) {
        stoppedByCase = true;
        if (exitCode == null) {
            exitCode = process.stop(grace);
        }
        return exitCode;
    }

    /** True when the case stopped the server itself (so a dead process is not a crash). */
    boolean stoppedByCase() {
        return stoppedByCase;
    }

    @Override
    public void close() {
        if (exitCode == null) {
            exitCode = process.stop(Duration.ofSeconds(15));
        }
        process.close();
    }

    void deleteStderr() {
        try {
            Files.deleteIfExists(stderrFile);
        } catch (IOException e) {
            // A temp file left behind is harmless.
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
