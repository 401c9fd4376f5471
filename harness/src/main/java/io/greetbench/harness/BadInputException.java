package io.greetbench.harness;

import java.io.Serial;

/** What the user gave is wrong: an option's value, a file that cannot be read or is not what the option wants, a checkout that is not one. Nothing was measured. */
public final class BadInputException extends GreetbenchException {

    @Serial
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message, null);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
