package io.greetbench.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class GateRunTest {

    private static final GateRounds.Side A = GateRounds.Side.CANDIDATE;
    private static final GateRounds.Side B = GateRounds.Side.BASELINE;

    @Test
    void shouldTakeTurnsInMirroredPairsStartingWithTheSideThatDrewFirst() {
        List<GateRounds.Side> turns = LongStream.range(0, 8).mapToObj(k -> GateRun.turnOf(k, A)).toList();
        assertEquals(List.of(A, B, B, A, A, B, B, A), turns);
    }
}
