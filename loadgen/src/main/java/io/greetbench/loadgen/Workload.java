package io.greetbench.loadgen;

/** The three ways the generator drives a server; {@link LoadSpec} describes each one's options. */
public enum Workload {
    /**
     * {@code -c N}: N exchanges always in flight; each connection slot starts its next exchange as
     * soon as the last one ends. The maximum-throughput workload; it hides server stalls
     * (coordinated omission), which is why {@link #OPEN} exists.
     */
    CLOSED,
    /**
     * {@code -R rate}: exchanges start on a constant schedule whatever the server does; latency
     * is timed from each exchange's intended start (corrected) and from its actual start (raw).
     */
    OPEN,
    /**
     * {@code --held N}: open N connections, keep them idle for a think time, then complete one
     * exchange on each. The C10K workload; it measures what idle connections cost a server.
     */
    HELD
}
