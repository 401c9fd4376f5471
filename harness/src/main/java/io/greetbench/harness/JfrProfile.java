package io.greetbench.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a greetbench server JVM spent its time over a window, read from a JDK Flight Recorder file
 * with the JDK's own reader ({@code jdk.jfr.consumer.RecordingFile}): no hand-written sampler and
 * no hand-written parser. The server records itself from start-up ({@link #startOption}, JFR's
 * {@code profile} settings with samples every {@code samplePeriod}); {@link #read} keeps only the
 * events that started inside the window, so a warm-up before it does not count.
 *
 * <p>What the figures are, and are not:
 * <ul>
 * <li><b>CPU-time samples</b> ({@code jdk.CPUTimeSample}, JDK 25 on Linux, experimental): each
 * thread is sampled every period of <b>its own CPU time</b>, user and kernel, so samples are
 * proportional to CPU spent, and a thread in a native method (a socket {@code write0}, an
 * {@code accept}) is sampled with that method on top: on the greetbench servers most CPU is in
 * such system calls, which the older sampler cannot see. The samples of the window are what
 * {@link #read} ranks when the recording has any.</li>
 * <li><b>Execution samples</b> ({@code jdk.ExecutionSample}), the fallback: every period of wall
 * time, JFR looks at the threads running Java code and records their stacks. Threads in native
 * code or in the kernel are not execution samples, so on a server that spends most of its time in
 * system calls these are few, and they show its Java code only.</li>
 * <li>Either way, a method's samples are those whose <b>top frame</b> it is (its self time), so the
 * list names the code that burns CPU, not its callers.</li>
 * <li><b>Allocation</b> ({@code jdk.ObjectAllocationSample}): JFR samples allocations at a
 * throttled rate, each sample weighted by the bytes its thread allocated since the previous one,
 * so the sum of the weights estimates what the JVM allocated; an estimate, not a count.</li>
 * </ul>
 *
 * @param sampler                the event the samples are: {@value #CPU_TIME_SAMPLE} when the recording
 *                               has any in the window, else {@value #EXECUTION_SAMPLE}
 * @param samples                those samples in the window, over every thread
 * @param topMethods             the methods with the most samples as top frame, most first
 * @param allocationSamples      allocation samples in the window
 * @param sampledAllocationBytes the sum of their weights: the estimated bytes allocated
 */
public record JfrProfile(String sampler, long samples, List<MethodSamples> topMethods, long allocationSamples, long sampledAllocationBytes) {

    /** JFR's {@code profile} settings sample every 10 ms; said here so the recording states its period. */
    public static final Duration DEFAULT_SAMPLE_PERIOD = Duration.ofMillis(10);
    /** Samples per period of each thread's CPU time: JDK 25's experimental CPU-time sampler (JEP 509). */
    public static final String CPU_TIME_SAMPLE = "jdk.CPUTimeSample";
    /** Samples per period of wall time, of threads in Java code only. */
    public static final String EXECUTION_SAMPLE = "jdk.ExecutionSample";
    /** Enough methods to see what dominates; the rest of a server's profile is a long flat tail. */
    public static final int DEFAULT_TOP_METHODS = 10;

    private static final String ALLOCATION_SAMPLE = "jdk.ObjectAllocationSample";

    public JfrProfile {
        topMethods = List.copyOf(topMethods);
    }

    /**
     * One method as the top frame of execution samples.
     *
     * @param method  the declaring class's name, a dot, the method's name
     * @param samples samples with it as the top frame
     * @param share   of all the window's samples
     */
    public record MethodSamples(String method, long samples, double share) {
    }

    /**
     * The JVM option that records the whole life of a JVM into {@code file}: JFR's {@code profile}
     * settings (allocation samples on), execution samples every {@code samplePeriod} and, on a JDK
     * that has them (25 on; the child runs this JVM's java), CPU-time samples every
     * {@code samplePeriod} of each thread's CPU; written when the recording stops or the JVM
     * exits normally.
     *
     * @throws IllegalArgumentException when the file's path has a comma, which the option's syntax
     *                                  would read as the next setting: record to a plain temporary
     *                                  file and move it
     */
    public static String startOption(Path file, Duration samplePeriod) {
        String path = file.toAbsolutePath().toString();
        if (path.contains(",")) {
            throw new IllegalArgumentException("a flight recording's path may not contain ',': " + path);
        }
        if (samplePeriod.toMillis() < 1) {
            throw new IllegalArgumentException("sample period must be at least 1 ms, got " + samplePeriod);
        }
        String period = samplePeriod.toMillis() + "ms";
        String option = "-XX:StartFlightRecording:settings=profile,dumponexit=true,filename=" + path + "," + EXECUTION_SAMPLE + "#period=" + period;
        if (Runtime.version().feature() >= 25) {
            option += "," + CPU_TIME_SAMPLE + "#enabled=true," + CPU_TIME_SAMPLE + "#throttle=" + period;
        }
        return option;
    }

    /**
     * The profile of the events that started in {@code [from, to)}, with the {@code top} methods.
     *
     * @throws ToolFailureException when the file cannot be read as a recording
     */
    public static JfrProfile read(Path recording, Instant from, Instant to, int top) {
        Map<String, Long> byMethod = new HashMap<>();
        Map<String, Long> byMethodOnCpu = new HashMap<>();
        long samples = 0;
        long cpuSamples = 0;
        long allocations = 0;
        long allocated = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                Instant at = e.getStartTime();
                if (at.isBefore(from) || !at.isBefore(to)) {
                    continue;
                }
                switch (e.getEventType().getName()) {
                    case EXECUTION_SAMPLE -> {
                        samples++;
                        byMethod.merge(topFrame(e.getStackTrace()), 1L, Long::sum);
                    }
                    case CPU_TIME_SAMPLE -> {
                        cpuSamples++;
                        byMethodOnCpu.merge(topFrame(e.getStackTrace()), 1L, Long::sum);
                    }
                    case ALLOCATION_SAMPLE -> {
                        allocations++;
                        allocated += Math.max(0, e.getLong("weight"));
                    }
                    default -> {
                        // The profile settings record much else (GC, locks, I/O): not part of this summary.
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new ToolFailureException("cannot read the flight recording " + recording + ": " + e.getMessage(), e);
        }
        boolean onCpu = cpuSamples > 0;
        long total = onCpu ? cpuSamples : samples;
        List<MethodSamples> methods = (onCpu ? byMethodOnCpu : byMethod).entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(top)
                .map(m -> new MethodSamples(m.getKey(), m.getValue(), (double) m.getValue() / total))
                .toList();
        return new JfrProfile(onCpu ? CPU_TIME_SAMPLE : EXECUTION_SAMPLE, total, methods, allocations, allocated);
    }

    private static String topFrame(RecordedStackTrace stack) {
        if (stack == null || stack.getFrames().isEmpty()) {
            return "(no stack trace)";
        }
        RecordedFrame frame = stack.getFrames().getFirst();
        if (frame.getMethod() == null) {
            return "(unknown frame)";
        }
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }
}
