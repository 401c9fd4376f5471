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
 * second>} (a constant-rate schedule), {@code open:<percent>%} (a constant rate that is that share
 * of the baseline's closed-loop rate, measured on the same server in its first round of the same
 * run: a rate the baseline keeps comfortably on whatever machine runs the gate) or
 * {@code open:<percent>%cap} (that share of the baseline's capacity at the capacity SLO, found by a
 * short capacity search on the same server in its first round: a rate chosen by the latency the
 * baseline keeps, not by how fast a closed loop, often limited by the generator, drove it).
 *
 * @param name   the text that names it in rows and reports, e.g. {@code closed:64}, {@code open:35%}
 * @param open   true for a constant-rate schedule, false for a closed loop
 * @param amount connections (a whole number) for a closed loop; exchanges per second for an open
 *               one, or the share (a fraction in (0, 1]) of the basis when relative
 * @param basis  what the amount is: given as typed, or a share of a rate known only once measured
 */
public record GateWorkload(String name, boolean open, double amount, Basis basis) {

    /** What an open loop's rate is a share of; {@link #GIVEN} when the amount is the load itself. */
    public enum Basis {
        /** Connections or exchanges per second, as typed. */
        GIVEN,
        /** A share of the baseline's closed-loop exchanges per second ({@code open:35%}). */
        CLOSED_LOOP,
        /** A share of the baseline's capacity at the capacity SLO ({@code open:50%cap}). */
        CAPACITY
    }

    private static final Pattern FORMAT = Pattern.compile("(closed|open):(\\d+(?:\\.\\d+)?)(%(?:cap)?)?");

    public GateWorkload {
        if (basis != Basis.GIVEN) {
            if (!open || !(amount > 0 && amount <= 1)) {
                throw new IllegalArgumentException("needs a share of the " + (basis == Basis.CAPACITY ? "capacity" : "closed-loop rate")
                        + " above 0% and at most 100%, got '" + name + "'");
            }
        } else if (!(amount >= 1) || (!open && amount != Math.rint(amount))) {
            throw new IllegalArgumentException("needs a positive " + (open ? "rate" : "whole number of connections")
                    + ", got '" + name + "'");
        }
    }

    /**
     * Parses {@code closed:64}, {@code open:5000}, {@code open:35%} or {@code open:50%cap}; the
     * message of a failure says what is expected.
     */
    public static GateWorkload parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches() || (m.group(1).equals("closed") && m.group(3) != null)) {
            throw new IllegalArgumentException("must be closed:<connections>, open:<exchanges per second>, "
                    + "open:<percent>% (of the baseline's closed-loop rate) or open:<percent>%cap (of the baseline's capacity), got '"
                    + text + "'");
        }
        String suffix = m.group(3) == null ? "" : m.group(3);
        Basis basis = suffix.isEmpty() ? Basis.GIVEN : suffix.equals("%") ? Basis.CLOSED_LOOP : Basis.CAPACITY;
        double amount = Double.parseDouble(m.group(2));
        return new GateWorkload(m.group(1) + ":" + m.group(2) + suffix, m.group(1).equals("open"),
                basis == Basis.GIVEN ? amount : amount / 100, basis);
    }

    /** The closed loop over {@code connections} connections. */
    public static GateWorkload closed(int connections) {
        return parse("closed:" + connections);
    }

    /** A constant rate of {@code share} (0.35 = 35%) of the baseline's closed-loop rate. */
    public static GateWorkload openShare(double share) {
        return parse("open:" + GateSettings.percent(share));
    }

    /** Whether the rate is a share of something measured, so known only after the server's first round began. */
    public boolean relative() {
        return basis != Basis.GIVEN;
    }

    /**
     * This share of the baseline's closed loop at the rate it stands for, given that closed-loop
     * rate; the name stays as typed, so rows keep it. Any other workload is returned as it is.
     */
    GateWorkload atClosedRate(double closedExchangesPerSecond) {
        return basis == Basis.CLOSED_LOOP ? atShareOf(closedExchangesPerSecond) : this;
    }

    /**
     * This share of the baseline's capacity at the rate it stands for, given that capacity in
     * exchanges per second; the name stays as typed. Any other workload is returned as it is.
     */
    GateWorkload atCapacity(double capacityExchangesPerSecond) {
        return basis == Basis.CAPACITY ? atShareOf(capacityExchangesPerSecond) : this;
    }

    private GateWorkload atShareOf(double rate) {
        return new GateWorkload(name, true, Math.max(1, Math.rint(amount * rate)), Basis.GIVEN);
    }

    /**
     * The load of one warm-up turn or one slice: no warm-up of its own (the gate warms each server
     * in turns first), the generator on {@code cpus} when placed.
     *
     * @throws IllegalStateException for a relative workload that was not given its rate
     */
    LoadSpec spec(InetSocketAddress target, Duration duration, Optional<String> cpus) {
        if (relative()) {
            throw new IllegalStateException(name + " has no rate until " + (basis == Basis.CAPACITY ? "the capacity" : "the closed loop")
                    + " was measured");
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
