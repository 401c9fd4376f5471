package io.greetbench.loadgen;

import com.sun.management.OperatingSystemMXBean;
import io.greetbench.protocol.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Runs one load run described by a {@link LoadSpec}: checks the limits, probes the target, starts
 * {@link LoadSpec#threads()} {@link Worker}s and, on the calling thread, collects their interval
 * histograms once a second (progress, the {@code --hlog} interval log, the totals) until they
 * end.
 *
 * <p>Threading: {@link #run} blocks its caller for the run; the workers are daemon platform
 * threads named {@code loadgen-N}, all gone when it returns.
 */
public final class LoadGenerator {

    /**
     * The open loop is invalid when the generator started its exchanges later than this, at the
     * 99th percentile, while a connection was free: then its own CPU or GC, not the server, set
     * the pace, and the corrected latencies blame the server for the generator's delay.
     */
    public static final Duration MAX_GENERATOR_LAG = Duration.ofMillis(10);
    /**
     * The open loop is also invalid when the generator started any one exchange this late with a
     * connection free. The p99 check lets through a pause that hits under 1% of the exchanges, yet
     * one pause moves the corrected maximum and p99.9 by its own length, blamed on the server.
     * 100 ms is ten times the p99 limit: beyond the young-generation GC pauses and scheduler delays
     * of a healthy generator (a few ms), so only a real stall (a full GC, the CPU taken away) trips it.
     */
    public static final Duration MAX_GENERATOR_STALL = Duration.ofMillis(100);
    /**
     * The open loop is also invalid when the generator was busy more than this share of the
     * recorded window: the whole process (its threads, GC, JIT, the coordinator) over the CPUs it
     * may use, or any one generator thread. A saturated generator reads
     * replies late, so its raw times include its own queue, and connections it has not yet freed
     * count as late, blamed on the server.
     */
    public static final double MAX_GENERATOR_BUSY = 0.8;
    /**
     * An open-loop run is overloaded, a valid result that says the server did not keep up, when a
     * due exchange waited longer than this for a free connection: every connection was held by the
     * server that long, so the offered rate outran what the server served at this concurrency.
     * The same 100 ms as {@link #MAX_GENERATOR_STALL}: a stall a user notices, well past one
     * slow exchange.
     */
    public static final Duration MAX_CONNECTION_WAIT = Duration.ofMillis(100);
    /** How often progress and interval-log entries are produced. */
    public static final Duration REPORT_INTERVAL = Duration.ofSeconds(1);
    /** The longest the unreachable-target probe waits for its connect. */
    static final Duration MAX_PROBE_TIMEOUT = Duration.ofSeconds(5);
    /** Past every deadline a run can have, how long workers get to notice the stop before run() gives up on them. */
    private static final long GRACE_NANOS = 5_000_000_000L;

    private LoadGenerator() {
    }

    /**
     * Runs the load and returns what it measured. Always returns: every connect and exchange has a
     * deadline, so a dead or stalled server yields errors, never a hang.
     *
     * @throws UnreachableTargetException when the target cannot be connected to before the run
     * @throws io.greetbench.protocol.ConfigException when this process cannot open as many
     *         connections as asked (the descriptor limit), naming the limit
     * @throws UncheckedIOException when the run itself fails (a poller cannot be opened, the
     *         interval log cannot be written)
     */
    public static LoadResult run(LoadSpec spec, ProgressListener progress) throws UnreachableTargetException {
        return run(spec, progress, null);
    }

    /** {@link #run(LoadSpec, ProgressListener)}, telling {@code dueSamples} of every due exchange of an open loop. */
    static LoadResult run(LoadSpec spec, ProgressListener progress, Worker.DueSamples dueSamples) throws UnreachableTargetException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(progress, "progress");
        boolean held = spec.workload() == Workload.HELD;
        SystemLimits.checkDescriptors(held ? "--held" : "--connections", held ? spec.heldConnections() : spec.connections());
        probe(spec.target(), spec.exchangeTimeout());
        String noEpoll = IoEngine.epollUnavailableReason();
        if (spec.io() == IoEngine.EPOLL && noEpoll != null) {
            throw new ConfigException("--io", "epoll is unavailable here: " + noEpoll);
        }
        try {
            // The result says which engine ran, never just "auto".
            return new Run(spec.toBuilder().io(spec.io().resolved()).build(), progress, dueSamples).execute();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails fast, with a clear message, when nothing can be reached at the target. */
    static void probe(InetSocketAddress target, Duration timeout) throws UnreachableTargetException {
        Duration wait = timeout.compareTo(MAX_PROBE_TIMEOUT) < 0 ? timeout : MAX_PROBE_TIMEOUT;
        String where = target.getAddress().getHostAddress() + ":" + target.getPort();
        try (Socket socket = new Socket()) {
            socket.connect(target, (int) Math.max(1, wait.toMillis()));
        } catch (ConnectException e) {
            throw new UnreachableTargetException("cannot connect to " + where + ": " + e.getMessage()
                    + " (is a server listening there?)", e);
        } catch (SocketTimeoutException e) {
            throw new UnreachableTargetException("cannot connect to " + where + ": no answer within "
                    + LoadResult.formatDuration(wait), e);
        } catch (IOException e) {
            throw new UnreachableTargetException("cannot connect to " + where + ": " + e.getMessage(), e);
        }
    }

    /** Whether a generator thread busy this share of the time (CPU over wall time) was saturated. */
    static boolean saturated(double busyShare) {
        return busyShare > MAX_GENERATOR_BUSY;
    }

    /**
     * The share of the CPUs this generator may use that its whole process spent over
     * {@code wallNanos}, 0 to 1: the {@code --cpus} list when pinned (its GC and JIT threads may run
     * elsewhere and are counted against it all the same, which errs towards calling the generator
     * busy), otherwise every CPU of its affinity ({@code availableProcessors} follows
     * {@code sched_getaffinity} and a container's CPU limit).
     */
    static double cpuUtilization(long cpuNanos, long wallNanos, String cpus) {
        int allowed = cpus == null ? Runtime.getRuntime().availableProcessors() : CpuPinning.count(cpus);
        return cpuNanos <= 0 || wallNanos <= 0 ? 0 : Math.min(1, (double) cpuNanos / wallNanos / allowed);
    }

    /** Process CPU time of every thread of this JVM, or -1 when the platform does not say. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** One run's state, on the calling thread. */
    private static final class Run {

        private final LoadSpec spec;
        private final ProgressListener progress;
        private final boolean held;
        private Timeline timeline;
        private final CountDownLatch ready;
        private final CountDownLatch go = new CountDownLatch(1);
        private final List<Worker> workers = new ArrayList<>();
        private final List<Thread> threads = new ArrayList<>();
        private final CountDownLatch connected;
        private final Histogram totalCorrected = new Histogram(3);
        private final Histogram totalRaw = new Histogram(3);
        private final Histogram intervalCorrectedSum = new Histogram(3);
        private final Histogram intervalRawSum = new Histogram(3);
        private long startEpochMillis;
        /** How late the run began after {@code --start-at}; null without a start instant. */
        private Duration startLate;
        private IntervalLog hlog;
        private long lastCompleted;
        private long lastErrors;
        private long lastReportNanos;
        private long cpuAtStart = -1;
        private long cpuAtEnd = -1;
        /** When {@link #cpuAtStart} and {@link #cpuAtEnd} were read: the wall time the CPU time spans. */
        private long cpuStartNanos;
        private long cpuEndNanos;
        private int peakHeld;

        Run(LoadSpec spec, ProgressListener progress, Worker.DueSamples dueSamples) throws IOException {
            this.spec = spec;
            this.progress = progress;
            this.held = spec.workload() == Workload.HELD;
            int n = spec.threads();
            this.connected = new CountDownLatch(n);
            this.ready = new CountDownLatch(n);
            int total = held ? spec.heldConnections() : spec.connections();
            try {
                for (int i = 0; i < n; i++) {
                    int share = total / n + (i < total % n ? 1 : 0);
                    workers.add(new Worker(spec, i, held ? 0 : share, held ? share : 0, ready, go, connected, dueSamples));
                }
            } catch (IOException | RuntimeException e) {
                workers.forEach(Worker::closeSelector);
                throw e;
            }
        }

        /** Fixes the run's moments once every worker is ready (pinned, if asked), and lets them go. */
        private void startTimeline() throws IOException {
            try {
                ready.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the generator threads started", e);
            }
            if (spec.startAt() != null) {
                StartBarrier.awaitInstant(spec.startAt());
            }
            long start = System.nanoTime();
            Instant started = Instant.now();
            startEpochMillis = started.toEpochMilli();
            if (spec.startAt() != null) {
                startLate = Duration.between(spec.startAt(), started);
                // Other shards on these CPUs woke at this same instant and may be waiting for one:
                // let them take their start time before this one's workers start and compete.
                Thread.yield();
                if (!startLate.isNegative()) {
                    // The run's moments hang on the instant, not on this thread's wake-up: a shard
                    // that woke a few milliseconds late (N shards on one CPU wake one scheduler slice
                    // apart) still records the same window as the others, and its open-loop
                    // schedule still interleaves with theirs; the exchanges it owes from the
                    // instant on are due, and late, in its warm-up.
                    start -= startLate.toNanos();
                    startEpochMillis = spec.startAt().toEpochMilli();
                }
            }
            long measureStart = held ? start : start + spec.warmup().toNanos();
            long measureEnd = held ? Long.MAX_VALUE : measureStart + spec.duration().toNanos();
            long drainEnd = spec.workload() == Workload.OPEN ? measureEnd + spec.exchangeTimeout().toNanos() : measureEnd;
            timeline = new Timeline(start, measureStart, measureEnd, drainEnd);
            hlog = spec.hlog() == null ? null : new IntervalLog(spec.hlog(), startEpochMillis, spec.describe());
            workers.forEach(w -> w.timeline(timeline));
            go.countDown();
        }

        LoadResult execute() throws IOException {
            try {
                for (int i = 0; i < workers.size(); i++) {
                    Thread t = new Thread(workers.get(i), "loadgen-" + i);
                    t.setDaemon(true);
                    threads.add(t);
                }
                threads.forEach(Thread::start);
                startTimeline();
                lastReportNanos = timeline.startNanos;
                if (held) {
                    cpuAtStart = processCpuNanos();
                    cpuStartNanos = System.nanoTime();
                }
                coordinate();
            } finally {
                if (timeline != null) {
                    timeline.stop = true;
                }
                go.countDown();
                workers.forEach(Worker::wakeup);
                for (Thread t : threads) {
                    joinQuietly(t, TimeUnit.NANOSECONDS.toMillis(GRACE_NANOS));
                }
                if (hlog != null) {
                    hlog.close();
                }
            }
            for (Worker w : workers) {
                Throwable f = w.failure;
                if (f instanceof Error e) {
                    throw e;
                }
                if (f instanceof IOException e) {
                    throw e;
                }
                if (f instanceof RuntimeException e) {
                    throw e;
                }
            }
            return result();
        }

        /** Waits for the workers, reporting each interval; moves the held workload through its phases. */
        private void coordinate() throws IOException {
            long hardEnd = hardDeadline();
            long nextReport = timeline.startNanos + REPORT_INTERVAL.toNanos();
            boolean releasedHeld = false;
            while (anyAlive()) {
                long now = System.nanoTime();
                if (now >= hardEnd) {
                    break;
                }
                if (!held && cpuAtStart < 0 && now >= timeline.measureStartNanos) {
                    cpuAtStart = processCpuNanos();
                    cpuStartNanos = now;
                    // Flip the recorders at the start of the window, so the first logged interval starts
                    // there; when a progress line is due too, this is it.
                    boolean due = now >= nextReport;
                    collect(now, due);
                    if (due) {
                        nextReport = now + REPORT_INTERVAL.toNanos();
                    }
                }
                if (!held && cpuAtEnd < 0 && now >= timeline.measureEndNanos) {
                    cpuAtEnd = processCpuNanos();
                    cpuEndNanos = now;
                }
                if (held && !releasedHeld && connected.getCount() == 0) {
                    releasedHeld = true;
                    peakHeld = openNow();
                    timeline.releaseNanos = System.nanoTime() + spec.thinkTime().toNanos();
                    // Recomputed: the exchange phase's deadline counts from the release.
                    hardEnd = timeline.releaseNanos + spec.exchangeTimeout().toNanos() + GRACE_NANOS;
                    workers.forEach(Worker::wakeup);
                }
                if (now >= nextReport) {
                    collect(now, true);
                    nextReport += REPORT_INTERVAL.toNanos();
                    if (nextReport <= now) {
                        nextReport = now + REPORT_INTERVAL.toNanos();
                    }
                }
                long wake = nextReport;
                if (!held && cpuAtStart < 0) {
                    wake = Math.min(wake, timeline.measureStartNanos);
                } else if (!held && cpuAtEnd < 0) {
                    wake = Math.min(wake, timeline.measureEndNanos);
                }
                if (held && !releasedHeld) {
                    wake = Math.min(wake, now + 10_000_000L);
                } else if (held) {
                    wake = Math.min(wake, timeline.releaseNanos > now ? timeline.releaseNanos : wake);
                }
                long sleep = Math.min(Math.max(0, wake - System.nanoTime()), 50_000_000L);
                if (sleep > 0) {
                    joinFirstAlive(sleep);
                }
            }
            long end = System.nanoTime();
            if (held || cpuAtEnd < 0) {
                cpuAtEnd = processCpuNanos();
                cpuEndNanos = end;
            }
            if (held) {
                peakHeld = Math.max(peakHeld, workers.stream().mapToInt(w -> w.peakOpen).sum());
            }
            timeline.stop = true;
            workers.forEach(Worker::wakeup);
            for (Thread t : threads) {
                joinQuietly(t, TimeUnit.NANOSECONDS.toMillis(GRACE_NANOS));
            }
            collect(System.nanoTime(), false);
        }

        private long hardDeadline() {
            long timeout = spec.exchangeTimeout().toNanos();
            return switch (spec.workload()) {
                case CLOSED -> timeline.measureEndNanos + timeout + GRACE_NANOS;
                case OPEN -> timeline.drainEndNanos + GRACE_NANOS;
                // Connect phase: the ramp, then at worst every batch of connects times out.
                case HELD -> timeline.startNanos + spec.ramp().toNanos()
                        + timeout * (1 + spec.heldConnections() / Math.max(1, spec.connections()))
                        + spec.thinkTime().toNanos() + timeout + GRACE_NANOS;
            };
        }

        /** Adds every worker's interval histograms to the totals and the log; optionally reports progress. */
        private void collect(long now, boolean report) throws IOException {
            // Recycled: a nanosecond histogram that has seen a one-second latency holds ~350 KiB,
            // and allocating and zeroing a few of those every second shows in the generator's CPU.
            Histogram intervalCorrected = intervalCorrectedSum;
            Histogram intervalRaw = intervalRawSum;
            intervalCorrected.reset();
            intervalRaw.reset();
            for (Worker w : workers) {
                w.recycledCorrected = w.corrected.getIntervalHistogram(w.recycledCorrected);
                intervalCorrected.add(w.recycledCorrected);
                w.recycledRaw = w.raw.getIntervalHistogram(w.recycledRaw);
                intervalRaw.add(w.recycledRaw);
            }
            long startMs = startEpochMillis + TimeUnit.NANOSECONDS.toMillis(lastReportNanos - timeline.startNanos);
            long endMs = startEpochMillis + TimeUnit.NANOSECONDS.toMillis(now - timeline.startNanos);
            intervalCorrected.setStartTimeStamp(startMs);
            intervalCorrected.setEndTimeStamp(endMs);
            intervalRaw.setStartTimeStamp(startMs);
            intervalRaw.setEndTimeStamp(endMs);
            totalCorrected.add(intervalCorrected);
            totalRaw.add(intervalRaw);
            // Intervals of the warm-up are empty (nothing is recorded then) and stay out of the log;
            // anything recorded is always logged, so the log adds up to the result exactly.
            boolean recordedSome = intervalCorrected.getTotalCount() > 0 || intervalRaw.getTotalCount() > 0;
            if (hlog != null && (recordedSome || lastReportNanos >= timeline.measureStartNanos)) {
                hlog.write(intervalCorrected, intervalRaw);
            }
            long completed = 0;
            long errors = 0;
            for (Worker w : workers) {
                completed += w.completedAll.get();
                errors += w.errorsAll.get();
            }
            double seconds = (now - lastReportNanos) / 1e9;
            if (report && seconds > 0) {
                progress.onProgress(new ProgressListener.Progress(Duration.ofNanos(now - timeline.startNanos),
                        !held && now < timeline.measureStartNanos, (completed - lastCompleted) / seconds,
                        intervalCorrected.getTotalCount() == 0 ? 0 : intervalCorrected.getValueAtPercentile(99),
                        errors - lastErrors, openNow()));
            }
            lastCompleted = completed;
            lastErrors = errors;
            lastReportNanos = now;
        }

        private int openNow() {
            int open = 0;
            for (Worker w : workers) {
                open += w.open.get();
            }
            return open;
        }

        private boolean anyAlive() {
            for (Thread t : threads) {
                if (t.isAlive()) {
                    return true;
                }
            }
            return false;
        }

        private void joinFirstAlive(long nanos) {
            for (Thread t : threads) {
                if (t.isAlive()) {
                    try {
                        t.join(Duration.ofNanos(nanos));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        timeline.stop = true;
                    }
                    return;
                }
            }
            LockSupport.parkNanos(nanos);
        }

        private static void joinQuietly(Thread t, long millis) {
            try {
                t.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private LoadResult result() {
            boolean open = spec.workload() == Workload.OPEN;
            long recorded = 0;
            long late = 0;
            long started = 0;
            long unfinished = 0;
            long due = 0;
            long notStarted = 0;
            long inFlight = 0;
            long connectionWait = 0;
            int peak = 0;
            Histogram lag = new Histogram(3);
            Map<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);
            long lastCompletion = timeline.startNanos;
            double busiest = 0;
            for (Worker w : workers) {
                busiest = Math.max(busiest, w.busyShare());
                recorded += w.recorded;
                late += w.late;
                started += w.startedInWindow;
                unfinished += w.unfinished;
                due += w.due;
                notStarted += w.notStarted;
                inFlight += w.inFlight;
                connectionWait = Math.max(connectionWait, w.maxConnectionWaitNanos);
                peak += w.peakOpen;
                lag.add(w.generatorLag);
                lastCompletion = Math.max(lastCompletion, w.lastCompletionNanos);
                for (ErrorKind k : ErrorKind.values()) {
                    errors.merge(k, w.errors.get(k.ordinal()), Long::sum);
                }
            }
            Duration elapsed;
            if (held) {
                elapsed = Duration.ofNanos(Math.max(1, lastCompletion - timeline.startNanos));
                peak = Math.max(peak, peakHeld);
            } else {
                // The window as planned: exchanges are counted by their completion (closed loop) or
                // intended start (open loop) inside it, whatever the reporter's own timing.
                elapsed = spec.duration();
            }
            long cpu = cpuAtStart >= 0 && cpuAtEnd >= 0 ? cpuAtEnd - cpuAtStart : 0;
            double cpuShare = cpuUtilization(cpu, cpuEndNanos - cpuStartNanos, spec.cpus());
            double requested = open ? spec.ratePerSecond() : 0;
            double achieved = open ? started * 1e9 / elapsed.toNanos() : recorded * 1e9 / elapsed.toNanos();
            long lagP99 = lag.getTotalCount() == 0 ? 0 : lag.getValueAtPercentile(99);
            long lagMax = lag.getTotalCount() == 0 ? 0 : lag.getMaxValue();
            List<String> reasons = new ArrayList<>();
            if (recorded == 0) {
                reasons.add("no exchange completed");
            }
            // In the open loop a timeout is the server falling behind: a lower bound, and overloaded.
            Map<ErrorKind, Long> failures = new EnumMap<>(ErrorKind.class);
            errors.forEach((kind, n) -> {
                if (n > 0 && !(open && kind.isTimeout())) {
                    failures.put(kind, n);
                }
            });
            if (!failures.isEmpty()) {
                long n = failures.values().stream().mapToLong(Long::longValue).sum();
                StringBuilder e = new StringBuilder(n + (n == 1 ? " error" : " errors") + " (");
                String sep = "";
                for (var entry : failures.entrySet()) {
                    e.append(sep).append(entry.getKey().label()).append(' ').append(entry.getValue());
                    sep = ", ";
                }
                reasons.add(e.append(')').toString());
            }
            if (open && (lagP99 > MAX_GENERATOR_LAG.toNanos() || lagMax > MAX_GENERATOR_STALL.toNanos())) {
                reasons.add("the generator fell behind its schedule: it started exchanges " + LoadResult.formatNanos(lagP99)
                        + " late at p99 (limit " + LoadResult.formatDuration(MAX_GENERATOR_LAG) + ") and "
                        + LoadResult.formatNanos(lagMax) + " at most (limit " + LoadResult.formatDuration(MAX_GENERATOR_STALL)
                        + ") with connections free (its own CPU or GC: try more threads or a lower rate)");
            }
            if (open && saturated(cpuShare)) {
                reasons.add(String.format(Locale.ROOT, "the generator was saturated: its whole process (GC and JIT included) was busy "
                        + "%.0f%% of the CPUs it may use over the recorded window, more than %.0f%%, so latencies include its own "
                        + "queue (give it more CPUs or a lower rate)", cpuShare * 100, MAX_GENERATOR_BUSY * 100));
            }
            // Kept beside the process check: one thread's schedule can be saturated while another CPU
            // idles (one thread on two CPUs, or GC off the pinned CPUs), which the average hides.
            if (open && saturated(busiest)) {
                reasons.add(String.format(Locale.ROOT, "the generator was saturated: a generator thread was busy %.0f%% of the recorded window, "
                        + "more than %.0f%%, so latencies include its own queue (try more threads, more CPUs or a lower rate)",
                        busiest * 100, MAX_GENERATOR_BUSY * 100));
            }
            if (startLate != null && startLate.compareTo(spec.startTolerance()) > 0) {
                reasons.add(String.format(Locale.ROOT, "it started %.1f ms after --start-at, more than --start-tolerance %d ms",
                        startLate.toNanos() / 1e6, spec.startTolerance().toMillis()));
            }
            if (held && peak < spec.heldConnections()) {
                reasons.add("only " + peak + " of " + spec.heldConnections() + " connections were open at once");
            }
            String reason = reasons.isEmpty() ? null : String.join("; ", reasons);
            String overloaded = open ? overloadedReason(errors, notStarted, inFlight, connectionWait) : null;
            return new LoadResult(spec, recorded, elapsed, requested, achieved, totalCorrected.copy(), totalRaw.copy(),
                    errors, late, lagP99, lagMax, cpu, cpuShare, peak, unfinished, due, notStarted, inFlight, overloaded,
                    reason == null, reason, startLate, startEpochMillis + (held ? 0 : spec.warmup().toMillis()));
        }

        /** Why the server did not keep up with the open loop's schedule, or null when it did. */
        private String overloadedReason(Map<ErrorKind, Long> errors, long notStarted, long inFlight, long connectionWait) {
            List<String> why = new ArrayList<>();
            long timeouts = errors.get(ErrorKind.CONNECT_TIMEOUT) + errors.get(ErrorKind.READ_TIMEOUT);
            if (timeouts > 0) {
                why.add(timeouts + " timed out (--timeout " + LoadResult.formatDuration(spec.exchangeTimeout()) + ")");
            }
            if (notStarted + inFlight > 0) {
                why.add((notStarted + inFlight) + " still due at the end of the run (" + notStarted + " not started, "
                        + inFlight + " in flight)");
            }
            if (connectionWait > MAX_CONNECTION_WAIT.toNanos()) {
                why.add("an exchange waited " + LoadResult.formatNanos(connectionWait) + " for one of the " + spec.connections()
                        + " connections to be free, more than " + LoadResult.formatDuration(MAX_CONNECTION_WAIT));
            }
            return why.isEmpty() ? null : "the server did not keep up: " + String.join("; ", why);
        }
    }
}
