package io.greetbench.cli;

import io.greetbench.harness.ToolFailureException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import io.greetbench.harness.GreetbenchException;

/**
 * {@code greetbench jmh [JMH options] [benchmark regexps]}: runs the JMH benchmarks of this jar
 * through JMH's own command line parser, so {@code -f}, {@code -wi}, {@code -i}, {@code -rf json},
 * {@code -prof gc}, {@code -l} and {@code -h} mean what JMH users expect.
 *
 * <p>It does what {@code org.openjdk.jmh.Main} does, except that output goes to this command's
 * writer and failures map to greetbench's exit codes instead of {@code System.exit(1)}.
 * Threading: runs on the calling thread; JMH forks its own JVMs.
 */
@Command(name = "jmh", description = {"Runs the JMH benchmarks (RoundTrip, ReplyFormatting) with JMH's own options.",
    "Examples: jmh -l;  jmh ReplyFormatting -prof gc;  jmh RoundTrip -p server=nio,loom -f 1 -wi 2 -i 3 -rf json"},
        // JMH's options are not picocli's: pass everything through untouched, help included.
        mixinStandardHelpOptions = false)
final class JmhCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    // Unmatched rather than @Parameters: picocli would reject JMH's options as unknown ones.
    @Unmatched
    List<String> jmhArgs = new ArrayList<>();

    @Override
    public Integer call() throws RunnerException {
        PrintWriter err = spec.commandLine().getErr();
        CommandLineOptions options;
        try {
            options = new CommandLineOptions(jmhArgs.toArray(String[]::new));
        } catch (CommandLineOptionException e) {
            err.println("greetbench jmh: " + e.getMessage());
            err.println("Try 'greetbench jmh -h' for JMH's options.");
            return ExitCode.USAGE.code();
        }
        PrintStream out = new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true, StandardCharsets.UTF_8);
        if (options.shouldHelp()) {
            try {
                options.showHelp();
            } catch (IOException e) {
                throw new ToolFailureException("cannot print JMH's help: " + e.getMessage(), e);
            }
            return ExitCode.OK.code();
        }
        if (options.shouldListProfilers()) {
            options.listProfilers();
            return ExitCode.OK.code();
        }
        if (options.shouldListResultFormats()) {
            options.listResultFormats();
            return ExitCode.OK.code();
        }
        Runner runner = new Runner(options, OutputFormatFactory.createFormatInstance(out,
                options.verbosity().orElse(VerboseMode.NORMAL)));
        if (options.shouldList()) {
            runner.list();
            return ExitCode.OK.code();
        }
        if (options.shouldListWithParams()) {
            runner.listWithParams(options);
            return ExitCode.OK.code();
        }
        try {
            runner.run();
        } catch (NoBenchmarksException e) {
            err.println("greetbench jmh: no benchmark matches " + options.getIncludes() + " (jmh -l lists them)");
            return ExitCode.USAGE.code();
        }
        out.flush();
        return ExitCode.OK.code();
    }

    /**
     * Bridges JMH's PrintStream output to the command's writer, so tests capture it. Bytes are
     * decoded a line at a time because JMH prints multi-byte characters (±, ≈).
     */
    private static final class WriterOutputStream extends OutputStream {
        private final PrintWriter writer;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        WriterOutputStream(PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) {
            line.write(b);
            if (b == '\n') {
                flush();
            }
        }

        @Override
        public void flush() {
            writer.write(line.toString(StandardCharsets.UTF_8));
            line.reset();
            writer.flush();
        }
    }
}
