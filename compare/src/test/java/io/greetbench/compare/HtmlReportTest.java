package io.greetbench.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.greetbench.capacity.CapacityResult;
import io.greetbench.compare.CompareResults.BoundReading;
import io.greetbench.compare.CompareResults.ClosedLoopPoint;
import io.greetbench.compare.CompareResults.CpuProfile;
import io.greetbench.compare.CompareResults.HeldResult;
import io.greetbench.compare.CompareResults.Latency;
import io.greetbench.compare.CompareResults.OpenLoopPoint;
import io.greetbench.compare.CompareResults.PercentilePoint;
import io.greetbench.compare.CompareResults.Provenance;
import io.greetbench.compare.CompareResults.RateBasis;
import io.greetbench.compare.CompareResults.ServerResult;
import io.greetbench.compare.CompareResults.WarmUp;
import io.greetbench.harness.JfrProfile;
import io.greetbench.protocol.HandlerWork;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The report and its charts, rendered from a hand-made results model: no server, no load. */
class HtmlReportTest {

    private static Histogram latencies() {
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 10_000; i++) {
            h.recordValue(100_000L + i * 10L);
        }
        h.recordValue(50_000_000L);
        return h;
    }

    private static ServerResult server(String name, double rate) {
        return server(name, rate, null);
    }

    private static ServerResult server(String name, double rate, CpuProfile profile) {
        Histogram h = latencies();
        Latency l = Latency.ofNanos(h);
        List<ClosedLoopPoint> closed = List.of(new ClosedLoopPoint(64, List.of(rate, rate * 1.02), rate * 1.01, 0.02, l, 30, 45, null, "hlog/a.hlog", BoundReading.UNKNOWN));
        List<OpenLoopPoint> open = List.of(
                new OpenLoopPoint(0.5, rate / 2, List.of(rate / 2), rate / 2, 0, l, l, PercentilePoint.spectrumOfNanos(h), 31, null, false, null, List.of("hlog/b.hlog"),
                        BoundReading.UNKNOWN),
                new OpenLoopPoint(0.8, rate * 0.8, List.of(rate * 0.8), rate * 0.8, 0, l, l, PercentilePoint.spectrumOfNanos(h), 32, null,
                        true, "exchanges were still due at the end", List.of("hlog/c.hlog"), BoundReading.UNKNOWN));
        WarmUp warmUp = new WarmUp(64, 2, true, List.of(40.0, 30.0), List.of(rate, rate), rate);
        HeldResult held = new HeldResult(1000, 1000, 1010, 50 << 20, (50 << 20) + 2_000_000, 2000, l, 0, null, "hlog/d.hlog");
        CapacityResult capacity = Capacities.knee(rate * 0.9);
        return new ServerResult(name, "none", "model", "cmd", null, warmUp, RateBasis.of(capacity, warmUp), capacity, closed, open, held, 60 << 20,
                12, 3, Map.of("reset", 0L), profile);
    }

    private static CompareResults results(ServerResult... servers) {
        Provenance p = new Provenance(Instant.parse("2026-01-01T10:00:00Z"), Instant.parse("2026-01-01T10:03:00Z"), "compare",
                2, "cpu", 1L << 34, "6.1", "JDK 25", "Python 3.11", "server on CPU 0", "0.1 0.1 0.1",
                "0 stalls of 0.5 ms or more in 1.0 s, 0.00% of the time", CompareSettings.of(CompareProfile.QUICK, List.of(HandlerWork.NONE)).describe(), "no CPU budget (--pin none)");
        return new CompareResults(p, List.of(servers), List.of("a <noisy> run"));
    }

    @Test
    void shouldDrawThroughputCapacitiesTwoLatencyCurvesAndThreeCostChartsWithEscapedNames() {
        Map<String, String> charts = new LinkedHashMap<>();

        String html = HtmlReport.render(results(server("nio", 10_000), server("<b>evil</b>", 5_000)), charts);

        assertEquals(List.of("throughput", "capacity-nio", "capacity-bevilb", "latency-50pct", "latency-80pct", "cpu-per-1000-exchanges",
                "rss-idle", "rss-per-held-connection"), List.copyOf(charts.keySet()));
        assertEquals(charts.size(), html.split("<svg ", -1).length - 1);
        assertFalse(html.contains("<b>evil</b>"), "a server name reached the HTML unescaped");
        assertTrue(html.contains("&lt;b&gt;evil&lt;/b&gt;") && html.contains("a &lt;noisy&gt; run"));
    }

    @Test
    void shouldDrawEachCapacityStepAgainstTheSloAndListTheStepsInTheDetails() {
        Map<String, String> charts = new LinkedHashMap<>();
        ServerResult nio = server("nio", 10_000);

        String html = HtmlReport.render(results(nio), charts);

        String chart = charts.get("capacity-nio");
        long passes = nio.capacity().steps().stream().filter(s -> s.passed()).count();
        assertEquals(passes, chart.split("class=\"pass\"", -1).length - 1, chart);
        assertEquals(nio.capacity().steps().size() - passes, chart.split("class=\"fail\"", -1).length - 1, chart);
        assertTrue(chart.contains("SLO p99=5ms") && chart.contains("stroke-dasharray"), chart);
        assertTrue(html.contains("<h2>Capacity at p99=5ms</h2>") && html.contains(nio.capacity().steps().get(0).reason()), "step list missing");
        assertTrue(html.contains("overloaded: exchanges were still due at the end"), "the overloaded point is not named");
        List<String> header = CompareTable.header(results(nio));
        assertTrue(header.contains("capacity @p99≤5ms"), header.toString());
        assertTrue(CompareTable.text(results(nio)).contains("(overl.)"), CompareTable.text(results(nio)));
    }

    @Test
    void shouldShowWhereTheCpuGoesForEveryProfiledServerAndWhyAnExternalIsNot() {
        CpuProfile nioProfile = new CpuProfile(null, 64, 120_000, 0, 3.0, 0.4, 0.6, 45.0, 812, JfrProfile.CPU_TIME_SAMPLE, 10, 290,
                List.of(new JfrProfile.MethodSamples("sun.nio.ch.Net.<poll>", 87, 0.3)), "jfr/nio.jfr");

        String html = HtmlReport.render(results(server("nio", 10_000, nioProfile), server("greet-c", 20_000, CpuProfile.notProfiled(CpuProfile.NO_JVM))));
        String without = HtmlReport.render(results(server("nio", 10_000)));

        assertTrue(html.contains("<h2>Where the CPU goes</h2>") && html.contains("not in the table"), "no profile section");
        assertTrue(html.indexOf("<h2>Where the CPU goes</h2>") > html.indexOf("<h2>Summary</h2>"), "the section follows the table");
        assertTrue(html.contains("sun.nio.ch.Net.&lt;poll&gt;") && html.contains("kernel <b>60%</b>") && html.contains("45.0 µs")
                && html.contains("812B") && html.contains("290 CPU-time samples") && html.contains("href=\"jfr/nio.jfr\""), html);
        assertTrue(html.contains("no JVM: not profiled"), "the external server's line");
        assertFalse(without.contains("Where the CPU goes"), "a section without --cpu-profile");
    }

    @Test
    void shouldEndPercentileCurveAtMaximumWhereHistogramStopsResolving() {
        Histogram h = latencies();

        List<PercentilePoint> curve = PercentilePoint.spectrumOfNanos(h);

        PercentilePoint last = curve.get(curve.size() - 1);
        assertEquals(100.0 * (1 - 1.0 / h.getTotalCount()), last.percentile(), 1e-9);
        assertEquals(h.getMaxValue() / 1e3, last.micros(), 1e-9);
        assertEquals(2.0, SvgChart.tailX(99), 1e-9);
        assertEquals("99.9%", SvgChart.percentileLabel(3));
    }
}
