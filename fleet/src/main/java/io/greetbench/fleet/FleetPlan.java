package io.greetbench.fleet;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What every shard of a fleet runs: the user's {@code load} arguments, the shard count, and the
 * timing of the start barrier. Shard {@code i} runs
 * {@code greetbench load <arguments> --shard i/N --start-at <instant> --json ... --hlog ...}.
 *
 * @param loadArguments  the {@code load} options every shard shares (target, workload, totals)
 * @param shards         N, at least 1
 * @param startDelay     time from the moment every host is ready to the common start instant:
 *                       enough for N JVMs to start on the slowest host
 * @param startTolerance a shard that starts later than this after the instant makes the merged
 *                       run invalid
 * @param runLength      how long a shard runs after the instant (warm-up, recording, ramp and think
 *                       time, one exchange timeout)
 * @param grace          how long past {@code startDelay + runLength} a shard may take to report
 *                       before it counts as lost
 */
public record FleetPlan(List<String> loadArguments, int shards, Duration startDelay, Duration startTolerance,
                        Duration runLength, Duration grace) {

    /** Enough for a JVM to start and JIT its first loop on a loaded lab machine. */
    public static final Duration DEFAULT_START_DELAY = Duration.ofSeconds(5);
    /** Shards that start within 100 ms of each other record the same window to within a slice. */
    public static final Duration DEFAULT_START_TOLERANCE = Duration.ofMillis(100);
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

    public FleetPlan {
        loadArguments = List.copyOf(loadArguments);
        if (shards < 1) {
            throw new IllegalArgumentException("a fleet needs at least one shard, got " + shards);
        }
        for (Duration d : List.of(startDelay, startTolerance, runLength, grace)) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("fleet durations must be >= 0, got " + d);
            }
        }
    }

    /** The arguments of shard {@code index}, starting at {@code startAtOnHost} by that host's clock. */
    List<String> shardArguments(int index, long startAtOnHostEpochMillis, String json, String hlog) {
        List<String> args = new ArrayList<>(List.of("load"));
        args.addAll(loadArguments);
        args.addAll(List.of("--shard", index + "/" + shards, "--start-at", Long.toString(startAtOnHostEpochMillis),
                "--start-tolerance", startTolerance.toMillis() + "ms", "--json", json, "--hlog", hlog));
        return args;
    }

    /** When a shard started at {@code startAt} must have reported by. */
    Instant deadline(Instant startAt) {
        return startAt.plus(runLength).plus(grace);
    }
}
