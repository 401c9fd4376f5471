package io.greetbench.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The generator's suite on raw Linux sockets and epoll. */
class EpollLoadGeneratorTest extends LoadGeneratorSuite {

    @Override
    IoEngine engine() {
        return IoEngine.EPOLL;
    }

    @Test
    void autoShouldTakeEpollOnThisJdk() {
        // The build and the tests run on the JDK 25 toolchain with native access granted, on Linux.
        assertNull(IoEngine.epollUnavailableReason());
        assertEquals(IoEngine.EPOLL, IoEngine.AUTO.resolved());
    }
}
