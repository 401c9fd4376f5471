package io.greetbench.loadgen;

/**
 * A constant-rate schedule of intended start times: exchange {@code i} is due at
 * {@code firstNanos + i * intervalNanos}, computed from {@code i} each time so rounding never
 * accumulates into drift. The schedule never skips: an exchange that is due stays due until it
 * is {@linkplain #take() taken}, however late, which is what keeps an open-loop run honest about
 * coordinated omission (giltene/wrk2 {@code usec_to_next_send}).
 *
 * <p>Not thread-safe: each generator thread owns one and offsets its {@code firstNanos} so that the
 * threads' schedules interleave into one even schedule.
 */
final class Schedule {

    private final long firstNanos;
    private final double intervalNanos;
    private final long endNanos;
    private long taken;

    /**
     * @param firstNanos    the intended start of the first exchange ({@link System#nanoTime()} scale)
     * @param intervalNanos the time between intended starts; positive
     * @param endNanos      no exchange is intended at or after this time
     */
    Schedule(long firstNanos, double intervalNanos, long endNanos) {
        if (!(intervalNanos > 0)) {
            throw new IllegalArgumentException("interval must be > 0, got " + intervalNanos);
        }
        this.firstNanos = firstNanos;
        this.intervalNanos = intervalNanos;
        this.endNanos = endNanos;
    }

    /**
     * The open-loop schedule of generator thread {@code thread} of {@code threads}, in a generator
     * that runs {@code shardRate} exchanges per second as {@code shard} of a fleet (null when alone).
     * The fleet's schedule has one slot every {@code 1 / (shardRate * N)} seconds; slot
     * {@code shard + k * N} belongs to this shard, and the shard's slots go to its threads in turn,
     * so every thread of every shard interleaves into one even schedule at the fleet's rate.
     */
    static Schedule openLoop(long startNanos, double shardRate, Shard shard, int thread, int threads, long endNanos) {
        int shards = shard == null ? 1 : shard.count();
        int shardIndex = shard == null ? 0 : shard.index();
        double slot = 1e9 / (shardRate * shards);
        return new Schedule(startNanos + Math.round((shardIndex + (long) thread * shards) * slot), slot * shards * threads, endNanos);
    }

    /** The intended start of the next exchange not yet taken, or {@link Long#MAX_VALUE} when the schedule is over. */
    long nextNanos() {
        long next = firstNanos + Math.round(taken * intervalNanos);
        return next >= endNanos ? Long.MAX_VALUE : next;
    }

    /** True when the next exchange's intended start is at or before {@code now}. */
    boolean isDue(long now) {
        return nextNanos() <= now;
    }

    /** How far behind the schedule is at {@code now}: now minus the oldest due intended start, or 0. */
    long lagNanos(long now) {
        long next = nextNanos();
        return next == Long.MAX_VALUE || next > now ? 0 : now - next;
    }

    /** Nanoseconds from {@code now} until the next exchange is due: 0 when one is due, {@link Long#MAX_VALUE} when over. */
    long nanosUntilNext(long now) {
        long next = nextNanos();
        return next == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, next - now);
    }

    /** Takes the next exchange and returns its intended start; call only when one remains. */
    long take() {
        long next = nextNanos();
        if (next == Long.MAX_VALUE) {
            throw new IllegalStateException("the schedule is over");
        }
        taken++;
        return next;
    }

    /** True when every exchange of the schedule has been taken. */
    boolean isOver() {
        return nextNanos() == Long.MAX_VALUE;
    }

    long taken() {
        return taken;
    }
}
