package io.greetbench.hostile;

import java.time.Duration;
import java.util.List;

/**
 * Clients that connect and never send: each must be closed with a FIN and no greeting at the idle
 * timeout (2 s here), not before and not much later, while a normal client is served as usual.
 */
public final class IdleCase extends HostileCase {

    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);

    public IdleCase() {
        super("idle", Reach.GREETBENCH_SERVERS, ServerLaunch.with("--idle-timeout", IDLE_TIMEOUT.toSeconds() + "s"),
                "clients connect and never send: closed with a FIN, no greeting, at --idle-timeout (2 s)");
    }

    @Override
    void run(HostileServer server, CaseContext context, CaseFindings findings) throws Exception {
        long idleFds = context.idleFds(server);
        int clients = context.scale(50, 1_000);
        context.progress(name() + ": " + clients + " idle clients");
        ConnectionFleet.Tally tally;
        LatencyProbe.Summary normal;
        try (LatencyProbe probe = LatencyProbe.start(server.address())) {
            long start = System.nanoTime();
            try (ConnectionFleet fleet = ConnectionFleet.connect(server.address(), clients, List.of(), clients, Duration.ofSeconds(10))) {
                fleet.checkAllConnected(findings, "idle clients");
                tally = fleet.readAll(IDLE_TIMEOUT.plusSeconds(20), start);
            }
            normal = probe.stop();
        }
        findings.check(tally.all("FIN, no greeting"), "idle clients should get a FIN and nothing else: " + tally);
        long first = tally.endPercentileMillis(0);
        long last = tally.endPercentileMillis(100);
        // Closing early is a bug of its own; closing late is tolerated up to 3x plus slack on a
        // shared 2-core machine, and reported exactly.
        findings.check(first >= IDLE_TIMEOUT.toMillis() - 250, "an idle client was closed after " + first + " ms, before the idle timeout");
        findings.check(last <= IDLE_TIMEOUT.toMillis() * 3 + 2_000, "the last idle client was closed after " + last + " ms");
        normal.checkNotHeldUp(findings);
        findings.figure("idle clients", clients);
        findings.figure("closed after, first/median/last ms", first + "/" + tally.endPercentileMillis(50) + "/" + last);
        context.checkFdsReturn(server, idleFds, Duration.ofSeconds(5), "afterwards", findings);
    }
}
