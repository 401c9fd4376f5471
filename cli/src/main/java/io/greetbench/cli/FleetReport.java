package io.greetbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.greetbench.fleet.FleetRun;
import io.greetbench.fleet.ShardReport;
import java.io.PrintWriter;
import java.util.Locale;

/** How a fleet's merged result is printed, for {@code load --generators} and {@code kube-load}. */
final class FleetReport {

    private FleetReport() {
    }

    /** Prints the merged result and returns the exit code: 0 when complete and valid, else 7. */
    static int print(FleetRun.Result result, PrintWriter out, PrintWriter err) {
        JsonNode m = result.merged();
        JsonNode c = m.path("corrected");
        out.printf(Locale.ROOT, "%d shards, %d exchanges, requested %.1f/s, achieved %.1f/s, start skew %.1f ms%n",
                m.path("shard_count").asInt(), m.path("exchanges").asLong(), m.path("requested_rate").asDouble(),
                m.path("achieved_rate").asDouble(), m.path("start_skew_ms").asDouble());
        out.printf(Locale.ROOT, "  corrected latency (us): p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  (count %d)%n",
                c.path("p50").asDouble(), c.path("p90").asDouble(), c.path("p99").asDouble(), c.path("p99.9").asDouble(),
                c.path("max").asDouble(), c.path("count").asLong());
        out.printf(Locale.ROOT, "  errors: %d%n", m.path("errors_total").asLong());
        if (m.path("overloaded").asBoolean(false)) {
            out.println("  OVERLOADED (a valid result): " + m.path("overloaded_reason").asText());
        }
        for (ShardReport r : result.shards()) {
            out.printf(Locale.ROOT, "  shard %d on %s: %s%n", r.index(), r.host(), r.ok()
                    ? r.summary().path("exchanges").asLong() + " exchanges, started " + r.summary().path("start_late_ms").asDouble() + " ms late"
                    : "FAILED: " + r.failure());
        }
        out.println("merged summary: " + result.json() + (result.hlog() == null ? "" : ", interval log: " + result.hlog()));
        out.flush();
        if (!result.valid()) {
            err.println("greetbench: " + (result.partial() ? "partial" : "invalid") + " fleet run: " + m.path("invalid_reason").asText());
            err.flush();
            return ExitCode.INVALID_RUN.code();
        }
        return ExitCode.OK.code();
    }
}
