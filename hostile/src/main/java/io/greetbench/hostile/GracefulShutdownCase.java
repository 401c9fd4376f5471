package io.greetbench.hostile;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * SIGTERM during load. Clients keep exchanging with a server whose handler sleeps 300 ms, so at
 * any moment about one request per client is in flight. After SIGTERM: new connects are refused
 * promptly, every client whose request was sent before the signal is greeted, and the process
 * exits 0 within the grace period. Drain time is from the signal to the process's exit.
 *
 * <p>A request sent less than 20 ms before the signal may still sit in the kernel's accept queue
 * when the listener closes, and such a connection is reset by the kernel, not the server; those
 * are counted apart.
 */
public final class GracefulShutdownCase extends HostileCase {

    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final int CLIENTS = 16;
    private static final long IN_FLIGHT_MARGIN_NANOS = Duration.ofMillis(20).toNanos();

    public GracefulShutdownCase() {
        super("sigterm", Reach.GREETBENCH_SERVERS, ServerLaunch.with("--handler", "sleep:300", "--shutdown-grace", GRACE.toSeconds() + "s"),
                "SIGTERM under load (handler sleep:300): connects refused promptly, in-flight greeted, exit 0 within grace");
    }

    /** One exchange: when its request was sent, and what came back. */
    private record Attempt(long sentNanos, HostileClient.Reply reply) {
    }

    @Override
    void run(HostileServer server, CaseContext context, CaseFindings findings) throws Exception {
        context.idleFds(server);
        context.progress(name() + ": " + CLIENTS + " clients, SIGTERM after 2 s");
        List<Attempt> attempts = new ArrayList<>();
        long signalNanos;
        long exitNanos;
        int exitCode;
        long firstRefusedNanos = -1;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<Attempt>>> futures = new ArrayList<>();
            long[] stopAt = {Long.MAX_VALUE};
            for (int c = 0; c < CLIENTS; c++) {
                futures.add(pool.submit(() -> {
                    List<Attempt> mine = new ArrayList<>();
                    while (System.nanoTime() < stopAt[0]) {
                        long sent = System.nanoTime();
                        HostileClient.Reply reply = HostileClient.hello(server.address(), GRACE.plusSeconds(5));
                        mine.add(new Attempt(sent, reply));
                        if (reply.end() == HostileClient.End.REFUSED) {
                            Thread.sleep(10);
                        }
                    }
                    return mine;
                }));
            }
            HostileServer.sleep(Duration.ofSeconds(2));
            Future<Integer> stopped = pool.submit(() -> server.stop(GRACE.plusSeconds(10)));
            signalNanos = System.nanoTime();
            while (!stopped.isDone() && System.nanoTime() - signalNanos < GRACE.plusSeconds(10).toNanos()) {
                if (firstRefusedNanos < 0 && refused(server)) {
                    firstRefusedNanos = System.nanoTime();
                }
                Thread.sleep(2);
            }
            exitCode = stopped.get();
            exitNanos = System.nanoTime();
            stopAt[0] = System.nanoTime() + Duration.ofMillis(200).toNanos();
            for (Future<List<Attempt>> f : futures) {
                attempts.addAll(f.get());
            }
        }
        Map<String, Integer> inFlight = new TreeMap<>();
        Map<String, Integer> racing = new TreeMap<>();
        for (Attempt a : attempts) {
            if (a.sentNanos() < signalNanos - IN_FLIGHT_MARGIN_NANOS && a.reply().nanos() + a.sentNanos() > signalNanos) {
                inFlight.merge(kind(a.reply()), 1, Integer::sum);
            } else if (a.sentNanos() >= signalNanos - IN_FLIGHT_MARGIN_NANOS && a.sentNanos() < signalNanos) {
                racing.merge(kind(a.reply()), 1, Integer::sum);
            }
        }
        long drainMillis = (exitNanos - signalNanos) / 1_000_000;
        long refusedMillis = firstRefusedNanos < 0 ? -1 : (firstRefusedNanos - signalNanos) / 1_000_000;
        int inFlightTotal = inFlight.values().stream().mapToInt(Integer::intValue).sum();
        findings.check(exitCode == 0, "exit code " + exitCode + " after SIGTERM (-1: killed after grace + 10 s)");
        findings.check(drainMillis <= GRACE.toMillis() + 2_000, "exited " + drainMillis + " ms after SIGTERM, grace is " + GRACE.toMillis() + " ms");
        findings.check(refusedMillis >= 0 && refusedMillis <= 1_000, refusedMillis < 0
                ? "new connects were never refused before the process exited"
                : "new connects refused only " + refusedMillis + " ms after SIGTERM");
        findings.check(inFlightTotal > 0, "no request was in flight at the signal; the case measured nothing");
        findings.check(inFlight.getOrDefault("greeting+FIN", 0) == inFlightTotal,
                "in-flight clients not all greeted: " + inFlight);
        findings.figure("drain ms", drainMillis);
        findings.figure("refused after ms", refusedMillis);
        findings.figure("in flight at SIGTERM", inFlight);
        findings.figure("sent within 20 ms of SIGTERM", racing);
        findings.figure("exit code", exitCode);
    }

    private static String kind(HostileClient.Reply reply) {
        return reply.greetedWithFin() ? "greeting+FIN" : reply.end().toString() + "/" + reply.received().length + "B";
    }

    /** True when a connect is refused now (the listener is closed). */
    private static boolean refused(HostileServer server) {
        try (Socket s = new Socket()) {
            s.connect(server.address(), 500);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
