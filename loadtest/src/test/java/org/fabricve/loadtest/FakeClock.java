package org.fabricve.loadtest;

/** Time that moves only when told to; sleeping jumps to the deadline. */
final class FakeClock implements NanoClock {

    private long now;

    FakeClock(long start) {
        this.now = start;
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized void sleepUntil(long deadline) {
        now = Math.max(now, deadline);
    }

    synchronized void advance(long nanos) {
        now += nanos;
    }
}
