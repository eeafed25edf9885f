package org.fabricve.app;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Start-up asks to sharded entities, retried until a deadline: while a member joins, sharding may still be
 * placing shards, or a busy peer may miss a heartbeat, and a single timed-out ask must not end the start.
 */
final class StartupRetry {

    private StartupRetry() {}

    static <T> T untilAnswered(String what, Duration timeout, Supplier<CompletionStage<T>> call)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastProblem = "no answer";
        while (true) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            try {
                return call.get().toCompletableFuture().get(left, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                lastProblem = String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            } catch (TimeoutException e) {
                lastProblem = "no answer";
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not " + what + " within " + timeout.toSeconds() + " s: "
                        + lastProblem);
            }
            Thread.sleep(100);
        }
    }
}
