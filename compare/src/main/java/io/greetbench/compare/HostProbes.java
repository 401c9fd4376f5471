package io.greetbench.compare;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What compare reads about the machine it runs on, for the provenance and the warnings: Linux's
 * {@code /proc} files, {@code git} and {@code python3}. Every probe answers "unknown" (or a
 * fallback) rather than failing, since a missing fact must not stop a measurement. Stateless.
 */
final class HostProbes {

    private static final String UNKNOWN = "unknown";

    private HostProbes() {
    }

    /** {@code /proc/loadavg}: the 1, 5 and 15 minute load averages and the run queue. */
    static String loadAverage() {
        return firstLine(Path.of("/proc/loadavg"));
    }

    /** The 1-minute load average of a {@link #loadAverage()} line; 0 when unknown. */
    static double oneMinuteLoad(String loadAverage) {
        try {
            return Double.parseDouble(loadAverage.split(" ")[0]);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** {@code /proc/sys/kernel/osrelease}. */
    static String kernel() {
        return firstLine(Path.of("/proc/sys/kernel/osrelease"));
    }

    /** {@code model name} from {@code /proc/cpuinfo}; the architecture elsewhere. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // Not Linux.
        }
        return System.getProperty("os.arch");
    }

    /** {@code MemTotal} from {@code /proc/meminfo}; this JVM's maximum heap elsewhere. */
    static long memoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // Not Linux.
        }
        return Runtime.getRuntime().maxMemory();
    }

    /** This process's soft {@code Max open files}; -1 when unknown or unlimited. */
    static long softDescriptorLimit() {
        return descriptorLimit(0);
    }

    /** This process's hard {@code Max open files}, which only a privileged user can raise; -1 when unknown or unlimited. */
    static long hardDescriptorLimit() {
        return descriptorLimit(1);
    }

    private static long descriptorLimit(int column) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return f[column].equals("unlimited") ? -1 : Long.parseLong(f[column]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The commit the jar was built from, when run from a checkout; "unknown" otherwise. */
    static String gitCommit() {
        String v = output(new ProcessBuilder("git", "describe", "--always", "--dirty").redirectError(Redirect.DISCARD), true);
        return v == null || v.isEmpty() ? UNKNOWN : v;
    }

    /** {@code Python 3.11.2 (/usr/bin/python3)}; the executable alone when it does not answer. */
    static String pythonVersion(String python) {
        String v = output(new ProcessBuilder(python, "--version").redirectErrorStream(true), false);
        return v == null ? python : v + " (" + python + ")";
    }

    /**
     * What the command printed, trimmed; null when it could not run, was interrupted, or (with
     * {@code mustSucceed}) did not exit 0 within five seconds.
     */
    private static String output(ProcessBuilder command, boolean mustSucceed) {
        try {
            Process p = command.start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            boolean exited = p.waitFor(5, TimeUnit.SECONDS);
            return !mustSucceed || exited && p.exitValue() == 0 ? v : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String firstLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.isEmpty() ? UNKNOWN : lines.get(0).trim();
        } catch (IOException e) {
            return UNKNOWN;
        }
    }
}
