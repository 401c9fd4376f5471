package io.greetbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import io.greetbench.bench.ReplyFormattingBenchmark;
import io.greetbench.bench.RoundTripBenchmark;

/**
 * The JMH wiring: the annotation processor generated the benchmarks, and {@code greetbench jmh}
 * hands its arguments to JMH's own parser. No benchmark is run; benchmarks are not tests.
 */
class JmhCommandTest {

    @Test
    void shouldListEveryGeneratedBenchmarkThroughJmhOwnCommandLine() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "jmh", "-l");

        String all = "exit " + code + "\n" + out + err;
        assertEquals(ExitCode.OK.code(), code, all);
        assertTrue(out.toString().contains("io.greetbench.bench.RoundTripBenchmark.exchange"), all);
        assertTrue(out.toString().contains("io.greetbench.bench.ReplyFormattingBenchmark.baseline"), all);
    }

    @Test
    void shouldReportJmhUsageErrorWithUsageExitCode() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "jmh", "-f", "many");

        assertEquals(ExitCode.USAGE.code(), code, "exit " + code + "\n" + out + err);
    }
}
