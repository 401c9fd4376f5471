package io.greetbench.capacity;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.greetbench.loadgen.SummaryJson;
import java.util.List;
import java.util.Objects;

/**
 * What a capacity search found.
 *
 * @param slo        what each step had to meet
 * @param rate       the highest rate that passed, exchanges per second; 0 when the first step failed
 * @param lowerBound the capacity is at least {@code rate} and the search could not tell how much
 *                   more (the generator was the bound, or no step failed within the step limit)
 * @param failedAt   the lowest rate that failed, or NaN when none did
 * @param steps      every step, in the order run
 * @param reason     how the search ended, in words
 */
public record CapacityResult(Slo slo, double rate, boolean lowerBound, double failedAt, List<CapacityStep> steps,
                             String reason) {

    public CapacityResult {
        Objects.requireNonNull(slo, "slo");
        Objects.requireNonNull(reason, "reason");
        steps = List.copyOf(steps);
    }

    /** Whether the server's side was read, so that a step could be found server-bound. */
    public boolean serverJudged() {
        return steps.stream().anyMatch(s -> !Double.isNaN(s.measured().serverUtilization()));
    }

    /**
     * {@code 12,800/s}, {@code >= 12,800/s}, or {@code unknown} when the generator was the bound
     * before any step passed: how the capacity reads in a table.
     */
    public String rateText() {
        if (lowerBound && rate == 0) {
            return "unknown";
        }
        return (lowerBound ? ">= " : "") + CapacitySearch.rate(rate) + "/s";
    }

    /** The result's lines after the steps: the capacity, how the search ended, and what was judged. */
    public String summary() {
        return "Capacity at " + slo + ": " + rateText() + (lowerBound && rate > 0 ? " (a lower bound)" : "") + "\n"
                + "  " + reason + "\n"
                + (serverJudged() ? "" : "  Server side not judged (no --pid): bound_by says only whether the generator was the limit.\n");
    }

    /**
     * The {@code capacity} object: {@code rate}, {@code slo}, {@code lower_bound},
     * {@code failed_at}, {@code reason}, {@code server_judged} and {@code steps}; also what Jackson
     * writes for a result inside another document (compare's {@code results.json}), so both read alike.
     */
    @JsonValue
    public ObjectNode json() {
        ObjectNode j = SummaryJson.object();
        j.set("rate", SummaryJson.decimal(rate));
        ObjectNode s = j.putObject("slo");
        s.put("text", slo.toString());
        s.set("percentile", SummaryJson.decimal(slo.percentile()));
        s.set("limit_us", SummaryJson.decimal(slo.limit().toNanos() / 1e3));
        j.put("lower_bound", lowerBound);
        j.set("failed_at", SummaryJson.decimal(failedAt));
        j.put("reason", reason);
        j.put("server_judged", serverJudged());
        ArrayNode list = j.putArray("steps");
        steps.forEach(step -> list.add(step.json()));
        return j;
    }
}
