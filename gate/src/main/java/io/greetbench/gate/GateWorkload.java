package io.greetbench.gate;

import io.greetbench.loadgen.LoadSpec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One load the gate puts on both sides, as users type it: {@code closed:<connections>} (that many
 * connections, each sending its next request when the reply arrives), {@code open:<exchanges per
 * second>} (a constant-rate schedule) or {@code open:<percent>%} (a constant rate that is that share
 * of the baseline's closed-loop rate, measured on the same server in its first round of the same
 * run: a rate the baseline keeps comfortably on whatever machine runs the gate).
 *
 * @param name     the text that names it in rows and reports, e.g. {@code closed:64}, {@code open:35%}
 * @param open     true for a constant-rate schedule, false for a closed loop
 * @param amount   connections (a whole number) for a closed loop; exchanges per second for an open
 *                 one, or the share (a fraction in (0, 1]) of the closed-loop rate when relative
 * @param relative true for {@code open:<percent>%}, whose rate is known only once measured
 */
public record GateWorkload(String name, boolean open, double amount, boolean relative) {

    private static final Pattern FORMAT = Pattern.compile("(closed|open):(\\d+(?:\\.\\d+)?)(%?)");

    public GateWorkload {
        if (relative) {
            if (!open || !(amount > 0 && amount <= 1)) {
                throw new IllegalArgumentException("needs a share of the closed-loop rate above 0% and at most 100%, got '" + name + "'");
            }
        } else if (!(amount >= 1) || (!open && amount != Math.rint(amount))) {
            throw new IllegalArgumentException("needs a positive " + (open ? "rate" : "whole number of connections")
                    + ", got '" + name + "'");
        }
    }

    /** Parses {@code closed:64}, {@code open:5000} or {@code open:35%}; the message of a failure says what is expected. */
    public static GateWorkload parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches() || (m.group(1).equals("closed") && !m.group(3).isEmpty())) {
            throw new IllegalArgumentException("must be closed:<connections>, open:<exchanges per second> or "
                    + "open:<percent>% (of the baseline's closed-loop rate), got '" + text + "'");
        }
        boolean relative = !m.group(3).isEmpty();
        double amount = Double.parseDouble(m.group(2));
        return new GateWorkload(m.group(1) + ":" + m.group(2) + m.group(3), m.group(1).equals("open"),
                relative ? amount / 100 : amount, relative);
    }

    /** The closed loop over {@code connections} connections. */
    public static GateWorkload closed(int connections) {
        return parse("closed:" + connections);
    }

    /** A constant rate of {@code share} (0.35 = 35%) of the baseline's closed-loop rate. */
    public static GateWorkload openShare(double share) {
        return parse("open:" + GateSettings.percent(share));
    }

    /**
     * This relative workload at the rate it stands for, given the baseline's closed-loop rate; the
     * name stays as typed, so rows keep it. An absolute workload is returned as it is.
     */
    GateWorkload atClosedRate(double closedExchangesPerSecond) {
        if (!relative) {
            return this;
        }
        return new GateWorkload(name, true, Math.max(1, Math.rint(amount * closedExchangesPerSecond)), false);
    }

    /**
     * The load of one warm-up turn or one slice: no warm-up of its own (the gate warms each server
     * in turns first), the generator on {@code cpus} when placed.
     *
     * @throws IllegalStateException for a relative workload that was not given its rate
     */
    LoadSpec spec(InetSocketAddress target, Duration duration, Optional<String> cpus) {
        if (relative) {
            throw new IllegalStateException(name + " has no rate until the closed loop was measured");
        }
        LoadSpec.Builder b = LoadSpec.builder(target);
        if (open) {
            b.open(amount);
        } else {
            b.closed((int) amount);
        }
        return b.duration(duration).warmup(Duration.ZERO).cpus(cpus.orElse(null)).build();
    }

    /** The name as typed, which is also how picocli shows a default. */
    @Override
    public String toString() {
        return name;
    }
}
