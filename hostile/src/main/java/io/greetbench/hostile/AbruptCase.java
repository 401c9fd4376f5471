package io.greetbench.hostile;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients that go away abruptly, many times over: the server logs nothing (stderr does not grow:
 * the protocol allows nothing above debug level), frees every descriptor, and keeps greeting a
 * normal client throughout.
 */
public final class AbruptCase implements HostileCase {

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

    private static final int WORKERS = 16;

    private final Kind kind;

    public AbruptCase(Kind kind) {
        this.kind = kind;
    }

    @Override
    public String name() {
        return kind.caseName;
    }

    @Override
    public String description() {
        return kind.what + ": nothing logged, nothing leaked, others served";
    }

    @Override
    public String notApplicable(HostileTarget target) {
        return null;
    }

    @Override
    public void run(CaseContext context, CaseFindings findings) throws Exception {
        HostileServer server = context.launch(ServerLaunch.standard());
        long idleFds = context.idleFds(server);
        long logBefore = server.stderrBytes();
        int clients = context.scale(300, 3_000);
        context.progress(name() + ": " + clients + " clients");
        AtomicInteger clientErrors = new AtomicInteger();
        List<String> errorSamples = new ArrayList<>();
        LatencyProbe.Summary normal;
        try (LatencyProbe probe = LatencyProbe.start(server.address());
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                int share = clients / WORKERS + (w < clients % WORKERS ? 1 : 0);
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        try {
                            switch (kind) {
                                case RST_AFTER_CONNECT -> HostileClient.resetAfterConnect(server.address());
                                case CLOSE_BEFORE_REPLY -> HostileClient.closeBeforeReply(server.address());
                                case RST_MID_REQUEST -> HostileClient.resetMidRequest(server.address(), 8 * 1024);
                            }
                        } catch (IOException e) {
                            clientErrors.incrementAndGet();
                            synchronized (errorSamples) {
                                if (errorSamples.size() < 3) {
                                    errorSamples.add(e.toString());
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            normal = probe.stop();
        }
        findings.check(clientErrors.get() == 0, clientErrors.get() + " abrupt clients could not even connect or send: " + errorSamples);
        // The abrupt clients come as fast as 16 threads can make them, which saturates a 2-core
        // machine: a normal client then waits its turn in the accept queue like any other, so
        // only its failures count here; its latency is reported.
        findings.check(normal.failures().isEmpty() && normal.greeted() > 0, "normal client failed: " + normal + " "
                + normal.failures().stream().limit(3).toList());
        context.checkFdsReturn(server, idleFds, Duration.ofSeconds(8), "after the abrupt clients", findings);
        long logGrowth = server.stderrBytes() - logBefore;
        findings.check(logGrowth == 0, "server logged " + logGrowth + " bytes for abrupt clients: "
                + firstLines(server.stderrText(), logBefore));
        findings.figure("abrupt clients", clients);
        findings.figure("stderr growth, bytes", logGrowth);
        findings.figure("normal client", normal.toString());
    }

    static String firstLines(String text, long fromByte) {
        String tail = fromByte < text.length() ? text.substring((int) fromByte) : "";
        return tail.lines().limit(2).toList().toString();
    }
}
