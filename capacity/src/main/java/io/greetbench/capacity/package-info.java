/**
 * Capacity at a latency SLO: the knee of a server's latency-versus-rate curve, found the way a
 * wrk2 user finds it by hand, but with every step validated and listed.
 *
 * <h2>What the figure means</h2>
 * The capacity is the highest constant open-loop rate at which the corrected latency at the SLO's
 * percentile ({@link io.greetbench.capacity.Slo}, {@code p99=5ms} by default) stays within the
 * SLO, with the load run valid, not overloaded, and not bound by the generator. Corrected latency
 * is timed from each exchange's intended start (see the load generator's design note), so a server
 * that falls behind its schedule shows it in the percentile instead of hiding it. A closed-loop
 * peak says how fast a server can go; this says how much load it takes before users wait.
 *
 * <h2>The search</h2>
 * {@link io.greetbench.capacity.CapacitySearch} starts at a rate every server in compare's lineup
 * meets ({@link io.greetbench.capacity.CapacitySettings#DEFAULT_START_RATE}), multiplies it by the
 * growth factor until a step fails, then bisects between the last pass and the first failure at
 * geometric midpoints (rates span orders of magnitude, so the bracket is a ratio) until the first
 * failure is within the tolerance above the last pass, or the step limit is reached. Each step is
 * one open-loop run with its own warm-up, judged in this order:
 * <ol>
 * <li><b>Generator-bound</b> ({@link io.greetbench.harness.BoundBy#GENERATOR}): the step says
 * nothing about the server, and the search stops; the capacity is the last pass, reported as a
 * lower bound. A generator's limit must never read as a server's.</li>
 * <li><b>Invalid</b> (errors, nothing completed): fail.</li>
 * <li><b>Overloaded</b> (exchanges waited for a free connection, or were still unfinished at the
 * end): fail, whatever the percentile, since those exchanges, the slowest, are in the histogram
 * only at what they had waited by the end, so its percentile is a lower bound.</li>
 * <li>Otherwise the percentile against the limit.</li>
 * </ol>
 * A target that fails its first step has capacity 0, with the reason; one that never fails within
 * the step limit has the last rate tried as a lower bound.
 *
 * <h2>Who was the bound</h2>
 * {@link io.greetbench.capacity.BoundJudge} decides: a generator that fell behind its own
 * schedule is the bound; otherwise the harness's classifier
 * ({@link io.greetbench.harness.BoundBy#classify}, thresholds set by measurement) from the
 * generator's whole process (GC and JIT included) over the CPUs it may use, and the server's CPU
 * over its allotment (and its CPU budget's throttling) when a
 * {@link io.greetbench.capacity.ServerCpuMeter} can read it (a pid, or compare's child process and
 * budget). Without one the server side is unknown and never named as the limit, so a step reads
 * {@code generator} or {@code neither}, and the result says the server was not judged. Judge and
 * meter are interfaces, so they change without touching the search. The generator's share is the
 * load result's own reading ({@code LoadResult.generatorCpuUtilization}, the one compare's points
 * use too); the SLO-aware overloaded test is computed in one place ({@code LoadStepRunner.overloaded}).
 *
 * <p>The search itself is pure over a {@link io.greetbench.capacity.StepRunner}, so the
 * bracketing is tested without a network; {@code LoadStepRunner} is the real one.
 */
package io.greetbench.capacity;
