package io.greetbench.loadgen;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;

/**
 * Reads and merges {@code --hlog} interval logs, from one generator or several. Merging adds the
 * histograms, count by count, which is exact; averaging percentiles from several generators
 * would not be.
 *
 * <p>Stateless; thread-safe.
 */
public final class HistogramLogs {

    private HistogramLogs() {
    }

    /**
     * The sum of logs.
     *
     * @param corrected every untagged interval of every file, added
     * @param raw       every interval tagged {@code raw}, added
     * @param files     the files read, in the order given
     * @param intervals how many interval entries were read, both tags
     * @param startEpochMillis the earliest interval start, in epoch milliseconds
     * @param endEpochMillis   the latest interval end, in epoch milliseconds
     */
    public record Merged(Histogram corrected, Histogram raw, List<Path> files, long intervals,
                         long startEpochMillis, long endEpochMillis) {

        public Merged {
            files = List.copyOf(files);
        }

        /**
         * Completed exchanges: the raw histogram's count, since an open loop's corrected one also
         * holds its unfinished exchanges' lower bounds; the corrected count for logs without raw.
         */
        public long exchanges() {
            return raw.getTotalCount() > 0 ? raw.getTotalCount() : corrected.getTotalCount();
        }

        /** Exchanges per second over the union of the logs' spans (concurrent generators overlap). */
        public double exchangesPerSecond() {
            long ms = endEpochMillis - startEpochMillis;
            return ms <= 0 ? 0 : exchanges() * 1000.0 / ms;
        }

        /** From the first interval's start to the last one's end, in seconds. */
        public double spanSeconds() {
            return (endEpochMillis - startEpochMillis) / 1e3;
        }

        /** The report of {@code greetbench merge}: the combined percentiles and rate, as {@code load} prints them. */
        public String summary(boolean fullSpectrum) {
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "Merged %d logs, %d intervals, %.2fs from first start to last end%n",
                    files.size(), intervals, spanSeconds()));
            Percentiles.appendHeading(s);
            Percentiles.appendRow(s, "corrected", corrected);
            if (raw.getTotalCount() > 0) {
                Percentiles.appendRow(s, "raw", raw);
            }
            if (fullSpectrum) {
                Percentiles.appendSpectrum(s, "corrected", corrected);
            }
            s.append(String.format(Locale.ROOT, "  %d exchanges%n", exchanges()));
            s.append(String.format(Locale.ROOT, "Exchanges/sec: %10.2f%n", exchangesPerSecond()));
            return s.toString();
        }

        /**
         * Writes the merged percentiles as JSON to {@code file}, creating its directory:
         * latencies in microseconds, with the keys of {@code load --json}.
         */
        public void writeJson(Path file) throws IOException {
            ObjectNode j = SummaryJson.object();
            ArrayNode names = j.putArray("files");
            files.forEach(f -> names.add(f.toString()));
            j.put("intervals", intervals);
            j.set("span_s", SummaryJson.decimal(spanSeconds()));
            j.put("exchanges", exchanges());
            j.set("exchanges_per_second", SummaryJson.decimal(exchangesPerSecond()));
            j.put("latency_unit", "us");
            j.set("corrected", Percentiles.json(corrected));
            j.set("raw", Percentiles.json(raw));
            SummaryJson.write(file, j);
        }
    }

    /**
     * Writes {@code merged} as an interval log of one interval spanning all inputs: the corrected
     * histogram untagged, the raw one tagged {@code raw}, as {@code --hlog} writes them.
     */
    public static void write(Path file, Merged merged) throws IOException {
        try (IntervalLog log = new IntervalLog(file, merged.startEpochMillis(), "merge of " + merged.files().size() + " logs")) {
            Histogram corrected = merged.corrected().copy();
            Histogram raw = merged.raw().copy();
            for (Histogram h : new Histogram[] {corrected, raw}) {
                h.setStartTimeStamp(merged.startEpochMillis());
                h.setEndTimeStamp(merged.endEpochMillis());
            }
            log.write(corrected, raw);
        }
    }

    /**
     * Reads every file and adds their intervals.
     *
     * @throws IOException when a file cannot be read or holds no histogram at all
     */
    public static Merged merge(List<Path> files) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no file to merge");
        }
        Histogram corrected = new Histogram(3);
        Histogram raw = new Histogram(3);
        long intervals = 0;
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        for (Path file : files) {
            if (!Files.isReadable(file)) {
                throw new NoSuchFileException(file.toString(), null, "cannot read it");
            }
            long before = intervals;
            HistogramLogReader reader;
            try {
                reader = new HistogramLogReader(file.toFile());
            } catch (FileNotFoundException e) {
                throw new NoSuchFileException(file.toString());
            }
            try {
                for (EncodableHistogram h; (h = reader.nextIntervalHistogram()) != null; ) {
                    if (!(h instanceof Histogram histogram)) {
                        throw new IOException(file + ": holds a floating-point histogram, which greetbench does not write");
                    }
                    intervals++;
                    String tag = histogram.getTag();
                    if (tag == null) {
                        corrected.add(histogram);
                    } else if (tag.equals(IntervalLog.RAW_TAG)) {
                        raw.add(histogram);
                    } else {
                        continue;
                    }
                    start = Math.min(start, histogram.getStartTimeStamp());
                    end = Math.max(end, histogram.getEndTimeStamp());
                }
            } catch (RuntimeException e) {
                // HistogramLogReader reports a malformed line with an unchecked exception.
                throw new IOException(file + ": not an HdrHistogram interval log (" + e + ")", e);
            } finally {
                reader.close();
            }
            if (intervals == before) {
                throw new IOException(file + ": holds no histogram");
            }
        }
        return new Merged(corrected, raw, files, intervals,
                start == Long.MAX_VALUE ? 0 : start, end == Long.MIN_VALUE ? 0 : end);
    }
}
