package io.greetbench.compare;

import io.greetbench.capacity.CapacityResult;
import io.greetbench.capacity.CapacityStep;
import io.greetbench.compare.CompareResults.BoundReading;
import io.greetbench.compare.CompareResults.ClosedLoopPoint;
import io.greetbench.compare.CompareResults.CpuProfile;
import io.greetbench.compare.CompareResults.HeldResult;
import io.greetbench.compare.CompareResults.OpenLoopPoint;
import io.greetbench.compare.CompareResults.Provenance;
import io.greetbench.compare.CompareResults.ServerResult;
import io.greetbench.harness.CpuBudget.Throttling;
import io.greetbench.harness.JfrProfile;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The compare report: one self-contained HTML file (inline CSS and SVG, no scripts, no network),
 * so it can be mailed or attached to an issue and still render. It leads with the summary table
 * and warnings, then where each server's CPU goes (with {@code --cpu-profile}), throughput, each server's capacity search (latency against rate, with the
 * SLO), latency percentile curves, and CPU and memory costs, then the
 * details and the provenance a reader needs to judge the numbers. Stateless.
 */
public final class HtmlReport {

    private static final int CHART_WIDTH = 1100;

    private HtmlReport() {
    }

    public static String render(CompareResults results) {
        return render(results, new LinkedHashMap<>());
    }

    /**
     * The report; each chart is also put in {@code charts} by a file-name key (such as
     * {@code throughput}), as a standalone SVG a README or a slide can embed.
     */
    public static String render(CompareResults results, Map<String, String> charts) {
        Provenance p = results.provenance();
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>greetbench compare, ").append(esc(date(p))).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>greetbench compare</h1>\n");
        h.append("<p class=\"meta\">").append(esc(date(p))).append(" · ").append(p.cpus()).append(" CPUs (")
                .append(esc(p.cpuModel())).append("), ").append(esc(CompareTable.bytes(p.memoryBytes()))).append(" · ")
                .append(esc(p.jdk())).append(" · Linux ").append(esc(p.kernel())).append("<br>")
                .append("handler <b>").append(esc(String.join(", ", handlers(results)))).append("</b> · profile <b>")
                .append(esc(String.valueOf(p.settings().get("profile")))).append("</b> · ").append(esc(p.placement())).append(" · ").append(esc(p.cpuBudget()))
                .append("<br><code>greetbench ").append(esc(p.commandLine())).append("</code></p>\n");
        if (!results.warnings().isEmpty()) {
            h.append("<div class=\"warn\"><b>Read with care:</b><ul>\n");
            for (String w : results.warnings()) {
                h.append("<li>").append(esc(w)).append("</li>\n");
            }
            h.append("</ul></div>\n");
        }
        summary(h, results);
        whereTheCpuGoes(h, results);
        throughput(h, results, charts);
        capacity(h, results, charts);
        handlerEffect(h, results);
        latency(h, results, charts);
        costs(h, results, charts);
        details(h, results);
        provenance(h, results);
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void summary(StringBuilder h, CompareResults results) {
        h.append("<h2>Summary</h2>\n<table class=\"summary\">\n<tr>");
        for (String cell : CompareTable.header(results)) {
            h.append("<th>").append(esc(cell)).append("</th>");
        }
        h.append("</tr>\n");
        int columns = CompareTable.header(results).size();
        List<List<String>> rows = CompareTable.rows(results);
        for (int r = 0; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            h.append("<tr><td><span class=\"swatch\" style=\"background:").append(SvgChart.color(r)).append("\"></span>")
                    .append(esc(row.get(0))).append("</td>");
            if (row.size() < columns) {
                h.append("<td colspan=\"").append(columns - 1).append("\" class=\"fail\">")
                        .append(esc(String.join(" ", row.subList(1, row.size())))).append("</td>");
            } else {
                for (String cell : row.subList(1, row.size())) {
                    h.append("<td>").append(esc(cell)).append("</td>");
                }
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
        h.append("<p class=\"note\"><b>exch/s</b>: median of the closed-loop repeats at the concurrency <b>c</b> that served most, "
                + "± half the spread between repeats; <b>p50/p99</b>: latency at that point (closed loop: from connect to the end of the reply). "
                 + "<b>capacity</b>: the highest constant open-loop rate at which the server's corrected latency met the SLO, run valid and "
                + "not bound by the generator (<b>≥</b>: a lower bound, the search could not go higher; <b>0 (see below)</b>: not met at the "
                + "first step). <b>p99 @x% cap. corr.</b>: open loop at x% of that server's capacity (the rate its warm-up reached where "
                + "the capacity is 0 or unknown), latency from each exchange's intended start "
                + "(corrected for coordinated omission); <b>(overl.)</b>: the server did not keep up with that rate. <b>CPU ms/1k exch</b>: server CPU time (user+system, from /proc) per 1,000 "
                + "exchanges at the peak. <b>RSS/held conn</b>: growth of the server's resident memory per connection held open, "
                + "<b>held</b>: connections the generator held open at once / asked for. <b>GC ms</b>: collector time during the "
                + "measured workloads (JVMs only). <b>bound by</b>: which side was the limit at the peak: <i>server</i> (it used its "
                + "CPU allotment), <i>generator</i> (the load generator used its CPUs while the server had room: the peak is then only "
                + "a lower bound, shown <b>≥</b>) or <i>neither</i>; <b>(gen.)</b> marks an open-loop point the generator bounded.</p>\n");
        h.append("<ul class=\"note\">");
        for (String note : CompareTable.notes(results)) {
            h.append("<li>").append(esc(note)).append("</li>");
        }
        h.append("</ul>\n");
    }

    /**
     * With {@code --cpu-profile}: each server's profile beside the table, from a run of its own,
     * so that a reader sees why the models' costs differ without the recording's overhead in them.
     */
    private static void whereTheCpuGoes(StringBuilder h, CompareResults results) {
        List<ServerResult> servers = results.servers().stream().filter(s -> s.cpuProfile() != null).toList();
        if (servers.isEmpty()) {
            return;
        }
        h.append("<h2>Where the CPU goes</h2>\n<p class=\"note\">From a <b>separate profiled run</b> of each Java server after the "
                + "measured workloads, whose overhead is <b>not in the table</b>: the server started afresh with a JDK Flight Recording, "
                + "warmed up, then a closed loop at the concurrency of its peak. <b>user / kernel</b>: its CPU time in its own code and "
                + "in the kernel (system calls), from <code>/proc</code>; <b>CPU per exchange</b> includes the recording's overhead, so "
                + "compare it between servers, not with the table. <b>allocated</b>: estimated from JFR's allocation samples, \u201c-\u201d when the window held fewer than "
                + CpuProfileRun.MIN_ALLOCATION_SAMPLES + " of them. "
                + "<b>Top methods</b>: the methods most often on top of the sampled stacks (self time). JFR's CPU-time sampler "
                + "(JDK 25) samples each thread per 10 ms of its CPU, kernel time included, so a native method such as a socket "
                + "<code>write0</code> carries the system call it makes; where only execution samples exist, they cover Java code "
                + "alone, and the kernel's part shows only in the kernel share.</p>\n");
        for (ServerResult s : servers) {
            CpuProfile p = s.cpuProfile();
            h.append("<h3>").append(esc(results.label(s))).append("</h3>\n");
            if (!p.profiled()) {
                h.append("<p class=\"note\">").append(esc(p.notProfiled())).append("</p>\n");
                continue;
            }
            h.append("<p class=\"note\">c=").append(p.connections()).append(", ").append(CompareTable.rate(p.exchanges()))
                    .append(" exchanges in ").append(CompareTable.decimal(p.seconds())).append(" s")
                    .append(p.errors() > 0 ? " (" + p.errors() + " failed)" : "").append(": <b>")
                    .append(CompareTable.decimal(p.cpuMicrosPerExchange())).append(" µs</b> CPU per exchange, user <b>")
                    .append(share(p.userCpuShare())).append("</b> · kernel <b>").append(share(p.systemCpuShare()))
                    .append("</b>, <b>≈ ").append(esc(CompareTable.bytes(p.allocBytesPerExchange()))).append("</b> allocated per exchange; ")
                    .append(p.samples()).append(JfrProfile.CPU_TIME_SAMPLE.equals(p.sampler())
                            ? " CPU-time samples, one per " + p.samplePeriodMillis() + " ms of a thread's CPU · "
                            : " execution samples, one per " + p.samplePeriodMillis() + " ms per thread in Java code · ")
                    .append(link(p.jfrFile())).append("</p>\n");
            if (p.topMethods().isEmpty()) {
                continue;
            }
            h.append("<table><tr><th>top method (self)</th><th>samples</th><th>share</th></tr>\n");
            for (JfrProfile.MethodSamples m : p.topMethods()) {
                h.append("<tr><td><code>").append(esc(m.method())).append("</code></td><td>").append(m.samples()).append("</td><td>")
                        .append(CompareTable.percent(m.share())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
    }

    private static void throughput(StringBuilder h, CompareResults results, Map<String, String> charts) {
        List<ServerResult> servers = measured(results);
        if (servers.isEmpty()) {
            return;
        }
        List<Integer> concurrencies = servers.stream().flatMap(s -> s.closedLoop().stream())
                .map(ClosedLoopPoint::connections).distinct().sorted().toList();
        List<SvgChart.Series> series = new ArrayList<>();
        for (int k = 0; k < concurrencies.size(); k++) {
            int c = concurrencies.get(k);
            double[] values = new double[servers.size()];
            double[] low = new double[servers.size()];
            double[] high = new double[servers.size()];
            for (int i = 0; i < servers.size(); i++) {
                Optional<ClosedLoopPoint> point = servers.get(i).closedLoop().stream().filter(x -> x.connections() == c).findFirst();
                values[i] = point.map(ClosedLoopPoint::medianRate).orElse(Double.NaN);
                low[i] = point.map(x -> x.repeatRates().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN)).orElse(Double.NaN);
                high[i] = point.map(x -> x.repeatRates().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)).orElse(Double.NaN);
            }
            series.add(new SvgChart.Series("c=" + c, shade(k, concurrencies.size()), null, values, low, high));
        }
        h.append("<h2>Throughput</h2>\n<p class=\"note\">Closed loop: c exchanges in flight, each connection opened, greeted and "
                + "closed. Bars are medians of the repeats; whiskers span the repeats.</p>\n");
        chart(h, charts, "throughput", SvgChart.bars("Exchanges per second, closed loop", "exchanges / s", names(results, servers), series,
                CompareTable::rate, CHART_WIDTH, 380));
    }

    /**
     * When the run compared handlers: each server's peak and tail latency per handler, beside the
     * first handler's. A reactor that ran blocking work on its event loop would collapse here.
     */
    private static void handlerEffect(StringBuilder h, CompareResults results) {
        List<String> handlers = handlers(results);
        if (handlers.size() < 2) {
            return;
        }
        double top = CompareTable.fractions(results).stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        h.append("<h2>What the handler does to each model</h2>\n<p class=\"note\">Each server with each handler: peak closed-loop "
                + "exchanges/s (and the ratio to <b>").append(esc(handlers.get(0))).append("</b>), and corrected p99 in the open loop at ")
                .append(CompareTable.percent(top)).append(" of that run's own capacity. A <code>sleep</code> handler stands for a blocking call: "
                + "thread-per-connection models block a thread, reactors must hand it to other threads and resume.</p>\n");
        h.append("<table><tr><th>server</th>");
        for (String handler : handlers) {
            h.append("<th>").append(esc(handler)).append(" exch/s</th><th>").append(esc(handler)).append(" p99</th>");
        }
        h.append("</tr>\n");
        for (String name : results.servers().stream().map(ServerResult::name).distinct().toList()) {
            List<ServerResult> runs = results.servers().stream().filter(s -> s.name().equals(name)).toList();
            if (runs.size() < 2) {
                continue;
            }
            double base = runs.stream().filter(s -> s.handler().equals(handlers.get(0))).findFirst()
                    .flatMap(ServerResult::peak).map(ClosedLoopPoint::medianRate).orElse(Double.NaN);
            h.append("<tr><td>").append(esc(name)).append("</td>");
            for (String handler : handlers) {
                Optional<ServerResult> run = runs.stream().filter(s -> s.handler().equals(handler)).findFirst();
                double rate = run.flatMap(ServerResult::peak).map(ClosedLoopPoint::medianRate).orElse(Double.NaN);
                double p99 = run.flatMap(s -> s.openLoop().stream().filter(o -> o.fractionOfCapacity() == top).findFirst())
                        .map(o -> o.corrected().p99()).orElse(Double.NaN);
                h.append("<td>").append(Double.isNaN(rate) ? "-" : CompareTable.rate(rate)
                        + (handler.equals(handlers.get(0)) || Double.isNaN(base) ? "" : String.format(Locale.ROOT, " (×%.2f)", rate / base)))
                        .append("</td><td>").append(CompareTable.micros(p99)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    private static void latency(StringBuilder h, CompareResults results, Map<String, String> charts) {
        List<ServerResult> all = results.servers();
        List<Double> fractions = CompareTable.fractions(results);
        if (fractions.isEmpty()) {
            return;
        }
        h.append("<h2>Latency under load</h2>\n<p class=\"note\">Open loop at fixed fractions of each server's own capacity at the "
                + "SLO (or, where that is 0 or unknown, the closed-loop rate it reached at the end of its warm-up), so every server is "
                + "equally loaded relative to what it can do; "
                + "each curve merges the histograms of every repeat. Latency is measured from each exchange's intended start, "
                + "so a stall shows up as the queue behind it (HdrHistogram's corrected view). The x axis spreads the tail: "
                + "each grid line is ten times rarer than the last.</p>\n");
        for (double fraction : fractions) {
            List<SvgChart.Curve> curves = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                ServerResult s = all.get(i);
                Optional<OpenLoopPoint> point = s.openLoop().stream().filter(o -> o.fractionOfCapacity() == fraction).findFirst();
                if (point.isPresent()) {
                    OpenLoopPoint o = point.get();
                    curves.add(new SvgChart.Curve(results.label(s) + " @ " + CompareTable.rate(o.requestedRate()) + "/s"
                            + (o.overloaded() ? " (overloaded)" : "") + (o.invalidReason() == null ? "" : " (invalid)"), SvgChart.color(i), o.correctedSpectrum()));
                }
            }
            chart(h, charts, "latency-" + Math.round(fraction * 100) + "pct", SvgChart.percentiles("Corrected latency at " + CompareTable.percent(fraction) + " of each server's capacity",
                    curves, CHART_WIDTH, 440));
        }
    }

    private static void costs(StringBuilder h, CompareResults results, Map<String, String> charts) {
        List<ServerResult> servers = measured(results);
        if (servers.isEmpty()) {
            return;
        }
        h.append("<h2>Cost per exchange and per connection</h2>\n<p class=\"note\">Measured on the server process from "
                + "<code>/proc/&lt;pid&gt;</code>, the same way for a JVM, Python or C server. CPU is over the peak closed-loop "
                + "point; memory per connection is the RSS growth while the held connections were open, divided by their number "
                + "(a JVM's heap growth between collections counts too).</p>\n<div class=\"row\">\n");
        int w = CHART_WIDTH / 3 - 8;
        chart(h, charts, "cpu-per-1000-exchanges", SvgChart.bars("Server CPU per 1,000 exchanges", "CPU ms", names(results, servers),
                List.of(single(results, servers, s -> s.peak().map(ClosedLoopPoint::serverCpuMillisPerThousand).orElse(Double.NaN))),
                CompareTable::decimal, w, 340));
        chart(h, charts, "rss-idle", SvgChart.bars("Server RSS after warm-up", "MiB", names(results, servers),
                List.of(single(results, servers, s -> s.idleRssBytes() > 0 ? s.idleRssBytes() / (1024.0 * 1024) : Double.NaN)),
                v -> String.format(Locale.ROOT, "%.0f", v), w, 340));
        chart(h, charts, "rss-per-held-connection", SvgChart.bars("Server RSS per held connection", "KiB", names(results, servers),
                List.of(single(results, servers, s -> s.held() == null ? Double.NaN : s.held().rssPerConnectionBytes() / 1024)),
                v -> String.format(Locale.ROOT, v < 10 ? "%.1f" : "%.0f", v), w, 340));
        h.append("</div>\n");
    }

    private static final String BOUND_HEADER = "<th>server CPU used</th><th>generator CPU used</th><th>bound by</th><th>throttled</th>";

    /** Each side's share of its CPU allotment, who was the limit, and the server's throttling under its budget. */
    private static void boundCells(StringBuilder h, BoundReading b) {
        Throttling t = b.throttling();
        h.append("<td>").append(share(b.serverCpuUtilization())).append("</td><td>").append(share(b.generatorCpuUtilization()))
                .append("</td><td>").append(b.boundBy()).append("</td><td>")
                .append(t == null ? "-" : esc(CompareTable.percent(t.throttledShare()) + " of " + t.periods() + " periods, "
                        + CompareTable.decimal(t.throttledMillis()) + " ms"))
                .append("</td>");
    }

    private static String share(double utilization) {
        return Double.isNaN(utilization) ? "-" : CompareTable.percent(utilization);
    }

    private static void chart(StringBuilder h, Map<String, String> charts, String key, String svg) {
        charts.put(key, svg);
        h.append(svg);
    }

    private static void details(StringBuilder h, CompareResults results) {
        h.append("<h2>Details</h2>\n");
        for (ServerResult s : results.servers()) {
            h.append("<h3>").append(esc(results.label(s))).append("</h3>\n<p class=\"note\">").append(esc(s.model()))
                    .append(" · <code>").append(esc(s.command())).append("</code></p>\n");
            if (s.failure() != null) {
                h.append("<p class=\"fail\">").append(esc(s.failure())).append("</p>\n");
            }
            if (s.warmUp() != null) {
                h.append("<p class=\"note\">Warm-up: ").append(s.warmUp().capped() ? "capped at " : "steady after ")
                        .append(CompareTable.decimal(s.warmUp().seconds())).append(" s at c=").append(s.warmUp().connections())
                        .append(", server CPU µs per exchange by slice: ")
                        .append(esc(String.join(", ", s.warmUp().sliceCosts().stream().map(CompareTable::decimal).toList())))
                        .append("</p>\n");
            }
            if (s.rateBasis() != null) {
                h.append("<p class=\"note\">Open-loop rate basis: ").append(CompareTable.rate(s.rateBasis().rate())).append("/s, ")
                        .append(esc(s.rateBasis().source())).append("</p>\n");
            }
            capacitySteps(h, s.capacity());
            if (!s.closedLoop().isEmpty()) {
                h.append("<div class=\"scroll\"><table><tr><th>closed loop c</th><th>exch/s per repeat</th><th>median</th><th>spread</th><th>p50</th>"
                        + "<th>p90</th><th>p99</th><th>p99.9</th><th>max</th><th>server CPU ms/1k</th><th>generator CPU µs/exch</th>" + BOUND_HEADER
                        + "<th>log</th></tr>\n");
                for (ClosedLoopPoint c : s.closedLoop()) {
                    h.append("<tr><td>").append(c.connections()).append("</td><td>")
                            .append(esc(String.join(", ", c.repeatRates().stream().map(CompareTable::rate).toList())))
                            .append("</td><td>").append(CompareTable.rate(c.medianRate())).append("</td><td>")
                            .append(CompareTable.percent(c.spread())).append("</td>");
                    latencyCells(h, c.latency());
                    h.append("<td>").append(CompareTable.decimal(c.serverCpuMillisPerThousand())).append("</td><td>")
                            .append(CompareTable.decimal(c.generatorCpuMicrosPerExchange())).append("</td>");
                    boundCells(h, c.bound());
                    h.append("<td>").append(link(c.hlog())).append(c.invalidReason() == null ? "" : " <span class=\"fail\">invalid: " + esc(c.invalidReason()) + "</span>")
                            .append("</td></tr>\n");
                }
                h.append("</table></div>\n");
            }
            if (!s.openLoop().isEmpty()) {
                h.append("<div class=\"scroll\"><table><tr><th>open loop</th><th>requested/s</th><th>achieved/s</th><th>p50</th><th>p90</th><th>p99</th>"
                        + "<th>p99.9</th><th>max</th><th>raw p99</th><th>server CPU ms/1k</th>" + BOUND_HEADER + "<th>log</th></tr>\n");
                for (OpenLoopPoint o : s.openLoop()) {
                    h.append("<tr><td>").append(CompareTable.percent(o.fractionOfCapacity())).append(" of capacity</td><td>")
                            .append(CompareTable.rate(o.requestedRate())).append("</td><td>").append(CompareTable.rate(o.achievedRate())).append("</td>");
                    latencyCells(h, o.corrected());
                    h.append("<td>").append(CompareTable.micros(o.raw().p99())).append("</td><td>")
                            .append(CompareTable.decimal(o.serverCpuMillisPerThousand())).append("</td>");
                    boundCells(h, o.bound());
                    h.append("<td>").append(String.join(" ", o.hlogs().stream().map(HtmlReport::link).toList()))
                            .append(o.invalidReason() == null ? "" : " <span class=\"fail\">invalid: " + esc(o.invalidReason()) + "</span>")
                            .append(o.overloaded() ? " <span class=\"fail\">overloaded: " + esc(o.overloadedReason()) + "</span>" : "")
                            .append("</td></tr>\n");
                }
                h.append("</table></div>\n");
            }
            HeldResult held = s.held();
            if (held != null) {
                h.append("<div class=\"scroll\"><table><tr><th>held connections</th><th>open at once</th><th>server fds (peak)</th><th>RSS before</th>"
                        + "<th>RSS peak</th><th>per connection</th><th>p50</th><th>p99</th><th>max</th><th>errors</th><th>log</th></tr>\n<tr><td>")
                        .append(held.requested()).append("</td><td>").append(held.peakOpen()).append("</td><td>").append(held.serverFdsPeak())
                        .append("</td><td>").append(CompareTable.bytes(held.rssBeforeBytes())).append("</td><td>")
                        .append(CompareTable.bytes(held.rssPeakBytes())).append("</td><td>").append(CompareTable.bytes(held.rssPerConnectionBytes()))
                        .append("</td><td>").append(CompareTable.micros(held.latency().p50())).append("</td><td>")
                        .append(CompareTable.micros(held.latency().p99())).append("</td><td>").append(CompareTable.micros(held.latency().max()))
                        .append("</td><td>").append(held.errors()).append("</td><td>").append(link(held.hlog())).append("</td></tr>\n</table></div>\n");
                if (held.note() != null) {
                    h.append("<p class=\"note\">").append(esc(held.note())).append("</p>\n");
                }
            }
            StringBuilder errors = new StringBuilder();
            for (Map.Entry<String, Long> e : s.errors().entrySet()) {
                if (e.getValue() > 0) {
                    errors.append(errors.isEmpty() ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
                }
            }
            h.append("<p class=\"note\">GC: ").append(s.gcMillis() < 0 ? "n/a (not a JVM)" : s.gcMillis() + " ms in " + s.gcCount() + " collections")
                    .append(" · errors: ").append(errors.isEmpty() ? "none" : esc(errors.toString())).append("</p>\n");
        }
    }

    /** The capacity search's steps, as {@code greetbench capacity} lists them. */
    private static void capacitySteps(StringBuilder h, CapacityResult c) {
        if (c == null) {
            return;
        }
        h.append("<p class=\"note\">Capacity at ").append(esc(c.slo().toString())).append(": <b>").append(esc(c.rateText()))
                .append("</b>, ").append(esc(c.reason())).append("</p>\n");
        h.append("<div class=\"scroll\"><table><tr><th>step</th><th>phase</th><th>rate/s</th><th>achieved/s</th><th>")
                .append(esc(c.slo().percentileLabel())).append(" corr.</th><th>server CPU used</th><th>generator CPU used</th>"
                        + "<th>bound by</th><th>verdict</th><th>why</th></tr>\n");
        for (CapacityStep st : c.steps()) {
            h.append("<tr><td>").append(st.number()).append("</td><td>").append(st.phase().key()).append("</td><td>")
                    .append(CompareTable.rate(st.measured().rate())).append("</td><td>").append(CompareTable.rate(st.measured().achievedRate()))
                    .append("</td><td>").append(CompareTable.micros(st.measured().percentileNanos() / 1e3)).append("</td><td>")
                    .append(share(st.measured().serverUtilization())).append("</td><td>").append(share(st.measured().generatorUtilization()))
                    .append("</td><td>").append(st.measured().boundBy()).append("</td><td").append(st.passed() ? ">" : " class=\"fail\">")
                    .append(st.verdict().key()).append("</td><td class=\"why\">").append(esc(st.reason())).append("</td></tr>\n");
        }
        h.append("</table></div>\n");
    }

    /**
     * Each server's capacity search as latency against rate: where its corrected percentile
     * crosses the SLO is its knee, and the capacity the last rate before it.
     */
    private static void capacity(StringBuilder h, CompareResults results, Map<String, String> charts) {
        List<ServerResult> searched = results.servers().stream().filter(s -> s.capacity() != null).toList();
        if (searched.isEmpty()) {
            return;
        }
        CapacityResult first = searched.get(0).capacity();
        h.append("<h2>Capacity at ").append(esc(first.slo().toString())).append("</h2>\n<p class=\"note\">Each server's capacity "
                + "search: constant-rate open loop, the rate doubled until a step fails, then bisected. Each mark is one step's corrected ")
                .append(esc(first.slo().percentileLabel())).append(" (from each exchange's intended start); the dashed line is the SLO, "
                + "the dotted one the capacity found. A step fails above the SLO, or when the run was invalid or overloaded; a step "
                + "the generator bounded says nothing of the server and ends the search with a lower bound.</p>\n<div class=\"row\">\n");
        int w = CHART_WIDTH / 2 - 8;
        for (ServerResult s : searched) {
            CapacityResult c = s.capacity();
            List<SvgChart.RateStep> steps = c.steps().stream().map(st -> new SvgChart.RateStep(st.measured().rate(),
                    st.measured().percentileNanos() / 1e3, switch (st.verdict()) {
                        case PASS -> SvgChart.RateStep.Mark.PASS;
                        case FAIL -> SvgChart.RateStep.Mark.FAIL;
                        case GENERATOR_BOUND -> SvgChart.RateStep.Mark.GENERATOR;
                    }, "step " + st.number() + " at " + CompareTable.rate(st.measured().rate()) + "/s: " + st.reason())).toList();
            String label = results.label(s);
            chart(h, charts, "capacity-" + label.replace(" [", "-").replace("]", "").replaceAll("[^A-Za-z0-9_.-]", ""),
                    SvgChart.rateLatency(label + ": capacity " + c.rateText(), SvgChart.color(results.servers().indexOf(s)), steps,
                            c.slo().limit().toNanos() / 1e3, c.slo().toString(), c.rate(), w, 320));
        }
        h.append("</div>\n");
    }

    private static void latencyCells(StringBuilder h, CompareResults.Latency l) {
        for (double v : new double[] {l.p50(), l.p90(), l.p99(), l.p999(), l.max()}) {
            h.append("<td>").append(CompareTable.micros(v)).append("</td>");
        }
    }

    private static void provenance(StringBuilder h, CompareResults results) {
        Provenance p = results.provenance();
        h.append("<h2>Provenance</h2>\n<table class=\"kv\">\n");
        kv(h, "started", p.started().toString());
        kv(h, "finished", p.finished().toString());
        kv(h, "command", "greetbench " + p.commandLine());
        kv(h, "machine", p.cpus() + " CPUs, " + p.cpuModel() + ", " + CompareTable.bytes(p.memoryBytes()) + " memory");
        kv(h, "kernel", p.kernel());
        kv(h, "JDK", p.jdk());
        kv(h, "Python", p.python());
        kv(h, "CPU placement", p.placement());
        kv(h, "server CPU budget", p.cpuBudget());
        kv(h, "load average at start", p.loadAverage());
        kv(h, "host stalls before the run", p.hostStalls());
        for (Map.Entry<String, Object> e : p.settings().entrySet()) {
            kv(h, e.getKey(), String.valueOf(e.getValue()));
        }
        h.append("</table>\n<p class=\"note\">Raw data: <a href=\"results.json\">results.json</a>; every run's HdrHistogram interval "
                + "log (nanoseconds) is linked above and reads with HdrHistogram's <code>HistogramLogProcessor</code>.</p>\n");
    }

    private static void kv(StringBuilder h, String key, String value) {
        h.append("<tr><th>").append(esc(key)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private static List<String> handlers(CompareResults results) {
        return results.servers().stream().map(ServerResult::handler).distinct().toList();
    }

    private static List<ServerResult> measured(CompareResults results) {
        return results.servers().stream().filter(s -> !s.closedLoop().isEmpty()).toList();
    }

    private static List<String> names(CompareResults results, List<ServerResult> servers) {
        return servers.stream().map(results::label).toList();
    }

    /** One bar per server, each in that server's colour (its index among all servers, as in the table). */
    private static SvgChart.Series single(CompareResults results, List<ServerResult> servers, ToDoubleFunction<ServerResult> value) {
        double[] values = servers.stream().mapToDouble(value).toArray();
        List<String> colors = servers.stream().map(s -> SvgChart.color(results.servers().indexOf(s))).toList();
        return new SvgChart.Series("", colors.get(0), colors, values, null, null);
    }

    /** Concurrency levels as shades of one hue, light to dark, so the order reads at a glance. */
    private static String shade(int k, int n) {
        String[] blues = {"#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"};
        return blues[Math.min(blues.length - 1, n <= 1 ? 3 : k * (blues.length - 1) / (n - 1))];
    }

    private static String link(String path) {
        return path == null ? "" : "<a href=\"" + esc(path) + "\">" + esc(path.substring(path.lastIndexOf('/') + 1)) + "</a>";
    }

    private static String date(Provenance p) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).format(p.started().atOffset(ZoneOffset.UTC));
    }

    private static String esc(String s) {
        return SvgChart.esc(s == null ? "" : s);
    }

    private static final String CSS = """
            body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #222;
                   max-width: 1140px; margin: 24px auto; padding: 0 16px; }
            h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 28px 0 6px; border-bottom: 1px solid #ddd; }
            h3 { font-size: 15px; margin: 18px 0 4px; }
            .meta { color: #555; margin: 0 0 12px; } .note { color: #555; font-size: 13px; margin: 4px 0 8px; }
            code { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; background: #f4f4f4; padding: 1px 3px; }
            table { border-collapse: collapse; margin: 6px 0; font-size: 13px; }
            th, td { padding: 3px 8px; border-bottom: 1px solid #eee; text-align: right; white-space: nowrap; }
            th { background: #f6f6f6; font-weight: 600; white-space: normal; vertical-align: bottom; }
            table.summary th { max-width: 90px; } td:first-child, th:first-child { text-align: left; }
            table.kv th { text-align: left; } table.kv td { text-align: left; white-space: normal; }
            table.summary td { font-variant-numeric: tabular-nums; }
            .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 2px; }
            .warn { background: #fff4e5; border: 1px solid #f0b060; padding: 6px 12px; margin: 10px 0; }
            .warn ul { margin: 4px 0; padding-left: 20px; } .fail { color: #b00020; text-align: left; }
            td.why { text-align: left; white-space: normal; }
            .row { display: flex; gap: 12px; flex-wrap: wrap; } .scroll { overflow-x: auto; }
            svg { display: block; margin: 8px 0; max-width: 100%; height: auto; }
            """;
}
