/**
 * The greetbench load generator: drives any greeting server, connection-per-request, and records
 * latency with HdrHistogram.
 *
 * <h2>Workloads</h2>
 * {@link io.greetbench.loadgen.Workload#CLOSED}: N exchanges always in flight, the next one started
 * as soon as one ends; the most throughput, and blind to server stalls.
 * {@link io.greetbench.loadgen.Workload#OPEN}: exchanges start on a constant schedule
 * ({@code Schedule}) whatever the server does. An exchange due while every
 * connection is busy is never dropped; it starts late and counts as late.
 * {@link io.greetbench.loadgen.Workload#HELD}: open N connections, keep them idle for a think
 * time, then complete an exchange on each (the C10K workload).
 *
 * <h2>Measuring without coordinated omission</h2>
 * A closed-loop client that waits for a stalled server does not send the requests it would have
 * sent meanwhile, so a one-second stall costs one slow sample instead of a second's worth of them:
 * the percentiles hide it. The open loop times each exchange twice, from its <em>intended</em>
 * start on the schedule (the "corrected" histogram, what a user arriving at that moment would
 * have waited) and from its actual start (the "raw" service time), as giltene/wrk2 does. The
 * correction is only honest if the generator itself keeps the schedule: the time an exchange
 * waited while a connection was free is the generator's own lag, and a run whose 99th percentile
 * of it exceeds {@link io.greetbench.loadgen.LoadGenerator#MAX_GENERATOR_LAG}, or whose maximum
 * exceeds {@link io.greetbench.loadgen.LoadGenerator#MAX_GENERATOR_STALL}, is marked invalid
 * rather than blaming the server for the generator's pauses. So is a run whose generator was busy
 * more than {@link io.greetbench.loadgen.LoadGenerator#MAX_GENERATOR_BUSY} of the window: its whole
 * process (GC, JIT and the coordinator too, which its threads' own CPU time misses) over the CPUs it
 * may use ({@code --cpus}, else its affinity), reported as {@code generator_cpu_utilization}; or
 * any one generator thread, which catches a thread saturated while another CPU idles.
 *
 * <h2>Every due exchange is in the corrected histogram</h2>
 * The exchanges due in the open loop's recorded window are those whose intended start lies in it,
 * rate times duration ({@code due}); the warm-up's are in no histogram, however late they run.
 * Dropping the ones a slow server never answered would leave out exactly the slowest, so each due
 * exchange is recorded in the corrected histogram once, whatever became of it: a completed one at
 * its latency; one that failed (a timeout, a reset...) at its failure time minus its intended start;
 * one still in flight, or never started because every connection stayed busy, when the run ends
 * (the window plus one {@code --timeout} to drain) at that moment minus its intended start. The
 * last three are lower bounds of a latency the server never finished, counted in
 * {@code lower_bounds} ({@code failed}, {@code in_flight}, {@code not_started}). The raw histogram
 * keeps completed exchanges only: it is the service time of answers the server gave, and a
 * never-started exchange has no service time at all. So {@code corrected.count == due} and
 * {@code raw.count == exchanges}.
 *
 * <h2>Overloaded is a result, invalid is not</h2>
 * A server that did not keep up with the schedule is measured, not excused: its run stays valid,
 * with its large latencies, and is labelled {@code overloaded} when a due exchange timed out, was
 * still due when the run ended, or waited for a free connection longer than
 * {@link io.greetbench.loadgen.LoadGenerator#MAX_CONNECTION_WAIT}. In the open loop a timeout is
 * therefore not an error that voids the run; any other error still does (a wrong or refused answer
 * is not a latency). Invalid is kept for what makes the numbers untrustworthy: the generator's own
 * lag or saturation, a late start, nothing completed.
 *
 * <h2>One exchange</h2>
 * {@code socket()}, non-blocking {@code connect()}, the payload (optionally a half-close), then
 * reads until end of stream; the bytes must equal
 * {@link io.greetbench.protocol.Greeting#replyTo} of the connection's own local address, and
 * anything else is an {@link io.greetbench.loadgen.ErrorKind}. Every connect and exchange has a
 * deadline, so a dead or stalled server yields errors and the run always ends. Latencies are in
 * nanoseconds; each generator thread ({@code Worker}, one poller each, no
 * hand-off between threads) records into its own {@code SingleWriterRecorder}s, and the
 * coordinating thread merges their interval histograms once a second into the totals, the
 * progress line and the {@code --hlog} interval log ({@code IntervalLog}).
 * Logs from several generators add up exactly ({@link io.greetbench.loadgen.HistogramLogs}).
 *
 * <h2>Two engines under one worker</h2>
 * The worker keeps each exchange's state machine; its {@code SocketIo} makes the system calls.
 * {@link io.greetbench.loadgen.IoEngine#EPOLL} calls Linux directly through the foreign-function
 * API (JDK 22 or newer) with the C reference client's sequence, seven calls an exchange;
 * {@link io.greetbench.loadgen.IoEngine#NIO} uses the JDK's channels, which add two
 * {@code fcntl}s, {@code epoll_ctl} changes and an extra read for end of stream. On loopback the
 * calls are most of the cost, so the default, {@code auto}, takes epoll wherever it can run.
 */
package io.greetbench.loadgen;
