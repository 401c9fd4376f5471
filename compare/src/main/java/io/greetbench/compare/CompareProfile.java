package io.greetbench.compare;

import io.greetbench.capacity.CapacitySettings;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The two sizes of a compare run, as typed after {@code --profile}: each names the workload
 * settings that {@code --warmup}, {@code --duration}, {@code --repeats}, {@code --open-loop-repeats},
 * {@code --concurrency}, {@code --open-loop}, {@code --held}, {@code --think},
 * {@code --capacity-steps} and {@code --capacity-step-duration} override one by one, and the
 * length of the profiled run that {@code --cpu-profile} adds.
 */
public enum CompareProfile {

    /**
     * At most about three minutes of measuring for six servers (the default five and one external)
     * on a 2-CPU machine, so that a capacity search of 10-15 s per server still fits within five
     * minutes: enough to rank the servers and to see the noise, not to publish. What it cuts
     * against {@link #FULL}: 2 s runs instead of 10 s; two rounds instead of three; the open-loop
     * points once each (in the first round) instead of once per round, so their spread is not
     * measured; two concurrencies and two open-loop fractions instead of four each; a warm-up
     * capped at 10 s instead of 30 s (netty needs about 6 s); 1,000 held connections for 2 s
     * instead of 10,000 for 5 s; a shorter capacity search ({@link CapacitySettings#quick()}: 1 s
     * steps, at most ten, a 25% bracket) instead of the full one.
     */
    QUICK(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(2), 2, 1, List.of(16, 64), List.of(0.5, 0.8), 1_000,
            Duration.ofSeconds(2), Duration.ofSeconds(3)),

    /** Every step: longer runs, more points, three rounds with every point in each, the C10K-scale held-connection workload. */
    FULL(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(10), 3, 3, List.of(1, 16, 64, 256),
            List.of(0.25, 0.5, 0.75, 0.9), 10_000, Duration.ofSeconds(5), Duration.ofSeconds(10));

    private final Duration warmupMin;
    private final Duration warmup;
    private final Duration duration;
    private final int repeats;
    private final int openLoopRepeats;
    private final List<Integer> concurrencies;
    private final List<Double> fractions;
    private final int held;
    private final Duration think;
    private final Duration cpuProfileDuration;

    CompareProfile(Duration warmupMin, Duration warmup, Duration duration, int repeats, int openLoopRepeats, List<Integer> concurrencies,
                   List<Double> fractions, int held, Duration think, Duration cpuProfileDuration) {
        this.warmupMin = warmupMin;
        this.warmup = warmup;
        this.duration = duration;
        this.repeats = repeats;
        this.openLoopRepeats = openLoopRepeats;
        this.concurrencies = concurrencies;
        this.fractions = fractions;
        this.held = held;
        this.think = think;
        this.cpuProfileDuration = cpuProfileDuration;
    }

    /** The least warm-up per server, even when its CPU per exchange agrees sooner: a JIT can plateau between tiers. */
    public Duration warmupMin() {
        return warmupMin;
    }

    /** The most warm-up per server: it stops sooner once the server's CPU per exchange is steady. */
    public Duration warmup() {
        return warmup;
    }

    /** Each recorded closed-loop and open-loop run. */
    public Duration duration() {
        return duration;
    }

    /** Rounds through the whole lineup: each closed-loop point runs once per round. */
    public int repeats() {
        return repeats;
    }

    /** Runs of each open-loop point, one in each of the first rounds. */
    public int openLoopRepeats() {
        return openLoopRepeats;
    }

    /** Closed-loop concurrencies, one point each. */
    public List<Integer> concurrencies() {
        return concurrencies;
    }

    /** Open-loop rates as fractions of each server's own capacity (its rate basis). */
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

    /**
     * With {@code --cpu-profile}, each Java server's profiled closed-loop run: at JFR's 10 ms
     * period, 3 s give a few hundred samples of the busy thread, enough to see which methods
     * dominate; 10 s make the smaller shares readable too.
     */
    public Duration cpuProfileDuration() {
        return cpuProfileDuration;
    }

    /** The capacity search each server gets before the rounds; its SLO is the default one. */
    public CapacitySettings capacity() {
        return this == QUICK ? CapacitySettings.quick() : CapacitySettings.defaults();
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
