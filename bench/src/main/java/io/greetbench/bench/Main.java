package io.greetbench.bench;

import io.greetbench.protocol.ConfigException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The greetbench command line: the one entry point, listing every subcommand.
 *
 * <p>Exit codes are the constants of {@link ExitCode}. User mistakes (picocli's parameter errors,
 * {@link ConfigException}, {@link GreetbenchException}) print one line on stderr, never a stack
 * trace; anything else is a tool failure and prints its stack trace, because it is a bug.
 */
@Command(
        name = "greetbench",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Compares server concurrency models under honest load.",
        subcommands = {
            ServeCommand.class,
            CheckCommand.class,
            LoadCommand.class,
            MergeCommand.class,
            GateCommand.class,
            CompareCommand.class,
            JmhCommand.class,
            HostileCommand.class,
            CommandLine.HelpCommand.class,
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:greetbench itself failed",
            "2:usage error: bad option or value",
            "3:gate found a regression",
            "4:gate was inconclusive",
            "5:target unreachable",
            "6:a conformance check failed",
            "7:load run invalid (generator fell behind, or errors)",
            "8:server could not listen",
        })
public final class Main implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the given writers; what tests call. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return newCommandLine(out, err).execute(args);
    }

    static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setExitCodeExceptionMapper(Main::exitCodeOf);
        cmd.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            failed.getErr().println("greetbench: " + ex.getMessage());
            failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more.");
            return ExitCode.USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            int code = exitCodeOf(ex);
            if (code == ExitCode.TOOL_FAILURE) {
                failed.getErr().println("greetbench: internal error: " + ex);
                ex.printStackTrace(failed.getErr());
            } else {
                failed.getErr().println("greetbench: " + ex.getMessage());
            }
            failed.getErr().flush();
            return code;
        });
        return cmd;
    }

    /** The one mapping from a failure to an exit code. */
    static int exitCodeOf(Throwable failure) {
        if (failure instanceof GreetbenchException g) {
            return g.exitCode();
        }
        if (failure instanceof ConfigException || failure instanceof CommandLine.ParameterException) {
            return ExitCode.USAGE;
        }
        return ExitCode.TOOL_FAILURE;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCode.USAGE;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"greetbench " + (v == null ? "(development build)" : v)
                    + " on Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
