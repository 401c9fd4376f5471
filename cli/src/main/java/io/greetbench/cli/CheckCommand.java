package io.greetbench.cli;

import io.greetbench.harness.UnreachableException;
import io.greetbench.protocol.ConformanceCheck;
import io.greetbench.protocol.ConformanceCheck.Result;
import io.greetbench.protocol.ConformanceCheck.Settings;
import io.greetbench.protocol.HostPort;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import io.greetbench.harness.GreetbenchException;

/**
 * {@code greetbench check --target host:port}: the conformance cases of PROTOCOL.md against any
 * running server, one line per case as it finishes, then a summary. Exits 0 when no case failed
 * (known differences from the reference and skipped cases are not failures),
 * {@link ExitCode#CHECK_FAILED} when one did, {@link ExitCode#UNREACHABLE} when nothing accepts
 * connections at the target.
 *
 * <p>Threading: runs on the calling thread; {@link ConformanceCheck} runs each case on a virtual
 * thread of its own and bounds it with a deadline.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Checks a running greeting server against the protocol, case by case.",
            "Prints PASS, FAIL, KNOWN-DIFFERENCE (a documented bug of the Python reference) or SKIP per case;",
            "exits 0 when nothing failed, 6 when a case failed, 5 when nothing listens at the target."})
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--target", required = true, paramLabel = "HOST:PORT",
            description = "the server to check, such as 127.0.0.1:8888 or [::1]:8888")
    HostPort target;

    @Option(names = "--idle-timeout-hint", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "the server's idle timeout, when it is short (e.g. 1s for a server started with --idle-timeout 1s);"
                    + " the idle-client case is skipped without it (default: ${DEFAULT-VALUE} = unknown)")
    Duration idleTimeoutHint;

    @Option(names = "--timeout", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "the most one case may take (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--clients", paramLabel = "N",
            description = "clients held open at once in the many-clients case (default: ${DEFAULT-VALUE})")
    int clients;

    @Override
    public Integer call() {
        // Every option is validated before any connection is made.
        Settings settings = new Settings(target.unresolved(), idleTimeoutHint, timeout, clients);
        ConformanceCheck check = new ConformanceCheck(settings);
        PrintWriter out = spec.commandLine().getOut();
        List<Result> results = new ArrayList<>();
        try {
            check.prepare();
            if (check.ipv4ClientsSeenMapped()) {
                out.println("note: the server sees IPv4 clients as ::ffff:a.b.c.d (a dual-stack listener); replies are checked in that form");
            }
            for (ConformanceCheck.Case c : ConformanceCheck.Case.values()) {
                Result result = check.run(c);
                results.add(result);
                out.println(result.line());
                out.flush();
            }
        } catch (ConformanceCheck.UnreachableException e) {
            throw new UnreachableException("check: " + e.getMessage(), e);
        }
        out.println(ConformanceCheck.summary(results));
        out.flush();
        return results.stream().anyMatch(r -> r.verdict() == ConformanceCheck.CaseVerdict.FAIL) ? ExitCode.CHECK_FAILED.code() : ExitCode.OK.code();
    }
}
