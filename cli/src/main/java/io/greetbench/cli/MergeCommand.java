package io.greetbench.cli;

import io.greetbench.harness.ToolFailureException;
import io.greetbench.harness.BadInputException;
import io.greetbench.loadgen.HistogramLogs;
import io.greetbench.loadgen.LoadResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import io.greetbench.harness.GreetbenchException;

/**
 * {@code greetbench merge a.hlog b.hlog ...}: combines the {@code --hlog} interval logs of several
 * generators (several processes or machines driving one server) exactly, by adding their
 * histograms count by count; averaging their percentiles would be wrong.
 *
 * <p>Threading: runs on the picocli thread.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Adds the histograms of several --hlog interval logs and prints the combined percentiles.",
            "The rate is the total count over the union of the logs' time spans (generators that ran together overlap)."})
final class MergeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "HLOG", description = "interval logs written by greetbench load --hlog")
    List<Path> files;

    @Option(names = "--out", paramLabel = "FILE", description = "also write the merged histograms as an interval log")
    Path outFile;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the merged percentiles as JSON")
    Path json;

    @Option(names = "--spectrum", description = "print the full percentile spectrum")
    boolean spectrum;

    @Override
    public Integer call() {
        HistogramLogs.Merged merged;
        try {
            merged = HistogramLogs.merge(files);
        } catch (NoSuchFileException e) {
            throw new BadInputException("cannot read " + e.getFile() + (e.getReason() == null ? "" : ": " + e.getReason()));
        } catch (IOException e) {
            throw new BadInputException(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(summary(merged));
        out.flush();
        try {
            if (outFile != null) {
                HistogramLogs.write(outFile, merged);
            }
            if (json != null) {
                Path parent = json.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(json, json(merged), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new ToolFailureException("cannot write the merged output: " + e.getMessage(), e);
        }
        return ExitCode.OK.code();
    }

    private String summary(HistogramLogs.Merged m) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Merged %d logs, %d intervals, %.2fs from first start to last end%n",
                m.files(), m.intervals(), (m.endEpochMillis() - m.startEpochMillis()) / 1e3));
        s.append(String.format(Locale.ROOT, "  %-10s", "Latency"));
        for (double p : LoadResult.PERCENTILES) {
            s.append(String.format(Locale.ROOT, "%10s", p == 100 ? "max" : "p" + label(p)));
        }
        s.append('\n');
        row(s, "corrected", m.corrected());
        if (m.raw().getTotalCount() > 0) {
            row(s, "raw", m.raw());
        }
        if (spectrum) {
            s.append("  Detailed percentile spectrum (corrected; values in microseconds):\n");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
                m.corrected().outputPercentileDistribution(ps, 5, 1_000.0);
            }
            s.append(bytes.toString(StandardCharsets.UTF_8));
        }
        s.append(String.format(Locale.ROOT, "  %d exchanges%n", m.corrected().getTotalCount()));
        s.append(String.format(Locale.ROOT, "Exchanges/sec: %10.2f%n", m.exchangesPerSecond()));
        return s.toString();
    }

    private static void row(StringBuilder s, String name, Histogram h) {
        s.append(String.format(Locale.ROOT, "  %-10s", name));
        for (double p : LoadResult.PERCENTILES) {
            s.append(String.format(Locale.ROOT, "%10s", LoadResult.formatNanos(valueAt(h, p))));
        }
        s.append('\n');
    }

    private static long valueAt(Histogram h, double p) {
        if (h.getTotalCount() == 0) {
            return 0;
        }
        return p >= 100 ? h.getMaxValue() : h.getValueAtPercentile(p);
    }

    private static String label(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }

    private String json(HistogramLogs.Merged m) {
        StringBuilder j = new StringBuilder("{\n");
        j.append("  \"files\": [");
        for (int i = 0; i < files.size(); i++) {
            j.append(i == 0 ? "" : ", ").append(quote(files.get(i).toString()));
        }
        j.append("],\n");
        j.append("  \"intervals\": ").append(m.intervals()).append(",\n");
        j.append(String.format(Locale.ROOT, "  \"span_s\": %.3f,%n", (m.endEpochMillis() - m.startEpochMillis()) / 1e3));
        j.append("  \"exchanges\": ").append(m.corrected().getTotalCount()).append(",\n");
        j.append(String.format(Locale.ROOT, "  \"exchanges_per_second\": %.3f,%n", m.exchangesPerSecond()));
        j.append("  \"latency_unit\": \"us\",\n");
        j.append("  \"corrected\": ").append(percentiles(m.corrected())).append(",\n");
        j.append("  \"raw\": ").append(percentiles(m.raw())).append("\n}\n");
        return j.toString();
    }

    private static String percentiles(Histogram h) {
        StringBuilder p = new StringBuilder("{\"count\": ").append(h.getTotalCount());
        for (double q : LoadResult.PERCENTILES) {
            p.append(", \"").append(q == 100 ? "max" : "p" + label(q)).append("\": ")
                    .append(String.format(Locale.ROOT, "%.3f", valueAt(h, q) / 1e3));
        }
        return p.append('}').toString();
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
