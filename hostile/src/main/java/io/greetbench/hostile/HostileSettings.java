package io.greetbench.hostile;

import java.util.List;

/**
 * Knobs of one hostile-suite run.
 *
 * @param quick           small workloads, for the test run; the full sizes are the issue's
 * @param heldConnections how many idle connections the held-connection case tries to hold
 */
public record HostileSettings(boolean quick, int heldConnections) {

    /** The targets attacked when none is named: each of greetbench's servers, in its default model. */
    public static final List<String> DEFAULT_SERVERS = List.of("nio", "netty", "loom");

    /** The held case tries 50,000: more than one process may open here, so it finds the limit. */
    public static final int DEFAULT_HELD_CONNECTIONS = 50_000;

}
