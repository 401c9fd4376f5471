package io.greetbench.loadgen;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * The {@code --hlog} file: an HdrHistogram interval log, one entry per second of the recorded
 * window, which HdrHistogram's own {@code HistogramLogProcessor} reads. Values are nanoseconds.
 * Each interval has two entries: the corrected histogram without a tag (what
 * {@code HistogramLogProcessor} shows by default) and the raw one tagged {@value #RAW_TAG}
 * ({@code HistogramLogProcessor -tag raw}).
 *
 * <p>Used by the thread that runs {@link LoadGenerator#run} only.
 */
final class IntervalLog implements AutoCloseable {

    static final String RAW_TAG = "raw";

    private final PrintStream out;
    private final HistogramLogWriter writer;

    IntervalLog(Path file, long startEpochMillis, String description) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8);
        this.writer = new HistogramLogWriter(out);
        writer.outputComment("greetbench load: " + description);
        writer.outputComment("values in nanoseconds; untagged = corrected (from intended start), tag=" + RAW_TAG + " = raw (from actual start)");
        writer.outputLogFormatVersion();
        writer.outputStartTime(startEpochMillis);
        writer.setBaseTime(startEpochMillis);
        writer.outputBaseTime(startEpochMillis);
        writer.outputLegend();
    }

    void write(Histogram corrected, Histogram raw) throws IOException {
        corrected.setTag(null);
        writer.outputIntervalHistogram(corrected);
        String tag = raw.getTag();
        raw.setTag(RAW_TAG);
        try {
            writer.outputIntervalHistogram(raw);
        } finally {
            raw.setTag(tag);
        }
        if (out.checkError()) {
            throw new IOException("writing the interval log failed");
        }
    }

    @Override
    public void close() {
        out.close();
    }
}
