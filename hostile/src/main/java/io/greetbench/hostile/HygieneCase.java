package io.greetbench.hostile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import io.greetbench.harness.ServerProcess;

/**
 * Resource hygiene: 100,000 exchanges of mixed traffic (70% normal, the rest resets, early closes,
 * resets mid-request, 64 KiB requests and empty half-closes), then the server's descriptor and
 * thread counts must return to their idle values. For Netty the child runs with paranoid leak
 * detection; a GC is forced afterwards (jcmd) and some more traffic sent, because the detector
 * reports a leaked buffer only after it has been collected, at a later allocation.
 */
public final class HygieneCase implements HostileCase {

    private static final int WORKERS = 16;

    @Override
    public String name() {
        return "hygiene";
    }

    @Override
    public String description() {
        return "100,000 mixed good and hostile exchanges: fds and threads back to idle; Netty paranoid leak detector silent";
    }

    @Override
    public String notApplicable(HostileTarget target) {
        return null;
    }

    @Override
    public void run(CaseContext context, CaseFindings findings) throws Exception {
        HostileServer server = context.launch(ServerLaunch.standard());
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
        long idleThreads = HostileServer.awaitValue(server::threads, v -> false, Duration.ofSeconds(1));
        Map<String, Integer> idleNames = threadNames(server.pid());
        context.progress(name() + ": " + total + " mixed exchanges (idle: " + idleFds + " fds, " + idleThreads + " threads)");
        long start = System.nanoTime();
        traffic(server, total, findings, "mixed");
        double seconds = (System.nanoTime() - start) / 1e9;
        if (server.target().isNetty()) {
            forceGc(server, findings);
            traffic(server, 2_000, findings, "after GC");
        }
        // Lingering connections close within the linger timeout (2 s); JIT threads may take longer.
        long fds = HostileServer.awaitValue(server::openFds, v -> v <= idleFds, Duration.ofSeconds(10));
        HostileServer.awaitValue(server::threads, v -> v <= idleThreads, Duration.ofSeconds(20));
        Map<String, Integer> grown = serverThreads(grown(idleNames, threadNames(server.pid())));
        long threads = server.threads();
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
     * {@code count} exchanges over {@link #WORKERS} virtual threads; every normal exchange must be
     * greeted with a FIN, every 64 KiB and half-close one too.
     */
    private static void traffic(HostileServer server, int count, CaseFindings findings, String phase) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicLong wrong = new AtomicLong();
        List<String> samples = new ArrayList<>();
        byte[] large = new byte[64 * 1024];
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                futures.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < count; ) {
                        HostileClient.Reply reply = null;
                        try {
                            switch (i % 20) {
                                case 14 -> HostileClient.resetAfterConnect(server.address());
                                case 15 -> HostileClient.closeBeforeReply(server.address());
                                case 16 -> HostileClient.resetMidRequest(server.address(), 8 * 1024);
                                case 17 -> reply = HostileClient.request(server.address(), large, false, Duration.ofSeconds(15));
                                case 18 -> reply = HostileClient.request(server.address(), new byte[0], true, Duration.ofSeconds(15));
                                default -> reply = HostileClient.hello(server.address(), Duration.ofSeconds(15));
                            }
                        } catch (IOException e) {
                            reply = new HostileClient.Reply(new byte[0], HostileClient.End.ERROR, new byte[0], 0);
                        }
                        if (reply != null && !reply.greetedWithFin()) {
                            wrong.incrementAndGet();
                            synchronized (samples) {
                                if (samples.size() < 3) {
                                    samples.add(reply.describe());
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
        }
        findings.check(wrong.get() == 0, phase + ": " + wrong.get() + " of " + count
                + " exchanges that should be greeted were not: " + samples);
    }

    private static void forceGc(HostileServer server, CaseFindings findings) {
        Path jcmd = Path.of(ServerProcess.javaExecutable()).resolveSibling("jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(server.pid()), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                findings.note("jcmd GC.run failed; the leak check relied on the server's own GCs");
            }
        } catch (IOException e) {
            findings.note("jcmd unavailable (" + e.getMessage() + "); the leak check relied on the server's own GCs");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Thread names of a process, counted (numbers stripped, so pools compare by name). */
    static Map<String, Integer> threadNames(long pid) {
        Map<String, Integer> names = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    names.merge(Files.readString(task.resolve("comm")).trim().replaceAll("\\d+", "#"), 1, Integer::sum);
                } catch (IOException e) {
                    // The thread ended while we looked.
                }
            }
        } catch (IOException e) {
            return names;
        }
        return names;
    }

    /**
     * Drops the JVM's own housekeeping threads, which it starts and stops by itself as load
     * comes and goes (G1 adds GC workers, the JIT adds compiler threads, jcmd starts the attach
     * listener): they are not the server's to release.
     */
    public static Map<String, Integer> serverThreads(Map<String, Integer> threads) {
        Map<String, Integer> kept = new TreeMap<>(threads);
        kept.keySet().removeIf(name -> JVM_THREADS.stream().anyMatch(name::startsWith));
        return kept;
    }

    private static final List<String> JVM_THREADS = List.of("GC Thread", "G1 ", "C1 CompilerThre", "C2 CompilerThre",
            "Attach Listener", "VM ", "Common-Cleaner", "Service Thread", "Monitor Deflati", "Notification Th",
            "Signal Dispatch", "Reference Handl", "Finalizer", "process reaper");

    /** What grew from {@code before} to {@code after}, per name. */
    public static Map<String, Integer> grown(Map<String, Integer> before, Map<String, Integer> after) {
        Map<String, Integer> grown = new TreeMap<>();
        after.forEach((name, n) -> {
            int diff = n - before.getOrDefault(name, 0);
            if (diff > 0) {
                grown.put(name, diff);
            }
        });
        return grown;
    }
}
