package io.greetbench.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Summarizes the JSON files of a series of gate runs for {@code scripts/calibrate-gate.sh}: per
 * server and metric, the change the runs measured, how wide their intervals were, how many rounds
 * they took and which verdicts they reached. Run as
 * {@code java -cp greetbench.jar io.greetbench.gate.GateCalibrationSummary gate-*.json}.
 */
public final class GateCalibrationSummary {

    private GateCalibrationSummary() {
    }

    public static void main(String[] files) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, List<JsonNode>> byRow = new LinkedHashMap<>();
        for (String file : files) {
            JsonNode rows;
            try {
                rows = json.readTree(Path.of(file).toFile()).path("rows");
            } catch (JsonProcessingException e) {
                System.out.println(file + ": not JSON (" + e.getOriginalMessage() + ")");
                continue;
            }
            if (!rows.isArray()) {
                System.out.println(file + ": not a gate result");
                continue;
            }
            for (JsonNode row : rows) {
                byRow.computeIfAbsent(row.path("subject").asText() + " " + row.path("metric").asText(), k -> new ArrayList<>()).add(row);
            }
        }
        for (Map.Entry<String, List<JsonNode>> e : byRow.entrySet()) {
            System.out.println(summarize(e.getKey(), e.getValue()));
        }
    }

    /** One line for one server and metric over the rows of every run, as {@link GateReport#json} writes them. */
    static String summarize(String name, List<JsonNode> rows) {
        double[] change = new double[rows.size()];
        double[] halfWidth = new double[rows.size()];
        double[] samples = new double[rows.size()];
        Map<String, Integer> verdicts = new TreeMap<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = rows.get(i);
            change[i] = r.path("ratio").asDouble(Double.NaN) - 1;
            halfWidth[i] = (r.path("ratioHigh").asDouble(Double.NaN) - r.path("ratioLow").asDouble(Double.NaN)) / 2;
            samples[i] = r.path("samples").asDouble(Double.NaN);
            verdicts.merge(r.path("verdict").asText(), 1, Integer::sum);
        }
        double[] sorted = change.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%s: change median %+.1f%% (runs %+.1f%% .. %+.1f%%), interval ±%.1f%% median, %.0f rounds median; %s",
                name, GateStatistics.median(change) * 100, sorted[0] * 100, sorted[sorted.length - 1] * 100,
                GateStatistics.median(halfWidth) * 100, GateStatistics.median(samples), verdicts);
    }
}
