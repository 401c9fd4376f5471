package io.greetbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole hostile suite at full size against every server and model variant: minutes of work,
 * so only with {@code ./mvnw -Preliability -pl cli -am verify}. Writes its Markdown report to
 * {@code cli/target/reliability.md}.
 */
@Tag("reliability")
class ReliabilityTest {

    @Test
    @Timeout(7_200)
    void everyServerShouldSurviveEveryHostileCase() {
        Path report = Path.of("target", "reliability.md").toAbsolutePath();
        CliRun run = CliRun.of("hostile", "--server", "nio,netty,loom,loom:platform", "--held", "19000",
                "--report", report.toString());
        System.out.println(run.out());
        assertEquals(ExitCode.OK.code(), run.code(), () -> "hostile suite failed, see " + report + "\n" + run);
    }
}
