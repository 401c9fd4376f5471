package io.greetbench.cli;

import io.greetbench.capacity.Slo;
import io.greetbench.compare.CompareProfile;
import io.greetbench.compare.Pinning;
import io.greetbench.harness.CpuQuota;
import io.greetbench.harness.ServerCpus;
import io.greetbench.harness.ServerKind;
import io.greetbench.loadgen.IoEngine;
import io.greetbench.loom.LoomThreads;
import io.greetbench.netty.NettyTransport;
import io.greetbench.protocol.ConfigException;
import io.greetbench.protocol.HandlerWork;
import io.greetbench.protocol.HostPort;
import java.time.Duration;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import io.greetbench.harness.GreetbenchException;

/**
 * The greetbench command line: the one entry point, listing every subcommand.
 *
 * <p>Exit codes are the constants of {@link ExitCode}; this class is the only place that maps a
 * failure to one ({@link ExitCode#of(Throwable)}), and every command's help lists its codes from
 * that enum. Domain modules throw typed exceptions: a {@link GreetbenchException} subclass
 * (user mistakes, unreachable targets, failed child processes) or {@link ConfigException}, and each
 * prints one line on stderr, never a stack trace. Anything else is a bug and prints its stack trace.
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
            CapacityCommand.class,
            JmhCommand.class,
            HostileCommand.class,
            KubeLoadCommand.class,
            CommandLine.HelpCommand.class,
        },
        exitCodeListHeading = "%nExit codes:%n")
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
        configure(cmd);
        cmd.setExitCodeExceptionMapper(failure -> ExitCode.of(failure).code());
        cmd.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            failed.getErr().println("greetbench: " + ex.getMessage());
            failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more.");
            return ExitCode.USAGE.code();
        });
        cmd.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            if (ex instanceof GreetbenchException || ex instanceof ConfigException) {
                failed.getErr().println("greetbench: " + ex.getMessage());
            } else {
                failed.getErr().println("greetbench: internal error: " + ex);
                ex.printStackTrace(failed.getErr());
            }
            failed.getErr().flush();
            return ExitCode.of(ex).code();
        });
        addExitCodeLists(cmd, null);
        return cmd;
    }

    /**
     * Converters and defaults, for the whole tree; also for a command line parsed but not run
     * (kube-load checks its load options with one).
     */
    static void configure(CommandLine cmd) {
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        // Closed choices are enums, parsed by the names users type (io_uring, loom-platform, ...).
        cmd.registerConverter(ServerKind.class, parsedBy(ServerKind::parse));
        cmd.registerConverter(NettyTransport.class, parsedBy(NettyTransport::parse));
        cmd.registerConverter(LoomThreads.class, parsedBy(LoomThreads::parse));
        cmd.registerConverter(IoEngine.class, parsedBy(IoEngine::parse));
        cmd.registerConverter(HandlerWork.class, parsedBy(HandlerWork::parse));
        cmd.registerConverter(HostPort.class, parsedBy(HostPort::parse));
        cmd.registerConverter(CompareProfile.class, parsedBy(CompareProfile::parse));
        cmd.registerConverter(Pinning.class, parsedBy(Pinning::parse));
        cmd.registerConverter(ServerCpus.class, parsedBy(ServerCpus::parse));
        cmd.registerConverter(CpuQuota.class, parsedBy(CpuQuota::parse));
        cmd.registerConverter(Slo.class, parsedBy(Slo::parse));
        cmd.registerConverter(Duration.class, DurationConverter::parse);
        cmd.setDefaultValueProvider(new Defaults());
    }

    /** A converter from a domain type's own parser; its message becomes picocli's one-line error. */
    private static <T> CommandLine.ITypeConverter<T> parsedBy(Function<String, T> parse) {
        return text -> {
            try {
                return parse.apply(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        };
    }

    /** Every command's help lists the exit codes it can end with, from {@link ExitCode}. */
    private static void addExitCodeLists(CommandLine cmd, String name) {
        cmd.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCode.helpList(name));
        for (CommandLine sub : cmd.getSubcommands().values()) {
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand)) {
                addExitCodeLists(sub, sub.getCommandName());
            }
        }
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCode.USAGE.code();
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
