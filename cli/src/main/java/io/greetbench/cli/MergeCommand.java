package io.greetbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.greetbench.fleet.FleetMerge;
import io.greetbench.fleet.FleetRun;
import io.greetbench.fleet.ShardReport;
import io.greetbench.harness.BadInputException;
import io.greetbench.harness.ToolFailureException;
import io.greetbench.loadgen.HistogramLogs;
import io.greetbench.loadgen.SummaryJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code greetbench merge FILE...}: combines what several generators wrote, exactly. Shards'
 * {@code load --json} summaries (from {@code --shard} runs, which carry their histograms) merge
 * into one summary with the same fields as {@code load --json}, plus {@code shards},
 * {@code start_skew_ms} and {@code partial}; {@code --hlog} interval logs merge into one log.
 * Files may come in any order and are told apart by their content. Histograms are added count by
 * count; percentiles are never averaged.
 *
 * <p>Threading: runs on the picocli thread.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Merges the results of several generators exactly: shards' JSON summaries (load --shard --json) into one",
            "summary, and --hlog interval logs into one log; the files may come in any order. Given interval logs only, prints",
            "their combined percentiles; the rate is the total count over the union of the logs' time spans."})
final class MergeCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE",
            description = "shard summaries (load --shard ... --json) and interval logs (load --hlog), in any order")
    List<Path> files;

    @Option(names = {"--hlog", "--out"}, paramLabel = "FILE", description = "write the merged histograms as an interval log")
    Path outFile;

    @Option(names = "--json", paramLabel = "FILE", description = "write the merged summary (or, for logs only, the merged percentiles) as JSON")
    Path json;

    @Mixin
    StartTolerance startTolerance;

    @Option(names = "--spectrum", description = "print the full percentile spectrum (interval logs only)")
    boolean spectrum;

    @Override
    public Integer call() {
        List<Path> logs = new ArrayList<>();
        List<ShardReport> summaries = new ArrayList<>();
        int shards = -1;
        for (Path file : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new BadInputException("cannot read " + file + ": " + e.getMessage());
            }
            if (!new String(bytes, 0, Math.min(bytes.length, 64), StandardCharsets.UTF_8).strip().startsWith("{")) {
                logs.add(file);
                continue;
            }
            JsonNode summary;
            try {
                summary = JSON.readTree(bytes);
            } catch (IOException e) {
                throw new BadInputException(file + " is neither a load summary nor an interval log: " + e.getMessage());
            }
            JsonNode shard = summary.path("shard");
            if (!shard.isObject()) {
                throw new BadInputException(file + " is the summary of a run without --shard, which carries no histograms to add;"
                        + " merge its --hlog instead");
            }
            int count = shard.path("count").asInt();
            if (shards >= 0 && count != shards) {
                throw new BadInputException(file + " is a shard of " + count + ", the others of " + shards);
            }
            shards = count;
            int index = shard.path("index").asInt();
            if (summaries.stream().anyMatch(r -> r.index() == index)) {
                throw new BadInputException(file + ": shard " + index + " is given twice");
            }
            summaries.add(new ShardReport(index, file.getFileName().toString(), summary, null, null));
        }
        HistogramLogs.Merged merged = logs.isEmpty() ? null : mergeLogs(logs);
        PrintWriter out = spec.commandLine().getOut();
        try {
            if (outFile != null && merged != null) {
                HistogramLogs.write(outFile, merged);
            }
            if (summaries.isEmpty()) {
                out.print(merged.summary(spectrum));
                out.flush();
                if (json != null) {
                    merged.writeJson(json);
                }
                return ExitCode.OK.code();
            }
            ObjectNode summary = FleetMerge.merge(summaries, shards, startTolerance.value);
            if (json != null) {
                SummaryJson.write(json, summary);
            }
            return FleetReport.print(new FleetRun.Result(summary, json, merged == null ? null : outFile, summaries), out,
                    spec.commandLine().getErr());
        } catch (IOException e) {
            throw new ToolFailureException("cannot write the merged output: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
    }

    private static HistogramLogs.Merged mergeLogs(List<Path> logs) {
        try {
            return HistogramLogs.merge(logs);
        } catch (NoSuchFileException e) {
            throw new BadInputException("cannot read " + e.getFile() + (e.getReason() == null ? "" : ": " + e.getReason()));
        } catch (IOException e) {
            throw new BadInputException(e.getMessage());
        }
    }
}
