package org.fabricve.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Everything one run measures: a histogram of all operations and one per step (microseconds, 3 significant
 * digits, up to an hour), errors by kind and by step, and a once-a-second timeline. Operations whose intended
 * start falls before {@link #measureFrom(long)} (the warm-up) are not counted anywhere.
 */
public final class Stats {

    static final long HIGHEST_MICROS = 3_600_000_000L;

    private final ConcurrentHistogram all = histogram();
    private final Map<String, ConcurrentHistogram> steps = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errorsByKind = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errorsByStep = new ConcurrentHashMap<>();
    private final LongAdder errors = new LongAdder();
    private final Recorder interval = new Recorder(HIGHEST_MICROS, 3);
    private final LongAdder intervalErrors = new LongAdder();
    private final List<TimelinePoint> timeline = new ArrayList<>();
    private volatile long measureFrom = Long.MIN_VALUE;

    /** One second of the run: operations completed, errors, and their latency. */
    public record TimelinePoint(double t, long ops, long errors, double p50, double p99, double max) {}

    private static ConcurrentHistogram histogram() {
        return new ConcurrentHistogram(1, HIGHEST_MICROS, 3);
    }

    /** Operations intended to start before this instant are warm-up and not recorded. */
    public void measureFrom(long nanos) {
        this.measureFrom = nanos;
    }

    public boolean measuring(long intendedStartNanos) {
        return intendedStartNanos >= measureFrom;
    }

    /** Records a successful operation of {@code step} that was due at {@code startNanos} and ended at {@code endNanos}. */
    public void ok(String step, long startNanos, long endNanos) {
        if (!measuring(startNanos)) {
            return;
        }
        long micros = Math.max(1, Math.min(HIGHEST_MICROS, (endNanos - startNanos) / 1000));
        all.recordValue(micros);
        steps.computeIfAbsent(step, s -> histogram()).recordValue(micros);
        interval.recordValue(micros);
    }

    /** Records a failed operation; it counts as an error of {@code kind}, not in the latency histograms. */
    public void error(String step, String kind, long startNanos) {
        if (!measuring(startNanos)) {
            return;
        }
        errors.increment();
        intervalErrors.increment();
        errorsByKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
        errorsByStep.computeIfAbsent(step, k -> new LongAdder()).increment();
    }

    /** Closes the current timeline second (called once a second by the driver) and returns it. */
    public synchronized TimelinePoint tick(double tSeconds) {
        Histogram h = interval.getIntervalHistogram();
        Percentiles p = Percentiles.of(h);
        TimelinePoint point = new TimelinePoint(tSeconds, h.getTotalCount(), intervalErrors.sumThenReset(), p.p50(),
                p.p99(), p.max());
        timeline.add(point);
        return point;
    }

    public long ops() {
        return all.getTotalCount();
    }

    public long errors() {
        return errors.sum();
    }

    public Percentiles latency() {
        return Percentiles.of(all);
    }

    public Histogram allHistogram() {
        return all.copy();
    }

    public Map<String, Percentiles> stepLatency() {
        Map<String, Percentiles> out = new TreeMap<>();
        steps.forEach((k, h) -> out.put(k, Percentiles.of(h)));
        return out;
    }

    public Map<String, Long> errorsByKind() {
        Map<String, Long> out = new TreeMap<>();
        errorsByKind.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public Map<String, Long> errorsByStep() {
        Map<String, Long> out = new TreeMap<>();
        errorsByStep.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public synchronized List<TimelinePoint> timeline() {
        return List.copyOf(timeline);
    }
}
