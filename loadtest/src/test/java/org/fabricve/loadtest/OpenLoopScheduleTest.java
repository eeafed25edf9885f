package org.fabricve.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenLoopScheduleTest {

    private static final long MS = 1_000_000;

    @Test
    void arrivalsAreEvenlySpacedFromTheStart() {
        OpenLoopSchedule s = new OpenLoopSchedule(5_000 * MS, 100); // 100/s: every 10 ms
        assertThat(s.intendedStart(0)).isEqualTo(5_000 * MS);
        assertThat(s.intendedStart(1)).isEqualTo(5_010 * MS);
        assertThat(s.intendedStart(250)).isEqualTo(7_500 * MS);
        OpenLoopSchedule third = new OpenLoopSchedule(0, 3); // non-integral periods do not drift
        assertThat(third.intendedStart(3)).isEqualTo(1_000 * MS);
        assertThat(third.intendedStart(3_000)).isEqualTo(1_000_000 * MS);
    }

    @Test
    void launchesAtTheIntendedTimesOnAQuietSystem() throws Exception {
        FakeClock clock = new FakeClock(0);
        OpenLoopSchedule s = new OpenLoopSchedule(0, 100);
        List<long[]> launched = new ArrayList<>(); // {arrival, intended, actual}
        s.run(clock, (i, intended) -> {
            launched.add(new long[] {i, intended, clock.nanoTime()});
            return i < 4;
        });
        assertThat(launched).hasSize(5);
        for (long[] l : launched) {
            assertThat(l[1]).isEqualTo(l[0] * 10 * MS);
            assertThat(l[2]).isEqualTo(l[1]);
        }
    }

    /**
     * The launcher stalls 100 ms at arrival 2 (a system that stops answering holds up the caller). A closed
     * loop would then start the next request late and measure it from that late start, hiding the stall. The
     * open loop keeps the intended times, launches the late arrivals at once, and counts the wait in their latency.
     */
    @Test
    void aStallIsChargedToEveryArrivalItDelayed() throws Exception {
        FakeClock clock = new FakeClock(0);
        OpenLoopSchedule s = new OpenLoopSchedule(0, 100);
        long service = 1 * MS;
        List<Long> latencies = new ArrayList<>();
        List<Long> actualStarts = new ArrayList<>();
        s.run(clock, (i, intended) -> {
            actualStarts.add(clock.nanoTime());
            if (i == 2) {
                clock.advance(100 * MS); // stall
            }
            latencies.add(s.latency(i, clock.nanoTime() + service));
            return i < 14;
        });
        assertThat(actualStarts.subList(0, 3)).containsExactly(0L, 10 * MS, 20 * MS);
        // arrivals 3..12 were due at 30..120 ms; all were launched right after the stall ended at 120 ms
        for (int i = 3; i <= 12; i++) {
            assertThat(actualStarts.get(i)).isEqualTo(120 * MS);
            assertThat(latencies.get(i)).isEqualTo(120 * MS - i * 10 * MS + service);
        }
        assertThat(latencies.get(2)).isEqualTo(101 * MS);
        assertThat(latencies.get(3)).isEqualTo(91 * MS);
        // then the schedule is back on time
        assertThat(actualStarts.get(13)).isEqualTo(130 * MS);
        assertThat(latencies.get(13)).isEqualTo(service);
    }

    @Test
    void driverOpenLoopRecordsLatencyFromTheIntendedStart() throws Exception {
        FakeClock clock = new FakeClock(0);
        Stats stats = new Stats();
        // every operation takes 5 ms of service time, but the first one holds the scheduler for 50 ms
        Scenario slowStart = new Scenario() {
            int n;

            @Override
            public String name() {
                return "fake";
            }

            @Override
            public java.util.concurrent.CompletionStage<Void> iteration(int client, long intended) {
                if (n++ == 0) {
                    clock.advance(50 * MS);
                }
                clock.advance(5 * MS);
                stats.ok("op", intended, clock.nanoTime());
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }
        };
        Driver driver = new Driver(clock, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), Runnable::run);
        Driver.Outcome outcome = driver.run(slowStart, stats,
                new Driver.Plan(1, java.time.Duration.ofMillis(100), 0, 100, java.time.Duration.ZERO));
        // ten arrivals were due in 100 ms; the first took 55 ms, so the next five queued behind it
        assertThat(outcome.iterations()).isEqualTo(10);
        assertThat(stats.ops()).isEqualTo(10);
        assertThat(stats.latency().max()).isCloseTo(55.0, org.assertj.core.api.Assertions.within(0.1));
        // a closed loop would have recorded 5 ms for the second operation; it waited 45 ms + 5 ms of its own
        assertThat(stats.latency().p90()).isGreaterThan(40.0);
    }

    @Test
    void rateMustBePositive() {
        assertThatThrownBy(() -> new OpenLoopSchedule(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
