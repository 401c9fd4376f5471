package io.greetbench.hostile;

import java.util.List;

/**
 * One hostile-client scenario of the reliability suite (issue 6), run against one server target.
 * Each case names the server it needs ({@link ServerLaunch}: its {@code serve} options), and the
 * suite starts a fresh one for every run of the case, so a failure in one case cannot poison the
 * next; the suite checks that server for a crash, a non-zero exit on SIGTERM and Netty leak
 * reports after the case returns.
 *
 * <p>Threading: {@link #run} is called on the suite's thread; a case starts its own client threads
 * and joins them before it returns.
 */
public abstract class HostileCase {

    /** Which targets a case can attack. */
    enum Reach {
        /** Any server, an external command included: the case passes no {@code serve} options. */
        ANY_SERVER,
        /** greetbench's own servers only: the case needs {@code serve} options (timeouts, a cap). */
        GREETBENCH_SERVERS
    }

    private final String name;
    private final Reach reach;
    private final ServerLaunch serverLaunch;
    private final String description;

    HostileCase(String name, Reach reach, ServerLaunch serverLaunch, String description) {
        this.name = name;
        this.reach = reach;
        this.serverLaunch = serverLaunch;
        this.description = description;
    }

    /** The name users pass to {@code --case} and that heads the results table's row. */
    public final String name() {
        return name;
    }

    /** One line: what the clients do and what the server must do. */
    public final String description() {
        return description;
    }

    /** True for cases too heavy for the fast test run (tens of thousands of connections). */
    public boolean heavy() {
        return false;
    }

    /** How this case wants its server started. */
    final ServerLaunch serverLaunch() {
        return serverLaunch;
    }

    /** Why this case cannot run against {@code target}, or null when it can. */
    final String notApplicable(HostileTarget target) {
        return reach == Reach.GREETBENCH_SERVERS && !target.isGreetbench() ? "needs greetbench serve options" : null;
    }

    /** Attacks {@code server}, just started with {@link #serverLaunch()}, and records what it found. */
    abstract void run(HostileServer server, CaseContext context, CaseFindings findings) throws Exception;

    /** Every case, in the order the table lists them. */
    public static List<HostileCase> all() {
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
