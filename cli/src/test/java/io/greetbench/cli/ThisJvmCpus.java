package io.greetbench.cli;

import io.greetbench.harness.CpuPlacement;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A server gate pins this JVM to the generator's CPUs for the rest of its life
 * ({@link CpuPlacement#split}); a test that runs one gives every CPU back afterwards, so the tests
 * that run after it in the same JVM are not confined to half of them.
 */
final class ThisJvmCpus {

    private ThisJvmCpus() {
    }

    /** Every CPU this JVM could use when it started, for all its threads ({@code taskset -a -p}). */
    static void restore() throws IOException, InterruptedException {
        String all = CpuPlacement.allowedAtStart().stream().map(String::valueOf).collect(Collectors.joining(","));
        new ProcessBuilder("taskset", "-a", "-p", "-c", all, Long.toString(ProcessHandle.current().pid()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
    }
}
