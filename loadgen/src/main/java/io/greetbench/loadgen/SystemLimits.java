package io.greetbench.loadgen;

import com.sun.management.UnixOperatingSystemMXBean;
import io.greetbench.protocol.ConfigException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The operating-system limits that bound how many connections one generator process can hold:
 * {@code RLIMIT_NOFILE} (one descriptor per connection) and the ephemeral port range (one local
 * port per connection and source address). Read from {@code /proc} on Linux; elsewhere the
 * methods return {@code -1} for "unknown" and the generator just tries.
 *
 * <p>Raising the soft descriptor limit needs no code here: HotSpot on Linux raises it to the hard
 * limit at start-up ({@code -XX:+MaxFDLimit}, the default), and the {@code ./greetbench} launcher
 * does {@code ulimit -n $(ulimit -Hn)} as well. Raising the hard limit needs
 * {@code CAP_SYS_RESOURCE}, which a benchmark should not run with, so a request above it fails
 * up front with a message that names it.
 */
final class SystemLimits {

    /** Descriptors the JVM itself holds (jars, selectors' epoll and wake-up pipes, stdio), with margin. */
    static final int RESERVED_DESCRIPTORS = 64;
    /** Linux's default {@code ip_local_port_range}, 32768-60999. */
    private static final int DEFAULT_PORTS = 60999 - 32768 + 1;

    private SystemLimits() {
    }

    /** The soft {@code RLIMIT_NOFILE} of this process, or -1 when unknown. */
    static long softDescriptorLimit() {
        long fromProc = limitsField(1);
        if (fromProc >= 0) {
            return fromProc;
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }

    /** The hard {@code RLIMIT_NOFILE} of this process, or -1 when unknown or unlimited. */
    static long hardDescriptorLimit() {
        return limitsField(2);
    }

    /** Descriptors open now in this process, or -1 when unknown. */
    static long openDescriptors() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            return unix.getOpenFileDescriptorCount();
        }
        return -1;
    }

    /** Ports in {@code net.ipv4.ip_local_port_range}, or Linux's default count when unreadable. */
    static int ephemeralPorts() {
        try {
            String[] range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            return Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1;
        } catch (IOException | RuntimeException e) {
            return DEFAULT_PORTS;
        }
    }

    /**
     * Source addresses needed so that {@code connections} loopback connections to one target
     * find a local port each: a bound source address draws its ports from the one ephemeral
     * range, so each address gives about that many, minus a margin for other programs.
     */
    static int sourceAddressesFor(int connections) {
        int usable = Math.max(1, ephemeralPorts() * 9 / 10);
        return Math.max(1, Math.min(254, (connections + usable - 1) / usable));
    }

    /**
     * Fails when this process cannot hold {@code connections} open connections at once, naming
     * the limit, its value and what was asked. The soft limit is checked after the JVM raised it,
     * so exceeding it means the hard limit, or a JVM started with {@code -XX:-MaxFDLimit}.
     */
    static void checkDescriptors(String option, long connections) {
        long soft = softDescriptorLimit();
        if (soft < 0) {
            return;
        }
        long needed = connections + RESERVED_DESCRIPTORS;
        if (needed <= soft) {
            return;
        }
        long hard = hardDescriptorLimit();
        long most = Math.max(0, soft - RESERVED_DESCRIPTORS);
        if (hard >= 0 && soft >= hard) {
            throw new ConfigException(option, connections + " connections need " + needed
                    + " file descriptors, but the hard RLIMIT_NOFILE of this process is " + hard
                    + " and raising it needs CAP_SYS_RESOURCE; at most " + most + " fit in one process"
                    + " (run several generators and merge their --hlog files)");
        }
        throw new ConfigException(option, connections + " connections need " + needed
                + " file descriptors, but the soft RLIMIT_NOFILE is " + soft + " (hard " + (hard < 0 ? "unlimited" : hard)
                + "); raise it with ulimit -n, or use ./greetbench, which does; at most " + most + " fit now");
    }

    /**
     * Field {@code column} (1 = soft, 2 = hard) of the "Max open files" line of
     * {@code /proc/self/limits}, or -1 when unreadable or unlimited.
     */
    private static long limitsField(int column) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return f[column - 1].equals("unlimited") ? -1 : Long.parseLong(f[column - 1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
