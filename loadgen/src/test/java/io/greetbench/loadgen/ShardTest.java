package io.greetbench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.protocol.ConfigException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardTest {

    private static final InetSocketAddress TARGET = new InetSocketAddress("127.0.0.1", 8888);

    @Test
    void shouldParseIndexAndCountOrTakeTheIndexFromTheIndexedJob() {
        assertEquals(new Shard(2, 4), Shard.parse("2/4", Map.of()));
        assertEquals(new Shard(3, 4), Shard.parse("4", Map.of(Shard.INDEX_VARIABLE, "3")));
        ConfigException noIndex = assertThrows(ConfigException.class, () -> Shard.parse("4", Map.of()));
        assertTrue(noIndex.getMessage().contains("JOB_COMPLETION_INDEX"), noIndex::getMessage);
        assertThrows(ConfigException.class, () -> Shard.parse("4/4", Map.of()));
        assertThrows(ConfigException.class, () -> Shard.parse("x/2", Map.of()));
        assertThrows(ConfigException.class, () -> Shard.parse("0/0", Map.of()));
    }

    @Test
    void shouldSplitTotalsSoTheSharesAddUp() {
        int total = 0;
        for (int i = 0; i < 3; i++) {
            total += new Shard(i, 3).share(64);
        }
        assertEquals(64, total);
        assertEquals(22, new Shard(0, 3).share(64));
        assertEquals(21, new Shard(2, 3).share(64));
    }

    @Test
    void shouldGiveEachShardItsShareOfConnectionsHeldConnectionsAndRate() {
        LoadSpec closed = LoadSpec.builder(TARGET).closed(64).shard(new Shard(1, 3)).build();
        assertEquals(21, closed.connections());
        LoadSpec open = LoadSpec.builder(TARGET).open(30_000).shard(new Shard(0, 4)).build();
        assertEquals(7_500, open.ratePerSecond(), 1e-9);
        LoadSpec held = LoadSpec.builder(TARGET).held(10_001).shard(new Shard(0, 2)).build();
        assertEquals(5_001, held.heldConnections());
        assertEquals(held, held.toBuilder().build(), "a spec turned back into a builder is not shared again");
        ConfigException tooFew = assertThrows(ConfigException.class,
                () -> LoadSpec.builder(TARGET).closed(2).shard(new Shard(2, 3)).build());
        assertTrue(tooFew.getMessage().contains("--shard"), tooFew::getMessage);
    }

    @Test
    void shouldInterleaveEveryThreadOfEveryShardIntoOneEvenSchedule() {
        double rate = 1_000;
        int shards = 3;
        int threads = 2;
        List<Long> starts = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            for (int t = 0; t < threads; t++) {
                Schedule schedule = Schedule.openLoop(0, rate / shards, new Shard(s, shards), t, threads, Duration.ofMillis(60).toNanos());
                while (!schedule.isOver()) {
                    starts.add(schedule.take());
                }
            }
        }
        Collections.sort(starts);
        assertEquals(60, starts.size(), "the fleet's 1,000/s over 60 ms");
        for (int i = 0; i < starts.size(); i++) {
            assertEquals(i * 1_000_000L, starts.get(i), "slot " + i);
        }
    }
}
