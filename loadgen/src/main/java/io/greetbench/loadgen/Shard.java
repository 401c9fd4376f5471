package io.greetbench.loadgen;

import io.greetbench.protocol.ConfigException;
import java.util.Map;

/**
 * One shard of a load split over N generators ({@code load --shard I/N}): it runs its share of the
 * connections (or held connections) and, in open loop, rate R/N on a schedule shifted by
 * {@code I/R}, so that the N shards' schedules interleave into the one even schedule of rate R a
 * single generator would have run.
 *
 * @param index I, from 0 to N-1
 * @param count N, at least 1
 */
public record Shard(int index, int count) {

    /** Where a Kubernetes Indexed Job puts a pod's index. */
    public static final String INDEX_VARIABLE = "JOB_COMPLETION_INDEX";

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new ConfigException("--shard", "must be I/N with 0 <= I < N, got " + index + "/" + count);
        }
    }

    /**
     * {@code I/N}, or just {@code N} inside a Kubernetes Indexed Job, where the index comes from
     * {@value #INDEX_VARIABLE} in {@code environment}.
     */
    public static Shard parse(String text, Map<String, String> environment) {
        String t = text.trim();
        int slash = t.indexOf('/');
        try {
            if (slash < 0) {
                String index = environment.get(INDEX_VARIABLE);
                if (index == null || index.isBlank()) {
                    throw new ConfigException("--shard", "'" + text + "' names the count only, which needs the index in $"
                            + INDEX_VARIABLE + " (set by a Kubernetes Indexed Job); elsewhere write I/N");
                }
                return new Shard(Integer.parseInt(index.trim()), Integer.parseInt(t));
            }
            return new Shard(Integer.parseInt(t.substring(0, slash).trim()), Integer.parseInt(t.substring(slash + 1).trim()));
        } catch (NumberFormatException e) {
            throw new ConfigException("--shard", "must be I/N (such as 0/4) or N with $" + INDEX_VARIABLE + " set, got '" + text + "'");
        }
    }

    /** This shard's part of {@code total}: the first {@code total % N} shards take one more. */
    public int share(int total) {
        return total / count + (index < total % count ? 1 : 0);
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
