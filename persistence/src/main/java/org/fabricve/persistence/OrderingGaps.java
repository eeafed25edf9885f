package org.fabricve.persistence;

import java.util.ArrayList;
import java.util.List;

/**
 * Holes in the journal's ordering column as one reader has seen them. The column is filled when a row is
 * inserted, but rows become visible when their transactions commit, so a reader may see 12 before 11; it
 * must not move past 11 while 11 may still arrive. A hole that stays longer than the timeout is taken to be
 * permanent (a rolled-back insert, or numbers an identity cache skipped at a restart) and passed over, as
 * pekko-persistence-jdbc's own sequence tracking does ({@code journal-sequence-retrieval}).
 */
record OrderingGaps(List<Gap> gaps) {

    /** Missing orderings {@code from..to} (inclusive), first seen at {@code firstSeenNanos}. */
    record Gap(long from, long to, long firstSeenNanos) {}

    /** Deliver the first {@code deliver} rows read; the reader's cursor is then {@code cursor}. */
    record Step(int deliver, long cursor, OrderingGaps gaps) {}

    OrderingGaps {
        gaps = List.copyOf(gaps);
    }

    static OrderingGaps none() {
        return new OrderingGaps(List.of());
    }

    /**
     * What may be delivered of {@code orderings} (the orderings read after {@code cursor}, ascending): every row
     * up to the first hole that is younger than {@code timeoutNanos}.
     */
    Step next(long cursor, long[] orderings, long nowNanos, long timeoutNanos) {
        List<Gap> seen = new ArrayList<>();
        int deliver = 0;
        long position = cursor;
        boolean blocked = false;
        long expected = cursor + 1;
        for (long ordering : orderings) {
            if (ordering > expected) {
                Gap gap = new Gap(expected, ordering - 1, firstSeen(expected, nowNanos));
                seen.add(gap);
                blocked |= nowNanos - gap.firstSeenNanos() < timeoutNanos;
            }
            if (!blocked) {
                deliver++;
                position = ordering;
            }
            expected = ordering + 1;
        }
        long reached = position;
        List<Gap> ahead = new ArrayList<>(seen.stream().filter(g -> g.from() > reached).toList());
        if (orderings.length == 0) {
            ahead.addAll(gaps.stream().filter(g -> g.from() > reached).toList());
        }
        return new Step(deliver, position, new OrderingGaps(ahead));
    }

    /** Rows only ever fill holes in, so a hole starting at {@code ordering} is as old as the known one holding it. */
    private long firstSeen(long ordering, long nowNanos) {
        for (Gap g : gaps) {
            if (g.from() <= ordering && ordering <= g.to()) {
                return g.firstSeenNanos();
            }
        }
        return nowNanos;
    }
}
