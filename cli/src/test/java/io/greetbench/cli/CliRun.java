package io.greetbench.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/**
 * What one in-process run of the command line printed and returned: the one fixture every CLI
 * test uses (as kcctl's {@code KcctlCommandContext}), so a failing assertion can print both streams.
 */
record CliRun(int code, String out, String err) {

    /** Runs {@code greetbench <args>} in this JVM with captured writers. */
    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }

    List<String> outLines() {
        return out.lines().toList();
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
