package io.greetbench.netty;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Proves {@link LeakCheck} can fail: a buffer dropped without release must be reported. */
@ExtendWith(LeakCheck.class)
class LeakCheckTest {

    @Test
    @Timeout(30)
    void shouldRecordABufferCollectedWithoutRelease() throws InterruptedException {
        leakOne();
        for (int round = 0; round < 50 && LeakCheck.leaks().isEmpty(); round++) {
            System.gc();
            Thread.sleep(20);
            PooledByteBufAllocator.DEFAULT.directBuffer(8).release();
        }
        boolean reported = !LeakCheck.leaks().isEmpty();
        // Only this deliberate leak may be in the list; clear it so afterAll checks the rest.
        LeakCheck.leaks().clear();
        assertTrue(reported, "the deliberate leak was not reported");
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(8);
        leaked.writeByte(1);
    }
}
