/**
 * What every measuring command needs around a server: a process to run it in, CPUs to pin it to,
 * readings of what it costs, and the typed failures the command line turns into exit codes.
 *
 * <h2>Servers run in child processes</h2>
 * {@code compare}, {@code gate}, the {@code hostile} suite and the JMH round trip never measure a
 * server inside their own JVM: the two would share a heap, a garbage collector and a JIT, and each
 * would hide the other's costs (a GC pause of the generator would look like server latency). As
 * JMH forks a JVM per trial, {@link ServerProcess#startGreetbench} starts
 * {@code greetbench serve ...} in a new JVM with this JVM's java, class path and the flags Netty
 * needs; {@link ServerProcess#startExternal} runs any other server (the C or Python reference) from
 * a shell command with a {@code {port}} placeholder, {@code exec}ed so that the process measured is
 * the server and not the shell. {@link ComparedServer} names the servers compare and the JMH round
 * trip start: greetbench's four models by their compare names ({@code loom-platform} is loom on
 * platform threads), an external command, and the asyncio peer, the seed's model, whose Python
 * script ships in this module's resources and runs when {@code python3} is on the path.
 *
 * <h2>Ready means the start-up line</h2>
 * A child is ready when it prints the protocol's start-up line, {@code Serving on ('127.0.0.1', PORT)},
 * which also carries the port it bound (greetbench servers bind port 0, so two runs never race for
 * a port). An external server need not print it: for those, a TCP connect that succeeds on the
 * port it was given is the other ready signal. A child that exits or stays silent past the start
 * timeout fails with its last stderr lines. Stdin is the parent's control channel: a greetbench
 * child answers {@code stats} with its GC totals, and exits when stdin closes, so a child never
 * outlives the command that started it and holds its port.
 *
 * <h2>Costs are read from /proc</h2>
 * A server's CPU time (utime + stime of {@code /proc/<pid>/stat}), resident set size and thread
 * count ({@code /proc/<pid>/status}) and open descriptors ({@code /proc/<pid>/fd}) are read from
 * the outside, the same way for a JVM, a C program and a Python interpreter, so the models compare
 * on equal terms. GC figures come from greetbench children only, over the control channel.
 * {@link CpuTimes} keeps user and system time apart: the kernel's share of a server's CPU is what
 * its system calls cost.
 *
 * <h2>What the machine takes: host stalls</h2>
 * {@link HostStalls} spins a thread on the clock for a second and counts the gaps of 0.5 ms or
 * more: time the hypervisor or the kernel took from a CPU that wanted to run. No load run can see
 * them, and on a shared VM they are what a p99 measures; the gate reports them beside its p99 rows.
 *
 * <h2>Where a JVM's CPU goes: its flight recording</h2>
 * {@link JfrProfile} starts a greetbench child with a JDK Flight Recording of its whole life
 * ({@link JfrProfile#startOption}) and reads the file back with the JDK's own
 * {@code jdk.jfr.consumer} API, over a window: the methods on top of the sampled stacks, and the
 * allocation JFR's samples estimate. No hand-written sampler, no hand-written parser.
 *
 * <h2>Placement</h2>
 * On a machine with two or more CPUs, {@link CpuPlacement#split} gives the server the first half
 * of the CPUs this process may use ({@code taskset -c} on the child's command line) and pins this
 * JVM, the load generator, to the rest ({@code taskset -a -p}, which re-pins every existing thread;
 * later threads inherit the mask). Server and generator then do not steal each other's cycles, and
 * the server's CPU time is its own. With one CPU, or no {@code taskset}, nothing is pinned and the
 * placement's description says why, so results never claim an isolation they did not have.
 * {@link ServerCpus} chooses the server's CPUs other than by halves ({@code --server-cpus}).
 *
 * <h2>A CPU budget for the server, and who bounded a figure</h2>
 * Separate CPUs are not enough on a small machine: the generator spends more CPU per exchange than
 * a fast server, so on equal halves the generator saturates first and the "server's" peak is the
 * generator's. {@link CpuBudget} gives the server a CFS quota ({@link CpuQuota}, such as 0.5 CPU)
 * in a cgroup of its own (v1 {@code cpu.cfs_quota_us} or v2 {@code cpu.max}), with a 10 ms period
 * so that throttling comes as many short waits rather than a few long ones, and reads the
 * throttling counters of {@code cpu.stat}. Where the machine does not permit it (no root, no
 * delegation, no controller) it says why in one line and the caller goes on without it.
 * {@link BoundBy} classifies a measured run as bound by the server, the generator or neither,
 * from each side's CPU use over its allotment and the server's throttling; its thresholds and
 * the measurements behind them are in its Javadoc.
 *
 * <h2>Typed failures, mapped in one place</h2>
 * Domain modules report a failure that is not a bug with a {@link GreetbenchException}: a
 * {@link BadInputException} for a user's mistake (it names the option), an
 * {@link UnreachableException} for a target nobody answers, a {@link CannotListenException} for a
 * server that cannot bind, a {@link ToolFailureException} for a child that crashed or an I/O error
 * writing results. The class is sealed, so the one mapper from failure to exit code, the command
 * line's {@code ExitCode.of} (used by {@code Main}'s exception handlers, as JMH's {@code Main}
 * maps its {@code RunnerException}), is checked by the compiler to cover every kind. Nothing below
 * the command line knows an exit code. Anything else that escapes a command is a bug and keeps its
 * stack trace.
 *
 * <p>{@link ServerProcess#MAIN_CLASS} names the command line's entry point as a string: this
 * module sits below {@code cli}, and a child is started as {@code <main class> serve ...}.
 */
package io.greetbench.harness;
