package io.greetbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.hostile.AbruptCase;
import io.greetbench.hostile.BurstCase;
import io.greetbench.hostile.CaseResult;
import io.greetbench.hostile.HeldConnectionsCase;
import io.greetbench.hostile.HostileCase;
import io.greetbench.hostile.HostileReport;
import io.greetbench.hostile.HostileSuite;
import io.greetbench.hostile.HostileTarget;
import io.greetbench.hostile.LargeRequestsCase;
import io.greetbench.hostile.OutOfDescriptorsCase;
import io.greetbench.hostile.ServerFootprint;
import io.greetbench.hostile.ServerLaunch;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast subset of the hostile suite, in the normal test run: the machinery itself, and two
 * cases at their quick size against every server in a child process (requests up to 16 MiB sent
 * before reading, and resets in the middle of a request). The rest runs with {@code -Preliability}
 * ({@link ReliabilityTest}) or {@code greetbench hostile}.
 */
class HostileSuiteTest {

    @ParameterizedTest
    @ValueSource(strings = {"nio", "netty", "loom"})
    @Timeout(120)
    void shouldGreetHugeRequestsAndShrugOffResetsMidRequest(String server) {
        StringWriter progress = new StringWriter();
        HostileSuite suite = new HostileSuite(new HostileSuite.Settings(true, 100), new PrintWriter(progress, true));
        HostileTarget target = HostileTarget.parse(server);
        for (HostileCase c : List.of(new LargeRequestsCase(), new AbruptCase(AbruptCase.Kind.RST_MID_REQUEST))) {
            CaseResult result = suite.run(target, c);
            assertEquals(CaseResult.Outcome.PASS, result.outcome(), () -> c.name() + " on " + server + ": " + result.failures() + "\n" + progress);
        }
    }

    @Test
    void shouldParseTargetsWithTheirModelOption() {
        assertEquals(List.of("nio"), HostileTarget.parse("nio").serveArgs());
        assertEquals(List.of("netty", "--transport", "epoll"), HostileTarget.parse("netty:epoll").serveArgs());
        assertEquals(List.of("loom", "--threads", "platform"), HostileTarget.parse("loom:platform").serveArgs());
        HostileTarget external = HostileTarget.parse("ref=/tmp/greet-c -p {port}");
        assertEquals("ref", external.name());
        assertTrue(!external.isGreetbench() && !external.isNetty());
        assertThrows(IllegalArgumentException.class, () -> HostileTarget.parse("tomcat"));
        assertThrows(IllegalArgumentException.class, () -> HostileTarget.parse("ref=/tmp/greet-c -p 8888"));
        assertThrows(IllegalArgumentException.class, () -> HostileTarget.parse("nio:fast"));
    }

    @Test
    void shouldLetCaseOptionsReplaceTheShortTimeouts() {
        assertEquals(List.of("--linger-timeout", "2s", "--idle-timeout", "0"),
                ServerLaunch.with("--idle-timeout", "0").serveOptions());
        assertEquals(List.of("--idle-timeout", "2s", "--linger-timeout", "2s", "--max-connections", "20"),
                ServerLaunch.with("--max-connections", "20").serveOptions());
    }

    @Test
    void shouldReadKernelListenCounters() throws Exception {
        assertTrue(BurstCase.tcpExt("ListenOverflows") >= 0);
        assertThrows(IOException.class, () -> BurstCase.tcpExt("NoSuchCounter"));
    }

    @Test
    void shouldTabulateOutcomesAndHeadlineFigures() {
        List<HostileTarget> targets = List.of(HostileTarget.parse("nio"), HostileTarget.parse("loom"));
        List<HostileCase> cases = List.of(new HeldConnectionsCase(), new OutOfDescriptorsCase());
        List<CaseResult> results = List.of(
                new CaseResult("held", "nio", CaseResult.Outcome.PASS, List.of(),
                        Map.of("held connections", "19000", "RSS per connection, bytes", "2048"), List.of(), 1),
                new CaseResult("held", "loom", CaseResult.Outcome.FAIL, List.of("only 10 connected"),
                        Map.of("held connections", "10", "RSS per connection, bytes", "4096"), List.of(), 1),
                new CaseResult("out-of-fds", "nio", CaseResult.Outcome.CRASH, List.of("died"), Map.of(), List.of(), 1));
        String table = HostileReport.table(targets, cases, results);
        assertTrue(table.contains("| held | pass (19000 held, 2.0 KiB/conn) | FAIL (10 held, 4.0 KiB/conn) |"), table);
        assertTrue(table.contains("| out-of-fds | CRASH | - |"), table);
        String summary = HostileReport.summary(results);
        assertTrue(summary.contains("hostile cases run: 3 (passed 1, failed 1)"), summary);
        assertTrue(summary.contains("crashes: 1"), summary);
        assertTrue(summary.contains("most held connections: 19000"), summary);
    }

    @Test
    void shouldNotCountTheJvmsOwnThreadsAsLeaks() {
        ServerFootprint threads = new ServerFootprint(Map.of(), Map.of("GC Thread#", 1, "C2 CompilerThre", 2, "loom-acceptor-#", 1));
        assertEquals(Map.of("loom-acceptor-#", 1), threads.serverThreads());
    }

    @Test
    void shouldTellWhatGrewSinceIdle() {
        ServerFootprint idle = new ServerFootprint(Map.of("socket", 3, "pipe", 2), Map.of("GC Thread#", 2));
        ServerFootprint after = new ServerFootprint(Map.of("socket", 5, "pipe", 1), Map.of("GC Thread#", 2, "nio-reactor-#", 1));
        ServerFootprint grown = after.grownSince(idle);
        assertEquals(Map.of("socket", 2), grown.fdKinds());
        assertEquals(Map.of("nio-reactor-#", 1), grown.threadNames());
    }

    @Test
    void shouldRejectUnknownCaseAsUsageError() {
        CliRun run = CliRun.of("hostile", "--case", "nosuch");
        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(run.err().contains("--case: unknown case 'nosuch'"), run::toString);
    }

    @Test
    void shouldListEveryCase() {
        CliRun run = CliRun.of("hostile", "--list");
        assertEquals(ExitCode.OK.code(), run.code(), run::toString);
        for (HostileCase c : HostileCase.all()) {
            assertTrue(run.out().contains(c.name()), run::toString);
        }
    }
}
