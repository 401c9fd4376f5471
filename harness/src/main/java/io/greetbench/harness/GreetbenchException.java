package io.greetbench.harness;

import java.io.Serial;

/**
 * A failure that is not a bug, with a one-line message for the user. Domain code throws one of
 * the typed subclasses; only the command line's {@code Main} decides which exit code each maps to
 * and prints the message without a stack trace (as JMH's {@code Main} maps its
 * {@code RunnerException}). Anything else that escapes a command is a bug and keeps its stack trace.
 */
public abstract sealed class GreetbenchException extends RuntimeException
        permits BadInputException, CannotListenException, ToolFailureException, UnreachableException {

    @Serial
    private static final long serialVersionUID = 1L;

    protected GreetbenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
