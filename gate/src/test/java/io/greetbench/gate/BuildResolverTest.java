package io.greetbench.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.harness.BadInputException;
import io.greetbench.harness.ToolFailureException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Baselines and candidates as users name them: jars, checkouts in either layout, and mistakes. */
class BuildResolverTest {

    private static final String OLD_MAIN = "io.greetbench.bench.Main";
    private static final String NEW_MAIN = "io.greetbench.cli.Main";

    @TempDir
    Path dir;

    private final List<String> progress = new ArrayList<>();
    private final BuildResolver resolver = new BuildResolver(progress::add);

    /** An empty jar whose manifest names {@code mainClass}, or none when null. */
    private static Path jar(Path file, String mainClass) throws IOException {
        Files.createDirectories(file.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (mainClass != null) {
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        }
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        return file;
    }

    private Path mvnw(Path checkout, String script) throws IOException {
        Path mvnw = checkout.resolve("mvnw");
        Files.writeString(mvnw, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
        return mvnw;
    }

    /** Its servers run from {@code jar} with {@code mainClass}, and reports name the jar. */
    private static void assertRunsFrom(Path jar, String mainClass, GateBuild build) {
        assertEquals(jar.toString(), build.classPath());
        assertEquals(mainClass, build.mainClass());
        assertTrue(build.description().contains(jar.toString()), build.description());
    }

    @Test
    void shouldTakeAJarAsIsWithTheMainClassOfItsManifest() throws IOException {
        Path jar = jar(dir.resolve("base.jar"), OLD_MAIN);
        assertRunsFrom(jar, OLD_MAIN, resolver.resolve("--baseline", jar));
    }

    @ParameterizedTest
    @CsvSource({"cli/target/greetbench.jar, " + NEW_MAIN, "bench/target/greetbench.jar, " + OLD_MAIN})
    void shouldFindTheJarOfACheckoutInEitherLayout(String layout, String mainClass) throws IOException {
        Path jar = jar(dir.resolve(layout), mainClass);
        assertRunsFrom(jar, mainClass, resolver.resolve("--baseline", dir));
        assertEquals(List.of(), progress, "nothing is built when the jar is there");
    }

    @Test
    void shouldPreferTheNewLayoutWhenACheckoutHoldsBoth() throws IOException {
        jar(dir.resolve("bench/target/greetbench.jar"), OLD_MAIN);
        Path current = jar(dir.resolve("cli/target/greetbench.jar"), NEW_MAIN);
        assertRunsFrom(current, NEW_MAIN, resolver.resolve("--baseline", dir));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldBuildACheckoutWithItsOwnMavenWrapperWhenTheJarIsMissing() throws IOException {
        Path made = jar(dir.resolve("made.jar"), NEW_MAIN);
        mvnw(dir, "mkdir -p cli/target && cp '" + made + "' cli/target/greetbench.jar");
        assertRunsFrom(dir.resolve("cli/target/greetbench.jar"), NEW_MAIN, resolver.resolve("--baseline", dir));
        assertEquals(1, progress.size(), progress.toString());
        assertTrue(progress.getFirst().startsWith("building "), progress.toString());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldFailTheToolWhenTheBuildFailsOrMakesNoJar() throws IOException {
        mvnw(dir, "exit 1");
        ToolFailureException failed = assertThrows(ToolFailureException.class, () -> resolver.resolve("--baseline", dir));
        assertTrue(failed.getMessage().contains("failed (exit 1)"), failed.getMessage());
        mvnw(dir, "exit 0");
        ToolFailureException nothing = assertThrows(ToolFailureException.class, () -> resolver.resolve("--baseline", dir));
        assertTrue(nothing.getMessage().contains("produced no"), nothing.getMessage());
    }

    @Test
    void shouldRefuseADirectoryWithNeitherJarNorMavenWrapper() {
        BadInputException e = assertThrows(BadInputException.class, () -> resolver.resolve("--baseline", dir));
        assertTrue(e.getMessage().startsWith("--baseline: ") && e.getMessage().contains("bench/target/greetbench.jar"), e.getMessage());
    }

    @Test
    void shouldRefuseAJarWithoutMainClass() throws IOException {
        Path jar = jar(dir.resolve("lib.jar"), null);
        BadInputException e = assertThrows(BadInputException.class, () -> resolver.resolve("--candidate", jar));
        assertTrue(e.getMessage().startsWith("--candidate: ") && e.getMessage().contains("no Main-Class"), e.getMessage());
    }

    @Test
    void shouldRefuseWhatIsNeitherAJarNorACheckout() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello");
        assertThrows(BadInputException.class, () -> resolver.resolve("--baseline", text));
        assertThrows(BadInputException.class, () -> resolver.resolve("--baseline", dir.resolve("missing.jar")));
        Path broken = Files.writeString(dir.resolve("broken.jar"), "not a zip");
        BadInputException e = assertThrows(BadInputException.class, () -> resolver.resolve("--baseline", broken));
        assertTrue(e.getMessage().contains("cannot read"), e.getMessage());
    }
}
