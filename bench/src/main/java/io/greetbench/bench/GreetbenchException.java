package io.greetbench.bench;

import java.io.Serial;

/**
 * A failure with a one-line message for the user and the exit code it maps to. Commands throw it
 * for conditions that are not bugs (an unreachable target, a server that would not start);
 * {@link Main} prints the message without a stack trace.
 */
public final class GreetbenchException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public GreetbenchException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public GreetbenchException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
