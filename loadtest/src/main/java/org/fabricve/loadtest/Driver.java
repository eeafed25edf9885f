package org.fabricve.loadtest;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a scenario closed-loop (N clients, each starting its next iteration when the last one ends) or
 * open-loop (iterations arrive at a fixed rate whatever the target does, latency counted from the intended
 * start). The warm-up is excluded from the stats; a progress line goes to stderr once a second.
 */
final class Driver {

    /** How a run is bounded and paced. {@code ops} > 0 bounds it by measured operations, else by {@code duration}. */
    record Plan(int clients, Duration duration, long ops, double rate, Duration warmup) {
        boolean openLoop() {
            return rate > 0;
        }
    }

    /** When measurement began and ended (nanoTime), and how many iterations were started in all. */
    record Outcome(long measureStartNanos, long measureEndNanos, long iterations, boolean drained) {
        double seconds() {
            return Math.max(1e-9, (measureEndNanos - measureStartNanos) / 1e9);
        }
    }

    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

    private final NanoClock clock;
    private final PrintStream progress;
    private final Executor executor;

    Driver(NanoClock clock, PrintStream progress, Executor executor) {
        this.clock = clock;
        this.progress = progress;
        this.executor = executor;
    }

    Outcome run(Scenario scenario, Stats stats, Plan plan) throws InterruptedException {
        long start = clock.nanoTime();
        long measureStart = start + plan.warmup().toNanos();
        long measureEnd = plan.ops() > 0 ? Long.MAX_VALUE : measureStart + plan.duration().toNanos();
        stats.measureFrom(measureStart);
        AtomicLong measuredOpsLaunched = new AtomicLong();
        AtomicLong inflight = new AtomicLong();
        AtomicLong iterations = new AtomicLong();
        AtomicLong lastEnd = new AtomicLong(measureStart);
        CountDownLatch finished = new CountDownLatch(1);
        int perIteration = scenario.opsPerIteration();

        // may another iteration start at this intended time? (false ends the run)
        java.util.function.LongPredicate admit = intended -> {
            if (intended >= measureEnd) {
                return false;
            }
            if (plan.ops() > 0 && intended >= measureStart) {
                return measuredOpsLaunched.getAndAdd(perIteration) < plan.ops();
            }
            return true;
        };
        Runnable ended = () -> {
            long now = clock.nanoTime();
            lastEnd.accumulateAndGet(now, Math::max);
            if (inflight.decrementAndGet() == 0 && finished.getCount() == 0) {
                synchronized (inflight) {
                    inflight.notifyAll();
                }
            }
        };

        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "loadtest-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> tick(scenario, stats, plan, start, measureStart), 1, 1, TimeUnit.SECONDS);
        try {
            if (plan.openLoop()) {
                OpenLoopSchedule schedule = new OpenLoopSchedule(start, plan.rate() / perIteration);
                schedule.run(clock, (arrival, intended) -> {
                    if (!admit.test(intended)) {
                        return false;
                    }
                    inflight.incrementAndGet();
                    iterations.incrementAndGet();
                    launch(scenario, (int) (arrival % plan.clients()), intended).whenComplete((v, t) -> ended.run());
                    return true;
                });
                finished.countDown();
            } else {
                CountDownLatch clientsDone = new CountDownLatch(plan.clients());
                for (int c = 0; c < plan.clients(); c++) {
                    int client = c;
                    executor.execute(() -> closedLoop(scenario, client, admit, inflight, iterations, ended,
                            clientsDone));
                }
                clientsDone.await();
                finished.countDown();
            }
            boolean drained = awaitDrain(inflight);
            // bounded by ops: until the last one ended; by time: the window, plus the tail of what it started
            long end = plan.ops() > 0 ? lastEnd.get() : Math.max(measureEnd, lastEnd.get());
            return new Outcome(measureStart, end, iterations.get(), drained);
        } finally {
            ticker.shutdownNow();
            tick(scenario, stats, plan, start, measureStart);
            progress.println();
        }
    }

    /** One client: iterations back to back until {@code admit} refuses; the next one starts from the executor. */
    private void closedLoop(Scenario scenario, int client, java.util.function.LongPredicate admit, AtomicLong inflight,
                            AtomicLong iterations, Runnable ended, CountDownLatch done) {
        long now = clock.nanoTime();
        if (!admit.test(now)) {
            done.countDown();
            return;
        }
        inflight.incrementAndGet();
        iterations.incrementAndGet();
        launch(scenario, client, now).whenCompleteAsync((v, t) -> {
            ended.run();
            closedLoop(scenario, client, admit, inflight, iterations, ended, done);
        }, executor);
    }

    private static CompletionStage<Void> launch(Scenario scenario, int client, long intended) {
        try {
            return scenario.iteration(client, intended).exceptionally(t -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
    }

    private boolean awaitDrain(AtomicLong inflight) throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        synchronized (inflight) {
            while (inflight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                inflight.wait(Math.max(1, Math.min(100, left / 1_000_000)));
            }
        }
        return true;
    }

    private synchronized void tick(Scenario scenario, Stats stats, Plan plan, long start, long measureStart) {
        long now = clock.nanoTime();
        double t = (now - start) / 1e9;
        boolean warm = now < measureStart;
        Stats.TimelinePoint p = warm ? null : stats.tick((now - measureStart) / 1e9);
        long ops = stats.ops();
        String line = warm
                ? String.format(Locale.ROOT, "\r[%5.1fs] %s warming up (%d clients%s)   ", t, scenario.name(),
                        plan.clients(), plan.openLoop() ? String.format(Locale.ROOT, ", %.0f ops/s open loop", plan.rate()) : "")
                : String.format(Locale.ROOT, "\r[%5.1fs] %s ops %d (%d/s)  p50 %.1f ms  p99 %.1f ms  errors %d   ",
                        t, scenario.name(), ops, p.ops(), p.p50(), p.p99(), stats.errors());
        progress.print(line);
        progress.flush();
    }
}
