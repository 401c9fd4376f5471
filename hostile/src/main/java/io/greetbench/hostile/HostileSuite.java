package io.greetbench.hostile;

import io.greetbench.harness.GreetbenchException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs hostile cases against targets, one fresh server per case started with the case's
 * {@link ServerLaunch}, and checks that server afterwards: a process that died without being told
 * to is a crash; a greetbench server must exit 0 on SIGTERM; a Netty server's paranoid leak
 * detector must have stayed silent.
 *
 * <p>Threading: runs on the caller's thread, one case at a time (cases start their own client
 * threads), so cases never compete with each other for the machine.
 */
public final class HostileSuite {

    /**
     * Knobs of one run of the suite.
     *
     * @param quick           small workloads, for the test run; the full sizes are the issue's
     * @param heldConnections how many idle connections the held-connection case tries to hold
     */
    public record Settings(boolean quick, int heldConnections) {

        /** The targets attacked when none is named: each of greetbench's servers, in its default model. */
        public static final List<String> DEFAULT_SERVERS = List.of("nio", "netty", "loom");

        /** The held case tries 50,000: more than one process may open here, so it finds the limit. */
        public static final int DEFAULT_HELD_CONNECTIONS = 50_000;
    }


    private final Settings settings;
    private final PrintWriter progress;

    public HostileSuite(Settings settings, PrintWriter progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public List<CaseResult> run(List<HostileTarget> targets, List<HostileCase> cases) {
        List<CaseResult> results = new ArrayList<>();
        for (HostileCase hostileCase : cases) {
            for (HostileTarget target : targets) {
                results.add(run(target, hostileCase));
            }
        }
        return results;
    }

    public CaseResult run(HostileTarget target, HostileCase hostileCase) {
        String why = hostileCase.notApplicable(target);
        if (why != null) {
            return new CaseResult(hostileCase.name(), target.name(), CaseResult.Outcome.NOT_APPLICABLE, List.of(),
                    Map.of(), List.of(why), 0);
        }
        CaseContext context = new CaseContext(target, settings, progress);
        CaseFindings findings = new CaseFindings();
        long start = System.nanoTime();
        boolean crashed = false;
        HostileServer server = null;
        try {
            server = HostileServer.start(target, hostileCase.serverLaunch());
            hostileCase.run(server, context, findings);
        } catch (GreetbenchException e) {
            findings.fail("could not run: " + e.getMessage());
        } catch (Exception e) {
            findings.fail("case failed with " + e);
        } finally {
            if (server != null) {
                crashed = checkServer(server, findings);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        CaseResult.Outcome outcome = crashed ? CaseResult.Outcome.CRASH
                : findings.failures().isEmpty() ? CaseResult.Outcome.PASS : CaseResult.Outcome.FAIL;
        CaseResult result = new CaseResult(hostileCase.name(), target.name(), outcome, findings.failures(),
                findings.figures(), findings.notes(), seconds);
        progress.printf("%-18s %-14s %-5s %5.1f s  %s%n", hostileCase.name(), target.name(), result.cell(), seconds,
                outcome == CaseResult.Outcome.PASS ? findings.figures() : findings.failures());
        progress.flush();
        return result;
    }

    /** Checks and stops one server; true when it crashed. */
    private static boolean checkServer(HostileServer server, CaseFindings findings) {
        boolean crashed = false;
        try {
            if (!server.stoppedByCase() && !server.process().isAlive()) {
                crashed = true;
                findings.fail("server process died during the case; stderr: "
                        + server.stderrText().lines().skip(Math.max(0, server.stderrText().lines().count() - 3)).toList());
            }
            int exit = server.stop(Duration.ofSeconds(15));
            if (!crashed && server.target().isGreetbench() && exit != 0) {
                findings.fail("exit code " + exit + " on SIGTERM (-1: killed after 15 s)");
            }
            if (server.target().isNetty()) {
                long leaks = server.leakReports();
                if (leaks > 0) {
                    findings.fail("Netty's paranoid leak detector reported " + leaks + " LEAK lines");
                }
            }
            if (server.target().isGreetbench() && server.stderrText().contains("Exception in thread")) {
                findings.fail("uncaught exception on stderr: " + server.stderrText().lines()
                        .filter(l -> l.contains("Exception in thread")).findFirst().orElse(""));
            }
        } finally {
            server.close();
            server.deleteStderr();
        }
        return crashed;
    }
}
