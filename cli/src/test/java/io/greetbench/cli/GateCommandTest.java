package io.greetbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code greetbench gate} in-process: help, usage errors and JMH gating; no server is started
 * ({@link GateOldLayoutTest} runs a server gate).
 */
class GateCommandTest {

    @TempDir
    Path dir;

    /** A JMH result file with two benchmarks, {@code forks} forks each, scaled by {@code factor}. */
    private Path jmhFile(String name, long seed, int forks, double factor, boolean withExtra) throws IOException {
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder("[\n");
        String[][] benches = withExtra
                ? new String[][] {{"RoundTrip.exchange", "thrpt", "ops/s", "50000"}, {"Reply.format", "avgt", "ns/op", "80"}, {"Extra.only", "thrpt", "ops/s", "1"}}
                : new String[][] {{"RoundTrip.exchange", "thrpt", "ops/s", "50000"}, {"Reply.format", "avgt", "ns/op", "80"}};
        for (int k = 0; k < benches.length; k++) {
            String[] bench = benches[k];
            double level = Double.parseDouble(bench[3]);
            // A slower candidate: fewer ops/s, more ns/op.
            double scale = bench[1].equals("thrpt") ? factor : 1 / factor;
            StringBuilder raw = new StringBuilder();
            for (int f = 0; f < forks; f++) {
                raw.append(f == 0 ? "" : ", ").append('[');
                for (int i = 0; i < 3; i++) {
                    raw.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f",
                            level * scale * Math.exp(0.01 * r.nextGaussian())));
                }
                raw.append(']');
            }
            b.append(k == 0 ? "" : ",\n").append("""
                    {"benchmark": "io.greetbench.bench.%s", "mode": "%s", "params": {"server": "nio"},
                     "primaryMetric": {"score": 1, "scoreError": NaN, "scoreUnit": "%s", "rawData": [%s]}}"""
                    .formatted(bench[0], bench[1], bench[2], raw));
        }
        Path file = dir.resolve(name);
        Files.writeString(file, b.append("\n]\n").toString());
        return file;
    }

    @Test
    void shouldPassSameJmhResults() throws IOException {
        Path md = dir.resolve("summary.md");
        Path json = dir.resolve("gate.json");
        CliRun run = CliRun.of("gate", "--jmh-baseline", jmhFile("a.json", 1, 5, 1, false).toString(),
                "--jmh-candidate", jmhFile("b.json", 2, 5, 1, false).toString(),
                "--markdown", md.toString(), "--json", json.toString());
        assertEquals(ExitCode.OK.code(), run.code(), run.toString());
        assertTrue(run.out().contains("verdict: PASS"), run.toString());
        assertTrue(Files.readString(md).contains("| io.greetbench.bench.RoundTrip.exchange [thrpt] {server=nio} |"), Files.readString(md));
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals("pass", doc.get("verdict").asText());
        assertEquals(ExitCode.OK.code(), doc.get("exitCode").asInt());
        assertEquals(2, doc.get("rows").size());
    }

    @Test
    void shouldFindJmhRegressionInEitherMode() throws IOException {
        CliRun run = CliRun.of("gate", "--jmh-baseline", jmhFile("a.json", 1, 5, 1, false).toString(),
                "--jmh-candidate", jmhFile("b.json", 2, 5, 0.85, false).toString());
        assertEquals(ExitCode.REGRESSION.code(), run.code(), run.toString());
        assertEquals(2, run.out().lines().filter(l -> l.endsWith("regression")).count(), run.toString());
    }

    @Test
    void shouldBeInconclusiveWhenABenchmarkIsMissingOnOneSide() throws IOException {
        Path a = jmhFile("a.json", 1, 5, 1, true);
        Path b = jmhFile("b.json", 2, 5, 1, false);
        CliRun run = CliRun.of("gate", "--jmh-baseline", a.toString(), "--jmh-candidate", b.toString());
        assertEquals(ExitCode.INCONCLUSIVE.code(), run.code(), run.toString());
        assertTrue(run.out().contains("Extra.only"), run.toString());
        CliRun lenient = CliRun.of("gate", "--jmh-baseline", a.toString(), "--jmh-candidate", b.toString(), "--inconclusive", "pass");
        assertEquals(ExitCode.OK.code(), lenient.code(), lenient.toString());
    }

    @Test
    void shouldRefuseSingleForkJmhResults() throws IOException {
        CliRun run = CliRun.of("gate", "--jmh-baseline", jmhFile("a.json", 1, 1, 1, false).toString(),
                "--jmh-candidate", jmhFile("b.json", 2, 5, 1, false).toString());
        assertEquals(ExitCode.USAGE.code(), run.code(), run.toString());
        assertTrue(run.err().contains("-f 3"), run.toString());
    }

    @Test
    void shouldRejectBadOptionsBeforeDoingAnything() {
        for (List<String> args : List.of(
                List.<String>of(),
                List.of("--baseline", dir.toString(), "--threshold", "150%"),
                List.of("--baseline", dir.toString(), "--threshold", "ten"),
                List.of("--baseline", dir.toString(), "--servers", "nio,tomcat"),
                List.of("--baseline", dir.toString(), "--workload", "closed:0"),
                List.of("--baseline", dir.toString(), "--workload", "open:35%"),
                List.of("--baseline", dir.toString(), "--workload", "closed:64,open:0%"),
                List.of("--baseline", dir.toString(), "--workload", "open:0%cap"),
                List.of("--baseline", dir.toString(), "--workload", "closed:64%cap"),
                List.of("--baseline", dir.toString(), "--workload", "open:50%cap", "--capacity-slo", "5ms"),
                List.of("--jmh-baseline", "a.json", "--jmh-candidate", "b.json", "--capacity-slo", "p99=5ms"),
                List.of("--baseline", dir.toString(), "--latency-threshold", "0"),
                List.of("--jmh-baseline", "a.json", "--jmh-candidate", "b.json", "--latency-threshold", "30%"),
                List.of("--baseline", dir.toString(), "--budget", "0"),
                List.of("--baseline", dir.toString(), "--min-rounds", "1"),
                List.of("--baseline", dir.toString(), "--inconclusive", "maybe"),
                List.of("--baseline", dir.toString(), "--slice", "4s"),
                List.of("--baseline", dir.toString(), "--max-rounds", "3"),
                List.of("--baseline", dir.toString(), "--candidate-args", "--host 'a"),
                List.of("--jmh-baseline", "a.json", "--jmh-candidate", "b.json", "--servers", "nio"),
                List.of("--baseline", dir.resolve("missing.jar").toString()),
                List.of("--baseline", dir.toString()),
                List.of("--jmh-baseline", "a.json"),
                List.of("--jmh-baseline", dir.resolve("none.json").toString(), "--jmh-candidate", dir.resolve("none.json").toString()))) {
            CliRun run = CliRun.of(Stream.concat(Stream.of("gate"), args.stream()).toArray(String[]::new));
            assertEquals(ExitCode.USAGE.code(), run.code(), args + " -> " + run);
            assertTrue(run.err().startsWith("greetbench: ") && !run.err().contains("\tat "), args + " -> " + run);
        }
    }

    @Test
    void shouldNameCapacitySloInItsOwnErrorLine() {
        CliRun run = CliRun.of("gate", "--baseline", dir.toString(), "--workload", "open:50%cap", "--capacity-slo", "p99<5ms");
        assertEquals(ExitCode.USAGE.code(), run.code(), run.toString());
        String first = run.err().lines().findFirst().orElse("");
        assertTrue(first.contains("--capacity-slo") && first.contains("pPERCENTILE=DURATION") && !first.contains("--slo "), run.toString());
    }

    @Test
    void shouldShowEveryDefaultFromTheGateSettings() {
        CliRun run = CliRun.of("gate", "--help");
        assertEquals(ExitCode.OK.code(), run.code(), run.toString());
        // Help wraps lines anywhere, even after a comma: compare without white space.
        String help = run.out().replaceAll("\\s+", "");
        for (String shown : List.of("(default:nio,netty,loom)", "(default:closed:64,open:35%)", "(default:5m)", "(default:5%,",
                "(default:20%;", "(default:p99=5ms)", "(default:95%)", "(default:3s)", "(default:500ms)", "(default:4)", "(default:15)", "(default:fail)")) {
            assertTrue(help.contains(shown), shown + " in\n" + run.out());
        }
    }
}
