package org.fabricve.loadtest;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * One kind of load. An iteration is what one client does in one turn (for {@code lifecycle}: create, start,
 * status, stop, delete); it records each of its steps as an operation in the run's {@link Stats}, measuring
 * the first step from {@code intendedStartNanos} (the open loop's schedule) and every later one from its own start.
 */
public interface Scenario {

    String name();

    /** How many operations one iteration records (an open loop at R ops/s starts R / this iterations per second). */
    default int opsPerIteration() {
        return 1;
    }

    /** Prepares the target (log in, create guests...) before the clock starts. */
    default void setup() throws Exception {}

    CompletionStage<Void> iteration(int client, long intendedStartNanos);

    /** Called once no more iterations will start and every started one ended. */
    default void teardown() throws Exception {}

    /** Scenario-specific results for the JSON file (Jackson-serializable values). */
    default Map<String, Object> extra() {
        return Map.of();
    }

    /**
     * Runs one step: records success with its latency from {@code startNanos}, or failure by kind; the returned
     * stage fails too, so the rest of the iteration is skipped.
     */
    static <T> CompletionStage<T> step(Stats stats, NanoClock clock, String name, long startNanos,
                                       Supplier<CompletionStage<T>> op) {
        CompletionStage<T> stage;
        try {
            stage = op.get();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        return stage.whenComplete((v, failure) -> {
            if (failure == null) {
                stats.ok(name, startNanos, clock.nanoTime());
            } else {
                stats.error(name, OpException.kindOf(failure), startNanos);
            }
        });
    }
}
