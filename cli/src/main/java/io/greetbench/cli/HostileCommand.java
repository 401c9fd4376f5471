package io.greetbench.cli;

import io.greetbench.harness.GreetbenchException;
import io.greetbench.harness.ToolFailureException;
import io.greetbench.hostile.CaseResult;
import io.greetbench.hostile.HostileCase;
import io.greetbench.hostile.HostileReport;
import io.greetbench.hostile.HostileSuite;
import io.greetbench.hostile.HostileTarget;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code greetbench hostile}: the reliability suite. Attacks each server with the hostile clients
 * of issue 6 (slowloris, idle, half-open, bursts, the connection cap, descriptor starvation, abrupt
 * clients, huge requests, 100,000 mixed exchanges, SIGTERM under load, tens of thousands of held
 * connections), each case against a fresh server child process, and prints a table of cases x
 * servers with the figures behind it; {@code --report} writes it as Markdown.
 *
 * <p>Threading: the command's thread runs the cases one after another.
 */
@Command(name = "hostile", mixinStandardHelpOptions = true,
        description = {"Runs the hostile-client reliability suite against servers in child processes.",
            "Every applicable case must pass; a server that crashes fails its case."})
final class HostileCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--server", split = ",", paramLabel = "SERVER",
            description = "servers to attack: nio, netty[:TRANSPORT], loom[:virtual|platform] (default: ${DEFAULT-VALUE}; '' for none)")
    List<String> servers;

    @Option(names = "--external", paramLabel = "NAME=COMMAND",
            description = "also attack an external server, e.g. ref='/tmp/ref/greet-c -p {port}'; cases that need serve options are n/a")
    List<String> externals = new ArrayList<>();

    @Option(names = "--case", split = ",", paramLabel = "CASE", description = "cases to run (default: all); see --list")
    List<String> caseNames = new ArrayList<>();

    @Option(names = "--quick", description = "small workloads and no heavy case: a smoke run in about a minute per server")
    boolean quick;

    @Option(names = "--held", paramLabel = "N",
            description = "connections the held case tries to hold; capped by RLIMIT_NOFILE (default: ${DEFAULT-VALUE})")
    int held;

    @Option(names = "--report", paramLabel = "FILE", description = "also write the results as Markdown to FILE")
    Path report;

    @Option(names = "--list", description = "list the cases and exit")
    boolean list;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            for (HostileCase c : HostileCase.all()) {
                out.printf("%-20s %s%s%n", c.name(), c.description(), c.heavy() ? " [heavy]" : "");
            }
            return ExitCode.OK.code();
        }
        if (held < 1) {
            throw new ParameterException(spec.commandLine(), "--held must be at least 1, got " + held);
        }
        List<HostileTarget> targets = new ArrayList<>();
        try {
            for (String s : servers) {
                if (!s.isBlank()) {
                    targets.add(HostileTarget.parse(s.trim()));
                }
            }
            for (String e : externals) {
                if (e.indexOf('=') <= 0) {
                    throw new IllegalArgumentException("--external needs NAME=COMMAND, got '" + e + "'");
                }
                targets.add(HostileTarget.parse(e));
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        List<HostileCase> cases = selectCases();
        String command = "greetbench " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        out.println("hostile: " + cases.size() + " cases x " + targets.size() + " servers" + (quick ? " (quick)" : ""));
        out.flush();
        List<CaseResult> results = new HostileSuite(new HostileSuite.Settings(quick, held), out).run(targets, cases);
        String markdown = HostileReport.markdown(command, targets, cases, results, Instant.now());
        out.println();
        out.println(HostileReport.table(targets, cases, results));
        out.println(HostileReport.summary(results));
        if (report != null) {
            try {
                Files.writeString(report, markdown, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ToolFailureException("cannot write --report " + report + ": " + e.getMessage(), e);
            }
            out.println("report written to " + report);
        }
        boolean allPassed = results.stream().allMatch(r -> r.outcome() == CaseResult.Outcome.PASS
                || r.outcome() == CaseResult.Outcome.NOT_APPLICABLE);
        return allPassed ? ExitCode.OK.code() : ExitCode.CHECK_FAILED.code();
    }

    private List<HostileCase> selectCases() {
        Map<String, HostileCase> byName = new LinkedHashMap<>();
        for (HostileCase c : HostileCase.all()) {
            byName.put(c.name(), c);
        }
        if (caseNames.isEmpty()) {
            return HostileCase.all().stream().filter(c -> !quick || !c.heavy()).toList();
        }
        List<HostileCase> chosen = new ArrayList<>();
        for (String name : caseNames) {
            HostileCase c = byName.get(name.trim());
            if (c == null) {
                throw new ParameterException(spec.commandLine(), "--case: unknown case '" + name + "' (known: " + String.join(", ", byName.keySet()) + ")");
            }
            chosen.add(c);
        }
        return chosen;
    }
}
