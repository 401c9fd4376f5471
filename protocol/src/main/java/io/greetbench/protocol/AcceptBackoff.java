package io.greetbench.protocol;

import java.io.IOException;
import java.lang.System.Logger;
import java.util.TimeZone;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * What an acceptor does when {@code accept(2)} fails, typically with {@code EMFILE}/{@code ENFILE}
 * ("Too many open files"): the pending connection stays in the kernel's queue, so retrying at once
 * fails again at once and turns the accept loop into a busy spin that logs a stack trace per
 * attempt (the reference's behaviour). Instead the acceptor pauses for an exponentially growing
 * delay, from 1 ms up to 100 ms, and logs at most one line per {@link #LOG_INTERVAL_NANOS}, with a
 * count of what it suppressed. The first successful accept resets the delay.
 *
 * <p>Not thread-safe: each acceptor thread owns one instance.
 */
public final class AcceptBackoff {

    static {
        // The first warning is logged exactly when no descriptor is left, and the first record
        // java.util.logging formats loads classes and the time-zone database (lib/tzdb.dat, through
        // sun.util.calendar.ZoneInfoFile) lazily: failing to open them throws an Error that ends
        // the accept loop for good. Format one record now, while descriptors are free, and load the
        // full zone database (a region id, unlike UTC, cannot be served without it).
        TimeZone.getTimeZone("Europe/Paris");
        LogRecord record = new LogRecord(Level.WARNING, "accept failed");
        record.setThrown(new IOException("Too many open files"));
        new SimpleFormatter().format(record);
    }

    static final long MIN_DELAY_NANOS = 1_000_000L;
    static final long MAX_DELAY_NANOS = 100_000_000L;
    static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final Logger logger;
    private long delayNanos;
    private long lastLogNanos;
    private boolean loggedOnce;
    private long suppressed;

    public AcceptBackoff(Logger logger) {
        this.logger = logger;
    }

    /** Records a failed accept and returns how long to wait, in nanoseconds, before accepting again. */
    public long onFailure(IOException failure) {
        delayNanos = delayNanos == 0 ? MIN_DELAY_NANOS : Math.min(MAX_DELAY_NANOS, delayNanos * 2);
        long now = System.nanoTime();
        if (!loggedOnce || now - lastLogNanos >= LOG_INTERVAL_NANOS) {
            logger.log(Logger.Level.WARNING, "accept failed, backing off" + (suppressed > 0 ? " (" + suppressed + " more failures since the last report)" : "") + ": " + failure);
            loggedOnce = true;
            lastLogNanos = now;
            suppressed = 0;
        } else {
            suppressed++;
        }
        return delayNanos;
    }

    /** Records a successful accept: the next failure starts again from the shortest delay. */
    public void onSuccess() {
        delayNanos = 0;
    }

    /** The current delay, zero when the last accept succeeded. */
    public long currentDelayNanos() {
        return delayNanos;
    }
}
