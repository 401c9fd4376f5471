package io.greetbench.gate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A gate's result and its three renderings: the table on stdout, the JSON with every per-round
 * value, and the Markdown summary for a pull-request comment or {@code $GITHUB_STEP_SUMMARY}. Each
 * rendering ends with the exit code the caller chose for the verdict (the command line decides
 * it, from the verdict and {@code --inconclusive}).
 *
 * @param title            what was gated, e.g. "greetbench gate: servers"
 * @param about            provenance and settings, in display order (baseline, candidate, workload…)
 * @param rows             one per subject × metric
 * @param rounds           per-round values of a server gate; empty for JMH files
 * @param unmatched        JMH benchmarks present on one side only (they make the run inconclusive)
 * @param verdict          the verdict of the whole run
 * @param elapsedSeconds   wall time spent measuring
 * @param budgetExhausted  true when some server stopped undecided because the budget ran out
 * @param familyWise       how the verdicts were corrected for the number of rows and looks, one
 *                         line; empty when the rows were decided one by one (JMH files)
 * @param capacities       the baseline's capacity per server behind {@code open:<percent>%cap}
 *                         workloads, in the order of the servers; empty without one
 */
public record GateReport(String title, Map<String, String> about, List<GateRow> rows, List<GateRounds.RoundRecord> rounds,
                         List<String> unmatched, GateVerdict verdict, double elapsedSeconds,
                         boolean budgetExhausted, String familyWise, List<GateCapacity> capacities) {

    public GateReport {
        about = Collections.unmodifiableMap(new LinkedHashMap<>(about));
        capacities = List.copyOf(capacities);
        rows = List.copyOf(rows);
        rounds = List.copyOf(rounds);
        unmatched = List.copyOf(unmatched);
        familyWise = familyWise == null ? "" : familyWise;
    }

    private static final String[] HEADER = {"subject", "metric", "baseline", "candidate", "change [interval]",
        "threshold", "rounds", "verdict"};

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** The plain-text table: one row per subject × metric, then the overall verdict. */
    public String table(int exitCode) {
        List<String[]> cells = new ArrayList<>();
        cells.add(HEADER);
        for (GateRow r : rows) {
            cells.add(cells(r));
        }
        int[] width = new int[HEADER.length];
        for (String[] row : cells) {
            for (int c = 0; c < row.length; c++) {
                width[c] = Math.max(width[c], row[c].codePointCount(0, row[c].length()));
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] row : cells) {
            for (int c = 0; c < row.length; c++) {
                b.append(row[c]);
                if (c < row.length - 1) {
                    b.append(" ".repeat(width[c] - row[c].codePointCount(0, row[c].length()) + 2));
                }
            }
            b.append('\n');
        }
        for (String u : unmatched) {
            b.append("only on one side (inconclusive): ").append(u).append('\n');
        }
        if (!familyWise.isEmpty()) {
            b.append("family-wise ").append(familyWise).append('\n');
        }
        b.append(summaryLine(exitCode)).append('\n');
        return b.toString();
    }

    /** The one-line conclusion. */
    String summaryLine(int exitCode) {
        String why = switch (verdict) {
            case PASS -> "every interval lies within the threshold";
            case REGRESSION -> familyWise.isEmpty() ? "at least one interval lies entirely beyond the threshold"
                    : "at least one row lies beyond the threshold, family-wise";
            case INCONCLUSIVE -> budgetExhausted
                    ? "some interval still straddles the threshold when the budget ran out"
                    : "some interval straddles the threshold" + (unmatched.isEmpty() ? "" : " or a benchmark is missing on one side");
        };
        return String.format(Locale.ROOT, "verdict: %s (%s; %.0f s; exit %d)", verdict.label().toUpperCase(Locale.ROOT),
                why, elapsedSeconds, exitCode);
    }

    /** GitHub-flavoured Markdown, fit for a pull-request comment or the job summary. */
    public String markdown(int exitCode) {
        StringBuilder b = new StringBuilder();
        String icon = switch (verdict) {
            case PASS -> "✅";
            case REGRESSION -> "❌";
            case INCONCLUSIVE -> "⚠️";
        };
        b.append("### ").append(icon).append(' ').append(escape(title)).append(": ")
                .append(verdict.label()).append("\n\n");
        b.append('|');
        for (String h : HEADER) {
            b.append(' ').append(h).append(" |");
        }
        b.append("\n|");
        for (int c = 0; c < HEADER.length; c++) {
            b.append(c >= 2 && c <= 6 ? " ---: |" : " --- |");
        }
        b.append('\n');
        for (GateRow r : rows) {
            String[] cells = cells(r);
            b.append('|');
            for (int c = 0; c < cells.length; c++) {
                String cell = escape(cells[c]);
                if (c == cells.length - 1 && r.verdict() != GateVerdict.PASS) {
                    cell = "**" + cell + "**";
                }
                b.append(' ').append(cell).append(" |");
            }
            b.append('\n');
        }
        b.append('\n');
        for (String u : unmatched) {
            b.append("- only on one side (inconclusive): `").append(u).append("`\n");
        }
        if (!familyWise.isEmpty()) {
            b.append("Family-wise ").append(escape(familyWise)).append(".\n\n");
        }
        b.append(escape(summaryLine(exitCode))).append("\n\n");
        b.append("<details><summary>How this was measured</summary>\n\n");
        for (Map.Entry<String, String> e : about.entrySet()) {
            b.append("- ").append(escape(e.getKey())).append(": `").append(e.getValue().replace("`", "'")).append("`\n");
        }
        b.append("\nChange = candidate / baseline − 1 as a geometric mean over ")
                .append(rounds.isEmpty() ? "JMH forks (Welch's t on log scores)" : "paired rounds (Student's t on log ratios)")
                .append(familyWise.isEmpty()
                        ? "; the interval decides: regression when it lies entirely beyond the threshold, pass when entirely within it.\n"
                        : "; pass when the interval lies entirely within the threshold, regression when Holm's procedure over "
                                + "all rows rejects the row (its one-sided p-value, `regressionP` in the JSON, corrected for the looks).\n");
        b.append("\n</details>\n");
        return b.toString();
    }

    /**
     * The JSON document with the settings, every row and every per-round value. Field names are
     * what scripts read (docs/gate.md); a value that is not a finite number is {@code null}.
     */
    public String json(int exitCode) {
        List<JsonRound> roundValues = rounds.stream().flatMap(r -> r.workloads().stream().map(w -> new JsonRound(r.server(),
                w.workload(), r.round(), r.first().name().toLowerCase(Locale.ROOT), finite(r.took().toNanos() / 1e9),
                JsonSample.of(w.baseline()), JsonSample.of(w.candidate())))).toList();
        Map<String, ObjectNode> capacity = new LinkedHashMap<>();
        capacities.forEach(c -> capacity.put(c.server(), c.json()));
        JsonReport doc = new JsonReport(title, verdict.label(), exitCode, finite(elapsedSeconds), budgetExhausted,
                familyWise.isEmpty() ? null : familyWise, about, capacity, rows.stream().map(JsonRow::of).toList(), roundValues,
                unmatched);
        try {
            return JSON.writeValueAsString(doc) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a gate report as JSON", e);
        }
    }

    /**
     * The JSON document's shape, in the order its fields are written; {@code capacity} (per server,
     * {@link GateCapacity#json}) only when some workload is a share of the capacity.
     */
    private record JsonReport(String title, String verdict, int exitCode, Double elapsedSeconds, boolean budgetExhausted,
                      String familyWise, Map<String, String> about, @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, ObjectNode> capacity,
                      List<JsonRow> rows, List<JsonRound> rounds, List<String> unmatched) {
    }

    private record JsonRow(String subject, String metric, String unit, String better, boolean paired, int samples,
                   Double baselineMedian, Double candidateMedian, Double ratio, Double ratioLow, Double ratioHigh,
                   Double confidence, Double threshold, String verdict, Double regressionP, List<Double> baseline,
                   List<Double> candidate) {

        static JsonRow of(GateRow r) {
            GateStatistics.RatioInterval i = r.interval();
            return new JsonRow(r.subject(), r.metric(), r.unit(), r.better().name().toLowerCase(Locale.ROOT), r.paired(),
                    r.samples(), finite(GateStatistics.median(r.baseline())), finite(GateStatistics.median(r.candidate())),
                    finite(i.estimate()), finite(i.low()), finite(i.high()), finite(i.confidence()), finite(r.threshold()),
                    r.verdict().label(), finite(r.regressionP()), finite(r.baseline()), finite(r.candidate()));
        }
    }

    /** One workload of one server's round; a round of several workloads is several of these. */
    private record JsonRound(String server, String workload, int round, String first, Double seconds, JsonSample baseline,
                             JsonSample candidate) {
    }

    /** {@code correctedP99Nanos} is null for a closed loop, which is not gated on latency. */
    private record JsonSample(Double exchangesPerSecond, Double serverCpuNanosPerExchange, Double correctedP99Nanos) {

        static JsonSample of(GateRounds.Sample s) {
            return new JsonSample(finite(s.exchangesPerSecond()), finite(s.serverCpuNanosPerExchange()),
                    finite(s.correctedP99Nanos()));
        }
    }

    /** JSON has no NaN or infinity: those become null. */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static List<Double> finite(double[] values) {
        return Arrays.stream(values).mapToObj(GateReport::finite).toList();
    }

    private static String[] cells(GateRow r) {
        GateStatistics.RatioInterval i = r.interval();
        String sign = r.better() == GateVerdict.Better.HIGHER ? "-" : "+";
        return new String[] {
            r.subject(),
            r.metric(),
            value(GateStatistics.median(r.baseline()), r.unit()),
            value(GateStatistics.median(r.candidate()), r.unit()),
            String.format(Locale.ROOT, "%s [%s, %s]", percent(i.change()), percent(i.changeLow()), percent(i.changeHigh())),
            sign + String.format(Locale.ROOT, "%.0f%%", r.threshold() * 100),
            Integer.toString(r.samples()) + (r.paired() ? "" : " forks"),
            r.verdict().label(),
        };
    }

    private static String value(double v, String unit) {
        String n;
        double a = Math.abs(v);
        if (a >= 100) {
            n = String.format(Locale.ROOT, "%,.0f", v);
        } else if (a >= 1) {
            n = String.format(Locale.ROOT, "%.2f", v);
        } else {
            n = String.format(Locale.ROOT, "%.4g", v);
        }
        return n + " " + unit;
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%+.1f%%", fraction * 100);
    }

    private static String escape(String markdown) {
        return markdown.replace("|", "\\|").replace("<", "&lt;");
    }
}
