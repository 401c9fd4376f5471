package io.greetbench.harness;

import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * How much CPU time the machine takes away from a thread that wants to run all the time: a thread
 * spins on the clock for a window, and every gap between two readings of 0.5 ms or more is a stall
 * (the hypervisor ran another guest on this CPU, the kernel ran something else, an interrupt
 * storm). A load run cannot see them: an exchange that meets one is simply slower, and the
 * corrected latency counts it against the server.
 *
 * <p>Why it matters for tail latency: an exchange that overlaps a stall is delayed by up to the
 * stall's length, so about the stalled share of the time, plus a little, of all exchanges meet one.
 * When that share nears 1%, a p99 measures the stalls, not the server: measured here
 * (docs/gate.md, 2026-12-05 evening) the host stalled each CPU about five times a second for
 * 0.5–10 ms, 0.4–0.6% of the time, and a server's p99 at 3,000/s moved between 0.3 and 3.8 ms from
 * one half-second to the next. {@link #P99_AT_RISK_SHARE} is a quarter of p99's 1%: from there on,
 * the count of stalls in a window moves p99 by their length.
 *
 * <p>Threading: {@link #measure} spins on the calling thread for the whole window; the record is
 * immutable.
 *
 * @param window       how long the thread spun
 * @param stalls       gaps of at least {@link #MIN_STALL} between two clock readings
 * @param stalledNanos the sum of those gaps
 * @param longestNanos the longest gap; 0 when there was none
 */
public record HostStalls(Duration window, int stalls, long stalledNanos, long longestNanos) {

    /** Shorter gaps are the clock read itself, cache misses, a timer interrupt: no stall. */
    public static final Duration MIN_STALL = Duration.ofNanos(500_000);
    /** Long enough to see the five or so stalls a second measured here; short beside a gate's minutes. */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(1);
    /** The stalled share of the time from which a p99 sits on the stalls (see the class note). */
    public static final double P99_AT_RISK_SHARE = 0.0025;

    /** Spins on {@link System#nanoTime} for {@code window} on the calling thread. */
    public static HostStalls measure(Duration window) {
        return measure(window, System::nanoTime);
    }

    /** Spins on {@code clock} (nanoseconds) until {@code window} has passed by it. */
    static HostStalls measure(Duration window, LongSupplier clock) {
        long start = clock.getAsLong();
        long end = start + window.toNanos();
        long minStall = MIN_STALL.toNanos();
        long previous = start;
        int stalls = 0;
        long stalled = 0;
        long longest = 0;
        while (previous < end) {
            long now = clock.getAsLong();
            long gap = now - previous;
            if (gap >= minStall) {
                stalls++;
                stalled += gap;
                longest = Math.max(longest, gap);
            }
            previous = now;
        }
        return new HostStalls(Duration.ofNanos(previous - start), stalls, stalled, longest);
    }

    /** The stalled part of the window, 0 to 1. */
    public double stalledShare() {
        return window.isZero() ? 0 : stalledNanos / (double) window.toNanos();
    }

    /** True when stalls take enough of the time that a p99 measures them (see the class note). */
    public boolean p99AtRisk() {
        return stalledShare() >= P99_AT_RISK_SHARE;
    }

    /** One line: {@code 6 stalls of 0.5 ms or more in 1.0 s, 0.52% of the time, the longest 2.64 ms}. */
    public String describe() {
        String line = String.format(Locale.ROOT, "%d stall%s of %.1f ms or more in %.1f s, %.2f%% of the time%s", stalls,
                stalls == 1 ? "" : "s", MIN_STALL.toNanos() / 1e6, window.toNanos() / 1e9, 100 * stalledShare(),
                stalls == 0 ? "" : String.format(Locale.ROOT, ", the longest %.2f ms", longestNanos / 1e6));
        return p99AtRisk() ? line + ": at this share a p99 measures the machine's stalls as much as the server" : line;
    }
}
