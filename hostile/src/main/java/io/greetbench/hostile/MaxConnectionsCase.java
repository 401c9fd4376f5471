package io.greetbench.hostile;

import java.time.Duration;
import java.util.List;

/**
 * {@code --max-connections} holds: with the cap reached by idle clients, further clients connect
 * (the kernel completes the handshake into the backlog) but are not served at all, not even
 * partly, and the server holds no more than the cap; once the idle clients leave, every waiting
 * client gets its whole greeting and a FIN.
 */
public final class MaxConnectionsCase extends HostileCase {

    private static final int CAP = 20;

    public MaxConnectionsCase() {
        super("max-connections", Reach.GREETBENCH_SERVERS, ServerLaunch.with("--max-connections", Integer.toString(CAP), "--idle-timeout", "0"),
                "--max-connections 20 reached: extra clients wait unserved, then all are greeted in full");
    }

    @Override
    void run(HostileServer server, CaseContext context, CaseFindings findings) throws Exception {
        context.idleFds(server);
        int extra = context.scale(10, 50);
        context.progress(name() + ": cap " + CAP + ", " + extra + " clients past it");
        ConnectionFleet holders = ConnectionFleet.connect(server.address(), CAP, List.of(), CAP, Duration.ofSeconds(10));
        try {
            long held = HostileServer.awaitValue(server::connections, v -> v >= CAP, Duration.ofSeconds(10));
            findings.check(held >= CAP, "the server accepted only " + held + " of the " + CAP + " idle clients; its connections: "
                    + server.connectionStates());
            try (ConnectionFleet waiting = ConnectionFleet.connect(server.address(), extra, List.of(), extra, Duration.ofSeconds(10))) {
                // The kernel completes their handshakes into the backlog.
                waiting.checkAllConnected(findings, "clients past the cap");
                waiting.sendAll(HostileClient.HELLO);
                ConnectionFleet.Tally early = waiting.readAll(Duration.ofSeconds(2), System.nanoTime());
                findings.check(early.all("no reply yet"), "clients past the cap must wait unserved: " + early);
                int open = server.connections();
                findings.check(open <= CAP, "the server holds " + open + " connections, more than the cap " + CAP + ": "
                        + server.connectionStates());
                findings.figure("server connections at the cap", open);
                long released = System.nanoTime();
                holders.close();
                ConnectionFleet.Tally late = waiting.readAll(Duration.ofSeconds(15), released);
                findings.check(late.all("greeting+FIN"), "after the idle clients left, the waiting ones must all be greeted: " + late);
                findings.figure("waiting clients greeted, last after ms", late.endPercentileMillis(100));
            }
        } finally {
            holders.close();
        }
        findings.figure("cap", CAP);
        findings.figure("clients past the cap", extra);
    }
}
