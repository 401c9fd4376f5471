package io.greetbench.capacity;

import io.greetbench.harness.BoundBy;
import io.greetbench.capacity.CapacityStep.Phase;
import io.greetbench.capacity.CapacityStep.Verdict;
import io.greetbench.loadgen.LoadResult;
import io.greetbench.loadgen.LoadSpec;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The capacity of a server at a latency SLO: the highest constant open-loop rate at which the
 * corrected latency at the SLO's percentile stays within it, with the run valid, not overloaded
 * and not generator-bound. A bracketing search: grow geometrically from a low start rate until a
 * step fails, then bisect (geometric midpoints) between the last pass and the first failure until
 * the bracket is within the tolerance or the steps run out. A step bound by the generator is a
 * ceiling, not a failure: the search bisects below it, and the capacity found under it is a lower
 * bound (nothing is known of the server above the generator's own limit). A step that fails is run once more at
 * the same rate ({@link Phase#CONFIRM}) and the rate fails only when that run fails too: noise on
 * a shared machine only ever adds latency, so a pass is evidence and a single failure may be a
 * stall of the host (measured here: greet-c failing p99 ≤ 5 ms at 800/s with 12 ms, then passing
 * at 566 and 673/s; every step is listed, the failed first run included).
 *
 * <p>Threading: {@link #run} and {@link #search} block the calling thread for the whole search;
 * the observer is called on that thread after each step.
 */
public final class CapacitySearch {

    private CapacitySearch() {
    }

    /**
     * Searches the server at {@code target} with the load generator, reading the server's CPU with
     * {@code server} ({@link ServerCpuMeter#NONE} judges the generator's side only).
     *
     * @throws io.greetbench.harness.UnreachableException when the target cannot be connected to
     */
    public static CapacityResult run(InetSocketAddress target, CapacitySettings settings, ServerCpuMeter server,
                                     StepObserver observer) {
        return run(target, settings, server, BoundJudge.DEFAULT, observer);
    }

    /** As {@link #run(InetSocketAddress, CapacitySettings, ServerCpuMeter, StepObserver)}, with another bound classifier. */
    public static CapacityResult run(InetSocketAddress target, CapacitySettings settings, ServerCpuMeter server,
                                     BoundJudge judge, StepObserver observer) {
        return search(settings, new LoadStepRunner(target, settings, server, judge), observer);
    }

    /** The bracketing search over any step runner; what the network-free tests drive. */
    public static CapacityResult search(CapacitySettings settings, StepRunner runner, StepObserver observer) {
        Objects.requireNonNull(runner, "runner");
        Objects.requireNonNull(observer, "observer");
        Slo slo = settings.slo();
        List<CapacityStep> steps = new ArrayList<>();
        double lastPass = 0;
        double firstFail = Double.NaN;
        String failReason = null;
        double rate = settings.startRate();
        double ceiling = Double.POSITIVE_INFINITY;
        String generatorReason = null;
        Phase phase = Phase.GROW;
        while (true) {
            CapacityStep step = judge(steps.size() + 1, phase, slo, runner.run(rate));
            steps.add(step);
            observer.onStep(step);
            if (step.verdict() == Verdict.FAIL && steps.size() < settings.maxSteps()) {
                step = judge(steps.size() + 1, Phase.CONFIRM, slo, runner.run(rate));
                steps.add(step);
                observer.onStep(step);
            }
            switch (step.verdict()) {
                case GENERATOR_BOUND -> {
                    // Nothing is known of the server at this rate, but the rates between the last
                    // pass and this one may still be measurable: bisect up to this ceiling.
                    ceiling = Math.min(ceiling, rate);
                    generatorReason = step.reason();
                    if (lastPass == 0) {
                        return generatorBound(slo, lastPass, firstFail, steps, ceiling, generatorReason);
                    }
                }
                case PASS -> lastPass = rate;
                case FAIL -> {
                    if (lastPass == 0) {
                        return new CapacityResult(slo, 0, false, rate, steps, String.format(Locale.ROOT,
                                "failed at the first step, %s/s: %s", rate(rate), step.reason()));
                    }
                    firstFail = rate;
                    failReason = step.reason();
                }
            }
            if (Double.isNaN(firstFail) && ceiling <= lastPass * (1 + settings.tolerance())) {
                return generatorBound(slo, lastPass, firstFail, steps, ceiling, generatorReason);
            }
            boolean bracketed = !Double.isNaN(firstFail);
            if (bracketed && firstFail <= lastPass * (1 + settings.tolerance())) {
                return bracketResult(slo, lastPass, firstFail, failReason, steps,
                        String.format(Locale.ROOT, "within %.0f%%", settings.tolerance() * 100));
            }
            if (steps.size() >= settings.maxSteps() && !bracketed && ceiling < Double.POSITIVE_INFINITY) {
                return generatorBound(slo, lastPass, firstFail, steps, ceiling, generatorReason);
            }
            if (steps.size() >= settings.maxSteps()) {
                return bracketed
                        ? bracketResult(slo, lastPass, firstFail, failReason, steps,
                                "still wider than --tolerance after " + steps.size() + " steps (--max-steps)")
                        : new CapacityResult(slo, lastPass, true, Double.NaN, steps, String.format(Locale.ROOT,
                                "%s met at every step up to %s/s; the search stopped after %d steps (--max-steps), "
                                        + "so the capacity is at least that", slo, rate(lastPass), steps.size()));
            }
            double upper = bracketed ? firstFail : ceiling;
            boolean bisecting = bracketed || ceiling < Double.POSITIVE_INFINITY;
            double next = bisecting ? Math.rint(Math.sqrt(lastPass * upper)) : Math.rint(rate * settings.growth());
            if (bisecting && (next <= lastPass || next >= upper)) {
                // Rates are whole exchanges per second: a bracket of adjacent integers cannot narrow.
                return bracketed ? bracketResult(slo, lastPass, firstFail, failReason, steps, "as narrow as whole rates allow")
                        : generatorBound(slo, lastPass, firstFail, steps, ceiling, generatorReason);
            }
            if (next > LoadSpec.MAX_RATE) {
                return new CapacityResult(slo, lastPass, true, Double.NaN, steps, String.format(Locale.ROOT,
                        "%s met up to %s/s, and the generator cannot be asked for more than %s/s", slo, rate(lastPass),
                        rate(LoadSpec.MAX_RATE)));
            }
            phase = bisecting ? Phase.BISECT : Phase.GROW;
            rate = next;
        }
    }

    /** The generator was the limit at {@code ceiling}: the capacity is at least the last pass. */
    private static CapacityResult generatorBound(Slo slo, double lastPass, double firstFail, List<CapacityStep> steps, double ceiling,
                                                 String reason) {
        return new CapacityResult(slo, lastPass, true, firstFail, steps, String.format(Locale.ROOT,
                "the generator was the bound at %s/s (%s), so %s; give the generator more CPU (or the server less) to find it",
                rate(ceiling), reason, lastPass == 0 ? "nothing is known of the server's capacity"
                        : "the server's capacity is at least " + rate(lastPass) + "/s"));
    }

    private static CapacityResult bracketResult(Slo slo, double lastPass, double firstFail, String failReason,
                                                List<CapacityStep> steps, String how) {
        return new CapacityResult(slo, lastPass, false, firstFail, steps, String.format(Locale.ROOT,
                "%s met at %s/s and not at %s/s (%s); the bracket is %s", slo, rate(lastPass), rate(firstFail), failReason, how));
    }

    /**
     * The verdict of one measured step, in order: a generator-bound step says nothing about the
     * server; an invalid or overloaded step fails whatever its percentile (an overloaded run's
     * slowest exchanges are in its histogram only at what they had waited, so its percentile is
     * a lower bound); otherwise
     * the percentile against the limit.
     */
    static CapacityStep judge(int number, Phase phase, Slo slo, StepMeasurement m) {
        String value = slo.percentileLabel() + " " + LoadResult.formatNanos(m.percentileNanos());
        String limit = LoadResult.formatNanos(slo.limit().toNanos());
        if (m.boundBy() == BoundBy.GENERATOR) {
            return new CapacityStep(number, phase, m, Verdict.GENERATOR_BOUND, m.valid()
                    ? String.format(Locale.ROOT, "the generator used %.0f%% of its CPUs", m.generatorUtilization() * 100)
                    : m.invalidReason());
        }
        if (!m.valid()) {
            return new CapacityStep(number, phase, m, Verdict.FAIL, "invalid run: " + m.invalidReason());
        }
        if (m.overloaded()) {
            return new CapacityStep(number, phase, m, Verdict.FAIL,
                    "overloaded: exchanges queued for free connections or were unfinished at the end (" + value + " is a lower bound)");
        }
        if (!slo.metBy(m.percentileNanos())) {
            return new CapacityStep(number, phase, m, Verdict.FAIL, value + " over " + limit);
        }
        return new CapacityStep(number, phase, m, Verdict.PASS, value + " within " + limit);
    }

    /** {@code 12,800}: a rate as the output prints it. */
    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }
}
