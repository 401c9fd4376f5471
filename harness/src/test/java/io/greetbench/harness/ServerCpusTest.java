package io.greetbench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.protocol.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --server-cpus} and {@code --server-cpu-quota} as typed, and how a choice fits the CPUs there are. */
class ServerCpusTest {

    @Test
    void shouldParseHalfCountAndList() {
        assertEquals(ServerCpus.HALF, ServerCpus.parse("half"));
        assertEquals(new ServerCpus(1, List.of()), ServerCpus.parse("1"));
        assertEquals(List.of(0), ServerCpus.parse("0-0").list());
        assertEquals(List.of(0, 1, 4), ServerCpus.parse("0-1,4").list());
        assertEquals("0-1,4-4", ServerCpus.parse("0-1,4").toString());
    }

    @Test
    void shouldRejectMalformedCpusInOneLineNamingTheOption() {
        for (String bad : new String[] {"0", "two", "1-", "1,1", "-3"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> ServerCpus.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("--server-cpus ") && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void shouldLeaveTheGeneratorAtLeastOneCpu() {
        List<Integer> allowed = List.of(0, 1);

        assertEquals(List.of(0), ServerCpus.HALF.choose(allowed).cpus());
        assertEquals(List.of(0), ServerCpus.parse("1").choose(allowed).cpus());
        assertEquals(List.of(1), ServerCpus.parse("1-1").choose(allowed).cpus());
        assertTrue(ServerCpus.parse("2").choose(allowed).refusal().orElseThrow().contains("no CPU for the load generator"));
        assertTrue(ServerCpus.parse("0-1").choose(allowed).refusal().isPresent());
        assertTrue(ServerCpus.parse("3-3").choose(allowed).refusal().orElseThrow().contains("may not use"));
    }

    @Test
    void shouldParseQuotaOrNone() {
        assertEquals(0.5, CpuQuota.parse("0.5").cpus());
        assertTrue(CpuQuota.parse("none").isNone());
        assertEquals("0.5", CpuQuota.parse("0.5").toString());
        assertEquals("2", CpuQuota.parse("2").toString());
        for (String bad : new String[] {"half", "0", "-1", "0.0001", "NaN", "Infinity"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> CpuQuota.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("--server-cpu-quota "), e.getMessage());
        }
    }
}
