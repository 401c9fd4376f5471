package io.greetbench.harness;

import java.io.Serial;

/** The target could not be reached at all: connection refused, no route, unknown host. */
public final class UnreachableException extends GreetbenchException {

    @Serial
    private static final long serialVersionUID = 1L;

    public UnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
