package io.greetbench.cli;

import io.greetbench.harness.ToolFailureException;
import io.greetbench.harness.UnreachableException;
import io.greetbench.loadgen.CpuPinning;
import io.greetbench.loadgen.IoEngine;
import io.greetbench.loadgen.LoadGenerator;
import io.greetbench.loadgen.LoadResult;
import io.greetbench.loadgen.LoadSpec;
import io.greetbench.loadgen.ProgressListener;
import io.greetbench.loadgen.Shard;
import io.greetbench.loadgen.UnreachableTargetException;
import io.greetbench.loadgen.Workload;
import io.greetbench.protocol.ConfigException;
import io.greetbench.protocol.HostPort;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

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
            "or held connections (--held N: open N, idle for --think, then one exchange each)."})
final class LoadCommand implements Callable<Integer> {

    /** Runs shorter than this get no progress lines. */
    static final Duration PROGRESS_THRESHOLD = Duration.ofSeconds(3);

    @Spec
    CommandSpec spec;

    @Option(names = "--target", required = true, paramLabel = "HOST:PORT",
            description = "the server, such as 127.0.0.1:8888 or [::1]:8888")
    HostPort target;

    @Option(names = {"-c", "--connections"}, paramLabel = "N",
            description = {"closed loop: exchanges in flight (default: " + LoadSpec.DEFAULT_CONNECTIONS + ");",
                "open loop: the most in flight (default: " + LoadSpec.DEFAULT_OPEN_CONNECTIONS + ");",
                "held: connects in progress at once (default: " + LoadSpec.DEFAULT_HELD_CONNECTS_IN_FLIGHT + ")"})
    Integer connections;

    @Option(names = {"-R", "--rate"}, paramLabel = "RATE", description = "open loop: exchanges started per second")
    Double rate;

    @Option(names = "--held", paramLabel = "N", description = "held connections: open N, keep them idle, then complete an exchange on each")
    Integer held;

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION",
            description = "recorded time, after the warm-up (default: ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--warmup", paramLabel = "DURATION",
            description = "unrecorded load before recording starts (default: ${DEFAULT-VALUE}; held: 0)")
    Duration warmup;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "the most one exchange may take, connect included (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--payload", paramLabel = "TEXT", description = "the request; \\n \\r \\t \\\\ are unescaped (default: ${DEFAULT-VALUE})")
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

    @Option(names = "--think", paramLabel = "DURATION",
            description = "held: how long the connections stay idle once open (default: ${DEFAULT-VALUE})")
    Duration think;

    @Option(names = "--ramp", paramLabel = "DURATION",
            description = "held: spread the connects over this long (default: ${DEFAULT-VALUE}, as fast as accepted)")
    Duration ramp;

    @Option(names = "--source-addresses", paramLabel = "N",
            description = "bind round-robin to 127.0.0.1..127.0.0.N for more ephemeral ports (default: as many as --held needs)")
    Integer sourceAddresses;

    @Option(names = "--io", paramLabel = "ENGINE",
            description = "system-call layer: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: epoll where the JDK and OS allow, else nio)")
    IoEngine io;

    @Option(names = "--json", paramLabel = "FILE",
            description = "also write the summary as JSON; - prints it as the last line of stdout (what a Kubernetes shard does)")
    Path json;

    @Option(names = "--hlog", paramLabel = "FILE", description = "write an HdrHistogram interval log (nanoseconds; raw ones tagged 'raw')")
    Path hlog;

    @Option(names = "--spectrum", description = "print the full percentile spectrum")
    boolean spectrum;

    @Option(names = "--shard", paramLabel = "I/N",
            description = "run shard I of N: its share of -c or --held, and rate R/N on a schedule shifted by I/R, so that N shards "
                    + "interleave into one; N alone takes I from $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job). "
                    + "Its JSON carries its histograms, which greetbench merge adds exactly")
    String shard;

    @Option(names = "--start-at", paramLabel = "INSTANT",
            description = "start (warm-up included) at this instant: ISO-8601 (2026-12-05T10:00:00Z) or epoch milliseconds")
    String startAt;

    @Mixin
    StartTolerance startTolerance;

    @ArgGroup(exclusive = false, heading = "%nSeveral generators (one shard each, started together, merged exactly):%n")
    FleetOptions fleet;

    @Override
    public Integer call() {
        if (fleet != null) {
            return fleet.run(this);
        }
        LoadSpec loadSpec = buildSpec();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (cpus != null) {
            // The whole process, so the JIT and GC threads stay off the server's CPUs too.
            CpuPinning.pinProcess(cpus);
        }
        Duration total = loadSpec.workload() == Workload.HELD
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
        } catch (UncheckedIOException e) {
            throw new ToolFailureException("the run failed: " + e.getCause().getMessage(), e);
        }
        out.print(result.summary(spectrum));
        if (json != null && json.toString().equals("-")) {
            out.println(result.toJsonLine());
        }
        out.flush();
        if (json != null && !json.toString().equals("-")) {
            try {
                result.writeJson(json);
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
        InetSocketAddress address;
        try {
            address = target.resolve();
        } catch (UnknownHostException e) {
            throw new UnreachableException("cannot resolve host '" + target.host() + "' of --target", e);
        }
        if (rate != null && held != null) {
            throw usage("--rate and --held are different workloads; choose one");
        }
        if ((given("--payload") ? 1 : 0) + (payloadSize != null ? 1 : 0) + (empty ? 1 : 0) > 1) {
            throw usage("--payload, --payload-size and --empty are exclusive; choose one");
        }
        LoadSpec.Builder b = LoadSpec.builder(address);
        if (held != null) {
            // Held connections last their ramp and think time: no --duration, and no warm-up, since
            // their connects are not measured.
            b.held(held).thinkTime(think).ramp(ramp);
            if (given("--warmup") && !warmup.isZero()) {
                throw usage("--warmup does not apply to --held (its connects are not measured)");
            }
        } else {
            if (rate != null) {
                b.open(rate);
            }
            b.duration(duration).warmup(warmup);
        }
        if (connections != null) {
            b.connections(connections);
        }
        byte[] request = empty ? new byte[0]
                : payloadSize != null ? filler(payloadSize)
                : unescape(payload).getBytes(StandardCharsets.UTF_8);
        b.payload(request, halfClose || empty).exchangeTimeout(timeout).cpus(cpus).io(io).hlog(hlog);
        if (threads != null) {
            b.threads(threads);
        }
        if (sourceAddresses != null) {
            b.sourceAddresses(sourceAddresses);
        }
        if (shard != null) {
            b.shard(Shard.parse(shard, System.getenv()));
        }
        if (startAt != null) {
            b.startAt(parseInstant(startAt));
        }
        return b.startTolerance(startTolerance.value).build();
    }

    /** {@code --start-at}: an ISO-8601 instant or epoch milliseconds. */
    static Instant parseInstant(String text) {
        String t = text.trim();
        try {
            return t.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(t)) : Instant.parse(t);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new ConfigException("--start-at", "must be an ISO-8601 instant such as 2026-12-05T10:00:00Z or epoch milliseconds, got '" + text + "'");
        }
    }

    /**
     * How long a run of these options lasts from its start: warm-up and recording (or ramp and
     * think time), plus one exchange timeout for the last exchanges. What a fleet waits for.
     */
    Duration runLength() {
        Duration base = held != null ? ramp.plus(think) : warmup.plus(duration);
        return base.plus(timeout);
    }

    /** The run length of {@code load} options, parsed (not run) as {@code load} would parse them. */
    static Duration runLengthOf(List<String> loadArguments, CommandLine parent) {
        LoadCommand command = new LoadCommand();
        CommandLine cl = new CommandLine(command);
        Main.configure(cl);
        try {
            cl.parseArgs(loadArguments.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new CommandLine.ParameterException(parent, "load options: " + e.getMessage());
        }
        if (command.fleet != null || command.shard != null || command.startAt != null || command.json != null) {
            throw new CommandLine.ParameterException(parent, "load options: leave --shard, --start-at, --json and the fleet options to the fleet");
        }
        return command.runLength();
    }

    /**
     * The options the user gave, as they typed them, without those in {@code leaveOut}: what every
     * shard of a fleet is started with.
     */
    List<String> givenArguments(Set<String> leaveOut) {
        List<String> args = new ArrayList<>();
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (leaveOut.contains(o.longestName())) {
                continue;
            }
            List<String> values = o.originalStringValues();
            if (values.isEmpty() || o.arity().max() == 0) {
                args.add(o.longestName());
            } else {
                for (String v : values) {
                    args.add(o.longestName());
                    args.add(v);
                }
            }
        }
        return args;
    }

    /** Whether the user gave {@code option}, as opposed to picocli filling in its default. */
    private boolean given(String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** {@code size} letters, the last one a newline. */
    private byte[] filler(int size) {
        if (size < 0 || size > LoadSpec.MAX_PAYLOAD_BYTES) {
            throw new ConfigException("--payload-size", "must be between 0 and " + LoadSpec.MAX_PAYLOAD_BYTES + ", got " + size);
        }
        if (size == 0 && !halfClose) {
            throw new ConfigException("--payload-size", "0 sends nothing; use --empty (which half-closes)");
        }
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        if (size > 0) {
            bytes[size - 1] = '\n';
        }
        return bytes;
    }

    /** The inverse of {@link #unescape}, for showing the default request in the help. */
    static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
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
