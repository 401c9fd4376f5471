package io.greetbench.harness;

import io.greetbench.protocol.HandlerWork;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One server that compare and the JMH round trip can start in its own process: a greetbench
 * server ({@code serve} in a child JVM), the asyncio peer (Python), or an external command.
 *
 * @param name            the name in tables and file names: {@code nio}, {@code loom-platform}, ...
 * @param model           the concurrency model in a few words, for the report
 * @param serveArgs       for a greetbench server: the {@code serve} arguments; else empty
 * @param commandTemplate for the others: a shell command with {@code {port}}; else null
 */
public record ComparedServer(String name, String model, List<String> serveArgs, String commandTemplate) {

    /** The names {@link #greetbench} accepts, in the order compare runs them. */
    public static final List<String> GREETBENCH_SERVERS = List.of("nio", "netty", "loom", "loom-platform");

    public static final String ASYNCIO = "asyncio";

    /** A greetbench server by its compare name; {@code loom-platform} is loom on platform threads. */
    public static ComparedServer greetbench(String name) {
        return switch (name) {
            case "nio" -> new ComparedServer(name, "NIO reactors: one selector thread per CPU", List.of("nio"), null);
            case "netty" -> new ComparedServer(name, "Netty event loops (native transport when available)", List.of("netty"), null);
            case "loom" -> new ComparedServer(name, "blocking sockets, a virtual thread per connection", List.of("loom"), null);
            case "loom-platform" -> new ComparedServer(name, "blocking sockets, a platform thread per connection",
                    List.of("loom", "--threads", "platform"), null);
            default -> throw new IllegalArgumentException("unknown server '" + name + "' (expected one of "
                    + String.join(", ", GREETBENCH_SERVERS) + ")");
        };
    }

    /** An external server: {@code template} is run by {@code sh -c} with {@code {port}} replaced. */
    public static ComparedServer external(String name, String template) {
        return new ComparedServer(name, "external command", List.of(), template);
    }

    /**
     * The asyncio peer, or empty when no {@code python3} runs here. The script ships inside the
     * jar and is written to a temporary file for Python to run.
     */
    public static Optional<ComparedServer> asyncioPeer() {
        Optional<String> python = pythonExecutable();
        if (python.isEmpty()) {
            return Optional.empty();
        }
        Path script;
        try (InputStream in = ComparedServer.class.getResourceAsStream("asyncio_peer.py")) {
            if (in == null) {
                throw new ToolFailureException("asyncio_peer.py is missing from the greetbench jar");
            }
            script = Files.createTempFile("greetbench-asyncio-peer-", ".py");
            Files.write(script, in.readAllBytes());
            script.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new ToolFailureException("cannot write the asyncio peer to a temporary file: " + e.getMessage(), e);
        }
        return Optional.of(new ComparedServer(ASYNCIO, "Python asyncio: one event loop, a coroutine per connection (the seed's model)",
                List.of(), shellQuote(python.get()) + " " + shellQuote(script.toString()) + " {port} --stop-on-stdin-eof"));
    }

    /**
     * The real python3 binary, not a wrapper: a pyenv shim, for one, runs Python as its child, so
     * its pid would not be the server's and its CPU time and RSS would be the shim's.
     */
    public static Optional<String> pythonExecutable() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String path = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || path.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(path);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    public boolean isGreetbench() {
        return commandTemplate == null;
    }

    /** True when {@code --handler} reaches it: greetbench servers and the asyncio peer. */
    public boolean takesHandler() {
        return isGreetbench() || name.equals(ASYNCIO);
    }

    /** Starts it with the given handler work, pinned to {@code cpus} when present. */
    public ServerProcess start(HandlerWork handler, Optional<String> cpus, Duration startTimeout) {
        return start(handler, cpus, List.of(), startTimeout);
    }

    /**
     * Starts it as {@link #start(HandlerWork, Optional, Duration)} does, a greetbench server with
     * {@code jvmOptions} besides this JVM's flags (such as a flight recording); an external server
     * has no JVM to take them, so they must be empty for one.
     */
    public ServerProcess start(HandlerWork handler, Optional<String> cpus, List<String> jvmOptions, Duration startTimeout) {
        if (isGreetbench()) {
            List<String> args = new ArrayList<>(serveArgs);
            args.addAll(List.of("--port", "0", "--handler", handler.toString()));
            return ServerProcess.startGreetbench(name, args, cpus, jvmOptions, startTimeout);
        }
        if (!jvmOptions.isEmpty()) {
            throw new IllegalArgumentException(name + " is not a greetbench JVM, so it takes no JVM options: " + jvmOptions);
        }
        String template = name.equals(ASYNCIO) && !handler.isNone()
                ? commandTemplate + " --handler " + handler
                : commandTemplate;
        return ServerProcess.startExternal(name, template, Probe.freePort(), cpus, startTimeout);
    }

    /** The command line, for provenance. */
    public String describeCommand() {
        return isGreetbench() ? "greetbench serve " + String.join(" ", serveArgs) : commandTemplate;
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
