package io.greetbench.cli;

import io.greetbench.harness.UnreachableException;
import io.greetbench.harness.ToolFailureException;
import io.greetbench.loadgen.CpuPinning;
import io.greetbench.loadgen.IoEngine;
import io.greetbench.loadgen.LoadGenerator;
import io.greetbench.loadgen.LoadResult;
import io.greetbench.loadgen.LoadSpec;
import io.greetbench.loadgen.ProgressListener;
import io.greetbench.loadgen.UnreachableTargetException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import io.greetbench.harness.GreetbenchException;

/**
 * {@code greetbench load}: drives any greeting server (ours, the Python reference, anything
 * listening on host:port) the way wrk2 drives an HTTP server, and prints a wrk2-style summary.
 *
 * <p>Threading: the picocli thread runs the load and prints progress from the generator's
 * coordinating callbacks; the generator threads are the library's.
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Drives a greeting server with connection-per-request load and reports latency from HdrHistogram.",
            "Closed loop (-c N, the default), open loop at a constant rate (-R RATE, latency corrected for coordinated omission),",
            "or held connections (--held N: open N, idle for --think, then one exchange each).",
            "Exit: 0 valid run, 2 bad option, 5 target unreachable, 7 run invalid (errors, or the generator fell behind)."})
final class LoadCommand implements Callable<Integer> {

    /** Runs shorter than this get no progress lines. */
    static final Duration PROGRESS_THRESHOLD = Duration.ofSeconds(3);

    @Spec
    CommandSpec spec;

    @Option(names = "--target", required = true, paramLabel = "HOST:PORT",
            description = "the server, such as 127.0.0.1:8888 or [::1]:8888")
    String target;

    @Option(names = {"-c", "--connections"}, paramLabel = "N",
            description = {"closed loop: exchanges in flight (default: " + LoadSpec.DEFAULT_CONNECTIONS + ");",
                "open loop: the most in flight (default: " + LoadSpec.DEFAULT_OPEN_CONNECTIONS + ");",
                "held: connects in progress at once (default: " + LoadSpec.DEFAULT_HELD_CONNECTS_IN_FLIGHT + ")"})
    Integer connections;

    @Option(names = {"-R", "--rate"}, paramLabel = "RATE", description = "open loop: exchanges started per second")
    Double rate;

    @Option(names = "--held", paramLabel = "N", description = "held connections: open N, keep them idle, then complete an exchange on each")
    Integer held;

    @Option(names = {"-d", "--duration"}, converter = DurationConverter.class, paramLabel = "DURATION",
            description = "recorded time, after the warm-up (default: 10s)")
    Duration duration = LoadSpec.DEFAULT_DURATION;

    @Option(names = "--warmup", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "unrecorded load before recording starts (default: 2s; held: 0)")
    Duration warmup;

    @Option(names = "--timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "the most one exchange may take, connect included (default: 2s)")
    Duration timeout = LoadSpec.DEFAULT_EXCHANGE_TIMEOUT;

    @Option(names = "--payload", paramLabel = "TEXT", description = "the request; \\n \\r \\t \\\\ are unescaped (default: \"hi\\n\")")
    String payload;

    @Option(names = "--payload-size", paramLabel = "BYTES", description = "send this many bytes (letters, then a newline) instead")
    Integer payloadSize;

    @Option(names = "--empty", description = "send nothing, only half-close (implies --half-close)")
    boolean empty;

    @Option(names = "--half-close", description = "shut down the sending side after the payload")
    boolean halfClose;

    @Option(names = {"-t", "--threads"}, paramLabel = "N",
            description = "generator threads, one selector each (default: one per CPU this process may use, or per --cpus CPU)")
    Integer threads;

    @Option(names = "--cpus", paramLabel = "LIST", description = "pin this generator to these CPUs with taskset, such as 1 or 2-3")
    String cpus;

    @Option(names = "--think", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "held: how long the connections stay idle once open (default: 10s)")
    Duration think = LoadSpec.DEFAULT_THINK_TIME;

    @Option(names = "--ramp", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "held: spread the connects over this long (default: 0, as fast as accepted)")
    Duration ramp = LoadSpec.DEFAULT_RAMP;

    @Option(names = "--source-addresses", paramLabel = "N",
            description = "bind round-robin to 127.0.0.1..127.0.0.N for more ephemeral ports (default: as many as --held needs)")
    Integer sourceAddresses;

    @Option(names = "--io", paramLabel = "ENGINE",
            description = "system-call layer: auto (default: epoll where the JDK and OS allow, else nio), epoll, nio")
    String ioEngine = "auto";

    @Option(names = "--json", paramLabel = "FILE", description = "also write the summary as JSON")
    Path json;

    @Option(names = "--hlog", paramLabel = "FILE", description = "write an HdrHistogram interval log (nanoseconds; raw ones tagged 'raw')")
    Path hlog;

    @Option(names = "--spectrum", description = "print the full percentile spectrum")
    boolean spectrum;

    @Override
    public Integer call() {
        LoadSpec loadSpec = buildSpec();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (cpus != null) {
            // The whole process, so the JIT and GC threads stay off the server's CPUs too.
            CpuPinning.pinProcess(cpus);
        }
        Duration total = loadSpec.workload() == io.greetbench.loadgen.Workload.HELD
                ? loadSpec.ramp().plus(loadSpec.thinkTime())
                : loadSpec.warmup().plus(loadSpec.duration());
        ProgressListener progress = total.compareTo(PROGRESS_THRESHOLD) > 0
                ? p -> {
                    err.println(p.line());
                    err.flush();
                }
                : ProgressListener.NONE;
        LoadResult result;
        try {
            result = LoadGenerator.run(loadSpec, progress);
        } catch (UnreachableTargetException e) {
            throw new UnreachableException(e.getMessage(), e);
        } catch (java.io.UncheckedIOException e) {
            throw new ToolFailureException("the run failed: " + e.getCause().getMessage(), e);
        }
        out.print(result.summary(spectrum));
        out.flush();
        if (json != null) {
            try {
                Path parent = json.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(json, result.toJson(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ToolFailureException("cannot write --json " + json + ": " + e.getMessage(), e);
            }
        }
        if (!result.valid()) {
            err.println("greetbench: invalid run: " + result.invalidReason());
            err.flush();
            return ExitCode.INVALID_RUN.code();
        }
        return ExitCode.OK.code();
    }

    /** Turns the options into a validated spec; every mistake is a one-line usage error. */
    LoadSpec buildSpec() {
        InetSocketAddress address = parseTarget(target);
        int workloads = (rate != null ? 1 : 0) + (held != null ? 1 : 0);
        if (workloads > 1) {
            throw usage("--rate and --held are different workloads; choose one");
        }
        if ((payload != null ? 1 : 0) + (payloadSize != null ? 1 : 0) + (empty ? 1 : 0) > 1) {
            throw usage("--payload, --payload-size and --empty are exclusive; choose one");
        }
        LoadSpec s;
        if (held != null) {
            if (held < 1) {
                throw new io.greetbench.protocol.ConfigException("--held", "must be at least 1, got " + held);
            }
            s = LoadSpec.held(address, held, think).withRamp(ramp);
            if (connections != null) {
                s = s.withConnections(connections);
            }
        } else if (rate != null) {
            s = LoadSpec.open(address, rate, duration);
            if (connections != null) {
                s = s.withConnections(connections);
            }
        } else {
            s = LoadSpec.closed(address, connections == null ? LoadSpec.DEFAULT_CONNECTIONS : connections, duration);
        }
        if (held != null && warmup != null && !warmup.isZero()) {
            throw usage("--warmup does not apply to --held (its connects are not measured)");
        }
        if (warmup != null) {
            s = s.withWarmup(warmup);
        }
        s = s.withExchangeTimeout(timeout);
        if (empty) {
            s = s.withPayload(new byte[0], true);
        } else if (payloadSize != null) {
            s = s.withPayload(filler(payloadSize), halfClose);
        } else if (payload != null) {
            s = s.withPayload(unescape(payload).getBytes(StandardCharsets.UTF_8), halfClose);
        } else if (halfClose) {
            s = s.withPayload(LoadSpec.DEFAULT_PAYLOAD, true);
        }
        if (cpus != null) {
            s = s.withCpus(cpus);
        }
        if (threads != null) {
            s = s.withThreads(threads);
        }
        if (sourceAddresses != null) {
            s = s.withSourceAddresses(sourceAddresses);
        }
        try {
            s = s.withIo(IoEngine.parse(ioEngine));
        } catch (IllegalArgumentException e) {
            throw usage("--io: " + e.getMessage());
        }
        return s.withHlog(hlog);
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** {@code host:port} or {@code [v6]:port}; the host is resolved here. */
    private InetSocketAddress parseTarget(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw usage("--target must be HOST:PORT, such as 127.0.0.1:8888, got '" + text + "'");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw usage("--target: write an IPv6 address in brackets, such as [::1]:8888, got '" + text + "'");
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65_535 || host.isEmpty()) {
            throw usage("--target must be HOST:PORT with a port from 1 to 65535, got '" + text + "'");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new UnreachableException("cannot resolve host '" + host + "' of --target");
        }
    }

    private byte[] filler(int size) {
        if (size < 0 || size > LoadSpec.MAX_PAYLOAD_BYTES) {
            throw new io.greetbench.protocol.ConfigException("--payload-size", "must be between 0 and " + LoadSpec.MAX_PAYLOAD_BYTES + ", got " + size);
        }
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        if (size > 0) {
            bytes[size - 1] = '\n';
        }
        if (size == 0 && !halfClose) {
            throw new io.greetbench.protocol.ConfigException("--payload-size", "0 sends nothing; use --empty (which half-closes)");
        }
        return Arrays.copyOf(bytes, size);
    }

    /** load-c's escapes: \n \r \t \\; anything else after a backslash stays as it is. */
    static String unescape(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char n = text.charAt(++i);
                switch (n) {
                    case 'n' -> s.append('\n');
                    case 'r' -> s.append('\r');
                    case 't' -> s.append('\t');
                    case '\\' -> s.append('\\');
                    default -> s.append('\\').append(n);
                }
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }
}
