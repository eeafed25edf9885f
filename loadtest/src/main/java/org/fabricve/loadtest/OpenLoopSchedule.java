package org.fabricve.loadtest;

/**
 * Fixed-rate arrivals for the open loop: operation {@code i} is intended to start at
 * {@code start + i * period}, whatever happened to the operations before it. Latency is measured from
 * that intended start, so time a request spends waiting because the system (or the harness) fell behind
 * is counted, not hidden (coordinated omission).
 */
public final class OpenLoopSchedule {

    private final long startNanos;
    private final double periodNanos;

    public OpenLoopSchedule(long startNanos, double ratePerSecond) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive, got " + ratePerSecond);
        }
        this.startNanos = startNanos;
        this.periodNanos = 1e9 / ratePerSecond;
    }

    /** When arrival {@code i} (0-based) should start. */
    public long intendedStart(long i) {
        return startNanos + Math.round(i * periodNanos);
    }

    /** The latency to record for an operation of arrival {@code i} that completed at {@code completedNanos}. */
    public long latency(long i, long completedNanos) {
        return completedNanos - intendedStart(i);
    }

    /**
     * Runs arrivals 0, 1, 2, ... at their intended times on {@code clock} until {@code launch} returns false
     * or the thread is interrupted. The launcher gets the arrival number and its intended start; it must not
     * block (it starts an asynchronous operation). Late arrivals are launched at once, never skipped.
     */
    public long run(NanoClock clock, Launcher launch) throws InterruptedException {
        long i = 0;
        while (!Thread.currentThread().isInterrupted()) {
            long intended = intendedStart(i);
            clock.sleepUntil(intended);
            if (!launch.launch(i, intended)) {
                return i;
            }
            i++;
        }
        return i;
    }

    @FunctionalInterface
    public interface Launcher {
        boolean launch(long arrival, long intendedStartNanos);
    }
}
