package io.greetbench.compare;

import io.greetbench.protocol.ConfigException;
import io.greetbench.protocol.HandlerWork;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting of a compare run, with the two profiles' defaults in one place. The compact
 * constructor validates every field and names the option to fix.
 *
 * @param profile          {@code quick} or {@code full}
 * @param handlers         the simulated work each exchange does on the server; each server that
 *                         takes a handler is measured once per entry
 * @param warmup           unrecorded closed-loop load after each server starts, so the JIT has
 *                         compiled the hot paths before anything is measured; zero skips it
 * @param duration         each recorded closed-loop and open-loop run
 * @param repeats          how many times each closed-loop point runs; the median is quoted
 * @param concurrencies    closed loop: exchanges in flight, one point each
 * @param fractions        open loop: rates as fractions of the server's measured peak
 * @param held             connections to hold open at once
 * @param think            how long they stay open and idle
 * @param exchangeTimeout  the most one exchange may take before it counts as an error
 * @param noiseThreshold   repeats whose (max - min) / median is above this are flagged as noisy
 */
public record CompareSettings(String profile, List<HandlerWork> handlers, Duration warmup, Duration duration, int repeats,
                       List<Integer> concurrencies, List<Double> fractions, int held, Duration think,
                       Duration exchangeTimeout, double noiseThreshold) {

    /**
     * About three minutes for five or six servers on a 2-CPU machine: enough to rank them and to
     * see the noise, not to publish.
     */
    public static CompareSettings quick(List<HandlerWork> handlers) {
        return new CompareSettings("quick", handlers, Duration.ofSeconds(3), Duration.ofSeconds(3), 2,
                List.of(16, 64), List.of(0.5, 0.8), 1_000, Duration.ofSeconds(2), Duration.ofSeconds(2), 0.10);
    }

    /** Longer runs, more points, three repeats and the C10K-scale held-connection workload. */
    public static CompareSettings full(List<HandlerWork> handlers) {
        return new CompareSettings("full", handlers, Duration.ofSeconds(15), Duration.ofSeconds(10), 3,
                List.of(1, 16, 64, 256), List.of(0.25, 0.5, 0.75, 0.9), 10_000, Duration.ofSeconds(5),
                Duration.ofSeconds(2), 0.10);
    }

    public CompareSettings {
        handlers = List.copyOf(handlers);
        if (handlers.isEmpty() || handlers.stream().distinct().count() != handlers.size()) {
            throw new ConfigException("--handler", "needs one or more different values, got " + handlers);
        }
        if (warmup.isNegative()) {
            throw new ConfigException("--warmup", "must be >= 0, got " + warmup);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new ConfigException("--duration", "must be > 0, got " + duration);
        }
        if (repeats < 1 || repeats > 100) {
            throw new ConfigException("--repeats", "must be between 1 and 100, got " + repeats);
        }
        concurrencies = List.copyOf(concurrencies);
        fractions = List.copyOf(fractions);
        if (concurrencies.isEmpty() || concurrencies.stream().anyMatch(c -> c < 1 || c > 10_000)) {
            throw new ConfigException("--concurrency", "needs one or more values between 1 and 10000, got " + concurrencies);
        }
        if (fractions.stream().anyMatch(f -> !(f > 0) || f > 1)) {
            throw new ConfigException("--open-loop", "percentages of the peak must be above 0 and at most 100, got " + fractions);
        }
        if (held < 0) {
            throw new ConfigException("--held", "must be >= 0 (0 skips the held-connection workload), got " + held);
        }
        if (think.isNegative()) {
            throw new ConfigException("--think", "must be >= 0, got " + think);
        }
        if (exchangeTimeout.isNegative() || exchangeTimeout.isZero()) {
            throw new ConfigException("--timeout", "must be > 0, got " + exchangeTimeout);
        }
        if (!(noiseThreshold > 0)) {
            throw new ConfigException("--noise-threshold", "must be above 0%, got " + noiseThreshold);
        }
    }

    /** Seconds one server takes, start-up and shut-down included, for the time-left estimate. */
    public double plannedSecondsPerServer() {
        double s = 2 + seconds(warmup) + repeats * concurrencies.size() * seconds(duration) + fractions.size() * seconds(duration);
        if (held > 0) {
            s += seconds(think) + 1 + held / 5_000.0;
        }
        return s;
    }

    /** {@code 3s}, {@code 500ms}: as the options are typed. */
    static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    public static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** For the provenance: every setting by name. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("profile", profile);
        m.put("handlers", handlers.stream().map(HandlerWork::toString).toList());
        m.put("warmup", human(warmup));
        m.put("duration", human(duration));
        m.put("repeats", repeats);
        m.put("concurrencies", concurrencies);
        m.put("open_loop_fractions", fractions);
        m.put("held", held);
        m.put("think", human(think));
        m.put("exchange_timeout", human(exchangeTimeout));
        m.put("noise_threshold", noiseThreshold);
        return m;
    }
}
