package io.greetbench.hostile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A burst of 5,000 connects issued at once against the default backlog: the kernel's accept queue
 * must not overflow ({@code TcpExt ListenOverflows} in {@code /proc/net/netstat} does not move)
 * and every connection is greeted. The counter is system-wide, so another program overflowing
 * its own listener at the same moment would show here too; the case reports the raw delta.
 */
public final class BurstCase extends HostileCase {

    public BurstCase() {
        // The default idle timeout: connecting 5,000 clients before the first sends can take
        // longer than the suite's short one, and an idle close is not what this case tests.
        super("burst", Reach.ANY_SERVER, ServerLaunch.with("--idle-timeout", "60s"),
                "5,000 connects at once at the default backlog: no ListenOverflows, all greeted");
    }

    @Override
    void run(HostileServer server, CaseContext context, CaseFindings findings) throws Exception {
        context.idleFds(server);
        int clients = context.scale(1_000, 5_000);
        context.progress(name() + ": " + clients + " connects at once");
        long overflowsBefore = tcpExt("ListenOverflows");
        long dropsBefore = tcpExt("ListenDrops");
        long start = System.nanoTime();
        try (ConnectionFleet fleet = ConnectionFleet.connect(server.address(), clients, List.of(), clients, Duration.ofSeconds(20))) {
            long connectedMillis = (System.nanoTime() - start) / 1_000_000;
            long overflows = tcpExt("ListenOverflows") - overflowsBefore;
            long drops = tcpExt("ListenDrops") - dropsBefore;
            findings.check(overflows == 0, "ListenOverflows rose by " + overflows + " during the burst (ListenDrops by " + drops + ")");
            fleet.checkAllConnected(findings, "burst clients");
            ConnectionFleet.Tally tally = fleet.greetAll(HostileClient.HELLO, Duration.ofSeconds(30));
            findings.check(tally.all("greeting+FIN"), "burst clients should all be greeted: " + tally);
            findings.figure("connects", clients);
            findings.figure("ListenOverflows delta", overflows);
            findings.figure("all connected after ms", connectedMillis);
            findings.figure("all greeted after ms", tally.endPercentileMillis(100));
        }
    }

    /** A counter of the {@code TcpExt} lines of {@code /proc/net/netstat}. */
    public static long tcpExt(String counter) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
                String[] names = lines.get(i).split("\\s+");
                String[] values = lines.get(i + 1).split("\\s+");
                for (int k = 1; k < names.length; k++) {
                    if (names[k].equals(counter)) {
                        return Long.parseLong(values[k]);
                    }
                }
            }
        }
        throw new IOException("no TcpExt " + counter + " in /proc/net/netstat");
    }
}
