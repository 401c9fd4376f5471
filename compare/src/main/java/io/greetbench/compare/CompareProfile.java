package io.greetbench.compare;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The two sizes of a compare run, as typed after {@code --profile}: each names the workload
 * settings that {@code --warmup}, {@code --duration}, {@code --repeats}, {@code --concurrency},
 * {@code --open-loop}, {@code --held} and {@code --think} override one by one.
 */
public enum CompareProfile {

    /**
     * About three minutes for five or six servers on a 2-CPU machine: enough to rank them and to
     * see the noise, not to publish.
     */
    QUICK(Duration.ofSeconds(3), Duration.ofSeconds(3), 2, List.of(16, 64), List.of(0.5, 0.8), 1_000, Duration.ofSeconds(2)),

    /** Longer runs, more points, three repeats and the C10K-scale held-connection workload. */
    FULL(Duration.ofSeconds(15), Duration.ofSeconds(10), 3, List.of(1, 16, 64, 256), List.of(0.25, 0.5, 0.75, 0.9), 10_000,
            Duration.ofSeconds(5));

    private final Duration warmup;
    private final Duration duration;
    private final int repeats;
    private final List<Integer> concurrencies;
    private final List<Double> fractions;
    private final int held;
    private final Duration think;

    CompareProfile(Duration warmup, Duration duration, int repeats, List<Integer> concurrencies, List<Double> fractions,
                   int held, Duration think) {
        this.warmup = warmup;
        this.duration = duration;
        this.repeats = repeats;
        this.concurrencies = concurrencies;
        this.fractions = fractions;
        this.held = held;
        this.think = think;
    }

    /** Unrecorded closed-loop load after each server starts. */
    public Duration warmup() {
        return warmup;
    }

    /** Each recorded closed-loop and open-loop run. */
    public Duration duration() {
        return duration;
    }

    /** Runs of each closed-loop point. */
    public int repeats() {
        return repeats;
    }

    /** Closed-loop concurrencies, one point each. */
    public List<Integer> concurrencies() {
        return concurrencies;
    }

    /** Open-loop rates as fractions of each server's own peak. */
    public List<Double> fractions() {
        return fractions;
    }

    /** Connections held open at once. */
    public int held() {
        return held;
    }

    /** How long the held connections stay idle. */
    public Duration think() {
        return think;
    }

    /** Parses {@code quick} or {@code full}, in any case. */
    public static CompareProfile parse(String text) {
        return CompareSettings.choice(values(), "--profile", text);
    }

    /** The name users type, so picocli's help and the results show {@code quick}, not {@code QUICK}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
