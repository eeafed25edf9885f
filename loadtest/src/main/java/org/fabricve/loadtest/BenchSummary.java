package org.fabricve.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code ./fabric bench}'s last step: one line per result file, and lifecycle as a fraction of raw libvirt. */
public final class BenchSummary {

    private BenchSummary() {}

    public static void main(String[] args) throws Exception {
        List<JsonNode> results = new ArrayList<>();
        for (String a : args) {
            if (!a.isBlank()) {
                results.add(Report.JSON.readTree(Path.of(a).toFile()));
            }
        }
        System.out.printf(Locale.ROOT, "%-12s %-6s %9s %7s %10s %9s %9s %9s %9s  %s%n", "scenario", "mode", "ops",
                "errors", "ops/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "notes");
        double raw = 0, closedLifecycle = 0;
        for (JsonNode r : results) {
            var l = r.path("latency_ms");
            String notes = "";
            JsonNode extra = r.path("extra");
            if (extra.has("delivery_latency_ms")) {
                JsonNode d = extra.path("delivery_latency_ms");
                notes = String.format(Locale.ROOT, "delivery p50 %.1f p99 %.1f max %.1f ms to %d subscribers; %s",
                        d.path("p50").asDouble(), d.path("p99").asDouble(), d.path("max").asDouble(),
                        extra.path("subscribers").asInt(), extra.path("events_check").path("verdict").asText("no check"));
            } else if (extra.has("guests_created")) {
                notes = extra.path("guests_created").asInt() + " guests; /cluster/resources p99 "
                        + r.path("steps").path("resources").path("latency_ms").path("p99").asDouble() + " ms; writer "
                        + extra.path("writer").path("throughput_ops_s").asDouble() + " ops/s";
            } else if (r.path("scenario").asText().equals("noop")) {
                notes = r.path("target").asText();
            }
            if (r.path("scenario").asText().equals("raw-libvirt")) {
                raw = r.path("throughput_ops_s").asDouble();
            }
            if (r.path("scenario").asText().equals("lifecycle") && r.path("mode").asText().equals("closed")) {
                closedLifecycle = r.path("throughput_ops_s").asDouble();
            }
            System.out.printf(Locale.ROOT, "%-12s %-6s %9d %7d %10.1f %9.2f %9.2f %9.2f %9.2f  %s%n",
                    r.path("scenario").asText(), r.path("mode").asText(), r.path("ops").asLong(),
                    r.path("errors").asLong(), r.path("throughput_ops_s").asDouble(), l.path("p50").asDouble(),
                    l.path("p99").asDouble(), l.path("p999").asDouble(), l.path("max").asDouble(), notes);
        }
        if (raw > 0 && closedLifecycle > 0) {
            System.out.printf(Locale.ROOT, "lifecycle (closed loop) = %.1f%% of raw libvirt (target >= 40%%)%n",
                    100 * closedLifecycle / raw);
        }
        for (String a : args) {
            System.out.println(a);
        }
    }
}
