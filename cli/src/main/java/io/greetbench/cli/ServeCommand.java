package io.greetbench.cli;

import io.greetbench.harness.CannotListenException;
import io.greetbench.loom.LoomThreads;
import io.greetbench.netty.NettyTransport;
import io.greetbench.protocol.Greeting;
import io.greetbench.protocol.GreetServer;
import io.greetbench.protocol.HandlerWork;
import io.greetbench.protocol.ServerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import io.greetbench.harness.ServerKind;

/**
 * {@code greetbench serve <nio|netty|loom>}: runs one server in the foreground until SIGTERM or
 * SIGINT, then stops it gracefully and exits 0.
 *
 * <p>Threading: the main thread starts the server and then parks; the JVM's shutdown-hook thread
 * does the graceful close.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs a greeting server until SIGTERM or SIGINT, then stops gracefully (exit 0).",
            "Prints the start-up line \"Serving on ('127.0.0.1', 8888)\" on stdout when ready."})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SERVER", description = "${COMPLETION-CANDIDATES}")
    ServerKind server;

    @Option(names = "--host", paramLabel = "ADDR", description = "listen address; :: for dual-stack (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--port", description = "listen port, 0 = ephemeral (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--backlog", description = "accept queue length (default: ${DEFAULT-VALUE}, the kernel's somaxconn)")
    int backlog;

    @Option(names = "--idle-timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "close a client that sent nothing for this long; 0 = never (default: ${DEFAULT-VALUE})")
    Duration idleTimeout;

    @Option(names = "--linger-timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "after replying, discard the client's input for at most this long before closing (default: ${DEFAULT-VALUE})")
    Duration lingerTimeout;

    @Option(names = "--max-connections", description = "open connections at most; more wait in the backlog (default: ${DEFAULT-VALUE})")
    int maxConnections;

    @Option(names = "--shutdown-grace", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "on SIGTERM, how long in-flight clients get to be greeted (default: ${DEFAULT-VALUE})")
    Duration shutdownGrace;

    @Option(names = "--io-threads", description = "reactors (nio), event loops (netty), acceptors (loom) (default: ${DEFAULT-VALUE}, the CPUs available)")
    int ioThreads;

    @Option(names = "--handler", paramLabel = "WORK",
            description = "simulated work per exchange: none, cpu:<microseconds>, sleep:<milliseconds>, tail:<percent>:<milliseconds> (default: ${DEFAULT-VALUE})")
    HandlerWork handler;

    @Option(names = "--transport", paramLabel = "TRANSPORT",
            description = "netty only: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    NettyTransport transport;

    @Option(names = "--threads", paramLabel = "KIND",
            description = "loom only: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    LoomThreads threads;

    @Option(names = "--control-stdin", hidden = true,
            description = "for compare and gate: answer 'stats' on stdin, and stop when stdin closes")
    boolean controlStdin;

    @Override
    public Integer call() throws InterruptedException {
        ServerKind kind = checkModelOptions();
        ServerConfig config = new ServerConfig(host, port, backlog, idleTimeout, lingerTimeout,
                maxConnections, shutdownGrace, ioThreads, handler);
        GreetServer greetServer = kind.create(config, transport, threads);
        try {
            greetServer.start();
        } catch (BindException e) {
            greetServer.close();
            throw new CannotListenException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        } catch (IOException | IllegalStateException e) {
            greetServer.close();
            throw new CannotListenException("cannot start " + server + " on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        err.println("greetbench: " + greetServer.describe() + "; SIGTERM or Ctrl-C stops it gracefully");
        err.flush();
        out.println(Greeting.servingLine(greetServer.boundAddress()));
        out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            greetServer.close();
            out.flush();
            err.flush();
            writeFlightRecordings();
            // A JVM stopped by a signal exits 128+signal even after its hooks ran; a graceful stop
            // is a success, so end the process here with 0. halt() skips the remaining hooks, of
            // which greetbench registers none; JFR's, which writes a recording on exit, is
            // anticipated above.
            Runtime.getRuntime().halt(ExitCode.OK.code());
        }, "graceful-shutdown"));
        if (controlStdin) {
            Thread control = new Thread(() -> answerControl(out), "control-stdin");
            control.setDaemon(true);
            control.start();
        }
        new CountDownLatch(1).await();
        return ExitCode.OK.code();
    }

    /**
     * Writes every flight recording that has a file to go to ({@code -XX:StartFlightRecording:filename=...},
     * as {@code compare --cpu-profile} starts a server): JFR writes it from a shutdown hook of its
     * own, which runs beside this one and which {@code halt()} would cut short, leaving no file or
     * half of one. Stopping a recording writes it; when JFR's hook got there first, it holds the
     * recorder until the file is written, and the recording is no longer running.
     */
    private static void writeFlightRecordings() {
        if (!FlightRecorder.isInitialized()) {
            return;
        }
        try {
            for (Recording recording : FlightRecorder.getFlightRecorder().getRecordings()) {
                if (recording.getState() == RecordingState.RUNNING && recording.getDestination() != null) {
                    try {
                        recording.stop();
                    } catch (IllegalStateException e) {
                        // Stopped or closed by JFR's own hook meanwhile, which wrote it.
                    }
                }
            }
        } catch (IllegalStateException e) {
            // The recorder is already shut down: its hook has written every recording.
        }
    }

    /**
     * The parent's channel to a server it started: {@code stats} prints the JVM's GC totals on
     * stdout. End of stdin means the parent is gone, so the server stops instead of lingering as
     * an orphan that holds its port.
     */
    private static void answerControl(PrintWriter out) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.trim().equals("stats")) {
                    long millis = 0;
                    long count = 0;
                    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                        millis += Math.max(0, gc.getCollectionTime());
                        count += Math.max(0, gc.getCollectionCount());
                    }
                    out.println("STATS gcMillis=" + millis + " gcCount=" + count);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // Treated as end of stdin below.
        }
        System.exit(ExitCode.OK.code());
    }

    /** The model-specific options apply to their model only; given for another, they are a usage error. */
    private ServerKind checkModelOptions() {
        CommandLine.ParseResult given = spec.commandLine().getParseResult();
        if (given.hasMatchedOption("--transport") && server != ServerKind.NETTY) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--transport applies to netty only");
        }
        if (given.hasMatchedOption("--threads") && server != ServerKind.LOOM) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads applies to loom only");
        }
        return server;
    }
}
