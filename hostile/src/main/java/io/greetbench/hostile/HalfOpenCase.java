package io.greetbench.hostile;

import java.time.Duration;
import java.util.List;

/**
 * Half-open clients: they send a request and then neither read, nor send, nor close. The server
 * must greet them, send its FIN, and release the connection by itself within the linger timeout
 * (its descriptors drop back to idle while the clients still hold their sockets). A true half-open
 * peer (one that vanished without a FIN or RST) cannot be made on loopback without a firewall;
 * to the server it looks exactly like this client. Also: clients that half-close without sending
 * anything are greeted.
 */
public final class HalfOpenCase extends HostileCase {

    public HalfOpenCase() {
        super("half-open", Reach.GREETBENCH_SERVERS, ServerLaunch.standard(),
                "clients send, then never read, write or close: greeted, FIN, released within the linger timeout");
    }

    @Override
    void run(HostileServer server, CaseContext context, CaseFindings findings) throws Exception {
        long idleFds = context.idleFds(server);
        int clients = context.scale(50, 500);
        context.progress(name() + ": " + clients + " silent clients after a request");
        LatencyProbe.Summary normal;
        try (LatencyProbe probe = LatencyProbe.start(server.address());
             ConnectionFleet fleet = ConnectionFleet.connect(server.address(), clients, List.of(), clients, Duration.ofSeconds(10))) {
            fleet.checkAllConnected(findings, "half-open clients");
            long start = System.nanoTime();
            fleet.sendAll(HostileClient.HELLO);
            // The linger timeout is 2 s; allow 3x plus slack before calling the connections held.
            HostileServer.sleep(Duration.ofMillis(200));
            long fds = HostileServer.awaitValue(server.process()::openFds, v -> v <= idleFds, Duration.ofSeconds(8));
            long releasedMillis = (System.nanoTime() - start) / 1_000_000;
            findings.check(fds <= idleFds, "server still holds " + (fds - idleFds) + " of the " + clients
                    + " half-open connections " + releasedMillis + " ms after their request");
            findings.figure("released after ms", releasedMillis);
            ConnectionFleet.Tally tally = fleet.readAll(Duration.ofSeconds(5), start);
            findings.check(tally.all("greeting+FIN"), "half-open clients, reading at last, should find greeting+FIN: " + tally);
            normal = probe.stop();
        }
        normal.checkNotHeldUp(findings);
        findings.figure("half-open clients", clients);

        int halfClosers = context.scale(20, 200);
        try (ConnectionFleet fleet = ConnectionFleet.connect(server.address(), halfClosers, List.of(), halfClosers, Duration.ofSeconds(10))) {
            fleet.halfCloseAll();
            ConnectionFleet.Tally tally = fleet.readAll(Duration.ofSeconds(10), System.nanoTime());
            findings.check(tally.all("greeting+FIN"), "clients that half-close without sending should be greeted: " + tally);
        }
    }
}
