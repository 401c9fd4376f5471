package io.greetbench.hostile;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * What a case gets to work with beside its server: its target, the suite's settings, a progress
 * writer, and the server's idle readings ({@link #idleFds}, {@link #checkFdsReturn}). Threading:
 * one case thread.
 */
public final class CaseContext {

    private final HostileTarget target;
    private final HostileSuite.Settings settings;
    private final PrintWriter progress;
    /** Each server's footprint when {@link #idleFds} last found it idle. */
    private final Map<HostileServer, ServerFootprint> idleFootprints = new HashMap<>();

    CaseContext(HostileTarget target, HostileSuite.Settings settings, PrintWriter progress) {
        this.target = target;
        this.settings = settings;
        this.progress = progress;
    }

    HostileTarget target() {
        return target;
    }

    HostileSuite.Settings settings() {
        return settings;
    }

    /** Picks the quick or the full size of a case's workload. */
    int scale(int quick, int full) {
        return settings.quick() ? quick : full;
    }

    void progress(String line) {
        progress.println("  [" + target.name() + "] " + line);
        progress.flush();
    }

    /**
     * The server's descriptor count once it is idle: after one exchange (so lazily opened
     * descriptors exist) and once the count has stopped changing. Remembers its footprint, so
     * that {@link #checkFdsReturn} can say what grew.
     */
    long idleFds(HostileServer server) {
        HostileClient.hello(server.address(), Duration.ofSeconds(5));
        long previous = -2;
        long now = server.process().openFds();
        for (int i = 0; i < 20 && now != previous; i++) {
            HostileServer.sleep(Duration.ofMillis(100));
            previous = now;
            now = server.process().openFds();
        }
        idleFootprints.put(server, ServerFootprint.of(server));
        return now;
    }

    /**
     * Waits up to {@code timeout} for the server's descriptors to drop to {@code idleFds}; records
     * a failure naming what it still holds (sockets, pipes, files) when they do not.
     */
    void checkFdsReturn(HostileServer server, long idleFds, Duration timeout, String when, CaseFindings findings) {
        long fds = HostileServer.awaitValue(server.process()::openFds, v -> v <= idleFds, timeout);
        if (fds > idleFds) {
            ServerFootprint idle = idleFootprints.getOrDefault(server, new ServerFootprint(Map.of(), Map.of()));
            findings.fail("server holds " + (fds - idleFds) + " descriptors more than idle (" + idleFds + ") " + when
                    + "; grown: " + ServerFootprint.of(server).grownSince(idle).fdKinds()
                    + ", its sockets: " + server.connectionStates());
        }
    }
}
