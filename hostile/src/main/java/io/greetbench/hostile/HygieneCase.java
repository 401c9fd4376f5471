package io.greetbench.hostile;

import io.greetbench.harness.ServerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Resource hygiene: 100,000 exchanges of mixed traffic (70% normal, the rest resets, early closes,
 * resets mid-request, 64 KiB requests and empty half-closes), then the server's descriptor and
 * thread counts must return to their idle values. For Netty the child runs with paranoid leak
 * detection; a GC is forced afterwards (jcmd) and some more traffic sent, because the detector
 * reports a leaked buffer only after it has been collected, at a later allocation.
 */
public final class HygieneCase extends HostileCase {

    private static final int WIDTH = 16;

    public HygieneCase() {
        super("hygiene", Reach.ANY_SERVER, ServerLaunch.standard(),
                "100,000 mixed good and hostile exchanges: fds and threads back to idle; Netty paranoid leak detector silent");
    }

    @Override
    void run(HostileServer server, CaseContext context, CaseFindings findings) throws Exception {
        ServerProcess process = server.process();
        int total = context.scale(3_000, 100_000);
        // Warm up first, so the idle counts include what the server creates lazily (JIT
        // compiler threads, pooled buffers' descriptors, event loops).
        traffic(server, context.scale(500, 5_000), findings, "warm-up");
        if (server.target().isNetty()) {
            // The first jcmd starts the JVM's attach listener (a thread and a socket for good):
            // start it now, so that it is part of the idle counts.
            forceGc(server, findings);
        }
        HostileServer.sleep(Duration.ofSeconds(3));
        long idleFds = context.idleFds(server);
        long idleThreads = HostileServer.awaitValue(process::threads, v -> false, Duration.ofSeconds(1));
        ServerFootprint idle = ServerFootprint.of(server);
        context.progress(name() + ": " + total + " mixed exchanges (idle: " + idleFds + " fds, " + idleThreads + " threads)");
        long start = System.nanoTime();
        traffic(server, total, findings, "mixed");
        double seconds = (System.nanoTime() - start) / 1e9;
        if (server.target().isNetty()) {
            forceGc(server, findings);
            traffic(server, 2_000, findings, "after GC");
        }
        // Lingering connections close within the linger timeout (2 s); JIT threads may take longer.
        long fds = HostileServer.awaitValue(process::openFds, v -> v <= idleFds, Duration.ofSeconds(10));
        HostileServer.awaitValue(process::threads, v -> v <= idleThreads, Duration.ofSeconds(20));
        Map<String, Integer> grown = ServerFootprint.of(server).grownSince(idle).serverThreads();
        long threads = process.threads();
        long leakedThreads = grown.values().stream().mapToInt(Integer::intValue).sum();
        findings.check(fds <= idleFds, "descriptors did not return to idle: " + fds + " vs " + idleFds);
        findings.check(leakedThreads == 0, "server threads did not return to idle: " + grown + " more (all threads: "
                + threads + " vs " + idleThreads + " idle)");
        findings.figure("exchanges", total);
        findings.figure("exchanges per second", Math.round(total / seconds));
        findings.figure("leaked fds", fds - idleFds);
        findings.figure("leaked threads", leakedThreads);
        findings.figure("all threads after/idle", threads + "/" + idleThreads);
        findings.figure("idle fds/threads", idleFds + "/" + idleThreads);
        if (server.target().isNetty()) {
            long leaks = server.leakReports();
            findings.check(leaks == 0, "Netty's paranoid leak detector reported " + leaks + " LEAK lines");
            findings.figure("netty LEAK reports", leaks);
        }
    }

    /**
     * {@code count} exchanges, {@link #WIDTH} at a time; every normal exchange must be greeted with
     * a FIN, every 64 KiB and half-close one too, and the abrupt ones must at least connect.
     */
    private static void traffic(HostileServer server, int count, CaseFindings findings, String phase) throws Exception {
        byte[] large = new byte[64 * 1024];
        ClientCrowd.Outcome outcome = ClientCrowd.run(count, WIDTH, i -> switch (i % 20) {
            case 14 -> {
                HostileClient.resetAfterConnect(server.address());
                yield null;
            }
            case 15 -> {
                HostileClient.closeBeforeReply(server.address());
                yield null;
            }
            case 16 -> {
                HostileClient.resetMidRequest(server.address(), 8 * 1024);
                yield null;
            }
            case 17 -> HostileClient.request(server.address(), large, false, Duration.ofSeconds(15)).symptom();
            case 18 -> HostileClient.request(server.address(), new byte[0], true, Duration.ofSeconds(15)).symptom();
            default -> HostileClient.hello(server.address(), Duration.ofSeconds(15)).symptom();
        });
        findings.check(outcome.allRight(), phase + ": " + outcome.describe("exchanges that should be greeted were not"));
    }

    private static void forceGc(HostileServer server, CaseFindings findings) {
        Path jcmd = Path.of(ServerProcess.javaExecutable()).resolveSibling("jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(server.process().pid()), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                findings.note("jcmd GC.run failed; the leak check relied on the server's own GCs");
            }
        } catch (IOException e) {
            findings.note("jcmd unavailable (" + e.getMessage() + "); the leak check relied on the server's own GCs");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
