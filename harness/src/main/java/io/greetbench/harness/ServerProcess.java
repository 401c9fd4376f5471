package io.greetbench.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server running in its own process, the way JMH forks: a greetbench server in a child JVM
 * ({@link #startGreetbench}) or any external command ({@link #startExternal}). Measuring a server
 * inside the generator's JVM would let the two share a heap, a GC and a JIT, and hide each other's
 * costs.
 *
 * <p>The child is ready when it prints the protocol's start-up line, {@code Serving on (...)},
 * which also gives its port. Its CPU time and RSS come from {@code /proc/<pid>}, so they are
 * measured the same way for a JVM and for a Python or C server. GC figures come from greetbench
 * children only, over their stdin ({@code stats} request, see the {@code serve} command).
 *
 * <p>Threading: one daemon thread per child drains its stdout (so the child never blocks on a full
 * pipe) and hands lines to the caller; the rest is called from one thread at a time.
 */
public final class ServerProcess implements AutoCloseable {

    /**
     * The command line's entry point in this build, as a string: harness sits below the
     * {@code cli} module, which starts servers as {@code <main class> serve ...}.
     */
    public static final String MAIN_CLASS = "io.greetbench.cli.Main";

    private static final Pattern SERVING = Pattern.compile("Serving on \\('([^']*)', (\\d+)");
    private static final Pattern STATS = Pattern.compile("STATS gcMillis=(\\d+) gcCount=(\\d+)");

    private final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(1024);
    private final PrintWriter control;
    private final Path stderrLog;
    private InetSocketAddress address;

    private ServerProcess(String name, Process process, Path stderrLog) {
        this.name = name;
        this.process = process;
        this.stderrLog = stderrLog;
        this.control = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread drain = new Thread(this::drainStdout, "stdout-" + name);
        drain.setDaemon(true);
        drain.start();
    }

    /**
     * Starts {@code greetbench serve <serveArgs>} in a new JVM with the same java, jar and JVM
     * flags as this one, optionally pinned with {@code taskset -c cpus}.
     */
    static ServerProcess startGreetbench(String name, List<String> serveArgs, Optional<String> cpus,
                                         List<String> jvmOptions, Duration startTimeout) {
        return startGreetbench(name, classPath(), MAIN_CLASS, serveArgs, cpus, jvmOptions, startTimeout);
    }

    /**
     * Starts {@code greetbench serve <serveArgs>} from another build's jar or class path and main
     * class, with this JVM's java and flags: how {@code gate} runs a baseline build beside this one.
     */
    public static ServerProcess startGreetbench(String name, String classPath, String mainClass, List<String> serveArgs, Optional<String> cpus,
                                         List<String> jvmOptions, Duration startTimeout) {
        List<String> command = new ArrayList<>();
        cpus.ifPresent(c -> command.addAll(List.of("taskset", "-c", c)));
        command.add(javaExecutable());
        command.addAll(jvmFlags());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath, mainClass, "serve"));
        command.addAll(serveArgs);
        command.add("--control-stdin");
        return start(name, command, startTimeout);
    }

    /**
     * Starts an external server from a shell command in which {@code {port}} is replaced by a free
     * port. The shell {@code exec}s it, so the process measured is the server itself.
     */
    public static ServerProcess startExternal(String name, String commandTemplate, int port, Optional<String> cpus,
                                       Duration startTimeout) {
        String cmd = commandTemplate.replace("{port}", Integer.toString(port));
        List<String> command = new ArrayList<>();
        cpus.ifPresent(c -> command.addAll(List.of("taskset", "-c", c)));
        command.addAll(List.of("sh", "-c", "exec " + cmd));
        ServerProcess server = start(name, command, startTimeout, port);
        return server;
    }

    private static ServerProcess start(String name, List<String> command, Duration startTimeout) {
        return start(name, command, startTimeout, -1);
    }

    private static ServerProcess start(String name, List<String> command, Duration startTimeout, int knownPort) {
        Path log;
        Process process;
        try {
            log = Files.createTempFile("greetbench-" + name.replaceAll("[^A-Za-z0-9_.-]", "_") + "-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
            builder.environment().put("PYTHONUNBUFFERED", "1");
            process = builder.start();
        } catch (IOException e) {
            throw new ToolFailureException("cannot start server " + name + " (" + String.join(" ", command) + "): " + e.getMessage(), e);
        }
        ServerProcess server = new ServerProcess(name, process, log);
        server.awaitReady(startTimeout, knownPort);
        return server;
    }

    private void awaitReady(Duration timeout, int knownPort) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                String line = lines.poll(50, TimeUnit.MILLISECONDS);
                if (line != null) {
                    Matcher m = SERVING.matcher(line);
                    if (m.find()) {
                        address = new InetSocketAddress(m.group(1), Integer.parseInt(m.group(2)));
                        return;
                    }
                } else if (!process.isAlive()) {
                    break;
                } else if (knownPort > 0 && Probe.accepts(new InetSocketAddress("127.0.0.1", knownPort))) {
                    // External servers need not print the start-up line; a connect that succeeds
                    // is the protocol's other ready signal.
                    address = new InetSocketAddress("127.0.0.1", knownPort);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String why = process.isAlive() ? "did not become ready within " + timeout.toSeconds() + " s" : "exited with " + process.exitValue();
        close();
        throw new ToolFailureException("server " + name + " " + why + "; its stderr: " + lastLines(stderrLog, 3));
    }

    private void drainStdout() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                // Drop lines when nobody asks for them rather than block the child.
                lines.offer(line);
            }
        } catch (IOException e) {
            // The child went away; exit status tells the rest.
        }
    }

    String name() {
        return name;
    }

    public InetSocketAddress address() {
        return address;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** User plus system CPU time the server process has used so far, in nanoseconds. */
    public long cpuNanos() {
        return cpuNanosOf(process.pid());
    }

    /** User and system CPU time the server process has used so far, apart. */
    public CpuTimes cpuTimes() {
        return CpuTimes.of(process.pid());
    }

    /** Resident set size now, in bytes. */
    public long rssBytes() {
        return statusField(process.pid(), "VmRSS") * 1024;
    }

    /** Open file descriptors now. */
    public long openFds() {
        String[] fds = Path.of("/proc", Long.toString(process.pid()), "fd").toFile().list();
        return fds == null ? -1 : fds.length;
    }

    /** Threads now. */
    public long threads() {
        return statusField(process.pid(), "Threads");
    }

    /** GC totals of a greetbench child; empty for an external server. */
    public Optional<Map<String, Long>> gcStats() {
        if (!process.isAlive()) {
            return Optional.empty();
        }
        control.println("stats");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        try {
            while (System.nanoTime() < deadline) {
                String line = lines.poll(50, TimeUnit.MILLISECONDS);
                if (line == null) {
                    continue;
                }
                Matcher m = STATS.matcher(line);
                if (m.find()) {
                    return Optional.of(Map.of("gcMillis", Long.parseLong(m.group(1)), "gcCount", Long.parseLong(m.group(2))));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    /**
     * SIGTERM, then waits for a graceful exit; kills it if it takes longer than {@code grace}.
     * Returns the exit code, or -1 when it had to be killed.
     */
    public int stop(Duration grace) {
        if (!process.isAlive()) {
            return process.exitValue();
        }
        process.destroy();
        try {
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return process.exitValue();
            }
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
        try {
            Files.deleteIfExists(stderrLog);
        } catch (IOException e) {
            // A temp file left behind is harmless.
        }
    }

    /** The last lines the server wrote to stderr, for error messages. */
    public String stderrTail(int n) {
        return lastLines(stderrLog, n);
    }

    /** User plus system CPU time of any process by its pid, in nanoseconds; -1 when it cannot be read (gone, not Linux). */
    public static long cpuNanosOf(long pid) {
        return CpuTimes.of(pid).totalNanos();
    }

    private static long statusField(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static String lastLines(Path file, int n) {
        try {
            List<String> all = Files.readAllLines(file);
            List<String> tail = all.subList(Math.max(0, all.size() - n), all.size());
            return tail.isEmpty() ? "(empty)" : String.join(" | ", tail);
        } catch (IOException e) {
            return "(unreadable)";
        }
    }

    /** The java running this JVM, or the launcher's choice. */
    public static String javaExecutable() {
        String fromLauncher = System.getenv("GREETBENCH_JAVA");
        if (fromLauncher != null && !fromLauncher.isBlank()) {
            return fromLauncher;
        }
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** The flags Netty needs on this JDK (the launcher's, else derived from the running version). */
    public static List<String> jvmFlags() {
        String fromLauncher = System.getenv("GREETBENCH_JVM_FLAGS");
        if (fromLauncher != null && !fromLauncher.isBlank()) {
            return List.of(fromLauncher.trim().split("\\s+"));
        }
        List<String> flags = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 23) {
            flags.add("--sun-misc-unsafe-memory-access=allow");
        }
        return flags;
    }

    /** This JVM's class path: the greetbench jar when launched, the build's classes in tests. */
    public static String classPath() {
        return System.getProperty("java.class.path");
    }
}
