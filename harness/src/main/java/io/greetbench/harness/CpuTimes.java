package io.greetbench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's CPU time so far, split as the kernel counts it: {@code utime} (running its own code)
 * and {@code stime} (in the kernel on its behalf: system calls, page faults) of
 * {@code /proc/<pid>/stat}, for a JVM, a C program and a Python interpreter alike. The split says
 * where a server's cost lies: a server that spends most of its CPU in the kernel can only get
 * cheaper with fewer or cheaper system calls, not with faster Java.
 *
 * @param userNanos   user time in nanoseconds; -1 when unknown
 * @param systemNanos system time in nanoseconds; -1 when unknown
 */
public record CpuTimes(long userNanos, long systemNanos) {

    /** When {@code /proc} cannot be read (the process is gone, or this is not Linux). */
    public static final CpuTimes UNKNOWN = new CpuTimes(-1, -1);

    /**
     * {@code /proc} counts in clock ticks of {@code USER_HZ}, which Linux fixes at 100 for user
     * space whatever the kernel's own tick rate: a reading resolves 10 ms.
     */
    private static final long NANOS_PER_TICK = 1_000_000_000L / 100;

    /** The process's CPU times now; {@link #UNKNOWN} when they cannot be read. */
    public static CpuTimes of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name, which is in parentheses and may contain spaces:
            // utime and stime are fields 14 and 15 of proc(5), 11 and 12 from here.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new CpuTimes(Long.parseLong(f[11]) * NANOS_PER_TICK, Long.parseLong(f[12]) * NANOS_PER_TICK);
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
    }

    public boolean known() {
        return userNanos >= 0 && systemNanos >= 0;
    }

    /** User plus system time; -1 when unknown. */
    public long totalNanos() {
        return known() ? userNanos + systemNanos : -1;
    }

    /** The time used between {@code earlier} and this reading; {@link #UNKNOWN} when either is unknown. */
    public CpuTimes since(CpuTimes earlier) {
        return known() && earlier.known() ? new CpuTimes(userNanos - earlier.userNanos, systemNanos - earlier.systemNanos) : UNKNOWN;
    }
}
