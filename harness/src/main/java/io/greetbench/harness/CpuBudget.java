package io.greetbench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A CPU quota for other processes (the server under test): a cgroup of its own, made with the
 * kernel's CFS bandwidth control, into which {@link #admit} moves a process with all its threads
 * ({@code cgroup.procs}); children it forks later are born inside. With cgroup v1 it is a child of
 * this process's cgroup in the {@code cpu} hierarchy ({@code cpu.cfs_quota_us},
 * {@code cpu.cfs_period_us}); with cgroup v2, a child of this process's own cgroup
 * ({@code cpu.max}), which works where that cgroup is delegated to this user or this process runs
 * as root. {@code systemd-run --scope -p CPUQuota=...} is the other route on v2 machines; it is not
 * taken here, since it starts the process itself rather than take one already running.
 *
 * <p>Not permitted (no root, no delegation, no {@code cpu} controller) is not an error:
 * {@link #create} returns a {@link Refused} with one line saying why, and the caller goes on
 * without a budget and says so. {@link #throttling()} reads {@code cpu.stat}, so a caller can take
 * the delta over each measured run. {@link #close()} removes the cgroup once the processes have
 * left it (it waits briefly, then moves stragglers out); a shutdown hook does the same if the JVM
 * is stopped first.
 *
 * <p>Threading: {@link #admit}, {@link #throttling()} and {@link #close()} are called from the
 * thread that measures; the shutdown hook may run {@link #close()} concurrently, which is safe
 * because every step is idempotent and guarded by this object's lock.
 */
public final class CpuBudget implements AutoCloseable {

    /**
     * The CFS period: the quota is refilled every period, and a process that has used its quota
     * waits, throttled, until the next refill, whatever it was doing. A short period makes each
     * wait short (at most period - quota) but makes them many: measured here (nio at 8,000/s, 88%
     * of a 0.5 CPU quota, open loop, two rounds; docs/compare.md), a 2 ms period throttled the
     * server in 33-55% of the periods and its corrected p99 was 37-73 ms, against 8-11 ms with no
     * quota; 5 ms: 9-17% and 7-23 ms; 10 ms: 5-7% and 6-10 ms; 100 ms: 4-5% and 5.5 ms. At
     * 10 ms the tails cannot be told from no quota, and one throttled wait is at most 5 ms where
     * the kernel's default 100 ms would allow 50 ms. Smaller quotas stretch the period
     * ({@link #periodFor}), since the kernel refuses quotas under 1 ms.
     */
    public static final Duration DEFAULT_PERIOD = Duration.ofMillis(10);

    /** CFS refuses a quota or a period under 1 ms, and a period over 1 s ({@code tg_set_cfs_bandwidth}). */
    private static final long MIN_MICROS = 1_000;
    private static final long MAX_PERIOD_MICROS = 1_000_000;

    /** How long {@link #close()} waits for a stopped process to leave the cgroup before moving it out. */
    private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(3);

    /** What {@link #create} did: a budget to admit processes to, or why there is none. */
    public sealed interface Outcome permits Granted, Refused {
    }

    /** The cgroup exists with its quota; close it when done. */
    public record Granted(CpuBudget budget) implements Outcome {
    }

    /** No budget: one line for the user, such as "cgroup v1: no permission to create ...". */
    public record Refused(String reason) implements Outcome {
    }

    /**
     * {@code cpu.stat} counters, cumulative or as a delta ({@link #minus}).
     *
     * @param periods          periods in which the group had runnable tasks
     * @param throttledPeriods of those, periods in which it used up its quota and was made to wait
     * @param throttledMillis  total time its tasks waited, throttled
     */
    public record Throttling(long periods, long throttledPeriods, double throttledMillis) {

        public static final Throttling ZERO = new Throttling(0, 0, 0);

        public Throttling minus(Throttling before) {
            return new Throttling(periods - before.periods, throttledPeriods - before.throttledPeriods,
                    throttledMillis - before.throttledMillis);
        }

        public Throttling plus(Throttling other) {
            return new Throttling(periods + other.periods, throttledPeriods + other.throttledPeriods,
                    throttledMillis + other.throttledMillis);
        }

        /** Throttled periods / periods, 0 when there were none. */
        public double throttledShare() {
            return periods == 0 ? 0 : (double) throttledPeriods / periods;
        }
    }

    private final Path dir;
    private final boolean v2;
    private final CpuQuota quota;
    private final long periodMicros;
    private final long quotaMicros;
    /** Where processes still inside at close go: the cgroup this process was in (v1), or its leaf (v2). */
    private final Path strays;
    /** v2 only: the leaf this process moved itself to so that its cgroup could enable cpu for children; null otherwise. */
    private final Path selfLeaf;
    private final Path ownDir;
    private final boolean enabledCpu;
    private final Thread hook;
    private boolean closed;

    private CpuBudget(Path dir, boolean v2, CpuQuota quota, long periodMicros, Path strays, Path selfLeaf, Path ownDir, boolean enabledCpu) {
        this.dir = dir;
        this.v2 = v2;
        this.quota = quota;
        this.periodMicros = periodMicros;
        this.quotaMicros = Math.round(quota.cpus() * periodMicros);
        this.strays = strays;
        this.selfLeaf = selfLeaf;
        this.ownDir = ownDir;
        this.enabledCpu = enabledCpu;
        this.hook = new Thread(this::close, "cpu-budget-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Creates a cgroup named {@code name} with {@code quota}, refilled every {@code period}
     * (stretched when the quota would be under 1 ms per period). Nothing is admitted yet.
     */
    public static Outcome create(String name, CpuQuota quota, Duration period) {
        return create(Path.of("/proc/self/cgroup"), Path.of("/proc/self/mountinfo"), name, quota, period);
    }

    /** The same, reading the process's cgroups and mounts from the given files (tests give fakes). */
    static Outcome create(Path procSelfCgroup, Path mountInfo, String name, CpuQuota quota, Duration period) {
        if (quota.isNone()) {
            return new Refused("no quota asked for");
        }
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("cgroup name '" + name + "'");
        }
        long periodMicros = periodFor(quota, period);
        List<String> memberships;
        List<String> mounts;
        try {
            memberships = Files.readAllLines(procSelfCgroup);
            mounts = Files.readAllLines(mountInfo);
        } catch (IOException e) {
            return new Refused("no cgroups here (" + e.getMessage() + ")");
        }
        Optional<Path> v1 = ownCgroup(memberships, mounts, false);
        if (v1.isPresent()) {
            return createV1(v1.get(), name, quota, periodMicros);
        }
        Optional<Path> v2 = ownCgroup(memberships, mounts, true);
        if (v2.isPresent()) {
            return createV2(v2.get(), name, quota, periodMicros);
        }
        return new Refused("no cgroup with the cpu controller is mounted");
    }

    /**
     * The period to use: {@code requested}, or longer when the quota would otherwise be under the
     * kernel's 1 ms minimum (0.1 CPU needs a 10 ms period), in microseconds.
     */
    static long periodFor(CpuQuota quota, Duration requested) {
        long asked = Math.max(MIN_MICROS, TimeUnit.NANOSECONDS.toMicros(requested.toNanos()));
        long needed = (long) Math.ceil(MIN_MICROS / quota.cpus());
        return Math.min(MAX_PERIOD_MICROS, Math.max(asked, needed));
    }

    private static Outcome createV1(Path own, String name, CpuQuota quota, long periodMicros) {
        Path dir = own.resolve(name);
        try {
            Files.createDirectory(dir);
        } catch (IOException e) {
            return new Refused("cgroup v1: cannot create " + dir + " (" + reason(e) + "); run as root, or use --server-cpu-quota none");
        }
        try {
            write(dir.resolve("cpu.cfs_period_us"), Long.toString(periodMicros));
            write(dir.resolve("cpu.cfs_quota_us"), Long.toString(Math.round(quota.cpus() * periodMicros)));
        } catch (IOException e) {
            deleteQuietly(dir);
            return new Refused("cgroup v1: cannot set the quota in " + dir + " (" + reason(e) + ")");
        }
        return new Granted(new CpuBudget(dir, false, quota, periodMicros, own, null, own, false));
    }

    /**
     * cgroup v2 gives a child the cpu controller only when its parent lists {@code cpu} in
     * {@code cgroup.subtree_control}, and a cgroup other than the root cannot do that while it
     * holds processes itself (the "no internal processes" rule). When this JVM is alone in its
     * cgroup, as in a container or a {@code systemd-run --scope -p Delegate=yes}, it moves itself
     * into a leaf of its own first; otherwise it refuses.
     */
    private static Outcome createV2(Path own, String name, CpuQuota quota, long periodMicros) {
        String available;
        try {
            available = Files.readString(own.resolve("cgroup.controllers")).trim();
        } catch (IOException e) {
            return new Refused("cgroup v2: cannot read " + own.resolve("cgroup.controllers") + " (" + reason(e) + ")");
        }
        if (!Arrays.asList(available.split("\\s+")).contains("cpu")) {
            return new Refused("cgroup v2: the cpu controller is not available to " + own + " (it has: "
                    + (available.isEmpty() ? "none" : available) + "); delegate it, or use --server-cpu-quota none");
        }
        Path selfLeaf = null;
        boolean enabled = false;
        try {
            if (!subtreeHasCpu(own)) {
                List<String> procs = Files.readAllLines(own.resolve("cgroup.procs")).stream().filter(l -> !l.isBlank()).toList();
                String self = Long.toString(ProcessHandle.current().pid());
                if (!procs.isEmpty() && !procs.equals(List.of(self))) {
                    return new Refused("cgroup v2: " + own + " holds other processes, so it cannot give its children the cpu controller");
                }
                if (!procs.isEmpty()) {
                    selfLeaf = own.resolve(name + "-generator");
                    Files.createDirectory(selfLeaf);
                    write(selfLeaf.resolve("cgroup.procs"), self);
                }
                write(own.resolve("cgroup.subtree_control"), "+cpu");
                enabled = true;
            }
            Path dir = own.resolve(name);
            Files.createDirectory(dir);
            write(dir.resolve("cpu.max"), Math.round(quota.cpus() * periodMicros) + " " + periodMicros);
            return new Granted(new CpuBudget(dir, true, quota, periodMicros, selfLeaf != null ? selfLeaf : own, selfLeaf, own, enabled));
        } catch (IOException e) {
            undoV2(own, selfLeaf, enabled);
            return new Refused("cgroup v2: cannot make a child of " + own + " with a cpu quota (" + reason(e)
                    + "); delegate this cgroup, run as root, or use --server-cpu-quota none");
        }
    }

    private static boolean subtreeHasCpu(Path own) throws IOException {
        return Arrays.asList(Files.readString(own.resolve("cgroup.subtree_control")).trim().split("\\s+")).contains("cpu");
    }

    /** Puts this process back where it was and the parent's controllers as they were. */
    private static void undoV2(Path own, Path selfLeaf, boolean enabled) {
        try {
            if (enabled) {
                write(own.resolve("cgroup.subtree_control"), "-cpu");
            }
            if (selfLeaf != null) {
                write(own.resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
                deleteQuietly(selfLeaf);
            }
        } catch (IOException e) {
            // Best effort: the leaf stays, holding this process, which is harmless until it exits.
        }
    }

    /**
     * The directory of this process's cgroup in the hierarchy that has the cpu controller: a v1
     * hierarchy whose controller list holds {@code cpu}, or the v2 one ({@code 0::/path}).
     */
    static Optional<Path> ownCgroup(List<String> memberships, List<String> mountInfo, boolean v2) {
        for (String line : memberships) {
            String[] f = line.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            boolean matches = v2 ? f[0].equals("0") && f[1].isEmpty() : Arrays.asList(f[1].split(",")).contains("cpu");
            if (!matches) {
                continue;
            }
            for (String mount : mountInfo) {
                // id parent major:minor root mount-point options [optional...] - fstype source super-options
                int dash = mount.indexOf(" - ");
                if (dash < 0) {
                    continue;
                }
                String[] before = mount.substring(0, dash).split(" ");
                String[] after = mount.substring(dash + 3).split(" ");
                if (before.length < 5 || after.length < 3) {
                    continue;
                }
                boolean right = v2 ? after[0].equals("cgroup2")
                        : after[0].equals("cgroup") && Arrays.asList(after[2].split(",")).contains("cpu");
                if (!right) {
                    continue;
                }
                String root = before[3];
                String path = f[2];
                if (!path.startsWith(root)) {
                    continue;
                }
                String relative = path.substring(root.length()).replaceFirst("^/+", "");
                Path mountPoint = Path.of(before[4].replace("\\040", " "));
                return Optional.of(relative.isEmpty() ? mountPoint : mountPoint.resolve(relative));
            }
        }
        return Optional.empty();
    }

    /**
     * Moves {@code pid} and all its threads into the budget. Empty when done; otherwise why not,
     * in one line, and the process runs on without a quota.
     */
    public synchronized Optional<String> admit(long pid) {
        if (closed) {
            return Optional.of("the CPU budget was already removed");
        }
        try {
            write(dir.resolve("cgroup.procs"), Long.toString(pid));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot move process " + pid + " into " + dir + " (" + reason(e) + ")");
        }
    }

    /** The cumulative counters now; {@link Throttling#ZERO} when they cannot be read. */
    public Throttling throttling() {
        long periods = 0;
        long throttled = 0;
        double millis = 0;
        try {
            for (String line : Files.readAllLines(dir.resolve("cpu.stat"))) {
                String[] kv = line.trim().split("\\s+");
                if (kv.length != 2) {
                    continue;
                }
                switch (kv[0]) {
                    case "nr_periods" -> periods = Long.parseLong(kv[1]);
                    case "nr_throttled" -> throttled = Long.parseLong(kv[1]);
                    case "throttled_time" -> millis = Long.parseLong(kv[1]) / 1e6;   // v1: nanoseconds
                    case "throttled_usec" -> millis = Long.parseLong(kv[1]) / 1e3;   // v2: microseconds
                    default -> { }
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Throttling.ZERO;
        }
        return new Throttling(periods, throttled, millis);
    }

    /** The CPUs of time the budget allows per second of wall time. */
    public double cpus() {
        return quota.cpus();
    }

    /** The CFS period in use (the requested one, or longer for a small quota). */
    public Duration period() {
        return Duration.ofNanos(TimeUnit.MICROSECONDS.toNanos(periodMicros));
    }

    /** The cgroup's directory. */
    public Path directory() {
        return dir;
    }

    /** What was applied, in one line, for the first progress line and the provenance. */
    public String description() {
        return String.format(Locale.ROOT, "a CPU quota of %s CPU (%d µs every %d µs, cgroup %s, %s)", quota, quotaMicros, periodMicros,
                v2 ? "v2 cpu.max" : "v1 cpu.cfs_quota_us", dir);
    }

    /**
     * Removes the cgroup: waits for the processes in it to leave (a stopped server leaves when it
     * exits), moves any still there out to where this process is, then deletes it. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Shutting down: the hook runs close too, and finds it done.
            }
        }
        long deadline = System.nanoTime() + LEAVE_TIMEOUT.toNanos();
        while (!members().isEmpty() && System.nanoTime() < deadline) {
            sleepBriefly();
        }
        for (String pid : members()) {
            try {
                write(strays.resolve("cgroup.procs"), pid);
            } catch (IOException e) {
                // It exited meanwhile, or cannot be moved; the delete below then fails and says so.
            }
        }
        for (int attempt = 0; attempt < 20 && Files.exists(dir); attempt++) {
            if (deleteQuietly(dir)) {
                break;
            }
            sleepBriefly();
        }
        if (v2) {
            undoV2(ownDir, selfLeaf, enabledCpu);
        }
    }

    /** True once the cgroup's directory is gone. */
    public boolean removed() {
        return !Files.exists(dir);
    }

    private List<String> members() {
        try {
            return Files.readAllLines(dir.resolve("cgroup.procs")).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void write(Path file, String value) throws IOException {
        // One write call per value: cgroup files take one value per write(2).
        Files.write(file, value.getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean deleteQuietly(Path dir) {
        try {
            // A cgroup directory is removed with rmdir(2), its control files and all.
            Files.delete(dir);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private static void sleepBriefly() {
        try {
            TimeUnit.MILLISECONDS.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
