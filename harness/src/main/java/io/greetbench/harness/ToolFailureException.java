package io.greetbench.harness;

import java.io.Serial;

/** greetbench could not do its work for a reason outside the user's input: a child process that would not start or crashed, an I/O error writing results, a build that failed. */
public final class ToolFailureException extends GreetbenchException {

    @Serial
    private static final long serialVersionUID = 1L;

    public ToolFailureException(String message) {
        super(message, null);
    }

    public ToolFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
