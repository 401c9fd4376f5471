package io.greetbench.hostile;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a server process holds at one moment, counted by name: its descriptors by kind and its
 * threads by name. A count going back to idle says nothing leaked; a footprint compared with the
 * idle one ({@link #grownSince}) says what a leak consists of.
 *
 * @param fdKinds     open descriptors by kind ({@code socket}, {@code pipe}, a file path, ...)
 * @param threadNames threads by name, with numbers stripped so a pool counts under one name
 */
public record ServerFootprint(Map<String, Integer> fdKinds, Map<String, Integer> threadNames) {

    /**
     * Housekeeping threads the JVM starts and stops by itself as load comes and goes (G1 adds GC
     * workers, the JIT adds compiler threads, jcmd starts the attach listener): not the server's
     * to release. Linux truncates thread names to 15 characters, hence the odd prefixes.
     */
    private static final List<String> JVM_THREADS = List.of("GC Thread", "G1 ", "C1 CompilerThre", "C2 CompilerThre",
            "Attach Listener", "VM ", "Common-Cleaner", "Service Thread", "Monitor Deflati", "Notification Th",
            "Signal Dispatch", "Reference Handl", "Finalizer", "process reaper");

    public ServerFootprint {
        // Sorted, so messages list the names the same way every time.
        fdKinds = Collections.unmodifiableSortedMap(new TreeMap<>(fdKinds));
        threadNames = Collections.unmodifiableSortedMap(new TreeMap<>(threadNames));
    }

    /** The server's footprint now, from {@code /proc/<pid>}. */
    static ServerFootprint of(HostileServer server) {
        return new ServerFootprint(server.fdKinds(), server.threadNames());
    }

    /** What grew from {@code before} to this one, per name; what shrank or stayed is left out. */
    public ServerFootprint grownSince(ServerFootprint before) {
        return new ServerFootprint(grown(before.fdKinds, fdKinds), grown(before.threadNames, threadNames));
    }

    /** The threads that are the server's own, without the JVM's housekeeping ones. */
    public Map<String, Integer> serverThreads() {
        Map<String, Integer> kept = new TreeMap<>(threadNames);
        kept.keySet().removeIf(name -> JVM_THREADS.stream().anyMatch(name::startsWith));
        return kept;
    }

    private static Map<String, Integer> grown(Map<String, Integer> before, Map<String, Integer> after) {
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
