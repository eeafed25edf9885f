package org.fabricve.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void uniformOneToTenThousandMicros() {
        Histogram h = new Histogram(1, Stats.HIGHEST_MICROS, 3);
        for (int v = 1; v <= 10_000; v++) {
            h.recordValue(v); // 1 us .. 10 ms
        }
        Percentiles p = Percentiles.of(h);
        assertThat(p.count()).isEqualTo(10_000);
        // 3 significant digits: every value within 0.1 %
        assertThat(p.p50()).isCloseTo(5.0, within(0.01));
        assertThat(p.p90()).isCloseTo(9.0, within(0.01));
        assertThat(p.p99()).isCloseTo(9.9, within(0.01));
        assertThat(p.p999()).isCloseTo(9.99, within(0.01));
        assertThat(p.max()).isCloseTo(10.0, within(0.01));
        assertThat(p.mean()).isCloseTo(5.0, within(0.01));
    }

    @Test
    void oneOutlierShowsOnlyAtTheTail() {
        Histogram h = new Histogram(1, Stats.HIGHEST_MICROS, 3);
        for (int i = 0; i < 999; i++) {
            h.recordValue(1_000); // 1 ms
        }
        h.recordValue(2_000_000); // one 2 s stall
        Percentiles p = Percentiles.of(h);
        assertThat(p.p50()).isEqualTo(1.0);
        assertThat(p.p99()).isEqualTo(1.0);
        assertThat(p.p999()).isEqualTo(1.0);
        assertThat(p.max()).isCloseTo(2000.0, within(2.0));
    }

    @Test
    void emptyIsZero() {
        assertThat(Percentiles.of(new Histogram(3))).isEqualTo(Percentiles.EMPTY);
    }

    @Test
    void statsSkipWarmupAndCountErrorsByKind() {
        Stats stats = new Stats();
        stats.measureFrom(1_000_000_000L);
        stats.ok("create", 500_000_000L, 510_000_000L); // warm-up: ignored
        stats.error("create", "http-500", 900_000_000L); // warm-up: ignored
        stats.ok("create", 1_000_000_000L, 1_020_000_000L); // 20 ms
        stats.ok("start", 1_100_000_000L, 1_105_000_000L); // 5 ms
        stats.error("start", "task-failed", 1_200_000_000L);
        stats.error("stop", "task-failed", 1_300_000_000L);
        assertThat(stats.ops()).isEqualTo(2);
        assertThat(stats.errors()).isEqualTo(2);
        assertThat(stats.errorsByKind()).containsExactlyEntriesOf(java.util.Map.of("task-failed", 2L));
        assertThat(stats.stepLatency().get("create").max()).isCloseTo(20.0, within(0.05));
        assertThat(stats.stepLatency().get("start").p50()).isCloseTo(5.0, within(0.01));
        assertThat(stats.errorsByStep()).containsEntry("start", 1L).containsEntry("stop", 1L);
    }

    @Test
    void durations() {
        assertThat(Durations.parse("500ms").toMillis()).isEqualTo(500);
        assertThat(Durations.parse("30s").toMillis()).isEqualTo(30_000);
        assertThat(Durations.parse("2m").toMillis()).isEqualTo(120_000);
        assertThat(Durations.parse("1.5").toMillis()).isEqualTo(1_500);
    }
}
