package io.greetbench.hostile;

import java.time.Duration;

/**
 * Clients that go away abruptly, many times over: the server logs nothing (stderr does not grow:
 * the protocol allows nothing above debug level), frees every descriptor, and keeps greeting a
 * normal client throughout.
 */
public final class AbruptCase extends HostileCase {

    public enum Kind {
        RST_AFTER_CONNECT("rst-after-connect", "connect, then RST at once (SO_LINGER 0 close)"),
        CLOSE_BEFORE_REPLY("close-before-reply", "send a request, close without reading the reply"),
        RST_MID_REQUEST("rst-mid-request", "send 8 KiB of a larger request, then RST");

        final String caseName;
        final String what;

        Kind(String caseName, String what) {
            this.caseName = caseName;
            this.what = what;
        }
    }

    /** Abrupt clients at once: as fast as they come, which saturates a 2-core machine. */
    private static final int WIDTH = 16;

    private final Kind kind;

    public AbruptCase(Kind kind) {
        super(kind.caseName, Reach.ANY_SERVER, ServerLaunch.standard(), kind.what + ": nothing logged, nothing leaked, others served");
        this.kind = kind;
    }

    @Override
    void run(HostileServer server, CaseContext context, CaseFindings findings) throws Exception {
        long idleFds = context.idleFds(server);
        long logBefore = server.stderrBytes();
        int clients = context.scale(300, 3_000);
        context.progress(name() + ": " + clients + " clients");
        ClientCrowd.Outcome abrupt;
        LatencyProbe.Summary normal;
        try (LatencyProbe probe = LatencyProbe.start(server.address())) {
            abrupt = ClientCrowd.run(clients, WIDTH, i -> {
                switch (kind) {
                    case RST_AFTER_CONNECT -> HostileClient.resetAfterConnect(server.address());
                    case CLOSE_BEFORE_REPLY -> HostileClient.closeBeforeReply(server.address());
                    case RST_MID_REQUEST -> HostileClient.resetMidRequest(server.address(), 8 * 1024);
                }
                return null;
            });
            normal = probe.stop();
        }
        findings.check(abrupt.allRight(), abrupt.describe("abrupt clients could not even connect or send"));
        // The abrupt clients saturate the machine: a normal client then waits its turn in the
        // accept queue like any other, so only its failures count here; its latency is reported.
        normal.checkServed(findings);
        context.checkFdsReturn(server, idleFds, Duration.ofSeconds(8), "after the abrupt clients", findings);
        long logGrowth = server.stderrBytes() - logBefore;
        findings.check(logGrowth == 0, "server logged " + logGrowth + " bytes for abrupt clients: "
                + firstLines(server.stderrText(), logBefore));
        findings.figure("abrupt clients", clients);
        findings.figure("stderr growth, bytes", logGrowth);
    }

    static String firstLines(String text, long fromByte) {
        String tail = fromByte < text.length() ? text.substring((int) fromByte) : "";
        return tail.lines().limit(2).toList().toString();
    }
}
