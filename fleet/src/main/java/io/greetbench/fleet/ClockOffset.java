package io.greetbench.fleet;

import java.util.List;

/**
 * How far a remote host's clock is ahead of this one, estimated the way NTP's simplest form does:
 * over one established connection, ask for the remote time several times; for each sample the
 * remote reading belongs to the middle of the round trip, so {@code offset = remote - (sent +
 * received) / 2}, uncertain by half the round trip. The sample with the shortest round trip wins,
 * because queueing on either side only ever lengthens a round trip and skews its midpoint.
 *
 * @param offsetNanos      remote clock minus local clock
 * @param roundTripNanos   the round trip of the sample used; the offset is good to half of it
 */
public record ClockOffset(long offsetNanos, long roundTripNanos) {

    public static final ClockOffset NONE = new ClockOffset(0, 0);

    /** One question and its answer: local epoch nanos when sent and received, remote epoch nanos. */
    public record Sample(long sentEpochNanos, long remoteEpochNanos, long receivedEpochNanos) {
        public Sample {
            if (receivedEpochNanos < sentEpochNanos) {
                throw new IllegalArgumentException("a sample was received before it was sent");
            }
        }

        long roundTripNanos() {
            return receivedEpochNanos - sentEpochNanos;
        }
    }

    /** The estimate from the sample with the shortest round trip. */
    public static ClockOffset estimate(List<Sample> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no clock sample");
        }
        Sample best = samples.getFirst();
        for (Sample s : samples) {
            if (s.roundTripNanos() < best.roundTripNanos()) {
                best = s;
            }
        }
        long midpoint = best.sentEpochNanos() + best.roundTripNanos() / 2;
        return new ClockOffset(best.remoteEpochNanos() - midpoint, best.roundTripNanos());
    }

    /** The remote clock's reading at the local instant {@code localEpochMillis}. */
    public long toRemoteEpochMillis(long localEpochMillis) {
        return localEpochMillis + Math.round(offsetNanos / 1e6);
    }
}
