package io.greetbench.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Applies a CPU list with the {@code taskset} tool, since Java has no affinity API: to the calling
 * thread ({@link #pinCurrentThread}, what each generator thread does with {@link LoadSpec#cpus()})
 * or to every thread of this process ({@link #pinProcess}, what {@code greetbench load --cpus}
 * does, so the JIT and GC threads stay off the server's CPUs as well). A hint: when
 * {@code taskset} is missing or refuses, it logs one warning and the run goes on unpinned.
 *
 * <p>Thread-safe.
 */
public final class CpuPinning {

    private static final System.Logger LOG = System.getLogger(CpuPinning.class.getName());
    private static volatile boolean warned;

    private CpuPinning() {
    }

    /** Pins the calling thread; returns false (after one warning per process) when that failed. */
    public static boolean pinCurrentThread(String cpus) {
        String tid;
        try {
            tid = currentThreadId();
        } catch (IOException | UnsupportedOperationException e) {
            // Not Linux, or no /proc: pinning is a hint, so the run goes on unpinned, said once.
            return warn("cannot find this thread's id: " + e);
        }
        return taskset(cpus, "-p", "-c", cpus, tid);
    }

    /** The kernel's id of the calling thread: "/proc/thread-self" links to "<pid>/task/<tid>". */
    static String currentThreadId() throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
    }

    /** Pins every thread of this process, and so every thread it starts later. */
    public static boolean pinProcess(String cpus) {
        return taskset(cpus, "-a", "-p", "-c", cpus, Long.toString(ProcessHandle.current().pid()));
    }

    /** How many CPUs a list such as {@code 0-2,5} names. */
    public static int count(String cpus) {
        int n = 0;
        for (String part : cpus.split(",")) {
            int dash = part.indexOf('-');
            n += dash < 0 ? 1 : Math.max(1, Integer.parseInt(part.substring(dash + 1)) - Integer.parseInt(part.substring(0, dash)) + 1);
        }
        return n;
    }

    private static boolean taskset(String cpus, String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "taskset";
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return warn("taskset did not finish");
            }
            if (p.exitValue() != 0) {
                return warn("taskset -c " + cpus + " failed: " + output);
            }
            return true;
        } catch (IOException e) {
            return warn("cannot run taskset (" + e.getMessage() + "); install util-linux or pin with taskset yourself");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return warn("interrupted while pinning");
        }
    }

    private static boolean warn(String message) {
        if (!warned) {
            warned = true;
            LOG.log(System.Logger.Level.WARNING, "CPU pinning ignored: " + message);
        }
        return false;
    }
}
