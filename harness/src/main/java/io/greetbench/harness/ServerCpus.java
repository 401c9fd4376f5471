package io.greetbench.harness;

import io.greetbench.protocol.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which CPUs the server may run on, as typed after {@code --server-cpus}: {@code half} (the first
 * half of the CPUs this process may use), a count {@code N} (the first N of them), or a list in
 * {@code taskset -c} notation with a {@code -} or {@code ,} in it ({@code 0-1}, {@code 2,3}; one
 * CPU by its number is {@code 3-3}, since a bare number is a count). The generator gets the CPUs
 * left over, so at least one must be.
 *
 * @param count a count of CPUs, or 0 when {@code list} or {@code half} says which
 * @param list  the CPUs named, or empty
 */
public record ServerCpus(int count, List<Integer> list) {

    /** The first half of the CPUs this process may use: how compare has always split them. */
    public static final ServerCpus HALF = new ServerCpus(0, List.of());

    private static final Pattern COUNT = Pattern.compile("\\d{1,4}");
    private static final Pattern LIST = Pattern.compile("\\d{1,4}(-\\d{1,4})?(,\\d{1,4}(-\\d{1,4})?)*");

    public ServerCpus {
        list = List.copyOf(list);
    }

    /**
     * Parses {@code half}, a count or a list; a {@link ConfigException}, which the command line
     * reports as a bad value, names the option and the forms it takes.
     */
    public static ServerCpus parse(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("half")) {
            return HALF;
        }
        if (COUNT.matcher(t).matches()) {
            int n = Integer.parseInt(t);
            if (n < 1) {
                throw invalid("a count must be at least 1; CPU 0 alone is written 0-0, got '" + text + "'");
            }
            return new ServerCpus(n, List.of());
        }
        if (LIST.matcher(t).matches()) {
            List<Integer> cpus = CpuPlacement.parseList(t);
            if (cpus.isEmpty() || cpus.stream().distinct().count() != cpus.size()) {
                throw invalid("lists each CPU once, in ranges that go up (e.g. 0-1 or 2,3), got '" + text + "'");
            }
            return new ServerCpus(0, cpus);
        }
        throw invalid("must be half, a count (1) or a CPU list (0-0, 0-1, 2,3), got '" + text + "'");
    }

    /**
     * The server's CPUs out of {@code allowed} (the CPUs this process may use), or why this
     * choice does not fit them: a CPU this process may not use, or none left for the generator.
     */
    public ServerCpusChoice choose(List<Integer> allowed) {
        List<Integer> server;
        if (count > 0) {
            if (count >= allowed.size()) {
                return new ServerCpusChoice(List.of(), Optional.of("--server-cpus " + count + " leaves no CPU for the load generator: this "
                        + "process may use " + allowed.size()));
            }
            server = allowed.subList(0, count);
        } else if (!list.isEmpty()) {
            List<Integer> foreign = list.stream().filter(c -> !allowed.contains(c)).toList();
            if (!foreign.isEmpty()) {
                return new ServerCpusChoice(List.of(), Optional.of("--server-cpus names CPU " + foreign.getFirst()
                        + ", which this process may not use (it may use " + CpuPlacement.join(allowed) + ")"));
            }
            if (list.size() >= allowed.size()) {
                return new ServerCpusChoice(List.of(), Optional.of("--server-cpus " + this + " leaves no CPU for the load generator"));
            }
            server = list;
        } else {
            server = allowed.subList(0, allowed.size() / 2);
        }
        return new ServerCpusChoice(List.copyOf(server), Optional.empty());
    }

    /**
     * What {@link #choose} decided.
     *
     * @param cpus    the server's CPUs, empty when {@code refusal} says why not
     * @param refusal why the choice does not fit this machine, for the user
     */
    public record ServerCpusChoice(List<Integer> cpus, Optional<String> refusal) {
    }

    private static ConfigException invalid(String rule) {
        return new ConfigException("--server-cpus", rule);
    }

    /** As typed: {@code half}, {@code 1}, {@code 0-1}. */
    @Override
    public String toString() {
        if (count > 0) {
            return Integer.toString(count);
        }
        if (list.isEmpty()) {
            return "half";
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < list.size(); ) {
            int j = i;
            while (j + 1 < list.size() && list.get(j + 1) == list.get(j) + 1) {
                j++;
            }
            parts.add(list.get(i) + "-" + list.get(j));
            i = j + 1;
        }
        return String.join(",", parts);
    }
}
