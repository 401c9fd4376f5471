package io.greetbench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JfrProfile} on a recording this test makes of itself: a busy, allocating loop recorded
 * with the JDK's own {@link Recording}, then read back. Counts and order only, never timings.
 */
class JfrProfileTest {

    @TempDir
    Path dir;

    /** Keeps the loop's results alive, so the JIT cannot drop the work. */
    static volatile Object sink;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldNameTheBusyMethodAndEstimateAllocationInsideTheWindowOnly() throws IOException, ParseException {
        Path file = dir.resolve("busy.jfr");
        Instant from;
        Instant to;
        try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
            recording.enable(JfrProfile.EXECUTION_SAMPLE).withPeriod(JfrProfile.DEFAULT_SAMPLE_PERIOD);
            recording.enable(JfrProfile.CPU_TIME_SAMPLE).with("throttle", "10ms");
            recording.start();
            from = Instant.now();
            spinAndAllocate(Duration.ofMillis(1_500));
            to = Instant.now();
            recording.stop();
            recording.dump(file);
        }

        JfrProfile profile = JfrProfile.read(file, from, to, 5);

        assertTrue(profile.samples() > 0, profile.toString());
        assertEquals(JfrProfile.CPU_TIME_SAMPLE, profile.sampler(), "JDK 25 samples by CPU time");
        List<JfrProfile.MethodSamples> top = profile.topMethods();
        assertTrue(!top.isEmpty() && top.size() <= 5, profile.toString());
        assertTrue(top.stream().anyMatch(m -> m.method().equals(JfrProfileTest.class.getName() + ".spinAndAllocate")), profile.toString());
        for (int i = 1; i < top.size(); i++) {
            assertTrue(top.get(i - 1).samples() >= top.get(i).samples(), "most samples first: " + top);
        }
        assertTrue(top.stream().mapToDouble(JfrProfile.MethodSamples::share).sum() <= 1.0 + 1e-9, top.toString());
        assertTrue(top.stream().mapToLong(JfrProfile.MethodSamples::samples).sum() <= profile.samples(), profile.toString());
        assertTrue(profile.allocationSamples() > 0 && profile.sampledAllocationBytes() > 0, profile.toString());

        JfrProfile before = JfrProfile.read(file, from.minusSeconds(3_600), from.minusSeconds(3_599), 5);
        assertEquals(new JfrProfile(JfrProfile.EXECUTION_SAMPLE, 0, List.of(), 0, 0), before, "nothing was recorded an hour before");
    }

    @Test
    void shouldRefuseAFileThatIsNoRecordingInOneLine() throws IOException {
        Path file = Files.writeString(dir.resolve("not.jfr"), "not a recording");

        ToolFailureException e = assertThrows(ToolFailureException.class, () -> JfrProfile.read(file, Instant.EPOCH, Instant.now(), 10));
        assertTrue(e.getMessage().startsWith("cannot read the flight recording " + file), e.getMessage());
    }

    @Test
    void shouldStartTheProfileRecordingWithItsPeriodAndRefuseACommaInThePath() {
        String option = JfrProfile.startOption(dir.resolve("a.jfr"), Duration.ofMillis(20));

        assertTrue(option.startsWith("-XX:StartFlightRecording:settings=profile,") && option.contains("dumponexit=true")
                && option.contains("filename=" + dir.resolve("a.jfr").toAbsolutePath() + ",") && option.contains("jdk.ExecutionSample#period=20ms")
                && option.endsWith("jdk.CPUTimeSample#enabled=true,jdk.CPUTimeSample#throttle=20ms"),
                option);
        assertThrows(IllegalArgumentException.class, () -> JfrProfile.startOption(dir.resolve("a,b.jfr"), Duration.ofMillis(20)));
    }

    @Test
    void shouldSplitThisProcesssCpuTimeIntoUserAndSystem() {
        CpuTimes now = CpuTimes.of(ProcessHandle.current().pid());

        assertTrue(now.known() && now.totalNanos() == now.userNanos() + now.systemNanos(), now.toString());
        assertEquals(CpuTimes.UNKNOWN, now.since(CpuTimes.UNKNOWN));
        assertEquals(-1, CpuTimes.of(-5).totalNanos());
    }

    /** All the work in this one frame, so that it is the top frame of the samples: no calls but the allocation. */
    private static void spinAndAllocate(Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        long x = 1;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 100_000; i++) {
                x = x * 31 + i;
                if ((i & 255) == 0) {
                    sink = new byte[1_024];
                }
            }
        }
        sink = x;
    }
}
