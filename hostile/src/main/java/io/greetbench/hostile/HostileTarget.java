package io.greetbench.hostile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A server the hostile suite attacks: one of greetbench's own ({@code nio}, {@code netty},
 * {@code netty:epoll}, {@code loom:platform}, ...) started as {@code greetbench serve} in a child
 * JVM, or an external command with a {@code {port}} placeholder (the C or Python reference), to
 * which the suite can pass no options.
 *
 * @param name     how the target appears in the results table
 * @param serveArgs {@code serve} arguments naming the server and its model option; empty for an
 *                 external command
 * @param command  the external command template; empty for a greetbench server
 */
public record HostileTarget(String name, List<String> serveArgs, String command) {

    public HostileTarget {
        serveArgs = List.copyOf(serveArgs);
    }

    /**
     * Parses {@code nio}, {@code netty}, {@code netty:<transport>}, {@code loom},
     * {@code loom:<virtual|platform>}, or {@code NAME=COMMAND} for an external server.
     */
    public static HostileTarget parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq > 0) {
            String command = spec.substring(eq + 1);
            if (!command.contains("{port}")) {
                throw new IllegalArgumentException("external server '" + spec + "' needs a {port} placeholder in its command");
            }
            return new HostileTarget(spec.substring(0, eq), List.of(), command);
        }
        String[] parts = spec.toLowerCase(Locale.ROOT).split(":", 2);
        String kind = parts[0];
        List<String> args = new ArrayList<>(List.of(kind));
        switch (kind) {
            case "nio" -> {
                if (parts.length > 1) {
                    throw new IllegalArgumentException("nio takes no variant, got '" + spec + "'");
                }
            }
            case "netty" -> {
                if (parts.length > 1) {
                    args.addAll(List.of("--transport", parts[1]));
                }
            }
            case "loom" -> {
                if (parts.length > 1) {
                    args.addAll(List.of("--threads", parts[1]));
                }
            }
            default -> throw new IllegalArgumentException("unknown server '" + spec
                    + "' (expected nio, netty[:TRANSPORT], loom[:virtual|platform] or NAME=COMMAND with {port})");
        }
        return new HostileTarget(spec, args, "");
    }

    public boolean isGreetbench() {
        return command.isEmpty();
    }

    public boolean isNetty() {
        return isGreetbench() && serveArgs.getFirst().equals("netty");
    }
}
