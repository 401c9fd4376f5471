package io.greetbench.compare;

import io.greetbench.harness.CpuPlacement;
import io.greetbench.harness.HostStalls;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a reader must know before trusting a compare run's numbers, gathered while it runs. Noisy
 * points and invalid runs are summarised as one warning per kind rather than one per run, so that
 * a noisy machine yields a readable paragraph, with the busy-machine warning first since it
 * explains the others.
 *
 * <p>Threading: confined to the thread that runs the comparison.
 */
final class RunWarnings {

    private final List<String> warnings = new ArrayList<>();
    /** Points whose repeats spread beyond the threshold. */
    private final List<String> noisy = new ArrayList<>();
    /** Runs the generator marked invalid, and the first one's reason. */
    private final List<String> invalid = new ArrayList<>();
    private String invalidExample;

    /** A warning of its own, in the order it happened. */
    void add(String warning) {
        warnings.add(warning);
    }

    /** A point whose repeats spread beyond the noise threshold. */
    void noisy(String point) {
        noisy.add(point);
    }

    /** A run the generator marked invalid. */
    void invalid(String run, String reason) {
        invalid.add(run);
        if (invalidExample == null) {
            invalidExample = run + ": " + reason;
        }
    }

    /** Every warning, the summaries first: the load average at the start and end tells whether the machine was busy. */
    List<String> summarize(double noiseThreshold, String loadAtStart, String loadAtEnd, HostStalls stalls) {
        List<String> all = new ArrayList<>();
        double load = Math.max(HostProbes.oneMinuteLoad(loadAtStart), HostProbes.oneMinuteLoad(loadAtEnd));
        int cpus = CpuPlacement.allowedAtStart().size();
        if (load > cpus) {
            all.add(String.format(Locale.ROOT, "The machine was busy: load average %.1f on %d CPUs (at the start: %s; at the end: %s). "
                    + "Other processes competed with the servers and the generator, so the figures are lower and noisier than this "
                    + "machine can do; compare ratios within this run, not absolute numbers.", load, cpus,
                    loadAtStart.split(" ")[0], loadAtEnd.split(" ")[0]));
        }
        if (stalls.p99AtRisk()) {
            all.add("The machine stalls: a thread spinning on the generator's CPUs before the run met " + stalls.describe()
                    + ". The open-loop p99 columns carry those stalls; read them as this machine's, and the peaks and CPU per "
                    + "exchange as the servers'.");
        }
        if (!noisy.isEmpty()) {
            all.add("Noisy: the repeats spread more than " + CompareTable.percent(noiseThreshold)
                    + " at " + String.join(", ", noisy) + ". Rerun on a quieter machine or with more --repeats.");
        }
        if (!invalid.isEmpty()) {
            all.add("Invalid runs (" + invalid.size() + "): " + String.join(", ", invalid) + ". For example, " + invalidExample);
        }
        all.addAll(warnings);
        return List.copyOf(all);
    }
}
