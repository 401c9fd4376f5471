package io.greetbench.capacity;

import io.greetbench.harness.BoundBy;
import io.greetbench.harness.CpuBudget;
import io.greetbench.harness.ToolFailureException;
import io.greetbench.harness.UnreachableException;
import io.greetbench.loadgen.LoadGenerator;
import io.greetbench.loadgen.LoadResult;
import io.greetbench.loadgen.LoadSpec;
import io.greetbench.loadgen.ProgressListener;
import io.greetbench.loadgen.UnreachableTargetException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * A step as a real open-loop load run against a target, with the server's CPU read around it.
 *
 * <p>Threading: {@link #run} blocks its caller for the step; the load generator's threads are its own.
 */
final class LoadStepRunner implements StepRunner {

    private final InetSocketAddress target;
    private final CapacitySettings settings;
    private final ServerCpuMeter server;
    private final BoundJudge judge;

    LoadStepRunner(InetSocketAddress target, CapacitySettings settings, ServerCpuMeter server, BoundJudge judge) {
        this.target = target;
        this.settings = settings;
        this.server = server;
        this.judge = judge;
    }

    @Override
    public StepMeasurement run(double rate) {
        LoadSpec spec = LoadSpec.builder(target).open(rate).duration(settings.stepDuration()).warmup(settings.stepWarmup())
                .exchangeTimeout(settings.exchangeTimeout()).build();
        long serverBefore = server.cpuNanos();
        CpuBudget.Throttling throttledBefore = server.throttling();
        long wallBefore = System.nanoTime();
        LoadResult load;
        try {
            load = LoadGenerator.run(spec, ProgressListener.NONE);
        } catch (UnreachableTargetException e) {
            throw new UnreachableException(e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new ToolFailureException("the step at " + CapacitySearch.rate(rate) + "/s failed: " + e.getCause().getMessage(), e);
        }
        long wall = System.nanoTime() - wallBefore;
        long serverAfter = server.cpuNanos();
        CpuBudget.Throttling throttledAfter = server.throttling();
        // Over the whole run, warm-up included: the rate is the same throughout, and /proc's 10 ms
        // ticks are coarse over the recorded window alone.
        double serverShare = serverBefore < 0 || serverAfter < 0
                ? Double.NaN
                : BoundBy.utilization(serverAfter - serverBefore, wall, server.allotment());
        double throttledShare = throttledBefore == null || throttledAfter == null
                ? Double.NaN
                : throttledAfter.minus(throttledBefore).throttledShare();
        // The load generator's own reading: its whole process over the CPUs it may use (compare pins
        // this JVM to the placement's generator CPUs first, and availableProcessors follows that mask).
        double generatorShare = load.generatorCpuUtilization();
        return new StepMeasurement(rate, load.achievedRate(), load.exchanges(), load.correctedNanos(settings.slo().percentile()),
                load.valid(), load.invalidReason(), overloaded(load, settings.slo()), load.totalErrors(), generatorShare,
                serverShare, judge.judge(load, generatorShare, serverShare, throttledShare));
    }

    /**
     * Whether the server fell behind the schedule: an exchange waited for a free connection (all of
     * the open loop's in use), or more exchanges were unfinished at the end than a server meeting
     * the SLO would have in flight (Little's law: rate times latency, doubled for slack). Those
     * exchanges, the slowest, are in the corrected histogram only at what they had waited by the
     * end, so the step's percentile is a lower bound. Stricter for a search step than
     * {@link LoadResult#overloaded()}, which waits for a timeout or a 100 ms queue.
     */
    static boolean overloaded(LoadResult load, Slo slo) {
        double inFlightAtSlo = load.requestedRate() * slo.limit().toNanos() / 1e9;
        return load.late() > 0 || load.unfinished() > Math.max(1, 2 * inFlightAtSlo);
    }
}
