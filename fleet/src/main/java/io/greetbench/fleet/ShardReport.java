package io.greetbench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/**
 * What one shard of a fleet came back with: its {@code load --json} summary and interval log, or
 * why there is none (it died, could not be reached, or never reported). A fleet with any failed
 * shard is {@code partial}, and the result names the shard.
 *
 * @param index   the shard's index, 0 to N-1
 * @param host    where it ran
 * @param summary its JSON summary, or null when it failed
 * @param hlog    its interval log, or null
 * @param failure why it has no summary, or null
 */
public record ShardReport(int index, String host, JsonNode summary, Path hlog, String failure) {

    public ShardReport {
        if ((summary == null) == (failure == null)) {
            throw new IllegalArgumentException("a shard report has either a summary or a failure");
        }
    }

    static ShardReport failed(int index, String host, String why) {
        return new ShardReport(index, host, null, null, why);
    }

    public boolean ok() {
        return failure == null;
    }
}
