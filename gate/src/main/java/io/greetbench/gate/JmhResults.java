package io.greetbench.gate;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.greetbench.harness.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a JMH JSON result file ({@code -rf json}) into per-fork scores, which is what the gate
 * compares: each fork is an independent JVM, so forks are the independent samples, while the
 * iterations inside one fork share its JIT decisions and heap layout and are not. JMH's own
 * {@code scoreError} pools all iterations of all forks as if they were independent, which makes
 * it too narrow when forks differ; the gate does not use it.
 *
 * <p>Per-fork score = the mean of that fork's measurement iterations ({@code rawData}), or for
 * sample-time mode the count-weighted mean of its histogram ({@code rawDataHistogram}).
 *
 * <p>Stateless. JMH's files are plain JSON apart from the bare {@code NaN} it writes for missing
 * errors, which the reader accepts; anything else that is not strict JSON is refused.
 */
public final class JmhResults {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * One benchmark of one file.
     *
     * @param key        benchmark name, mode and parameters: what must match between the two files
     * @param mode       JMH's mode: thrpt, avgt, sample, ss
     * @param unit       the score unit, e.g. ops/s or us/op
     * @param forkScores one score per fork
     */
    public record Benchmark(String key, String mode, String unit, double[] forkScores) {

        public GateVerdict.Better better() {
            return mode.equals("thrpt") ? GateVerdict.Better.HIGHER : GateVerdict.Better.LOWER;
        }
    }

    private JmhResults() {
    }

    /** Reads a file; a missing or malformed file is a usage error naming {@code option}. */
    public static Map<String, Benchmark> read(Path file, String option) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new BadInputException(option + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(option + ": " + file + " is not a JMH JSON result file: " + e.getMessage(), e);
        }
    }

    /** Parses the text of a JMH JSON result file; benchmarks keep the file's order. */
    static Map<String, Benchmark> parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new IllegalArgumentException(e.getOriginalMessage() + (at == null ? "" : " at line " + at.getLineNr()), e);
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("the top level is not an array");
        }
        Map<String, Benchmark> out = new LinkedHashMap<>();
        for (JsonNode bench : root) {
            requireObject(bench, "benchmark entry");
            String name = text(bench.get("benchmark"), "benchmark");
            String mode = text(bench.get("mode"), "mode");
            Map<String, String> params = new TreeMap<>();
            for (Map.Entry<String, JsonNode> param : bench.path("params").properties()) {
                params.put(param.getKey(), param.getValue().asText());
            }
            JsonNode primary = bench.get("primaryMetric");
            requireObject(primary, "primaryMetric of " + name);
            String unit = text(primary.get("scoreUnit"), "scoreUnit");
            double[] forks = forkScores(primary, name);
            String key = name + " [" + mode + "]" + (params.isEmpty() ? "" : " " + params);
            out.put(key, new Benchmark(key, mode, unit, forks));
        }
        return out;
    }

    private static double[] forkScores(JsonNode primary, String name) {
        List<Double> scores = new ArrayList<>();
        if (primary.get("rawData") instanceof JsonNode forks && forks.isArray()) {
            for (JsonNode fork : forks) {
                double sum = 0;
                int n = 0;
                for (JsonNode it : array(fork, "rawData fork of " + name)) {
                    sum += number(it, "rawData value of " + name);
                    n++;
                }
                if (n > 0) {
                    scores.add(sum / n);
                }
            }
        } else if (primary.get("rawDataHistogram") instanceof JsonNode forks && forks.isArray()) {
            for (JsonNode fork : forks) {
                double sum = 0;
                double count = 0;
                for (JsonNode iteration : array(fork, "rawDataHistogram fork of " + name)) {
                    for (JsonNode pair : array(iteration, "rawDataHistogram iteration of " + name)) {
                        if (!pair.isArray() || pair.size() != 2) {
                            throw new IllegalArgumentException("rawDataHistogram entry of " + name + " is not [value, count]");
                        }
                        double value = number(pair.get(0), "histogram value");
                        double c = number(pair.get(1), "histogram count");
                        sum += value * c;
                        count += c;
                    }
                }
                if (count > 0) {
                    scores.add(sum / count);
                }
            }
        } else {
            throw new IllegalArgumentException(name + " has neither rawData nor rawDataHistogram");
        }
        return scores.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void requireObject(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(what + " is not an object");
        }
    }

    private static JsonNode array(JsonNode node, String what) {
        if (node == null || !node.isArray()) {
            throw new IllegalArgumentException(what + " is not an array");
        }
        return node;
    }

    private static String text(JsonNode node, String what) {
        if (node == null || !node.isTextual()) {
            throw new IllegalArgumentException("missing or non-text \"" + what + "\"");
        }
        return node.textValue();
    }

    private static double number(JsonNode node, String what) {
        if (node == null || !node.isNumber()) {
            throw new IllegalArgumentException(what + " is not a number");
        }
        return node.doubleValue();
    }
}
