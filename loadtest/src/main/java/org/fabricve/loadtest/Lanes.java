package org.fabricve.loadtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** Set-up and clean-up work over many guests: {@code op(i)} for i in 0..count-1, at most {@code lanes} in flight. */
final class Lanes {

    private Lanes() {}

    /** Runs them all and waits (up to {@code timeout}); returns how many failed. */
    static int forAll(int count, int lanes, Duration timeout, IntFunction<CompletionStage<?>> op) throws Exception {
        int n = Math.min(lanes, Math.max(1, count));
        List<CompletableFuture<Void>> all = new ArrayList<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        for (int l = 0; l < n; l++) {
            CompletableFuture<Void> lane = new CompletableFuture<>();
            lane(count, op, next, failures, lane);
            all.add(lane);
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return failures.get();
    }

    private static void lane(int count, IntFunction<CompletionStage<?>> op, AtomicInteger next, AtomicInteger failures,
                             CompletableFuture<Void> done) {
        int i = next.getAndIncrement();
        if (i >= count) {
            done.complete(null);
            return;
        }
        CompletionStage<?> s;
        try {
            s = op.apply(i);
        } catch (RuntimeException e) {
            s = CompletableFuture.failedFuture(e);
        }
        s.whenCompleteAsync((v, t) -> {
            if (t != null) {
                failures.incrementAndGet();
            }
            lane(count, op, next, failures, done);
        });
    }
}
