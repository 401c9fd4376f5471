package io.greetbench.protocol;

/**
 * The server contract, tested once: every server module subclasses this suite with one override.
 * (Being filled in: see the conformance helper's work.)
 */
public abstract class GreetServerConformanceSuite {

    /** A new, unstarted server with the given configuration. */
    protected abstract GreetServer newServer(ServerConfig config);
}
