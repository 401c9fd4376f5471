package io.greetbench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IoEngineTest {

    @Test
    void shouldFallBackToChannelsWhereEpollCannotRun() {
        assertTrue(IoEngine.platformReason(21, "Linux", "amd64").contains("JDK 22"));
        assertTrue(IoEngine.platformReason(25, "Mac OS X", "aarch64").contains("Linux"));
        assertTrue(IoEngine.platformReason(25, "Linux", "riscv64").contains("riscv64"));
        assertNull(IoEngine.platformReason(22, "Linux", "amd64"));
        assertNull(IoEngine.platformReason(25, "Linux", "aarch64"));
    }

    @Test
    void shouldParseTheCommandLineNames() {
        assertEquals(IoEngine.EPOLL, IoEngine.parse(" Epoll "));
        assertEquals(IoEngine.NIO, IoEngine.parse("nio"));
        assertEquals("auto", IoEngine.AUTO.label());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IoEngine.parse("uring"));
        assertTrue(e.getMessage().contains("auto, epoll or nio"), e.getMessage());
    }
}
