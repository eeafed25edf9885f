package org.fabricve.loadtest;

import org.HdrHistogram.AbstractHistogram;

/** The latency summary every report shows, in milliseconds, from a histogram recorded in microseconds. */
public record Percentiles(long count, double mean, double p50, double p90, double p99, double p999, double max) {

    public static final Percentiles EMPTY = new Percentiles(0, 0, 0, 0, 0, 0, 0);

    public static Percentiles of(AbstractHistogram micros) {
        if (micros.getTotalCount() == 0) {
            return EMPTY;
        }
        return new Percentiles(micros.getTotalCount(), ms(micros.getMean()),
                ms(micros.getValueAtPercentile(50)), ms(micros.getValueAtPercentile(90)),
                ms(micros.getValueAtPercentile(99)), ms(micros.getValueAtPercentile(99.9)),
                ms(micros.getMaxValue()));
    }

    static double ms(double micros) {
        return Math.round(micros) / 1000.0;
    }
}
