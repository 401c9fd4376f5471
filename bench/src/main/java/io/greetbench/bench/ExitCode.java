package io.greetbench.bench;

/**
 * Every exit code greetbench uses, in one place, so scripts and CI can tell a regression from a
 * usage error from a crash.
 */
public final class ExitCode {

    /** Success: the command did what was asked and every check passed. */
    public static final int OK = 0;
    /** greetbench itself failed (a bug, a crashed child process, an I/O error writing results). */
    public static final int TOOL_FAILURE = 1;
    /** The command line was wrong: unknown option, bad value. Nothing was run. */
    public static final int USAGE = 2;
    /** gate: the candidate is slower than the baseline beyond the threshold. */
    public static final int REGRESSION = 3;
    /** gate: the confidence interval straddles the threshold even after the whole budget. */
    public static final int INCONCLUSIVE = 4;
    /** The target could not be reached at all (connection refused, no route, unknown host). */
    public static final int UNREACHABLE = 5;
    /** check: at least one conformance case failed. */
    public static final int CHECK_FAILED = 6;
    /** load: the run completed but is not valid (the generator fell behind, or errors occurred). */
    public static final int INVALID_RUN = 7;
    /** serve: the server could not listen (address in use, permission denied, transport unavailable). */
    public static final int CANNOT_LISTEN = 8;

    private ExitCode() {
    }
}
