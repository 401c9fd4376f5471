/**
 * The CI performance gate: decides whether a candidate build is slower than a baseline build,
 * with statistics that are honest about a shared machine's noise. {@code docs/gate.md} has the
 * calibration; this is the method and why it is built this way.
 *
 * <h2>Same job, never stored numbers</h2>
 * On shared CI machines absolute figures drift by 10–50% between jobs, and by some 15% within an
 * hour on the machine this was built on. So the gate never compares against numbers from another
 * job: {@link io.greetbench.gate.GateRun} measures both builds in the same job, interleaved, and
 * every decision rests on ratios of figures taken moments apart. A build is a jar or a checkout
 * ({@link io.greetbench.gate.BuildResolver}); a baseline is often an older commit, so checkouts in
 * the layout from before the module split ({@code bench/target/greetbench.jar}) and their main
 * class ({@code io.greetbench.bench.Main}, read from the manifest) are found too.
 *
 * <h2>Interleaved, randomized rounds</h2>
 * A subject is one server under one workload. A round measures every undecided subject once per
 * side, the subjects in a random order, and the side that goes first drawn at random
 * ({@link io.greetbench.gate.GateRounds}), so neither side always meets a warmer or cooler
 * machine. Each side's server starts in a fresh JVM every round (the two start at once), pinned to
 * half of the CPUs, with the load generator, this JVM, pinned to the other half, so neither steals
 * the other's cycles and the server's CPU time is its own.
 *
 * <h2>Warm-up and A B B A slices</h2>
 * Both fresh servers are first warmed up in 1 s turns, A B B A, 2 s per side by default and 6 s
 * for netty, whose JIT takes that long: its CPU per exchange falls from about 400 to 40 µs over
 * its first 6 s of load, and a shorter warm-up measured every round at a different point of that
 * curve. The turns alternate because warming one side whole and then the other left the side
 * warmed last still compiling when measuring began (+6% to +11% for whichever side warmed second
 * in netty A/A runs). Then the sides take the measured load in slices of 500 ms in the order
 * A B B A A B B A… until each had 3 s ({@link io.greetbench.gate.GateSettings}). Slices a fraction
 * of a second apart see the same machine: a neighbour's build that starts mid-round hits both
 * sides, and the mirrored order cancels a steady drift within the round. A server idles while
 * the other is loaded, and its CPU time is counted only in its own slices.
 *
 * <h2>Workloads and metrics, one log ratio per round</h2>
 * Every workload of a round runs on the same two JVMs after one warm-up, closed loops first, each
 * in its own A B B A slices. A closed loop gives exchanges per second (higher is better) and server
 * CPU per exchange (user + system time from {@code /proc/<pid>/stat} over the side's slices,
 * divided by its exchanges; lower is better). On a small machine the generator, not the server,
 * often limits the rate, so a server that spends more CPU per exchange keeps up and only the
 * second metric sees the slowdown. An open loop ({@link io.greetbench.gate.GateWorkload}; by
 * default at 35% of the baseline's closed-loop rate, measured in the server's first round and then
 * fixed) gives CPU per exchange and the p99 of the corrected latency, from the side's slice
 * histograms merged (never percentiles averaged); no exchanges/s row, since its rate is the
 * schedule's. A slice that leaves a due exchange unfinished makes the round unusable, so the p99
 * leaves out no exchange that was due. p99.9 is not gated: from a few thousand exchanges per side
 * and round it rests on the slowest handful, too noisy per round to decide in the budget. Each round gives
 * one ratio candidate / baseline per metric. Noise on a shared machine is multiplicative (a busy
 * neighbour costs some percent, whatever the figure), so the gate works on the logs of these
 * ratios, and the drift of the machine from round to round cancels within each round's ratio.
 *
 * <h2>A rate from the baseline's capacity</h2>
 * {@code open:<percent>%cap} is that share of the baseline's capacity at {@code --capacity-slo}
 * ({@link io.greetbench.gate.GateCapacity}): a quick search of the {@code capacity} module on the
 * baseline's fresh server in the server's first round, after the warm-up, on the same CPUs as the
 * slices, then fixed for every round like the closed-loop share. A share of the closed loop is a
 * share of whatever limited it, often the generator on a small machine; a share of the capacity is
 * a share of where the baseline's tail starts to grow. The candidate idles through the search, so
 * both sides warm up again briefly before measuring; the search's time is left out of the estimate
 * of whether another round fits the budget, since later rounds do not repeat it. A capacity of 0 or
 * unknown fails the gate (a tool failure, one line): there is no comfortable share of a rate the
 * baseline misses its SLO at, and a fall-back to the closed loop would gate a queue. A lower bound
 * (the generator was the limit) is used and shown as {@code ≥}.
 *
 * <h2>The interval</h2>
 * The mean of the log ratios with a Student-t interval around it (95% two-sided by default,
 * n − 1 degrees of freedom), reported as a geometric-mean change with its interval
 * ({@link io.greetbench.gate.GateStatistics}). Not a percentile bootstrap: at the few rounds the
 * gate runs, a bootstrap is too narrow (about 88% coverage for a nominal 95% at 6 rounds) and
 * would turn noise into false alarms; the t interval has exact coverage for log-normal noise and
 * widens honestly when rounds are few, and a verdict can be recomputed from the per-round values
 * alone. Two JMH result files ({@link io.greetbench.gate.JmhGate}) are not paired, since their
 * forks ran at different times: their per-fork scores (forks are independent JVMs; the iterations
 * of one fork are not) are compared with Welch's t on the logs, never with JMH's pooled
 * {@code scoreError}.
 *
 * <h2>Verdict lines</h2>
 * The threshold (5% by default) is the line ({@link io.greetbench.gate.GateVerdict}): a ratio of
 * 0.95 for exchanges per second, 1.05 for CPU per exchange; p99 latency has its own (20%, to be
 * set from a measured A/A spread). <em>Pass</em> when the interval lies entirely on the good side
 * (an improvement of any size passes), <em>regression</em> when the row is beyond the line for the
 * whole gate (below), <em>inconclusive</em> otherwise. The interval
 * decides, never the point estimate, so noise cannot pass for a verdict. The line sits at half
 * the slowdown the gate must catch: with a line at 10%, a 10% slowdown would straddle it half of
 * the time however many rounds ran; with the line at 5%, an unchanged build passes and a 10%
 * slowdown is a regression once the interval is narrower than ±5%, and both mistakes need the
 * interval to miss the truth by 5 points.
 *
 * <h2>Sequential looks, rounds and budget</h2>
 * The defaults below are {@link io.greetbench.gate.GateSettings}'s constants, the one place they
 * are set. The gate looks at the rows after every round from {@code --min-rounds} (4) on, and a
 * server stops as soon as all its rows have a verdict. Before that a row is inconclusive whatever
 * its interval: two rounds are the least that give one, and a lucky pair must not end a run. A
 * server also stops undecided after {@code --max-rounds} (15), or when the time budget (5 min for
 * all servers) cannot hold another of its rounds: a round starts only if the mean length of that
 * server's earlier rounds still fits, and the first two always run. So 4 to 15 rounds per server.
 *
 * <h2>Family-wise verdicts</h2>
 * Many rows looked at after every round would turn noise somewhere into a regression. A row
 * regresses only when Holm's step-down over every row of the gate rejects it at 1 − confidence
 * (5%), each row's one-sided p-value of "beyond the line" multiplied by the planned looks
 * ({@code max − min + 1}, a Bonferroni split over rounds that holds however the budget stops
 * them), a row keeping the smallest value it reached ({@link io.greetbench.gate.GateStatistics},
 * {@link io.greetbench.gate.GateRounds}). The chance of any false alarm in the whole gate is then
 * at most 5% even for true changes right on their lines; a pass claims no alarm and keeps the
 * nominal interval, so an unchanged build passes as fast as before, and a real regression needs a
 * few more rounds to be proved. The report says so in one line; {@code GateFamilyWiseTest}
 * simulates the whole stopping rule.
 *
 * <h2>What inconclusive means</h2>
 * That the gate could not tell, at this threshold and on this machine, whether the change is
 * beyond the line: an interval still straddled it when its subject stopped, or a JMH benchmark
 * was present in one file only. It is never reported as a pass; the command exits 4 (0 with
 * {@code --inconclusive pass}). A larger budget or a quieter machine narrows the intervals. A run
 * that could not be measured at all is neither: a round with failed exchanges or a generator that
 * fell behind is measured once more with fresh servers, and a second such round, a server that
 * exits or stops accepting, fails the tool (exit 1), since a server that produces errors must not
 * pass.
 *
 * <h2>Output</h2>
 * {@link io.greetbench.gate.GateReport} renders the rows (one per subject and metric) as a table,
 * as JSON with every per-round value (written with Jackson; field names are stable, scripts such
 * as {@link io.greetbench.gate.GateCalibrationSummary} read them) and as Markdown for a pull
 * request or {@code $GITHUB_STEP_SUMMARY}.
 */
package io.greetbench.gate;
