package io.greetbench.compare;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.greetbench.capacity.CapacityResult;
import io.greetbench.harness.BoundBy;
import io.greetbench.harness.CpuBudget.Throttling;
import io.greetbench.harness.JfrProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Everything one {@code greetbench compare} run measured, and where it came from. The stdout
 * table, the JSON and the HTML report are all rendered from this one model, so they never
 * disagree. Immutable; latencies are in microseconds, rates in exchanges per second.
 *
 * @param provenance the machine, JVM, placement and settings the numbers came from
 * @param servers    one entry per server, in the lineup's order (handler-major); they ran in
 *                   shuffled, interleaved rounds
 * @param warnings   what a reader must know before trusting the numbers (noise, invalid runs)
 * @param units      the unit of every kind of figure, so that a script reading the JSON need not guess
 */
public record CompareResults(Provenance provenance, List<ServerResult> servers, List<String> warnings, Map<String, String> units) {

    public CompareResults(Provenance provenance, List<ServerResult> servers, List<String> warnings) {
        this(provenance, servers, warnings, UNITS);
    }

    static final Map<String, String> UNITS = unitTable();

    private static Map<String, String> unitTable() {
        Map<String, String> u = new LinkedHashMap<>();
        u.put("latency", "microseconds");
        u.put("rates", "exchanges per second");
        u.put("memory", "bytes");
        u.put("server_cpu", "milliseconds of CPU (user + system) per 1,000 exchanges");
        u.put("generator_cpu", "microseconds of CPU per exchange");
        u.put("gc", "milliseconds");
        u.put("cpu_utilization", "share of the CPU allotment used: server = CPU time / (wall × its quota, or its CPUs without one); "
                + "generator = this process's CPU time / (wall × its CPUs)");
        u.put("capacity", "exchanges per second: the highest constant open-loop rate whose corrected latency met the SLO "
                + "(steps' percentile_us in microseconds)");
        u.put("throttling", "CFS periods, periods in which the server's quota ran out, milliseconds it waited throttled");
        u.put("cpu_profile", "a separate profiled run per Java server (--cpu-profile), not in any other figure: cpu_micros_per_exchange in "
                + "microseconds of CPU (user + system, JFR's overhead included), shares of that CPU time, alloc_bytes_per_exchange in bytes "
                + "estimated from JFR's allocation samples, top_methods by JFR samples (sampler) with the method as top frame (self time)");
        return Collections.unmodifiableMap(u);
    }

    /** The name to show: the server, plus its handler when the run compared several. */
    String label(ServerResult s) {
        return servers.stream().map(ServerResult::handler).distinct().count() > 1 ? s.name() + " [" + s.handler() + "]" : s.name();
    }

    /**
     * @param started      when the first server started
     * @param finished     when the last one stopped
     * @param commandLine  the greetbench arguments
     * @param cpus         CPUs this process could use at the start
     * @param cpuModel     {@code model name} from {@code /proc/cpuinfo}
     * @param memoryBytes  {@code MemTotal} from {@code /proc/meminfo}
     * @param kernel       {@code /proc/sys/kernel/osrelease}
     * @param jdk          the JDK the greetbench servers and the generator ran on
     * @param python       the asyncio peer's Python, or "absent"
     * @param placement    what CPU pinning was done, in words
     * @param loadAverage  {@code /proc/loadavg} at the start: other work on the machine
     * @param hostStalls   what the machine took from a thread spinning on the generator's CPUs for
     *                     a second before the run ({@code HostStalls}): stalls that no load run sees
     * @param settings     every setting of the run, by name
     * @param cpuBudget    the server's CPU quota as applied, or why there was none
     */
    public record Provenance(Instant started, Instant finished, String commandLine, int cpus, String cpuModel,
                      long memoryBytes, String kernel, String jdk, String python, String placement,
                      String loadAverage, String hostStalls, Map<String, Object> settings, String cpuBudget) {
    }

    /**
     * @param name        as in the table
     * @param handler     the simulated work per exchange it ran with; "none" for external servers
     * @param model       the concurrency model in a few words
     * @param command     how it was started
     * @param failure     why it could not be measured (did not start, crashed), or null; the points
     *                    hold the repeats it completed before that
     * @param warmUp      how its warm-up went, or null when there was none or it did not start
     * @param rateBasis   the rate its open-loop points are fractions of, or null when it did not start
     * @param capacity    its capacity at the SLO, with every step of the search, or null when the
     *                    search did not run (the server failed before it)
     * @param closedLoop  one point per concurrency
     * @param openLoop    one point per fraction of the capacity (the rate basis)
     * @param held        the held-connections result, or null when it was skipped or failed
     * @param idleRssBytes the server's RSS after warm-up, before the measured workloads
     * @param gcMillis    GC time over the measured workloads; -1 when unknown (not a JVM)
     * @param gcCount     collections over the measured workloads; -1 when unknown
     * @param errors      failed exchanges by kind, over every measured workload
     * @param cpuProfile  where its CPU went, from a profiled run of its own ({@code --cpu-profile}),
     *                    or null when none was asked for; none of its figures is in the others
     */
    public record ServerResult(String name, String handler, String model, String command, String failure,
                        WarmUp warmUp, RateBasis rateBasis, CapacityResult capacity, List<ClosedLoopPoint> closedLoop, List<OpenLoopPoint> openLoop, HeldResult held,
                        long idleRssBytes, long gcMillis, long gcCount, Map<String, Long> errors, CpuProfile cpuProfile) {

        /** The closed-loop point with the highest median rate. */
        Optional<ClosedLoopPoint> peak() {
            return closedLoop.stream().max(Comparator.comparingDouble(ClosedLoopPoint::medianRate));
        }

        long totalErrors() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Where one server's CPU went, from a run of its own after the measured workloads
     * ({@link CpuProfileRun}): the server started afresh with a flight recording, warmed up, then
     * a closed loop at its peak's concurrency. The recording costs CPU, so none of these figures
     * enters the table, the capacity or the charts; they explain them.
     *
     * @param notProfiled           why there is no profile ("no JVM: not profiled" for a server that
     *                              is not a greetbench JVM, or why the run failed); null when profiled
     * @param connections           exchanges in flight: the concurrency of its closed-loop peak
     * @param exchanges             exchanges completed in the profiled window
     * @param errors                failed exchanges in it
     * @param seconds               the window's wall time
     * @param userCpuShare          user time / (user + system time) of the server over the window, from /proc
     * @param systemCpuShare        system (kernel) time / (user + system time)
     * @param cpuMicrosPerExchange  user + system time per exchange, the recording's own overhead included
     * @param allocBytesPerExchange JFR's sampled allocation over the window per exchange: an estimate
     * @param sampler               the JFR event sampled: {@code jdk.CPUTimeSample} (every period of a
     *                              thread's CPU time, user and kernel, native methods included) or,
     *                              where the JDK has none, {@code jdk.ExecutionSample} (every period
     *                              of wall time, threads in Java code only)
     * @param samplePeriodMillis    the sampler's period
     * @param samples               samples in the window, over every thread
     * @param topMethods            the methods most often on top of the sampled stacks (self), most first
     * @param jfrFile               the recording, relative to the output directory; it holds the
     *                              server's whole life, warm-up included, for {@code jfr} or JMC
     */
    public record CpuProfile(String notProfiled, int connections, long exchanges, long errors, double seconds, double userCpuShare,
                             double systemCpuShare, double cpuMicrosPerExchange, double allocBytesPerExchange, String sampler, long samplePeriodMillis,
                             long samples, List<JfrProfile.MethodSamples> topMethods, String jfrFile) {

        /** What a server that is not a greetbench JVM gets: nothing records it. */
        public static final String NO_JVM = "no JVM: not profiled";

        public CpuProfile {
            topMethods = List.copyOf(topMethods);
        }

        static CpuProfile notProfiled(String why) {
            return new CpuProfile(why, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, null, 0, 0, List.of(), null);
        }

        boolean profiled() {
            return notProfiled == null;
        }
    }

    /**
     * A server's warm-up: closed loop at the highest concurrency in short slices until its CPU per
     * exchange is steady ({@link WarmUpRule}).
     *
     * @param connections      exchanges in flight
     * @param seconds          how long it was loaded: slices times the slice length
     * @param capped           true when it stopped at the cap without three slices agreeing, so the
     *                         first round may still have caught it compiling
     * @param sliceCosts       each slice's server CPU per 1,000 exchanges (ms), or, when the
     *                         server's CPU cannot be read, its wall time per 1,000 exchanges (ms)
     * @param sliceRates       each slice's exchanges per second
     * @param finalRate        exchanges per second over the last two slices: the rate it reached
     *                         when steady (or capped)
     */
    public record WarmUp(int connections, double seconds, boolean capped, List<Double> sliceCosts, List<Double> sliceRates,
                         double finalRate) {
    }

    /**
     * The rate a server's open-loop points are fractions of, fixed before the rounds so that every
     * round runs the same rates: its capacity at the SLO, or, when that is 0 or unknown, the rate
     * its warm-up reached.
     *
     * @param rate       exchanges per second; 0 when there is none, and then no open loop was run
     * @param source     where it comes from, in words, or why there is none
     * @param fallback   true when it is not the capacity (0 or unknown) but the warm-up's rate
     * @param lowerBound true when it is a capacity the search could only bound from below (the
     *                   generator was the limit, or no step failed): the fractions are of at
     *                   least that much
     */
    public record RateBasis(double rate, String source, boolean fallback, boolean lowerBound) {

        /**
         * The capacity when the search found one above 0; else the warm-up's rate, saying why.
         * The one place that decides the open loop's basis.
         */
        static RateBasis of(CapacityResult capacity, WarmUp warmUp) {
            if (capacity != null && capacity.rate() > 0) {
                return new RateBasis(capacity.rate(), "capacity at " + capacity.slo()
                        + (capacity.lowerBound() ? " (a lower bound: " + capacity.reason() + ")" : ""), false, capacity.lowerBound());
            }
            String why = capacity == null ? "no capacity search" : capacity.lowerBound() ? "capacity unknown at " + capacity.slo()
                    : "capacity 0 at " + capacity.slo();
            RateBasis w = ofWarmUp(warmUp);
            return new RateBasis(w.rate(), why + ", so " + w.source(), true, false);
        }

        /** The rate the warm-up reached at its end: the closed loop at the highest concurrency, steady. */
        static RateBasis ofWarmUp(WarmUp warmUp) {
            if (warmUp == null) {
                return new RateBasis(0, "none: no warm-up (--warmup 0) measured a rate", true, false);
            }
            return new RateBasis(warmUp.finalRate(), String.format(Locale.ROOT,
                    "warm-up: closed loop at c=%d over its last two slices%s", warmUp.connections(), warmUp.capped() ? " (capped, not steady)" : ""),
                    true, false);
        }
    }

    /**
     * @param connections             exchanges in flight
     * @param repeatRates             each repeat's exchanges per second
     * @param medianRate              their median, the figure quoted
     * @param spread                  (max - min) / median of the repeats
     * @param latency                 the latency of the repeat with the median rate
     * @param serverCpuMillisPerThousand server CPU per 1,000 exchanges, over all repeats
     * @param generatorCpuMicrosPerExchange the generator's own CPU per exchange
     * @param invalidReason           why a repeat was invalid, or null
     * @param hlog                    the median repeat's interval log, relative to the output dir
     * @param bound                   who bounded it, over all repeats; its fields sit in the point's JSON
     */
    public record ClosedLoopPoint(int connections, List<Double> repeatRates, double medianRate, double spread,
                           Latency latency, double serverCpuMillisPerThousand,
                           double generatorCpuMicrosPerExchange, String invalidReason, String hlog,
                           @JsonUnwrapped BoundReading bound) {

        /**
         * A rate the generator bounded is only a lower bound of what the server can do: it stays
         * a number, marked so, and reads as {@code ≥ 26,020}.
         */
        @JsonProperty("lower_bound")
        public boolean lowerBound() {
            return bound.boundBy() == BoundBy.GENERATOR;
        }
    }

    /**
     * One open-loop rate, run once per round in the first rounds. Percentiles come from the
     * repeats' histograms merged, never from averaged percentiles.
     *
     * @param fractionOfCapacity     the requested rate as a fraction of the server's {@link RateBasis}:
     *                               its capacity, or the warm-up's rate where the basis says fallback
     * @param requestedRate          exchanges per second asked for
     * @param repeatAchievedRates    each repeat's exchanges per second started
     * @param achievedRate           their median
     * @param spread                 (max - min) / median of the repeats' achieved rates
     * @param corrected              latency from each exchange's intended start, over every repeat
     * @param raw                    latency from its actual start, over every repeat
     * @param correctedSpectrum      the corrected percentile curve over every repeat, for the chart
     * @param serverCpuMillisPerThousand server CPU per 1,000 exchanges, over every repeat
     * @param invalidReason          why a repeat was invalid, or null
     * @param overloaded             a repeat's server did not keep up with the schedule
     *                               ({@code LoadResult.overloaded()}): a valid result whose latencies
     *                               hold the queue, some of them lower bounds
     * @param overloadedReason       the first such repeat's reason, or null
     * @param hlogs                  each repeat's interval log, relative to the output dir;
     *                               {@code greetbench merge} of them gives the percentiles above
     * @param bound                  who bounded it, over all repeats; its fields sit in the point's JSON
     */
    public record OpenLoopPoint(double fractionOfCapacity, double requestedRate, List<Double> repeatAchievedRates, double achievedRate,
                         double spread, Latency corrected, Latency raw, List<PercentilePoint> correctedSpectrum,
                         double serverCpuMillisPerThousand, String invalidReason, boolean overloaded, String overloadedReason,
                         List<String> hlogs, @JsonUnwrapped BoundReading bound) {
    }

    /**
     * Who bounded one point, and the readings that say so ({@link BoundBy#classify}).
     *
     * @param serverCpuUtilization    server CPU time / (wall time × its allotment: the quota when it
     *                                ran inside one, else the CPUs it may run on); NaN when unknown
     * @param generatorCpuUtilization this whole process's CPU time, GC and JIT included / (wall time ×
     *                                the CPUs it may run on); NaN when unknown
     * @param boundBy                 server, generator or neither
     * @param throttling              the server cgroup's {@code cpu.stat} delta over the point, or null
     *                                when it had no CPU budget
     */
    public record BoundReading(double serverCpuUtilization, double generatorCpuUtilization, BoundBy boundBy, Throttling throttling) {

        /** For a point measured before bound-by existed, or without readings. */
        public static final BoundReading UNKNOWN = new BoundReading(Double.NaN, Double.NaN, BoundBy.NEITHER, null);
    }

    /**
     * @param requested        connections asked for
     * @param peakOpen         the most the generator had open at once
     * @param serverFdsPeak    the most file descriptors the server had open meanwhile
     * @param rssBeforeBytes   server RSS just before opening them
     * @param rssPeakBytes     the highest server RSS sampled while they were open
     * @param rssPerConnectionBytes (peak - before) / peakOpen: what one more open connection
     *                         costs the server in resident memory; NaN when none was open
     * @param latency          connect-to-reply latency of the held exchanges
     * @param errors           failed held exchanges
     * @param note             why fewer than the profile's count were asked for, or null
     * @param hlog             interval log, relative to the output dir
     */
    public record HeldResult(int requested, int peakOpen, long serverFdsPeak, long rssBeforeBytes, long rssPeakBytes,
                      double rssPerConnectionBytes, Latency latency, long errors, String note, String hlog) {

        public static double perConnection(long rssBeforeBytes, long rssPeakBytes, int peakOpen) {
            return peakOpen <= 0 ? Double.NaN : (double) (rssPeakBytes - rssBeforeBytes) / peakOpen;
        }
    }

    /** Percentiles of one histogram, in microseconds. */
    public record Latency(double p50, double p90, double p99, double p999, double p9999, double max, long count) {

        /** From a histogram recorded in nanoseconds. */
        public static Latency ofNanos(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Latency(0, 0, 0, 0, 0, 0, 0);
            }
            return new Latency(at(h, 50), at(h, 90), at(h, 99), at(h, 99.9), at(h, 99.99),
                    h.getMaxValue() / 1e3, h.getTotalCount());
        }

        private static double at(Histogram h, double percentile) {
            return h.getValueAtPercentile(percentile) / 1e3;
        }
    }

    /** One point of a percentile curve: {@code percentile} in 0..100, latency in microseconds. */
    public record PercentilePoint(double percentile, double micros) {

        /**
         * The curve HdrHistogram's plots draw, from a nanosecond histogram: points spaced evenly
         * on the 1/(1-p) axis (five per halving of the remaining tail), up to the maximum.
         */
        public static List<PercentilePoint> spectrumOfNanos(Histogram h) {
            if (h.getTotalCount() == 0) {
                return List.of();
            }
            // 1 - 1/N is the highest percentile a histogram of N values resolves; the iterator
            // goes on towards 100%, which a log axis cannot place, repeating the maximum. The
            // curve ends with the maximum at 1 - 1/N, as HdrHistogram's plotter draws it.
            double resolvable = 100.0 * (1.0 - 1.0 / h.getTotalCount());
            List<PercentilePoint> points = new ArrayList<>();
            for (HistogramIterationValue v : h.percentiles(5)) {
                double p = v.getPercentileLevelIteratedTo();
                if (p >= resolvable) {
                    break;
                }
                points.add(new PercentilePoint(p, v.getValueIteratedTo() / 1e3));
            }
            points.add(new PercentilePoint(resolvable, h.getMaxValue() / 1e3));
            return List.copyOf(points);
        }
    }
}
