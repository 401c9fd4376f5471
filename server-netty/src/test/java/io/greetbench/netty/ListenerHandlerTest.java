package io.greetbench.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The listener's accept control on an {@link EmbeddedChannel} standing in for the listening
 * socket, with Netty's fake clock: accept failures (EMFILE cannot be provoked in-process without
 * starving the test JVM itself) and the cap's pause and resume.
 */
@ExtendWith(LeakCheck.class)
class ListenerHandlerTest {

    @Test
    void shouldPauseAfterAcceptFailureAndResumeAfterBackoffWithoutPassingItOn() {
        EmbeddedChannel listener = new EmbeddedChannel(new ListenerHandler(new ConnectionGate(10)));
        listener.freezeTime();
        listener.pipeline().fireExceptionCaught(new IOException("Too many open files"));
        // Consumed here: never reaches ServerBootstrapAcceptor (1 s pause) or the tail (stack trace).
        listener.checkException();
        assertFalse(listener.config().isAutoRead(), "accepting must pause after a failed accept");
        listener.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertTrue(listener.config().isAutoRead(), "accepting must resume after the first back-off delay");
        listener.finishAndReleaseAll();
    }

    @Test
    void shouldBackOffLongerOnRepeatedFailures() {
        EmbeddedChannel listener = new EmbeddedChannel(new ListenerHandler(new ConnectionGate(10)));
        listener.freezeTime();
        for (int i = 0; i < 3; i++) {
            listener.pipeline().fireExceptionCaught(new IOException("Too many open files"));
        }
        // Three failures: the last delay is 4 ms, so 3 ms later the listener is still paused.
        listener.advanceTimeBy(3, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertFalse(listener.config().isAutoRead());
        listener.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        listener.runScheduledPendingTasks();
        assertTrue(listener.config().isAutoRead());
        listener.finishAndReleaseAll();
    }

    @Test
    void shouldPauseAtTheCapAndResumeWhenAConnectionCloses() {
        ConnectionGate gate = new ConnectionGate(2);
        EmbeddedChannel listener = new EmbeddedChannel(new ListenerHandler(gate));
        EmbeddedChannel first = new EmbeddedChannel();
        EmbeddedChannel second = new EmbeddedChannel();
        listener.writeInbound(first);
        assertTrue(listener.config().isAutoRead());
        listener.writeInbound(second);
        assertEquals(2, gate.open());
        assertFalse(listener.config().isAutoRead(), "accepting must pause at the cap");
        first.close();
        listener.runPendingTasks();
        assertEquals(1, gate.open());
        assertTrue(listener.config().isAutoRead(), "accepting must resume below the cap");
        second.close();
        listener.finishAndReleaseAll();
    }
}
