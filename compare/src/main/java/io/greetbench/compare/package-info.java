/**
 * {@code greetbench compare}: every server measured under the same load on one machine, in
 * interleaved rounds, so that the concurrency models can be compared by what each costs and how
 * each queues. {@link io.greetbench.compare.CompareRun} is the procedure,
 * {@link io.greetbench.compare.CompareSettings} its settings (the two
 * {@link io.greetbench.compare.CompareProfile}s and the overrides),
 * {@link io.greetbench.compare.CompareResults} what it measured; the stdout table
 * ({@link io.greetbench.compare.CompareTable}), {@code results.json}
 * ({@link io.greetbench.compare.CompareJson}) and the HTML report with its SVG charts
 * ({@link io.greetbench.compare.HtmlReport}) are all rendered from that one model, so they never
 * disagree.
 *
 * <h2>The procedure: the whole lineup, phase by phase</h2>
 * The lineup is every server with each {@code --handler} when several are given (handler-major, so
 * each handler's rows sit together; external servers run once, since no handler reaches them).
 * Measuring one server from start to stop and then the next would leave any drift of the machine
 * (another process starting, a thermal limit) on whichever servers ran at the time, so
 * {@link io.greetbench.compare.CompareRun} takes the whole lineup through each phase before the
 * next:
 * <ol>
 * <li><b>Start</b> every server, each in its own process on its own port, all on the server CPUs:
 * a greetbench server in a child JVM ({@code serve}), the asyncio peer under the {@code python3}
 * found on the {@code PATH}, an external server from its shell command with {@code {port}} replaced
 * by a free port. A server inside the generator's JVM would share its heap, GC and JIT with the
 * generator. An idle server costs next to nothing (a JVM's idle threads wake a few times a
 * second); the memory of all of them together is printed once they are warm. This JVM keeps two
 * pipes per server, well inside the descriptors it reserves besides held connections.</li>
 * <li><b>Warm up</b> each server in turn: closed loop at the highest concurrency in 1 s slices,
 * not recorded, until its server CPU per exchange is steady (two consecutive slices within 10%),
 * after a minimum and at most {@code --warmup} ({@link io.greetbench.compare.WarmUpRule}). A fixed
 * warm-up fits no server: netty's JIT needs about 6 s of load (docs/gate.md: 402 → 37 µs per
 * exchange over its first six seconds), nio about two. How long each took, the slices, and whether
 * it hit the cap are in its result; a capped warm-up is a warning. Its RSS and GC totals are read
 * after it, so the measured workloads are counted from there. Only this once: a warm-up before
 * every run would burn server CPU that the per-run CPU figure would count without its
 * exchanges.</li>
 * <li><b>Search each server's capacity</b> at the SLO, one server at a time in the first round's
 * shuffled order: {@link io.greetbench.capacity.CapacitySearch} (constant-rate open loop, growing
 * then bisecting, every step judged and printed; {@code CompareProfile.capacity()} sizes it,
 * shorter in the quick profile), with the server's side read from its process and, inside the
 * budget, the quota and the throttling counters ({@code ServerMeasurement.serverMeter}). The
 * capacity is the server's <b>rate basis</b>, the rate its open-loop points are fractions of,
 * fixed before the rounds so that every round runs the same rates ({@code RateBasis.of}, the one
 * place that decides it). A capacity of 0 (the first step failed) or unknown (the generator was
 * the bound before any step passed) falls back to the closed-loop rate the warm-up reached, said
 * in {@code rate_basis} ({@code fallback}, {@code source}) and a warning, never silently; a
 * capacity that is only a lower bound is a warning too.</li>
 * <li><b>Rounds</b> ({@code --repeats} of them): each visits the whole lineup once, in an order
 * shuffled afresh per round ({@link io.greetbench.compare.RoundOrder}, seeded by {@code --seed},
 * whose value and the resulting order are in the provenance), and each server in its turn runs
 * every closed-loop point once (c exchanges always in flight, each on a new connection) and, in
 * the first {@code --open-loop-repeats} rounds, every open-loop point once.</li>
 * <li><b>Held connections</b>, one server at a time (the generator needs a descriptor per
 * connection), each server stopped after its own, with its GC totals read just before.</li>
 * <li>With {@code --cpu-profile}, <b>a profiled run per Java server</b>, one at a time
 * ({@link io.greetbench.compare.CpuProfileRun}; see below).</li>
 * </ol>
 * A server that does not start, exits or stops answering ends its own measurement there, with the
 * reason in its result and in the warnings, and keeps the repeats it completed; its process is
 * stopped and the other servers go on.
 *
 * <h2>Server and generator on separate CPUs</h2>
 * On a small machine the generator and the server compete for the same cores: the server's
 * figures would then depend on how hard the generator had to work, and its CPU time would include
 * waiting for the generator's cycles. With {@code --pin auto} and two CPUs or more, the server gets
 * the first half of the CPUs this process may use ({@code taskset -c} on its command line) and the
 * generator, which is the compare JVM itself, the rest ({@code taskset -a -p}); see
 * {@link io.greetbench.harness.CpuPlacement}; {@code --server-cpus} chooses other than halves.
 *
 * <h2>A CPU budget, so that the server is what saturates</h2>
 * Separate CPUs are not enough: the generator spends 40-65 µs of CPU per exchange, a fast server
 * (greet-c) 25-35 µs, so on one CPU each the generator saturates first and a fast server's "peak"
 * would be the generator's. {@link io.greetbench.compare.ServerBudget} therefore puts each server,
 * once its warm-up is over (a JVM's JIT and collector threads are inside the quota too, and would
 * compile at half speed), under a CPU quota ({@code --server-cpu-quota}, 0.5 CPU by default) with
 * {@link io.greetbench.harness.CpuBudget}. The whole lineup shares that one cgroup: only the
 * server being measured is busy, and an idle one uses next to nothing of the quota; the
 * throttling counters are read around each run, so they are that run's server's. Where the
 * machine does not permit a budget, the run goes on
 * without one and the first progress line, a warning, the line under the table and the
 * provenance say so. {@code --pin none} turns placement and budget off together.
 *
 * <h2>Who bounded each figure</h2>
 * Around every closed-loop and open-loop run, the server's CPU time and the wall time are read,
 * and, under a budget, the server cgroup's throttling counters; the generator's utilization is the
 * load result's own reading ({@code LoadResult.generatorCpuUtilization()}), one reading for the
 * points and the capacity steps alike. Each point then carries the
 * server's utilization (its CPU over wall × its allotment: the quota, else its CPUs), the
 * generator's (this whole process's CPU, GC and JIT included, over wall × its CPUs), the
 * throttling delta, and {@code bound_by}: {@code server}, {@code generator} or {@code neither}
 * ({@link io.greetbench.harness.BoundBy#classify}; the thresholds and the measurements behind them
 * are in its Javadoc). A closed-loop rate the generator bounded stays a number with
 * {@code lower_bound: true} and reads {@code ≥ 26,020}: the server can do at least that much. An
 * open-loop point the generator bounded is marked {@code (gen.)}, since its latency may be the
 * generator's.
 *
 * <h2>The columns and how each is measured</h2>
 * <ul>
 * <li><b>exch/s (peak)</b>: exchanges completed with the exact greeting per second in the closed
 * loop, the median of the repeats, at the concurrency <b>at c</b> whose median is highest;
 * {@code ±} is half the spread between repeats; {@code ≥} when the generator bounded it.</li>
 * <li><b>bound by</b>: which side was the limit at that peak: server, generator or neither.</li>
 * <li><b>p50, p99</b>: latency at that point, from {@code socket()} to the end of the reply, taken
 * from the repeat whose rate is closest to the median (its interval log is the one linked).</li>
 * <li><b>capacity @p99≤5ms</b>: the highest constant open-loop rate at which the corrected
 * latency at the SLO's percentile stayed within it ({@code --slo}); {@code ≥} when the search could
 * only bound it from below, {@code 0 (see below)} or {@code unknown} with the reason in a note.</li>
 * <li><b>p99 @x% cap. corr.</b>: the open loop at x% of that server's capacity, latency timed
 * from each exchange's intended start on the schedule, which corrects for coordinated omission
 * (see {@code io.greetbench.loadgen}), over every repeat's exchanges (their histograms merged);
 * the raw service time is kept beside it in the JSON and the report. {@code (overl.)}: the
 * server did not keep up with that rate ({@code LoadResult.overloaded()}), a valid result whose
 * latency holds the queue.</li>
 * <li><b>CPU ms/1k exch</b>: the server process's CPU time (user + system, from
 * {@code /proc/<pid>/stat}), read just before and after every run and summed over the repeats of
 * the peak point, per 1,000 exchanges. Read the same way for a JVM, Python or C server.</li>
 * <li><b>RSS idle</b>: the server's resident memory after the warm-up, before the measured
 * workloads.</li>
 * <li><b>RSS/held conn</b>: (highest RSS while the held connections were open − RSS just before
 * opening them) / connections open at once: what one more idle connection costs the server. A
 * JVM's heap growth between collections counts too, so small figures mean the heap had room.</li>
 * <li><b>held</b>: connections the generator had open at once / connections asked for.</li>
 * <li><b>GC ms</b>: collector time over the measured workloads (warm-up excluded), asked from a
 * greetbench child over its control channel; "n/a" for servers that are not greetbench JVMs.</li>
 * <li><b>errors</b>: failed exchanges over every measured run, by kind in the JSON
 * ({@link io.greetbench.loadgen.ErrorKind}).</li>
 * </ul>
 *
 * <h2>Repeats and noise</h2>
 * Every repeat of every point runs in its own round, so repeats are interleaved with every other
 * point of every server, and a drift in the machine's state spreads over all of them instead of
 * biasing one. A closed-loop point quotes its median repeat (its latency from the repeat closest
 * to the median); an open-loop point quotes the median of its repeats' achieved rates and the
 * percentiles of all its repeats' histograms merged, never an average of percentiles. A point
 * whose spread ((max − min) / median of the repeats' rates) exceeds {@code --noise-threshold} is
 * named in a warning. The load average is read at the start and the end; above the CPU count, a
 * warning says the machine was busy and that only ratios within the run should be compared.
 * Warnings are gathered by kind, busy machine first since it explains the others; they follow the
 * table on stdout and lead the JSON's list and the report.
 *
 * <h2>Open loop at fractions of each server's capacity</h2>
 * A fixed rate would overload the slow servers and idle the fast ones; a fraction of what each one
 * can take loads every server equally relative to that, so the corrected latency curves compare
 * how each model queues as it approaches its knee. The closed-loop peak would not serve: it is
 * only known after the rounds the open loop runs in, and a peak is a throughput, not a load at
 * which latency is still acceptable. What the points are a fraction of is the server's
 * {@code rate_basis} in the JSON (its capacity, or the warm-up's rate as a fallback, and where it
 * came from), and each point's {@code fraction_of_capacity} says so. The report draws the curves
 * on HdrHistogram's percentile axis (1/(1−p), log scale), where the tail is visible, and each
 * server's capacity search as latency against rate with the SLO as a line. A run the generator
 * could not keep on schedule is marked invalid by the generator and called out, not blamed on the
 * server; one the server could not keep up with is {@code overloaded}, a valid result. When there
 * is no rate basis at all (capacity 0 and no warm-up), the open loop is skipped with a warning.
 *
 * <h2>Held connections</h2>
 * The C10K workload: open N connections, keep them idle for the think time, then complete one
 * exchange on each. A sampler thread reads the server's RSS and open descriptors every 50 ms while
 * they are open. The generator needs a descriptor per connection plus about a thousand of its own,
 * so N is capped below this process's soft {@code Max open files}, with a warning naming the limit
 * and whether it can be raised. All N requests are released at once, so the last replies wait
 * behind thousands of others: the exchange timeout is stretched to 5 ms per connection for this
 * workload, since that wait is queueing, not failure.
 *
 * <h2>Where the CPU goes: a profiled run of its own</h2>
 * The table says what each server costs; {@code --cpu-profile} says where, so that a reader sees
 * why the models differ. A flight recording costs the server CPU (samplers, the recorder thread,
 * allocation sampling), so it must not run during the measured workloads, whose figures would
 * then carry it: after them, each greetbench server is started afresh with a recording
 * ({@link io.greetbench.harness.JfrProfile#startOption}), warmed up by the same
 * {@link io.greetbench.compare.WarmUpRule} (a new JVM starts its JIT from nothing), put under the
 * CPU budget as its measured runs were, and driven in a closed loop at the concurrency of its
 * closed-loop peak for {@code CompareProfile.cpuProfileDuration()}. Its user and system time
 * ({@link io.greetbench.harness.CpuTimes}) are read around that window; SIGTERM makes it write
 * the recording, of which only the window's events are read
 * ({@link io.greetbench.harness.JfrProfile#read}): the top methods by samples (top frame, self;
 * JDK 25's CPU-time samples, which see native methods and their system calls, else execution
 * samples), and the sampled allocation per exchange, an estimate. The result is the server's
 * {@code cpu_profile}, shown in the report's "Where the CPU goes" beside the table and never in
 * any other figure; a server that is no JVM gets "no JVM: not profiled", and a profiled run that
 * fails costs the profile only, never the server's measured figures.
 *
 * <h2>Provenance</h2>
 * Numbers without their circumstances cannot be compared, so every result records when it ran,
 * the command line, the CPUs this process could use at the start and their model, the memory, the
 * kernel, the JDK, the asyncio peer's Python, what CPU pinning was done, the server's CPU budget as
 * applied (or why there was none), the load average at the
 * start, the host stalls a thread spinning on the generator's CPUs met for a second before the run
 * ({@code HostStalls}; a warning when they take enough of the time to set the open-loop p99s),
 * every setting, each server's command, the generator's I/O engine and the greetbench commit
 * ({@code HostProbes} reads them). Every exchange's latency is also kept raw: each run's
 * HdrHistogram interval log, in nanoseconds, under {@code hlog/} in the output directory.
 */
package io.greetbench.compare;
