package io.greetbench.gate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.greetbench.capacity.CapacityResult;
import io.greetbench.capacity.CapacitySearch;
import io.greetbench.capacity.CapacitySettings;
import io.greetbench.capacity.ServerCpuMeter;
import io.greetbench.capacity.Slo;
import io.greetbench.harness.CpuPlacement;
import io.greetbench.harness.ServerProcess;
import io.greetbench.harness.ToolFailureException;
import io.greetbench.harness.UnreachableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The baseline's capacity on one server, the basis of every {@code open:<percent>%cap} workload:
 * found once, by a short capacity search ({@link GateSettings#capacitySearch}) on the baseline's
 * fresh server in that server's first round, after the warm-up and before anything is measured,
 * and then fixed for every round of that server, as {@code open:<percent>%}'s closed-loop rate is.
 *
 * <p>A capacity of 0 (the baseline missed the SLO at the search's first, lowest step) or an
 * unknown one (the generator was the bound before any step passed) fails the gate as a tool
 * failure, naming the server and the search's reason: a baseline that cannot keep the SLO at the
 * lowest rate has no comfortable share to gate its tail at, and falling back to a share of the
 * closed loop would gate latency at a rate already known to miss the SLO. A capacity found only as
 * a lower bound (the generator was the limit above it) is used, and reads {@code ≥}: the rate is
 * then a share of at least that much, more comfortable for the server, never less.
 *
 * <p>Threading: {@link #search} blocks its caller for the whole search (the load generator starts
 * its own threads per step); the record itself is immutable.
 *
 * @param server the server's name in rows
 * @param result what the search found; its rate is above 0
 * @param took   the wall time of the search, left out of the round's length when the gate
 *               estimates whether another round fits the budget
 * @param rates  every capacity-share workload's name with the rate it stands for, exchanges per second
 */
public record GateCapacity(String server, CapacityResult result, Duration took, Map<String, Double> rates) {

    public GateCapacity {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(took, "took");
        rates = Collections.unmodifiableMap(new LinkedHashMap<>(rates));
    }

    /**
     * The capacity behind {@code workloads}' capacity shares; the others are not given a rate here.
     *
     * @throws ToolFailureException when the capacity is 0 or unknown, in one line that names the
     *                              server, the SLO, the search's reason and what to do instead
     */
    static GateCapacity of(String server, CapacityResult result, Duration took, List<GateWorkload> workloads) {
        if (!(result.rate() > 0)) {
            throw new ToolFailureException(server + ": the baseline's capacity at " + result.slo() + " is "
                    + (result.lowerBound() ? "unknown" : "0") + " (" + result.reason() + "), so "
                    + String.join(", ", shares(workloads).stream().map(GateWorkload::name).toList())
                    + " has no rate; give a looser --capacity-slo, or a rate as open:<exchanges per second>");
        }
        Map<String, Double> rates = new LinkedHashMap<>();
        for (GateWorkload w : shares(workloads)) {
            rates.put(w.name(), w.atCapacity(result.rate()).amount());
        }
        return new GateCapacity(server, result, took, rates);
    }

    /**
     * Searches the capacity of the baseline's {@code server} process, which runs on the
     * placement's server CPUs while this JVM, the generator, is pinned to the rest (as for every
     * slice), each step printed through {@code progress}.
     *
     * @throws ToolFailureException when the server stops accepting or exits during the search, or
     *                              its capacity is 0 or unknown ({@link #of})
     */
    static GateCapacity search(String serverName, ServerProcess server, CpuPlacement placement, CapacitySettings settings,
                               List<GateWorkload> workloads, Consumer<String> progress) {
        ServerCpuMeter meter = new ServerCpuMeter() {
            @Override
            public long cpuNanos() {
                return server.cpuNanos();
            }

            @Override
            public double allotment() {
                return placement.serverCpuCount();
            }
        };
        progress.accept(serverName + " baseline capacity at " + settings.slo() + " for "
                + String.join(", ", shares(workloads).stream().map(GateWorkload::name).toList()) + ": open loop from "
                + rate(settings.startRate()) + "/s, at most " + settings.maxSteps() + " steps of "
                + settings.stepDuration().toMillis() + " ms");
        long began = System.nanoTime();
        CapacityResult result;
        try {
            result = CapacitySearch.run(server.address(), settings, meter,
                    step -> progress.accept(serverName + " capacity " + step.line(settings.slo()).strip()));
        } catch (UnreachableException e) {
            throw new ToolFailureException(serverName + " baseline: the server stopped accepting during the capacity search: "
                    + e.getMessage(), e);
        }
        if (!server.isAlive()) {
            throw new ToolFailureException(serverName + " baseline: the server exited during the capacity search; its stderr: "
                    + server.stderrTail(3));
        }
        GateCapacity capacity = of(serverName, result, Duration.ofNanos(System.nanoTime() - began), workloads);
        for (Map.Entry<String, Double> r : capacity.rates().entrySet()) {
            progress.accept(serverName + " " + r.getKey() + ": " + rate(r.getValue()) + " exchanges/s, that share of the baseline's "
                    + "capacity " + capacity.rateText() + " at " + result.slo() + " (searched in " + capacity.took().toSeconds()
                    + " s" + (result.lowerBound() ? "; a lower bound: " + result.reason() : "") + "), for every round");
        }
        return capacity;
    }

    /** {@code 7,620/s}, or {@code ≥ 7,620/s} when the search found only a lower bound. */
    String rateText() {
        return (result.lowerBound() ? "≥ " : "") + rate(result.rate()) + "/s";
    }

    /** The rate {@code w} stands for on this server, or {@code w} itself when it is not a capacity share. */
    GateWorkload resolve(GateWorkload w) {
        return w.atCapacity(result.rate());
    }

    /**
     * A capacity-share workload as the report's {@code about.workload} shows it: {@code
     * open:50%cap of the baseline's capacity at p99=5ms (nio 3,810/s of 7,620/s, loom 2,000/s of ≥ 4,000/s)},
     * each server that had its search; the servers in {@code byServer}'s order.
     */
    static String describe(GateWorkload w, Slo slo, Map<String, GateCapacity> byServer) {
        List<String> rates = new ArrayList<>();
        for (GateCapacity c : byServer.values()) {
            Double r = c.rates().get(w.name());
            if (r != null) {
                rates.add(c.server() + " " + rate(r) + "/s of " + c.rateText());
            }
        }
        return w.name() + " of the baseline's capacity at " + slo + (rates.isEmpty() ? "" : " (" + String.join(", ", rates) + ")");
    }

    /**
     * The server's entry in the report's {@code capacity} object: the capacity search's own fields
     * ({@code rate}, {@code slo}, {@code lower_bound}, {@code failed_at}, {@code reason},
     * {@code server_judged}, {@code steps}, as {@code greetbench capacity} writes them), plus
     * {@code seconds} (the search's wall time) and {@code rates} (each capacity-share workload's
     * rate, exchanges per second).
     */
    ObjectNode json() {
        ObjectNode j = result.json();
        j.put("seconds", took.toNanos() / 1e9);
        ObjectNode r = j.putObject("rates");
        rates.forEach(r::put);
        return j;
    }

    private static List<GateWorkload> shares(List<GateWorkload> workloads) {
        return workloads.stream().filter(w -> w.basis() == GateWorkload.Basis.CAPACITY).toList();
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }
}
