package io.greetbench.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Test hosts made of Linux network namespaces: a bridge in the root namespace, and one namespace
 * per host with its own address on the bridge's subnet and, where asked, an OpenSSH server of its
 * own. Everything is created by {@link #create} and removed by {@link #close}, and traffic only
 * ever goes to addresses inside these namespaces.
 *
 * <p>Needs root, {@code ip} (iproute2) and, for SSH hosts, {@code /usr/sbin/sshd} and
 * {@code ssh-keygen}; {@link #unavailableBecause} says what is missing so a test can skip with
 * the reason.
 */
public final class NamespaceHosts implements AutoCloseable {

    /** One namespace: its name, its address, and its sshd's pid file (null without sshd). */
    public record Host(String namespace, String address, Path sshdPid) {
    }

    private final String prefix;
    private final String bridge;
    private final Path dir;
    private final List<Host> hosts = new ArrayList<>();
    private final int subnet;

    private NamespaceHosts(String prefix, int subnet, Path dir) {
        this.prefix = prefix;
        this.bridge = prefix + "br";
        this.subnet = subnet;
        this.dir = dir;
    }

    /** Why these hosts cannot be made here, or empty when they can. */
    public static Optional<String> unavailableBecause(boolean ssh) {
        if (!"Linux".equals(System.getProperty("os.name"))) {
            return Optional.of("network namespaces need Linux");
        }
        try {
            Process id = new ProcessBuilder("id", "-u").start();
            if (!new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().equals("0")) {
                return Optional.of("network namespaces need root");
            }
            if (run(List.of("ip", "netns", "list")) != 0) {
                return Optional.of("'ip netns' does not work here (iproute2 missing?)");
            }
            // Root in a container may still lack CAP_NET_ADMIN: try one namespace and a bridge.
            String probe = "gbprobe" + ProcessHandle.current().pid();
            boolean made = run(List.of("ip", "netns", "add", probe)) == 0;
            run(List.of("ip", "netns", "del", probe));
            boolean bridged = made && run(List.of("ip", "link", "add", probe, "type", "bridge")) == 0;
            run(List.of("ip", "link", "del", probe));
            if (!bridged) {
                return Optional.of("cannot create network namespaces and bridges here (no CAP_NET_ADMIN?)");
            }
        } catch (IOException e) {
            return Optional.of("cannot run id or ip: " + e.getMessage());
        }
        if (ssh && !(Files.isExecutable(Path.of("/usr/sbin/sshd")) && onPath("ssh") && onPath("ssh-keygen"))) {
            return Optional.of("OpenSSH is not installed (apt-get install openssh-server openssh-client; .ci/run does this)");
        }
        return Optional.empty();
    }

    /**
     * Makes {@code count} namespaces on a fresh /24 ({@code 10.<subnet>.0.x}); host {@code i} gets
     * {@code .11+i}. With {@code ssh}, each runs sshd that accepts {@link #userKey()} for root.
     */
    public static NamespaceHosts create(String prefix, int subnet, int count, boolean ssh) throws IOException {
        NamespaceHosts n = new NamespaceHosts(prefix, subnet, Files.createTempDirectory("greetbench-netns-"));
        try {
            n.setUp(count, ssh);
            return n;
        } catch (IOException | RuntimeException e) {
            n.close();
            throw e;
        }
    }

    private void setUp(int count, boolean ssh) throws IOException {
        cleanupStale();
        check(List.of("ip", "link", "add", bridge, "type", "bridge"));
        check(List.of("ip", "addr", "add", "10." + subnet + ".0.1/24", "dev", bridge));
        check(List.of("ip", "link", "set", bridge, "up"));
        if (ssh) {
            check(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host_key").toString()));
            check(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("user_key").toString()));
            Files.copy(dir.resolve("user_key.pub"), dir.resolve("authorized_keys"));
            Files.createDirectories(Path.of("/run/sshd"));
        }
        for (int i = 0; i < count; i++) {
            String ns = prefix + "h" + i;
            String veth = prefix + "v" + i;
            String address = "10." + subnet + ".0." + (11 + i);
            check(List.of("ip", "netns", "add", ns));
            hosts.add(new Host(ns, address, null));
            check(List.of("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns));
            check(List.of("ip", "link", "set", veth, "master", bridge, "up"));
            check(List.of("ip", "-n", ns, "addr", "add", address + "/24", "dev", "eth0"));
            check(List.of("ip", "-n", ns, "link", "set", "eth0", "up"));
            check(List.of("ip", "-n", ns, "link", "set", "lo", "up"));
            if (ssh) {
                Path pid = dir.resolve("sshd-" + i + ".pid");
                Path config = dir.resolve("sshd-" + i + ".conf");
                Files.writeString(config, String.join("\n",
                        "ListenAddress " + address,
                        "HostKey " + dir.resolve("host_key"),
                        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                        "PermitRootLogin prohibit-password",
                        "PasswordAuthentication no",
                        "KbdInteractiveAuthentication no",
                        "UsePAM no",
                        "StrictModes no",
                        "PidFile " + pid,
                        "") );
                check(List.of("ip", "netns", "exec", ns, "/usr/sbin/sshd", "-f", config.toString(), "-E", dir.resolve("sshd-" + i + ".log").toString()));
                hosts.set(i, new Host(ns, address, pid));
            }
        }
    }

    public List<Host> hosts() {
        return hosts;
    }

    public Path userKey() {
        return dir.resolve("user_key");
    }

    /** ssh options that log in to these hosts with the test's key and no known-hosts file. */
    public List<String> sshOptions() {
        return List.of("-i", userKey().toString(), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "LogLevel=ERROR");
    }

    /** {@code ip netns exec <ns> <command>}: a process inside host {@code i}. */
    public static List<String> inside(Host host, List<String> command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace()));
        all.addAll(command);
        return all;
    }

    @Override
    public void close() {
        for (Host h : hosts) {
            if (h.sshdPid() != null && Files.isRegularFile(h.sshdPid())) {
                try {
                    long pid = Long.parseLong(Files.readString(h.sshdPid()).trim());
                    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
                } catch (IOException | NumberFormatException e) {
                    // Removing the namespace below ends what is left of it.
                }
            }
            // Whatever still runs inside the namespace (a shard, a server) is killed with it.
            quietly(List.of("ip", "netns", "pids", h.namespace()));
            killInside(h.namespace());
            quietly(List.of("ip", "netns", "del", h.namespace()));
        }
        hosts.clear();
        quietly(List.of("ip", "link", "del", bridge));
    }

    private void cleanupStale() {
        // A run killed before its close() left these behind; the names are this fixture's own.
        for (int i = 0; i < 16; i++) {
            killInside(prefix + "h" + i);
            quietly(List.of("ip", "netns", "del", prefix + "h" + i));
        }
        quietly(List.of("ip", "link", "del", bridge));
    }

    private static void killInside(String namespace) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "pids", namespace).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\\s+")) {
                if (!line.isBlank()) {
                    ProcessHandle.of(Long.parseLong(line.trim())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | NumberFormatException e) {
            // Nothing to kill.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    private static void check(List<String> command) throws IOException {
        int exit = run(command);
        if (exit != 0) {
            throw new IOException(String.join(" ", command) + " failed with exit " + exit);
        }
    }

    private static void quietly(List<String> command) {
        try {
            run(command);
        } catch (IOException e) {
            // Best effort.
        }
    }

    private static int run(List<String> command) throws IOException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }
}
