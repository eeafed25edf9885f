package org.fabricve.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

    private static final long MS = 1_000_000;

    @Test
    void resultFileHasTheDocumentedShape(@TempDir Path dir) throws Exception {
        Stats stats = new Stats();
        stats.measureFrom(0);
        for (int i = 1; i <= 100; i++) {
            stats.ok(i % 2 == 0 ? "create" : "start", i * MS, i * MS + i * MS); // 1..100 ms
        }
        stats.error("start", "http-500", 5 * MS);
        stats.tick(1.0);
        Driver.Plan plan = new Driver.Plan(4, Duration.ofSeconds(2), 0, 0, Duration.ofSeconds(1));
        Driver.Outcome outcome = new Driver.Outcome(0, 2_000 * MS, 50, true);
        var json = Report.json("lifecycle", "http://x:8006", plan, outcome, stats, Map.of("k", "v"),
                List.of("fabric", "loadtest", "lifecycle"), Instant.parse("2026-01-02T03:04:05Z"), Instant.now());
        Path file = Report.write(dir, json);

        assertThat(file.getFileName().toString()).isEqualTo("lifecycle-20260102-030405-000.json");
        JsonNode r = Report.JSON.readTree(file.toFile());
        assertThat(r.path("scenario").asText()).isEqualTo("lifecycle");
        assertThat(r.path("ops").asLong()).isEqualTo(100);
        assertThat(r.path("errors").asLong()).isEqualTo(1);
        assertThat(r.path("errors_by_kind").path("http-500").asLong()).isEqualTo(1);
        assertThat(r.path("duration_s").asDouble()).isEqualTo(2.0);
        assertThat(r.path("throughput_ops_s").asDouble()).isEqualTo(50.0);
        for (String k : List.of("p50", "p90", "p99", "p999", "max")) {
            assertThat(r.path("latency_ms").path(k).isNumber()).as(k).isTrue();
        }
        assertThat(r.path("latency_ms").path("p50").asDouble()).isBetween(49.9, 50.1);
        assertThat(r.path("latency_ms").path("max").asDouble()).isBetween(99.9, 100.1);
        assertThat(r.path("steps").path("create").path("ops").asLong()).isEqualTo(50);
        assertThat(r.path("steps").path("start").path("errors").asLong()).isEqualTo(1);
        assertThat(r.path("timeline").size()).isEqualTo(1);
        assertThat(r.path("percentile_distribution_ms").size()).isGreaterThan(3);
        assertThat(r.path("command_line").get(0).asText()).isEqualTo("fabric");
        assertThat(r.path("machine").path("cpus").asInt()).isPositive();
        assertThat(r.has("git_commit")).isTrue();
        assertThat(r.path("extra").path("k").asText()).isEqualTo("v");

        String html = Files.readString(dir.resolve("lifecycle-20260102-030405-000.html"));
        assertThat(html).contains("<svg", "Latency over time", "Latency by percentile").doesNotContain("http://cdn",
                "<script src");
    }
}
