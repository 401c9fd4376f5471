package io.greetbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.greetbench.harness.ServerProcess;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gates this build against a checkout in the layout from before the module split: its jar is at
 * {@code bench/target/greetbench.jar} and its entry point is {@code io.greetbench.bench.Main}, a
 * class this build does not have. The old build is made here: one compiled class that hands its
 * arguments to this build's {@code Main}, in a jar whose manifest names it as Main-Class and lists
 * this JVM's class path, so its server child JVMs run as an old baseline would. Rounds are
 * measured on a noisy machine, so the verdict is not asserted; only that both sides ran.
 */
@ExtendWith(ThisJvmCpus.class)
class GateOldLayoutTest {

    private static final String OLD_MAIN = "io.greetbench.bench.Main";

    @TempDir
    Path dir;

    /** A checkout in the old layout: {@code bench/target/greetbench.jar} and no {@code ./mvnw}. */
    private Path oldCheckout() throws IOException {
        Path sources = Files.createDirectories(dir.resolve("src/io/greetbench/bench"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path source = Files.writeString(sources.resolve("Main.java"), """
                package io.greetbench.bench;

                public final class Main {
                    public static void main(String[] args) {
                        io.greetbench.cli.Main.main(args);
                    }
                }
                """);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "the tests need a JDK");
        assertEquals(0, javac.run(null, null, null, "-cp", ServerProcess.classPath(), "-d", classes.toString(), source.toString()),
                "compiling the old entry point");

        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, OLD_MAIN);
        // Absolute file URLs (directories end in '/'), so the jar finds this build wherever it is.
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, Stream.of(ServerProcess.classPath().split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(entry -> Path.of(entry).toAbsolutePath().toUri().toString())
                .collect(Collectors.joining(" ")));
        Path jar = Files.createDirectories(dir.resolve("checkout/bench/target")).resolve("greetbench.jar");
        String entry = OLD_MAIN.replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry(entry));
            out.write(Files.readAllBytes(classes.resolve(entry)));
            out.closeEntry();
        }
        return dir.resolve("checkout");
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void shouldGateThisBuildAgainstACheckoutInTheOldLayout() throws IOException {
        Path checkout = oldCheckout();
        Path json = dir.resolve("gate.json");
        // The closed loop only: this tests the layout, and an open loop's generator falls behind its
        // schedule on a machine as busy as a shared test run can be, which fails the tool by design.
        CliRun run = CliRun.of("gate", "--baseline", checkout.toString(), "--servers", "nio", "--workload", "closed:64",
                "--budget", "20s", "--round", "1s", "--warmup", "0", "--min-rounds", "2", "--max-rounds", "3", "--seed", "1",
                "--json", json.toString());
        // A pass, a regression or an inconclusive run are all the machine's business; a usage
        // error or a tool failure would mean the old build could not be gated.
        assertTrue(List.of(ExitCode.OK.code(), ExitCode.REGRESSION.code(), ExitCode.INCONCLUSIVE.code()).contains(run.code()),
                run.toString());
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        String baseline = report.get("about").get("baseline").asText();
        assertTrue(baseline.contains(checkout.resolve("bench/target/greetbench.jar").toString()), baseline);
        JsonNode rounds = report.get("rounds");
        assertTrue(rounds.size() >= 2, run.toString());
        for (JsonNode round : rounds) {
            for (String side : List.of("baseline", "candidate")) {
                assertTrue(round.get(side).get("exchangesPerSecond").asDouble() > 0, side + " in " + round);
            }
        }
    }
}
