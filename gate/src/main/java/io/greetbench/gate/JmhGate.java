package io.greetbench.gate;

import io.greetbench.harness.BadInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gates two JMH JSON result files ({@code -rf json}): one row per benchmark present in both, its
 * per-fork scores compared unpaired (the two files' forks ran at different times) with Welch's t
 * on the logs ({@link GateStatistics#unpairedRatio}). A benchmark present in one file only makes
 * the run inconclusive: a gate must not pass what it did not compare.
 *
 * <p>Stateless; runs on the calling thread.
 */
public final class JmhGate {

    private static final String BASELINE_OPTION = "--jmh-baseline";
    private static final String CANDIDATE_OPTION = "--jmh-candidate";

    private JmhGate() {
    }

    /**
     * @param threshold  the verdict line as a fraction
     * @param confidence the two-sided confidence level of the intervals
     * @throws BadInputException naming the option when a fraction is not in (0, 1), a file is
     *                           unreadable or not JMH's, a side has fewer than 2 forks of a
     *                           benchmark, units differ, or the files share no benchmark
     */
    public static GateReport gate(Path baselineFile, Path candidateFile, double threshold, double confidence) {
        GateSettings.requireFraction("--threshold", threshold);
        GateSettings.requireFraction("--confidence", confidence);
        Map<String, JmhResults.Benchmark> base = JmhResults.read(baselineFile, BASELINE_OPTION);
        Map<String, JmhResults.Benchmark> cand = JmhResults.read(candidateFile, CANDIDATE_OPTION);
        List<GateRow> rows = new ArrayList<>();
        List<String> unmatched = new ArrayList<>();
        for (JmhResults.Benchmark b : base.values()) {
            JmhResults.Benchmark c = cand.get(b.key());
            if (c == null) {
                unmatched.add(b.key() + " (baseline only)");
                continue;
            }
            requireForks(BASELINE_OPTION, b);
            requireForks(CANDIDATE_OPTION, c);
            if (!b.unit().equals(c.unit())) {
                throw new BadInputException(b.key() + " is in " + b.unit() + " in " + BASELINE_OPTION + " but in " + c.unit()
                        + " in " + CANDIDATE_OPTION);
            }
            try {
                rows.add(GateRow.of(b.key(), "score", b.unit(), b.better(), false, b.forkScores(), c.forkScores(),
                        threshold, confidence));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(b.key() + ": " + e.getMessage(), e);
            }
        }
        for (JmhResults.Benchmark c : cand.values()) {
            if (!base.containsKey(c.key())) {
                unmatched.add(c.key() + " (candidate only)");
            }
        }
        if (rows.isEmpty()) {
            throw new BadInputException(BASELINE_OPTION + " and " + CANDIDATE_OPTION + " have no benchmark in common");
        }
        List<GateVerdict> verdicts = new ArrayList<>(rows.stream().map(GateRow::verdict).toList());
        if (!unmatched.isEmpty()) {
            verdicts.add(GateVerdict.INCONCLUSIVE);
        }
        Map<String, String> about = new LinkedHashMap<>();
        about.put("baseline", baselineFile.toString());
        about.put("candidate", candidateFile.toString());
        about.put("threshold", GateSettings.percent(threshold));
        about.put("confidence", GateSettings.percent(confidence));
        return new GateReport("greetbench gate (JMH)", about, rows, List.of(), unmatched, GateVerdict.combine(verdicts), 0, false, "", List.of());
    }

    private static void requireForks(String option, JmhResults.Benchmark b) {
        if (b.forkScores().length < 2) {
            throw new BadInputException(option + ": " + b.key() + " has " + b.forkScores().length
                    + " fork; the gate compares forks and needs at least 2 per side (run JMH with -f 3 or more)");
        }
    }
}
