package io.greetbench.gate;

import io.greetbench.harness.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.greetbench.harness.GreetbenchException;

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
 * <p>Stateless apart from the parsed file; the parser is a small strict JSON reader (JMH's files
 * are plain JSON, apart from the bare {@code NaN} it writes for missing errors, accepted here).
 */
public final class JmhResults {

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
            throw new BadInputException(option + ": cannot read " + file + ": " + e.getMessage());
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(option + ": " + file + " is not a JMH JSON result file: " + e.getMessage());
        }
    }

    /** Parses any JSON document: objects as maps, arrays as lists, numbers as doubles. */
    public static Object parseJson(String json) {
        return new Parser(json).parseDocument();
    }

    /** Parses the text of a JMH JSON result file; benchmarks keep the file's order. */
    static Map<String, Benchmark> parse(String json) {
        Object root = parseJson(json);
        if (!(root instanceof List<?> entries)) {
            throw new IllegalArgumentException("the top level is not an array");
        }
        Map<String, Benchmark> out = new LinkedHashMap<>();
        for (Object entry : entries) {
            Map<?, ?> bench = asObject(entry, "benchmark entry");
            String name = asString(bench.get("benchmark"), "benchmark");
            String mode = asString(bench.get("mode"), "mode");
            Map<String, String> params = new TreeMap<>();
            if (bench.get("params") instanceof Map<?, ?> p) {
                p.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
            }
            Map<?, ?> primary = asObject(bench.get("primaryMetric"), "primaryMetric of " + name);
            String unit = asString(primary.get("scoreUnit"), "scoreUnit");
            double[] forks = forkScores(primary, name);
            String key = name + " [" + mode + "]" + (params.isEmpty() ? "" : " " + params);
            out.put(key, new Benchmark(key, mode, unit, forks));
        }
        return out;
    }

    private static double[] forkScores(Map<?, ?> primary, String name) {
        List<Double> scores = new ArrayList<>();
        if (primary.get("rawData") instanceof List<?> forks) {
            for (Object fork : forks) {
                List<?> iterations = asList(fork, "rawData fork of " + name);
                double sum = 0;
                int n = 0;
                for (Object it : iterations) {
                    sum += asNumber(it, "rawData value of " + name);
                    n++;
                }
                if (n > 0) {
                    scores.add(sum / n);
                }
            }
        } else if (primary.get("rawDataHistogram") instanceof List<?> forks) {
            for (Object fork : forks) {
                double sum = 0;
                double count = 0;
                for (Object iteration : asList(fork, "rawDataHistogram fork of " + name)) {
                    for (Object pair : asList(iteration, "rawDataHistogram iteration of " + name)) {
                        List<?> vc = asList(pair, "rawDataHistogram entry of " + name);
                        if (vc.size() != 2) {
                            throw new IllegalArgumentException("rawDataHistogram entry of " + name + " is not [value, count]");
                        }
                        double value = asNumber(vc.get(0), "histogram value");
                        double c = asNumber(vc.get(1), "histogram count");
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

    private static Map<?, ?> asObject(Object o, String what) {
        if (o instanceof Map<?, ?> m) {
            return m;
        }
        throw new IllegalArgumentException(what + " is not an object");
    }

    private static List<?> asList(Object o, String what) {
        if (o instanceof List<?> l) {
            return l;
        }
        throw new IllegalArgumentException(what + " is not an array");
    }

    private static String asString(Object o, String what) {
        if (o instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("missing or non-text \"" + what + "\"");
    }

    private static double asNumber(Object o, String what) {
        if (o instanceof Double d) {
            return d;
        }
        throw new IllegalArgumentException(what + " is not a number");
    }

    /** Recursive-descent JSON: objects become LinkedHashMap, arrays List, numbers Double. */
    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        Object parseDocument() {
            Object v = value();
            skipWhitespace();
            if (i != s.length()) {
                throw error("trailing text");
            }
            return v;
        }

        private Object value() {
            skipWhitespace();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                case 'N' -> literal("NaN", Double.NaN);
                default -> number();
            };
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            skipWhitespace();
            if (peek() == '}') {
                i++;
                return m;
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw error("expected a member name");
                }
                String key = string();
                skipWhitespace();
                expect(':');
                m.put(key, value());
                skipWhitespace();
                char c = next();
                if (c == '}') {
                    return m;
                }
                if (c != ',') {
                    throw error("expected , or }");
                }
            }
        }

        private List<Object> array() {
            List<Object> l = new ArrayList<>();
            i++;
            skipWhitespace();
            if (peek() == ']') {
                i++;
                return l;
            }
            while (true) {
                l.add(value());
                skipWhitespace();
                char c = next();
                if (c == ']') {
                    return l;
                }
                if (c != ',') {
                    throw error("expected , or ]");
                }
            }
        }

        private String string() {
            i++;
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        i += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
            }
        }

        private Double number() {
            int start = i;
            if (peek() == '-') {
                i++;
                if (s.startsWith("Infinity", i)) {
                    i += "Infinity".length();
                    return Double.NEGATIVE_INFINITY;
                }
            }
            if (s.startsWith("Infinity", i)) {
                i += "Infinity".length();
                return Double.POSITIVE_INFINITY;
            }
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            if (start == i) {
                throw error("unexpected character '" + s.charAt(i) + "'");
            }
            try {
                return Double.parseDouble(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw error("bad number '" + s.substring(start, i) + "'");
            }
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, i)) {
                throw error("unexpected character '" + s.charAt(i) + "'");
            }
            i += word.length();
            return value;
        }

        private void expect(char c) {
            if (next() != c) {
                throw error("expected " + c);
            }
        }

        private char peek() {
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            return s.charAt(i);
        }

        private char next() {
            char c = peek();
            i++;
            return c;
        }

        private void skipWhitespace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private IllegalArgumentException error(String what) {
            int line = 1;
            for (int k = 0; k < Math.min(i, s.length()); k++) {
                if (s.charAt(k) == '\n') {
                    line++;
                }
            }
            return new IllegalArgumentException(what + " at line " + line);
        }
    }
}
