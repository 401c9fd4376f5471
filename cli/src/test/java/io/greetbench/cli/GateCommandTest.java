package io.greetbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.greetbench.gate.JmhResults;
import io.greetbench.harness.ServerKind;

/** {@code greetbench gate} in-process: usage errors and JMH gating; no server is started. */
class GateCommandTest {

    @TempDir
    Path dir;


    private static CliRun gate(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "gate";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.of(all);
    }

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
    void shouldWarmNettyLongerUnlessTold() {
        GateCommand gate = new GateCommand();
        assertEquals(GateCommand.NETTY_WARMUP, gate.warmupFor(ServerKind.NETTY));
        assertEquals(GateCommand.DEFAULT_WARMUP, gate.warmupFor(ServerKind.NIO));
        assertEquals(GateCommand.DEFAULT_WARMUP, gate.warmupFor(ServerKind.LOOM));
        gate.warmup = java.time.Duration.ofMillis(500);
        assertEquals(java.time.Duration.ofMillis(500), gate.warmupFor(ServerKind.NETTY));
    }

    @Test
    void shouldPassSameJmhResults() throws IOException {
        Path md = dir.resolve("summary.md");
        Path json = dir.resolve("gate.json");
        CliRun run = gate("--jmh-baseline", jmhFile("a.json", 1, 5, 1, false).toString(),
                "--jmh-candidate", jmhFile("b.json", 2, 5, 1, false).toString(),
                "--markdown", md.toString(), "--json", json.toString());
        assertEquals(ExitCode.OK.code(), run.code(), run.toString());
        assertTrue(run.out().contains("verdict: PASS"), run.toString());
        assertTrue(Files.readString(md).contains("| io.greetbench.bench.RoundTrip.exchange [thrpt] {server=nio} |"), Files.readString(md));
        assertTrue(JmhResults.parseJson(Files.readString(json)) instanceof java.util.Map<?, ?>);
    }

    @Test
    void shouldFindJmhRegressionInEitherMode() throws IOException {
        CliRun run = gate("--jmh-baseline", jmhFile("a.json", 1, 5, 1, false).toString(),
                "--jmh-candidate", jmhFile("b.json", 2, 5, 0.85, false).toString());
        assertEquals(ExitCode.REGRESSION.code(), run.code(), run.toString());
        assertEquals(2, run.out().lines().filter(l -> l.endsWith("regression")).count(), run.toString());
    }

    @Test
    void shouldBeInconclusiveWhenABenchmarkIsMissingOnOneSide() throws IOException {
        Path a = jmhFile("a.json", 1, 5, 1, true);
        Path b = jmhFile("b.json", 2, 5, 1, false);
        CliRun run = gate("--jmh-baseline", a.toString(), "--jmh-candidate", b.toString());
        assertEquals(ExitCode.INCONCLUSIVE.code(), run.code(), run.toString());
        assertTrue(run.out().contains("Extra.only"), run.toString());
        CliRun lenient = gate("--jmh-baseline", a.toString(), "--jmh-candidate", b.toString(), "--inconclusive", "pass");
        assertEquals(ExitCode.OK.code(), lenient.code(), lenient.toString());
    }

    @Test
    void shouldRefuseSingleForkJmhResults() throws IOException {
        CliRun run = gate("--jmh-baseline", jmhFile("a.json", 1, 1, 1, false).toString(),
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
                List.of("--baseline", dir.toString(), "--budget", "0"),
                List.of("--baseline", dir.toString(), "--min-rounds", "1"),
                List.of("--baseline", dir.toString(), "--inconclusive", "maybe"),
                List.of("--baseline", dir.resolve("missing.jar").toString()),
                List.of("--baseline", dir.toString()),
                List.of("--jmh-baseline", "a.json"),
                List.of("--jmh-baseline", dir.resolve("none.json").toString(), "--jmh-candidate", dir.resolve("none.json").toString()))) {
            CliRun run = gate(args.toArray(String[]::new));
            assertEquals(ExitCode.USAGE.code(), run.code(), args + " -> " + run);
            assertTrue(run.err().startsWith("greetbench: ") && !run.err().contains("\tat "), args + " -> " + run);
        }
    }

    @Test
    void shouldSplitServerArgumentsLikeAShell() {
        assertEquals(List.of("--handler", "cpu:5", "--io-threads", "2"), GateCommand.splitArgs("  --handler cpu:5   --io-threads 2 "));
        assertEquals(List.of("--host", "a b"), GateCommand.splitArgs("--host 'a b'"));
        assertEquals(List.of(), GateCommand.splitArgs(""));
    }
}
