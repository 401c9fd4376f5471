package io.greetbench.gate;

import io.greetbench.harness.ServerProcess;

/**
 * A build the gate measures: what its server JVMs run ({@code java -cp <classPath> <mainClass>
 * serve ...}) and how reports name it. {@link BuildResolver} makes one from a jar or a checkout.
 *
 * @param classPath   the class path of its server JVMs: a greetbench jar, or this JVM's class path
 * @param mainClass   its command line's entry point; builds from before the module split name
 *                    {@code io.greetbench.bench.Main}, later ones {@code io.greetbench.cli.Main}
 * @param description the jar or checkout, as reports show it
 */
public record GateBuild(String classPath, String mainClass, String description) {

    /** The build that runs the gate: the default candidate. */
    public static GateBuild running() {
        return new GateBuild(ServerProcess.classPath(), ServerProcess.MAIN_CLASS, "this build (" + ServerProcess.classPath() + ")");
    }
}
