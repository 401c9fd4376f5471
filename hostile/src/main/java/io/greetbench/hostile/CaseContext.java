package io.greetbench.hostile;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * What a case gets to work with: its target, the suite's settings, a progress writer, and
 * {@link #launch}, which starts a server and remembers it so the suite can check it afterwards.
 * Threading: one case thread.
 */
public final class CaseContext {

    private final HostileTarget target;
    private final HostileSettings settings;
    private final PrintWriter progress;
    private final List<HostileServer> launched = new ArrayList<>();

    CaseContext(HostileTarget target, HostileSettings settings, PrintWriter progress) {
        this.target = target;
        this.settings = settings;
        this.progress = progress;
    }

    HostileTarget target() {
        return target;
    }

    HostileSettings settings() {
        return settings;
    }

    /** Picks the quick or the full size of a case's workload. */
    int scale(int quick, int full) {
        return settings.quick() ? quick : full;
    }

    HostileServer launch(ServerLaunch launch) {
        HostileServer server = HostileServer.start(target, launch);
        launched.add(server);
        return server;
    }

    List<HostileServer> launched() {
        return launched;
    }

    void progress(String line) {
        progress.println("  [" + target.name() + "] " + line);
        progress.flush();
    }

    /**
     * Waits up to {@code timeout} for the server's descriptors to drop to {@code idleFds}; records
     * a failure naming what it still holds (sockets, pipes, files) when they do not.
     */
    void checkFdsReturn(HostileServer server, long idleFds, java.time.Duration timeout, String when, CaseFindings findings) {
        long fds = HostileServer.awaitValue(server::openFds, v -> v <= idleFds, timeout);
        if (fds > idleFds) {
            findings.fail("server holds " + (fds - idleFds) + " descriptors more than idle (" + idleFds + ") " + when
                    + "; grown: " + HygieneCase.grown(idleFdKinds.getOrDefault(server, java.util.Map.of()), server.fdKinds())
                    + ", its sockets: " + server.connectionStates());
        }
    }

    /**
     * The server's descriptor count once it is idle: after one exchange (so lazily opened
     * descriptors exist) and once the count has stopped changing.
     */
    private final java.util.Map<HostileServer, java.util.Map<String, Integer>> idleFdKinds = new java.util.HashMap<>();

    long idleFds(HostileServer server) {
        HostileClient.hello(server.address(), java.time.Duration.ofSeconds(5));
        long previous = -2;
        long now = server.openFds();
        for (int i = 0; i < 20 && now != previous; i++) {
            HostileServer.sleep(java.time.Duration.ofMillis(100));
            previous = now;
            now = server.openFds();
        }
        idleFdKinds.put(server, server.fdKinds());
        return now;
    }
}
