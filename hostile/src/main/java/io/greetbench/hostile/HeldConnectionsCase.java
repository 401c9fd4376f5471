package io.greetbench.hostile;

import io.greetbench.harness.ServerProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Held connections: as many concurrent idle connections as the descriptor limit allows, from
 * several loopback source addresses, then a greeting for every one. Reports the server's RSS per
 * held connection (RSS while holding minus RSS idle, divided by the connections).
 *
 * <p>The issue asks for 50,000; this machine's hard RLIMIT_NOFILE is 20,000 and cannot be raised
 * (no CAP_SYS_RESOURCE), and the server needs one descriptor per connection, so the case holds
 * what fits under the lower of the server's and this process's limits.
 */
public final class HeldConnectionsCase extends HostileCase {

    private static final int SOURCES = 8;
    /** Descriptors left for the JVMs' own files, sockets and event-loop handles. */
    private static final int RESERVE = 400;

    public HeldConnectionsCase() {
        super("held", Reach.GREETBENCH_SERVERS, ServerLaunch.with("--idle-timeout", "0"),
                "hold N idle connections from 8 source addresses, then greet them all; RSS per connection");
    }

    @Override
    public boolean heavy() {
        return true;
    }

    @Override
    void run(HostileServer server, CaseContext context, CaseFindings findings) throws Exception {
        ServerProcess process = server.process();
        long idleFds = context.idleFds(server);
        long limit = Math.min(nofileLimit(process.pid()), nofileLimit(ProcessHandle.current().pid()));
        int held = (int) Math.min(context.settings().heldConnections(), limit - Math.max(idleFds, ownFds()) - RESERVE);
        // Let the JIT settle before the idle RSS reading.
        for (int i = 0; i < 200; i++) {
            HostileClient.hello(server.address(), Duration.ofSeconds(5));
        }
        HostileServer.sleep(Duration.ofSeconds(2));
        long rssIdle = process.rssBytes();
        context.progress(name() + ": holding " + held + " connections (RLIMIT_NOFILE " + limit + "), idle RSS " + rssIdle / 1024 + " KiB");
        long start = System.nanoTime();
        try (ConnectionFleet fleet = ConnectionFleet.connect(server.address(), held, ConnectionFleet.loopbackSources(SOURCES), 1_000,
                Duration.ofSeconds(30))) {
            long accepted = HostileServer.awaitValue(server::connections, v -> v >= fleet.connectedCount(), Duration.ofSeconds(60));
            long connectMillis = (System.nanoTime() - start) / 1_000_000;
            fleet.checkAllConnected(findings, "held clients");
            findings.check(accepted >= fleet.connectedCount(), "the server accepted only " + accepted + " of " + fleet.connectedCount());
            HostileServer.sleep(Duration.ofSeconds(2));
            long rssHeld = process.rssBytes();
            long perConnection = (rssHeld - rssIdle) / Math.max(1, fleet.connectedCount());
            long threadsHeld = process.threads();
            context.progress(name() + ": " + accepted + " held, RSS " + rssHeld / 1024 + " KiB, greeting all");
            ConnectionFleet.Tally tally = fleet.greetAll(HostileClient.HELLO, Duration.ofSeconds(120));
            findings.check(tally.all("greeting+FIN"), "held connections not all greeted: " + tally);
            findings.figure("held connections", Math.min(accepted, fleet.connectedCount()));
            findings.figure("RLIMIT_NOFILE", limit);
            findings.figure("connected in ms", connectMillis);
            findings.figure("RSS idle/held MiB", rssIdle / (1024 * 1024) + "/" + rssHeld / (1024 * 1024));
            findings.figure("RSS per connection, bytes", perConnection);
            findings.figure("greeted", tally.count("greeting+FIN"));
            findings.figure("all greeted after ms", tally.endPercentileMillis(100));
            findings.figure("threads while held", threadsHeld);
        }
        findings.note("50,000 is blocked here: the hard RLIMIT_NOFILE is " + limit + " and cannot be raised without CAP_SYS_RESOURCE");
    }

    private static long ownFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? 0 : fds.length;
    }

    /** The soft RLIMIT_NOFILE of a process, from {@code /proc/<pid>/limits}. */
    static long nofileLimit(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
                if (line.startsWith("Max open files")) {
                    return Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 1024;
        }
        return 1024;
    }
}
