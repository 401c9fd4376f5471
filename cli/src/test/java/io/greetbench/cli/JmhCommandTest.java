package io.greetbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.bench.ReplyFormattingBenchmark;
import io.greetbench.bench.RoundTripBenchmark;
import org.junit.jupiter.api.Test;

/**
 * The JMH wiring: the annotation processor generated the benchmarks, and {@code greetbench jmh}
 * hands its arguments to JMH's own parser. No benchmark is run; benchmarks are not tests.
 */
class JmhCommandTest {

    @Test
    void shouldListEveryGeneratedBenchmarkThroughJmhOwnCommandLine() {
        CliRun run = CliRun.of("jmh", "-l");

        assertEquals(ExitCode.OK.code(), run.code(), run::toString);
        assertTrue(run.out().contains(RoundTripBenchmark.class.getName() + ".exchange"), run::toString);
        assertTrue(run.out().contains(ReplyFormattingBenchmark.class.getName() + ".baseline"), run::toString);
    }

    @Test
    void shouldReportJmhUsageErrorWithUsageExitCode() {
        CliRun run = CliRun.of("jmh", "-f", "many");

        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
    }
}
