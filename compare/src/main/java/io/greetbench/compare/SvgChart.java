package io.greetbench.compare;

import io.greetbench.compare.CompareResults.PercentilePoint;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;
import java.util.function.DoubleUnaryOperator;

/**
 * The report's charts as inline SVG, so the HTML file is self-contained and needs no chart
 * library: grouped bar charts, and latency percentile curves on HdrHistogram's axis, where
 * {@code x = 1/(1-p)} on a log scale spreads 90%, 99%, 99.9%, ... evenly so the tail is visible,
 * and each server's capacity search as latency against rate, with its SLO.
 * Every bar and point carries a {@code <title>}, which browsers show on hover. Stateless.
 */
public final class SvgChart {

    /** Distinct, colour-blind-friendly (Okabe-Ito, then Tableau), in server order. */
    static final List<String> PALETTE = List.of("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00",
            "#56B4E9", "#7f7f7f", "#F0E442", "#8c564b", "#17becf");

    private static final int LEFT = 78;
    private static final int RIGHT = 24;
    private static final int TOP = 44;
    private static final int BOTTOM = 58;

    /** In every chart, so that a chart saved as its own .svg file looks as it does in the report. */
    private static final String STYLE = """
            <style>
            text { font-family: system-ui, "DejaVu Sans", sans-serif; fill: #333; }
            .title { font-size: 15px; font-weight: 600; } .tick { font-size: 11px; fill: #555; }
            .tickminor { font-size: 10px; fill: #999; } .value { font-size: 11px; fill: #333; }
            .category, .legend, .axislabel { font-size: 12px; } .axislabel { fill: #555; }
            .grid { stroke: #e3e3e3; } .gridminor { stroke: #f2f2f2; } .axis { stroke: #888; }
            .whisker { stroke: #222; stroke-width: 1.2; }
            </style>
            """;

    private SvgChart() {
    }

    static String color(int index) {
        return PALETTE.get(index % PALETTE.size());
    }

    /**
     * One bar per category. {@code colors} (one per category) may be null, and then every bar is
     * {@code color}; {@code low}/{@code high} may be null, and when present draw a whisker (the
     * range of repeats).
     */
    record Series(String name, String color, List<String> colors, double[] values, double[] low, double[] high) {

        String colorOf(int category) {
            return colors == null ? color : colors.get(category);
        }
    }

    static String bars(String title, String axisLabel, List<String> categories, List<Series> series,
                       DoubleFunction<String> format, int width, int height) {
        StringBuilder svg = open(width, height, title);
        double max = 0;
        for (Series s : series) {
            for (int i = 0; i < categories.size(); i++) {
                max = Math.max(max, finite(s.values()[i]));
                if (s.high() != null) {
                    max = Math.max(max, finite(s.high()[i]));
                }
            }
        }
        double[] ticks = niceTicks(max);
        double top = ticks[ticks.length - 1];
        int plotW = width - LEFT - RIGHT;
        double groupW = (double) plotW / Math.max(1, categories.size());
        int longest = categories.stream().mapToInt(String::length).max().orElse(0);
        // Names wider than their group are slanted, and the plot gives up the height they need.
        boolean slant = longest * 7.0 > groupW - 4;
        int bottom = slant ? Math.max(BOTTOM, 26 + (int) (longest * 6.5 * 0.6)) : BOTTOM;
        int plotH = height - TOP - bottom;
        for (double t : ticks) {
            double y = TOP + plotH - plotH * t / top;
            svg.append(line(LEFT, y, LEFT + plotW, y, "grid"));
            svg.append(text(LEFT - 6, y + 4, "end", "tick", format.apply(t)));
        }
        svg.append(axisLabelY(axisLabel, TOP + plotH / 2.0));
        double barW = Math.min(46, groupW * 0.8 / Math.max(1, series.size()));
        for (int c = 0; c < categories.size(); c++) {
            double groupX = LEFT + groupW * c + (groupW - barW * series.size()) / 2;
            for (int k = 0; k < series.size(); k++) {
                Series s = series.get(k);
                double v = s.values()[c];
                if (!Double.isFinite(v)) {
                    continue;
                }
                double h = plotH * Math.max(0, v) / top;
                double x = groupX + barW * k;
                double y = TOP + plotH - h;
                svg.append(String.format(Locale.ROOT,
                        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s%s: %s</title></rect>%n",
                        x + 1, y, barW - 2, h, s.colorOf(c), esc(categories.get(c)),
                        series.size() > 1 ? " " + esc(s.name()) : "", esc(format.apply(v))));
                if (s.low() != null && s.high() != null && Double.isFinite(s.low()[c]) && s.high()[c] > s.low()[c]) {
                    double yl = TOP + plotH - plotH * s.low()[c] / top;
                    double yh = TOP + plotH - plotH * s.high()[c] / top;
                    double mid = x + barW / 2;
                    svg.append(line(mid, yl, mid, yh, "whisker"));
                    svg.append(line(mid - 4, yh, mid + 4, yh, "whisker"));
                    svg.append(line(mid - 4, yl, mid + 4, yl, "whisker"));
                }
                if (series.size() <= 3) {
                    double above = s.high() != null && Double.isFinite(s.high()[c]) ? Math.min(y, TOP + plotH - plotH * s.high()[c] / top) : y;
                    svg.append(text(x + barW / 2, above - 4, "middle", "value", format.apply(v)));
                }
            }
            double cx = LEFT + groupW * c + groupW / 2;
            if (slant) {
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" class=\"category\" transform=\"rotate(-35 %.1f %.1f)\">%s</text>%n",
                        cx + 4, (double) TOP + plotH + 14, cx + 4, (double) TOP + plotH + 14, esc(categories.get(c))));
            } else {
                svg.append(text(cx, TOP + plotH + 18, "middle", "category", categories.get(c)));
            }
        }
        svg.append(line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "axis"));
        if (series.size() > 1) {
            legend(svg, series.stream().map(Series::name).toList(), series.stream().map(Series::color).toList(),
                    LEFT, height - 18, width - LEFT - RIGHT);
        }
        return svg.append("</svg>\n").toString();
    }

    /** A latency percentile curve of one server. */
    record Curve(String name, String color, List<PercentilePoint> points) {
    }

    /**
     * Percentile curves: x is {@code 1/(1-p)} on a log scale (0%, 90%, 99%, 99.9%, ...), y is
     * latency on a log scale, because servers under the same relative load can differ by orders
     * of magnitude in the tail and a linear axis would flatten all but the worst.
     */
    static String percentiles(String title, List<Curve> curves, int width, int plotHeight) {
        // The legend may need several rows; the chart grows to hold them.
        int legendRows = legendRows(curves.stream().map(Curve::name).toList(), width - LEFT - RIGHT);
        int height = plotHeight + (legendRows - 1) * LEGEND_ROW;
        StringBuilder svg = open(width, height, title);
        int plotW = width - LEFT - RIGHT;
        int plotH = plotHeight - TOP - BOTTOM;
        double xMax = 1;
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        for (Curve c : curves) {
            for (PercentilePoint p : c.points()) {
                xMax = Math.max(xMax, tailX(p.percentile()));
                if (p.micros() > 0) {
                    yMin = Math.min(yMin, p.micros());
                    yMax = Math.max(yMax, p.micros());
                }
            }
        }
        if (yMax == 0) {
            svg.append(text(width / 2.0, height / 2.0, "middle", "tick", "no data"));
            return svg.append("</svg>\n").toString();
        }
        int decades = (int) Math.ceil(xMax - 1e-9);
        double lo = Math.floor(Math.log10(yMin));
        double hi = Math.ceil(Math.log10(yMax));
        if (hi <= lo) {
            hi = lo + 1;
        }
        for (int d = 0; d <= decades; d++) {
            double x = LEFT + plotW * d / (double) decades;
            svg.append(line(x, TOP, x, TOP + plotH, "grid"));
            svg.append(text(x, TOP + plotH + 18, "middle", "tick", percentileLabel(d)));
        }
        svg.append(text(LEFT + plotW / 2.0, TOP + plotH + 38, "middle", "axislabel", "percentile (log scale of 1/(1-p))"));
        latencyAxis(svg, lo, hi, plotW, plotH, "latency (log scale)");
        for (Curve c : curves) {
            if (c.points().isEmpty()) {
                continue;
            }
            StringBuilder path = new StringBuilder();
            for (PercentilePoint p : c.points()) {
                double x = LEFT + plotW * tailX(p.percentile()) / decades;
                double y = yOf(Math.log10(Math.max(p.micros(), Math.pow(10, lo))), lo, hi, plotH);
                path.append(path.isEmpty() ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.2\"><title>%s</title></path>%n",
                    path.toString().trim(), c.color(), esc(c.name())));
            for (double q : new double[] {50, 99, 99.9}) {
                PercentilePoint p = nearest(c.points(), q);
                if (p != null) {
                    double x = LEFT + plotW * tailX(p.percentile()) / decades;
                    double y = yOf(Math.log10(Math.max(p.micros(), Math.pow(10, lo))), lo, hi, plotH);
                    svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s p%s: %s</title></circle>%n",
                            x, y, c.color(), esc(c.name()), (q == Math.rint(q) ? Long.toString((long) q) : Double.toString(q)), esc(CompareTable.micros(p.micros()))));
                }
            }
        }
        svg.append(line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "axis"));
        legend(svg, curves.stream().map(Curve::name).toList(), curves.stream().map(Curve::color).toList(),
                LEFT, plotHeight - 6, plotW);
        return svg.append("</svg>\n").toString();
    }

    /** The log latency axis from 10^lo to 10^hi µs: grid lines at 1, 2 and 5 of each decade, and its label. */
    private static void latencyAxis(StringBuilder svg, double lo, double hi, int plotW, int plotH, String label) {
        for (double e = lo; e <= hi + 1e-9; e++) {
            for (int m : new int[] {1, 2, 5}) {
                double v = m * Math.pow(10, e);
                double y = yOf(Math.log10(v), lo, hi, plotH);
                if (e == hi && m > 1) {
                    break;
                }
                svg.append(line(LEFT, y, LEFT + plotW, y, m == 1 ? "grid" : "gridminor"));
                svg.append(text(LEFT - 6, y + 4, "end", m == 1 ? "tick" : "tickminor", latencyTick(v)));
            }
        }
        svg.append(axisLabelY(label, TOP + plotH / 2.0));
    }

    /**
     * One step of a capacity search, as the latency-versus-rate chart draws it.
     *
     * @param rate    exchanges per second asked for
     * @param micros  the corrected latency at the SLO's percentile
     * @param mark    pass, fail, or bound by the generator (says nothing of the server)
     * @param tip     the step in words, shown on hover
     */
    record RateStep(double rate, double micros, Mark mark, String tip) {

        enum Mark { PASS, FAIL, GENERATOR }
    }

    /**
     * A server's latency against the rate, from its capacity search: x is the rate asked for, y
     * the corrected latency at the SLO's percentile, both on log scales (the search grows the
     * rate geometrically, and latency past the knee grows by orders of magnitude). The SLO is a
     * dashed horizontal line, the capacity a dotted vertical one; each step is a mark (a filled
     * circle passed, a cross failed, a hollow square was bound by the generator), joined in rate
     * order, in the server's colour.
     *
     * @param sloMicros the SLO's limit
     * @param capacity  the capacity found, or 0 for none
     */
    static String rateLatency(String title, String color, List<RateStep> steps, double sloMicros, String sloLabel, double capacity,
                              int width, int height) {
        StringBuilder svg = open(width, height, title);
        List<RateStep> shown = steps.stream().filter(x -> x.rate() > 0 && x.micros() > 0).sorted(Comparator.comparingDouble(RateStep::rate)).toList();
        if (shown.isEmpty()) {
            svg.append(text(width / 2.0, height / 2.0, "middle", "tick", "no steps"));
            return svg.append("</svg>\n").toString();
        }
        int plotW = width - LEFT - RIGHT;
        int plotH = height - TOP - BOTTOM;
        double xLo = Math.floor(Math.log10(shown.stream().mapToDouble(RateStep::rate).min().orElseThrow()));
        double xHi = Math.ceil(Math.log10(shown.stream().mapToDouble(RateStep::rate).max().orElseThrow()));
        double lo = Math.floor(Math.log10(Math.min(sloMicros, shown.stream().mapToDouble(RateStep::micros).min().orElseThrow())));
        double hi = Math.ceil(Math.log10(Math.max(sloMicros, shown.stream().mapToDouble(RateStep::micros).max().orElseThrow())));
        xHi = xHi <= xLo ? xLo + 1 : xHi;
        hi = hi <= lo ? lo + 1 : hi;
        double xl = xLo;
        double xh = xHi;
        DoubleUnaryOperator xOf = r -> LEFT + plotW * (Math.log10(r) - xl) / (xh - xl);
        for (double e = xLo; e <= xHi + 1e-9; e++) {
            for (int m : new int[] {1, 2, 5}) {
                double v = m * Math.pow(10, e);
                if (e == xHi && m > 1) {
                    break;
                }
                double x = xOf.applyAsDouble(v);
                svg.append(line(x, TOP, x, TOP + plotH, m == 1 ? "grid" : "gridminor"));
                svg.append(text(x, TOP + plotH + 18, "middle", m == 1 ? "tick" : "tickminor", CompareTable.rate(v)));
            }
        }
        svg.append(text(LEFT + plotW / 2.0, TOP + plotH + 38, "middle", "axislabel", "rate asked for, exchanges / s (log scale)"));
        latencyAxis(svg, lo, hi, plotW, plotH, "corrected latency (log scale)");
        double sloY = yOf(Math.log10(sloMicros), lo, hi, plotH);
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#b00020\" stroke-dasharray=\"6 4\"/>%n",
                LEFT, sloY, LEFT + plotW, sloY));
        svg.append(text(LEFT + plotW - 4, sloY - 5, "end", "value", "SLO " + sloLabel));
        if (capacity > 0) {
            double x = xOf.applyAsDouble(capacity);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-dasharray=\"2 3\"/>%n",
                    x, TOP, x, TOP + plotH, color));
            svg.append(text(x + 4, TOP + 12, "start", "value", "capacity " + CompareTable.rate(capacity) + "/s"));
        }
        StringBuilder path = new StringBuilder();
        for (RateStep st : shown) {
            path.append(path.isEmpty() ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f ", xOf.applyAsDouble(st.rate()),
                    yOf(Math.log10(st.micros()), lo, hi, plotH)));
        }
        svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" opacity=\"0.6\"/>%n",
                path.toString().trim(), color));
        for (RateStep st : shown) {
            double x = xOf.applyAsDouble(st.rate());
            double y = yOf(Math.log10(st.micros()), lo, hi, plotH);
            String tip = "<title>" + esc(st.tip()) + "</title>";
            svg.append(switch (st.mark()) {
                case PASS -> String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\" class=\"pass\">%s</circle>%n", x, y, color, tip);
                case FAIL -> String.format(Locale.ROOT, "<path d=\"M%.1f,%.1f l10,10 m0,-10 l-10,10\" stroke=\"#b00020\" stroke-width=\"2.4\" class=\"fail\">%s</path>%n",
                        x - 5, y - 5, tip);
                case GENERATOR -> String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"white\" stroke=\"#555\" stroke-width=\"1.6\" class=\"generator\">%s</rect>%n",
                        x - 5, y - 5, tip);
            });
        }
        svg.append(line(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH, "axis"));
        svg.append(text(LEFT, height - 6, "start", "legend", "● met the SLO   ✕ missed (or overloaded, invalid)   □ generator-bound"));
        return svg.append("</svg>\n").toString();
    }

    private static PercentilePoint nearest(List<PercentilePoint> points, double percentile) {
        for (PercentilePoint p : points) {
            if (p.percentile() >= percentile) {
                return p;
            }
        }
        return null;
    }

    /** log10(1/(1-p)): 0 at 0%, 1 at 90%, 2 at 99%, ... */
    static double tailX(double percentile) {
        double rest = 1 - percentile / 100;
        return rest <= 0 ? 7 : Math.log10(1 / rest);
    }

    /** 0%, 90%, 99%, 99.9%, 99.99%, ... */
    static String percentileLabel(int decade) {
        return switch (decade) {
            case 0 -> "0%";
            case 1 -> "90%";
            case 2 -> "99%";
            default -> "99." + "9".repeat(decade - 2) + "%";
        };
    }

    /** Axis ticks in the latency's own unit without trailing zeros: 20µs, 1ms, 2.5ms, 1s. */
    static String latencyTick(double micros) {
        if (micros < 1_000) {
            return trim(micros) + "µs";
        }
        if (micros < 1_000_000) {
            return trim(micros / 1e3) + "ms";
        }
        return trim(micros / 1e6) + "s";
    }

    private static String trim(double v) {
        return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static double yOf(double log, double lo, double hi, int plotH) {
        return TOP + plotH - plotH * (log - lo) / (hi - lo);
    }

    /** Round tick values from 0 up to at least {@code max}: 0, 2k, 4k, ... */
    static double[] niceTicks(double max) {
        if (!(max > 0)) {
            return new double[] {0, 1};
        }
        double raw = max / 5;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag * (raw / mag <= 1 ? 1 : raw / mag <= 2 ? 2 : raw / mag <= 2.5 ? 2.5 : raw / mag <= 5 ? 5 : 10);
        int n = (int) Math.ceil(max / step - 1e-9);
        double[] ticks = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            ticks[i] = step * i;
        }
        return ticks;
    }

    private static final int LEGEND_ROW = 16;

    private static double legendWidth(String name) {
        return 26 + 7.2 * name.length();
    }

    /** Rows {@link #legend} needs for these names in {@code width}. */
    static int legendRows(List<String> names, double width) {
        int rows = 1;
        double x = 0;
        for (String name : names) {
            double w = legendWidth(name);
            if (x + w > width && x > 0) {
                rows++;
                x = 0;
            }
            x += w;
        }
        return rows;
    }

    private static void legend(StringBuilder svg, List<String> names, List<String> colors, double x0, double y, double width) {
        double x = x0;
        double row = y;
        for (int i = 0; i < names.size(); i++) {
            double w = legendWidth(names.get(i));
            if (x + w > x0 + width && x > x0) {
                x = x0;
                row += LEGEND_ROW;
            }
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>%n", x, row - 10, colors.get(i)));
            svg.append(text(x + 16, row, "start", "legend", names.get(i)));
            x += w;
        }
    }

    private static StringBuilder open(int width, int height, String title) {
        StringBuilder svg = new StringBuilder(8192);
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">%n",
                width, height, width, height, esc(title)));
        svg.append(STYLE);
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(text(LEFT, 22, "start", "title", title));
        return svg;
    }

    private static String axisLabelY(String label, double yMid) {
        return String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" class=\"axislabel\" transform=\"rotate(-90 14 %.1f)\">%s</text>%n",
                yMid, yMid, esc(label));
    }

    private static String line(double x1, double y1, double x2, double y2, String cls) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"%s\"/>%n", x1, y1, x2, y2, cls);
    }

    private static String text(double x, double y, String anchor, String cls, String content) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">%s</text>%n", x, y, anchor, cls, esc(content));
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    /** Text and attribute values for HTML and SVG (XML) alike: the five characters either may treat as markup. */
    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
