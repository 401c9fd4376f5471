package io.greetbench.loadgen;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
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
     * @param files     how many files were read
     * @param intervals how many interval entries were read, both tags
     * @param startEpochMillis the earliest interval start, in epoch milliseconds
     * @param endEpochMillis   the latest interval end, in epoch milliseconds
     */
    public record Merged(Histogram corrected, Histogram raw, int files, long intervals,
                         long startEpochMillis, long endEpochMillis) {

        /** Exchanges per second over the union of the logs' spans (concurrent generators overlap). */
        public double exchangesPerSecond() {
            long ms = endEpochMillis - startEpochMillis;
            return ms <= 0 ? 0 : corrected.getTotalCount() * 1000.0 / ms;
        }
    }

    /**
     * Writes {@code merged} as an interval log of one interval spanning all inputs: the corrected
     * histogram untagged, the raw one tagged {@code raw}, as {@code --hlog} writes them.
     */
    public static void write(Path file, Merged merged) throws IOException {
        try (IntervalLog log = new IntervalLog(file, merged.startEpochMillis(), "merge of " + merged.files() + " logs")) {
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
        return new Merged(corrected, raw, files.size(), intervals,
                start == Long.MAX_VALUE ? 0 : start, end == Long.MIN_VALUE ? 0 : end);
    }
}
