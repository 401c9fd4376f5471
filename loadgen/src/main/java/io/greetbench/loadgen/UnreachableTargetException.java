package io.greetbench.loadgen;

import java.io.Serial;

/**
 * The target could not be reached at all before the run started: nothing listens there, the host
 * is unknown, or the connect timed out. The message is one line for the user.
 */
public final class UnreachableTargetException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    public UnreachableTargetException(String message, Throwable cause) {
        super(message, cause);
    }
}
