package io.greetbench.gate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        Map<String, List<Map<?, ?>>> byRow = new LinkedHashMap<>();
        for (String file : files) {
            Object doc = JmhResults.parseJson(Files.readString(Path.of(file)));
            if (!(doc instanceof Map<?, ?> m) || !(m.get("rows") instanceof List<?> rows)) {
                System.out.println(file + ": not a gate result");
                continue;
            }
            for (Object r : rows) {
                if (r instanceof Map<?, ?> row) {
                    byRow.computeIfAbsent(row.get("subject") + " " + row.get("metric"), k -> new ArrayList<>()).add(row);
                }
            }
        }
        for (Map.Entry<String, List<Map<?, ?>>> e : byRow.entrySet()) {
            System.out.println(summarize(e.getKey(), e.getValue()));
        }
    }

    static String summarize(String name, List<Map<?, ?>> rows) {
        double[] change = new double[rows.size()];
        double[] halfWidth = new double[rows.size()];
        double[] samples = new double[rows.size()];
        Map<String, Integer> verdicts = new TreeMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Map<?, ?> r = rows.get(i);
            double ratio = (Double) r.get("ratio");
            change[i] = ratio - 1;
            halfWidth[i] = ((Double) r.get("ratioHigh") - (Double) r.get("ratioLow")) / 2;
            samples[i] = (Double) r.get("samples");
            verdicts.merge(String.valueOf(r.get("verdict")), 1, Integer::sum);
        }
        double[] sorted = change.clone();
        java.util.Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%s: change median %+.1f%% (runs %+.1f%% .. %+.1f%%), interval ±%.1f%% median, %.0f rounds median; %s",
                name, GateStatistics.median(change) * 100, sorted[0] * 100, sorted[sorted.length - 1] * 100,
                GateStatistics.median(halfWidth) * 100, GateStatistics.median(samples), verdicts);
    }
}
