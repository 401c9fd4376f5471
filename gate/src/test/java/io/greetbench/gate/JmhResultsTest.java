package io.greetbench.gate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.harness.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmhResultsTest {

    static String jmhJson(String mode, String unit, String rawData) {
        return """
                [
                    {
                        "jmhVersion" : "1.37",
                        "benchmark" : "io.greetbench.bench.RoundTrip.exchange",
                        "mode" : "%s",
                        "threads" : 4,
                        "forks" : 3,
                        "params" : {
                            "server" : "nio"
                        },
                        "primaryMetric" : {
                            "score" : 2.0,
                            "scoreError" : NaN,
                            "scoreConfidence" : [ NaN, NaN ],
                            "scoreUnit" : "%s",
                            %s
                        },
                        "secondaryMetrics" : { }
                    }
                ]
                """.formatted(mode, unit, rawData);
    }

    @Test
    void shouldAverageIterationsWithinEachFork() {
        Map<String, JmhResults.Benchmark> b = JmhResults.parse(jmhJson("thrpt", "ops/s",
                "\"rawData\" : [ [ 1.0, 3.0 ], [ 10.0, 20.0, 30.0 ], [ 5.5 ] ]"));
        JmhResults.Benchmark bench = b.values().iterator().next();
        assertEquals("io.greetbench.bench.RoundTrip.exchange [thrpt] {server=nio}", bench.key());
        assertArrayEquals(new double[] {2.0, 20.0, 5.5}, bench.forkScores(), 1e-12);
        assertEquals(GateVerdict.Better.HIGHER, bench.better());
    }

    @Test
    void shouldWeighSampleHistogramsByCount() {
        Map<String, JmhResults.Benchmark> b = JmhResults.parse(jmhJson("sample", "us/op",
                "\"rawDataHistogram\" : [ [ [ [10.0, 3], [20.0, 1] ], [ [10.0, 4] ] ], [ [ [40.0, 2] ] ] ]"));
        JmhResults.Benchmark bench = b.values().iterator().next();
        assertArrayEquals(new double[] {(30 + 20 + 40) / 8.0, 40.0}, bench.forkScores(), 1e-12);
        assertEquals(GateVerdict.Better.LOWER, bench.better());
    }

    @Test
    void shouldRejectWhatIsNotJmhJson() {
        assertThrows(IllegalArgumentException.class, () -> JmhResults.parse("{\"benchmark\": 1}"));
        assertThrows(IllegalArgumentException.class, () -> JmhResults.parse("[ {\"benchmark\": \"x\", \"mode\": \"thrpt\" } ]"));
        assertThrows(IllegalArgumentException.class, () -> JmhResults.parse("[ 1, ]"));
        assertThrows(IllegalArgumentException.class, () -> JmhResults.parse("[ ] trailing"));
        assertThrows(IllegalArgumentException.class, () -> JmhResults.parse(""));
    }

    @Test
    void shouldNameTheOptionWhenAFileIsUnreadableOrNotJmh(@TempDir Path dir) throws IOException {
        BadInputException missing = assertThrows(BadInputException.class,
                () -> JmhResults.read(dir.resolve("none.json"), "--jmh-baseline"));
        assertTrue(missing.getMessage().startsWith("--jmh-baseline: cannot read "), missing.getMessage());
        Path notJmh = Files.writeString(dir.resolve("gate.json"), "{\"rows\": []}");
        BadInputException wrong = assertThrows(BadInputException.class, () -> JmhResults.read(notJmh, "--jmh-candidate"));
        assertTrue(wrong.getMessage().startsWith("--jmh-candidate: " + notJmh + " is not a JMH JSON result file: "), wrong.getMessage());
    }
}
