package io.greetbench.hostile;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Requests from 101 bytes to 16 MiB, written in full before the client reads, half of them
 * half-closed afterwards: every one gets the greeting then a FIN, never an RST (which can destroy
 * a greeting the client has not read yet). This is where the reference fails beyond ~64 KiB.
 */
public final class LargeRequestsCase implements HostileCase {

    @Override
    public String name() {
        return "large-requests";
    }

    @Override
    public String description() {
        return "requests of 101 B, 1 KiB, 64 KiB, 1 MiB, 16 MiB sent before reading: greeting then FIN every time";
    }

    @Override
    public String notApplicable(HostileTarget target) {
        return null;
    }

    @Override
    public void run(CaseContext context, CaseFindings findings) throws Exception {
        HostileServer server = context.launch(ServerLaunch.standard());
        context.idleFds(server);
        Map<Integer, Integer> repeats = new LinkedHashMap<>();
        repeats.put(101, context.scale(20, 200));
        repeats.put(1024, context.scale(20, 200));
        repeats.put(64 * 1024, context.scale(10, 50));
        repeats.put(1024 * 1024, context.scale(4, 20));
        repeats.put(16 * 1024 * 1024, context.scale(1, 5));
        int total = 0;
        int bad = 0;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Map.Entry<Integer, Integer> e : repeats.entrySet()) {
                byte[] request = new byte[e.getKey()];
                java.util.Arrays.fill(request, (byte) 'a');
                List<Future<HostileClient.Reply>> replies = new ArrayList<>();
                for (int i = 0; i < e.getValue(); i++) {
                    boolean halfClose = i % 2 == 1;
                    replies.add(pool.submit(() -> HostileClient.request(server.address(), request, halfClose, Duration.ofSeconds(30))));
                    if (replies.size() % 4 == 0) {
                        // Four at a time: a burst of 16 MiB writers is a memory test, not this case.
                        replies.get(replies.size() - 4).get();
                    }
                }
                int sizeBad = 0;
                String sample = "";
                for (Future<HostileClient.Reply> f : replies) {
                    HostileClient.Reply r = f.get();
                    if (!r.greetedWithFin()) {
                        sizeBad++;
                        sample = r.describe();
                    }
                }
                findings.check(sizeBad == 0, sizeBad + " of " + replies.size() + " requests of " + e.getKey()
                        + " bytes not answered with greeting+FIN, e.g. " + sample);
                total += replies.size();
                bad += sizeBad;
            }
        }
        context.progress(name() + ": " + total + " requests, " + bad + " wrong");
        findings.figure("requests", total);
        findings.figure("not greeting+FIN", bad);
        findings.note("sizes x repeats: " + repeats);
    }
}
