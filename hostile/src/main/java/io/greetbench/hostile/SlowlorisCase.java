package io.greetbench.hostile;

import io.greetbench.protocol.Greeting;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Slowloris: clients that send one byte per second and never stop. The protocol answers after the
 * first byte, so each must be greeted at once, get a FIN, and be cut off by the server within the
 * linger timeout while it keeps dribbling; meanwhile a normal client is served as usual.
 */
public final class SlowlorisCase extends HostileCase {

    /** A client gives up after this long; a server that has not closed it by then holds it forever. */
    private static final Duration CLIENT_PATIENCE = Duration.ofSeconds(20);

    public SlowlorisCase() {
        super("slowloris", Reach.ANY_SERVER, ServerLaunch.standard(),
                "clients send 1 byte/s forever: greeted after the first byte, cut off within the linger timeout");
    }

    /** What one slow client saw, in milliseconds after its first byte; -1 when it never happened. */
    private record Slow(boolean greetedWithFin, long greetedMillis, long cutOffMillis, String got) {
    }

    @Override
    void run(HostileServer server, CaseContext context, CaseFindings findings) throws Exception {
        long idleFds = context.idleFds(server);
        int clients = context.scale(20, 200);
        context.progress(name() + ": " + clients + " clients at 1 byte/s");
        List<Slow> results = new ArrayList<>();
        LatencyProbe.Summary normal;
        try (LatencyProbe probe = LatencyProbe.start(server.address());
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Slow>> futures = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                futures.add(pool.submit(() -> slowClient(server.address())));
            }
            for (Future<Slow> f : futures) {
                results.add(f.get());
            }
            normal = probe.stop();
        }
        long greeted = results.stream().filter(Slow::greetedWithFin).count();
        long cutOff = results.stream().filter(s -> s.cutOffMillis() >= 0).count();
        findings.check(greeted == clients, (clients - greeted) + " of " + clients
                + " slow clients not greeted with a FIN, e.g. " + results.stream().filter(s -> !s.greetedWithFin()).map(Slow::got).findFirst().orElse(""));
        findings.check(cutOff == clients, (clients - cutOff) + " of " + clients
                + " slow clients still connected after " + CLIENT_PATIENCE.toSeconds() + " s of dribbling");
        normal.checkNotHeldUp(findings);
        long[] greetMs = results.stream().mapToLong(Slow::greetedMillis).filter(v -> v >= 0).sorted().toArray();
        long[] cutMs = results.stream().mapToLong(Slow::cutOffMillis).filter(v -> v >= 0).sorted().toArray();
        findings.figure("slow clients", clients);
        findings.figure("greeted after first byte, max ms", greetMs.length == 0 ? -1 : greetMs[greetMs.length - 1]);
        findings.figure("cut off after first byte, median ms", cutMs.length == 0 ? -1 : cutMs[cutMs.length / 2]);
        context.checkFdsReturn(server, idleFds, Duration.ofSeconds(5), "after the slow clients left", findings);
        findings.note("the client notices the cut-off one or two writes later (its next byte draws the RST)");
    }

    private static Slow slowClient(InetSocketAddress address) {
        try (Socket s = new Socket()) {
            s.connect(address, 5_000);
            byte[] expected = Greeting.replyTo((InetSocketAddress) s.getLocalSocketAddress());
            s.setSoTimeout(1_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] got = new byte[256];
            int length = 0;
            boolean fin = false;
            long greetedMillis = -1;
            long start = System.nanoTime();
            long deadline = start + CLIENT_PATIENCE.toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    out.write('x');
                    out.flush();
                } catch (IOException e) {
                    return new Slow(fin && Arrays.equals(Arrays.copyOf(got, length), expected), greetedMillis,
                            (System.nanoTime() - start) / 1_000_000, describe(got, length, fin));
                }
                if (fin) {
                    Thread.sleep(1_000);
                    continue;
                }
                // Reading with a one-second timeout paces the writes at one byte per second.
                long waitStart = System.nanoTime();
                try {
                    int n = in.read(got, length, got.length - length);
                    if (n < 0) {
                        fin = true;
                    } else {
                        length += n;
                        if (length == expected.length && greetedMillis < 0) {
                            greetedMillis = (System.nanoTime() - start) / 1_000_000;
                        }
                    }
                    long waited = (System.nanoTime() - waitStart) / 1_000_000;
                    if (waited < 1_000) {
                        Thread.sleep(1_000 - waited);
                    }
                } catch (SocketTimeoutException e) {
                    // Nothing yet: send the next byte.
                } catch (IOException e) {
                    return new Slow(false, greetedMillis, (System.nanoTime() - start) / 1_000_000,
                            "reset while reading after " + length + " bytes");
                }
            }
            return new Slow(fin && Arrays.equals(Arrays.copyOf(got, length), expected), greetedMillis, -1,
                    describe(got, length, fin));
        } catch (IOException e) {
            return new Slow(false, -1, -1, "connect failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Slow(false, -1, -1, "interrupted");
        }
    }

    private static String describe(byte[] got, int length, boolean fin) {
        return length + " bytes" + (fin ? " then FIN" : ", no FIN");
    }
}
