package io.greetbench.loadgen;

import java.io.IOException;

/** A failed socket operation, already classified, so engines that see errno and engines that see exceptions report alike. */
final class IoFailure extends IOException {

    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;

    IoFailure(ErrorKind kind, String message) {
        super(message, null);
        this.kind = kind;
    }

    IoFailure(ErrorKind kind, IOException cause) {
        super(cause.getMessage(), cause);
        this.kind = kind;
    }

    ErrorKind kind() {
        return kind;
    }

    // Thrown once per failed exchange, which can be thousands a second against a dead server;
    // the stack trace would be the costliest part and nobody reads it.
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
