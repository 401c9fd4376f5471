package io.greetbench.compare;

import io.greetbench.capacity.CapacityResult;
import io.greetbench.compare.CompareResults.ClosedLoopPoint;
import io.greetbench.compare.CompareResults.HeldResult;
import io.greetbench.compare.CompareResults.OpenLoopPoint;
import io.greetbench.compare.CompareResults.ServerResult;
import io.greetbench.harness.BoundBy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The summary table of a compare run, as rows of cells: printed as text on stdout and as HTML in
 * the report, so both show the same figures. Also the unit formatting both use. Stateless.
 */
public final class CompareTable {

    private CompareTable() {
    }

    /** The header row; the open-loop columns follow the fractions that were run. */
    static List<String> header(CompareResults results) {
        List<String> h = new ArrayList<>(List.of("server", "exch/s (peak)", "at c", "bound by", "p50", "p99", "capacity @" + sloText(results)));
        for (double fraction : fractions(results)) {
            h.add("p99 @" + percent(fraction) + " cap. corr.");
        }
        h.addAll(List.of("CPU ms/1k exch", "RSS idle", "RSS/held conn", "held", "GC ms", "errors"));
        return h;
    }

    static List<List<String>> rows(CompareResults results) {
        List<List<String>> rows = new ArrayList<>();
        List<Double> fractions = fractions(results);
        for (ServerResult s : results.servers()) {
            List<String> row = new ArrayList<>();
            row.add(results.label(s));
            if (s.failure() != null && s.closedLoop().isEmpty()) {
                row.add("failed: " + s.failure());
                rows.add(row);
                continue;
            }
            Optional<ClosedLoopPoint> peak = s.peak();
            row.add(peak.map(p -> (p.lowerBound() ? "≥ " : "") + rate(p.medianRate()) + (p.spread() > 0 ? " ±" + percent(p.spread() / 2) : ""))
                    .orElse("-"));
            row.add(peak.map(p -> Integer.toString(p.connections())).orElse("-"));
            row.add(peak.map(p -> p.bound().boundBy().toString()).orElse("-"));
            row.add(peak.map(p -> micros(p.latency().p50())).orElse("-"));
            row.add(peak.map(p -> micros(p.latency().p99())).orElse("-"));
            row.add(capacity(s.capacity()));
            for (double fraction : fractions) {
                row.add(s.openLoop().stream().filter(o -> o.fractionOfCapacity() == fraction).findFirst()
                        .map(o -> micros(o.corrected().p99()) + (o.overloaded() ? " (overl.)" : "")
                                + (o.bound().boundBy() == BoundBy.GENERATOR ? " (gen.)" : "")
                                + (o.invalidReason() == null ? "" : " (invalid)")).orElse("-"));
            }
            row.add(peak.map(p -> decimal(p.serverCpuMillisPerThousand())).orElse("-"));
            row.add(s.idleRssBytes() > 0 ? bytes(s.idleRssBytes()) : "-");
            HeldResult held = s.held();
            row.add(held == null ? "-" : bytes(held.rssPerConnectionBytes()));
            row.add(held == null ? "-" : held.peakOpen() + "/" + held.requested());
            row.add(s.gcMillis() < 0 ? "n/a" : Long.toString(s.gcMillis()));
            row.add(Long.toString(s.totalErrors()));
            rows.add(row);
        }
        return rows;
    }

    /**
     * The capacity cell: the rate; {@code ≥ rate} when the search could only bound it from below;
     * {@code 0 (see below)} when the first step failed and {@code unknown} when the generator was the
     * bound before any step passed (both explained in a {@link #notes note}); {@code -} when the
     * search did not run.
     */
    static String capacity(CapacityResult c) {
        if (c == null) {
            return "-";
        }
        if (c.rate() == 0) {
            return c.lowerBound() ? "unknown" : "0 (see below)";
        }
        return (c.lowerBound() ? "≥ " : "") + rate(c.rate());
    }

    /** {@code p99≤5ms}: the SLO the capacities were searched at, from the run's settings. */
    static String sloText(CompareResults results) {
        return results.servers().stream().map(ServerResult::capacity).filter(c -> c != null).findFirst().map(c -> c.slo().toString())
                .orElse(String.valueOf(results.provenance().settings().getOrDefault("capacity_slo", "SLO"))).replace("=", "≤");
    }

    /**
     * What a reader needs under the table: the server's CPU budget as applied (or why there was
     * none), what {@code ≥}, {@code (gen.)} and {@code (overl.)} mean when they appear, and why a
     * capacity is 0 or unknown.
     */
    static List<String> notes(CompareResults results) {
        List<String> notes = new ArrayList<>();
        notes.add("server CPU: " + results.provenance().placement() + "; " + results.provenance().cpuBudget());
        boolean lowerBounds = results.servers().stream().flatMap(s -> s.peak().stream()).anyMatch(ClosedLoopPoint::lowerBound);
        boolean genOpen = results.servers().stream().flatMap(s -> s.openLoop().stream())
                .anyMatch(o -> o.bound().boundBy() == BoundBy.GENERATOR);
        if (lowerBounds) {
            notes.add("≥: the load generator, not the server, was the limit (it used its CPUs while the server had room): "
                    + "the server can do at least this much");
        }
        if (genOpen) {
            notes.add("(gen.): the generator was the limit at that open-loop point, so its latency may be the generator's");
        }
        boolean overloaded = results.servers().stream().flatMap(s -> s.openLoop().stream()).anyMatch(OpenLoopPoint::overloaded);
        if (overloaded) {
            notes.add("(overl.): the server did not keep up with that open-loop rate; a valid result, its latency holds the queue "
                    + "(exchanges unfinished at the end count at a lower bound)");
        }
        boolean capacityLowerBound = results.servers().stream().anyMatch(s -> s.capacity() != null && s.capacity().lowerBound()
                && s.capacity().rate() > 0);
        if (capacityLowerBound) {
            notes.add("capacity ≥: the search could only bound it from below (the generator was the limit, or no step failed)");
        }
        for (ServerResult s : results.servers()) {
            CapacityResult c = s.capacity();
            if (c != null && c.rate() == 0) {
                notes.add("capacity " + (c.lowerBound() ? "unknown" : "0") + " for " + results.label(s) + ": " + c.reason()
                        + "; its open-loop points are fractions of " + (s.rateBasis() != null && s.rateBasis().rate() > 0
                                ? "the rate its warm-up reached" : "nothing, and were skipped"));
            }
        }
        return notes;
    }

    static List<Double> fractions(CompareResults results) {
        return results.servers().stream().flatMap(s -> s.openLoop().stream()).map(OpenLoopPoint::fractionOfCapacity)
                .distinct().sorted().toList();
    }

    /** The table as aligned text: first column left-aligned, the figures right-aligned; then its {@link #notes}. */
    public static String text(CompareResults results) {
        List<String> header = header(results);
        List<List<String>> rows = rows(results);
        int[] width = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            width[i] = header.get(i).length();
        }
        for (List<String> row : rows) {
            for (int i = 0; i < row.size() && i < width.length; i++) {
                // A failure message spans the row; it does not widen the column.
                if (row.size() == header.size()) {
                    width[i] = Math.max(width[i], row.get(i).length());
                }
            }
        }
        StringBuilder out = new StringBuilder();
        appendRow(out, header, width);
        StringBuilder rule = new StringBuilder();
        for (int w : width) {
            rule.append("-".repeat(w)).append("  ");
        }
        out.append(rule.toString().stripTrailing()).append('\n');
        for (List<String> row : rows) {
            if (row.size() == header.size()) {
                appendRow(out, row, width);
            } else {
                out.append(String.format(Locale.ROOT, "%-" + width[0] + "s  %s%n", row.get(0), String.join(" ", row.subList(1, row.size()))));
            }
        }
        for (String note : notes(results)) {
            out.append(note).append('\n');
        }
        return out.toString();
    }

    private static void appendRow(StringBuilder out, List<String> cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String format = i == 0 ? "%-" + width[i] + "s" : "%" + width[i] + "s";
            line.append(String.format(Locale.ROOT, format, cells.get(i))).append("  ");
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    /** A duration in whole seconds: {@code 2m10s}, {@code 45s}. */
    public static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? s / 60 + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
    }

    /** {@code 12,345}. */
    public static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    /** {@code 85%}, {@code 2.5%}. */
    public static String percent(double fraction) {
        double p = fraction * 100;
        return (p >= 10 || p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f", p) : String.format(Locale.ROOT, "%.1f", p)) + "%";
    }

    /** A latency given in microseconds: {@code 812µs}, {@code 1.53ms}, {@code 2.01s}. */
    static String micros(double micros) {
        if (Double.isNaN(micros)) {
            return "-";
        }
        if (micros < 1_000) {
            return String.format(Locale.ROOT, "%.0fµs", micros);
        }
        if (micros < 1_000_000) {
            return String.format(Locale.ROOT, micros < 10_000 ? "%.2fms" : "%.1fms", micros / 1e3);
        }
        return String.format(Locale.ROOT, "%.2fs", micros / 1e6);
    }

    /** {@code 3.1KiB}, {@code 45.2MiB}; negative deltas are shown as they are. */
    static String bytes(double bytes) {
        if (Double.isNaN(bytes)) {
            return "-";
        }
        double abs = Math.abs(bytes);
        if (abs < 1024) {
            return String.format(Locale.ROOT, "%.0fB", bytes);
        }
        if (abs < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1fKiB", bytes / 1024);
        }
        if (abs < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1fMiB", bytes / (1024 * 1024));
        }
        return String.format(Locale.ROOT, "%.2fGiB", bytes / (1024.0 * 1024 * 1024));
    }

    static String decimal(double v) {
        if (Double.isNaN(v) || v < 0) {
            return "-";
        }
        return String.format(Locale.ROOT, v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%.0f", v);
    }
}
