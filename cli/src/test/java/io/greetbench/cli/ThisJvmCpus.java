package io.greetbench.cli;

import io.greetbench.harness.CpuPlacement;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A server gate pins this JVM to the generator's CPUs for the rest of its life
 * ({@link CpuPlacement#split}); a test that runs one gives every CPU back afterwards, so the tests
 * that run after it in the same JVM are not confined to half of them: such a test class is
 * {@code @ExtendWith(ThisJvmCpus.class)}.
 */
final class ThisJvmCpus implements AfterEachCallback {

    @Override
    public void afterEach(ExtensionContext context) throws IOException, InterruptedException {
        restore();
    }

    /** Every CPU this JVM could use when it started, for all its threads ({@code taskset -a -p}). */
    static void restore() throws IOException, InterruptedException {
        String all = CpuPlacement.allowedAtStart().stream().map(String::valueOf).collect(Collectors.joining(","));
        new ProcessBuilder("taskset", "-a", "-p", "-c", all, Long.toString(ProcessHandle.current().pid()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
    }
}
