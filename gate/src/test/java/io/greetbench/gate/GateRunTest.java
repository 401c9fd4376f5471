package io.greetbench.gate;

import io.greetbench.loadgen.LoadResult;
import io.greetbench.loadgen.LoadSpec;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GateRunTest {

    private static final GateRounds.Side A = GateRounds.Side.CANDIDATE;
    private static final GateRounds.Side B = GateRounds.Side.BASELINE;

    @Test
    void shouldTakeTurnsInMirroredPairsStartingWithTheSideThatDrewFirst() {
        List<GateRounds.Side> turns = LongStream.range(0, 8).mapToObj(k -> GateRun.turnOf(k, A)).toList();
        assertEquals(List.of(A, B, B, A, A, B, B, A), turns);
    }

    @Test
    void shouldMeasureAnOpenLoopSliceAgainOnlyWhenItsGeneratorFellBehindBeyondTheLimit() {
        long limit = GateRun.SLICE_GENERATOR_LAG_LIMIT.toNanos();
        GateWorkload open = GateWorkload.parse("open:3000");
        GateWorkload closed = GateWorkload.closed(64);
        assertTrue(GateRun.measuredTheGenerator(open, slice(limit + 1)), "a GC pause of the generator's JVM");
        assertFalse(GateRun.measuredTheGenerator(open, slice(limit)), "at the limit the slice counts");
        assertFalse(GateRun.measuredTheGenerator(open, slice(2_000_000)), "the usual 1-6 ms");
        assertFalse(GateRun.measuredTheGenerator(closed, slice(limit * 5)), "a closed loop has no schedule to miss");
    }

    private static LoadResult slice(long lagMaxNanos) {
        LoadSpec spec = LoadSpec.builder(new InetSocketAddress("127.0.0.1", 9)).open(3000).duration(Duration.ofMillis(500)).build();
        return new LoadResult(spec, 1500, Duration.ofMillis(500), 3000, 3000, new Histogram(3), new Histogram(3), Map.of(),
                0, lagMaxNanos / 2, lagMaxNanos, 0, 0.2, 4, 0, 1500, 0, 0, null, true, null, Duration.ZERO, 0);
    }
}
