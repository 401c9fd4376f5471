package io.greetbench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.greetbench.harness.BadInputException;
import io.greetbench.harness.CpuPlacement;
import io.greetbench.harness.CpuQuota;
import io.greetbench.harness.ServerCpus;
import io.greetbench.protocol.ConfigException;
import io.greetbench.protocol.HandlerWork;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every mistake is caught by the settings, before a server starts, in one line that names the option. */
class CompareSettingsTest {

    private static CompareSettings with(List<String> servers, Map<String, String> externals, int repeats) {
        CompareProfile p = CompareProfile.QUICK;
        return new CompareSettings(p, List.of(HandlerWork.NONE), p.warmup(), p.duration(), repeats, 1, p.concurrencies(), p.fractions(), p.capacity(),
                p.held(), p.think(), Duration.ofSeconds(2), 0.1, servers, true, externals, Pinning.NONE, ServerCpus.HALF, CpuQuota.NONE, 42, false);
    }

    private static String mistake(List<String> servers, Map<String, String> externals, int repeats) {
        return assertThrows(BadInputException.class, () -> with(servers, externals, repeats)).getMessage();
    }

    @Test
    void shouldNameTheOptionOfEachMistake() {
        assertTrue(mistake(List.of("nio", "tomcat"), Map.of(), 1).startsWith("--servers does not know 'tomcat'"));
        assertTrue(mistake(List.of(""), Map.of(), 1).startsWith("--servers names nothing"));
        assertTrue(mistake(List.of("nio"), Map.of("c", "/bin/c"), 1).startsWith("--external c: the command must contain {port}"));
        assertTrue(mistake(List.of("nio"), Map.of("a b", "/bin/c {port}"), 1).startsWith("--external name 'a b'"));
        assertTrue(mistake(List.of("nio"), Map.of("nio", "/bin/c {port}"), 1).contains("'nio' twice"));
        assertTrue(mistake(List.of("nio"), Map.of(), 0).startsWith("--repeats"));
        CompareProfile p = CompareProfile.QUICK;
        assertTrue(assertThrows(BadInputException.class, () -> new CompareSettings(p, List.of(HandlerWork.NONE), p.warmup(), p.duration(),
                2, 3, p.concurrencies(), p.fractions(), p.capacity(), p.held(), p.think(), Duration.ofSeconds(2), 0.1, List.of("nio"), true, Map.of(),
                Pinning.NONE, ServerCpus.HALF, CpuQuota.NONE, 1, false)).getMessage().startsWith("--open-loop-repeats must be between 1 and the rounds"));
    }

    @Test
    void shouldWarmUpInSecondSlicesOrHalvesOfAShortCap() {
        WarmUpRule quick = CompareSettings.of(CompareProfile.QUICK, List.of(HandlerWork.NONE)).warmUpRule();
        CompareProfile p = CompareProfile.QUICK;
        WarmUpRule shortCap = new CompareSettings(p, List.of(HandlerWork.NONE), Duration.ofMillis(600), p.duration(), 1, 1,
                p.concurrencies(), p.fractions(), p.capacity(), p.held(), p.think(), Duration.ofSeconds(2), 0.1, List.of("nio"), true, Map.of(),
                Pinning.NONE, ServerCpus.HALF, CpuQuota.NONE, 1, false).warmUpRule();

        assertEquals(new WarmUpRule(Duration.ofSeconds(1), p.warmupMin(), p.warmup(), 0.1), quick);
        assertEquals(new WarmUpRule(Duration.ofMillis(300), Duration.ofMillis(600), Duration.ofMillis(600), 0.1), shortCap);
    }

    @Test
    void shouldKeepTheOrderOfServersAndExternals() {
        Map<String, String> externals = new LinkedHashMap<>();
        externals.put("zeta", "/z {port}");
        externals.put("alpha", "/a {port}");

        CompareSettings s = with(List.of(" loom", "nio ", ""), externals, 1);

        assertEquals(List.of("loom", "nio"), s.servers());
        assertEquals(List.of("zeta", "alpha"), List.copyOf(s.externals().keySet()));
    }

    @Test
    void shouldParseChoicesByTheNamesUsersType() {
        assertEquals(CompareProfile.FULL, CompareProfile.parse("Full"));
        assertEquals(Pinning.NONE, Pinning.parse("none"));
        assertEquals("--pin must be auto or none, got 'always'", assertThrows(ConfigException.class, () -> Pinning.parse("always")).getMessage());
        assertEquals("quick", CompareSettings.DEFAULT_PROFILE.toString());
    }

    @Test
    void shouldRejectServerCpusThatLeaveTheGeneratorNoneAndAQuotaAboveTheServersCpus() {
        CompareProfile p = CompareProfile.QUICK;
        int cpus = CpuPlacement.allowedAtStart().size();
        assumeTrue(cpus >= 2, "needs 2 CPUs to pin");

        String all = assertThrows(BadInputException.class, () -> new CompareSettings(p, List.of(HandlerWork.NONE), p.warmup(), p.duration(),
                1, 1, p.concurrencies(), p.fractions(), p.capacity(), p.held(), p.think(), Duration.ofSeconds(2), 0.1, List.of("nio"), true, Map.of(),
                Pinning.AUTO, new ServerCpus(cpus, List.of()), CpuQuota.NONE, 1, false)).getMessage();
        String quota = assertThrows(BadInputException.class, () -> new CompareSettings(p, List.of(HandlerWork.NONE), p.warmup(),
                p.duration(), 1, 1, p.concurrencies(), p.fractions(), p.capacity(), p.held(), p.think(), Duration.ofSeconds(2), 0.1, List.of("nio"), true,
                Map.of(), Pinning.AUTO, new ServerCpus(1, List.of()), new CpuQuota(1.5), 1, false)).getMessage();

        assertTrue(all.startsWith("--server-cpus ") && all.contains("no CPU for the load generator"), all);
        assertTrue(quota.startsWith("--server-cpu-quota ") && quota.contains("more than the 1 CPU"), quota);
    }

    @Test
    void shouldDescribeTheWorkloadUnderTheNamesResultsJsonHasAlwaysUsed() {
        Map<String, Object> d = CompareSettings.of(CompareProfile.FULL, List.of(HandlerWork.NONE)).describe();

        assertEquals(List.of("profile", "handlers", "warmup", "warmup_min", "warmup_slice", "warmup_steady_within", "duration", "repeats",
                "open_loop_repeats", "concurrencies", "open_loop_fractions", "capacity_slo", "capacity_start_rate",
                "capacity_growth", "capacity_tolerance", "capacity_max_steps", "capacity_step_duration", "capacity_step_warmup", "held", "think", "exchange_timeout", "noise_threshold", "pin",
                "server_cpus", "server_cpu_quota", "cpu_budget_period", "seed", "cpu_profile"), List.copyOf(d.keySet()));
        assertEquals("0.5", d.get("server_cpu_quota"));
        assertEquals("half", d.get("server_cpus"));
        assertEquals("full", d.get("profile"));
        assertEquals("30s", d.get("warmup"));
        assertEquals("5s", d.get("warmup_min"));
        assertEquals(0.1, d.get("noise_threshold"));
        assertEquals(false, d.get("cpu_profile"));
    }
}
