package org.fabricve.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/** The result of one run: a JSON file (machine-readable) and an HTML page (self-contained, inline SVG). */
final class Report {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Report() {}

    /** Everything the JSON file holds. */
    static ObjectNode json(String scenario, String target, Driver.Plan plan, Driver.Outcome outcome, Stats stats,
                           Map<String, Object> extra, List<String> commandLine, Instant started, Instant finished) {
        ObjectNode root = JSON.createObjectNode();
        root.put("scenario", scenario);
        root.put("target", target);
        root.put("mode", plan.openLoop() ? "open" : "closed");
        root.put("clients", plan.clients());
        if (plan.openLoop()) {
            root.put("rate_ops_s", plan.rate());
        }
        root.put("ops", stats.ops());
        root.put("errors", stats.errors());
        root.set("errors_by_kind", JSON.valueToTree(stats.errorsByKind()));
        root.put("duration_s", round(outcome.seconds()));
        root.put("warmup_s", plan.warmup().toMillis() / 1000.0);
        root.put("throughput_ops_s", round(stats.ops() / outcome.seconds()));
        root.set("latency_ms", percentiles(stats.latency()));
        ObjectNode steps = root.putObject("steps");
        Map<String, Long> stepErrors = stats.errorsByStep();
        stats.stepLatency().forEach((step, p) -> {
            ObjectNode s = steps.putObject(step);
            s.put("ops", p.count());
            s.put("errors", stepErrors.getOrDefault(step, 0L));
            s.put("throughput_ops_s", round(p.count() / outcome.seconds()));
            s.set("latency_ms", percentiles(p));
        });
        stepErrors.forEach((step, n) -> {
            if (!steps.has(step)) {
                ObjectNode s = steps.putObject(step);
                s.put("ops", 0);
                s.put("errors", n);
            }
        });
        root.put("iterations", outcome.iterations());
        root.put("drained", outcome.drained());
        root.set("extra", JSON.valueToTree(extra));
        ArrayNode timeline = root.putArray("timeline");
        for (Stats.TimelinePoint p : stats.timeline()) {
            timeline.add(JSON.valueToTree(p));
        }
        ArrayNode dist = root.putArray("percentile_distribution_ms");
        Histogram h = stats.allHistogram();
        if (h.getTotalCount() > 0) {
            for (HistogramIterationValue v : h.percentiles(5)) {
                ObjectNode point = dist.addObject();
                point.put("percentile", v.getPercentileLevelIteratedTo());
                point.put("latency_ms", v.getValueIteratedTo() / 1000.0);
            }
        }
        root.set("command_line", JSON.valueToTree(commandLine));
        root.put("started_at", started.toString());
        root.put("finished_at", finished.toString());
        root.set("machine", machine());
        root.put("git_commit", gitCommit());
        return root;
    }

    static ObjectNode percentiles(Percentiles p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("p50", p.p50());
        n.put("p90", p.p90());
        n.put("p99", p.p99());
        n.put("p999", p.p999());
        n.put("max", p.max());
        n.put("mean", p.mean());
        return n;
    }

    static ObjectNode machine() {
        ObjectNode m = JSON.createObjectNode();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        try {
            m.put("hostname", InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            m.put("hostname", "unknown");
        }
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        m.put("memory_mib", os.getTotalMemorySize() / (1024 * 1024));
        m.put("load_average", round(os.getSystemLoadAverage()));
        m.put("max_heap_mib", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        return m;
    }

    /** The commit of the working directory, when it is a git checkout (FABRIC_GIT_COMMIT wins). */
    static String gitCommit() {
        String env = System.getenv("FABRIC_GIT_COMMIT");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 ? out : "unknown";
        } catch (Exception e) {
            return "unknown";
        }
    }

    static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** Writes SCENARIO-TIMESTAMP.json and .html into {@code dir}; returns the JSON file. */
    static Path write(Path dir, ObjectNode result) throws IOException {
        Files.createDirectories(dir);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC)
                .format(Instant.parse(result.path("started_at").asText()));
        String base = result.path("scenario").asText() + "-" + stamp;
        Path json = dir.resolve(base + ".json");
        JSON.writeValue(json.toFile(), result);
        Files.writeString(dir.resolve(base + ".html"), html(result));
        return json;
    }

    // ---- HTML -------------------------------------------------------------------------------------------

    static String html(ObjectNode r) {
        StringBuilder b = new StringBuilder();
        b.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Fabric VE load test: ")
                .append(esc(r.path("scenario").asText())).append("</title><style>")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:1000px}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
                .append("th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}")
                .append("svg{border:1px solid #ddd;background:#fff}.axis{font-size:11px;fill:#555}")
                .append("pre{background:#f6f6f6;padding:8px;overflow-x:auto}</style></head><body>");
        b.append("<h1>").append(esc(r.path("scenario").asText())).append(" against ")
                .append(esc(r.path("target").asText())).append("</h1>");
        b.append("<p>").append(esc(r.path("mode").asText())).append(" loop, ").append(r.path("clients").asInt())
                .append(" clients").append(r.has("rate_ops_s") ? ", " + r.path("rate_ops_s").asDouble() + " ops/s" : "")
                .append("; started ").append(esc(r.path("started_at").asText())).append(", commit ")
                .append(esc(r.path("git_commit").asText())).append("</p>");
        b.append("<table><tr><th>step</th><th>ops</th><th>errors</th><th>ops/s</th><th>p50 ms</th><th>p90 ms</th>")
                .append("<th>p99 ms</th><th>p99.9 ms</th><th>max ms</th></tr>");
        row(b, "all", r.path("ops").asLong(), r.path("errors").asLong(), r.path("throughput_ops_s").asDouble(),
                (ObjectNode) r.get("latency_ms"));
        r.path("steps").fields().forEachRemaining(e -> {
            var s = e.getValue();
            if (s.has("latency_ms")) {
                row(b, e.getKey(), s.path("ops").asLong(), s.path("errors").asLong(),
                        s.path("throughput_ops_s").asDouble(), (ObjectNode) s.get("latency_ms"));
            }
        });
        b.append("</table>");
        if (r.path("errors_by_kind").size() > 0) {
            b.append("<p>Errors by kind: ").append(esc(r.path("errors_by_kind").toString())).append("</p>");
        }
        b.append("<h2>Latency over time</h2>").append(timelineSvg(r)).append("<p>Per second of the measured run: ")
                .append("<span style=\"color:#1f77b4\">p50</span>, <span style=\"color:#d62728\">p99</span>, ")
                .append("<span style=\"color:#999\">max</span> (ms, left); bars: operations per second (right).</p>");
        b.append("<h2>Latency by percentile</h2>").append(percentileSvg(r));
        b.append("<h2>Everything</h2><pre>").append(esc(r.toPrettyString())).append("</pre></body></html>");
        return b.toString();
    }

    private static void row(StringBuilder b, String name, long ops, long errors, double rate, ObjectNode l) {
        b.append("<tr><td>").append(esc(name)).append("</td><td>").append(ops).append("</td><td>").append(errors)
                .append("</td><td>").append(fmt(rate));
        for (String k : new String[] {"p50", "p90", "p99", "p999", "max"}) {
            b.append("</td><td>").append(fmt(l.path(k).asDouble()));
        }
        b.append("</td></tr>");
    }

    private static final int W = 900, H = 300, L = 60, R = 60, T = 15, B = 35;

    static String timelineSvg(ObjectNode r) {
        List<double[]> pts = new ArrayList<>();
        r.path("timeline").forEach(p -> pts.add(new double[] {p.path("t").asDouble(), p.path("ops").asDouble(),
                p.path("p50").asDouble(), p.path("p99").asDouble(), p.path("max").asDouble()}));
        if (pts.isEmpty()) {
            return "<p>(no timeline)</p>";
        }
        double tMax = Math.max(1, pts.get(pts.size() - 1)[0]);
        double yMax = 0, opsMax = 1;
        for (double[] p : pts) {
            yMax = Math.max(yMax, p[4]);
            opsMax = Math.max(opsMax, p[1]);
        }
        yMax = niceCeil(yMax);
        opsMax = niceCeil(opsMax);
        StringBuilder s = svgStart();
        double bw = Math.max(1, (W - L - R) / (double) pts.size() - 1);
        for (double[] p : pts) {
            double x = xOf(p[0] - 1, tMax);
            double h = (H - T - B) * p[1] / opsMax;
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#e8e8e8\"/>",
                    Math.max(L, x), H - B - h, bw, h));
        }
        line(s, pts, 4, tMax, yMax, "#999");
        line(s, pts, 3, tMax, yMax, "#d62728");
        line(s, pts, 2, tMax, yMax, "#1f77b4");
        axes(s, yMax, "ms");
        s.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s ops/s</text>",
                W - 5, T + 10, fmt(opsMax)));
        s.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\">0 s</text>", L, H - 15));
        s.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s s</text>",
                W - R, H - 15, fmt(tMax)));
        return s.append("</svg>").toString();
    }

    static String percentileSvg(ObjectNode r) {
        List<double[]> pts = new ArrayList<>();
        r.path("percentile_distribution_ms").forEach(p -> {
            double pct = Math.min(99.9999, p.path("percentile").asDouble());
            pts.add(new double[] {Math.log10(100.0 / (100.0 - pct)), p.path("latency_ms").asDouble()});
        });
        if (pts.isEmpty()) {
            return "<p>(no operations)</p>";
        }
        double xMax = 6;
        double yMax = 0;
        for (double[] p : pts) {
            yMax = Math.max(yMax, p[1]);
        }
        yMax = niceCeil(yMax);
        StringBuilder s = svgStart();
        StringBuilder path = new StringBuilder();
        for (double[] p : pts) {
            path.append(path.length() == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f",
                    L + (W - L - R) * Math.min(p[0], xMax) / xMax, yOf(p[1], yMax)));
        }
        s.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>");
        axes(s, yMax, "ms");
        String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
        for (int i = 0; i <= 6; i++) {
            double x = L + (W - L - R) * i / xMax;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#eee\"/>"
                    + "<text class=\"axis\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", x, x, T, H - B, x,
                    H - 15, labels[i]));
        }
        return s.append("</svg>").toString();
    }

    private static StringBuilder svgStart() {
        return new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">", W, H, W, H));
    }

    private static void axes(StringBuilder s, double yMax, String unit) {
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#333\"/>", L, L, T, H - B));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#333\"/>", L, W - R, H - B, H - B));
        for (int i = 0; i <= 4; i++) {
            double v = yMax * i / 4;
            double y = yOf(v, yMax);
            s.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s %s</text>",
                    L - 4, y + 4, fmt(v), unit));
        }
    }

    private static void line(StringBuilder s, List<double[]> pts, int idx, double tMax, double yMax, String color) {
        StringBuilder path = new StringBuilder();
        for (double[] p : pts) {
            path.append(path.length() == 0 ? "M" : "L")
                    .append(String.format(Locale.ROOT, "%.1f,%.1f", xOf(p[0], tMax), yOf(p[idx], yMax)));
        }
        s.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(color)
                .append("\" stroke-width=\"1.5\"/>");
    }

    private static double xOf(double t, double tMax) {
        return L + (W - L - R) * t / tMax;
    }

    private static double yOf(double v, double yMax) {
        return H - B - (H - T - B) * v / yMax;
    }

    static double niceCeil(double v) {
        if (v <= 0) {
            return 1;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * mag >= v) {
                return m * mag;
            }
        }
        return 10 * mag;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e12 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
