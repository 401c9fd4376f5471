/**
 * The greetbench command line: the one entry point a reader can start from, and the only module
 * that knows about options, output streams and exit codes. It builds {@code greetbench.jar}, which
 * the {@code ./greetbench} launcher runs, server child processes run, and JMH forks run.
 *
 * <h2>The command tree</h2>
 * {@link Main} is the root command and lists every subcommand: {@code serve} runs one server,
 * {@code check} drives a running server through the protocol's cases, {@code load} is the load
 * generator, {@code merge} adds up the logs of several generators, {@code compare} measures every
 * model on the same load, {@code capacity} finds one server's capacity at a latency SLO, {@code gate} tells whether a candidate build is slower than a baseline,
 * {@code jmh} runs the microbenchmarks, {@code hostile} runs the reliability suite. Each is one
 * class, a picocli {@code Callable<Integer>}.
 *
 * <h2>Thin commands</h2>
 * A command turns options into the domain module's validated settings, calls the module that does
 * the work ({@code compare}, {@code capacity}, {@code gate}, {@code hostile}, {@code loadgen}, the servers), and
 * prints what comes back. The procedures themselves (how a comparison is measured, how the gate
 * decides) live and are documented in their modules, where they can be tested without a command
 * line. Output goes through the command's own writers ({@code spec.commandLine().getOut()} and
 * {@code getErr()}), never {@code System.out}, so that a test captures it; {@code jmh} bridges
 * JMH's {@code PrintStream} to them.
 *
 * <h2>Exit codes</h2>
 * {@link ExitCode} lists every code greetbench exits with, in one place, so a script can tell a
 * regression from a usage error from a crash. Domain modules never see one: they throw the typed
 * exceptions of {@code harness} (a user's mistake, an unreachable target, a server that cannot
 * listen, a failed tool), and {@link ExitCode#of(Throwable)}, called from {@code Main}'s exception
 * handlers, is the one mapping from failure to code; the failure's message is printed as one line,
 * without a stack trace. A command that completes returns the code of its outcome (a failed check,
 * an invalid load run, a gate verdict). Every command's {@code --help} lists the codes it can end
 * with, generated from the enum, so help and behaviour cannot drift apart.
 *
 * <h2>Defaults and converters</h2>
 * Every option's default comes from {@link Defaults}, picocli's default provider, keyed by command
 * and option and filled from the domain modules' named {@code DEFAULT_} constants, so the default
 * the help shows ({@code ${DEFAULT-VALUE}}) is the one the code uses. Options whose default depends
 * on the machine ("one per CPU") say so in prose instead. Closed choices are enums whose
 * {@code toString} is the name users type; each value type a domain module parses gets one
 * converter, registered in {@code Main} ({@code parsedBy(X::parse)}: the parser's message becomes
 * picocli's one-line usage error), and durations are typed as people write them
 * ({@link DurationConverter}: {@code 500ms}, {@code 10s}, {@code 2m}).
 *
 * <h2>Tests</h2>
 * Command tests run the command line in process through {@code Main.run(out, err, args)} with
 * captured writers: the test fixture {@code CliRun.of("gate", ...)} returns the exit code and both
 * streams, and prints them when an assertion fails.
 */
package io.greetbench.cli;
