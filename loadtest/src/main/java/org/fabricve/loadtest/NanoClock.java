package org.fabricve.loadtest;

/** Monotonic time in nanoseconds, and waiting on it: the real one, or a fake one in tests. */
public interface NanoClock {

    long nanoTime();

    /** Blocks until {@link #nanoTime()} reaches {@code deadline} (returns at once when it already has). */
    void sleepUntil(long deadline) throws InterruptedException;

    NanoClock SYSTEM = new NanoClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepUntil(long deadline) throws InterruptedException {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                if (left > 2_000_000) {
                    Thread.sleep((left - 1_000_000) / 1_000_000);
                } else {
                    Thread.onSpinWait();
                }
            }
        }
    };
}
