package io.greetbench.protocol;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * Simulated application work done for each exchange before the reply, so that comparing
 * concurrency models also shows what happens when the handler is not free.
 *
 * <ul>
 *   <li>{@code none}: reply at once.
 *   <li>{@code cpu:<µs>}: spin on the CPU for that long; every model pays it on an I/O thread or a
 *       worker, and it shows how each one shares cores.
 *   <li>{@code sleep:<ms>}: block the calling thread, standing for a blocking call (a database, a
 *       file). A reactor must not do this on its event loop: it runs {@link #perform()} on another
 *       thread and resumes the exchange when it returns ({@link #blocks()} says when).
 * </ul>
 *
 * @param kind   which work
 * @param amount how long; zero for {@code none}
 */
public record HandlerWork(Kind kind, Duration amount) {

    public enum Kind { NONE, CPU, SLEEP }

    public static final HandlerWork NONE = new HandlerWork(Kind.NONE, Duration.ZERO);

    public HandlerWork {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative() || (kind == Kind.NONE) != amount.isZero()) {
            throw new ConfigException("--handler", "needs a positive amount for cpu and sleep, got " + kind + " " + amount);
        }
    }

    /** Parses {@code none}, {@code cpu:<µs>} or {@code sleep:<ms>}. */
    public static HandlerWork parse(String text) {
        String spec = text.trim();
        if (spec.equals("none")) {
            return NONE;
        }
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        long amount;
        try {
            amount = colon < 0 ? -1 : Long.parseLong(spec.substring(colon + 1));
        } catch (NumberFormatException e) {
            amount = -1;
        }
        if (amount <= 0 || !(kind.equals("cpu") || kind.equals("sleep"))) {
            throw new ConfigException("--handler", "must be none, cpu:<microseconds> or sleep:<milliseconds> with a positive whole number, got '" + text + "'");
        }
        return kind.equals("cpu")
                ? new HandlerWork(Kind.CPU, Duration.ofNanos(amount * 1_000))
                : new HandlerWork(Kind.SLEEP, Duration.ofMillis(amount));
    }

    public boolean isNone() {
        return kind == Kind.NONE;
    }

    /** True when the work blocks its thread, so a reactor must run it elsewhere. */
    public boolean blocks() {
        return kind == Kind.SLEEP;
    }

    /** Does the work on the calling thread. */
    public void perform() {
        switch (kind) {
            case NONE -> { }
            case CPU -> spin(amount.toNanos());
            case SLEEP -> sleep(amount.toNanos());
        }
    }

    private static long sink;

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        long x = sink;
        while (System.nanoTime() < end) {
            // A little arithmetic between clock reads, kept alive through a static, so the loop
            // is real work rather than a clock-polling loop the JIT could shrink.
            for (int i = 0; i < 16; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        sink = x;
    }

    private static void sleep(long nanos) {
        long end = System.nanoTime() + nanos;
        // parkNanos returns at once while the interrupt flag is set, so an interrupted thread
        // (a server shutting down) would spin here until the deadline: stop sleeping instead,
        // and leave the flag set for the caller.
        for (long left = nanos; left > 0 && !Thread.currentThread().isInterrupted(); left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "none";
            case CPU -> "cpu:" + amount.toNanos() / 1_000;
            case SLEEP -> "sleep:" + amount.toMillis();
        };
    }
}
