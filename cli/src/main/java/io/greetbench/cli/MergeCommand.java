package io.greetbench.cli;

import io.greetbench.harness.BadInputException;
import io.greetbench.harness.ToolFailureException;
import io.greetbench.loadgen.HistogramLogs;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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
        out.print(merged.summary(spectrum));
        out.flush();
        try {
            if (outFile != null) {
                HistogramLogs.write(outFile, merged);
            }
            if (json != null) {
                merged.writeJson(json);
            }
        } catch (IOException e) {
            throw new ToolFailureException("cannot write the merged output: " + e.getMessage(), e);
        }
        return ExitCode.OK.code();
    }
}
