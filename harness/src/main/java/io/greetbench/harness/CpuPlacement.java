package io.greetbench.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;

/**
 * Where a measurement puts the server and the load generator: on separate CPUs when the machine
 * has at least two, so the two do not steal each other's cycles and a server's CPU time is its
 * own. The server gets the first half of the CPUs this process may use ({@code taskset -c} on its
 * command line); the generator, which is this JVM, gets the rest through
 * {@code taskset -a -p}, which re-pins every thread of this process, and threads created later
 * inherit the mask of the thread that creates them.
 *
 * @param serverCpus    the {@code taskset -c} list for the server, empty when not pinned
 * @param generatorCpus the list this JVM is pinned to, empty when not pinned
 * @param description   what was done, in one sentence, for the user and the results
 */
public record CpuPlacement(Optional<String> serverCpus, Optional<String> generatorCpus, String description) {

    /** No pinning, with the reason. */
    public static CpuPlacement none(String why) {
        return new CpuPlacement(Optional.empty(), Optional.empty(), "not pinned: " + why);
    }

    /**
     * Splits this process's CPUs between server and generator, half each, and pins this JVM to the
     * generator's half. Falls back to {@link #none} when there is one CPU or {@code taskset} is
     * missing or refused, saying why.
     */
    public static CpuPlacement split() {
        return split(ServerCpus.HALF);
    }

    /**
     * Gives the server the CPUs {@code serverCpus} chooses and the generator the rest, and pins
     * this JVM to the generator's. Falls back to {@link #none} when there is one CPU or
     * {@code taskset} is missing or refused, saying why.
     *
     * @throws BadInputException when the choice does not fit the CPUs this process may use
     */
    public static CpuPlacement split(ServerCpus serverCpus) {
        List<Integer> cpus = ALLOWED_AT_START;
        if (cpus.size() < 2) {
            return none("only " + cpus.size() + " CPU available");
        }
        ServerCpus.ServerCpusChoice choice = serverCpus.choose(cpus);
        if (choice.refusal().isPresent()) {
            throw new BadInputException(choice.refusal().get());
        }
        String server = join(choice.cpus());
        String generator = join(cpus.stream().filter(c -> !choice.cpus().contains(c)).toList());
        String failure = pinSelf(generator);
        if (failure != null) {
            return none(failure);
        }
        return new CpuPlacement(Optional.of(server), Optional.of(generator),
                "server on CPU " + server + ", load generator (this JVM, pid " + ProcessHandle.current().pid()
                        + ") on CPU " + generator + ", of " + cpus.size() + " CPUs (taskset)");
    }

    /** How many CPUs the server may run on: its list when pinned, else all this process could use. */
    public int serverCpuCount() {
        return serverCpus.map(l -> parseList(l).size()).orElse(ALLOWED_AT_START.size());
    }

    /** How many CPUs the generator (this JVM) may run on: its list when pinned, else all this process could use. */
    public int generatorCpuCount() {
        return generatorCpus.map(l -> parseList(l).size()).orElse(ALLOWED_AT_START.size());
    }

    /**
     * The CPUs this process could use when it started. Read once: after {@link #split} pins this
     * JVM, its own mask is the generator's half only.
     */
    private static final List<Integer> ALLOWED_AT_START = allowedCpus();

    /** The CPUs this process could use before any pinning, as {@code taskset} numbers them. */
    public static List<Integer> allowedAtStart() {
        return ALLOWED_AT_START;
    }

    private static List<Integer> allowedCpus() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return parseList(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or an unexpected format: fall back to a count, numbered from 0.
        }
        List<Integer> cpus = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            cpus.add(i);
        }
        return List.copyOf(cpus);
    }

    /** Parses a kernel CPU list such as {@code 0-3,8,10-11}. */
    static List<Integer> parseList(String list) {
        List<Integer> cpus = new ArrayList<>();
        for (String part : list.split(",")) {
            int dash = part.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? part.trim() : part.substring(0, dash).trim());
            int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1).trim());
            for (int i = from; i <= to; i++) {
                cpus.add(i);
            }
        }
        return List.copyOf(cpus);
    }

    static String join(List<Integer> cpus) {
        return cpus.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static String pinSelf(String cpus) {
        ProcessBuilder pb = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus,
                Long.toString(ProcessHandle.current().pid())).redirectErrorStream(true);
        try {
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "taskset failed: " + output;
            }
            return null;
        } catch (IOException e) {
            return "taskset not available (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while pinning";
        }
    }
}
