package io.greetbench.hostile;

import java.util.List;

/**
 * One hostile-client scenario of the reliability suite (issue 6), run against one server target.
 * Each case starts its own server through {@link CaseContext#launch} with the options it needs, so
 * a failure in one case cannot poison the next; the suite checks every server it started for a
 * crash, a non-zero exit on SIGTERM and Netty leak reports after the case returns.
 */
public interface HostileCase {

    /** The name users pass to {@code --case} and that heads the results table's row. */
    String name();

    /** One line: what the clients do and what the server must do. */
    String description();

    /** True for cases too heavy for the fast test run (tens of thousands of connections). */
    default boolean heavy() {
        return false;
    }

    /** Why this case cannot run against {@code target}, or null when it can. */
    default String notApplicable(HostileTarget target) {
        return target.isGreetbench() ? null : "needs greetbench serve options";
    }

    void run(CaseContext context, CaseFindings findings) throws Exception;

    /** Every case, in the order the table lists them. */
    static List<HostileCase> all() {
        return List.of(
                new SlowlorisCase(),
                new IdleCase(),
                new HalfOpenCase(),
                new BurstCase(),
                new MaxConnectionsCase(),
                new OutOfDescriptorsCase(),
                new AbruptCase(AbruptCase.Kind.RST_AFTER_CONNECT),
                new AbruptCase(AbruptCase.Kind.CLOSE_BEFORE_REPLY),
                new AbruptCase(AbruptCase.Kind.RST_MID_REQUEST),
                new LargeRequestsCase(),
                new HygieneCase(),
                new GracefulShutdownCase(),
                new HeldConnectionsCase());
    }
}
