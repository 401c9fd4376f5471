package io.greetbench.protocol;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 *   <li>{@code tail:<percent>:<ms>}: each exchange, independently with that probability, holds its
 *       reply for that long; the others reply at once. It injects tail latency (a slow dependency
 *       that is slow now and then) for the gate's calibration and for demos. The wait must burn no
 *       CPU and hold up no other exchange, so each model waits in its own way
 *       ({@link #delays()}): a thread per connection sleeps in {@link #perform()}; a reactor asks
 *       {@link #drawDelayNanos()} and schedules the reply on its own timer instead. An undelayed
 *       exchange costs one draw from a thread-local generator more than {@code none}, so CPU per
 *       exchange barely moves.
 * </ul>
 *
 * @param kind    which work
 * @param amount  how long; zero for {@code none}
 * @param percent for {@code tail}, the share of exchanges delayed, in (0, 100]; zero otherwise
 */
public record HandlerWork(Kind kind, Duration amount, double percent) {

    public enum Kind { NONE, CPU, SLEEP, TAIL }

    public static final HandlerWork NONE = new HandlerWork(Kind.NONE, Duration.ZERO, 0);

    /**
     * The longest tail delay: longer than any latency worth gating, and short enough that a
     * delayed exchange still fits in a test's or a shutdown grace's patience.
     */
    public static final Duration MAX_TAIL_DELAY = Duration.ofSeconds(60);

    private static final String RULE = "must be none, cpu:<microseconds>, sleep:<milliseconds> (a positive whole number)"
            + " or tail:<percent>:<milliseconds> (percent in (0, 100], milliseconds 1.." + MAX_TAIL_DELAY.toMillis() + ")";
    private static final Pattern TAIL = Pattern.compile("tail:(\\d{1,3}(?:\\.\\d{1,6})?):(\\d{1,9})");

    public HandlerWork {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative() || (kind == Kind.NONE) != amount.isZero()) {
            throw new ConfigException("--handler", "needs a positive amount for cpu, sleep and tail, got " + kind + " " + amount);
        }
        if (kind == Kind.TAIL ? !(percent > 0 && percent <= 100) || amount.compareTo(MAX_TAIL_DELAY) > 0 : percent != 0) {
            throw new ConfigException("--handler", "tail needs a percent in (0, 100] and at most "
                    + MAX_TAIL_DELAY.toMillis() + " ms, got " + kind + " " + percent + "% " + amount);
        }
    }

    /** Parses {@code none}, {@code cpu:<µs>}, {@code sleep:<ms>} or {@code tail:<percent>:<ms>}. */
    public static HandlerWork parse(String text) {
        String spec = text.trim();
        if (spec.equals("none")) {
            return NONE;
        }
        if (spec.startsWith("tail:")) {
            return parseTail(spec, text);
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
            throw new ConfigException("--handler", RULE + ", got '" + text + "'");
        }
        return kind.equals("cpu")
                ? new HandlerWork(Kind.CPU, Duration.ofNanos(amount * 1_000), 0)
                : new HandlerWork(Kind.SLEEP, Duration.ofMillis(amount), 0);
    }

    private static HandlerWork parseTail(String spec, String text) {
        Matcher m = TAIL.matcher(spec);
        if (!m.matches()) {
            throw new ConfigException("--handler", RULE + ", got '" + text + "'");
        }
        double percent = Double.parseDouble(m.group(1));
        long millis = Long.parseLong(m.group(2));
        if (!(percent > 0 && percent <= 100) || millis < 1 || millis > MAX_TAIL_DELAY.toMillis()) {
            throw new ConfigException("--handler", RULE + ", got '" + text + "'");
        }
        return new HandlerWork(Kind.TAIL, Duration.ofMillis(millis), percent);
    }

    public boolean isNone() {
        return kind == Kind.NONE;
    }

    /** True when the work blocks its thread, so a reactor must run it elsewhere. */
    public boolean blocks() {
        return kind == Kind.SLEEP;
    }

    /**
     * True when some exchanges hold their reply ({@code tail}): a reactor then asks
     * {@link #drawDelayNanos()} per exchange and schedules the delayed replies on its own timer,
     * rather than calling {@link #perform()}, which would sleep on the loop.
     */
    public boolean delays() {
        return kind == Kind.TAIL;
    }

    /**
     * For one exchange: how long to hold its reply, drawn independently each call; 0 means reply
     * at once. Always 0 unless {@link #delays()}. The draw uses the calling thread's
     * {@link ThreadLocalRandom}, so I/O threads drawing at once share no state.
     */
    public long drawDelayNanos() {
        if (kind != Kind.TAIL) {
            return 0;
        }
        return ThreadLocalRandom.current().nextDouble(100) < percent ? amount.toNanos() : 0;
    }

    /**
     * Does the work on the calling thread. For {@code tail}, draws as {@link #drawDelayNanos()}
     * does and sleeps when the exchange is delayed: right for a thread per connection, wrong on an
     * event loop.
     */
    public void perform() {
        switch (kind) {
            case NONE -> { }
            case CPU -> spin(amount.toNanos());
            case SLEEP -> sleep(amount.toNanos());
            case TAIL -> {
                long delay = drawDelayNanos();
                if (delay > 0) {
                    sleep(delay);
                }
            }
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

    /** The spelling {@link #parse} reads back: {@code tail:2:5}, {@code tail:0.5:5}. */
    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "none";
            case CPU -> "cpu:" + amount.toNanos() / 1_000;
            case SLEEP -> "sleep:" + amount.toMillis();
            case TAIL -> "tail:" + BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString() + ":" + amount.toMillis();
        };
    }
}
