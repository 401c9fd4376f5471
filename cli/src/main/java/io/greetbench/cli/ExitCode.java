package io.greetbench.cli;

import io.greetbench.gate.GateVerdict;
import io.greetbench.harness.BadInputException;
import io.greetbench.harness.CannotListenException;
import io.greetbench.harness.GreetbenchException;
import io.greetbench.harness.ToolFailureException;
import io.greetbench.harness.UnreachableException;
import io.greetbench.protocol.ConfigException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * Every exit code greetbench uses, in one place, so scripts and CI can tell a regression from a
 * usage error from a crash. The {@code --help} of each command lists the codes it can exit with,
 * generated from this enum ({@link #helpList}), so the list cannot drift from the code.
 */
public enum ExitCode {
    /** Success: the command did what was asked and every check passed. */
    OK(0, "success", Set.of()),
    /** greetbench itself failed (a bug, a crashed child process, an I/O error writing results). */
    TOOL_FAILURE(1, "greetbench itself failed (a crashed server, an I/O error, a bug)", Set.of()),
    /** The command line was wrong: unknown option, bad value, unreadable input. Nothing was run. */
    USAGE(2, "usage error: bad option, value or input file", Set.of()),
    /** gate: the candidate is slower than the baseline beyond the threshold. */
    REGRESSION(3, "gate found a regression", Set.of("gate")),
    /** gate: the confidence interval straddles the threshold even after the whole budget. */
    INCONCLUSIVE(4, "gate was inconclusive (0 with --inconclusive pass)", Set.of("gate")),
    /** The target could not be reached at all (connection refused, no route, unknown host). */
    UNREACHABLE(5, "target unreachable", Set.of("check", "load", "capacity")),
    /** check: at least one conformance case failed; hostile: a case failed. */
    CHECK_FAILED(6, "a conformance check or hostile case failed", Set.of("check", "hostile")),
    /** load: the run completed but is not valid (the generator fell behind, or errors occurred). */
    INVALID_RUN(7, "load run invalid (generator fell behind, or errors); capacity: the generator was the bound at the first step",
            Set.of("load", "merge", "capacity")),
    /** serve: the server could not listen (address in use, permission denied, transport unavailable). */
    CANNOT_LISTEN(8, "server could not listen", Set.of("serve")),
    /** capacity: the target did not meet the SLO even at the first step (its capacity is 0). */
    SLO_NOT_MET(9, "capacity: the SLO was not met even at the first step", Set.of("capacity"));

    private final int code;
    private final String meaning;
    /** The subcommands that can exit with it; empty for every command. */
    private final Set<String> commands;

    ExitCode(int code, String meaning, Set<String> commands) {
        this.code = code;
        this.meaning = meaning;
        this.commands = commands;
    }

    public int code() {
        return code;
    }

    /** The exit codes {@code command} can end with, for its help; the root command lists them all. */
    static Map<String, String> helpList(String command) {
        Map<String, String> list = new LinkedHashMap<>();
        for (ExitCode e : values()) {
            if (command == null || e.commands.isEmpty() || e.commands.contains(command)) {
                list.put(Integer.toString(e.code), e.meaning);
            }
        }
        return list;
    }

    /** The one mapping from a failure to an exit code. */
    static ExitCode of(Throwable failure) {
        if (failure instanceof GreetbenchException g) {
            return switch (g) {
                case BadInputException b -> USAGE;
                case UnreachableException u -> UNREACHABLE;
                case CannotListenException c -> CANNOT_LISTEN;
                case ToolFailureException t -> TOOL_FAILURE;
            };
        }
        if (failure instanceof ConfigException || failure instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        return TOOL_FAILURE;
    }

    /** What a gate verdict exits with; {@code inconclusiveFails} chooses 4 or 0 for an inconclusive run. */
    static ExitCode of(GateVerdict verdict, boolean inconclusiveFails) {
        return switch (verdict) {
            case PASS -> OK;
            case REGRESSION -> REGRESSION;
            case INCONCLUSIVE -> inconclusiveFails ? INCONCLUSIVE : OK;
        };
    }
}
