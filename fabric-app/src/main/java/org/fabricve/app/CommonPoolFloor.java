package org.fabricve.app;

import java.util.Optional;

/**
 * Keeps the JVM's common fork-join pool at a parallelism of at least two. Every ask's answer reaches us as a
 * Scala-made CompletionStage, which runs each callback asynchronously on that pool; on a host of two cores the pool
 * has a parallelism of one, and CompletableFuture then starts a new thread for every callback instead (one member
 * started 698 threads in the 9 s of an HA failover, JFR, docs/benchmarks.md). A parallelism set by the operator stays.
 */
final class CommonPoolFloor {

    static final String PROPERTY = "java.util.concurrent.ForkJoinPool.common.parallelism";
    private static final int FLOOR = 2;

    private CommonPoolFloor() {}

    /** The parallelism to set, if any: the JVM's default is one less than the cores. */
    static Optional<String> raised(String configured, int cores) {
        if (configured != null) return Optional.empty();
        return cores - 1 < FLOOR ? Optional.of(Integer.toString(FLOOR)) : Optional.empty();
    }

    /** Before anything touches the pool: it reads the property once, when it is first used. */
    static void apply() {
        raised(System.getProperty(PROPERTY), Runtime.getRuntime().availableProcessors())
                .ifPresent(p -> System.setProperty(PROPERTY, p));
    }
}
