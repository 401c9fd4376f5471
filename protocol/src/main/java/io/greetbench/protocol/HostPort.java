package io.greetbench.protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * A server's address as people type it: {@code host:port}, or {@code [v6]:port} for an IPv6
 * literal, whose own colons would otherwise be ambiguous ({@code ::1:80} is port 80 of {@code ::1}
 * and also the whole address {@code 0:0:0:0:0:0:1:80}). The host is kept as typed and resolved only
 * when asked, so a name that does not resolve is a reachability failure, not a usage error.
 *
 * <p>The one parser of every {@code --target} option; the command line registers {@link #parse}
 * as its converter, which puts the option's name in front of these messages.
 *
 * @param host a host name or an IP literal, without brackets
 * @param port from 1 to 65535
 */
public record HostPort(String host, int port) {

    public static final int MAX_PORT = 65_535;

    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("the host is empty");
        }
        if (port < 1 || port > MAX_PORT) {
            throw new IllegalArgumentException("the port must be from 1 to " + MAX_PORT + ", got " + port);
        }
    }

    /**
     * Parses {@code host:port} or {@code [v6]:port}, surrounding spaces ignored.
     *
     * @throws IllegalArgumentException with a one-line message that quotes the text
     */
    public static HostPort parse(String text) {
        String t = text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0 || colon == t.length() - 1) {
            throw notHostPort(text);
        }
        String host = t.substring(0, colon);
        boolean bracketed = host.startsWith("[") && host.endsWith("]");
        if (bracketed) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("write an IPv6 address in brackets, such as [::1]:8888, got '" + text + "'");
        }
        if (host.isEmpty() || (!bracketed && (host.startsWith("[") || host.endsWith("]")))) {
            throw notHostPort(text);
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > MAX_PORT) {
            throw new IllegalArgumentException("the port must be from 1 to " + MAX_PORT + ", got '" + text + "'");
        }
        return new HostPort(host, port);
    }

    private static IllegalArgumentException notHostPort(String text) {
        return new IllegalArgumentException("'" + text + "' is not HOST:PORT, such as 127.0.0.1:8888 or [::1]:8888");
    }

    /** The address with the host left unresolved, for code that resolves it when it connects. */
    public InetSocketAddress unresolved() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** Looks the host up now. */
    public InetSocketAddress resolve() throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    /** As it would be typed: {@code 127.0.0.1:8888}, {@code [::1]:8888}. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
