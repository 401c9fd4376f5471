package io.greetbench.gate;

import io.greetbench.loadgen.LoadSpec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One load the gate puts on both sides, as users type it: {@code closed:<connections>} (that many
 * connections, each sending its next request when the reply arrives) or
 * {@code open:<exchanges per second>} (a constant-rate schedule).
 *
 * @param name   the text that names it in rows and reports, e.g. {@code closed:64}
 * @param open   true for a constant-rate schedule, false for a closed loop
 * @param amount connections (a whole number) for a closed loop, exchanges per second for an open one
 */
public record GateWorkload(String name, boolean open, double amount) {

    private static final Pattern FORMAT = Pattern.compile("(closed|open):(\\d+(?:\\.\\d+)?)");

    public GateWorkload {
        if (!(amount >= 1) || (!open && amount != Math.rint(amount))) {
            throw new IllegalArgumentException("needs a positive " + (open ? "rate" : "whole number of connections")
                    + ", got '" + name + "'");
        }
    }

    /** Parses {@code closed:64} or {@code open:5000}; the message of a failure says what is expected. */
    public static GateWorkload parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("must be closed:<connections> or open:<exchanges per second>, got '" + text + "'");
        }
        return new GateWorkload(m.group(1) + ":" + m.group(2), m.group(1).equals("open"), Double.parseDouble(m.group(2)));
    }

    /** The closed loop over {@code connections} connections. */
    public static GateWorkload closed(int connections) {
        return parse("closed:" + connections);
    }

    /**
     * The load of one warm-up turn or one slice: no warm-up of its own (the gate warms each server
     * in turns first), the generator on {@code cpus} when placed.
     */
    LoadSpec spec(InetSocketAddress target, Duration duration, Optional<String> cpus) {
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
