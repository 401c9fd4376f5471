package io.greetbench.harness;

import java.io.Serial;

/** A server could not listen: the address is in use, permission was denied, or the transport is unavailable. */
public final class CannotListenException extends GreetbenchException {

    @Serial
    private static final long serialVersionUID = 1L;

    public CannotListenException(String message, Throwable cause) {
        super(message, cause);
    }
}
