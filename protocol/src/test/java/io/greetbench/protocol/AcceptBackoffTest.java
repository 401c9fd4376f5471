package io.greetbench.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class AcceptBackoffTest {

    private final AcceptBackoff backoff = new AcceptBackoff(System.getLogger(AcceptBackoffTest.class.getName()));

    @Test
    void shouldDoubleTheDelayUpToItsCeilingAndResetOnSuccess() {
        IOException emfile = new IOException("Too many open files");
        assertEquals(AcceptBackoff.MIN_DELAY_NANOS, backoff.onFailure(emfile));
        assertEquals(2 * AcceptBackoff.MIN_DELAY_NANOS, backoff.onFailure(emfile));
        for (int i = 0; i < 20; i++) {
            backoff.onFailure(emfile);
        }
        assertEquals(AcceptBackoff.MAX_DELAY_NANOS, backoff.currentDelayNanos());
        backoff.onSuccess();
        assertEquals(0, backoff.currentDelayNanos());
        assertEquals(AcceptBackoff.MIN_DELAY_NANOS, backoff.onFailure(emfile));
    }
}
