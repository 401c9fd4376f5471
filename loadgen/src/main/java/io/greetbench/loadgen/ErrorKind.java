package io.greetbench.loadgen;

import java.util.Locale;

/** Why an exchange failed; {@link LoadResult#errors()} counts each kind. */
public enum ErrorKind {
    /** The target answered the SYN with RST: nothing listens there, or its backlog overflowed. */
    CONNECT_REFUSED("connect refused"),
    /** The connection was not established within the exchange timeout. */
    CONNECT_TIMEOUT("connect timeout"),
    /** Any other connect failure: no route, network unreachable. */
    CONNECT_FAILED("connect failed"),
    /** The generator ran out of local ports for this target ({@code EADDRNOTAVAIL}). */
    NO_LOCAL_PORT("no local port"),
    /** The generator ran out of file descriptors ({@code EMFILE}/{@code ENFILE}). */
    NO_DESCRIPTOR("no file descriptor"),
    /** The connection was reset before the whole greeting arrived. */
    RESET("reset"),
    /** Connected, but the greeting and its end of stream did not arrive within the timeout. */
    READ_TIMEOUT("read timeout"),
    /** A byte differs from the expected greeting, or more bytes arrived than it has. */
    WRONG_REPLY("wrong reply bytes"),
    /** End of stream came before the whole greeting (including a close with no reply at all). */
    SHORT_REPLY("short reply"),
    /** A held connection was closed by the server while it was idle, before its exchange. */
    CLOSED_WHILE_HELD("closed while held"),
    /** Any other I/O failure on a connection. */
    OTHER_IO("other I/O error");

    private final String label;

    ErrorKind(String label) {
        this.label = label;
    }

    /** How the summary names it, such as {@code connect refused}. */
    public String label() {
        return label;
    }

    /**
     * A connect or read timeout: the server did not answer in time. In the open loop that is the
     * server falling behind (the exchange is a lower bound in the corrected histogram and the run
     * is overloaded), not a wrong answer; every other kind makes a run invalid.
     */
    public boolean isTimeout() {
        return this == CONNECT_TIMEOUT || this == READ_TIMEOUT;
    }

    /** The JSON key, such as {@code connect_refused}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
