package io.greetbench.hostile;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Requests from 101 bytes to 16 MiB, written in full before the client reads, half of them
 * half-closed afterwards: every one gets the greeting then a FIN, never an RST (which can destroy
 * a greeting the client has not read yet). This is where the reference fails beyond ~64 KiB.
 */
public final class LargeRequestsCase extends HostileCase {

    /** Four at a time: a burst of 16 MiB writers is a memory test, not this case. */
    private static final int WIDTH = 4;

    public LargeRequestsCase() {
        super("large-requests", Reach.ANY_SERVER, ServerLaunch.standard(),
                "requests of 101 B, 1 KiB, 64 KiB, 1 MiB, 16 MiB sent before reading: greeting then FIN every time");
    }

    @Override
    void run(HostileServer server, CaseContext context, CaseFindings findings) throws Exception {
        context.idleFds(server);
        Map<Integer, Integer> repeats = new LinkedHashMap<>();
        repeats.put(101, context.scale(20, 200));
        repeats.put(1024, context.scale(20, 200));
        repeats.put(64 * 1024, context.scale(10, 50));
        repeats.put(1024 * 1024, context.scale(4, 20));
        repeats.put(16 * 1024 * 1024, context.scale(1, 5));
        int total = 0;
        long bad = 0;
        for (Map.Entry<Integer, Integer> e : repeats.entrySet()) {
            byte[] request = new byte[e.getKey()];
            Arrays.fill(request, (byte) 'a');
            ClientCrowd.Outcome outcome = ClientCrowd.run(e.getValue(), WIDTH, i ->
                    HostileClient.request(server.address(), request, i % 2 == 1, Duration.ofSeconds(30)).symptom());
            findings.check(outcome.allRight(), outcome.describe("requests of " + e.getKey() + " bytes not answered with greeting+FIN"));
            total += outcome.clients();
            bad += outcome.wrong();
        }
        context.progress(name() + ": " + total + " requests, " + bad + " wrong");
        findings.figure("requests", total);
        findings.figure("not greeting+FIN", bad);
        findings.note("sizes x repeats: " + repeats);
    }
}
