package io.greetbench.loom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.greetbench.protocol.ConfigException;
import org.junit.jupiter.api.Test;

class LoomThreadsTest {

    @Test
    void shouldParseBothKinds() {
        assertEquals(LoomThreads.VIRTUAL, LoomThreads.parse("virtual"));
        assertEquals(LoomThreads.PLATFORM, LoomThreads.parse("platform"));
    }

    @Test
    void shouldNameTheOptionWhenTheKindIsUnknown() {
        ConfigException e = assertThrows(ConfigException.class, () -> LoomThreads.parse("green"));
        assertEquals("--threads", e.parameter());
        assertEquals("--threads must be virtual or platform, got 'green'", e.getMessage());
    }
}
