package io.greetbench.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --start-tolerance}, the same option in {@code load}, {@code merge} and {@code kube-load}:
 * how late after the common start instant a shard may begin before the run is invalid.
 */
final class StartTolerance {

    @Option(names = "--start-tolerance", paramLabel = "DURATION",
            description = "a shard that starts later than this after --start-at makes the run invalid (default: ${DEFAULT-VALUE})")
    Duration value;
}
