package io.greetbench.capacity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.greetbench.loadgen.LoadResult;
import io.greetbench.loadgen.SummaryJson;
import java.util.Locale;

/**
 * One judged step of the search, as listed in the output and the JSON.
 *
 * @param number   1-based, in the order run
 * @param phase    how its rate was chosen
 * @param measured what the step measured
 * @param verdict  what it says about the server at this rate
 * @param reason   the verdict in words: the percentile against the limit, or why it failed
 */
public record CapacityStep(int number, Phase phase, StepMeasurement measured, Verdict verdict, String reason) {

    /** How a step's rate was chosen. */
    public enum Phase {
        /** Growing geometrically from the start rate until a step fails. */
        GROW,
        /** Halving the bracket between the last pass and the first failure (geometric midpoint). */
        BISECT,
        /**
         * The same rate once more, after a step that failed: on a shared machine one stall of the
         * host (10-40 ms, every few seconds here) fails a one-second step at any rate, so a rate
         * fails only when two runs of it fail.
         */
        CONFIRM;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a step says about the server at its rate. */
    public enum Verdict {
        /** Valid, not overloaded, not generator-bound, and the percentile within the SLO. */
        PASS,
        /** The server did not meet the SLO at this rate (or erred, or fell behind). */
        FAIL,
        /** The generator was the bound: nothing was learned about the server, and the search stops here. */
        GENERATOR_BOUND;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean passed() {
        return verdict == Verdict.PASS;
    }

    /**
     * One line for the terminal, printed as the step ends: {@code step  3 grow  800/s  achieved
     * 800/s  p99 1.20ms  bound by neither (cpu gen 12%, server 40%)  PASS: p99 1.20ms within 5.00ms}.
     */
    public String line(Slo slo) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "step %2d %-6s %,9.0f/s  achieved %,9.0f/s  %s %9s  bound by %s (cpu gen %.0f%%",
                number, phase.key(), measured.rate(), measured.achievedRate(), slo.percentileLabel(),
                LoadResult.formatNanos(measured.percentileNanos()), measured.boundBy(), measured.generatorUtilization() * 100));
        if (!Double.isNaN(measured.serverUtilization())) {
            s.append(String.format(Locale.ROOT, ", server %.0f%%", measured.serverUtilization() * 100));
        }
        return s.append(")  ").append(verdict.name()).append(": ").append(reason).toString();
    }

    ObjectNode json() {
        ObjectNode j = SummaryJson.object();
        j.put("step", number);
        j.put("phase", phase.key());
        j.set("rate", SummaryJson.decimal(measured.rate()));
        j.set("achieved_rate", SummaryJson.decimal(measured.achievedRate()));
        j.put("exchanges", measured.exchanges());
        j.set("percentile_us", SummaryJson.decimal(measured.percentileNanos() / 1e3));
        j.put("valid", measured.valid());
        j.put("invalid_reason", measured.invalidReason());
        j.put("overloaded", measured.overloaded());
        j.put("errors", measured.errors());
        j.put("bound_by", measured.boundBy().toString());
        j.set("generator_cpu_utilization", SummaryJson.decimal(measured.generatorUtilization()));
        j.set("server_cpu_utilization", SummaryJson.decimal(measured.serverUtilization()));
        j.put("pass", passed());
        j.put("verdict", verdict.key());
        j.put("reason", reason);
        return j;
    }
}
