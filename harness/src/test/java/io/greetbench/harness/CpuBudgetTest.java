package io.greetbench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.greetbench.harness.CpuBudget.Throttling;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The budget on real child processes where this machine permits it (root with a cpu controller:
 * CI here), skipped with the reason elsewhere; and its refusals and parsing on fake cgroup files.
 * Also the bound-by classifier on known-busy and known-idle processes on both sides. Only
 * structure is asserted: classifications, counters that moved, a cgroup that is gone; the
 * quotas are small (0.2 CPU) so that even a machine shared with other builds grants them in full.
 */
class CpuBudgetTest {

    private static final CpuQuota SMALL = new CpuQuota(0.2);
    private static final Duration WINDOW = Duration.ofMillis(1_200);
    private static final ProcessBuilder SPINNER = new ProcessBuilder("sh", "-c", "while :; do :; done");

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldThrottleSpinningChildAndClassifyItServerBoundThenRemoveTheCgroup() throws Exception {
        Reading r = underBudget("spin", SPINNER);

        assertTrue(r.throttling.periods() > 0 && r.throttling.throttledPeriods() > 0 && r.throttling.throttledMillis() > 0, r.toString());
        assertEquals(BoundBy.SERVER, r.boundBy(), r.toString());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldClassifySleepingChildUnderBudgetAsNeither() throws Exception {
        Reading r = underBudget("sleep", new ProcessBuilder("sleep", "30"));

        assertEquals(BoundBy.NEITHER, r.boundBy(), r.toString());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldClassifyBusyGeneratorBesideIdleServerAsGeneratorBound() throws Exception {
        // The generator's side is a spinner in a budget of its own, so that its allotment is its
        // quota and a machine busy with other builds cannot starve it below the threshold.
        CpuBudget generatorBudget = grantedOrSkip("greetbench-test-gen-" + ProcessHandle.current().pid());
        Process generator = SPINNER.start();
        Process server = new ProcessBuilder("sleep", "30").start();
        try {
            assertTrue(generatorBudget.admit(generator.pid()).isEmpty());
            long wall0 = System.nanoTime();
            long gen0 = ServerProcess.cpuNanosOf(generator.pid());
            long srv0 = ServerProcess.cpuNanosOf(server.pid());
            TimeUnit.NANOSECONDS.sleep(WINDOW.toNanos());
            long wall = System.nanoTime() - wall0;
            double generatorUtilization = BoundBy.utilization(ServerProcess.cpuNanosOf(generator.pid()) - gen0, wall, SMALL.cpus());
            double serverUtilization = BoundBy.utilization(ServerProcess.cpuNanosOf(server.pid()) - srv0, wall, 1);

            assertEquals(BoundBy.GENERATOR, BoundBy.classify(serverUtilization, generatorUtilization),
                    "server " + serverUtilization + ", generator " + generatorUtilization);
        } finally {
            generator.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            generatorBudget.close();
        }
        assertTrue(generatorBudget.removed());
    }

    @Test
    void shouldRefuseWithOneLineWhenTheCpuControllerIsNotDelegated() throws IOException {
        Path mount = Files.createDirectories(tmp.resolve("unified"));
        Path own = Files.createDirectories(mount.resolve("user.slice/app.scope"));
        Files.writeString(own.resolve("cgroup.controllers"), "memory pids\n");
        Path cgroup = Files.writeString(tmp.resolve("cgroup"), "0::/user.slice/app.scope\n");
        Path mountinfo = Files.writeString(tmp.resolve("mountinfo"), "35 24 0:30 / " + mount + " rw,nosuid - cgroup2 cgroup2 rw\n");

        CpuBudget.Outcome outcome = CpuBudget.create(cgroup, mountinfo, "gb", SMALL, CpuBudget.DEFAULT_PERIOD);

        CpuBudget.Refused refused = assertInstanceOf(CpuBudget.Refused.class, outcome);
        assertTrue(refused.reason().contains("cpu controller is not available") && !refused.reason().contains("\n"), refused.reason());
    }

    @Test
    void shouldRefuseWhenNoCgroupHasTheCpuControllerOrTheDirectoryCannotBeMade() throws IOException {
        Path cgroup = Files.writeString(tmp.resolve("cgroup"), "4:memory:/\n1:cpu,cpuacct:/\n");
        Path noMounts = Files.writeString(tmp.resolve("none"), "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n");
        Path missing = Files.writeString(tmp.resolve("mountinfo"),
                "30 24 0:27 / " + tmp.resolve("absent/cpu") + " rw - cgroup cgroup rw,cpu,cpuacct\n");

        assertInstanceOf(CpuBudget.Refused.class, CpuBudget.create(cgroup, noMounts, "gb", SMALL, CpuBudget.DEFAULT_PERIOD));
        CpuBudget.Refused refused = assertInstanceOf(CpuBudget.Refused.class,
                CpuBudget.create(cgroup, missing, "gb", SMALL, CpuBudget.DEFAULT_PERIOD));
        assertTrue(refused.reason().startsWith("cgroup v1: cannot create"), refused.reason());
    }

    @Test
    void shouldFindOwnCgroupBelowTheMountRootAsInAContainer() {
        List<String> memberships = List.of("12:cpu,cpuacct:/docker/abc/inner", "0::/docker/abc/inner");
        List<String> mounts = List.of(
                "40 30 0:35 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid master:1 - cgroup cgroup rw,cpu,cpuacct",
                "41 30 0:36 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw");

        assertEquals(Path.of("/sys/fs/cgroup/cpu,cpuacct/inner"), CpuBudget.ownCgroup(memberships, mounts, false).orElseThrow());
        assertEquals(Path.of("/sys/fs/cgroup/unified/docker/abc/inner"), CpuBudget.ownCgroup(memberships, mounts, true).orElseThrow());
    }

    @Test
    void shouldStretchThePeriodSoTheQuotaIsAtLeastOneMillisecond() {
        assertEquals(10_000, CpuBudget.periodFor(new CpuQuota(0.5), CpuBudget.DEFAULT_PERIOD));
        assertEquals(2_000, CpuBudget.periodFor(new CpuQuota(0.5), Duration.ofMillis(2)));
        assertEquals(2_000, CpuBudget.periodFor(new CpuQuota(1.5), Duration.ofMillis(2)));
        assertEquals(10_000, CpuBudget.periodFor(new CpuQuota(0.1), Duration.ofMillis(2)));
        assertEquals(20_000, CpuBudget.periodFor(new CpuQuota(0.05), CpuBudget.DEFAULT_PERIOD));
        assertEquals(1_000_000, CpuBudget.periodFor(new CpuQuota(CpuQuota.MIN_CPUS), CpuBudget.DEFAULT_PERIOD));
        assertEquals(1_000, CpuBudget.periodFor(new CpuQuota(1), Duration.ofMillis(1)));
    }

    @Test
    void shouldSubtractThrottlingCounters() {
        Throttling delta = new Throttling(500, 400, 300.5).minus(new Throttling(100, 100, 100));

        assertEquals(new Throttling(400, 300, 200.5), delta);
        assertEquals(0.75, delta.throttledShare());
        assertEquals(0, Throttling.ZERO.throttledShare());
    }

    private CpuBudget grantedOrSkip(String name) {
        CpuBudget.Outcome outcome = CpuBudget.create(name, SMALL, CpuBudget.DEFAULT_PERIOD);
        assumeTrue(outcome instanceof CpuBudget.Granted, () -> "no CPU budget here: " + ((CpuBudget.Refused) outcome).reason());
        CpuBudget budget = ((CpuBudget.Granted) outcome).budget();
        assertFalse(budget.removed());
        return budget;
    }

    /**
     * Starts {@code child} in a budget of its own, watches it for a window with this JVM, idle
     * meanwhile, as the generator, then stops it and checks that the cgroup is gone.
     */
    private Reading underBudget(String label, ProcessBuilder child) throws Exception {
        CpuBudget budget = grantedOrSkip("greetbench-test-" + label + "-" + ProcessHandle.current().pid());
        Process process = child.start();
        try {
            assertTrue(budget.admit(process.pid()).isEmpty());
            return watch(process.pid(), budget);
        } finally {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            budget.close();
            assertTrue(budget.removed(), "cgroup left behind: " + budget.directory());
        }
    }


    /** A process under a budget watched for a window; this JVM, idle meanwhile, is the generator. */
    private static Reading watch(long pid, CpuBudget budget) throws InterruptedException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Throttling before = budget.throttling();
        long wall0 = System.nanoTime();
        long cpu0 = ServerProcess.cpuNanosOf(pid);
        long self0 = os.getProcessCpuTime();
        TimeUnit.NANOSECONDS.sleep(WINDOW.toNanos());
        long wall = System.nanoTime() - wall0;
        return new Reading(BoundBy.utilization(ServerProcess.cpuNanosOf(pid) - cpu0, wall, budget.cpus()),
                BoundBy.utilization(os.getProcessCpuTime() - self0, wall, Runtime.getRuntime().availableProcessors()),
                budget.throttling().minus(before));
    }

    private record Reading(double utilization, double generator, Throttling throttling) {

        BoundBy boundBy() {
            return BoundBy.classify(utilization, generator, throttling.throttledShare());
        }
    }
}
