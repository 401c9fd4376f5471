package io.greetbench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When an open-loop run must not be trusted because of the generator itself. */
class GeneratorValidityTest {

    @Test
    void aThreadBusyMostOfTheWindowIsSaturated() {
        assertTrue(LoadGenerator.saturated(0.91));
        assertTrue(LoadGenerator.saturated(LoadGenerator.MAX_GENERATOR_BUSY + 0.001));
        assertFalse(LoadGenerator.saturated(LoadGenerator.MAX_GENERATOR_BUSY));
        assertFalse(LoadGenerator.saturated(0.5));
        assertFalse(LoadGenerator.saturated(0), "unknown (the thread did not span the window) is not saturated");
    }

    @Test
    void theProcessIsMeasuredAgainstTheCpusItMayUse() {
        assertEquals(0.8, LoadGenerator.cpuUtilization(1_600_000_000L, 1_000_000_000L, "0-1"), 1e-9);
        assertEquals(0.4, LoadGenerator.cpuUtilization(1_600_000_000L, 1_000_000_000L, "0-3"), 1e-9);
        assertEquals(1, LoadGenerator.cpuUtilization(1_600_000_000L, 1_000_000_000L, "1"), 1e-9,
                "GC and JIT threads off a pinned CPU count against it, capped at all of it");
        assertEquals(0, LoadGenerator.cpuUtilization(-1, 1_000_000_000L, null), "unknown CPU time");
        int cpus = Runtime.getRuntime().availableProcessors();
        assertEquals(0.5, LoadGenerator.cpuUtilization(cpus * 500_000_000L, 1_000_000_000L, null), 1e-9,
                "unpinned: every CPU of its affinity");
    }

    /**
     * Threads that spin and allocate (so GC runs too) in the generator's own JVM, while its one
     * worker thread keeps an easy schedule: no generator thread is busy, yet the process has no CPU
     * to spare. The process-level check must call the run saturated; the per-thread one must not.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldCallAGeneratorSaturatedWhenItsProcessIsBusyOutsideItsThreads() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> spinners = new ArrayList<>();
        // Many more runnable threads than CPUs, so that they take most of a machine shared with others.
        for (int i = 0; i < 8 * Runtime.getRuntime().availableProcessors(); i++) {
            spinners.add(Thread.ofPlatform().daemon().name("spinner-" + i).start(() -> {
                long sink = 0;
                while (!stop.get()) {
                    sink += new byte[16 * 1024].length;
                }
                if (sink == 42) {
                    System.out.print("");
                }
            }));
        }
        LoadResult r;
        try (TestServer server = new TestServer(TestServer.Behaviour.GREET)) {
            r = LoadGenerator.run(LoadSpec.builder(server.address()).open(50).duration(Duration.ofMillis(1500))
                    .warmup(Duration.ofMillis(300)).connections(10).threads(1).build(), ProgressListener.NONE);
        } finally {
            stop.set(true);
            for (Thread t : spinners) {
                t.join(5_000);
            }
        }
        String report = r.summary(false);
        assertFalse(report.contains("a generator thread was busy"), "the worker itself had time to spare\n" + report);
        assumeTrue(r.generatorCpuUtilization() > LoadGenerator.MAX_GENERATOR_BUSY,
                "the machine is too busy for the spinners to take most of its CPUs\n" + report);
        assertFalse(r.valid(), report);
        assertTrue(r.invalidReason().contains("whole process"), report);
    }
}
