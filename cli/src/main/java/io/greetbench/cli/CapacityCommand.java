package io.greetbench.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.greetbench.capacity.CapacityResult;
import io.greetbench.capacity.CapacitySearch;
import io.greetbench.capacity.CapacitySettings;
import io.greetbench.capacity.ServerCpuMeter;
import io.greetbench.capacity.Slo;
import io.greetbench.harness.ToolFailureException;
import io.greetbench.harness.UnreachableException;
import io.greetbench.loadgen.CpuPinning;
import io.greetbench.loadgen.SummaryJson;
import io.greetbench.protocol.HostPort;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code greetbench capacity}: the options become {@link CapacitySettings}, {@link CapacitySearch}
 * finds the highest rate at which the target meets the SLO (the procedure is in
 * {@code io.greetbench.capacity}'s design note), and this command prints each step as it ends and
 * the result, and writes the JSON.
 *
 * <p>Threading: the search runs on the picocli thread, which also prints each step.
 */
@Command(name = "capacity", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Finds a server's capacity at a latency SLO: the highest constant open-loop rate at which the corrected",
            "percentile stays within the SLO, with every step valid and not bound by the generator. Grows the rate",
            "geometrically until a step fails, then bisects; prints each step. Works against any greeting server."})
final class CapacityCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--target", required = true, paramLabel = "HOST:PORT",
            description = "the server, such as 127.0.0.1:8888 or [::1]:8888")
    HostPort target;

    @Option(names = "--slo", paramLabel = "pP=DURATION",
            description = "the objective: corrected latency at percentile P at most DURATION, such as p99=5ms or p99.9=20ms "
                    + "(default: ${DEFAULT-VALUE})")
    Slo slo;

    @Option(names = "--pid", paramLabel = "PID",
            description = "the server's process: its CPU is read from /proc each step, so a step can be found server-bound. "
                    + "Without it only the generator's side is judged")
    Long pid;

    @Option(names = "--start-rate", paramLabel = "RATE", description = "the first step's rate, per second (default: ${DEFAULT-VALUE})")
    double startRate;

    @Option(names = "--growth", paramLabel = "FACTOR", description = "each growing step's rate over the last one's (default: ${DEFAULT-VALUE})")
    double growth;

    @Option(names = "--tolerance", paramLabel = "PERCENT",
            description = "stop when the first failing rate is within this much above the last passing one (default: ${DEFAULT-VALUE})")
    double tolerancePercent;

    @Option(names = "--max-steps", paramLabel = "N", description = "the most steps, growing and bisecting (default: ${DEFAULT-VALUE})")
    int maxSteps;

    @Option(names = "--step-duration", paramLabel = "DURATION", description = "each step's recorded time (default: ${DEFAULT-VALUE})")
    Duration stepDuration;

    @Option(names = "--step-warmup", paramLabel = "DURATION",
            description = "each step's unrecorded lead-in at its rate (default: ${DEFAULT-VALUE})")
    Duration stepWarmup;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "the most one exchange may take, connect included (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--cpus", paramLabel = "LIST", description = "pin this generator to these CPUs with taskset, such as 1 or 2-3")
    String cpus;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the result as JSON; - prints it on stdout after the table")
    Path json;

    @Override
    public Integer call() {
        CapacitySettings settings = new CapacitySettings(slo, startRate, growth, tolerancePercent / 100, maxSteps,
                stepDuration, stepWarmup, timeout);
        InetSocketAddress address;
        try {
            address = target.resolve();
        } catch (UnknownHostException e) {
            throw new UnreachableException("cannot resolve host '" + target.host() + "' of --target", e);
        }
        ServerCpuMeter server = pid == null ? ServerCpuMeter.NONE : ServerCpuMeter.ofPid(pid);
        PrintWriter out = spec.commandLine().getOut();
        if (cpus != null) {
            // The whole process, so the JIT and GC threads stay off the server's CPUs too.
            CpuPinning.pinProcess(cpus);
        }
        out.println(String.format(Locale.ROOT, "Capacity search @ %s: %s, from %s/s x%s, bracket within %s%%, at most %d steps of %s + %s warm-up",
                target, settings.slo(), Defaults.number(startRate), Defaults.number(growth), Defaults.number(tolerancePercent),
                maxSteps, Defaults.duration(stepDuration), Defaults.duration(stepWarmup)));
        out.println(pid == null
                ? "  server side: not judged (no --pid); a step is only known to be generator-bound or not"
                : String.format(Locale.ROOT, "  server side: pid %d, %s CPUs' worth", pid, Defaults.number(server.allotment())));
        out.flush();
        CapacityResult result = CapacitySearch.run(address, settings, server, step -> {
            out.println(step.line(settings.slo()));
            out.flush();
        });
        out.print(result.summary());
        ObjectNode document = SummaryJson.object();
        document.put("target", target.toString());
        document.put("pid", pid);
        document.set("capacity", result.json());
        if (json != null && json.toString().equals("-")) {
            out.print(SummaryJson.text(document));
        }
        out.flush();
        if (json != null && !json.toString().equals("-")) {
            try {
                SummaryJson.write(json, document);
            } catch (IOException e) {
                throw new ToolFailureException("cannot write --json " + json + ": " + e.getMessage(), e);
            }
        }
        return exitCode(result).code();
    }

    /** A capacity, even a lower bound, is success; no step passing is its own outcome. */
    static ExitCode exitCode(CapacityResult result) {
        if (result.rate() > 0) {
            return ExitCode.OK;
        }
        return result.lowerBound() ? ExitCode.INVALID_RUN : ExitCode.SLO_NOT_MET;
    }
}
