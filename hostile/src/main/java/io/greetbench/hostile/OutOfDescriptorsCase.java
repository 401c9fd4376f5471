package io.greetbench.hostile;

import java.time.Duration;
import java.util.List;

/**
 * Out of descriptors: the server runs under {@code prlimit --nofile=256} and more clients than
 * that connect and stay. While it is starved, accepting fails with EMFILE over and over; the
 * server must back off instead of spinning (its CPU, from {@code /proc/<pid>/stat}, at most 5% of
 * one core), keep its log bounded (stderr growth while starved), and serve again as soon as the
 * clients leave.
 */
public final class OutOfDescriptorsCase extends HostileCase {

    static final int NOFILE = 256;
    static final double CPU_BUDGET = 0.05;
    /** Stderr the server may write during the starved window: a few warnings, not a line per accept. */
    static final long LOG_BUDGET_BYTES = 16 * 1024;

    public OutOfDescriptorsCase() {
        super("out-of-fds", Reach.GREETBENCH_SERVERS, ServerLaunch.with("--idle-timeout", "0").withNofileLimit(NOFILE),
                "server with 256 descriptors, 400 clients stay: <=5% CPU while starved, bounded log, serves again");
    }

    @Override
    void run(HostileServer server, CaseContext context, CaseFindings findings) throws Exception {
        long idleFds = context.idleFds(server);
        int clients = NOFILE + 144;
        Duration window = Duration.ofSeconds(context.scale(3, 10));
        context.progress(name() + ": " + clients + " clients against " + NOFILE + " descriptors, CPU over " + window.toSeconds() + " s");
        try (ConnectionFleet fleet = ConnectionFleet.connect(server.address(), clients, List.of(), clients, Duration.ofSeconds(10))) {
            // Those the server cannot accept wait in the backlog, connected all the same.
            fleet.checkAllConnected(findings, "clients");
            long peak = HostileServer.awaitValue(server.process()::openFds, v -> v >= NOFILE - 10, Duration.ofSeconds(10));
            findings.check(peak >= NOFILE - 10, "the server never ran out of descriptors (peak " + peak + " of " + NOFILE + ")");
            // Let the first back-off and its warning happen before measuring.
            HostileServer.sleep(Duration.ofSeconds(1));
            long logBefore = server.stderrBytes();
            long cpuBefore = server.process().cpuNanos();
            long wallBefore = System.nanoTime();
            HostileServer.sleep(window);
            double cpuShare = (double) (server.process().cpuNanos() - cpuBefore) / (System.nanoTime() - wallBefore);
            long logGrowth = server.stderrBytes() - logBefore;
            findings.check(cpuShare <= CPU_BUDGET, String.format("busy while out of descriptors: %.1f%% of a core (budget %.0f%%)",
                    cpuShare * 100, CPU_BUDGET * 100));
            findings.check(logGrowth <= LOG_BUDGET_BYTES, "stderr grew by " + logGrowth + " bytes in " + window.toSeconds()
                    + " s while starved (budget " + LOG_BUDGET_BYTES + ")");
            findings.figure("descriptor limit", NOFILE);
            findings.figure("clients", clients);
            findings.figure("CPU while starved, % of a core", String.format("%.1f", cpuShare * 100));
            findings.figure("stderr growth while starved, bytes", logGrowth);
        }
        long released = System.nanoTime();
        HostileClient.Reply reply;
        do {
            reply = HostileClient.hello(server.address(), Duration.ofSeconds(5));
        } while (!reply.greetedWithFin() && System.nanoTime() - released < Duration.ofSeconds(15).toNanos());
        long servedAgainMillis = (System.nanoTime() - released) / 1_000_000;
        findings.check(reply.greetedWithFin(), "not serving 15 s after the clients left: " + reply.describe());
        findings.figure("serves again after ms", servedAgainMillis);
        findings.figure("stderr total, bytes", server.stderrBytes());
        context.checkFdsReturn(server, idleFds, Duration.ofSeconds(10), "after the clients left", findings);
    }
}
