package io.greetbench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --start-at}: a run waits for its instant, says how late it began, and is invalid when too late. */
class StartBarrierTest {

    @Test
    @Timeout(30)
    void shouldWaitForTheInstantAndReportHowLateItBegan() throws Exception {
        try (TestServer server = new TestServer(TestServer.Behaviour.GREET)) {
            Instant at = Instant.now().plusMillis(700);
            LoadResult r = LoadGenerator.run(LoadSpec.builder(server.address()).closed(2).threads(1)
                    .duration(Duration.ofMillis(300)).warmup(Duration.ZERO).startAt(at).shard(new Shard(1, 2)).build(),
                    ProgressListener.NONE);
            assertNotNull(r.startLate());
            assertFalse(r.startLate().isNegative(), "never before the instant: " + r.startLate());
            assertEquals(at.toEpochMilli(), r.recordingStartEpochMillis(), "the window hangs on the instant");
            JsonNode json = new ObjectMapper().readTree(r.toJson());
            assertEquals(at.toEpochMilli(), json.path("start_at_ms").asLong());
            assertTrue(json.has("start_late_ms"));
            assertEquals(1, json.path("shard").path("index").asInt());
            assertEquals(r.corrected().getTotalCount(), Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(json.path("histograms").path("corrected").asText())), 0).getTotalCount(),
                    "the summary carries its histogram, exactly");
        }
    }

    @Test
    @Timeout(30)
    void shouldBeInvalidWhenItBeganLaterThanTheTolerance() throws Exception {
        try (TestServer server = new TestServer(TestServer.Behaviour.GREET)) {
            LoadResult r = LoadGenerator.run(LoadSpec.builder(server.address()).closed(1).threads(1)
                    .duration(Duration.ofMillis(200)).warmup(Duration.ZERO).startAt(Instant.now().minusSeconds(1))
                    .startTolerance(Duration.ofMillis(100)).build(), ProgressListener.NONE);
            assertFalse(r.valid());
            assertTrue(r.invalidReason().contains("after --start-at"), r.invalidReason());
        }
    }
}
