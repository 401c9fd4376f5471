package io.greetbench.gate;

import io.greetbench.harness.BadInputException;
import io.greetbench.harness.ToolFailureException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Turns what the user named as a baseline or candidate into a {@link GateBuild}: a jar as is, or a
 * checkout's greetbench jar, built with the checkout's own {@code ./mvnw} when it is missing.
 *
 * <p>A baseline is often an older commit, so both layouts are found: the jar is at
 * {@code cli/target/greetbench.jar} since the module split and at {@code bench/target/greetbench.jar}
 * before it. The main class comes from the jar's manifest for the same reason: an old build's is
 * {@code io.greetbench.bench.Main}, which this build no longer has.
 *
 * <p>Threading: called from one thread; a build blocks it until {@code ./mvnw} ends.
 */
public final class BuildResolver {

    /** Where a checkout keeps its greetbench jar, newest layout first. */
    public static final List<String> JAR_LAYOUTS = List.of("cli/target/greetbench.jar", "bench/target/greetbench.jar");

    /** A clean build of the whole tree takes a few minutes; this is a hung one. */
    private static final long BUILD_TIMEOUT_MINUTES = 30;

    private final Consumer<String> progress;

    /** @param progress receives one line when a checkout is built, since that takes minutes */
    public BuildResolver(Consumer<String> progress) {
        this.progress = progress;
    }

    /**
     * The build at {@code path}.
     *
     * @param option the flag that named it, for error messages
     * @throws BadInputException   when the path is neither a jar nor a checkout with a jar or a
     *                             {@code ./mvnw}, or the jar has no {@code Main-Class}
     * @throws ToolFailureException when building the checkout fails
     */
    public GateBuild resolve(String option, Path path) {
        Path p = path.toAbsolutePath().normalize();
        if (Files.isRegularFile(p)) {
            if (!p.getFileName().toString().endsWith(".jar")) {
                throw new BadInputException(option + ": " + path + " is neither a jar nor a checkout directory");
            }
            return new GateBuild(p.toString(), mainClassOf(option, p), p.toString());
        }
        if (!Files.isDirectory(p)) {
            throw new BadInputException(option + ": " + path + " does not exist");
        }
        Optional<Path> jar = jarIn(p);
        if (jar.isEmpty()) {
            Path mvnw = p.resolve("mvnw");
            if (!Files.isExecutable(mvnw)) {
                throw new BadInputException(option + ": " + path + " has no greetbench jar (" + String.join(" or ", JAR_LAYOUTS)
                        + ") and no executable ./mvnw to build it");
            }
            progress.accept("building " + p + " (./mvnw -q -B -DskipTests package)...");
            build(option, p, mvnw);
            jar = jarIn(p);
            if (jar.isEmpty()) {
                throw new ToolFailureException(option + ": building " + p + " produced no " + String.join(" or ", JAR_LAYOUTS));
            }
        }
        return new GateBuild(jar.get().toString(), mainClassOf(option, jar.get()), p + " (" + jar.get() + ")");
    }

    private static Optional<Path> jarIn(Path checkout) {
        return JAR_LAYOUTS.stream().map(checkout::resolve).filter(Files::isRegularFile).findFirst();
    }

    /** The jar's {@code Main-Class}. */
    static String mainClassOf(String option, Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String main = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS);
            if (main == null || main.isBlank()) {
                throw new BadInputException(option + ": " + jar + " has no Main-Class in its manifest; is it a greetbench jar?");
            }
            return main.trim();
        } catch (IOException e) {
            throw new BadInputException(option + ": cannot read " + jar + " as a jar: " + e.getMessage(), e);
        }
    }

    private static void build(String option, Path dir, Path mvnw) {
        Path log;
        try {
            log = Files.createTempFile("greetbench-gate-build-", ".log");
            Process process = new ProcessBuilder(mvnw.toString(), "-q", "-B", "-DskipTests", "package")
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new ToolFailureException(option + ": building " + dir + " took over " + BUILD_TIMEOUT_MINUTES
                        + " minutes; its log: " + log);
            }
            if (process.exitValue() != 0) {
                throw new ToolFailureException(option + ": building " + dir + " failed (exit " + process.exitValue() + "); its log: " + log);
            }
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new ToolFailureException(option + ": cannot build " + dir + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolFailureException(option + ": interrupted while building " + dir, e);
        }
    }
}
