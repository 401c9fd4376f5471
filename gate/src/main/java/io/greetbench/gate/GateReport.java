package io.greetbench.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A gate's result and its three renderings: the table on stdout, the JSON with every per-round
 * value, and the Markdown summary for a pull-request comment or {@code $GITHUB_STEP_SUMMARY}.
 *
 * @param title            what was gated, e.g. "greetbench gate: servers"
 * @param about            provenance and settings, in display order (baseline, candidate, workload…)
 * @param rows             one per subject × metric
 * @param rounds           per-round values of a server gate; empty for JMH files
 * @param unmatched        JMH benchmarks present on one side only (they make the run inconclusive)
 * @param verdict          the verdict of the whole run
 * @param exitCode         what the command exits with
 * @param elapsedSeconds   wall time spent measuring
 * @param budgetExhausted  true when some server stopped undecided because the budget ran out
 */
public record GateReport(String title, Map<String, String> about, List<GateRow> rows, List<GateRounds.RoundRecord> rounds,
                  List<String> unmatched, GateVerdict verdict, int exitCode, double elapsedSeconds,
                  boolean budgetExhausted) {

    public GateReport {
        about = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(about));
        rows = List.copyOf(rows);
        rounds = List.copyOf(rounds);
        unmatched = List.copyOf(unmatched);
    }

    private static final String[] HEADER = {"subject", "metric", "baseline", "candidate", "change [interval]",
        "threshold", "rounds", "verdict"};

    /** The plain-text table: one row per subject × metric, then the overall verdict. */
    public String table() {
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
        b.append(summaryLine()).append('\n');
        return b.toString();
    }

    /** The one-line conclusion. */
    String summaryLine() {
        String why = switch (verdict) {
            case PASS -> "every interval lies within the threshold";
            case REGRESSION -> "at least one interval lies entirely beyond the threshold";
            case INCONCLUSIVE -> budgetExhausted
                    ? "some interval still straddles the threshold when the budget ran out"
                    : "some interval straddles the threshold" + (unmatched.isEmpty() ? "" : " or a benchmark is missing on one side");
        };
        return String.format(Locale.ROOT, "verdict: %s (%s; %.0f s; exit %d)", verdict.label().toUpperCase(Locale.ROOT),
                why, elapsedSeconds, exitCode);
    }

    /** GitHub-flavoured Markdown, fit for a pull-request comment or the job summary. */
    public String markdown() {
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
        b.append(escape(summaryLine())).append("\n\n");
        b.append("<details><summary>How this was measured</summary>\n\n");
        for (Map.Entry<String, String> e : about.entrySet()) {
            b.append("- ").append(escape(e.getKey())).append(": `").append(e.getValue().replace("`", "'")).append("`\n");
        }
        b.append("\nChange = candidate / baseline − 1 as a geometric mean over ")
                .append(rounds.isEmpty() ? "JMH forks (Welch's t on log scores)" : "paired rounds (Student's t on log ratios)")
                .append("; the interval decides: regression when it lies entirely beyond the threshold, pass when entirely within it.\n");
        b.append("\n</details>\n");
        return b.toString();
    }

    /** The JSON document with the settings, every row and every per-round value. */
    public String json() {
        StringBuilder b = new StringBuilder();
        b.append("{\n");
        field(b, 1, "title", title).append(",\n");
        field(b, 1, "verdict", verdict.label()).append(",\n");
        indent(b, 1).append("\"exitCode\": ").append(exitCode).append(",\n");
        indent(b, 1).append("\"elapsedSeconds\": ").append(num(elapsedSeconds)).append(",\n");
        indent(b, 1).append("\"budgetExhausted\": ").append(budgetExhausted).append(",\n");
        indent(b, 1).append("\"about\": {");
        String sep = "\n";
        for (Map.Entry<String, String> e : about.entrySet()) {
            b.append(sep);
            field(b, 2, e.getKey(), e.getValue());
            sep = ",\n";
        }
        b.append('\n');
        indent(b, 1).append("},\n");
        indent(b, 1).append("\"rows\": [");
        sep = "\n";
        for (GateRow r : rows) {
            b.append(sep);
            rowJson(b, r);
            sep = ",\n";
        }
        b.append('\n');
        indent(b, 1).append("],\n");
        indent(b, 1).append("\"rounds\": [");
        sep = "\n";
        for (GateRounds.RoundRecord r : rounds) {
            b.append(sep);
            indent(b, 2).append("{\"server\": ").append(quote(r.server()))
                    .append(", \"round\": ").append(r.round())
                    .append(", \"first\": ").append(quote(r.first().name().toLowerCase(Locale.ROOT)))
                    .append(", \"seconds\": ").append(num(r.took().toNanos() / 1e9))
                    .append(", \"baseline\": ").append(sampleJson(r.baseline()))
                    .append(", \"candidate\": ").append(sampleJson(r.candidate())).append('}');
            sep = ",\n";
        }
        b.append('\n');
        indent(b, 1).append("],\n");
        indent(b, 1).append("\"unmatched\": [");
        sep = "";
        for (String u : unmatched) {
            b.append(sep).append(quote(u));
            sep = ", ";
        }
        b.append("]\n}\n");
        return b.toString();
    }

    private static String sampleJson(GateRounds.Sample s) {
        return "{\"exchangesPerSecond\": " + num(s.exchangesPerSecond())
                + ", \"serverCpuNanosPerExchange\": " + num(s.serverCpuNanosPerExchange()) + "}";
    }

    private static void rowJson(StringBuilder b, GateRow r) {
        GateStatistics.RatioInterval i = r.interval();
        indent(b, 2).append("{\n");
        field(b, 3, "subject", r.subject()).append(",\n");
        field(b, 3, "metric", r.metric()).append(",\n");
        field(b, 3, "unit", r.unit()).append(",\n");
        field(b, 3, "better", r.better().name().toLowerCase(Locale.ROOT)).append(",\n");
        indent(b, 3).append("\"paired\": ").append(r.paired()).append(",\n");
        indent(b, 3).append("\"samples\": ").append(r.samples()).append(",\n");
        indent(b, 3).append("\"baselineMedian\": ").append(num(GateStatistics.median(r.baseline()))).append(",\n");
        indent(b, 3).append("\"candidateMedian\": ").append(num(GateStatistics.median(r.candidate()))).append(",\n");
        indent(b, 3).append("\"ratio\": ").append(num(i.estimate())).append(",\n");
        indent(b, 3).append("\"ratioLow\": ").append(num(i.low())).append(",\n");
        indent(b, 3).append("\"ratioHigh\": ").append(num(i.high())).append(",\n");
        indent(b, 3).append("\"confidence\": ").append(num(i.confidence())).append(",\n");
        indent(b, 3).append("\"threshold\": ").append(num(r.threshold())).append(",\n");
        field(b, 3, "verdict", r.verdict().label()).append(",\n");
        indent(b, 3).append("\"baseline\": ").append(array(r.baseline())).append(",\n");
        indent(b, 3).append("\"candidate\": ").append(array(r.candidate())).append('\n');
        indent(b, 2).append('}');
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

    private static StringBuilder field(StringBuilder b, int level, String name, String value) {
        return indent(b, level).append(quote(name)).append(": ").append(quote(value));
    }

    private static StringBuilder indent(StringBuilder b, int level) {
        return b.append("  ".repeat(level));
    }

    private static String array(double[] values) {
        StringBuilder b = new StringBuilder("[");
        for (int k = 0; k < values.length; k++) {
            b.append(k == 0 ? "" : ", ").append(num(values[k]));
        }
        return b.append(']').toString();
    }

    /** JSON has no NaN or infinity: those become null. */
    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
