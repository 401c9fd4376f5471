package io.greetbench.hostile;

import java.util.ArrayList;
import java.util.List;

/**
 * How one hostile case wants its server started: extra {@code serve} options (a short idle
 * timeout, a connection cap) and an optional descriptor limit applied with {@code prlimit}, so
 * that only the child runs short of descriptors, never the client.
 *
 * @param serveOptions options appended after the target's own {@code serve} arguments
 * @param nofileLimit  RLIMIT_NOFILE for the child, or 0 to inherit this process's
 * @param jvmOptions   extra child JVM options
 */
public record ServerLaunch(List<String> serveOptions, int nofileLimit, List<String> jvmOptions) {

    /** The options most cases use: timeouts short enough that a case ends in seconds. */
    static final List<String> SHORT_TIMEOUTS = List.of("--idle-timeout", "2s", "--linger-timeout", "2s");

    public ServerLaunch {
        serveOptions = List.copyOf(serveOptions);
        jvmOptions = List.copyOf(jvmOptions);
    }

    static ServerLaunch standard() {
        return new ServerLaunch(SHORT_TIMEOUTS, 0, List.of());
    }

    /** The short timeouts plus {@code serveOptions}, which win over them (picocli rejects repeats). */
    public static ServerLaunch with(String... serveOptions) {
        List<String> given = List.of(serveOptions);
        List<String> all = new ArrayList<>();
        for (int i = 0; i < SHORT_TIMEOUTS.size(); i += 2) {
            if (!given.contains(SHORT_TIMEOUTS.get(i))) {
                all.addAll(SHORT_TIMEOUTS.subList(i, i + 2));
            }
        }
        all.addAll(given);
        return new ServerLaunch(all, 0, List.of());
    }

    ServerLaunch withNofileLimit(int limit) {
        return new ServerLaunch(serveOptions, limit, jvmOptions);
    }
}
