package io.greetbench.capacity;

/**
 * Which side set the limit of one step, so a figure is never the generator's limit presented as
 * the server's. The JSON and the step lines use {@link #key()}.
 */
public enum BoundBy {
    /** The server used (nearly) all the CPU it may use: the step measured the server. */
    SERVER("server"),
    /** The generator used (nearly) all its CPU, or fell behind its own schedule: the server was not measured. */
    GENERATOR("generator"),
    /** Neither side was saturated (a server that sleeps, waits on a lock, or simply had spare CPU). */
    NEITHER("neither"),
    /** The generator was not the bound; the server's side was not read (no {@code --pid}). */
    NOT_GENERATOR("not_generator");

    private final String key;

    BoundBy(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    @Override
    public String toString() {
        return key;
    }
}
