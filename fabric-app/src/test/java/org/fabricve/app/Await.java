package org.fabricve.app;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits for a condition with a deadline: no fixed sleeps in tests. */
final class Await {

    private Await() {}

    static <T> T until(Duration timeout, String what, Supplier<T> probe) {
        return until(timeout, Duration.ofMillis(20), what, probe);
    }

    /** {@code period}: how long to wait between probes, for probes that cost what they measure. */
    static <T> T until(Duration timeout, Duration period, String what, Supplier<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                T value = probe.get();
                if (value != null && !Boolean.FALSE.equals(value)) {
                    return value;
                }
            } catch (RuntimeException | AssertionError e) {
                last = e;
            }
            try {
                Thread.sleep(period.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what, last);
    }
}
