package io.greetbench.cli;

import io.greetbench.harness.ServerProcess;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A runnable greetbench jar for tests, which run before the real one is packaged: a manifest only,
 * with {@code Main-Class} this build's entry point and a {@code Class-Path} of the test JVM's class
 * path as absolute file URLs. {@code java -jar} runs it like the shaded jar, from any directory,
 * on this machine (network namespaces share its file system).
 */
final class ClassPathJar {

    private ClassPathJar() {
    }

    /** Creates one in {@code dir} and makes it the jar a fleet copies to its hosts ({@link FleetOptions#JAR_PROPERTY}). */
    static void installForFleets(Path dir) throws IOException {
        System.setProperty(FleetOptions.JAR_PROPERTY, create(dir.resolve("greetbench.jar")).toString());
    }

    static void uninstallForFleets() {
        System.clearProperty(FleetOptions.JAR_PROPERTY);
    }

    static Path create(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, ServerProcess.MAIN_CLASS);
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, Stream.of(ServerProcess.classPath().split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .map(entry -> Path.of(entry).toAbsolutePath().toUri().toString())
                .collect(Collectors.joining(" ")));
        Files.createDirectories(jar.toAbsolutePath().getParent());
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.flush();
        }
        return jar;
    }
}
